# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

import datetime

import pytest
from conftest import load_rules

cadence = load_rules("cadence")
D = datetime.date


def test_add_months_clamps_to_month_end():
    assert cadence.add_months(D(2025, 1, 31), 1) == D(2025, 2, 28)
    assert cadence.add_months(D(2024, 1, 31), 1) == D(2024, 2, 29)
    assert cadence.add_months(D(2025, 10, 15), -9) == D(2025, 1, 15)
    assert cadence.add_months(D(2025, 3, 31), -13) == D(2024, 2, 29)


def test_yearly_date_29_february():
    assert cadence.yearly_date(2024, 2, 29) == D(2024, 2, 29)
    assert cadence.yearly_date(2025, 2, 29) == D(2025, 2, 28)


def test_parse_yearly_dates():
    assert cadence.parse_yearly_dates("03-08, 01-01;02-23") == [(1, 1), (2, 23), (3, 8)]
    assert cadence.parse_yearly_dates("") == []
    assert cadence.parse_yearly_dates("02-29") == [(2, 29)]
    for bad in ("13-01", "02-30", "8 March", "1/1"):
        with pytest.raises(ValueError):
            cadence.parse_yearly_dates(bad)


def test_next_yearly_wraps_and_is_strict_unless_inclusive():
    dates = [(1, 1), (3, 8)]
    assert cadence.next_yearly(dates, D(2025, 3, 8)) == D(2026, 1, 1)
    assert cadence.next_yearly(dates, D(2025, 3, 8), inclusive=True) == D(2025, 3, 8)
    assert cadence.next_yearly([(2, 29)], D(2025, 1, 1)) == D(2025, 2, 28)
    assert cadence.next_yearly([(2, 29)], D(2027, 12, 31)) == D(2028, 2, 29)
    assert cadence.next_yearly([], D(2025, 1, 1)) is None


def test_next_working_day():
    friday = D(2025, 3, 7)
    assert cadence.next_working_day(friday) == D(2025, 3, 10)
    assert cadence.next_working_day(D(2025, 3, 8)) == D(2025, 3, 10)  # Saturday
    assert cadence.next_working_day(D(2025, 3, 10)) == D(2025, 3, 11)
    assert cadence.next_working_day(friday, holidays={D(2025, 3, 10)}) == D(2025, 3, 11)


def test_per_quarter_slots():
    # once a quarter: quarter ends
    assert cadence.due_dates_between("per_quarter", D(2025, 1, 1), D(2025, 12, 31), times=1) == [
        D(2025, 3, 31), D(2025, 6, 30), D(2025, 9, 30), D(2025, 12, 31)]
    # three times a quarter: month ends
    assert cadence.period_slots(D(2025, 4, 1), 3, 3) == [D(2025, 4, 30), D(2025, 5, 31), D(2025, 6, 30)]
    # twice a quarter: days split evenly (Q1 2025 has 90 days)
    assert cadence.period_slots(D(2025, 1, 1), 3, 2) == [D(2025, 2, 14), D(2025, 3, 31)]


def test_per_year_slots():
    assert cadence.due_dates_between("per_year", D(2025, 2, 1), D(2026, 1, 31), times=2) == [
        D(2025, 6, 30), D(2025, 12, 31)]
    assert cadence.period_slots(D(2025, 1, 1), 12, 1) == [D(2025, 12, 31)]
    assert cadence.following_due("per_year", D(2025, 12, 31), times=1) == D(2026, 12, 31)


def test_interval_cadence():
    start = D(2025, 1, 1)
    assert cadence.first_due("interval", start, interval_days=10) == D(2025, 1, 11)
    assert cadence.first_due("interval", start, interval_days=10, last_done=D(2024, 12, 28)) == D(2025, 1, 7)
    # an old last contact never puts the first due date in the past
    assert cadence.first_due("interval", start, interval_days=10, last_done=D(2024, 6, 1)) == start
    assert cadence.due_after_done("interval", D(2025, 1, 11), D(2025, 1, 9), interval_days=10) == D(2025, 1, 19)
    assert len(cadence.due_dates_between("interval", start, D(2025, 12, 31), interval_days=10)) == 36


def test_due_after_done_calendar_kinds_keep_their_slots():
    # a quarterly call done early still leaves the next one at the next quarter end
    assert cadence.due_after_done("per_quarter", D(2025, 3, 31), D(2025, 2, 1), times=1) == D(2025, 6, 30)
    assert cadence.due_after_done("yearly_dates", D(2025, 3, 8), D(2025, 3, 1), dates=[(3, 8)]) == D(2026, 3, 8)
    assert cadence.following_due("once", D(2025, 3, 8)) is None


