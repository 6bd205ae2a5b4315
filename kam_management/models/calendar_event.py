# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import api, fields, models
from odoo.tools import format_date


class CalendarEvent(models.Model):
    """Meetings with key accounts' people feed the contact log; the cool-down warns."""

    _inherit = "calendar.event"

    kam_contact_log_ids = fields.One2many(
        "kam.contact.log", "calendar_event_id", string="Logged Contacts",
        groups="kam_management.group_kam_user",
    )
    kam_account_ids = fields.Many2many(
        "res.partner",
        compute="_compute_kam_account_ids",
        string="Key Accounts",
        help="Key accounts whose people attend the meeting.",
    )
    kam_can_log_contact = fields.Boolean(compute="_compute_kam_can_log_contact")
    kam_cooldown_warning = fields.Text(
        compute="_compute_kam_cooldown_warning",
        groups="kam_management.group_kam_user",
    )

    @api.depends("partner_ids", "opportunity_id.partner_id")
    def _compute_kam_account_ids(self):
        for event in self:
            event.kam_account_ids = event._kam_key_accounts()

    @api.depends("start", "kam_account_ids")
    @api.depends_context("uid")
    def _compute_kam_can_log_contact(self):
        now = fields.Datetime.now()
        is_kam = self.env.user.has_group("kam_management.group_kam_user")
        for event in self:
            event.kam_can_log_contact = bool(
                is_kam and event.kam_account_ids and event.start and event.start <= now
            )

    @api.depends("partner_ids", "user_id", "start", "start_date", "allday")
    def _compute_kam_cooldown_warning(self):
        Log = self.env["kam.contact.log"].sudo()
        for event in self:
            event.kam_cooldown_warning = False
            day = event._kam_event_date()
            accounts = event.partner_ids._origin.commercial_partner_id
            if not (day and event.user_id and accounts):
                continue
            cooldowns = Log._kam_active_cooldowns(accounts, day)
            hits = sorted(
                (until, partner_id)
                for (partner_id, user_id), (_start, until) in cooldowns.items()
                if user_id == event.user_id._origin.id
            )
            if hits:
                event.kam_cooldown_warning = "\n".join(
                    self.env._(
                        "%(user)s had a negative contact with %(account)s: no personal contact "
                        "until %(date)s. Consider handing the meeting over to a colleague.",
                        user=event.user_id.name,
                        account=accounts.browse(partner_id).display_name,
                        date=format_date(self.env, until),
                    )
                    for until, partner_id in hits
                )

    @api.onchange("partner_ids", "user_id", "start")
    def _onchange_kam_cooldown(self):
        if not self.env.user.has_group("kam_management.group_kam_user"):
            return None
        if self.kam_cooldown_warning:
            return {
                "warning": {
                    "title": self.env._("Cool-down after a negative contact"),
                    "message": self.kam_cooldown_warning,
                }
            }
        return None

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_kam_log_contact(self):
        self.ensure_one()
        return self.env["kam.contact.outcome.wizard"]._kam_open_action(
            {"default_calendar_event_id": self.id}
        )

    def action_kam_handover(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Hand Over the Meeting"),
            "res_model": "kam.handover.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_event_id": self.id},
        }

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

    def _kam_event_date(self):
        self.ensure_one()
        if self.allday:
            return self.start_date
        if not self.start:
            return False
        return fields.Date.context_today(self, self.start)

    def _kam_key_accounts(self):
        self.ensure_one()
        partners = self.partner_ids._origin | self.opportunity_id.partner_id._origin
        return partners.commercial_partner_id.filtered(lambda partner: partner.kam_status == "key")

    def _kam_log_values(self, account, outcome=None, summary=None, to_review=False):
        self.ensure_one()
        today = fields.Date.context_today(self)
        people = self.partner_ids.filtered(
            lambda partner: partner.commercial_partner_id == account and partner != account
        )
        users = (self.partner_ids.user_ids | self.user_id).filtered(lambda user: not user.share)
        company = account.company_id or self.user_id.company_id or self.env.company
        return {
            "partner_id": account.id,
            "company_id": company.id,
            "date": min(self._kam_event_date() or today, today),
            "contact_ids": [(6, 0, people.ids)],
            "user_ids": [(6, 0, users.ids)],
            "channel": "video" if self.videocall_location else "in_person",
            "outcome": outcome or "neutral",
            "to_review": to_review,
            "summary": summary or self.name,
            "source": "meeting",
            "calendar_event_id": self.id,
        }

    def _kam_log_contacts(self, to_review=False):
        """Log each key account met in these meetings once (already logged pairs are kept)."""
        Log = self.env["kam.contact.log"].sudo()
        events = self.sudo()
        logged = {
            (log.calendar_event_id.id, log.partner_id.id)
            for log in Log.search_fetch([("calendar_event_id", "in", events.ids)], ["calendar_event_id", "partner_id"])
        }
        vals_list = [
            event._kam_log_values(account, to_review=to_review)
            for event in events
            for account in event._kam_key_accounts()
            if (event.id, account.id) not in logged
        ]
        return Log.create(vals_list)
