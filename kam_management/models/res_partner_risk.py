# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import api, fields, models


class ResPartner(models.Model):
    """The churn risk of a key account in the current company (SPEC §4).

    Read from its ``kam.account.health`` row, refreshed by the nightly job or
    on demand (``_kam_refresh_health``)."""

    _inherit = "res.partner"

    kam_health_ids = fields.One2many(
        "kam.account.health", "partner_id", string="Account Health",
        groups="kam_management.group_kam_user",
    )
    kam_risk_score = fields.Integer(
        string="Risk Score", compute="_compute_kam_risk",
        groups="kam_management.group_kam_user",
    )
    kam_risk_level = fields.Selection(
        [("low", "Low"), ("medium", "Medium"), ("high", "High")],
        string="Risk", compute="_compute_kam_risk", search="_search_kam_risk_level",
        groups="kam_management.group_kam_user",
    )

    @api.depends_context("company", "uid")
    def _compute_kam_risk(self):
        """Risk of the account in the current company, one query for the batch."""
        healths = self.env["kam.account.health"].search_fetch(
            [("partner_id", "in", self.commercial_partner_id.ids),
             ("company_id", "=", self.env.company.id)],
            ["partner_id", "risk_score", "risk_level"],
        )
        by_partner = {health.partner_id.id: health for health in healths}
        for partner in self:
            health = by_partner.get(partner.commercial_partner_id.id)
            partner.kam_risk_score = health.risk_score if health else 0
            partner.kam_risk_level = health.risk_level if health else False

    def _search_kam_risk_level(self, operator, value):
        health_domain = [("company_id", "=", self.env.company.id), ("risk_level", operator, value)]
        return [("kam_health_ids", "any", health_domain)]

    def _kam_refresh_health(self, companies=None):
        """Recompute the risk signals of these key accounts (all companies by default)."""
        self.env["kam.account.health"]._kam_refresh(
            companies or self.env.companies, partners=self,
        )
        return True

    def action_kam_open_health(self):
        """Open the health of the account in the current company, creating it if needed."""
        self.ensure_one()
        self._kam_check_owned(self.env._("open its risk signals"))
        partner = self.commercial_partner_id
        # Inserted unless the cron (or a colleague) just did: never a unique violation.
        health = self.env["kam.account.health"]._kam_ensure(self.env.company, partner.ids)[:1]
        if health and not health.last_refresh and partner.kam_status == "key":
            partner._kam_refresh_health(self.env.company)
        return {
            "type": "ir.actions.act_window",
            "res_model": "kam.account.health",
            "res_id": health.id,
            "view_mode": "form",
        }
