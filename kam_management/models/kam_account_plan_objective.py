# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

import math

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import formatLang

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
    measure = fields.Selection(
        [("amount", "Amount"), ("quantity", "Quantity")],
        string="Measured In",
        default="quantity",
        required=True,
        help="Amount: target and actual are sums of money in the company's currency. "
        "Quantity: they count what the unit says (orders, meetings, %…).",
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    target = fields.Float(string="Target", default=0.0)
    actual = fields.Float(string="Actual", default=0.0)
    unit = fields.Char(
        string="Unit",
        compute="_compute_unit",
        store=True,
        readonly=False,
        precompute=True,
        help="What target and actual count: orders, meetings, %… (the company's currency for "
        "an amount).",
    )
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

    @api.depends("measure", "currency_id")
    def _compute_unit(self):
        """An amount is in the company's currency: the unit says which, never another one."""
        for objective in self:
            if objective.measure == "amount":
                objective.unit = objective.currency_id.name
            elif objective.unit == objective.currency_id.name:
                objective.unit = False

    @api.depends("target", "actual")
    def _compute_progress(self):
        for objective in self:
            objective.progress = objective_progress(objective.target, objective.actual)

    def _kam_format_figure(self, value):
        """A target or actual value as printed: money in the company's currency, or a
        number in the user's language (no decimals when it has none) followed by the unit."""
        self.ensure_one()
        if self.measure == "amount":
            return formatLang(self.env, value, currency_obj=self.currency_id)
        number = formatLang(self.env, value, digits=0 if float(value).is_integer() else 2)
        return f"{number} {self.unit}" if self.unit else number

    def _kam_derived_source(self):
        return self.env._(
            "the progress is computed from the target and the actual, and the account and "
            "company are those of the plan"
        )
