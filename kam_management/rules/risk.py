# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""Churn-risk signals of a key account (SPEC §4, digest §7.1, §7.2, §10 rules 23–24).

Each detector takes plain numbers and dates (oldest first) and returns either
``None`` (the signal does not fire) or a dict of the numbers that explain it.
The caller turns a fired signal into a translated sentence and a weight; the
score is the sum of the weights of the fired signals, capped at 100.

The sources describe the signals in words ("purchase volumes shrinking order
after order, the time between purchases lengthening, the client delaying final
payment more and more, dropping services it used before", §7.1.2); the
parameters below make those words measurable and stay configurable per company.
"""

SHRINKING_AMOUNTS = "shrinking_amounts"
INTERVAL_GROWTH = "interval_growth"
PAYMENT_DELAY = "payment_delay"
NO_POSITIVE_CONTACT = "no_positive_contact"
NEGATIVE_CONTACTS = "negative_contacts"
DROPPED_CATEGORIES = "dropped_categories"

# Order of display and default weights. Volume, rhythm and payment are the
# computable symptoms of "difficulties at the client" (§7.1.2) and weigh most.
SIGNAL_WEIGHTS = {
    SHRINKING_AMOUNTS: 25,
    INTERVAL_GROWTH: 20,
    PAYMENT_DELAY: 20,
    NO_POSITIVE_CONTACT: 15,
    NEGATIVE_CONTACTS: 15,
    DROPPED_CATEGORIES: 15,
}
SIGNAL_CODES = tuple(SIGNAL_WEIGHTS)

MAX_SCORE = 100
# score < MEDIUM_FROM -> low; < HIGH_FROM -> medium; else high.
MEDIUM_FROM = 30
HIGH_FROM = 60

# The five "consider ending the relationship" flags (§7.2, L108–112).
ENDING_FLAGS = (
    "falling_volumes",
    "loss_conditions",
    "cost_to_serve",
    "free_work",
    "value_conflict",
)
ENDING_WARNING_MIN_FLAGS = 3


def shrinking_amounts(amounts, orders=3, min_drop=10.0):
    """Order amounts smaller each time over the last ``orders`` orders.

    ``amounts``: order amounts, oldest first. Fires when each of the last
    ``orders`` amounts is strictly below the previous one and the total drop
    is at least ``min_drop`` percent (so rounding noise does not fire).
    """
    if orders < 2 or len(amounts) < orders:
        return None
    recent = [float(a) for a in amounts[-orders:]]
    if recent[0] <= 0:
        return None
    if not all(later < earlier for earlier, later in zip(recent, recent[1:], strict=False)):
        return None
    drop = (recent[0] - recent[-1]) / recent[0] * 100.0
    if drop < min_drop:
        return None
    return {"amounts": recent, "drop": round(drop, 1)}


def interval_growth(order_dates, today, factor=1.5, min_days=7):
    """The time between orders grows against the account's own average.

    ``order_dates``: dates of the orders, oldest first (at least three, so
    that there is an average to compare with). The interval judged is the
    open one (days since the last order) when it is already longer than the
    last completed interval, else the last completed interval; it is compared
    with the average of the intervals before it. Fires when it is at least
    ``factor`` times that average and at least ``min_days`` longer.
    """
    dates = sorted(order_dates)
    if len(dates) < 3:
        return None
    intervals = [(later - earlier).days for earlier, later in zip(dates, dates[1:], strict=False)]
    open_gap = (today - dates[-1]).days
    if open_gap > intervals[-1]:
        current, history, ongoing = open_gap, intervals, True
    else:
        current, history, ongoing = intervals[-1], intervals[:-1], False
    average = sum(history) / len(history)
    if current < factor * average or current - average < min_days:
        return None
    return {"current": current, "average": round(average), "ongoing": ongoing}


def payment_delay(delays, invoices=3, min_growth=5):
    """Each of the last ``invoices`` invoices was paid later than the one before.

    ``delays``: days between due date and payment (or today while unpaid),
    per invoice, oldest first; early payments count as 0. Fires when the
    delays strictly grow and the last is at least ``min_growth`` days more
    than the first of the window.
    """
    if invoices < 2 or len(delays) < invoices:
        return None
    recent = [max(0, int(d)) for d in delays[-invoices:]]
    if not all(later > earlier for earlier, later in zip(recent, recent[1:], strict=False)):
        return None
    if recent[-1] - recent[0] < min_growth:
        return None
    return {"delays": recent}


def dropped_categories(previous, recent):
    """Categories bought in the previous window and not in the recent one."""
    dropped = sorted(set(previous) - set(recent))
    if not dropped:
        return None
    return {"categories": dropped}


def no_positive_contact(last_positive_date, today, gap_days):
    """No positive contact within ``gap_days`` days (§10 rule 7: every 10 days).

    ``last_positive_date`` is None when no positive contact was ever logged.
    """
    if gap_days is None or gap_days < 1:
        return None
    if last_positive_date is None:
        return {"days": None, "limit": gap_days}
    days = (today - last_positive_date).days
    if days <= gap_days:
        return None
    return {"days": days, "limit": gap_days}


def negative_contacts(count, lookback_days, min_count=1):
    """At least ``min_count`` negative contacts over the last ``lookback_days``."""
    if count < max(1, min_count):
        return None
    return {"count": int(count), "days": lookback_days}


def risk_score(codes, weights=None):
    """Sum of the weights of the fired signals, capped at ``MAX_SCORE``."""
    weights = SIGNAL_WEIGHTS if weights is None else weights
    return min(MAX_SCORE, sum(weights.get(code, 0) for code in set(codes)))


def risk_level(score):
    """``low`` / ``medium`` / ``high`` for a score."""
    if score >= HIGH_FROM:
        return "high"
    if score >= MEDIUM_FROM:
        return "medium"
    return "low"


def ordered_signals(signals):
    """The fired signals of a ``{code: values}`` dict, heaviest first.

    Ties keep the display order of ``SIGNAL_CODES``; unknown codes are dropped.
    """
    fired = [code for code in SIGNAL_CODES if signals.get(code) is not None]
    return sorted(fired, key=lambda code: -SIGNAL_WEIGHTS[code])


def ending_review(flags):
    """Count the "consider ending" flags and tell whether to decide quickly.

    ``flags``: ``{flag: bool}`` over ``ENDING_FLAGS``. The sources single out
    value conflicts as the most critical (L113) and a combination with
    unprofitability and no prospects as the point to decide quickly (L114):
    the warning is raised at ``ENDING_WARNING_MIN_FLAGS`` flags or more when
    one of them is the value conflict.
    """
    count = sum(1 for flag in ENDING_FLAGS if flags.get(flag))
    warning = count >= ENDING_WARNING_MIN_FLAGS and bool(flags.get("value_conflict"))
    return count, warning
