# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

import datetime

import pytest
from conftest import load_rules

shares = load_rules("shares")

D = datetime.date

# The worked example of the Odoo tests (test_identification.py): nine clients
# whose margins add up to 10 000, so that every share is a round number.
MARGINS = {
    "A": 2500, "B": 2100, "C": 1500, "D": 1000, "E": 900,
    "F": 800, "G": 600, "H": 400, "I": 200,
}


def test_window_bounds_twelve_months():
    assert shares.window_bounds(D(2024, 6, 30), 12) == (D(2023, 7, 1), D(2024, 6, 30))


def test_window_bounds_clamps_month_end():
    # 31 March minus one month is 29 February (leap year), the window starts the day after.
    assert shares.window_bounds(D(2024, 3, 31), 1) == (D(2024, 3, 1), D(2024, 3, 31))
    assert shares.subtract_months(D(2023, 3, 31), 1) == D(2023, 2, 28)
    assert shares.subtract_months(D(2024, 1, 15), 13) == D(2022, 12, 15)


def test_window_must_be_positive():
    with pytest.raises(ValueError):
        shares.window_bounds(D(2024, 6, 30), 0)


def test_share():
    assert shares.share(2500, 10000) == 25.0
    assert shares.share(5, 0) == 0.0
    assert shares.share(5, -10) == 0.0


def test_dependency_levels_of_the_worked_example():
    total = sum(MARGINS.values())
    levels = {
        key: shares.dependency_level(shares.share(amount, total), 10, 20, 70)
        for key, amount in MARGINS.items()
    }
    assert levels == {
        "A": "critical", "B": "critical", "C": "key", "D": "key", "E": "none",
        "F": "none", "G": "none", "H": "none", "I": "none",
    }


def test_dependency_boundaries():
    # key from 10 % included; critical and mono strictly above 20 % and 70 %.
    assert shares.dependency_level(10.0, 10, 20, 70) == "key"
    assert shares.dependency_level(9.99, 10, 20, 70) == "none"
    assert shares.dependency_level(20.0, 10, 20, 70) == "key"
    assert shares.dependency_level(20.01, 10, 20, 70) == "critical"
    assert shares.dependency_level(70.0, 10, 20, 70) == "critical"
    assert shares.dependency_level(75.0, 10, 20, 70) == "mono"
    # Nothing brought, no dependency, even with a 0 % key share.
    assert shares.dependency_level(0.0, 0, 20, 70) == "none"
    assert shares.dependency_level(-5.0, 10, 20, 70) == "none"


def test_dependency_bands_order_strongest_first():
    assert [level for level, _op, _t in shares.dependency_bands(10, 20, 70)] == [
        "mono", "critical", "key",
    ]


def test_candidates():
    assert shares.is_candidate(10.0, 1000, 10, 12)
    assert not shares.is_candidate(9.0, 900, 10, 12)
    # Absolute threshold on the yearly amount: 6 months of 300 000 = 600 000 a year.
    assert shares.is_candidate(1.0, 300_000, 10, 6, True, 500_000)
    assert not shares.is_candidate(1.0, 300_000, 10, 12, True, 500_000)
    assert not shares.is_candidate(1.0, 300_000, 10, 6, False, 500_000)
    # A client that brings nothing (or loses money) is never a candidate.
    assert not shares.is_candidate(0.0, 0, 0, 12)
    assert not shares.is_candidate(50.0, -10, 10, 12, True, 0)


def test_pareto_ranks_and_cumulative_shares():
    ranking = shares.pareto(MARGINS)
    assert {key: rank for key, (rank, _cum) in ranking.items()} == {
        "A": 1, "B": 2, "C": 3, "D": 4, "E": 5, "F": 6, "G": 7, "H": 8, "I": 9,
    }
    assert [round(ranking[key][1], 6) for key in "ABCDEFGHI"] == [
        25.0, 46.0, 61.0, 71.0, 80.0, 88.0, 94.0, 98.0, 100.0,
    ]


def test_pareto_ties_broken_by_key():
    ranking = shares.pareto({7: 100, 3: 100, 5: 50})
    assert ranking[3][0] == 1
    assert ranking[7][0] == 2
    assert ranking[5] == (3, 100.0)


