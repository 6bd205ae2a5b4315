# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""Key-account identification arithmetic (SPEC §1, digest §1.2, §2.1, §10 rules 1–5, 12, 15).

Shares are percentages (0–100) of a company total over a trailing window.
The metrics recompute does the same arithmetic in one SQL statement for all
partners; these functions are the reference it is tested against. The SQL
builds its dependency levels from ``dependency_bands``; the window, shares,
Pareto ranks, average interval, candidate rule and order block it computes
are held equal to ``window_bounds``, ``share``, ``pareto``,
``average_interval``, ``is_candidate`` and ``order_block`` by a property test
on generated data (``kam_management/tests/test_metric_properties.py``), so
that SQL and Python cannot drift apart.
"""

import calendar
import datetime

DEPENDENCY_LEVELS = ("none", "key", "critical", "mono")

# Client-base blocks (digest §2.1) that follow the order count automatically.
# Dead, time-tested, VIP and key are judgements made by people: never overridden.
AUTO_LIFECYCLE_BLOCKS = (False, None, "potential", "active", "working", "regular")


def subtract_months(day, months):
    """``day`` minus ``months`` calendar months, clamped to the month's end."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    last = calendar.monthrange(year, month)[1]
    return datetime.date(year, month, min(day.day, last))


def window_bounds(today, months):
    """Inclusive first and last day of the trailing window ending ``today``.

    Twelve months ending 2024-06-30 run from 2023-07-01 to 2024-06-30.
    """
    if months < 1:
        raise ValueError("The trailing window must be at least one month.")
    return subtract_months(today, months) + datetime.timedelta(days=1), today


def share(amount, total):
    """Percentage of ``total`` that ``amount`` is; 0 when there is no positive total.

    The ratio first, then the percentage: an amount equal to the total is
    exactly 100 % (the SQL recompute computes it the same way).
    """
    if not total or total <= 0:
        return 0.0
    return 100.0 * (amount / total)


def counts_in_shares(amount):
    """Whether a client's amount counts in the shares of that amount.

    A client that loses money over the window (a negative margin, or refunds
    above its invoices) is shown apart: counting it would lower the total and
    the other clients' shares would add up to more than 100 % (a cumulative
    share of 114 %). A client that brings nothing counts, with a share of 0.
    """
    return amount >= 0


def share_total(amounts):
    """What the shares of ``amounts`` are measured on: the amounts that count."""
    return sum(amount for amount in amounts if counts_in_shares(amount))


def client_share(amount, total):
    """The share of one client in ``total`` (see ``share_total``): None for a
    client kept out of the shares, else ``share``."""
    if not counts_in_shares(amount):
        return None
    return share(amount, total)


def annualised(amount, window_months):
    """The yearly equivalent of an amount measured over ``window_months``."""
    return amount * 12.0 / window_months


def dependency_bands(key_share, critical_share, mono_share):
    """Ordered (level, operator, threshold) triples, strongest level first.

    The sources (digest §1.2.3, §1.2.6, §1.2.8): a client is key from 10 %
    (``>=``), a critical dependency above 20 % and a mono-client above 70 %
    (strictly ``>``). The SQL recompute builds its CASE from these triples.
    """
    return (
        ("mono", ">", mono_share),
        ("critical", ">", critical_share),
        ("key", ">=", key_share),
    )


def _compare(value, operator, threshold):
    if operator == ">":
        return value > threshold
    if operator == ">=":
        return value >= threshold
    raise ValueError(f"Unknown operator {operator!r}")


def dependency_level(share_pct, key_share, critical_share, mono_share):
    """How dependent the company is on one client with this share of the basis
    (None: a client kept out of the shares)."""
    if share_pct is None or share_pct <= 0:
        return "none"
    for level, operator, threshold in dependency_bands(key_share, critical_share, mono_share):
        if _compare(share_pct, operator, threshold):
            return level
    return "none"


def is_candidate(
    share_pct, basis_amount, key_share, window_months,
    absolute_enabled=False, absolute_threshold=0.0,
):
    """A client qualifies as a key-account candidate (digest §1.2.1–§1.2.3).

    Either its share of the basis reaches the key-account share, or (when
    enabled) its basis, brought to a yearly amount, reaches the absolute
    threshold. A client that brings nothing is never a candidate.
    """
    if basis_amount <= 0:
        return False
    if share_pct >= key_share:
        return True
    return bool(
        absolute_enabled
        and annualised(basis_amount, window_months) >= absolute_threshold
    )


def pareto(amounts):
    """Pareto ranking of ``{key: amount}``.

    Returns ``{key: (rank, cumulative_share)}``: rank 1 is the largest amount
    (ties broken by the smaller key, as the SQL does with the partner id);
    the cumulative share is the percentage of the total reached by this
    client and all those ranked before it: the last one is at exactly 100 %.
    A client kept out of the shares (``counts_in_shares``) is not ranked:
    ``(None, None)``.
    """
    ordered = sorted(
        ((key, amount) for key, amount in amounts.items() if counts_in_shares(amount)),
        key=lambda item: (-item[1], item[0]),
    )
    running = []
    total = 0
    for _key, amount in ordered:
        total += amount
        running.append(total)
    result = {key: (None, None) for key, amount in amounts.items() if not counts_in_shares(amount)}
    for rank, ((key, _amount), reached) in enumerate(zip(ordered, running, strict=True), start=1):
        result[key] = (rank, share(reached, total))
    return result


def average_interval(first_date, last_date, order_count):
    """Average days between consecutive orders; 0 with fewer than two orders."""
    if order_count < 2 or not first_date or not last_date:
        return 0.0
    return (last_date - first_date).days / (order_count - 1)


def order_block(order_count, working_orders, regular_orders):
    """Client-base block earned by the number of orders, or None (digest §2.1 blocks 4–5)."""
    if order_count >= regular_orders:
        return "regular"
    if order_count >= working_orders:
        return "working"
    return None


def lifecycle_block(current, computed):
    """The block to store: the computed one, unless a person chose a block that
    the order count cannot express (dead, time-tested, VIP, key)."""
    if computed and current in AUTO_LIFECYCLE_BLOCKS:
        return computed
    return current


def highest_order_block(blocks):
    """The most advanced of several order blocks (one per company)."""
    rank = {None: 0, "working": 1, "regular": 2}
    return max(blocks, key=lambda block: rank[block], default=None)


def portfolio_state(key_accounts_share, band_low, band_high, mono_dependence):
    """Where the key accounts' total share stands (digest §1.2.9):
    'below' / 'normal' (30–55 %) / 'above' / 'mono' (> 75 %)."""
    if key_accounts_share > mono_dependence:
        return "mono"
    if key_accounts_share > band_high:
        return "above"
    if key_accounts_share >= band_low:
        return "normal"
    return "below"


def kam_overloaded(account_count, max_accounts):
    """A KAM carries more key accounts than the sources advise (1–3, digest §1.3)."""
    return account_count > max_accounts
