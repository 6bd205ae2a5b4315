# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from conftest import load_rules

thresholds = load_rules("thresholds")

DEFAULTS = {
    "key_share": 10.0, "critical_share": 20.0, "mono_share": 70.0,
    "band_low": 30.0, "band_high": 55.0, "mono_dependence": 75.0,
    "window_months": 12, "max_accounts_per_kam": 3,
    "working_orders": 1, "regular_orders": 3, "vip_review_days": 180,
}


def errors(**changes):
    return thresholds.threshold_errors(dict(DEFAULTS, **changes))


def test_source_defaults_are_consistent():
    assert errors() == []


def test_share_out_of_range():
    assert errors(key_share=-1) == ["range:key_share"]
    assert errors(mono_share=100.5) == ["range:mono_share"]


def test_client_thresholds_must_be_ordered():
    assert errors(key_share=25.0) == ["order:client"]
    assert errors(critical_share=80.0) == ["order:client"]
    assert errors(key_share=20.0, critical_share=20.0, mono_share=20.0) == []


def test_portfolio_band_must_be_ordered():
    assert errors(band_low=60.0) == ["order:portfolio"]
    assert errors(band_high=80.0) == ["order:portfolio"]


def test_minimums():
    assert errors(window_months=0) == ["min:window_months"]
    assert errors(max_accounts_per_kam=0) == ["min:max_accounts_per_kam"]
    assert errors(working_orders=0) == ["min:working_orders"]
    assert errors(regular_orders=0) == ["order:orders"]
    assert errors(vip_review_days=0) == ["min:vip_review_days"]