def test_average_interval():
    assert shares.average_interval(D(2024, 1, 1), D(2024, 7, 19), 3) == 100.0
    assert shares.average_interval(D(2024, 1, 1), D(2024, 1, 1), 1) == 0.0
    assert shares.average_interval(None, None, 0) == 0.0


def test_order_blocks():
    assert shares.order_block(0, 1, 3) is None
    assert shares.order_block(1, 1, 3) == "working"
    assert shares.order_block(2, 1, 3) == "working"
    assert shares.order_block(3, 1, 3) == "regular"
    assert shares.highest_order_block([None, "working", "regular"]) == "regular"
    assert shares.highest_order_block([]) is None


def test_lifecycle_never_overrides_manual_blocks():
    assert shares.lifecycle_block(False, "working") == "working"
    assert shares.lifecycle_block("potential", "regular") == "regular"
    assert shares.lifecycle_block("working", "regular") == "regular"
    assert shares.lifecycle_block("regular", None) == "regular"
    for manual in ("dead", "time_tested", "vip", "key"):
        assert shares.lifecycle_block(manual, "regular") == manual


def test_portfolio_state():
    assert shares.portfolio_state(20, 30, 55, 75) == "below"
    assert shares.portfolio_state(30, 30, 55, 75) == "normal"
    assert shares.portfolio_state(55, 30, 55, 75) == "normal"
    assert shares.portfolio_state(60, 30, 55, 75) == "above"
    assert shares.portfolio_state(75, 30, 55, 75) == "above"
    assert shares.portfolio_state(76, 30, 55, 75) == "mono"


def test_kam_overloaded():
    assert not shares.kam_overloaded(3, 3)
    assert shares.kam_overloaded(4, 3)


# A client that lost money over the window (negative margin) is shown apart:
# kept out of the total, of the shares and of the Pareto curve.
WITH_LOSS = dict(MARGINS, L=-2000)


def test_counts_in_shares():
    assert shares.counts_in_shares(2500)
    assert shares.counts_in_shares(0), "a client that brings nothing counts, with 0 %"
    assert not shares.counts_in_shares(-0.01)


def test_share_total_leaves_out_negative_amounts():
    assert shares.share_total(WITH_LOSS.values()) == sum(MARGINS.values()) == 10000
    assert shares.share_total([-5, -1]) == 0


def test_client_share_of_a_loss_making_client_is_none():
    total = shares.share_total(WITH_LOSS.values())
    assert shares.client_share(-2000, total) is None
    assert shares.client_share(2500, total) == 25.0
    assert shares.client_share(0, total) == 0.0
    assert shares.client_share(10, 0) == 0.0
    # the shares of the others add up to 100 %, not to 125 %
    assert sum(shares.client_share(amount, total) or 0 for amount in WITH_LOSS.values()) == 100.0
    assert shares.dependency_level(None, 10, 20, 70) == "none"


def test_pareto_keeps_the_loss_out_and_ends_at_exactly_100():
    ranking = shares.pareto(WITH_LOSS)
    assert ranking["L"] == (None, None)
    assert {key: rank for key, (rank, _cum) in ranking.items() if key != "L"} == {
        "A": 1, "B": 2, "C": 3, "D": 4, "E": 5, "F": 6, "G": 7, "H": 8, "I": 9,
    }
    cumulative = [ranking[key][1] for key in "ABCDEFGHI"]
    assert cumulative == sorted(cumulative)
    assert max(cumulative) <= 100.0
    assert cumulative[-1] == 100.0
    # Counting the loss would have taken the curve to 125 %: that is the bug.
    assert 100.0 * sum(MARGINS.values()) / sum(WITH_LOSS.values()) == 125.0


def test_pareto_cumulative_is_exact_with_fractional_amounts():
    amounts = {1: 0.1, 2: 0.2, 3: 0.7, 4: 1e-9, 5: -0.3}
    ranking = shares.pareto(amounts)
    assert ranking[5] == (None, None)
    last = max((value for value in ranking.values() if value[0]), key=lambda value: value[0])
    assert last[1] == 100.0
