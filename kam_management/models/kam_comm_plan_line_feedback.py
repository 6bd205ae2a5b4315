# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import api, fields, models
from odoo.exceptions import ValidationError


class KamCommPlanLine(models.Model):
    """A feedback request is a plan line of kind "Feedback Request": after a
    delivered order (``sale_order_id``, once) or periodically (a cadence)."""

    _inherit = "kam.comm.plan.line"

    sale_order_id = fields.Many2one(
        "sale.order", string="Delivered Order", index="btree_not_null", ondelete="set null",
        check_company=True, readonly=True,
        help="The delivered order this feedback request is about.",
    )
    feedback_ids = fields.One2many("kam.feedback", "plan_line_id", string="Feedback")

    @api.constrains("sale_order_id", "partner_id")
    def _check_sale_order_account(self):
        for line in self.sudo():
            order = line.sale_order_id
            if order and order.partner_id.commercial_partner_id != line.partner_id:
                raise ValidationError(self.env._(
                    "The order %(order)s is not one of %(account)s.",
                    order=order.name, account=line.partner_id.display_name,
                ))
