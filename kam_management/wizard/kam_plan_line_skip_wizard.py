# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from datetime import timedelta

from odoo import api, fields, models


class KamPlanLineSkipWizard(models.TransientModel):
    """Snooze or skip the current contact of a plan line, with a reason.

    Reminders, not quotas (digest §5.1.3): the KAM decides, the reason stays
    in the line's chatter and on the planned contact.
    """

    _name = "kam.plan.line.skip.wizard"
    _description = "Snooze or Skip a Planned Contact"

    line_id = fields.Many2one("kam.comm.plan.line", required=True, readonly=True)
    mode = fields.Selection([("snooze", "Snooze"), ("skip", "Skip")], required=True, default="snooze")
    due_date = fields.Date(related="line_id.next_due_date", string="Due")
    new_date = fields.Date(string="New Due Date", compute="_compute_new_date", store=True, readonly=False)
    reason = fields.Char(required=True)

    @api.depends("line_id", "mode")
    def _compute_new_date(self):
        today = fields.Date.context_today(self)
        for wizard in self:
            if wizard.mode == "snooze" and not wizard.new_date:
                wizard.new_date = max(wizard.line_id.next_due_date or today, today) + timedelta(days=7)
            elif wizard.mode != "snooze":
                wizard.new_date = False

    def action_confirm(self):
        self.ensure_one()
        if self.mode == "snooze":
            self.line_id._kam_snooze(self.new_date, self.reason)
        else:
            self.line_id._kam_skip(self.reason)
        return {"type": "ir.actions.act_window_close"}
