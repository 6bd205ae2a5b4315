import math

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..rules.account_plan import objective_progress


class KamAccountPlanObjective(models.Model):
    """A measurable goal of an account plan: target, actual reached, unit."""

    _name = "kam.account.plan.objective"
    _description = "Key Account Plan Objective"
    _inherit = ["kam.account.owned.mixin", "kam.derived.fields.mixin", "kam.bounds.mixin"]
    _kam_owner_fields = frozenset({"plan_id", "partner_id", "company_id"})
    # The account and company follow the plan; the progress, target and actual.
    _kam_derived_fields = ("progress", "partner_id", "company_id")
    _order = "plan_id, sequence, id"

    plan_id = fields.Many2one(
        "kam.account.plan", string="Plan", required=True, ondelete="cascade", index=True,
    )
    # Deleted with the account as with the plan: two cascades, no "set null"
    # racing the plan's deletion (PostgreSQL would refuse the whole delete).
    partner_id = fields.Many2one(
        related="plan_id.partner_id", store=True, index=True, ondelete="cascade"
    )
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

    @api.constrains("target", "actual")
    def _check_kam_figures(self):
        """Finite figures: NaN or an infinite progress breaks the dossier export."""
        self._kam_check_bounds(["target", "actual"])
        for objective in self:
            if not math.isfinite(objective_progress(objective.target, objective.actual)):
                raise ValidationError(self.env._(
                    "The target of “%(objective)s” is too small for its actual value: "
                    "its progress cannot be computed.", objective=objective.name,
                ))

    @api.depends("target", "actual")
    def _compute_progress(self):
        for objective in self:
            objective.progress = objective_progress(objective.target, objective.actual)

    def _kam_derived_source(self):
        return self.env._(
            "the progress is computed from the target and the actual, and the account and "
            "company are those of the plan"
        )