def test_cadence_errors():
    assert cadence.cadence_errors("interval", interval_days=0) == ["interval_days"]
    assert cadence.cadence_errors("per_quarter", times=0) == ["times_quarter"]
    assert cadence.cadence_errors("per_year", times=2) == []
    assert cadence.cadence_errors("yearly_dates", dates_text="") == ["dates_missing"]
    assert cadence.cadence_errors("yearly_dates", dates_text="", has_account_dates=True) == []
    assert cadence.cadence_errors("yearly_dates", dates_text="31-12") == ["dates_format"]
    assert cadence.cadence_errors("weekly") == ["kind"]
    assert cadence.cadence_errors("per_year", interval_days=-5, times=1) == ["negative"]
    with pytest.raises(ValueError):
        cadence.first_due("interval", D(2025, 1, 1), interval_days=0)


def test_should_materialise_with_lead_time():
    due = D(2025, 3, 8)
    assert not cadence.should_materialise(due, D(2025, 2, 28), lead_days=7)
    assert cadence.should_materialise(due, D(2025, 3, 1), lead_days=7)
    assert cadence.should_materialise(due, D(2025, 3, 20), lead_days=0)


def test_cooldown_window_and_shift():
    negative = D(2025, 3, 3)
    until = cadence.cooldown_until(negative, 14)
    assert until == D(2025, 3, 17)
    assert cadence.shift_past_cooldown(D(2025, 3, 10), negative, until) == D(2025, 3, 18)
    assert cadence.shift_past_cooldown(D(2025, 3, 17), negative, until) == D(2025, 3, 18)
    assert cadence.shift_past_cooldown(D(2025, 3, 18), negative, until) == D(2025, 3, 18)
    assert cadence.shift_past_cooldown(D(2025, 3, 1), negative, until) == D(2025, 3, 1)
    assert cadence.cooldown_until(negative, 0) is None


def test_positive_gap():
    today = D(2025, 3, 20)
    assert not cadence.positive_gap_exceeded(D(2025, 3, 10), 10, today)
    assert cadence.positive_gap_exceeded(D(2025, 3, 9), 10, today)
    assert cadence.positive_gap_exceeded(None, 10, today)
    assert not cadence.positive_gap_exceeded(None, 10, today, since=D(2025, 3, 15))


def test_upcoming_anniversary():
    today = D(2025, 12, 28)
    assert cadence.upcoming_anniversary(1, 1, today, 7) == D(2026, 1, 1)
    assert cadence.upcoming_anniversary(1, 10, today, 7) is None
    assert cadence.upcoming_anniversary(12, 28, today, 0) == today
    assert cadence.upcoming_anniversary(2, 29, D(2025, 2, 25), 7) == D(2025, 2, 28)


def test_tender_milestones_nine_months():
    tender = D(2026, 10, 15)
    assert cadence.tender_milestones(tender, 9) == [
        ("kickoff", D(2026, 1, 15)),
        ("needs", D(2026, 4, 15)),
        ("proposal", D(2026, 7, 15)),
        ("final", D(2026, 10, 1)),
    ]
    # a late tender date: what is already past is due today
    late = cadence.tender_milestones(tender, 9, today=D(2026, 5, 1))
    assert late[0] == ("kickoff", D(2026, 5, 1))
    assert late[1] == ("needs", D(2026, 5, 1))
    assert late[2] == ("proposal", D(2026, 7, 15))


def test_compliance_ratio():
    today = D(2025, 6, 30)
    occurrences = [
        (D(2025, 4, 10), D(2025, 4, 9), False),    # on time
        (D(2025, 5, 10), D(2025, 5, 13), False),   # within the 3-day grace
        (D(2025, 5, 20), D(2025, 5, 30), False),   # late
        (D(2025, 6, 1), None, False),              # missed
        (D(2025, 6, 10), None, True),              # skipped: not planned
        (D(2025, 6, 29), None, False),             # still in grace: not judged yet
        (D(2025, 3, 1), None, False),              # before the window
        (D(2025, 7, 10), None, False),             # in the future
    ]
    assert cadence.compliance(occurrences, today) == (4, 2, 50.0)
    assert cadence.compliance([], today) == (0, 0, 0.0)
