# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import fields, models


class KamAccountType(models.Model):
    """Why a client is key (digest §1.4): a client may match several types."""

    _name = "kam.account.type"
    _description = "Key Account Type"
    _inherit = ["kam.shared.config.mixin"]
    _order = "sequence, name"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(
        help="Technical code used by rules (e.g. 'breadwinner' is suggested "
        "automatically for clients above the share threshold)."
    )
    sequence = fields.Integer(default=10)
    description = fields.Text(translate=True)
    active = fields.Boolean(default=True)
    color = fields.Integer()

    _sql_constraints = [
        ("code_uniq", "unique(code)", "The code of a key-account type must be unique."),
    ]
