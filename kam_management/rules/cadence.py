# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""Communication cadences and contact rules (SPEC §3, digest §5, §10 rules 7–9, 11, 13, 14).

Plain date arithmetic, no Odoo import. The plan lines and the daily scheduler
call these functions; ``tests/test_rules_cadence.py`` exercises them.

Cadence kinds:

- ``interval``: every N days; the next contact is due N days after the last one
  (or after the previous due date when it was missed);
- ``per_quarter`` / ``per_year``: N contacts per calendar quarter / year, evenly
  spaced: the period is cut into N slots and each slot is due on its last day
  (month ends when the months split evenly, e.g. 2×/year → 30 June, 31 December);
- ``yearly_dates``: fixed dates every year (greetings), given as (month, day);
  29 February falls on 28 February in common years;
- ``once``: a single date (tender preparation milestones).
"""

import calendar
import datetime
import re

ONE_DAY = datetime.timedelta(days=1)
CADENCE_KINDS = ("interval", "per_quarter", "per_year", "yearly_dates", "once")
PERIOD_MONTHS = {"per_quarter": 3, "per_year": 12}
# A contact done up to this many days after its due date still counts as on
# time in the compliance ratio: reminders, not quotas (digest §5.1.3).
DEFAULT_GRACE_DAYS = 3
DEFAULT_COMPLIANCE_WINDOW = 90
_YEARLY_DATE = re.compile(r"^\s*(\d{1,2})\s*-\s*(\d{1,2})\s*$")


# ---------------------------------------------------------------------------
# Calendar helpers
# ---------------------------------------------------------------------------

def add_months(day, months):
    """``day`` moved by ``months`` calendar months, clamped to the month's end."""
    month_index = day.year * 12 + day.month - 1 + months
    year, month = divmod(month_index, 12)
    month += 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def month_end(year, month):
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def yearly_date(year, month, day):
    """The (month, day) anniversary in ``year``; 29 February → 28 February in common years."""
    if month == 2 and day == 29 and not calendar.isleap(year):
        day = 28
    return datetime.date(year, month, day)


def parse_yearly_dates(text):
    """Parse ``"01-01, 03-08"`` (month-day pairs) into ``[(1, 1), (3, 8)]``.

    Raises ``ValueError`` naming the first bad item; an empty text gives ``[]``.
    """
    result = []
    for item in (text or "").replace(";", ",").split(","):
        if not item.strip():
            continue
        match = _YEARLY_DATE.match(item)
        if not match:
            raise ValueError(item.strip())
        month, day = int(match.group(1)), int(match.group(2))
        if not 1 <= month <= 12 or not 1 <= day <= calendar.monthrange(2000, month)[1]:
            raise ValueError(item.strip())
        if (month, day) not in result:
            result.append((month, day))
    return sorted(result)


def next_yearly(dates, after, inclusive=False):
    """First anniversary of any (month, day) in ``dates`` after ``after``.

    With ``inclusive`` an anniversary falling on ``after`` itself is returned.
    ``None`` when ``dates`` is empty.
    """
    best = None
    for month, day in dates:
        for year in (after.year, after.year + 1):
            candidate = yearly_date(year, month, day)
            if candidate > after or (inclusive and candidate == after):
                if best is None or candidate < best:
                    best = candidate
                break
    return best


# ---------------------------------------------------------------------------
# Working days
# ---------------------------------------------------------------------------

def is_working_day(day, holidays=()):
    """Monday to Friday, and not one of ``holidays`` (a set of dates)."""
    return day.weekday() < 5 and day not in holidays


def next_working_day(day, holidays=()):
    """The first working day strictly after ``day`` (Friday → Monday)."""
    candidate = day + ONE_DAY
    while not is_working_day(candidate, holidays):
        candidate += ONE_DAY
    return candidate


# ---------------------------------------------------------------------------
# Cadences
# ---------------------------------------------------------------------------

def period_start(day, months):
    """First day of the calendar quarter (3) or year (12) containing ``day``."""
    first_month = (day.month - 1) // months * months + 1
    return datetime.date(day.year, first_month, 1)


