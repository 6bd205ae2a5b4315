# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import fields, models


class KamCommPlanTemplateLine(models.Model):
    _name = "kam.comm.plan.template.line"
    _inherit = ["kam.comm.cadence.mixin", "kam.shared.config.mixin", "kam.derived.fields.mixin"]
    _description = "Communication Plan Template Line"
    _order = "template_id, sequence, id"

    template_id = fields.Many2one(
        "kam.comm.plan.template", required=True, ondelete="cascade", index=True
    )
    sequence = fields.Integer(default=10)
    name = fields.Char(string="Description", required=True, translate=True)
    responsible = fields.Selection(
        [
            ("kam", "Key Account Manager"),
            ("salesperson", "Salesperson of the Account"),
            ("current", "User Applying the Template"),
        ],
        default="kam",
        required=True,
    )
    company_id = fields.Many2one(related="template_id.company_id", store=True)

    def _kam_plan_line_values(self, account, user, start_date):
        """Values of the plan line this template line creates on ``account``."""
        self.ensure_one()
        if self.responsible == "kam":
            responsible = account.kam_user_id or account.user_id or user
        elif self.responsible == "salesperson":
            responsible = account.user_id or account.kam_user_id or user
        else:
            responsible = user
        return {
            "name": self.name,
            "partner_id": account.id,
            "company_id": self.env.company.id,
            "template_id": self.template_id.id,
            "template_line_id": self.id,
            "user_id": responsible.id,
            "kind": self.kind,
            "channel": self.channel,
            "is_personal": self.is_personal,
            "purpose": self.purpose,
            "cadence_kind": self.cadence_kind,
            "interval_days": self.interval_days,
            "times": self.times,
            "yearly_dates": self.yearly_dates,
            "date_source": self.date_source,
            "positive_only": self.positive_only,
            "lead_days": self.lead_days,
            "note": self.note,
            "start_date": start_date,
        }
