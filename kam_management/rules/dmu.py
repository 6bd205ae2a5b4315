# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""DMU and dossier arithmetic (SPEC §2, digest §3, §4).

Coverage of a deal's decision-making unit, completeness of a dossier against a
checklist, staleness of a dossier, and the next occurrence of a yearly personal
date (birthdays, personal holidays) for greetings. Plain values in, plain
values out: no Odoo import.
"""

import datetime


def dmu_coverage(required_roles, present_roles):
    """Percentage of the required DMU roles present in a deal (0–100).

    ``required_roles`` and ``present_roles`` are iterables of hashable role
    keys (ids or codes). Nothing required means nothing is missing: 100.
    """
    required = set(required_roles)
    if not required:
        return 100.0
    covered = required & set(present_roles)
    return round(100.0 * len(covered) / len(required), 2)


def missing_roles(required_roles, present_roles):
    """The required roles absent from the deal, in the order they were given."""
    present = set(present_roles)
    seen = set()
    missing = []
    for role in required_roles:
        if role not in present and role not in seen:
            missing.append(role)
        seen.add(role)
    return missing


def completeness(filled_items):
    """Percentage of checklist items filled (0–100).

    ``filled_items`` is an iterable of booleans, one per active checklist item.
    An empty checklist asks for nothing, so the dossier is complete: 100.
    """
    items = [bool(item) for item in filled_items]
    if not items:
        return 100.0
    return round(100.0 * sum(items) / len(items), 2)


def stale_cutoff(today, stale_days):
    """Last day on which an update leaves the dossier stale ``today``.

    A dossier last updated on or before this date has not been updated for at
    least ``stale_days`` days.
    """
    if stale_days < 1:
        raise ValueError("stale_days must be at least 1")
    return today - datetime.timedelta(days=stale_days)


def is_stale(last_update, today, stale_days):
    """True when ``last_update`` (a date, or None for never) is ``stale_days`` or more
    days before ``today``."""
    if not last_update:
        return True
    return last_update <= stale_cutoff(today, stale_days)


def days_since(last_update, today):
    """Whole days between ``last_update`` and ``today`` (0 when in the future)."""
    if not last_update:
        return 0
    return max((today - last_update).days, 0)


def next_occurrence(date, today, yearly=True):
    """Next date, on or after ``today``, on which a personal date falls.

    A yearly date (birthday, name day) recurs on its month and day; 29 February
    falls on 28 February in common years. A one-off date is returned as is when
    it is still ahead, else None.
    """
    if not date:
        return None
    if not yearly:
        return date if date >= today else None
    for year in (today.year, today.year + 1):
        candidate = _same_day_in_year(date, year)
        if candidate >= today:
            return candidate
    return None  # unreachable: next year's occurrence is always ahead


def _same_day_in_year(date, year):
    try:
        return date.replace(year=year)
    except ValueError:  # 29 February in a common year
        return datetime.date(year, 2, 28)
