# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..models.kam_contact_log import CHANNELS
from ..models.kam_selections import CONTACT_OUTCOMES


def _account_domain(wizard):
    """The accounts of the meeting, else any commercial entity (a key account)."""
    accounts = wizard.env["res.partner"]._kam_commercial_domain()
    return f"[('id', 'in', account_option_ids)] if calendar_event_id else {accounts}"


class KamContactOutcomeWizard(models.TransientModel):
    """Record a contact and its outcome: from a done activity, a meeting, a plan line or by hand.

    The outcome is what the rules need (positive resets the 10-day gap,
    negative starts a cool-down), so it is asked explicitly, with no default.
    """

    _name = "kam.contact.outcome.wizard"
    _description = "Log a Contact and its Outcome"

    activity_id = fields.Many2one("mail.activity", readonly=True)
    calendar_event_id = fields.Many2one("calendar.event", string="Meeting", readonly=True)
    log_id = fields.Many2one("kam.contact.log", string="Contact to Review", readonly=True)
    plan_line_id = fields.Many2one(
        "kam.comm.plan.line", domain="[('partner_id', '=', partner_id), ('state', '!=', 'done')]"
    )
    account_option_ids = fields.Many2many("res.partner", compute="_compute_account_option_ids")
    partner_id = fields.Many2one(
        "res.partner",
        string="Account",
        compute="_compute_from_source",
        store=True,
        readonly=False,
        precompute=True,
        required=True,
        domain=_account_domain,
    )
    date = fields.Date(compute="_compute_from_source", store=True, readonly=False, precompute=True, required=True)
    channel = fields.Selection(
        CHANNELS, compute="_compute_from_source", store=True, readonly=False, precompute=True, required=True
    )
    outcome = fields.Selection(CONTACT_OUTCOMES, required=True)
    summary = fields.Text(compute="_compute_from_source", store=True, readonly=False, precompute=True)
    contact_ids = fields.Many2many(
        "res.partner",
        string="People",
        compute="_compute_from_source",
        store=True,
        readonly=False,
        precompute=True,
        domain="[('commercial_partner_id', '=', partner_id), ('id', '!=', partner_id)]",
    )

    @api.depends("calendar_event_id")
    def _compute_account_option_ids(self):
        for wizard in self:
            wizard.account_option_ids = (
                wizard.calendar_event_id._kam_key_accounts() if wizard.calendar_event_id else False
            )

    @api.depends("activity_id", "calendar_event_id", "log_id", "plan_line_id")
    def _compute_from_source(self):
        today = fields.Date.context_today(self)
        for wizard in self:
            wizard.date = today
            if wizard.log_id:
                log = wizard.log_id
                wizard.partner_id = log.partner_id
                wizard.date = log.date
                wizard.channel = log.channel
                wizard.summary = log.summary
                wizard.contact_ids = log.contact_ids
            elif wizard.activity_id:
                activity = wizard.activity_id
                vals = activity._kam_contact_log_values(False)
                account = activity._kam_accounts().get(activity.id)
                wizard.partner_id = account
                wizard.channel = vals[0]["channel"] if vals else "phone"
                wizard.summary = activity.summary or activity.activity_type_id.name
                wizard.contact_ids = vals[0]["contact_ids"][0][2] if vals else False
            elif wizard.calendar_event_id:
                event = wizard.calendar_event_id
                options = wizard.account_option_ids._origin
                account = wizard.partner_id._origin
                if account not in options:
                    account = options[:1]
                wizard.partner_id = account
                if account:
                    vals = event._kam_log_values(account)
                    wizard.date = vals["date"]
                    wizard.channel = vals["channel"]
                    wizard.summary = vals["summary"]
                    wizard.contact_ids = vals["contact_ids"][0][2]
            elif wizard.plan_line_id:
                line = wizard.plan_line_id
                wizard.partner_id = line.partner_id
                wizard.channel = line.channel or "phone"
                wizard.summary = line.name
                wizard.contact_ids = line.contact_ids
            if not wizard.channel:
                wizard.channel = "phone"

    @api.model
    def _kam_open_action(self, context, name=None):
        """The dialog that logs a contact, opened with ``context`` (its source or defaults)."""
        return {
            "type": "ir.actions.act_window",
            "name": name or self.env._("Log Contact"),
            "res_model": self._name,
            "view_mode": "form",
            "target": "new",
            "context": context,
        }

    def action_confirm(self):
        self.ensure_one()
        if self.activity_id:
            self.activity_id.with_context(kam_contact_outcome=self.outcome).action_feedback(
                feedback=self.summary
            )
            return {"type": "ir.actions.act_window_close"}
        vals = {
            "partner_id": self.partner_id.id,
            "date": self.date,
            "channel": self.channel,
            "outcome": self.outcome,
            "summary": self.summary,
            "contact_ids": [(6, 0, self.contact_ids.ids)],
            "to_review": False,
        }
        if self.log_id:
            self.log_id.write(vals)
            return {"type": "ir.actions.act_window_close"}
        if self.calendar_event_id:
            if not self.partner_id:
                raise UserError(self.env._("No key account attends this meeting."))
            vals = dict(self.calendar_event_id._kam_log_values(self.partner_id), **vals)
        if self.plan_line_id:
            vals["plan_line_id"] = self.plan_line_id.id
            vals["company_id"] = self.plan_line_id.company_id.id
        self.env["kam.contact.log"]._kam_create_or_update([vals])
        return {"type": "ir.actions.act_window_close"}
