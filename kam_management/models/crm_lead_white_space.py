# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import fields, models


class CrmLeadWhiteSpace(models.Model):
    """Opportunities opened from the white space keep the category they offer:
    the white space shows them, and does not offer the category twice."""

    _inherit = "crm.lead"

    kam_white_space_categ_id = fields.Many2one(
        "product.category", string="White-Space Category", index="btree_not_null",
        help="The product category this opportunity offers, opened from the key account's "
        "white space.",
    )
