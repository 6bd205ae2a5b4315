# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import fields, models

from ..models.kam_account_winback import END_REASONS, ENDED_BY


class KamDemoteWizard(models.TransientModel):
    """Ending a key account records who ended it, why and whether the client
    may come back (digest §7.3); a revivable one gets the win-back plan."""

    _inherit = "kam.demote.wizard"

    ended_by = fields.Selection(ENDED_BY, string="Ended By", required=True, default="client")
    end_reason = fields.Selection(END_REASONS, string="Why", required=True, default="other")
    revivable = fields.Boolean(
        string="May Come Back",
        help="Revivable: keep in touch 1–2 times a year (the Former Client plan) and look for a "
        "win-back opportunity. Not revivable: the account's plans simply stop.",
    )

    def action_confirm(self):
        partners = self.partner_ids.commercial_partner_id
        result = super().action_confirm()
        rows = self.env["kam.account"].search([
            ("partner_id", "in", partners.ids), ("company_id", "in", self.env.companies.ids),
            ("kam_status", "=", "former"),
        ])
        rows = rows.filtered(lambda row: row.partner_id._kam_identity_key()[1] == row.company_id.id)
        rows._kam_record_end(self.ended_by, self.end_reason, self.reason, self.revivable)
        revivable = rows.filtered("kam_revivable")
        revivable._kam_apply_winback_plan()
        (rows - revivable)._kam_stop_plans()
        return result
