# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import api, fields, models
from odoo.addons.base.models.ir_model import MODULE_UNINSTALL_FLAG
from odoo.exceptions import ValidationError
from odoo.tools import format_date

from ..rules.cadence import cooldown_until
from .kam_account_owned_mixin import kam_account_domain
from .kam_selections import CONTACT_OUTCOMES

CHANNELS = [
    ("in_person", "In Person"),
    ("phone", "Phone"),
    ("video", "Video Call"),
    ("email", "E-mail"),
    ("messenger", "Messenger / Social Network"),
    ("post", "Post / Courier"),
    ("event", "Event"),
    ("other", "Other"),
]
# Face-to-face channels: the ones a cool-down forbids to the user who had the
# negative contact (digest §5.1.2: "no personal communication for 2 weeks").
PERSONAL_CHANNELS = ("in_person", "event")
# What the account's risk reads from its contact log: the last positive contact,
# the negative ones and, through the plan lines they fulfil, the compliance.
HEALTH_FIELDS = {"partner_id", "company_id", "date", "outcome", "plan_line_id"}


class KamContactLog(models.Model):
    """One interaction with an account (SPEC §3): the history the rules read.

    Logs are written by hand, when a contact activity is marked done, and from
    calendar meetings. A positive log feeds the positive-contact gap rule, a
    negative one starts a cool-down, and a log fulfils the plan lines it
    belongs to (see ``kam.comm.plan.line._kam_register_contacts``).
    """

    _name = "kam.contact.log"
    _description = "Key Account Contact"
    _inherit = ["kam.account.owned.mixin", "kam.derived.fields.mixin"]
    _order = "date desc, id desc"
    _check_company_auto = True
    # The cool-down follows the outcome, the date and the company's settings.
    _kam_derived_fields = ("cooldown_until",)

    partner_id = fields.Many2one(
        "res.partner",
        string="Account",
        required=True,
        index=True,
        ondelete="cascade",
        check_company=True,
        domain=kam_account_domain,
        help="The client itself (the company, or a private person who is the client), "
        "not one of its contacts: they go in People.",
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    date = fields.Date(required=True, default=fields.Date.context_today, index=True)
    contact_ids = fields.Many2many(
        "res.partner",
        "kam_contact_log_contact_rel",
        "log_id",
        "partner_id",
        string="People",
        check_company=True,
        domain="[('commercial_partner_id', '=', partner_id), ('id', '!=', partner_id)]",
        help="The client's people taking part in the contact.",
    )
    user_ids = fields.Many2many(
        "res.users",
        "kam_contact_log_user_rel",
        "log_id",
        "user_id",
        string="Our People",
        default=lambda self: self.env.user,
        domain="[('share', '=', False)]",
    )
    channel = fields.Selection(CHANNELS, required=True, default="phone")
    is_personal = fields.Boolean(
        string="Personal",
        compute="_compute_is_personal",
        store=True,
        readonly=False,
        help="Face to face (meeting, visit, event) rather than remote.",
    )
    outcome = fields.Selection(CONTACT_OUTCOMES, required=True, default="neutral", index=True)
    summary = fields.Text()
    source = fields.Selection(
        [("manual", "Manual"), ("activity", "Activity"), ("meeting", "Meeting")],
        default="manual",
        required=True,
        readonly=True,
    )
    to_review = fields.Boolean(
        string="Outcome to Review",
        help="Logged automatically with a neutral outcome: the KAM should confirm it.",
    )
    plan_line_id = fields.Many2one(
        "kam.comm.plan.line",
        string="Plan Line",
        index="btree_not_null",
        ondelete="set null",
        check_company=True,
        domain="[('partner_id', '=', partner_id)]",
        help="The planned contact this interaction fulfils.",
    )
    occurrence_id = fields.Many2one(
        "kam.comm.occurrence", string="Planned Contact", index="btree_not_null", ondelete="set null"
    )
    calendar_event_id = fields.Many2one(
        "calendar.event", string="Meeting", index="btree_not_null", ondelete="set null"
    )
    activity_type_id = fields.Many2one("mail.activity.type", ondelete="set null")
    res_model = fields.Char(string="Document Model", readonly=True)
    res_id = fields.Many2oneReference(string="Document", model_field="res_model", readonly=True)
    cooldown_until = fields.Date(
        string="Cool-Down Until",
        compute="_compute_cooldown_until",
        store=True,
        index="btree_not_null",
        help="After a negative contact, no personal contact by the same people until this date.",
    )

    _sql_constraints = [
        (
            "meeting_account_unique",
            "UNIQUE(calendar_event_id, partner_id)",
            "A meeting is logged once per account.",
        ),
    ]

    @api.depends("channel")
    def _compute_is_personal(self):
        for log in self:
            log.is_personal = log.channel in PERSONAL_CHANNELS

    @api.depends("outcome", "date", "company_id.kam_cooldown_enabled", "company_id.kam_cooldown_days")
    def _compute_cooldown_until(self):
        for log in self:
            company = log.company_id
            if log.outcome == "negative" and company.kam_cooldown_enabled:
                log.cooldown_until = cooldown_until(log.date, company.kam_cooldown_days)
            else:
                log.cooldown_until = False

    @api.depends("partner_id", "date", "channel")
    def _compute_display_name(self):
        channels = dict(self._fields["channel"]._description_selection(self.env))
        for log in self:
            log.display_name = " – ".join(
                part for part in (
                    log.partner_id.display_name,
                    log.date and format_date(self.env, log.date),
                    channels.get(log.channel),
                ) if part
            )

    @api.constrains("date")
    def _check_date(self):
        today = fields.Date.context_today(self)
        for log in self:
            if log.date > today:
                raise ValidationError(
                    self.env._(
                        "A contact cannot be logged in the future (%(date)s).",
                        date=format_date(self.env, log.date),
                    )
                )

    @api.constrains("partner_id")
    def _check_partner_is_account(self):
        """A contact is logged on the account (the commercial entity): the record
        rules and the account's figures read it there."""
        for log in self:
            account = log.partner_id.commercial_partner_id
            if log.partner_id != account:
                raise ValidationError(self.env._(
                    "%(person)s is a contact of %(account)s: log the contact on %(account)s "
                    "and add %(person)s to its people.",
                    person=log.partner_id.name,
                    account=account.display_name,
                ))

    @api.constrains("plan_line_id", "partner_id")
    def _check_plan_line(self):
        for log in self:
            if log.plan_line_id and log.plan_line_id.partner_id != log.partner_id:
                raise ValidationError(
                    self.env._("The plan line of a contact must belong to the same account.")
                )

    @api.onchange("partner_id", "channel")
    def _onchange_suggest_plan_line(self):
        """Suggest the open plan line of the account with the same channel due first."""
        if not self.partner_id or self.plan_line_id.partner_id == self.partner_id:
            return
        line = self.env["kam.comm.plan.line"].search(
            [
                ("partner_id", "=", self.partner_id.commercial_partner_id.id),
                ("company_id", "=", (self.company_id or self.env.company).id),
                ("channel", "=", self.channel),
                ("state", "in", ("planned", "overdue")),
            ],
            order="next_due_date",
            limit=1,
        )
        self.plan_line_id = line

    @api.model_create_multi
    def create(self, vals_list):
        logs = super().create(vals_list)
        logs._kam_apply_effects()
        self._kam_refresh_health(logs._kam_health_accounts())
        return logs

    def write(self, vals):
        negative_before = self.filtered(lambda log: log.outcome == "negative")
        accounts_before = self._kam_health_accounts() if HEALTH_FIELDS & vals.keys() else {}
        res = super().write(vals)
        if "plan_line_id" in vals:
            self.filtered("plan_line_id").sudo().plan_line_id._kam_register_contacts(self.sudo())
        if {"outcome", "date"} & vals.keys():
            (self.filtered(lambda log: log.outcome == "negative") - negative_before)._kam_apply_cooldowns()
        if accounts_before:
            accounts = self._kam_health_accounts()
            for company, partners in accounts_before.items():
                accounts[company] = accounts.get(company, partners) | partners
            self._kam_refresh_health(accounts)
        return res

    def unlink(self):
        # the module's own uninstall removes every risk with the logs
        accounts = {} if self.env.context.get(MODULE_UNINSTALL_FLAG) else self._kam_health_accounts()
        res = super().unlink()
        self._kam_refresh_health(accounts)
        return res

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

    def _kam_derived_source(self):
        return self.env._(
            "the cool-down follows the outcome and date of the contact and the company's "
            "cool-down settings"
        )

    def _kam_apply_effects(self):
        logs = self.sudo()
        lines = self.env["kam.comm.plan.line"].sudo().search(
            [
                ("partner_id", "in", logs.partner_id.ids),
                ("state", "in", ("planned", "overdue")),
                "|",
                ("id", "in", logs.plan_line_id.ids),
                ("kind", "=", "contact"),
            ]
        )
        lines._kam_register_contacts(logs)
        logs.filtered(lambda log: log.outcome == "negative")._kam_apply_cooldowns()
        logs._kam_update_dmu_last_contact()

    def _kam_health_accounts(self):
        """``{company: accounts}`` whose risk reads these logs."""
        return {
            company: logs.partner_id
            for company, logs in self.sudo().grouped("company_id").items()
        }

    @api.model
    def _kam_refresh_health(self, accounts):
        """Refresh the risk of ``accounts`` (``{company: partners}``) now, not at night.

        Its reasons quote the last positive and the negative contacts: they must
        not contradict the log the user just wrote. Only a risk the account
        already has is refreshed: the nightly job gives a new key account its
        first one. A company whose risk settings are out of bounds is left to
        that job, which reports it; a refresh that fails is logged and never
        prevents the contact from being saved.
        """
        Health = self.env["kam.account.health"].sudo()
        for company, partners in accounts.items():
            if not partners or company._kam_settings_errors("risk"):
                continue
            with_risk = Health.search([
                ("company_id", "=", company.id), ("partner_id", "in", partners.ids),
            ]).partner_id
            if with_risk:
                Health._kam_refresh(company, partners=with_risk, isolate=True)

    def _kam_update_dmu_last_contact(self):
        """The DMU members met keep the date and outcome of their last contact (SPEC §2)."""
        if "kam.dmu.member" not in self.env or not self.contact_ids:
            return
        members = self.env["kam.dmu.member"].sudo().search(
            [("partner_id", "in", self.partner_id.ids), ("contact_id", "in", self.contact_ids.ids)]
        )
        for member in members:
            met = self.filtered(
                lambda log, member=member: log.partner_id == member.partner_id
                and member.contact_id in log.contact_ids
                and log.company_id == member.company_id
            )
            if not met:
                continue
            latest = max(met, key=lambda log: (log.date, log.id))
            if not member.last_contact_date or latest.date >= member.last_contact_date:
                member.write({"last_contact_date": latest.date, "last_contact_outcome": latest.outcome})

    def _kam_apply_cooldowns(self):
        """Shift the personal plan lines of the negative contacts' users past the cool-down."""
        for log in self.sudo().filtered("cooldown_until"):
            lines = self.env["kam.comm.plan.line"].sudo().search(
                [
                    ("partner_id", "=", log.partner_id.id),
                    ("company_id", "=", log.company_id.id),
                    ("state", "in", ("planned", "overdue")),
                    ("next_due_date", ">=", log.date),
                    ("next_due_date", "<=", log.cooldown_until),
                    "|",
                    "&",
                    ("is_personal", "=", True),
                    ("user_id", "in", log.user_ids.ids),
                    ("positive_only", "=", True),
                ]
            )
            lines._kam_shift_past_cooldown(log)

    @api.model
    def _kam_create_or_update(self, vals_list):
        """Create logs, but complete the automatic log of a meeting instead of duplicating it."""
        event_ids = [vals["calendar_event_id"] for vals in vals_list if vals.get("calendar_event_id")]
        existing = {}
        if event_ids:
            for log in self.search([("calendar_event_id", "in", event_ids)]):
                existing[log.calendar_event_id.id, log.partner_id.id] = log
        to_create, logs = [], self.browse()
        for vals in vals_list:
            partner = self.env["res.partner"].browse(vals["partner_id"]).commercial_partner_id
            log = existing.get((vals.get("calendar_event_id"), partner.id))
            if log:
                log.write({
                    key: vals[key] for key in ("outcome", "summary", "to_review", "channel") if key in vals
                })
                logs |= log
            else:
                to_create.append(vals)
        return logs | self.create(to_create)

    @api.model
    def _kam_active_cooldowns(self, partners, on_date, company=None):
        """Active cool-downs on ``on_date``: {(partner_id, user_id): (start, until)}.

        ``user_id`` is ``None`` for a negative contact logged without our people.

        One query for any number of accounts; used by the scheduler, the plan
        lines, the partner form and the calendar warning.
        """
        if not partners:
            return {}
        company = company or self.env.company
        self.env["kam.contact.log"].flush_model(["partner_id", "company_id", "date", "cooldown_until"])
        self.env.cr.execute(
            """
            SELECT log.partner_id, rel.user_id, MIN(log.date), MAX(log.cooldown_until)
              FROM kam_contact_log log
         LEFT JOIN kam_contact_log_user_rel rel ON rel.log_id = log.id
             WHERE log.partner_id = ANY(%s)
               AND log.company_id = %s
               AND log.cooldown_until >= %s
               AND log.date <= %s
          GROUP BY log.partner_id, rel.user_id
            """,
            [list(partners.ids), company.id, on_date, on_date],
        )
        return {(row[0], row[1]): (row[2], row[3]) for row in self.env.cr.fetchall()}
