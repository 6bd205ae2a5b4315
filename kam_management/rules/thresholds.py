# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""Key-account thresholds: validation of the company rules (SPEC §1, digest §1.2)."""

SHARE_FIELDS = (
    "key_share", "critical_share", "mono_share",
    "band_low", "band_high", "mono_dependence",
)


def threshold_errors(values):
    """Return the codes of the problems found in a dict of rule values.

    ``values`` holds the keys of ``SHARE_FIELDS`` (percentages) and
    ``window_months``, ``max_accounts_per_kam``, ``working_orders``,
    ``regular_orders``, ``vip_review_days``. An empty list means the rules are
    consistent. Codes rather than sentences: the caller owns translation.
    """
    errors = []
    out_of_range = [
        name for name in SHARE_FIELDS
        if values.get(name) is None or not 0 <= values[name] <= 100
    ]
    errors.extend(f"range:{name}" for name in out_of_range)
    if not out_of_range:
        if not values["key_share"] <= values["critical_share"] <= values["mono_share"]:
            errors.append("order:client")
        if not values["band_low"] <= values["band_high"] <= values["mono_dependence"]:
            errors.append("order:portfolio")
    if (values.get("window_months") or 0) < 1:
        errors.append("min:window_months")
    if (values.get("max_accounts_per_kam") or 0) < 1:
        errors.append("min:max_accounts_per_kam")
    if (values.get("working_orders") or 0) < 1:
        errors.append("min:working_orders")
    elif (values.get("regular_orders") or 0) < values["working_orders"]:
        errors.append("order:orders")
    if (values.get("vip_review_days") or 0) < 1:
        errors.append("min:vip_review_days")
    return errors
