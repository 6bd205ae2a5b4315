# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from datetime import date, timedelta

from conftest import load_rules

risk = load_rules("risk")
plan = load_rules("account_plan")

TODAY = date(2025, 6, 30)


# shrinking order amounts -------------------------------------------------

def test_shrinking_amounts_fires_on_three_smaller_orders():
    signal = risk.shrinking_amounts([15000, 12000, 9500, 7000], orders=3)
    assert signal == {"amounts": [12000.0, 9500.0, 7000.0], "drop": 41.7}


def test_shrinking_amounts_needs_every_step_smaller():
    assert risk.shrinking_amounts([12000, 9500, 9800], orders=3) is None
    assert risk.shrinking_amounts([12000, 12000, 7000], orders=3) is None


def test_shrinking_amounts_ignores_noise_and_short_history():
    assert risk.shrinking_amounts([10000, 9900, 9800], orders=3) is None  # 2 % drop
    assert risk.shrinking_amounts([10000, 9000], orders=3) is None
    assert risk.shrinking_amounts([0, 0, 0], orders=3) is None


# interval between orders -----------------------------------------------

def _dates(*offsets):
    return [TODAY - timedelta(days=d) for d in offsets]


def test_interval_open_gap_longer_than_average_fires():
    # orders every 30 days, last one 75 days ago
    signal = risk.interval_growth(_dates(165, 135, 105, 75), TODAY)
    assert signal == {"current": 75, "average": 30, "ongoing": True}


def test_interval_last_completed_interval_grew():
    # 30, 30, then 70 days between the last two orders; last order 5 days ago
    signal = risk.interval_growth(_dates(135, 105, 75, 5), TODAY)
    assert signal == {"current": 70, "average": 30, "ongoing": False}


def test_interval_regular_rhythm_does_not_fire():
    assert risk.interval_growth(_dates(120, 90, 60, 30, 10), TODAY) is None
    # 40 days against an average of 30: below the factor 1.5
    assert risk.interval_growth(_dates(130, 100, 70, 40), TODAY) is None


def test_interval_needs_three_orders_and_a_real_difference():
    assert risk.interval_growth(_dates(200, 10), TODAY) is None
    # same-day orders: average 0, 4 days is 'more' but below min_days
    assert risk.interval_growth(_dates(4, 4, 4), TODAY) is None


# payment delays -------------------------------------------------------

def test_payment_delay_growing_fires():
    assert risk.payment_delay([0, 2, 9, 21], invoices=3) == {"delays": [2, 9, 21]}


def test_payment_delay_early_payment_counts_as_zero():
    assert risk.payment_delay([-5, 3, 12], invoices=3) == {"delays": [0, 3, 12]}


def test_payment_delay_flat_or_small_growth_does_not_fire():
    assert risk.payment_delay([10, 10, 10], invoices=3) is None
    assert risk.payment_delay([1, 2, 3], invoices=3) is None  # +2 days only
    assert risk.payment_delay([20, 5, 30], invoices=3) is None
    assert risk.payment_delay([5, 30], invoices=3) is None


# categories and contacts -------------------------------------------------

def test_dropped_categories():
    assert risk.dropped_categories({"Desks", "Chairs", "Services"}, {"Desks"}) == {
        "categories": ["Chairs", "Services"]
    }
    assert risk.dropped_categories({"Desks"}, {"Desks", "Chairs"}) is None
    assert risk.dropped_categories(set(), set()) is None


def test_no_positive_contact():
    assert risk.no_positive_contact(TODAY - timedelta(days=10), TODAY, 10) is None
    assert risk.no_positive_contact(TODAY - timedelta(days=11), TODAY, 10) == {
        "days": 11, "limit": 10,
    }
    assert risk.no_positive_contact(None, TODAY, 10) == {"days": None, "limit": 10}
    assert risk.no_positive_contact(None, TODAY, 0) is None  # rule disabled


def test_negative_contacts():
    assert risk.negative_contacts(0, 90) is None
    assert risk.negative_contacts(2, 90) == {"count": 2, "days": 90}


# score --------------------------------------------------------------------

def test_score_sums_weights_and_caps():
    assert risk.risk_score([]) == 0
    assert risk.risk_score([risk.SHRINKING_AMOUNTS]) == 25
    assert risk.risk_score([risk.SHRINKING_AMOUNTS, risk.PAYMENT_DELAY]) == 45
    assert risk.risk_score(risk.SIGNAL_CODES) == 100  # 110 capped
    assert risk.risk_score([risk.SHRINKING_AMOUNTS, "unknown"]) == 25


def test_levels():
    assert [risk.risk_level(s) for s in (0, 29, 30, 59, 60, 100)] == [
        "low", "low", "medium", "medium", "high", "high",
    ]


def test_ordered_signals_heaviest_first():
    signals = {
        risk.DROPPED_CATEGORIES: {"categories": ["A"]},
        risk.PAYMENT_DELAY: {"delays": [1, 5, 9]},
        risk.SHRINKING_AMOUNTS: {"amounts": [3, 2, 1], "drop": 66.7},
        risk.NEGATIVE_CONTACTS: None,
    }
    assert risk.ordered_signals(signals) == [
        risk.SHRINKING_AMOUNTS, risk.PAYMENT_DELAY, risk.DROPPED_CATEGORIES,
    ]


# ending flags and portfolio band -------------------------------------------

def test_ending_review_warns_on_three_flags_with_value_conflict():
    assert risk.ending_review({}) == (0, False)
    three_economic = {"falling_volumes": True, "loss_conditions": True, "cost_to_serve": True}
    assert risk.ending_review(three_economic) == (3, False)
    assert risk.ending_review({"falling_volumes": True, "value_conflict": True}) == (2, False)
    assert risk.ending_review(dict(three_economic, value_conflict=True)) == (4, True)
    assert risk.ending_review(
        {"free_work": True, "loss_conditions": True, "value_conflict": True}
    ) == (3, True)


# account plan progress ------------------------------------------------------

def test_objective_and_plan_progress():
    assert plan.objective_progress(200, 50) == 25.0
    assert plan.objective_progress(0, 50) == 0.0
    assert plan.objective_progress(100, 130) == 130.0
    assert plan.plan_progress([130.0, 50.0]) == 75.0  # over-achievement capped
    assert plan.plan_progress([]) == 0.0
