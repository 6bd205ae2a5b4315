# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

import datetime

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .kam_selections import KAM_STATUS


class SaleOrder(models.Model):
    _inherit = "sale.order"

    # ------------------------------------------------------------------
    # Identification (SPEC §1, digest §4.4, §10 rules 10 and 22):
    # quotations to key accounts carry an expiry date and may name the team
    # that prepared them.
    # ------------------------------------------------------------------

    kam_partner_status = fields.Selection(
        KAM_STATUS, string="Key-Account Status", compute="_compute_kam_partner_status",
        help="The client's key-account status in the company of the order.",
    )
    kam_preparing_user_ids = fields.Many2many(
        "res.users",
        "sale_order_kam_preparing_user_rel",
        "order_id",
        "user_id",
        string="Prepared By",
        domain="[('share', '=', False)]",
        copy=True,
        help="The people who prepared this proposal, printed on the quotation with "
        "their positions and contacts.",
    )

    def _compute_validity_date(self):
        """A quotation to a key account always expires: where the company's
        quotation validity gives no date (0 = no expiry), the key-account
        quotation validity of the company applies."""
        res = super()._compute_validity_date()
        for order in self:
            if not order.validity_date and order._kam_to_key_account():
                order.validity_date = order._kam_default_validity_date()
        return res

    @api.depends("partner_id.commercial_partner_id", "company_id")
    def _compute_kam_partner_status(self):
        rows = self.env["kam.account"]._kam_find(
            (order.partner_id.commercial_partner_id.id, order.company_id.id) for order in self
        )
        for order in self:
            row = rows.get((order.partner_id.commercial_partner_id.id, order.company_id.id))
            order.kam_partner_status = row.kam_status if row else "none"

    @api.onchange("partner_id")
    def _onchange_partner_id_kam_validity(self):
        """The same when the key account is chosen after the company (a new quotation)."""
        for order in self:
            if not order.validity_date and order._kam_to_key_account():
                order.validity_date = order._kam_default_validity_date()

    @api.constrains("validity_date", "partner_id", "state")
    def _check_kam_validity_date(self):
        for order in self:
            if (
                order.state in ("draft", "sent")
                and not order.validity_date
                and order._kam_to_key_account()
            ):
                raise ValidationError(self.env._(
                    "A quotation to the key account %(partner)s must carry an expiration "
                    "date: every offer to a key account ends with its validity date.",
                    partner=order.partner_id.commercial_partner_id.display_name,
                ))

    def _kam_to_key_account(self):
        """The quotation is addressed to a key account."""
        self.ensure_one()
        return self.partner_id.commercial_partner_id.kam_status == "key"

    def _kam_default_validity_date(self):
        """Today plus the key-account quotation validity of the order's company."""
        self.ensure_one()
        company = self.company_id or self.env.company
        company._kam_check_bounds(["kam_quotation_validity_days"])
        return fields.Date.context_today(self) + datetime.timedelta(
            days=company.kam_quotation_validity_days
        )

    # ------------------------------------------------------------------
    # Communication (SPEC §3 rule 3, digest §5.3): a quotation sent to a key
    # account gets a follow-up call on the next working day, until the client
    # replies or confirms.
    # ------------------------------------------------------------------

    kam_sent_date = fields.Date(
        string="Quotation Sent On", copy=False, readonly=True,
        help="When the quotation was last marked as sent (by e-mail or by hand).",
    )

    def write(self, vals):
        # Both "Send by e-mail" (message_post with mark_so_as_sent) and "Mark as
        # sent" (action_quotation_sent) move a draft to 'sent' through write.
        newly_sent = self.browse()
        if vals.get("state") == "sent":
            newly_sent = self.filtered(lambda order: order.state == "draft")
        res = super().write(vals)
        if newly_sent:
            newly_sent._kam_quotation_sent()
        return res

    def _action_confirm(self):
        res = super()._action_confirm()
        self.env["kam.comm.scheduler"]._kam_close_followups(
            self, self.env._("The quotation was confirmed.")
        )
        return res

    def _action_cancel(self):
        res = super()._action_cancel()
        self.env["kam.comm.scheduler"]._kam_close_followups(
            self, self.env._("The quotation was cancelled.")
        )
        return res

    def _message_post_after_hook(self, message, msg_vals):
        """A reply from the client closes the pending follow-up call."""
        res = super()._message_post_after_hook(message, msg_vals)
        author = message.author_id
        if (
            self.kam_sent_date
            and self.state == "sent"
            and message.message_type == "email"
            and author
            and not author.user_ids.filtered(lambda user: not user.share)
        ):
            self.env["kam.comm.scheduler"]._kam_close_followups(
                self, self.env._("The client replied.")
            )
        return res

    def _kam_quotation_sent(self):
        today = fields.Date.context_today(self)
        self.sudo().kam_sent_date = today
        self.env["kam.comm.scheduler"]._kam_schedule_followups(self)
