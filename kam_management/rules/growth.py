# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""Pure rules of growing key accounts: feedback, recommendations, win-back.

No Odoo import: the models and the tests read the same arithmetic.
"""

# Satisfaction is scored 1 (very unhappy) to 5 (delighted), like the account
# plan's review rating: one scale for everything a KAM rates.
SCORE_MIN = 1
SCORE_MAX = 5
# A score from which a well-delivered order earns a request for a
# recommendation letter (digest §7.7: "meeting or exceeding expectations").
HIGH_SCORE = 4
# The key questions of a feedback (digest §5.7): the fields that must all be
# answered for the feedback to count as complete.
KEY_QUESTIONS = (
    "client_trend",
    "process_changes",
    "churn_risk",
    "decision_factors",
    "decision_makers",
    "competitor_comparison",
)
# Former clients: minimal contact, not more often than 1-2 times a year (digest §5.1.5).
WINBACK_MAX_CONTACTS_PER_YEAR = 2
# Orders delivered longer ago than this when the feedback job first sees them
# get no request: the job starts with recent deliveries, not the whole history.
FEEDBACK_ORDER_LOOKBACK_DAYS = 90


def score_trend(score, previous):
    """'first' without a previous score, else 'up', 'same' or 'down'."""
    if not score:
        return False
    if not previous:
        return "first"
    if score > previous:
        return "up"
    if score < previous:
        return "down"
    return "same"


def is_complete(score, answers):
    """A feedback is complete when it has a score and every key question is answered.

    ``answers``: {question: answer}; blank strings do not count.
    """
    if not score:
        return False
    return all(str(answers.get(question) or "").strip() for question in KEY_QUESTIONS)


def proposes_recommendation(score, after_delivery):
    """A recommendation letter is asked after a well-delivered order (digest §7.7)."""
    return bool(after_delivery and score and score >= HIGH_SCORE)


def winback_cadence_ok(cadences):
    """Whether plan lines ``[(cadence_kind, times, yearly_date_count)]`` keep to ≤ 2 contacts a year."""
    total = 0
    for kind, times, dates in cadences:
        if kind == "per_year":
            total += times
        elif kind == "yearly_dates":
            total += dates
        elif kind == "once":
            continue
        else:
            return False
    return total <= WINBACK_MAX_CONTACTS_PER_YEAR
