# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import api, fields, models

from .kam_feedback import TRENDS

KAM_USER_GROUP = "kam_management.group_kam_user"


class ResPartner(models.Model):
    """Feedback on the account (digest §5.7): what its people told us, in the current company."""

    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    kam_feedback_ids = fields.One2many(
        "kam.feedback", "partner_id", string="Feedback", groups=KAM_USER_GROUP,
    )
    kam_feedback_count = fields.Integer(
        string="Feedback Received", compute="_compute_kam_feedback", groups=KAM_USER_GROUP,
    )
    kam_feedback_last_score = fields.Integer(
        string="Last Satisfaction", compute="_compute_kam_feedback", groups=KAM_USER_GROUP,
    )
    kam_feedback_trend = fields.Selection(
        TRENDS, string="Satisfaction Trend", compute="_compute_kam_feedback", groups=KAM_USER_GROUP,
    )

    @api.depends_context("company", "uid")
    @api.depends("kam_feedback_ids")
    def _compute_kam_feedback(self):
        """Count, last score and its trend, read through the record rules (one query)."""
        accounts = self.commercial_partner_id
        Feedback = self.env["kam.feedback"]
        domain = [("partner_id", "in", accounts.ids), ("company_id", "=", self.env.company.id)]
        counts, latest = {}, {}
        for feedback in Feedback.search_fetch(domain, ["partner_id", "score", "trend"], order="date desc, id desc"):
            counts[feedback.partner_id] = counts.get(feedback.partner_id, 0) + 1
            latest.setdefault(feedback.partner_id, feedback)
        for partner in self:
            account = partner.commercial_partner_id._origin
            last = latest.get(account)
            partner.kam_feedback_count = counts.get(account, 0)
            partner.kam_feedback_last_score = last.score if last else 0
            partner.kam_feedback_trend = last.trend if last else False

    def action_kam_open_feedback(self):
        self.ensure_one()
        account = self.commercial_partner_id
        action = self.env["ir.actions.actions"]._for_xml_id("kam_management.kam_feedback_action")
        action["domain"] = [("partner_id", "=", account.id)]
        action["context"] = {"default_partner_id": account.id}
        return action
