# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .kam_account_owned_mixin import kam_account_domain


class KamReferral(models.Model):
    """Who recommended whom (digest §7.7): a client recommends us to a colleague or partner.

    The referrer is one of our accounts (and the person there who made the
    call); the referred is a prospect (a partner) and, once we work on it, the
    opportunities that came of the referral. Their won revenue rolls up here
    and on the referring account.
    """

    _name = "kam.referral"
    _description = "Referral"
    _inherit = ["mail.thread", "kam.account.owned.mixin", "kam.derived.fields.mixin"]
    _order = "date desc, id desc"
    _check_company_auto = True

    partner_id = fields.Many2one(
        "res.partner", string="Recommended By (Account)", required=True, index=True,
        ondelete="cascade", check_company=True, domain=kam_account_domain, tracking=True,
        help="Our client who made the recommendation.",
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company,
    )
    referrer_contact_id = fields.Many2one(
        "res.partner", string="Recommended By (Person)", check_company=True,
        domain="[('commercial_partner_id', '=', partner_id), ('id', '!=', partner_id)]",
    )
    referred_partner_id = fields.Many2one(
        "res.partner", string="Recommended To", required=True, index=True, ondelete="restrict",
        check_company=True, tracking=True,
        help="The colleague or partner company we were recommended to.",
    )
    date = fields.Date(required=True, default=fields.Date.context_today, tracking=True)
    user_id = fields.Many2one(
        "res.users", string="Recorded By", required=True, default=lambda self: self.env.user,
        domain="[('share', '=', False)]",
    )
    kind = fields.Selection(
        [("call", "They Called the Prospect"), ("introduction", "Introduction / Meeting"),
         ("contact", "Gave Us a Contact"), ("reference", "Agreed to Be Asked About Us")],
        string="How", default="contact", required=True,
    )
    notes = fields.Text()
    lead_ids = fields.One2many("crm.lead", "kam_referral_id", string="Opportunities")
    lead_count = fields.Integer(string="Deals", compute="_compute_deal_figures")
    won_count = fields.Integer(string="Deals Won", compute="_compute_deal_figures")
    won_revenue = fields.Monetary(
        string="Won Revenue", compute="_compute_deal_figures", currency_field="currency_id",
        help="Expected revenue of the won deals that came of the referral.",
    )
    currency_id = fields.Many2one(related="company_id.currency_id")

    @api.depends("lead_ids.stage_id", "lead_ids.expected_revenue", "lead_ids.active")
    def _compute_deal_figures(self):
        figures = self._kam_deal_figures()
        for referral in self:
            count, won, revenue = figures.get(referral.id, (0, 0, 0.0))
            referral.lead_count = count
            referral.won_count = won
            referral.won_revenue = revenue

    @api.depends("partner_id", "referred_partner_id")
    def _compute_display_name(self):
        for referral in self:
            referral.display_name = self.env._(
                "%(referrer)s → %(referred)s",
                referrer=referral.partner_id.display_name or "",
                referred=referral.referred_partner_id.display_name or "",
            )

    @api.constrains("partner_id", "referrer_contact_id", "referred_partner_id")
    def _check_parties(self):
        for referral in self.sudo():
            account = referral.partner_id
            if account != account.commercial_partner_id:
                raise ValidationError(self.env._(
                    "The referrer is the account %(account)s; name %(person)s as its person.",
                    account=account.commercial_partner_id.display_name, person=account.name,
                ))
            if referral.referrer_contact_id and referral.referrer_contact_id.commercial_partner_id != account:
                raise ValidationError(self.env._(
                    "%(person)s does not work for %(account)s.",
                    person=referral.referrer_contact_id.name, account=account.display_name,
                ))
            if referral.referred_partner_id.commercial_partner_id == account:
                raise ValidationError(self.env._("An account cannot be recommended to itself."))

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_create_lead(self):
        """One click: the opportunity with the recommended company, linked to the referral."""
        self.ensure_one()
        lead = self.env["crm.lead"].create(self._kam_lead_values())
        return {
            "type": "ir.actions.act_window",
            "res_model": "crm.lead",
            "res_id": lead.id,
            "view_mode": "form",
        }

    def action_view_leads(self):
        self.ensure_one()
        action = self.env["ir.actions.actions"]._for_xml_id("crm.crm_lead_all_leads")
        action.update({
            "domain": [("kam_referral_id", "=", self.id)],
            "context": {"active_test": False, "default_kam_referral_id": self.id,
                        "default_partner_id": self.referred_partner_id.id, "default_type": "opportunity"},
            "views": [(False, "list"), (False, "form")],
            "view_mode": "list,form",
        })
        return action

    # ------------------------------------------------------------------
    # Private helpers
    # ------------------------------------------------------------------

    def _kam_lead_values(self):
        self.ensure_one()
        return {
            "name": self.env._("Recommended by %(referrer)s", referrer=self.partner_id.name),
            "type": "opportunity",
            "partner_id": self.referred_partner_id.id,
            "company_id": self.company_id.id,
            "user_id": self.env.user.id,
            "kam_referral_id": self.id,
        }

    def _kam_deal_figures(self):
        """{referral id: (deals, won deals, won revenue)} in one query (lost deals count as deals)."""
        if not self.ids:
            return {}
        Lead = self.env["crm.lead"].sudo().with_context(active_test=False)
        figures = {}
        for referral, stage, count, revenue in Lead._read_group(
            [("kam_referral_id", "in", self.ids)],
            ["kam_referral_id", "stage_id"],
            ["__count", "expected_revenue:sum"],
        ):
            deals, won, total = figures.get(referral.id, (0, 0, 0.0))
            deals += count
            if stage.is_won:
                won += count
                total += revenue or 0.0
            figures[referral.id] = (deals, won, total)
        return figures
