# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""Progress arithmetic of key-account plans (SPEC §4, digest §6.1)."""


def objective_progress(target, actual):
    """Percentage of the target reached; 0 when there is no positive target."""
    if not target or target <= 0:
        return 0.0
    return round((actual or 0.0) / target * 100.0, 1)


def plan_progress(progresses):
    """Average progress of the objectives, each capped at 100 %.

    The cap keeps one over-achieved objective from hiding a missed one.
    """
    values = [min(100.0, max(0.0, p)) for p in progresses]
    if not values:
        return 0.0
    return round(sum(values) / len(values), 1)
