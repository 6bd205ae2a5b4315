# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import api, fields, models

from .crm_lead import CrmLead as KamCrmLead

WINBACK_STATES = [("open", "In Progress"), ("won", "Won"), ("lost", "Lost")]


class CrmLead(models.Model):
    """Deals that came of a referral, and win-back deals with former accounts
    (digest §7.3, §7.7)."""

    _inherit = "crm.lead"  # pylint: disable=consider-merging-classes-inherited
    _kam_derived_fields = (*KamCrmLead._kam_derived_fields, "kam_winback_state")

    kam_referral_id = fields.Many2one(
        "kam.referral", string="Referral", index="btree_not_null", ondelete="set null",
        # not copied: a duplicate is a new deal, and a salesperson (who may not
        # read the field) must be able to duplicate a deal
        check_company=True, groups="kam_management.group_kam_user", copy=False,
        help="The recommendation this deal came of.",
    )
    kam_is_winback = fields.Boolean(
        string="Win-Back", compute="_compute_kam_is_winback", store=True, readonly=False,
        index=True, copy=False,
        help="A deal to win back a former key account (set when the deal is created for one).",
    )
    kam_winback_state = fields.Selection(
        WINBACK_STATES, string="Outcome", compute="_compute_kam_winback_state", store=True, copy=False,
    )

    @api.depends("partner_id")
    def _compute_kam_is_winback(self):
        pairs = {
            lead: (lead.partner_id.commercial_partner_id.id, (lead.company_id or self.env.company).id)
            for lead in self if lead.partner_id and not lead.kam_is_winback
        }
        rows = self.env["kam.account"]._kam_find(pairs.values())
        for lead in self:
            if lead not in pairs:
                lead.kam_is_winback = lead.kam_is_winback
                continue
            pair = pairs[lead]
            row = rows.get(pair)
            lead.kam_is_winback = bool(row and row.kam_status == "former")

    @api.depends("kam_is_winback", "stage_id.is_won", "active", "probability")
    def _compute_kam_winback_state(self):
        for lead in self:
            if not lead.kam_is_winback:
                lead.kam_winback_state = False
            elif lead.stage_id.is_won:
                lead.kam_winback_state = "won"
            elif not lead.active:
                lead.kam_winback_state = "lost"
            else:
                lead.kam_winback_state = "open"
