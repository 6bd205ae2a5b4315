# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .kam_account_owned_mixin import kam_account_domain


class KamDossierItemMixin(models.AbstractModel):
    """Something recorded in a key account's dossier (DMU member, competitor).

    The item belongs to the key account (``partner_id``) in one of our
    companies; ``dossier_id`` follows from the pair, so items can be entered
    before the dossier exists. Creating, editing or deleting an item counts as
    an update of the dossier, which keeps its stale flag honest.
    """

    _name = "kam.dossier.item.mixin"
    _description = "Dossier Item"
    _inherit = ["kam.account.owned.mixin", "kam.derived.fields.mixin"]
    _kam_owner_fields = frozenset({"partner_id", "company_id", "dossier_id"})
    # Fields whose change is bookkeeping rather than dossier upkeep.
    _kam_dossier_passive_fields = frozenset()

    partner_id = fields.Many2one(
        "res.partner",
        string="Key Account",
        required=True,
        index=True,
        ondelete="cascade",
        check_company=True,
        domain=kam_account_domain,
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    dossier_id = fields.Many2one(
        "kam.dossier",
        compute="_compute_dossier_id",
        store=True,
        index="btree_not_null",
        ondelete="set null",
    )

    @api.depends("partner_id", "company_id")
    def _compute_dossier_id(self):
        dossiers = self.env["kam.dossier"].sudo().with_context(active_test=False).search([
            ("partner_id", "in", self.partner_id.ids),
            ("company_id", "in", self.company_id.ids),
        ])
        by_key = {(dossier.partner_id.id, dossier.company_id.id): dossier.id for dossier in dossiers}
        for item in self:
            item.dossier_id = by_key.get((item.partner_id.id, item.company_id.id), False)

    @api.constrains("partner_id")
    def _check_partner_is_account(self):
        for item in self:
            if item.partner_id.commercial_partner_id != item.partner_id:
                raise ValidationError(self.env._(
                    "%(partner)s is a contact of %(account)s: record it on the account itself.",
                    partner=item.partner_id.display_name,
                    account=item.partner_id.commercial_partner_id.display_name,
                ))

    @api.constrains("dossier_id", "partner_id", "company_id")
    def _check_dossier_account(self):
        for item in self.filtered("dossier_id"):
            if (item.dossier_id.partner_id, item.dossier_id.company_id) != (
                item.partner_id, item.company_id
            ):
                raise ValidationError(self.env._(
                    "This entry of %(account)s cannot be filed in the dossier of %(other)s.",
                    account=item.partner_id.display_name,
                    other=item.dossier_id.partner_id.display_name,
                ))

    @api.model_create_multi
    def create(self, vals_list):
        dossier_ids = {vals["dossier_id"] for vals in vals_list if vals.get("dossier_id")}
        dossiers = self.env["kam.dossier"].sudo().browse(dossier_ids)
        for vals in vals_list:
            if vals.get("dossier_id"):
                dossier = dossiers.browse(vals["dossier_id"])
                vals.setdefault("partner_id", dossier.partner_id.id)
                vals.setdefault("company_id", dossier.company_id.id)
        records = super().create(vals_list)
        records._kam_touch_dossiers()
        return records

    def write(self, vals):
        # Filing an item in its dossier is not a change of its content.
        active_fields = set(vals) - self._kam_dossier_passive_fields - {"dossier_id"}
        if any(not name.startswith(("message_", "activity_")) for name in active_fields):
            before = self.sudo().dossier_id
            result = super().write(vals)
            (before | self.sudo().dossier_id)._kam_touch()
            return result
        return super().write(vals)

    def unlink(self):
        dossiers = self.sudo().dossier_id
        result = super().unlink()
        dossiers.exists()._kam_touch()
        return result

    def _kam_touch_dossiers(self):
        self.sudo().dossier_id._kam_touch()
