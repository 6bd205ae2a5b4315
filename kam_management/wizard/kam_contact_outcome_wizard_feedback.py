# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..models.kam_feedback import CLIENT_TRENDS
from ..rules.growth import KEY_QUESTIONS

SCORES = [(str(score), str(score)) for score in range(1, 6)]


class KamContactOutcomeWizard(models.TransientModel):
    """The "log a contact" dialog also records the feedback a person gave
    (digest §5.7): shown for a feedback request, or ticked by hand."""

    _inherit = "kam.contact.outcome.wizard"

    is_feedback = fields.Boolean(
        string="Feedback Received", compute="_compute_is_feedback", store=True, readonly=False,
        precompute=True,
    )
    feedback_contact_id = fields.Many2one(
        "res.partner", string="Person Asked",
        domain="[('commercial_partner_id', '=', partner_id), ('id', '!=', partner_id)]",
    )
    feedback_score = fields.Selection(SCORES, string="Satisfaction (1–5)")
    feedback_client_trend = fields.Selection(CLIENT_TRENDS, string="Their Satisfaction Is")
    feedback_process_changes = fields.Text(string="Changes in Their Processes")
    feedback_churn_risk = fields.Text(string="Who May Leave Us and Why")
    feedback_decision_factors = fields.Text(string="Decision Factors")
    feedback_decision_makers = fields.Text(string="Who Decides")
    feedback_competitor_comparison = fields.Text(string="How We Compare with Competitors")

    @api.depends("plan_line_id", "activity_id")
    def _compute_is_feedback(self):
        for wizard in self:
            line = wizard.plan_line_id or wizard.activity_id.sudo().kam_occurrence_id.line_id
            wizard.is_feedback = line.kind == "feedback"

    def action_confirm(self):
        self.ensure_one()
        if not self.is_feedback:
            return super().action_confirm()
        if not self.feedback_score:
            raise UserError(self.env._("Give the satisfaction score (1 to 5) of the feedback."))
        # The reminder is gone once done: its plan line is read first.
        line = self.plan_line_id or self.activity_id.sudo().kam_occurrence_id.line_id
        Log = self.env["kam.contact.log"].sudo()
        before = Log.search([], order="id desc", limit=1).id
        result = super().action_confirm()
        log = Log.search(
            [("id", ">", before), ("partner_id", "=", self.partner_id.id)], order="id desc", limit=1,
        ) or self.log_id
        contact = self.feedback_contact_id or self.contact_ids[:1]
        vals = {
            "partner_id": self.partner_id.id,
            "company_id": (log.company_id or line.company_id or self.env.company).id,
            "date": self.date,
            "contact_id": contact.id,
            "score": int(self.feedback_score),
            "log_id": log.id,
            "plan_line_id": line.id,
            "sale_order_id": line.sale_order_id.id,
            "notes": self.summary,
        }
        vals.update({question: self[f"feedback_{question}"] for question in KEY_QUESTIONS})
        self.env["kam.feedback"].create(vals)
        return result
