# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""xlsxwriter builders of the KAM workbooks (SPEC §4).

No Odoo import: the callers pass translated labels and plain rows (dicts), so
that the workbook layout is testable on its own. Workbooks are written in
xlsxwriter's ``constant_memory`` mode to a file: each row is flushed to disk
when the next one starts, so memory stays flat whatever the number of rows,
as long as the rows come from an iterator.

Every text cell goes through ``write_string``: a client name or a note that
starts with ``=`` (or ``+``, ``-``, ``@``) stays text and never becomes a
formula in the reader's spreadsheet.
"""

import datetime
from collections import namedtuple

import xlsxwriter

Column = namedtuple("Column", "key label kind width", defaults=("text", 16))
# kind: text, int, float, money, percent (0–100 in, shown as %), date, datetime, bool

NUMBER_FORMATS = {
    "int": "#,##0",
    "float": "#,##0.00",
    "money": "#,##0.00",
    "percent": "0.0%",
    "date": "yyyy-mm-dd",
    "datetime": "yyyy-mm-dd hh:mm",
}
PARETO_CHART_ROWS = 100
WORKBOOK_OPTIONS = {
    "constant_memory": True,
    "in_memory": False,
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
}


def open_workbook(path, tmpdir=None):
    options = dict(WORKBOOK_OPTIONS)
    if tmpdir:
        options["tmpdir"] = tmpdir
    workbook = xlsxwriter.Workbook(path, options)
    formats = {kind: workbook.add_format({"num_format": fmt}) for kind, fmt in NUMBER_FORMATS.items()}
    formats["text"] = workbook.add_format({"text_wrap": False})
    formats["wrap"] = workbook.add_format({"text_wrap": True, "valign": "top"})
    formats["bool"] = None
    formats["header"] = workbook.add_format(
        {"bold": True, "bg_color": "#E8EEF7", "bottom": 1, "text_wrap": True, "valign": "top"}
    )
    formats["title"] = workbook.add_format({"bold": True, "font_size": 14})
    formats["warning"] = workbook.add_format({"bold": True, "font_color": "#B00020"})
    return workbook, formats


def write_cell(worksheet, row, col, value, kind, formats):
    """Write one typed value; text only ever through ``write_string``."""
    fmt = formats.get(kind)
    if value is None or value == "" or (value is False and kind != "bool"):
        return  # an empty cell is no cell at all
    if kind in ("int", "float", "money"):
        worksheet.write_number(row, col, float(value), fmt)
    elif kind == "percent":
        worksheet.write_number(row, col, float(value) / 100.0, fmt)
    elif kind in ("date", "datetime"):
        if not isinstance(value, datetime.datetime):
            value = datetime.datetime.combine(value, datetime.time.min)
        worksheet.write_datetime(row, col, value, fmt)
    elif kind == "bool":
        worksheet.write_boolean(row, col, bool(value), fmt)
    else:
        worksheet.write_string(row, col, str(value), formats["wrap"] if kind == "wrap" else fmt)


def write_table(worksheet, columns, rows, formats, first_row=0):
    """Header, rows, frozen header and autofilter; returns the number of data rows.

    ``rows`` may be any iterable of dicts keyed by ``Column.key``; it is
    consumed once, row after row.
    """
    for col, column in enumerate(columns):
        worksheet.set_column(col, col, column.width)
        worksheet.write_string(first_row, col, column.label, formats["header"])
    worksheet.freeze_panes(first_row + 1, 0)
    count = 0
    for count, values in enumerate(rows, start=1):
        for col, column in enumerate(columns):
            write_cell(worksheet, first_row + count, col, values.get(column.key), column.kind, formats)
    worksheet.autofilter(first_row, 0, first_row + max(count, 1), len(columns) - 1)
    return count


def build_portfolio_workbook(path, rows, columns, labels, summary_lines=(), tmpdir=None):
    """The portfolio workbook: one row per account, and a Pareto chart.

    ``rows`` come ordered by Pareto rank. ``columns`` must contain the keys
    ``partner``, ``share`` and ``cumulative_share`` used by the chart.
    ``labels``: ``sheet``, ``chart_sheet``, ``chart_title``, ``share``,
    ``cumulative``, ``rank_axis``, ``share_axis``. ``summary_lines``: pairs
    (text, is_warning) written above the chart.
    Returns the number of account rows.
    """
    workbook, formats = open_workbook(path, tmpdir=tmpdir)
    worksheet = workbook.add_worksheet(labels["sheet"])
    chart_sheet = workbook.add_worksheet(labels["chart_sheet"])
    count = write_table(worksheet, columns, rows, formats)

    for line, (text, is_warning) in enumerate(summary_lines):
        chart_sheet.write_string(line, 0, text, formats["warning" if is_warning else "title"])
    chart_rows = min(count, PARETO_CHART_ROWS)
    if chart_rows:
        keys = [column.key for column in columns]
        sheet = labels["sheet"]
        name_col = keys.index("partner")
        share_col = keys.index("share")
        cumulative_col = keys.index("cumulative_share")

        def ref(col):
            return [sheet, 1, col, chart_rows, col]

        bars = workbook.add_chart({"type": "column"})
        bars.add_series({
            "name": labels["share"],
            "categories": ref(name_col),
            "values": ref(share_col),
            "fill": {"color": "#5B8DEF"},
        })
        line = workbook.add_chart({"type": "line"})
        line.add_series({
            "name": labels["cumulative"],
            "categories": ref(name_col),
            "values": ref(cumulative_col),
            "y2_axis": True,
            "line": {"color": "#E8684A", "width": 2.25},
            "marker": {"type": "circle", "size": 4},
        })
        bars.combine(line)
        bars.set_title({"name": labels["chart_title"]})
        bars.set_x_axis({"name": labels["rank_axis"], "num_font": {"rotation": -45}})
        bars.set_y_axis({"name": labels["share_axis"], "num_format": "0%"})
        line.set_y2_axis({"num_format": "0%", "min": 0, "max": 1})
        bars.set_legend({"position": "bottom"})
        bars.set_size({"width": 960, "height": 480})
        chart_sheet.insert_chart(len(summary_lines) + 1, 0, bars)
    workbook.close()
    return count


def build_dossier_workbook(path, sheets, tmpdir=None):
    """The dossier workbook: one table per sheet.

    ``sheets``: iterable of ``(name, columns, rows)``; sheets are written one
    after the other (constant-memory mode writes each sheet top to bottom).
    Returns ``{name: row count}``.
    """
    workbook, formats = open_workbook(path, tmpdir=tmpdir)
    counts = {}
    for name, columns, rows in sheets:
        worksheet = workbook.add_worksheet(name)
        counts[name] = write_table(worksheet, columns, rows, formats)
    workbook.close()
    return counts
