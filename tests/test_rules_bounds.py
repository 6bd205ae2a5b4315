# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""Black-box tests of kam_management/rules/bounds.py: the ranges of typed numbers."""

import datetime
import math
import pathlib

import pytest
from conftest import load_rules

bounds = load_rules("bounds")
cadence = load_rules("cadence")

ROOT = pathlib.Path(__file__).resolve().parent.parent
NAN, INF = float("nan"), float("inf")


@pytest.mark.parametrize("value", [NAN, INF, -INF, "12", None, True, False, [], 10**400])
def test_is_finite_in_refuses_what_is_no_finite_number_in_range(value):
    assert not bounds.is_finite_in(value, 0, 100)


@pytest.mark.parametrize("value", [0, 100, 0.0, 100.0, 50, 1e-300, 99.999])
def test_is_finite_in_accepts_both_ends(value):
    assert bounds.is_finite_in(value, 0, 100)


def test_is_finite_in_outside():
    assert not bounds.is_finite_in(-1, 0, 100)
    assert not bounds.is_finite_in(100.0001, 0, 100)
    assert not bounds.is_finite_in(999_999_999, 0, bounds.MAX_LEAD_DAYS)
    assert not bounds.is_finite_in(2**63, -bounds.MAX_AMOUNT, bounds.MAX_AMOUNT)


def test_as_number_reads_what_the_orm_reads():
    assert bounds.as_number(False) == 0
    assert bounds.as_number(None) == 0
    assert bounds.as_number(7) == 7
    assert bounds.as_number("2.5") == 2.5
    assert math.isnan(bounds.as_number("nan"))
    assert bounds.as_number("-inf") == -INF
    assert bounds.as_number("1e400") == INF
    assert bounds.as_number("seven") is None
    assert bounds.as_number(True) is None
    assert bounds.as_number([1]) is None


def test_out_of_bounds_names_the_fields():
    values = {
        "lead_days": 999_999_999, "interval_days": NAN, "times": 4, "name": "ignored",
    }
    assert bounds.out_of_bounds("kam.comm.plan.line", values) == ["lead_days", "interval_days"]
    assert bounds.out_of_bounds("kam.comm.plan.line", {"lead_days": False}) == []
    assert bounds.out_of_bounds("no.such.model", {"lead_days": NAN}) == []
    assert bounds.out_of_bounds("res.company", {"kam_key_share": -INF}) == ["kam_key_share"]
    assert bounds.out_of_bounds("res.company", {"kam_window_months": 121}) == ["kam_window_months"]


def test_every_range_is_ordered_and_finite():
    for model, table in bounds.BOUNDS.items():
        for name, (low, high) in table.items():
            assert math.isfinite(low) and math.isfinite(high), (model, name)
            assert low <= high, (model, name)


def test_percentages_are_percentages():
    for model, table in bounds.BOUNDS.items():
        for name, (low, high) in table.items():
            if "share" in name:
                assert (low, high) == (0.0, 100.0), (model, name)


def test_amounts_are_within_1e15():
    assert bounds.BOUNDS["kam.account.plan.objective"]["target"] == (-1e15, 1e15)
    assert bounds.BOUNDS["kam.account.plan.budget"]["amount"] == (0.0, 1e15)
    assert bounds.BOUNDS["res.company"]["kam_absolute_threshold"] == (0.0, 1e15)


