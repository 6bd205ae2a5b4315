# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

import datetime

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import format_date


class ResPartner(models.Model):
    """The VIP status of a key account and its periodic review (SPEC §5).

    A VIP account is reviewed on a fixed rhythm: the review date is set when
    it becomes VIP and moved on each time the review is recorded."""

    _inherit = "res.partner"

    @api.onchange("kam_is_vip")
    def _onchange_kam_is_vip(self):
        """An account made VIP is reviewed after the company's VIP review interval."""
        for partner in self:
            if partner.kam_is_vip and not partner._origin.kam_is_vip:
                partner.kam_vip_review_date = self._kam_vip_next_review_date()

    def action_kam_vip_reviewed(self):
        """Record the VIP review of these accounts: the next one is due after the
        company's VIP review interval, and their overdue-review alerts are done."""
        accounts = self._kam_vip_record_review()
        alerts = self.env["mail.activity"].sudo().search([
            ("res_model", "=", "res.partner"),
            ("res_id", "in", accounts.ids),
            ("kam_alert_kind", "=", "vip_review"),
            ("kam_company_id", "in", (False, self.env.company.id)),
        ])
        if alerts:
            alerts.with_context(kam_vip_reviewed=True).action_feedback(feedback=self.env._(
                "VIP review recorded; next review on %(date)s.",
                date=format_date(self.env, accounts[:1].kam_vip_review_date),
            ))
        return True

    def _kam_vip_record_review(self):
        """Roll the review date of these VIP accounts forward; returns the accounts.

        A KAM Manager's decision (the review date is identity): the date is
        written with the manager's rights, so the identity checks of ``write``
        (the manager's companies included) apply. The alerts, assigned to the
        sales manager, are closed as superuser by the caller once this write
        went through.
        """
        if not self._kam_may_manage_identity():
            raise AccessError(self.env._(
                "Only a KAM Manager records a VIP review: the review date is part of the "
                "key-account identity. Ask a KAM Manager."
            ))
        accounts = self.commercial_partner_id
        not_vip = accounts.filtered(lambda account: not account.kam_is_vip)
        if not_vip:
            raise UserError(self.env._(
                "%(accounts)s is not a VIP: there is no VIP review to record.",
                accounts=", ".join(not_vip[:5].mapped("display_name")),
            ))
        accounts.write({"kam_vip_review_date": self._kam_vip_next_review_date()})
        return accounts

    @api.model
    def _kam_vip_next_review_date(self):
        """Today plus the VIP review interval of the current company."""
        company = self.env.company
        company._kam_check_bounds(["kam_vip_review_days"])
        return fields.Date.context_today(self) + datetime.timedelta(days=company.kam_vip_review_days)

    @api.model
    def _kam_default_vip_review_dates(self, vals_list):
        """A partner created VIP, as its own account, without a review date gets its first one."""
        context = self.env.context
        for vals in vals_list:
            if (
                vals.get("kam_is_vip", context.get("default_kam_is_vip"))
                and not vals.get("kam_vip_review_date", context.get("default_kam_vip_review_date"))
                and (vals.get("is_company") or not vals.get("parent_id"))
            ):
                vals["kam_vip_review_date"] = self._kam_vip_next_review_date()

    def _kam_becoming_vip(self, vals):
        """The accounts of ``self`` this write makes VIP without giving a review date."""
        if not vals.get("kam_is_vip") or "kam_vip_review_date" in vals:
            return self.browse()
        return self.filtered(
            lambda partner: not partner.kam_is_vip and partner.commercial_partner_id == partner
        )
