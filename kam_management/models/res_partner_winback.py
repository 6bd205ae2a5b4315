# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import api, fields, models
from odoo.exceptions import AccessError

from .kam_account_winback import END_REASONS, ENDED_BY

KAM_USER_GROUP = "kam_management.group_kam_user"
# The end of the relationship, on the account's row, shown on the partner.
KAM_END_FIELDS = ("kam_end_date", "kam_ended_by", "kam_end_reason", "kam_end_note", "kam_revivable")


class ResPartner(models.Model):
    """Win-back on the account (digest §7.3): how the relationship ended in the
    current company, whether the client may come back, and the win-back deals."""

    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    kam_end_date = fields.Date(
        string="Ended On", compute="_compute_kam_reference", inverse="_inverse_kam_end", groups=KAM_USER_GROUP,
    )
    kam_ended_by = fields.Selection(
        ENDED_BY, string="Ended By", compute="_compute_kam_reference", inverse="_inverse_kam_end",
        groups=KAM_USER_GROUP,
    )
    kam_end_reason = fields.Selection(
        END_REASONS, string="End Reason", compute="_compute_kam_reference", inverse="_inverse_kam_end",
        groups=KAM_USER_GROUP,
    )
    kam_end_note = fields.Text(
        string="End Details", compute="_compute_kam_reference", inverse="_inverse_kam_end", groups=KAM_USER_GROUP,
    )
    kam_revivable = fields.Boolean(
        string="May Come Back", compute="_compute_kam_reference", inverse="_inverse_kam_end",
        groups=KAM_USER_GROUP,
        help="Revivable: the win-back plan keeps in touch 1–2 times a year.",
    )
    kam_winback_plan_date = fields.Date(
        string="Win-Back Plan Applied On", compute="_compute_kam_reference", groups=KAM_USER_GROUP,
    )
    kam_winback_lead_count = fields.Integer(
        string="Win-Back Deals", compute="_compute_kam_winback_lead_count", groups=KAM_USER_GROUP,
    )

    def _inverse_kam_end(self):
        """The end of a relationship is the head of KAM's record, like the status."""
        if not self._kam_may_manage_identity():
            raise AccessError(self.env._(
                "Only a KAM Manager records how a relationship ended. Ask a KAM Manager."
            ))
        accounts = self.filtered(lambda partner: partner.commercial_partner_id == partner)
        rows = accounts._kam_growth_rows(create=True)
        for partner in accounts:
            rows[partner].write({fname: partner[fname] for fname in KAM_END_FIELDS})

    @api.depends_context("company", "uid")
    def _compute_kam_winback_lead_count(self):
        counts = {}
        for partner, count in self.env["crm.lead"].with_context(active_test=False)._read_group(
            [("partner_id.commercial_partner_id", "in", self.commercial_partner_id.ids),
             ("kam_is_winback", "=", True), ("company_id", "in", [False, self.env.company.id])],
            ["partner_id"], ["__count"],
        ):
            account = partner.commercial_partner_id
            counts[account] = counts.get(account, 0) + count
        for partner in self:
            partner.kam_winback_lead_count = counts.get(partner.commercial_partner_id._origin, 0)

    # ------------------------------------------------------------------
    # ORM
    # ------------------------------------------------------------------

    def write(self, vals):
        res = super().write(vals)
        if "kam_lifecycle_block" in vals or "kam_dead_revivable" in vals:
            self._kam_sync_dead_revivable()
        return res

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_kam_new_winback_lead(self):
        """A win-back opportunity with this former account (one click)."""
        self.ensure_one()
        account = self.commercial_partner_id
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Win-Back Opportunity"),
            "res_model": "crm.lead",
            "view_mode": "form",
            "views": [(False, "form")],
            "context": {
                "default_type": "opportunity",
                "default_partner_id": account.id,
                "default_kam_is_winback": True,
                "default_name": self.env._("Win back %(account)s", account=account.name),
            },
        }

    def action_kam_open_winback_leads(self):
        self.ensure_one()
        action = self.env["ir.actions.actions"]._for_xml_id("kam_management.kam_winback_lead_action")
        action["domain"] = [("partner_id.commercial_partner_id", "=", self.commercial_partner_id.id),
                            ("kam_is_winback", "=", True)]
        return action

    # ------------------------------------------------------------------
    # Private helpers
    # ------------------------------------------------------------------

    def _kam_sync_dead_revivable(self):
        """A client put in the "dead" block of the client base ends its former
        key-account relationships as revivable or not, in the user's companies
        (the former accounts among them that are revivable get the win-back plan
        from the daily job)."""
        dead = self.filtered(lambda partner: partner.kam_lifecycle_block == "dead"
                             and partner.commercial_partner_id == partner)
        if not dead:
            return
        rows = self.env["kam.account"].sudo().search([
            ("partner_id", "in", dead.ids),
            ("company_id", "in", self.env.user.company_ids.ids),
            ("kam_status", "=", "former"),
        ])
        today = fields.Date.context_today(self)
        for row in rows:
            revivable = row.partner_id.kam_dead_revivable
            vals = {}
            if row.kam_revivable != revivable:
                vals["kam_revivable"] = revivable
            if not row.kam_end_date:
                vals["kam_end_date"] = today
            if vals:
                row.write(vals)
