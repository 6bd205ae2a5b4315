# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import api, fields, models


class ResPartner(models.Model):
    """The account plans of a key account (SPEC §4): count and action."""

    _inherit = "res.partner"

    kam_account_plan_ids = fields.One2many(
        "kam.account.plan", "partner_id", string="Account Plans",
        groups="kam_management.group_kam_user",
    )
    kam_account_plan_count = fields.Integer(
        string="Account Plan Count", compute="_compute_kam_account_plan_count",
        groups="kam_management.group_kam_user",
    )

    @api.depends_context("company", "uid")
    def _compute_kam_account_plan_count(self):
        counts = dict(self.env["kam.account.plan"]._read_group(
            [("partner_id", "in", self.commercial_partner_id.ids)], ["partner_id"], ["__count"],
        ))
        for partner in self:
            partner.kam_account_plan_count = counts.get(partner.commercial_partner_id, 0)

    def action_kam_open_plans(self):
        self.ensure_one()
        self._kam_check_owned(self.env._("open its account plans"))
        return self._kam_account_action("kam_management.kam_account_plan_action")
