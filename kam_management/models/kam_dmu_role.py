# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import fields, models


class KamDmuRole(models.Model):
    """A role a person plays in the client's decision-making unit (digest §4.2).

    The list is configuration shared by all companies; the seeded roles carry a
    technical ``code`` the coverage score and the relationship map rely on
    (``decision_maker`` above all). The sources stress that the gradation is
    arbitrary, so roles can be renamed, added and archived.
    """

    _name = "kam.dmu.role"
    _description = "DMU Role"
    _inherit = ["kam.shared.config.mixin"]
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(
        help="Technical key of a seeded role (e.g. decision_maker), used by the "
        "coverage score. Leave empty for your own roles.",
        copy=False,
    )
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    color = fields.Integer()
    description = fields.Text(translate=True, help="Who this person is in the client's organisation.")
    tailoring_hint = fields.Text(
        string="What to Stress",
        translate=True,
        help="How to tailor a proposal for this role (digest §4.4), shown on the DMU "
        "members holding it.",
    )

    _sql_constraints = [
        ("code_unique", "UNIQUE(code)", "Another DMU role already has this code."),
    ]
