from odoo import api, fields, models

from ..rules.account_plan import objective_progress


class KamAccountPlanObjective(models.Model):
    """A measurable goal of an account plan: target, actual reached, unit."""

    _name = "kam.account.plan.objective"
    _description = "Key Account Plan Objective"
    _order = "plan_id, sequence, id"

    plan_id = fields.Many2one(
        "kam.account.plan", string="Plan", required=True, ondelete="cascade", index=True,
    )
    partner_id = fields.Many2one(related="plan_id.partner_id", store=True, index=True)
    company_id = fields.Many2one(related="plan_id.company_id", store=True, index=True)
    sequence = fields.Integer(default=10)
    name = fields.Char(string="Objective", required=True)
    target = fields.Float(string="Target", default=0.0)
    actual = fields.Float(string="Actual", default=0.0)
    unit = fields.Char(string="Unit", help="What target and actual count: currency, orders, %…")
    deadline = fields.Date(string="Deadline")
    progress = fields.Float(
        string="Progress (%)", compute="_compute_progress", store=True, aggregator="avg",
    )

    @api.depends("target", "actual")
    def _compute_progress(self):
        for objective in self:
            objective.progress = objective_progress(objective.target, objective.actual)
