# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import api, fields, models
from odoo.exceptions import UserError


class KamDemoteWizard(models.TransientModel):
    """End the key status of one or several accounts (SPEC §1). A former key
    account is never promoted back automatically; the reason is tracked."""

    _name = "kam.demote.wizard"
    _description = "Demote to Former Key Account"

    partner_ids = fields.Many2many(
        "res.partner", string="Partners", required=True,
        default=lambda self: self._default_partner_ids(),
    )
    reason = fields.Char(required=True)

    @api.model
    def _default_partner_ids(self):
        if self.env.context.get("active_model") != "res.partner":
            return []
        partners = self.env["res.partner"].browse(self.env.context.get("active_ids", []))
        return partners.commercial_partner_id.ids

    def action_confirm(self):
        self.ensure_one()
        partners = self.partner_ids.commercial_partner_id
        if not partners:
            raise UserError(self.env._("Select at least one partner to demote."))
        wrong = partners.filtered(lambda partner: partner.kam_status not in ("key", "candidate"))
        if wrong:
            raise UserError(self.env._(
                "Only key accounts and candidates can become former key accounts: %(names)s.",
                names=", ".join(wrong.mapped("display_name")),
            ))
        partners.write({"kam_status": "former", "kam_status_reason": self.reason})
        # The "key account" client-base block no longer holds: the next
        # recompute places the client again by its orders.
        partners.filtered(lambda partner: partner.kam_lifecycle_block == "key").write(
            {"kam_lifecycle_block": False}
        )
        return {"type": "ir.actions.act_window_close"}
