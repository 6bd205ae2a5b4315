# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import Command, api, fields, models
from odoo.exceptions import ValidationError
from odoo.osv import expression

from .kam_selections import KAM_LEVELS, KAM_STATUS

# The identity fields: the same names on res.partner show the row.
KAM_ACCOUNT_FIELDS = (
    "kam_status", "kam_status_reason", "kam_key_since", "kam_user_id", "kam_team_user_ids",
    "kam_level", "kam_level_team_id", "kam_level_department", "kam_type_ids",
    "kam_is_vip", "kam_vip_review_date",
)


class KamAccount(models.Model):
    """The key-account identity of a client in one of our companies.

    A client can be key in one company (with its KAM and team) and a mere
    candidate in another: status, KAM, team, level, types and VIP are per
    company, as the figures are (``kam.partner.metric``). The partner shows
    and edits the row of the current company through computed fields of the
    same names (``res.partner``, Identification), which also carry the trust
    checks: only KAM Managers change an identity, in their companies. The
    history of each company's identity is tracked on its row.
    """

    _name = "kam.account"
    _description = "Key-Account Identity (per Company)"
    _inherit = ["mail.thread", "kam.derived.fields.mixin"]
    _rec_name = "partner_id"
    _order = "company_id, partner_id"

    partner_id = fields.Many2one(
        "res.partner", string="Client", required=True, ondelete="cascade", index=True,
        domain=lambda self: self.env["res.partner"]._kam_commercial_domain(),
    )
    company_id = fields.Many2one(
        "res.company", string="Company", required=True, ondelete="cascade", index=True,
        default=lambda self: self.env.company,
    )
    kam_status = fields.Selection(
        KAM_STATUS, string="Key-Account Status", default="none", required=True,
        tracking=True, index=True,
    )
    kam_status_reason = fields.Char(string="Status Reason", tracking=True)
    kam_key_since = fields.Date(string="Key Account Since", tracking=True)
    kam_user_id = fields.Many2one(
        "res.users", string="Key Account Manager", tracking=True, index="btree_not_null",
        domain="[('share', '=', False)]",
    )
    kam_team_user_ids = fields.Many2many(
        "res.users", "kam_account_team_user_rel", "account_id", "user_id",
        string="Account Team", domain="[('share', '=', False)]",
    )
    kam_level = fields.Selection(
        KAM_LEVELS,
        string="Key For", default="company",
    )
    kam_level_team_id = fields.Many2one("crm.team", string="Key for Sales Team")
    kam_level_department = fields.Char(string="Key for Department")
    kam_type_ids = fields.Many2many(
        "kam.account.type", "kam_account_account_type_rel", "account_id", "type_id",
        string="Key-Account Types",
    )
    kam_is_vip = fields.Boolean(string="VIP", tracking=True)
    kam_vip_review_date = fields.Date(string="VIP Review Date", tracking=True, index="btree_not_null")

    _sql_constraints = [
        ("partner_company_uniq", "unique(partner_id, company_id)",
         "A client has one key-account identity per company."),
    ]

    @api.constrains("kam_is_vip", "kam_vip_review_date")
    def _check_kam_vip_review_date(self):
        """A VIP may be unprofitable (digest §1.6.1): the status is reviewed on a date."""
        for account in self:
            if account.kam_is_vip and not account.kam_vip_review_date:
                raise ValidationError(self.env._(
                    "%(partner)s is a VIP: set the date of the next VIP review.",
                    partner=account.partner_id.display_name,
                ))

    @api.constrains("kam_user_id", "kam_team_user_ids")
    def _check_kam_internal_users(self):
        """The KAM and the account team read the account's KAM data: internal users only."""
        for account in self:
            outsiders = (account.kam_user_id | account.kam_team_user_ids).sudo().filtered("share")
            if outsiders:
                raise ValidationError(self.env._(
                    "%(users)s cannot be the KAM or in the account team of %(partner)s: only "
                    "internal users manage key accounts, not portal users.",
                    users=", ".join(outsiders.mapped("name")),
                    partner=account.partner_id.display_name,
                ))

    @api.model_create_multi
    def create(self, vals_list):
        accounts = super().create(vals_list)
        accounts._kam_log_initial_identity()
        self._kam_invalidate_readers()
        accounts._kam_recompute_dependents()
        return accounts

    def write(self, vals):
        result = super().write(vals)
        self._kam_invalidate_readers()
        if not vals.keys().isdisjoint(("kam_status", "kam_user_id", "partner_id", "company_id")):
            self._kam_recompute_dependents()
        return result

    def unlink(self):
        partners = self.partner_id
        result = super().unlink()
        self._kam_invalidate_readers()
        self.env["kam.account"].browse()._kam_recompute_dependents(partners)
        return result

    @api.model
    def _kam_invalidate_readers(self):
        """The fields computed from the rows (not stored, no dependency the ORM
        could follow) are read again: the partner's identity, the account team
        of the KAM records (record rules)."""
        self.env["res.partner"].invalidate_model([*KAM_ACCOUNT_FIELDS, "kam_is_owned"])
        for model_name, model_class in self.env.registry.items():
            if "kam_member_user_ids" in model_class._fields and not model_class._abstract:
                self.env[model_name].invalidate_model([
                    "kam_member_user_ids", "kam_account_id",
                    *(fname for fname, field in model_class._fields.items()
                      if field.related and field.related.startswith("kam_account_id.")),
                ])

    def _kam_log_initial_identity(self):
        """The history of an identity starts with its first values (Odoo tracks
        the changes of a record, not its creation): one note per new row."""
        Tracking = self.env["mail.tracking.value"]
        fnames = [fname for fname in KAM_ACCOUNT_FIELDS if fname in self._track_get_fields()]
        info = self.fields_get(fnames, ["string", "type", "selection", "currency_field"])
        blank = self.new({})
        for account in self:
            tracking = [
                Command.create(Tracking._create_tracking_values(
                    blank[fname], account[fname], fname, info[fname], account,
                ))
                for fname in fnames
                if account[fname] != blank[fname]
            ]
            if tracking:
                account._message_log(tracking_value_ids=tracking)

    def _kam_recompute_dependents(self, partners=None):
        """The stored copies of the identity on the pipeline and the health
        follow the row of their own company."""
        partners = self.partner_id if partners is None else partners
        if not partners:
            return
        for model_name, fnames, partner_path in (
            ("crm.lead", ("kam_partner_status", "kam_account_user_id"), "partner_id.commercial_partner_id"),
            ("kam.account.health", ("kam_user_id",), "partner_id"),
        ):
            Model = self.env[model_name].sudo().with_context(active_test=False)
            records = Model.search([(partner_path, "in", partners.ids)])
            if records:
                for fname in fnames:
                    self.env.add_to_compute(Model._fields[fname], records)

    @api.model
    def _kam_find(self, pairs):
        """{(partner id, company id): row} of these (commercial partner, company) pairs, as superuser."""
        pairs = {(partner_id, company_id) for partner_id, company_id in pairs if partner_id and company_id}
        if not pairs:
            return {}
        by_company = {}
        for partner_id, company_id in pairs:
            by_company.setdefault(company_id, set()).add(partner_id)
        domain = expression.OR([
            [("company_id", "=", company_id), ("partner_id", "in", list(partner_ids))]
            for company_id, partner_ids in by_company.items()
        ])
        rows = self.sudo().with_context(active_test=False).search(domain)
        return {(row.partner_id.id, row.company_id.id): row for row in rows}

    @api.model
    def _kam_member_domain(self, user_ids, partner_path="partner_id", company_path="company_id"):
        """Domain of the records (on their account ``partner_path`` in their company
        ``company_path``) whose account's KAM or team, in that company, is one of ``user_ids``."""
        rows = self.sudo().search_fetch(
            ["|", ("kam_user_id", "in", user_ids), ("kam_team_user_ids", "in", user_ids)],
            ["partner_id", "company_id"],
        )
        by_company = {}
        for row in rows:
            by_company.setdefault(row.company_id.id, set()).add(row.partner_id.id)
        if not by_company:
            return expression.FALSE_DOMAIN
        return expression.OR([
            [(company_path, "=", company_id), (partner_path, "in", sorted(partner_ids))]
            for company_id, partner_ids in sorted(by_company.items())
        ])