def test_day_and_month_counts_keep_the_date_arithmetic_valid():
    """The extreme cadence of the table, from the extreme dates of a plan line,
    stays inside the calendar: no OverflowError for any value the bounds allow."""
    table = bounds.BOUNDS["kam.comm.plan.line"]
    interval = table["interval_days"][1]
    lead = table["lead_days"][1]
    times = table["times"][1]
    for start in (bounds.MIN_DATE, bounds.MAX_DATE):
        due = cadence.first_due("interval", start, interval_days=interval)
        due = cadence.following_due("interval", due, interval_days=interval)
        assert cadence.should_materialise(due, start, lead) in (True, False)
        yearly = cadence.first_due("per_year", start, times=times)
        assert cadence.following_due("per_year", yearly, times=times) > yearly
    company = bounds.BOUNDS["res.company"]
    today = bounds.MAX_DATE
    for name in ("kam_window_months", "kam_risk_category_months"):
        months = company[name][1]
        assert cadence.add_months(today, -2 * months) < today
    for name in ("kam_vip_review_days", "kam_dossier_stale_days", "kam_positive_gap_days",
                 "kam_cooldown_days", "kam_greeting_days", "kam_risk_negative_days"):
        days = datetime.timedelta(days=company[name][1])
        assert bounds.MIN_DATE - days < bounds.MAX_DATE + days
    tender_months = company["kam_tender_months"][1]
    assert cadence.tender_milestones(bounds.MIN_DATE.replace(year=1901), tender_months)


def test_the_reported_lead_time_is_refused_and_would_overflow():
    """999 999 999 days: the value that crashed the daily run."""
    assert bounds.out_of_bounds("kam.comm.plan.line", {"lead_days": 999_999_999})
    with pytest.raises(OverflowError):
        cadence.should_materialise(datetime.date(2025, 1, 1), datetime.date(2025, 1, 1), 999_999_999)


def test_plan_line_dates():
    low, high = bounds.DATE_BOUNDS["kam.comm.plan.line"]["start_date"]
    assert bounds.date_out_of_bounds("kam.comm.plan.line", {"start_date": low, "end_date": high}) == []
    assert bounds.date_out_of_bounds(
        "kam.comm.plan.line", {"start_date": datetime.date(9999, 12, 31), "end_date": False}
    ) == ["start_date"]
    assert bounds.date_out_of_bounds("kam.comm.plan.line", {"end_date": datetime.date(1, 1, 1)}) == [
        "end_date"
    ]


def test_format_bound():
    assert bounds.format_bound(3650) == "3650"
    assert bounds.format_bound(100.0) == "100"
    assert bounds.format_bound(1e15) == "1e+15"
    assert bounds.format_bound(-1e15) == "-1e+15"
    assert bounds.format_bound(0.5) == "0.5"
    assert bounds.format_bound(NAN) == "nan"
    assert bounds.format_bound(10**30) == "1e+30"


def test_render_table_lists_every_bound_once():
    table = bounds.render_table()
    rows = [row for row in table.splitlines() if row.startswith("| `")]
    expected = sum(len(fields) for fields in bounds.BOUNDS.values()) + sum(
        len(fields) for fields in bounds.DATE_BOUNDS.values()
    )
    assert len(rows) == expected
    assert "| `kam.comm.plan.line` | `lead_days` | 0 | 365 |" in rows


def test_documented_bounds_are_the_rules():
    """docs/hostile_input.md carries the table rendered from the rules, between markers."""
    text = (ROOT / "docs" / "hostile_input.md").read_text(encoding="utf-8")
    parts = text.split(bounds.DOC_MARKER)
    assert len(parts) == 3, f"the bounds table must sit between two {bounds.DOC_MARKER} markers"
    assert parts[1].strip() == bounds.render_table().strip(), (
        "docs/hostile_input.md is out of date: paste the output of rules.bounds.render_table()"
    )


def test_rounding_at_an_end_is_tolerated_only_when_asked():
    rounded = 1000000000000000.1  # 1e15 rounded to the cent
    assert not bounds.is_finite_in(rounded, 0.0, 1e15)
    assert bounds.is_finite_in(rounded, 0.0, 1e15, rel_tol=1e-12)
    assert not bounds.is_finite_in(1.001e15, 0.0, 1e15, rel_tol=1e-12)
    assert not bounds.is_finite_in(NAN, 0.0, 1e15, rel_tol=1.0)
