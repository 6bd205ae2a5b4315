# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""Properties of the pure identification rules, on generated inputs (hypothesis).

Where two rules decide the same thing, they must agree on every input: the
key-account threshold is decided both by the candidate rule (``is_candidate``)
and by the key band of the dependency levels (``dependency_bands``), and the
portfolio band has one function (``portfolio_state``) that must order the
shares as the band says. The SQL recompute is compared with these rules by
the addon's Odoo test ``test_metric_properties``.
"""

import datetime

import pytest
from conftest import load_rules

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

shares = load_rules("shares")

EXAMPLES = settings(max_examples=500, deadline=None, derandomize=True, database=None)
percent = st.floats(min_value=0.0, max_value=100.0, allow_nan=False)
ordered_thresholds = st.lists(percent, min_size=3, max_size=3).map(sorted)
LEVELS = ("none", "key", "critical", "mono")
STATES = ("below", "normal", "above", "mono")


@EXAMPLES
@given(share=st.floats(min_value=0.0, max_value=200.0, exclude_min=True, allow_nan=False),
       basis=st.integers(min_value=1, max_value=10**12), thresholds=ordered_thresholds,
       window=st.integers(min_value=1, max_value=120))
def test_candidate_by_share_is_the_key_band(share, basis, thresholds, window):
    """Without the absolute threshold, a client with a share of the basis is a
    candidate exactly when its dependency level is key or stronger."""
    key, critical, mono = thresholds
    level = shares.dependency_level(share, key, critical, mono)
    assert shares.is_candidate(share, basis, key, window) == (level != "none"), level


@EXAMPLES
@given(a=st.floats(min_value=-100.0, max_value=200.0, allow_nan=False),
       b=st.floats(min_value=-100.0, max_value=200.0, allow_nan=False),
       thresholds=ordered_thresholds)
def test_levels_and_band_grow_with_the_share(a, b, thresholds):
    """A larger share never gives a weaker dependency level or portfolio state."""
    low, high = sorted((a, b))
    key, critical, mono = thresholds
    assert LEVELS.index(shares.dependency_level(low, key, critical, mono)) <= LEVELS.index(
        shares.dependency_level(high, key, critical, mono)
    )
    assert STATES.index(shares.portfolio_state(low, key, critical, mono)) <= STATES.index(
        shares.portfolio_state(high, key, critical, mono)
    )


@EXAMPLES
@given(share=percent, thresholds=ordered_thresholds)
def test_portfolio_band(share, thresholds):
    """``normal`` is the closed band, ``above`` up to the mono-dependence share included."""
    low, high, mono = thresholds
    state = shares.portfolio_state(share, low, high, mono)
    assert (state == "normal") == (low <= share <= high)
    assert (state == "mono") == (share > mono)
    assert (state == "above") == (high < share <= mono)


@EXAMPLES
@given(amounts=st.dictionaries(st.integers(1, 10**6), st.integers(0, 10**9), min_size=1,
                               max_size=30))
def test_pareto(amounts):
    """Ranks 1..n by amount (ties: the smaller key first); the cumulative share
    grows and reaches 100 % with the last client."""
    ranks = shares.pareto(amounts)
    ordered = sorted(amounts, key=lambda key: ranks[key][0])
    assert [ranks[key][0] for key in ordered] == list(range(1, len(amounts) + 1))
    assert ordered == sorted(amounts, key=lambda key: (-amounts[key], key))
    cumulative = [ranks[key][1] for key in ordered]
    assert cumulative == sorted(cumulative)
    if sum(amounts.values()) > 0:
        assert cumulative[-1] == pytest.approx(100.0)


@EXAMPLES
@given(first=st.dates(min_value=datetime.date(2000, 1, 1), max_value=datetime.date(2030, 1, 1)),
       days=st.integers(0, 3000), count=st.integers(0, 500))
def test_average_interval(first, days, count):
    """The orders of a client are spread over (count - 1) intervals."""
    last = first + datetime.timedelta(days=days)
    interval = shares.average_interval(first, last, count)
    if count < 2:
        assert interval == 0.0
    else:
        assert interval * (count - 1) == pytest.approx(days)


@EXAMPLES
@given(count=st.integers(0, 50), working=st.integers(1, 10), extra=st.integers(0, 10))
def test_order_block(count, working, extra):
    """Working from the working count, regular from the regular count, both included."""
    regular = working + extra
    block = shares.order_block(count, working, regular)
    expected = "regular" if count >= regular else "working" if count >= working else None
    assert block == expected
