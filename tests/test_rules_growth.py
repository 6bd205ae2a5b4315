# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""Pure rules of growing key accounts (digest §5.7, §7.3, §7.7, §5.1.5)."""

import pytest
from conftest import load_rules

growth = load_rules("growth")


@pytest.mark.parametrize(("score", "previous", "trend"), [
    (3, None, "first"), (3, 0, "first"), (4, 3, "up"), (2, 3, "down"), (3, 3, "same"), (0, 3, False),
])
def test_score_trend(score, previous, trend):
    assert growth.score_trend(score, previous) == trend


def test_complete_needs_a_score_and_every_key_question():
    answers = dict.fromkeys(growth.KEY_QUESTIONS, "answered")
    assert growth.is_complete(4, answers)
    assert not growth.is_complete(0, answers)
    for question in growth.KEY_QUESTIONS:
        assert not growth.is_complete(4, dict(answers, **{question: "  "}))
    # The six questions of the sources: satisfaction and its trend, process changes,
    # who may leave and why, decision factors, who decides, competitors.
    assert len(growth.KEY_QUESTIONS) == 6


def test_a_letter_is_asked_after_a_well_delivered_order_only():
    assert growth.proposes_recommendation(growth.HIGH_SCORE, after_delivery=True)
    assert growth.proposes_recommendation(growth.SCORE_MAX, after_delivery=True)
    assert not growth.proposes_recommendation(growth.HIGH_SCORE - 1, after_delivery=True)
    assert not growth.proposes_recommendation(growth.SCORE_MAX, after_delivery=False)


def test_former_clients_get_at_most_two_contacts_a_year():
    assert growth.WINBACK_MAX_CONTACTS_PER_YEAR == 2
    assert growth.winback_cadence_ok([("yearly_dates", 0, 1), ("per_year", 1, 0)])
    assert growth.winback_cadence_ok([("per_year", 2, 0), ("once", 1, 0)])
    assert not growth.winback_cadence_ok([("yearly_dates", 0, 3)])
    assert not growth.winback_cadence_ok([("interval", 0, 0)])
    assert not growth.winback_cadence_ok([("per_quarter", 1, 0)])
