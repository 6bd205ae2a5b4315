# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""Bounds of the numbers people type: settings, cadences, plans, DMU, dossiers.

One table (``BOUNDS``) serves the model constraints, the checks made before a
value is even stored, and the documentation (``render_table``). The ranges
keep the date arithmetic of the crons valid: a day count is added to or
subtracted from dates, a month count moves a date by months, and Python's
dates stop at year 9999. They are also what makes sense for the business:
nobody plans a reminder ten years ahead.

No Odoo import: the values are plain numbers, the keys plain model and field
names.
"""

import datetime
import math

# Day counts that move dates: ten years.
MAX_DAYS = 3650
# Month counts that move dates: ten years.
MAX_MONTHS = 120
# Days of notice before a reminder or a greeting: one year.
MAX_LEAD_DAYS = 365
# Amounts (money, objective figures): finite and far above any real figure,
# well inside the precision of a double.
MAX_AMOUNT = 1e15
PERCENT = (0.0, 100.0)

# Dates a plan line may start or end on: any date of this range still has
# ten years of cadence and a year of notice around it.
MIN_DATE = datetime.date(1900, 1, 1)
MAX_DATE = datetime.date(2999, 12, 31)

# The largest value a PostgreSQL ``integer`` column holds.
INT4_MAX = 2**31 - 1
# The documentation carries ``render_table()`` between two of these.
DOC_MARKER = "<!-- bounds -->"

_COMPANY = {
    # Identification (SPEC §1)
    "kam_window_months": (1, MAX_MONTHS),
    "kam_key_share": PERCENT,
    "kam_critical_share": PERCENT,
    "kam_mono_share": PERCENT,
    "kam_portfolio_band_low": PERCENT,
    "kam_portfolio_band_high": PERCENT,
    "kam_portfolio_mono_share": PERCENT,
    "kam_absolute_threshold": (0.0, MAX_AMOUNT),
    "kam_max_accounts_per_kam": (1, 1000),
    "kam_working_orders": (1, 10000),
    "kam_regular_orders": (1, 10000),
    "kam_vip_review_days": (1, MAX_DAYS),
    "kam_quotation_validity_days": (1, MAX_DAYS),
    # Dossier (SPEC §2)
    "kam_dossier_stale_days": (1, MAX_DAYS),
    # Communication rules (SPEC §3)
    "kam_positive_gap_days": (1, MAX_DAYS),
    "kam_cooldown_days": (0, MAX_LEAD_DAYS),
    "kam_tender_months": (1, 36),
    "kam_greeting_days": (0, MAX_LEAD_DAYS),
    # Churn-risk signals (SPEC §4)
    "kam_risk_orders": (2, 100),
    "kam_risk_interval_factor": (1.0, 100.0),
    "kam_risk_category_months": (1, MAX_MONTHS),
    "kam_risk_negative_days": (1, MAX_DAYS),
}
_CADENCE = {
    "interval_days": (0, MAX_DAYS),
    "times": (0, 365),
    "lead_days": (0, MAX_LEAD_DAYS),
}

# {model: {field: (low, high)}}, both ends included.
BOUNDS = {
    # (the settings form edits these fields of the company under the same names)
    "res.company": _COMPANY,
    "kam.comm.plan.template.line": _CADENCE,
    "kam.comm.plan.line": _CADENCE,
    "kam.account.plan.objective": {
        "target": (-MAX_AMOUNT, MAX_AMOUNT),
        "actual": (-MAX_AMOUNT, MAX_AMOUNT),
    },
    "kam.account.plan.budget": {"amount": (0.0, MAX_AMOUNT)},
    "kam.dmu.member": {"influence": (1, 5), "involvement": (1, 5)},
    "kam.dossier": {"employee_count": (0, 10_000_000), "annual_revenue": (0.0, MAX_AMOUNT)},
    "kam.competitor.presence": {"share": PERCENT},
    "kam.dossier.check": {"min_count": (0, 1000)},
}

# Plan line dates, checked by the plan line itself.
DATE_BOUNDS = {
    "kam.comm.plan.line": {"start_date": (MIN_DATE, MAX_DATE), "end_date": (MIN_DATE, MAX_DATE)},
}


def is_finite_in(value, low, high, rel_tol=0.0):
    """True when ``value`` is a real number, neither NaN nor infinite, in [low, high].

    Booleans and strings are not numbers here: the caller converts what the
    ORM would convert first (``as_number``). ``rel_tol``: a stored float may
    sit a rounding error past an end it was typed exactly at (1e15 rounded to
    the cent is 1000000000000000.1); within that relative distance it counts
    as the end itself.
    """
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    if isinstance(value, float) and not math.isfinite(value):
        return False
    if low <= value <= high:
        return True
    return bool(rel_tol) and any(
        math.isclose(value, end, rel_tol=rel_tol) for end in (low, high)
    )


def as_number(value):
    """The number a form or an RPC call means by ``value``; ``None`` when it is none.

    ``False`` and ``None`` are an empty field, that is 0 (as the ORM stores
    them); text is read as the ORM reads it (``"12"``, ``"nan"``).
    """
    if value is None or value is False:
        return 0
    if value is True:
        return None
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None


def bounds_of(model):
    """{field: (low, high)} of ``model`` (empty when it has no bounded field)."""
    return BOUNDS.get(model, {})


def out_of_bounds(model, values):
    """Names of the fields of ``values`` (a dict) whose value is outside its bounds."""
    table = bounds_of(model)
    return [
        name for name, value in values.items()
        if name in table and not is_finite_in(as_number(value), *table[name])
    ]


def date_out_of_bounds(model, values):
    """Names of the date fields of ``values`` outside their range (empty dates are fine)."""
    table = DATE_BOUNDS.get(model, {})
    return [
        name for name, value in values.items()
        if name in table and value and not table[name][0] <= value <= table[name][1]
    ]


def format_bound(value):
    """``3650`` rather than ``3650.0``, ``1e+15`` rather than fifteen zeros."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e9:
        value = int(value)
    if isinstance(value, float) or abs(value) >= 1e12:
        return f"{value:g}"
    return str(value)


def render_table(labels=None):
    """The bounds as a Markdown table, for the documentation.

    ``labels``: {(model, field): label}; the technical name is shown otherwise.
    """
    labels = labels or {}
    rows = ["| model | field | lowest | highest |", "|---|---|---|---|"]
    for model, table in BOUNDS.items():
        for name, (low, high) in table.items():
            label = labels.get((model, name), f"`{name}`")
            rows.append(f"| `{model}` | {label} | {format_bound(low)} | {format_bound(high)} |")
    for model, table in DATE_BOUNDS.items():
        for name, (low, high) in table.items():
            rows.append(f"| `{model}` | `{name}` | {low.isoformat()} | {high.isoformat()} |")
    return "\n".join(rows) + "\n"
