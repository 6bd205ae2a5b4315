# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .kam_dossier import CHECKABLE_FIELDS


class KamDossierCheck(models.Model):
    """An item of the dossier checklist (SPEC §2: completeness score).

    The sources ask for one standard dossier per department, extended per
    industry (digest §3.1.1): the checklist says what a complete dossier holds.
    An item requires a business field to be filled, a DMU role to be covered,
    a minimum number of DMU members, or the competitors to be recorded.
    """

    _name = "kam.dossier.check"
    _description = "Dossier Checklist Item"
    _inherit = ["kam.shared.config.mixin", "kam.bounds.mixin"]
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", index=True, help="Leave empty to apply the item in every company."
    )
    kind = fields.Selection(
        [
            ("field", "Business Field Filled"),
            ("role", "DMU Role Covered"),
            ("members", "DMU Members Recorded"),
            ("competitors", "Competitors Recorded"),
        ],
        required=True,
        default="field",
    )
    field_id = fields.Many2one(
        "ir.model.fields",
        string="Dossier Field",
        ondelete="cascade",
        domain=lambda self: [("model", "=", "kam.dossier"), ("name", "in", CHECKABLE_FIELDS)],
    )
    role_id = fields.Many2one("kam.dmu.role", string="DMU Role", ondelete="cascade")
    min_count = fields.Integer(string="At Least", default=1)
    description = fields.Text(translate=True, help="What the KAM should find out.")

    @api.constrains("kind", "field_id", "role_id", "min_count")
    def _check_kind_parameters(self):
        for check in self:
            if check.kind == "field" and (
                not check.field_id
                or check.field_id.model != "kam.dossier"
                or check.field_id.name not in CHECKABLE_FIELDS
            ):
                raise ValidationError(self.env._(
                    "Checklist item %(item)s must name a business field of the dossier.",
                    item=check.name,
                ))
            if check.kind == "role" and not check.role_id:
                raise ValidationError(self.env._(
                    "Checklist item %(item)s must name the DMU role to cover.", item=check.name
                ))
            if check.kind == "members" and check.min_count < 1:
                raise ValidationError(self.env._(
                    "Checklist item %(item)s must ask for at least one DMU member.",
                    item=check.name,
                ))
        self._kam_check_bounds(["min_count"])

    @api.model_create_multi
    def create(self, vals_list):
        checks = super().create(vals_list)
        self._kam_recompute_dossiers()
        return checks

    def write(self, vals):
        result = super().write(vals)
        self._kam_recompute_dossiers()
        return result

    def unlink(self):
        result = super().unlink()
        self._kam_recompute_dossiers()
        return result

    def _kam_is_filled(self, dossier, members):
        """Whether ``dossier`` (with its active ``members``) satisfies this item."""
        self.ensure_one()
        if self.kind == "field":
            name = self.field_id.name
            return name in dossier._fields and dossier._kam_value_is_filled(name, dossier[name])
        if self.kind == "role":
            return self.role_id in members.role_ids
        if self.kind == "members":
            return len(members) >= self.min_count
        if self.kind == "competitors":
            return bool(dossier.competitor_ids)
        return False

    @api.model
    def _kam_recompute_dossiers(self):
        """The checklist changed: every dossier's score is recomputed."""
        Dossier = self.env["kam.dossier"].sudo().with_context(active_test=False)
        self.env.add_to_compute(Dossier._fields["completeness"], Dossier.search([]))
