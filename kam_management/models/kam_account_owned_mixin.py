# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

import functools

from odoo import api, models
from odoo.exceptions import AccessError

KAM_MANAGER_GROUP = "kam_management.group_kam_manager"


def kam_account_domain(records):
    """Domain of the partners a KAM record can be kept on: the commercial
    entities (companies, and individuals who are nobody's contact, SPEC §1),
    as ``res.partner._kam_commercial_domain`` says. For the ``domain`` of
    every field that names a key account."""
    return records.env["res.partner"]._kam_commercial_domain()


class KamAccountOwnedMixin(models.AbstractModel):
    """Something recorded on a key account: it belongs to the account's KAM and team.

    The record rules say who may write such a record, but Odoo checks them on
    the records as they are *before* a write: a KAM user could write their own
    record and, in the same write, move it onto another KAM's account. When a
    field that decides the owner changes (``_kam_owner_fields``), the rules are
    checked again on the result, and the whole write is refused if the record
    no longer belongs to the user. Creation needs nothing more: Odoo checks the
    create rules on the records it has just inserted.
    """

    _name = "kam.account.owned.mixin"
    _description = "Record Owned Through a Key Account"
    _inherit = ["kam.account.member.mixin"]
    # Fields whose value decides the account (and company) a record belongs to.
    _kam_owner_fields = frozenset({"partner_id", "company_id"})

    def write(self, vals):
        if self.env.su or not self._kam_owner_fields & vals.keys():
            return super().write(vals)
        try:
            result = super().write(vals)
        except AccessError:
            # The write itself may trip over the new owner first (a constraint
            # or the tracking reading the moved record): say why.
            self._kam_check_owner_after_write()
            raise
        self._kam_check_owner_after_write()
        return result

    def _check_access(self, operation):
        """Say which accounts are not the user's when a record rule refuses a change.

        Odoo's own message only says that access is refused; when the model's
        access rights allow the operation, a refusal comes from the rules, and
        for a change that means an account the user does not work on.
        """
        result = super()._check_access(operation)
        if (
            not result
            or operation == "read"
            or not self.env["ir.model.access"].check(self._name, operation, raise_exception=False)
        ):
            return result
        forbidden = result[0]
        return forbidden, functools.partial(forbidden._kam_owner_error, operation)

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

    def _kam_owner_account(self):
        """The key account each record belongs to (the commercial entity)."""
        return self.sudo().partner_id.commercial_partner_id

    def _kam_owner_error(self, operation):
        """The access error of a change refused on the accounts of ``self``."""
        actions = {
            "write": self.env._("change"),
            "create": self.env._("create"),
            "unlink": self.env._("delete"),
        }
        # Only the accounts the user can read anyway are named.
        accounts = self._kam_owner_account().with_env(self.env)._filtered_access("read")
        return AccessError(self.env._(
            "You can only %(action)s %(what)s on the key accounts you manage or whose account "
            "team you are in, in your companies%(accounts)s. Ask the account's KAM or a KAM "
            "Manager.",
            action=actions.get(operation, operation),
            what=self.env["ir.model"].sudo()._get(self._name).name or self._description,
            accounts=self.env._(" (not yours: %(names)s)", names=", ".join(accounts.mapped("display_name")))
            if accounts else "",
        ))

    def _kam_check_owner_after_write(self):
        """Refuse the write when a record now lies on an account the user may not write."""
        forbidden = self - self._filtered_access("write")
        if not forbidden:
            return
        raise AccessError(self.env._(
            "You cannot move %(records)s to %(accounts)s: you may only record this on the "
            "key accounts you manage or whose account team you are in, in your companies. "
            "Ask the account's KAM or a KAM Manager to do it.",
            records=", ".join(forbidden.sudo().mapped("display_name")),
            accounts=", ".join(forbidden._kam_owner_account().mapped("display_name"))
            or self.env._("no key account"),
        ))

    @api.model
    def _kam_owned_accounts(self, accounts):
        """The accounts among ``accounts`` whose KAM data the current user may see.

        Superuser and KAM Managers (whose companies the record rules already
        restrict) see every account; a KAM user sees the accounts they manage
        or whose team they are in; anyone else none.
        """
        accounts = accounts.commercial_partner_id
        user = self.env.user
        if self.env.su or user.has_group(KAM_MANAGER_GROUP):
            return accounts
        if not user.has_group("kam_management.group_kam_user"):
            return accounts.browse()
        return accounts.sudo().filtered(
            lambda account: account.kam_user_id == user or user in account.kam_team_user_ids
        ).with_env(accounts.env)