def period_slots(start, months, times):
    """Due dates of ``times`` evenly spaced contacts in the period beginning at ``start``.

    Each slot is due on its last day. When the months split evenly between the
    contacts the slots end on month ends; otherwise the days are split.
    """
    if times < 1:
        raise ValueError("times")
    if months % times == 0:
        step = months // times
        return [
            month_end(*_year_month(add_months(start, step * k - 1)))
            for k in range(1, times + 1)
        ]
    end = add_months(start, months) - ONE_DAY
    length = (end - start).days + 1
    return [
        start + datetime.timedelta(days=-(-length * k // times) - 1)
        for k in range(1, times + 1)
    ]


def _year_month(day):
    return day.year, day.month


def _period_due_after(kind, times, after, inclusive):
    months = PERIOD_MONTHS[kind]
    start = period_start(after, months)
    for _attempt in range(3):
        for due in period_slots(start, months, times):
            if due > after or (inclusive and due == after):
                return due
        start = add_months(start, months)
    raise ValueError("slot")  # pragma: no cover - a period always has slots


def first_due(kind, start, interval_days=0, times=0, dates=(), last_done=None):
    """First due date of a new plan line starting on ``start``.

    ``interval``: ``interval_days`` after the last contact (``last_done``) or
    after ``start``, never before ``start``. Period and yearly kinds: the first
    slot or date on or after ``start``. ``once``: ``start`` itself.
    """
    _check_cadence(kind, interval_days, times, dates)
    if kind == "interval":
        anchor = last_done or start
        return max(anchor + datetime.timedelta(days=interval_days), start)
    if kind in PERIOD_MONTHS:
        return _period_due_after(kind, times, start, inclusive=True)
    if kind == "yearly_dates":
        return next_yearly(dates, start, inclusive=True)
    return start


def following_due(kind, due, interval_days=0, times=0, dates=()):
    """The due date that follows the scheduled due date ``due`` (``None`` for ``once``)."""
    _check_cadence(kind, interval_days, times, dates)
    if kind == "interval":
        return due + datetime.timedelta(days=interval_days)
    if kind in PERIOD_MONTHS:
        return _period_due_after(kind, times, due, inclusive=False)
    if kind == "yearly_dates":
        return next_yearly(dates, due)
    return None


def due_after_done(kind, cycle_due, done_date, interval_days=0, times=0, dates=()):
    """Next due date once the contact scheduled on ``cycle_due`` was done on ``done_date``.

    An ``interval`` restarts from the contact itself (every N days *since the last
    contact*); calendar-based kinds move to the next slot after the cycle.
    """
    if kind == "interval":
        return done_date + datetime.timedelta(days=interval_days)
    return following_due(kind, cycle_due, interval_days, times, dates)


def due_dates_between(kind, start, end, interval_days=0, times=0, dates=()):
    """All scheduled due dates from ``start`` to ``end`` inclusive when nothing is done early."""
    result = []
    due = first_due(kind, start, interval_days, times, dates)
    while due is not None and due <= end:
        result.append(due)
        due = following_due(kind, due, interval_days, times, dates)
    return result


def _check_cadence(kind, interval_days, times, dates):
    if kind not in CADENCE_KINDS:
        raise ValueError(kind)
    if kind == "interval" and interval_days < 1:
        raise ValueError("interval_days")
    if kind in PERIOD_MONTHS and times < 1:
        raise ValueError("times")
    if kind == "yearly_dates" and not dates:
        raise ValueError("dates")


def cadence_errors(kind, interval_days=0, times=0, dates_text="", has_account_dates=False):
    """Codes of the problems of a cadence definition (the caller translates them)."""
    errors = []
    if kind not in CADENCE_KINDS:
        return ["kind"]
    if (interval_days or 0) < 0 or (times or 0) < 0:
        # whatever the kind: a number kept on the line must never be negative
        errors.append("negative")
    if kind == "interval" and (interval_days or 0) < 1:
        errors.append("interval_days")
    if kind == "per_quarter" and not 1 <= (times or 0) <= 90:
        errors.append("times_quarter")
    if kind == "per_year" and not 1 <= (times or 0) <= 365:
        errors.append("times_year")
    if kind == "yearly_dates":
        try:
            dates = parse_yearly_dates(dates_text)
        except ValueError:
            errors.append("dates_format")
        else:
            if not dates and not has_account_dates:
                errors.append("dates_missing")
    return errors


def should_materialise(due, today, lead_days=0):
    """A reminder is created ``lead_days`` before its due date (and any day after)."""
    return due - datetime.timedelta(days=max(lead_days, 0)) <= today


# ---------------------------------------------------------------------------
# Contact rules
# ---------------------------------------------------------------------------

def cooldown_until(contact_date, days):
    """Last day of the cool-down after a negative contact (inclusive); ``None`` when off."""
    if not contact_date or days <= 0:
        return None
    return contact_date + datetime.timedelta(days=days)


def shift_past_cooldown(due, start, until):
    """A personal contact due inside the cool-down [start, until] moves to the day after."""
    if due and start and until and start <= due <= until:
        return until + ONE_DAY
    return due


def positive_gap_exceeded(last_positive, gap_days, today, since=None):
    """True when the last positive contact (or, without one, ``since``) is older than the gap.

    Without any positive contact and without ``since`` the gap counts as exceeded.
    """
    anchor = last_positive or since
    if anchor is None:
        return True
    return (today - anchor).days > gap_days


def upcoming_anniversary(month, day, today, lead_days):
    """The next anniversary of (month, day) from ``today`` when it is within ``lead_days``.

    Returns the anniversary date (on or after today) or ``None`` when it is
    further away than the lead time.
    """
    anniversary = yearly_date(today.year, month, day)
    if anniversary < today:
        anniversary = yearly_date(today.year + 1, month, day)
    if (anniversary - today).days <= lead_days:
        return anniversary
    return None


def tender_milestones(tender_date, months, today=None):
    """Preparation milestones for a tender: (code, due date), earliest first.

    Preparation starts ``months`` before the tender (digest §5.6: about 9
    months): kick-off, shaping needs and specifications with the DMU at one
    third, the proposal at two thirds, and a final check two weeks before.
    Milestones already past when the plan is made are due ``today``.
    """
    if months < 1:
        raise ValueError("months")
    start = add_months(tender_date, -months)
    milestones = [
        ("kickoff", start),
        ("needs", add_months(tender_date, -(months - months // 3))),
        ("proposal", add_months(tender_date, -(months // 3))),
        ("final", tender_date - datetime.timedelta(days=14)),
    ]
    result = []
    seen = set()
    for code, due in milestones:
        if today is not None and due < today:
            due = today
        due = min(due, tender_date)
        if code not in seen:
            seen.add(code)
            result.append((code, due))
    return result


# ---------------------------------------------------------------------------
# Compliance
# ---------------------------------------------------------------------------

def is_on_time(due, done_date, grace_days=DEFAULT_GRACE_DAYS):
    return done_date is not None and done_date <= due + datetime.timedelta(days=grace_days)


def compliance(occurrences, today, window_days=DEFAULT_COMPLIANCE_WINDOW,
               grace_days=DEFAULT_GRACE_DAYS):
    """Share of planned contacts done on time over the last ``window_days``.

    ``occurrences`` are (due_date, done_date or None, skipped) tuples. Planned
    are those due in the window (up to today); skipped ones are not planned,
    and open ones still inside their grace period are not judged yet.
    Returns (planned, on_time, rate in %); the rate is 0.0 when nothing was planned.
    """
    window_start = today - datetime.timedelta(days=window_days)
    planned = on_time = 0
    for due, done_date, skipped in occurrences:
        if skipped or due is None or not window_start < due <= today:
            continue
        if done_date is None and due + datetime.timedelta(days=grace_days) >= today:
            continue
        planned += 1
        if is_on_time(due, done_date, grace_days):
            on_time += 1
    rate = round(100.0 * on_time / planned, 1) if planned else 0.0
    return planned, on_time, rate
