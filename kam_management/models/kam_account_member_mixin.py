# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.osv import expression


class KamAccountMemberMixin(models.AbstractModel):
    """Records that belong to a key account in one company: its KAM and team
    there (``kam_member_user_ids``, for the record rules) work on them."""

    _name = "kam.account.member.mixin"
    _description = "Record of a Key Account in a Company"
    # Paths from the record to its account (commercial entity) and its company.
    _kam_account_partner_path = "partner_id"
    _kam_account_company_path = "company_id"

    kam_account_id = fields.Many2one(
        "kam.account", string="Key-Account Identity", compute="_compute_kam_account_id",
        compute_sudo=True, search="_search_kam_account_id",
        help="Technical: the identity of the record's account in the record's company.",
    )
    kam_member_user_ids = fields.Many2many(
        "res.users", string="Account KAM and Team", compute="_compute_kam_member_user_ids",
        search="_search_kam_member_user_ids",
        help="Technical: the KAM and account team of the record's account in the record's company.",
    )

    @api.depends(lambda self: [self._kam_account_partner_path, self._kam_account_company_path])
    def _compute_kam_account_id(self):
        rows = self._kam_account_rows()
        for record in self:
            record.kam_account_id = rows.get(record.id, False)

    def _search_kam_account_id(self, operator, value):
        Account = self.env["kam.account"].sudo().with_context(active_test=False)
        if operator in ("any", "not any"):
            rows = Account.search(value)
        elif operator in ("in", "not in", "=", "!="):
            rows = Account.search([("id", operator.replace("not in", "in").replace("!=", "="), value)])
        else:
            raise UserError(self.env._("Operation not supported on the key-account identity."))
        domain = self._kam_pairs_domain(rows)
        if operator in ("not any", "not in", "!="):
            domain = ["!", *expression.normalize_domain(domain)]
        return domain

    def _kam_pairs_domain(self, rows):
        """Domain of the records whose account and company are those of ``rows``."""
        by_company = {}
        for row in rows:
            by_company.setdefault(row.company_id.id, set()).add(row.partner_id.id)
        if not by_company:
            return expression.FALSE_DOMAIN
        return expression.OR([
            [(self._kam_account_company_path, "=", company_id),
             (self._kam_account_partner_path, "in", sorted(partner_ids))]
            for company_id, partner_ids in sorted(by_company.items())
        ])

    @api.depends(lambda self: [self._kam_account_partner_path, self._kam_account_company_path])
    def _compute_kam_member_user_ids(self):
        rows = self._kam_account_rows()
        for record in self:
            row = rows.get(record.id)
            record.kam_member_user_ids = (row.kam_user_id | row.kam_team_user_ids) if row else False

    def _kam_account_rows(self):
        """{record id: its account's identity row in its company} (superuser), one query."""
        pairs = {
            record.id: (
                record.mapped(self._kam_account_partner_path)[:1].commercial_partner_id.id,
                record.mapped(self._kam_account_company_path)[:1].id,
            )
            # Only these fields: the rest of the record is read with the user's rights.
            for record in self.sudo().with_context(prefetch_fields=False)
        }
        rows = self.env["kam.account"]._kam_find(pairs.values())
        return {record_id: rows[pair] for record_id, pair in pairs.items() if pair in rows}

    def _search_kam_member_user_ids(self, operator, value):
        if operator not in ("in", "="):
            raise UserError(self.env._("Operation not supported on the account team."))
        user_ids = [value] if isinstance(value, int) else list(value)
        return self.env["kam.account"]._kam_member_domain(
            user_ids, self._kam_account_partner_path, self._kam_account_company_path
        )
