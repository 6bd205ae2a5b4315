# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import api, fields, models

from ..models.kam_account_owned_mixin import kam_account_domain


class KamCommPlanApplyWizard(models.TransientModel):
    """Apply a communication plan template to one or many accounts."""

    _name = "kam.comm.plan.apply.wizard"
    _description = "Apply a Communication Plan Template"

    template_id = fields.Many2one("kam.comm.plan.template", string="Template", required=True)
    partner_ids = fields.Many2many(
        "res.partner", string="Accounts", required=True, domain=kam_account_domain
    )
    start_date = fields.Date(required=True, default=fields.Date.context_today)

    @api.model
    def _kam_open(self, **context):
        """The wizard in a dialog; ``context`` gives the template or the accounts."""
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Apply Communication Plan"),
            "res_model": self._name,
            "view_mode": "form",
            "target": "new",
            "context": context,
        }

    def action_apply(self):
        self.ensure_one()
        self.partner_ids._kam_check_owned(self.env._("apply a communication plan to it"))
        lines = self.template_id._kam_apply(self.partner_ids, start_date=self.start_date)
        action = self.env["ir.actions.actions"]._for_xml_id("kam_management.kam_comm_plan_line_action")
        action["domain"] = [("partner_id", "in", self.partner_ids.commercial_partner_id.ids)]
        action["context"] = {"search_default_filter_open": 1}
        if not lines:
            action["help"] = self.env._("The template was already applied to these accounts.")
        return action
