# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""The daily identification moved from res.partner to the ``kam.identification``
service: the recompute cron (``noupdate``, an admin may have set its schedule)
is pointed at it when it still runs the former method; its schedule is kept."""

from odoo import SUPERUSER_ID, api

FORMER_CODE = "model._kam_cron_recompute()"


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    cron = env.ref("kam_management.ir_cron_kam_recompute_metrics", raise_if_not_found=False)
    if cron and cron.code.strip() == FORMER_CODE:
        cron.write({
            "model_id": env["ir.model"]._get_id("kam.identification"),
            "code": "model._cron_recompute()",
        })
