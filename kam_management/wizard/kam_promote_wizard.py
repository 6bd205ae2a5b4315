# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import Command, api, fields, models
from odoo.exceptions import UserError, ValidationError


class KamPromoteWizard(models.TransientModel):
    """Promote one or several partners to key account (SPEC §1): the KAM, the
    types and the level are decided here, and the reason is tracked."""

    _name = "kam.promote.wizard"
    _description = "Promote to Key Account"

    partner_ids = fields.Many2many(
        "res.partner", string="Partners", required=True,
        default=lambda self: self._default_partner_ids(),
    )
    kam_user_id = fields.Many2one(
        "res.users", string="Key Account Manager", required=True,
        domain="[('share', '=', False)]",
    )
    kam_team_user_ids = fields.Many2many(
        "res.users", string="Account Team", domain="[('share', '=', False)]"
    )
    kam_type_ids = fields.Many2many(
        "kam.account.type", string="Key-Account Types",
        default=lambda self: self._default_kam_type_ids(),
    )
    kam_level = fields.Selection(
        [("company", "Company"), ("team", "Sales Team"), ("department", "Department")],
        string="Key For", required=True, default="company",
    )
    kam_level_team_id = fields.Many2one("crm.team", string="Key for Sales Team")
    kam_level_department = fields.Char(string="Key for Department")
    reason = fields.Char(required=True)
    key_since = fields.Date(
        string="Key Account Since", required=True, default=fields.Date.context_today
    )
    load_warning = fields.Char(compute="_compute_load_warning")

    @api.model
    def _default_partner_ids(self):
        if self.env.context.get("active_model") != "res.partner":
            return []
        partners = self.env["res.partner"].browse(self.env.context.get("active_ids", []))
        return partners.commercial_partner_id.ids

    @api.model
    def _default_kam_type_ids(self):
        """Candidates are proposed by their share: suggest the bread-winner type."""
        partners = self.env["res.partner"].browse(self._default_partner_ids())
        if partners and all(partner.kam_status == "candidate" for partner in partners):
            breadwinner = self.env["kam.account.type"].search([("code", "=", "breadwinner")], limit=1)
            return breadwinner.ids
        return []

    @api.depends("kam_user_id", "partner_ids")
    def _compute_load_warning(self):
        for wizard in self:
            wizard.load_warning = False
            if not wizard.kam_user_id:
                continue
            partners = wizard.partner_ids.commercial_partner_id
            current = self.env["res.partner"].search_count([
                *self.env["res.partner"]._kam_commercial_domain(),
                ("kam_status", "=", "key"),
                ("kam_user_id", "=", wizard.kam_user_id.id),
                ("id", "not in", partners.ids),
            ])
            total = current + len(partners)
            maximum = (wizard.kam_user_id.company_id or self.env.company).kam_max_accounts_per_kam
            if total > maximum:
                wizard.load_warning = self.env._(
                    "%(user)s would manage %(count)s key accounts; the advised maximum is %(max)s.",
                    user=wizard.kam_user_id.name, count=total, max=maximum,
                )

    @api.constrains("kam_level", "kam_level_team_id", "kam_level_department")
    def _check_kam_level(self):
        for wizard in self:
            if wizard.kam_level == "team" and not wizard.kam_level_team_id:
                raise ValidationError(self.env._("Choose the sales team the account is key for."))
            if wizard.kam_level == "department" and not wizard.kam_level_department:
                raise ValidationError(self.env._("Name the department the account is key for."))

    def action_confirm(self):
        self.ensure_one()
        partners = self.partner_ids.commercial_partner_id
        if not partners:
            raise UserError(self.env._("Select at least one partner to promote."))
        newly_key = partners.filtered(lambda partner: partner.kam_status != "key")
        partners.write({
            "kam_status": "key",
            "kam_status_reason": self.reason,
            "kam_user_id": self.kam_user_id.id,
            # Team members and types are added to those the accounts already have.
            "kam_team_user_ids": [Command.link(user.id) for user in self.kam_team_user_ids],
            "kam_type_ids": [Command.link(kam_type.id) for kam_type in self.kam_type_ids],
            "kam_level": self.kam_level,
            "kam_level_team_id": self.kam_level_team_id.id if self.kam_level == "team" else False,
            "kam_level_department": (
                self.kam_level_department if self.kam_level == "department" else False
            ),
            "kam_lifecycle_block": "key",
        })
        newly_key.write({"kam_key_since": self.key_since})
        return {"type": "ir.actions.act_window_close"}
