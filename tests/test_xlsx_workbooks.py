# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""The workbook builders on their own: layout, formats, chart, safety, memory."""

import datetime
import importlib.util
import pathlib
import tracemalloc

import openpyxl

ROOT = pathlib.Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location(
    "kam_xlsx", ROOT / "kam_management" / "report" / "kam_xlsx.py"
)
kam_xlsx = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(kam_xlsx)
Column = kam_xlsx.Column

COLUMNS = [
    Column("rank", "Rank", "int", 6),
    Column("partner", "Account", "text", 30),
    Column("revenue", "Revenue", "money", 14),
    Column("share", "Share", "percent", 10),
    Column("cumulative_share", "Cumulative", "percent", 10),
    Column("last_order", "Last Order", "date", 12),
    Column("vip", "VIP", "bool", 6),
]
LABELS = {
    "sheet": "Portfolio", "chart_sheet": "Pareto", "chart_title": "Pareto",
    "share": "Share", "cumulative": "Cumulative", "rank_axis": "Accounts",
    "share_axis": "Share",
}


def _rows(count):
    cumulative = 0.0
    for rank in range(1, count + 1):
        share = 100.0 / count
        cumulative += share
        yield {
            "rank": rank, "partner": f"Client {rank}", "revenue": 1000.0 * rank,
            "share": share, "cumulative_share": cumulative,
            "last_order": datetime.date(2025, 1, 1), "vip": rank == 1,
        }


def test_portfolio_workbook_layout(tmp_path):
    path = tmp_path / "portfolio.xlsx"
    rows = list(_rows(3))
    rows[1]["partner"] = "=HYPERLINK(\"http://evil\")"
    count = kam_xlsx.build_portfolio_workbook(
        str(path), iter(rows), COLUMNS, LABELS, summary_lines=[("Key accounts: 48 %", False)],
    )
    assert count == 3
    workbook = openpyxl.load_workbook(path)
    assert workbook.sheetnames == ["Portfolio", "Pareto"]
    sheet = workbook["Portfolio"]
    assert [cell.value for cell in sheet[1]] == [c.label for c in COLUMNS]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:G4"
    assert sheet["B2"].value == "Client 1"
    # a formula-looking name stays text
    assert sheet["B3"].value == "=HYPERLINK(\"http://evil\")"
    assert sheet["B3"].data_type == "s"
    assert sheet["C2"].value == 1000
    assert sheet["C2"].number_format == "#,##0.00"
    assert abs(sheet["D2"].value - 1 / 3) < 1e-9
    assert sheet["D2"].number_format == "0.0%"
    assert sheet["F2"].value == datetime.datetime(2025, 1, 1)
    assert sheet["G2"].value is True
    pareto = workbook["Pareto"]
    assert pareto["A1"].value == "Key accounts: 48 %"
    assert len(pareto._charts) == 1


def test_empty_portfolio_has_no_chart(tmp_path):
    path = tmp_path / "empty.xlsx"
    assert kam_xlsx.build_portfolio_workbook(str(path), iter(()), COLUMNS, LABELS) == 0
    workbook = openpyxl.load_workbook(path)
    assert workbook["Portfolio"].max_row == 1
    assert workbook["Pareto"]._charts == []


def test_dossier_workbook_sheets(tmp_path):
    path = tmp_path / "dossier.xlsx"
    columns = [Column("name", "Name"), Column("note", "Note", "wrap", 40)]
    counts = kam_xlsx.build_dossier_workbook(str(path), [
        ("Summary", columns, [{"name": "Azure", "note": "+1 bad idea"}]),
        ("DMU", columns, []),
    ])
    assert counts == {"Summary": 1, "DMU": 0}
    workbook = openpyxl.load_workbook(path)
    assert workbook.sheetnames == ["Summary", "DMU"]
    assert workbook["Summary"]["B2"].value == "+1 bad idea"
    assert workbook["DMU"]["A1"].value == "Name"


def test_portfolio_memory_stays_bounded_for_50000_rows(tmp_path):
    """Rows are streamed: peak Python memory does not grow with the row count."""

    def peak(count):
        tracemalloc.start()
        kam_xlsx.build_portfolio_workbook(
            str(tmp_path / f"p{count}.xlsx"), _rows(count), COLUMNS, LABELS,
        )
        _current, top = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        return top

    small, large = peak(1000), peak(50000)
    assert large < 2 * small + 2 * 1024 * 1024, (small, large)
    assert openpyxl.load_workbook(tmp_path / "p50000.xlsx", read_only=True)[
        "Portfolio"
    ].max_row == 50001
