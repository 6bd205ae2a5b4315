# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import api, fields, models
from odoo.exceptions import ValidationError


class KamAccountPlanBudget(models.Model):
    """Money set aside for one key account and what it is for (§6.1.4, §6.1.10)."""

    _name = "kam.account.plan.budget"
    _description = "Key Account Plan Budget Line"
    _inherit = ["kam.account.owned.mixin", "kam.derived.fields.mixin", "kam.bounds.mixin"]
    _kam_owner_fields = frozenset({"plan_id", "partner_id", "company_id"})
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
    currency_id = fields.Many2one(related="plan_id.currency_id")
    sequence = fields.Integer(default=10)
    name = fields.Char(string="Purpose", required=True)
    category = fields.Selection(
        [
            ("loyalty", "Loyalty Programme"),
            ("bonus", "Bonuses and Discounts"),
            ("gifts", "Gifts"),
            ("events", "Events"),
            ("service", "Service and Support"),
            ("other", "Other"),
        ],
        string="Kind", default="other", required=True,
    )
    amount = fields.Monetary(string="Amount", currency_field="currency_id")

    @api.constrains("amount")
    def _check_amount(self):
        for line in self:
            if line.amount < 0:
                raise ValidationError(self.env._(
                    "The budget for “%(purpose)s” cannot be negative.", purpose=line.name,
                ))
        self._kam_check_bounds(["amount"])
