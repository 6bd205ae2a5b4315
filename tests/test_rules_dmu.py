# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

import datetime

import pytest
from conftest import load_rules

dmu = load_rules("dmu")

D = datetime.date


def test_coverage_default_roles():
    required = ["decision_maker", "economic_buyer", "technical", "user"]
    assert dmu.dmu_coverage(required, []) == 0.0
    assert dmu.dmu_coverage(required, ["decision_maker"]) == 25.0
    assert dmu.dmu_coverage(required, ["decision_maker", "technical", "influencer"]) == 50.0
    assert dmu.dmu_coverage(required, required) == 100.0


def test_coverage_counts_each_role_once():
    assert dmu.dmu_coverage([1, 2, 3], [1, 1, 1]) == 33.33
    assert dmu.dmu_coverage([1, 1, 2], [1]) == 50.0


def test_coverage_without_requirement_is_full():
    assert dmu.dmu_coverage([], []) == 100.0
    assert dmu.dmu_coverage([], ["user"]) == 100.0


def test_missing_roles_keep_order():
    required = ["decision_maker", "economic_buyer", "technical", "user"]
    assert dmu.missing_roles(required, ["technical"]) == ["decision_maker", "economic_buyer", "user"]
    assert dmu.missing_roles(required, required) == []
    assert dmu.missing_roles(["a", "a", "b"], []) == ["a", "b"]


def test_completeness():
    assert dmu.completeness([]) == 100.0
    assert dmu.completeness([False, False, False, False]) == 0.0
    assert dmu.completeness([True, False, False, False]) == 25.0
    assert dmu.completeness([True, True, True]) == 100.0
    assert dmu.completeness(["text", "", None]) == 33.33


def test_stale_threshold_is_inclusive():
    today = D(2025, 4, 1)
    assert dmu.stale_cutoff(today, 90) == D(2025, 1, 1)
    assert dmu.is_stale(D(2025, 1, 1), today, 90)
    assert not dmu.is_stale(D(2025, 1, 2), today, 90)
    assert not dmu.is_stale(today, today, 1)
    assert dmu.is_stale(D(2025, 3, 31), today, 1)


def test_never_updated_is_stale():
    assert dmu.is_stale(None, D(2025, 4, 1), 90)


def test_stale_days_must_be_positive():
    with pytest.raises(ValueError):
        dmu.stale_cutoff(D(2025, 4, 1), 0)


def test_days_since():
    assert dmu.days_since(D(2025, 1, 1), D(2025, 4, 1)) == 90
    assert dmu.days_since(D(2025, 5, 1), D(2025, 4, 1)) == 0
    assert dmu.days_since(None, D(2025, 4, 1)) == 0


def test_next_occurrence_yearly():
    today = D(2025, 6, 15)
    assert dmu.next_occurrence(D(1980, 6, 20), today) == D(2025, 6, 20)
    assert dmu.next_occurrence(D(1980, 6, 15), today) == D(2025, 6, 15)
    assert dmu.next_occurrence(D(1980, 1, 3), today) == D(2026, 1, 3)


def test_next_occurrence_leap_day():
    assert dmu.next_occurrence(D(1988, 2, 29), D(2025, 1, 10)) == D(2025, 2, 28)
    assert dmu.next_occurrence(D(1988, 2, 29), D(2027, 3, 1)) == D(2028, 2, 29)


def test_next_occurrence_one_off():
    today = D(2025, 6, 15)
    assert dmu.next_occurrence(D(2025, 7, 1), today, yearly=False) == D(2025, 7, 1)
    assert dmu.next_occurrence(D(2025, 6, 1), today, yearly=False) is None
    assert dmu.next_occurrence(None, today) is None
