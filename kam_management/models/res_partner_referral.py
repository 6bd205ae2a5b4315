# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import api, fields, models

KAM_USER_GROUP = "kam_management.group_kam_user"
# The reference-client fields of the account's row shown on the partner.
KAM_REFERENCE_FIELDS = ("kam_reference_client", "kam_reference_note")
# The end of the relationship, shown by ``res_partner_winback`` (same compute).
KAM_ROW_END_FIELDS = (
    "kam_end_date", "kam_ended_by", "kam_end_reason", "kam_end_note", "kam_revivable",
    "kam_winback_plan_date",
)


class ResPartner(models.Model):
    """Referrals on the account (digest §7.7): reference client in the current
    company (the ``kam.account`` row, as the identity), the referrals it made
    and the recommendation letters it gave."""

    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    kam_reference_client = fields.Boolean(
        string="Reference Client", compute="_compute_kam_reference", inverse="_inverse_kam_reference",
        search="_search_kam_reference_client", groups=KAM_USER_GROUP,
        help="The client agreed to be named to prospects (in the current company).",
    )
    kam_reference_note = fields.Text(
        string="What We Did for Them", compute="_compute_kam_reference",
        inverse="_inverse_kam_reference", groups=KAM_USER_GROUP,
    )
    kam_referral_ids = fields.One2many(
        "kam.referral", "partner_id", string="Referrals Made", groups=KAM_USER_GROUP,
    )
    kam_referral_count = fields.Integer(
        string="Referrals", compute="_compute_kam_referral_count", groups=KAM_USER_GROUP,
    )
    kam_letter_ids = fields.One2many(
        "kam.recommendation.letter", "partner_id", string="Recommendation Letters",
        groups=KAM_USER_GROUP,
    )

    @api.depends_context("company")
    @api.depends("commercial_partner_id")
    def _compute_kam_reference(self):
        """The reference-client and end-of-relationship fields of the account's
        row (``res_partner_winback``) in one read of the rows."""
        rows = self._kam_growth_rows()
        fnames = [fname for fname in (*KAM_REFERENCE_FIELDS, *KAM_ROW_END_FIELDS) if fname in self._fields]
        for partner in self:
            row = rows.get(partner)
            for fname in fnames:
                partner[fname] = row[fname] if row else False

    def _inverse_kam_reference(self):
        """The account's KAM, its team and the KAM managers name a reference client."""
        accounts = self.filtered(lambda partner: partner.commercial_partner_id == partner)
        accounts._kam_check_owned(self.env._("make it a reference client"))
        rows = accounts._kam_growth_rows(create=True)
        for partner in accounts:
            rows[partner].sudo().write({
                fname: partner[fname] for fname in KAM_REFERENCE_FIELDS
            })

    def _search_kam_reference_client(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            return [("id", "=", 0)]
        positive = (operator == "=") == value
        query = self._kam_identity_rows_query([("kam_reference_client", "=", True)])
        return [("commercial_partner_id", "in" if positive else "not in", query)]

    @api.depends_context("company", "uid")
    @api.depends("kam_referral_ids")
    def _compute_kam_referral_count(self):
        counts = dict(self.env["kam.referral"]._read_group(
            [("partner_id", "in", self.commercial_partner_id.ids), ("company_id", "=", self.env.company.id)],
            ["partner_id"], ["__count"],
        ))
        for partner in self:
            partner.kam_referral_count = counts.get(partner.commercial_partner_id._origin, 0)

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_kam_open_referrals(self):
        self.ensure_one()
        account = self.commercial_partner_id
        action = self.env["ir.actions.actions"]._for_xml_id("kam_management.kam_referral_action")
        action["domain"] = [("partner_id", "=", account.id)]
        action["context"] = {"default_partner_id": account.id}
        return action

    # ------------------------------------------------------------------
    # Private helpers
    # ------------------------------------------------------------------

    def _kam_growth_rows(self, create=False):
        """{partner: the ``kam.account`` row its identity shows} (superuser),
        created for the accounts without one when ``create``."""
        Account = self.env["kam.account"]
        pairs = {partner: partner._kam_identity_key() for partner in self}
        rows = Account._kam_find(pairs.values())
        if create:
            missing = {pair for pair in pairs.values() if pair not in rows and pair[0]}
            if missing:
                Account.sudo().create([
                    {"partner_id": partner_id, "company_id": company_id} for partner_id, company_id in missing
                ])
                rows = Account._kam_find(pairs.values())
        return {partner: rows[pair] for partner, pair in pairs.items() if pair in rows}
