# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

import json
import logging
from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL, format_date

from ..rules.bounds import DATE_BOUNDS, date_out_of_bounds
from ..rules.cadence import (
    due_after_done,
    first_due,
    following_due,
    parse_yearly_dates,
    shift_past_cooldown,
)
from .kam_account_owned_mixin import kam_account_domain

_logger = logging.getLogger(__name__)

# Changing one of these re-plans the line from today.
CADENCE_FIELDS = {
    "cadence_kind", "interval_days", "times", "yearly_dates", "date_source", "start_date",
}
KIND_ACTIVITY_TYPES = {
    "greeting": "kam_management.kam_activity_type_greeting",
    "tender": "kam_management.kam_activity_type_tender",
    "call": "mail.mail_activity_data_call",
}
KIND_COLORS = {
    "contact": 10, "call": 4, "meeting": 2, "message": 7, "greeting": 9, "printed": 3,
    "event_invitation": 11, "gift": 1, "feedback": 5, "news": 6, "tender": 8,
}


class KamCommPlanLine(models.Model):
    """A planned kind of contact with an account and its cadence (SPEC §3).

    The line carries the current cycle (``cycle_date``: the date the cadence
    planned; ``next_due_date``: the same date, or later when snoozed or moved
    past a cool-down). The daily scheduler turns due cycles into occurrences
    and reminder activities; a contact log or a done reminder fulfils the
    cycle and moves the line on. These are reminders, not quotas (digest
    §5.1.3): a cycle can be snoozed or skipped with a reason.
    """

    _name = "kam.comm.plan.line"
    _inherit = [
        "kam.comm.cadence.mixin", "mail.thread", "kam.account.owned.mixin",
        "kam.derived.fields.mixin",
    ]
    _description = "Communication Plan Line"
    _order = "next_due_date, sequence, id"
    _check_company_auto = True
    # The schedule follows the cadence, the contacts logged, and Snooze and Skip.
    _kam_derived_fields = ("cycle_date", "next_due_date", "last_done_date", "state")

    # Translated: a name generated from a template or for a tender step is
    # written in every language, each reader sees it in theirs. A name typed
    # by a user is that user's text for everybody (see ``write``).
    name = fields.Char(string="Description", required=True, translate=True, tracking=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True, tracking=True)
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
    user_id = fields.Many2one(
        "res.users",
        string="Responsible",
        required=True,
        tracking=True,
        default=lambda self: self.env.user,
        check_company=True,
        domain="[('share', '=', False)]",
    )
    contact_ids = fields.Many2many(
        "res.partner",
        "kam_comm_plan_line_contact_rel",
        "line_id",
        "partner_id",
        string="People",
        check_company=True,
        domain="[('commercial_partner_id', '=', partner_id), ('id', '!=', partner_id)]",
    )
    template_id = fields.Many2one("kam.comm.plan.template", readonly=True, ondelete="set null")
    template_line_id = fields.Many2one(
        "kam.comm.plan.template.line", readonly=True, ondelete="set null", index="btree_not_null"
    )
    lead_id = fields.Many2one(
        "crm.lead", string="Opportunity", ondelete="cascade", index="btree_not_null",
        check_company=True,
        help="The opportunity whose tender this line prepares.",
    )
    tender_step = fields.Char(readonly=True)
    start_date = fields.Date(required=True, default=fields.Date.context_today)
    end_date = fields.Date()
    cycle_date = fields.Date(
        string="Scheduled Date",
        compute="_compute_schedule",
        store=True,
        readonly=False,
        precompute=True,
        copy=False,
        help="The date the cadence planned for the current contact.",
    )
    next_due_date = fields.Date(
        string="Next Due",
        compute="_compute_schedule",
        store=True,
        readonly=False,
        precompute=True,
        copy=False,
        index=True,
    )
    last_done_date = fields.Date(string="Last Done", readonly=True, copy=False)
    state = fields.Selection(
        [("planned", "Planned"), ("overdue", "Overdue"), ("done", "Done")],
        default="planned",
        required=True,
        readonly=True,
        index=True,
        copy=False,
        tracking=True,
    )
    occurrence_ids = fields.One2many("kam.comm.occurrence", "line_id", string="Planned Contacts")
    color = fields.Integer(compute="_compute_color")

    @api.depends(
        "cadence_kind", "interval_days", "times", "yearly_dates", "date_source",
        "start_date", "end_date",
        "partner_id.kam_professional_day", "partner_id.kam_company_birthday",
    )
    def _compute_schedule(self):
        today = fields.Date.context_today(self)
        for line in self:
            due = line._kam_first_due(today)
            line.cycle_date = due
            line.next_due_date = due

    @api.depends("kind")
    def _compute_color(self):
        for line in self:
            line.color = KIND_COLORS.get(line.kind, 0)

    @api.constrains("partner_id", "lead_id")
    def _check_account(self):
        """A line is planned on the account (the commercial entity), and the
        opportunity it prepares is one of that account's."""
        for line in self:
            account = line.partner_id.commercial_partner_id
            if line.partner_id != account:
                raise ValidationError(self.env._(
                    "%(person)s is a contact of %(account)s: plan the contact on %(account)s "
                    "and add %(person)s to its people.",
                    person=line.partner_id.name,
                    account=account.display_name,
                ))
            lead_account = line.lead_id.sudo().partner_id.commercial_partner_id
            if line.lead_id and lead_account != account:
                raise ValidationError(self.env._(
                    "The opportunity %(deal)s is not one of %(account)s: a plan line can only "
                    "prepare an opportunity of its own account.",
                    deal=line.lead_id.sudo().name,
                    account=account.display_name,
                ))

    @api.constrains("start_date", "end_date")
    def _check_dates(self):
        for line in self:
            if line.end_date and line.end_date < line.start_date:
                raise ValidationError(self.env._("A plan line cannot end before it starts."))
            # Ten years of cadence and a year of notice must still fit in the calendar.
            wrong = date_out_of_bounds(self._name, {"start_date": line.start_date, "end_date": line.end_date})
            if wrong:
                low, high = DATE_BOUNDS[self._name][wrong[0]]
                raise ValidationError(self.env._(
                    "%(field)s of a plan line must be between %(low)s and %(high)s.",
                    field=self._fields[wrong[0]]._description_string(self.env),
                    low=format_date(self.env, low),
                    high=format_date(self.env, high),
                ))

    def write(self, vals):
        res = super().write(vals)
        if vals.get("name"):
            # The generated translations are dropped with the generated name.
            self._kam_write_name_translations(dict.fromkeys(self.ids, {"en_US": vals["name"]}))
        if CADENCE_FIELDS & vals.keys():
            self._kam_close_stale_occurrences()
        if "active" in vals and not vals["active"]:
            self._kam_open_occurrences()._kam_close("skipped", reason=self.env._("Plan line archived."))
        if vals.get("user_id"):
            self._kam_reassign_open_occurrences()
        return res

    def unlink(self):
        self._kam_open_occurrences()._kam_close("skipped", reason=self.env._("Plan line deleted."))
        return super().unlink()

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_snooze(self):
        return self._kam_open_skip_wizard("snooze")

    def action_skip(self):
        return self._kam_open_skip_wizard("skip")

    def action_log_contact(self):
        self.ensure_one()
        self.partner_id._kam_check_owned(self.env._("log a contact with it"))
        # Only the source: the wizard fills the account, date, channel,
        # people and summary from it. A default for one of those fields
        # would stop the form from computing the others (they share a
        # compute), leaving the required date empty.
        return self.env["kam.contact.outcome.wizard"]._kam_open_action(
            {"default_plan_line_id": self.id}
        )

    def action_view_occurrences(self):
        self.ensure_one()
        action = self.env["ir.actions.actions"]._for_xml_id("kam_management.kam_comm_occurrence_action")
        action["domain"] = [("line_id", "=", self.id)]
        action["context"] = {"create": False}
        return action

    def _kam_open_skip_wizard(self, mode):
        self.ensure_one()
        if self.state == "done":
            raise UserError(self.env._("This plan line is done."))
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Snooze") if mode == "snooze" else self.env._("Skip"),
            "res_model": "kam.plan.line.skip.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_line_id": self.id, "default_mode": mode},
        }

    # ------------------------------------------------------------------
    # Cadence
    # ------------------------------------------------------------------

    def _kam_dates(self):
        """(month, day) pairs of a yearly-dates line, account dates included."""
        self.ensure_one()
        if self.cadence_kind != "yearly_dates":
            return []
        try:
            dates = parse_yearly_dates(self.yearly_dates)
        except ValueError:
            return []
        account_date = {
            "professional_day": self.partner_id.kam_professional_day,
            "company_birthday": self.partner_id.kam_company_birthday,
        }.get(self.date_source)
        if account_date and (account_date.month, account_date.day) not in dates:
            dates.append((account_date.month, account_date.day))
        return sorted(dates)

    def _kam_cadence_args(self):
        self.ensure_one()
        return {
            "interval_days": self.interval_days,
            "times": self.times,
            "dates": self._kam_dates(),
        }

    def _kam_first_due(self, today):
        self.ensure_one()
        start = self.start_date or today
        if self.cadence_kind != "once":
            start = max(start, today)
        try:
            due = first_due(self.cadence_kind, start, last_done=self.last_done_date, **self._kam_cadence_args())
        except (ValueError, OverflowError):
            # a cadence the constraints refuse, or beyond the calendar (year 9999)
            return False
        return self._kam_within_end(due)

    def _kam_following(self, cycle):
        """The cycle after ``cycle`` (``False`` when the line has no further contact)."""
        self.ensure_one()
        try:
            due = following_due(self.cadence_kind, cycle, **self._kam_cadence_args())
        except ValueError:
            return False
        except OverflowError:
            self._kam_log_beyond_calendar(cycle)
            return False
        return self._kam_within_end(due)

    def _kam_after_done(self, cycle, done_date):
        self.ensure_one()
        try:
            due = due_after_done(self.cadence_kind, cycle, done_date, **self._kam_cadence_args())
        except ValueError:
            return False
        except OverflowError:
            self._kam_log_beyond_calendar(cycle)
            return False
        return self._kam_within_end(due)

    def _kam_log_beyond_calendar(self, cycle):
        """A row stored before the cadence bounds existed: the line has no next contact."""
        _logger.warning(
            "kam.comm.plan.line(%s): the contact after %s falls beyond the calendar "
            "(every %s days); no further contact planned",
            self.id, cycle, self.interval_days,
        )

    def _kam_within_end(self, due):
        if not due or (self.end_date and due > self.end_date):
            return False
        return due

    def _kam_lead_days(self, company):
        """Days before the due date the reminder appears; ``None``: no reminder.

        Greetings follow the company's greeting rule (SPEC §3 rule 5).
        """
        self.ensure_one()
        if self.kind == "greeting":
            return company.kam_greeting_days if company.kam_greeting_enabled else None
        return self.lead_days

    @api.model
    def _kam_activity_types(self):
        """{kind: mail.activity.type} of the reminders (resolved once per batch)."""
        default = self.env.ref("kam_management.kam_activity_type_contact")
        types = defaultdict(lambda: default)
        for kind, xmlid in KIND_ACTIVITY_TYPES.items():
            types[kind] = self.env.ref(xmlid, raise_if_not_found=False) or default
        return types

    def _kam_occurrence_values(self, cycle, due, state="open", activity_types=None):
        """Values of the occurrence of cycle ``cycle`` (its ``dedup_key`` is the line and cycle)."""
        self.ensure_one()
        activity_types = activity_types or self._kam_activity_types()
        document = ("crm.lead", self.lead_id.id) if self.lead_id else ("res.partner", self.partner_id.id)
        return {
            "dedup_key": f"plan:{self.id}:{cycle.isoformat()}",
            "rule": "plan",
            "line_id": self.id,
            "partner_id": self.partner_id.id,
            "company_id": self.company_id.id,
            "user_id": self.user_id.id,
            # The reminder's text: the name in the language of its assignee.
            "summary": self.with_context(lang=self.user_id.lang or "en_US").name,
            "scheduled_date": cycle,
            "due_date": due,
            "state": state,
            "activity_type_id": activity_types[self.kind].id,
            "res_model": document[0],
            "res_id": document[1],
        }

    # ------------------------------------------------------------------
    # Fulfilment, snooze, skip, cool-down
    # ------------------------------------------------------------------

    def _kam_open_occurrences(self):
        if not self.ids:
            return self.env["kam.comm.occurrence"]
        return self.env["kam.comm.occurrence"].sudo().search(
            [("line_id", "in", self.ids), ("state", "=", "open")]
        )

    def _kam_current_occurrence(self):
        """The open occurrence of the current cycle, if it was materialised."""
        self.ensure_one()
        return self._kam_open_occurrences().filtered(
            lambda occ: occ.scheduled_date == self.cycle_date
        )[:1]

    def _kam_close_stale_occurrences(self):
        """Open occurrences of a cycle the line no longer has (re-planned) are dropped."""
        stale = self._kam_open_occurrences().filtered(
            lambda occ: occ.scheduled_date != occ.line_id.cycle_date
        )
        stale._kam_close("skipped", reason=self.env._("The plan line was changed."))

    def _kam_reassign_open_occurrences(self):
        for line in self:
            occurrences = line._kam_open_occurrences()
            # The reminder is rewritten in the language of its new assignee.
            vals = {"user_id": line.user_id.id, "summary": line.with_context(lang=line.user_id.lang or "en_US").name}
            occurrences.write(vals)
            occurrences.activity_id.sudo().write(vals)

    def _kam_register_contacts(self, logs):
        """Fulfil the current cycle of each line with the latest contact that counts for it.

        A log counts for its own plan line and, for "keep in touch" lines, any
        contact with the account (a positive one when the line asks for it).
        """
        # Group the logs by account once: a batch of logs (an import) must not
        # cost lines × logs comparisons.
        logs_by_account = defaultdict(list)
        for log in logs:
            logs_by_account[log.partner_id.id, log.company_id.id].append(log)
        for line in self.sudo():
            relevant = [
                log for log in logs_by_account.get((line.partner_id.id, line.company_id.id), ())
                if log.plan_line_id == line
                or (line.kind == "contact" and (not line.positive_only or log.outcome == "positive"))
            ]
            if relevant:
                latest = max(relevant, key=lambda log: (log.date, log.id))
                line._kam_mark_done(latest.date, latest)

    def _kam_mark_done(self, done_date, contact_log=None):
        """Close the current cycle as done on ``done_date`` and move the line on."""
        self.ensure_one()
        if self.state == "done" or not self.cycle_date:
            return
        if self.last_done_date and done_date <= self.last_done_date:
            return  # already counted: an older or same-day contact fulfils nothing new
        if done_date < self.start_date:
            return  # logged after the fact for a time before the plan started
        occurrence = self._kam_current_occurrence()
        if occurrence:
            occurrence._kam_close("done", done_date=done_date, contact_log=contact_log)
        else:
            vals = self._kam_occurrence_values(self.cycle_date, self.next_due_date or self.cycle_date, "done")
            vals.update(done_date=done_date, contact_log_id=contact_log.id if contact_log else False)
            self.env["kam.comm.occurrence"]._kam_insert([vals])
        self._kam_move_on(self._kam_after_done(self.cycle_date, done_date), last_done=done_date)
        if contact_log and not contact_log.plan_line_id and self.kind != "contact":
            contact_log.plan_line_id = self

    def _kam_move_on(self, next_cycle, last_done=None):
        vals = {
            "cycle_date": next_cycle,
            "next_due_date": next_cycle,
            "state": "planned" if next_cycle else "done",
        }
        if last_done:
            vals["last_done_date"] = last_done
        self.sudo().write(vals)

    def _kam_snooze(self, new_date, reason):
        """Move the current contact to ``new_date``; the cadence keeps its slots."""
        self.check_access("write")
        today = fields.Date.context_today(self)
        if not new_date or new_date < today:
            raise ValidationError(self.env._("A contact can only be snoozed to today or later."))
        for line in self:
            occurrence = line._kam_current_occurrence()
            if occurrence:
                occurrence.write({"due_date": new_date, "reason": reason})
                occurrence.activity_id.sudo().write({"date_deadline": new_date})
            line.sudo().write({"next_due_date": new_date, "state": "planned"})
            line.message_post(
                body=self.env._(
                    "Snoozed to %(date)s: %(reason)s", date=format_date(self.env, new_date), reason=reason
                )
            )

    def _kam_skip(self, reason):
        """Skip the current contact (not counted in compliance) and plan the next one."""
        self.check_access("write")
        for line in self:
            if not line.cycle_date:
                continue
            occurrence = line._kam_current_occurrence()
            if occurrence:
                occurrence._kam_close("skipped", reason=reason)
            else:
                vals = line._kam_occurrence_values(line.cycle_date, line.next_due_date, "skipped")
                vals["reason"] = reason
                self.env["kam.comm.occurrence"]._kam_insert([vals])
            skipped = line.cycle_date
            line._kam_move_on(line._kam_following(skipped))
            line.message_post(
                body=self.env._(
                    "Contact of %(date)s skipped: %(reason)s", date=format_date(self.env, skipped), reason=reason
                )
            )

    def _kam_shift_past_cooldown(self, contact_log):
        """Move due dates inside the cool-down of ``contact_log`` to the day after it."""
        for line in self:
            new_due = shift_past_cooldown(line.next_due_date, contact_log.date, contact_log.cooldown_until)
            if new_due == line.next_due_date:
                continue
            occurrence = line._kam_current_occurrence()
            if occurrence:
                occurrence.write({"due_date": new_due})
                occurrence.activity_id.sudo().write({"date_deadline": new_due})
            line.sudo().write({"next_due_date": new_due, "state": "planned"})
            line.message_post(
                body=self.env._(
                    "Moved to %(date)s: cool-down after the negative contact of %(contact_date)s.",
                    date=format_date(self.env, new_due),
                    contact_date=format_date(self.env, contact_log.date),
                )
            )

    def _kam_derived_source(self):
        return self.env._(
            "the dates and the status follow the cadence and the contacts logged; use Snooze "
            "or Skip to move a planned contact"
        )

    # ------------------------------------------------------------------
    # Names in every language
    # ------------------------------------------------------------------

    def _kam_write_name_translations(self, names_by_id):
        """Set the name of lines in every language at once: ``{line id: {lang: name}}``
        (``en_US`` included, the fallback), one query for all of them."""
        if not names_by_id:
            return
        self.flush_model(["name"])
        self.env.cr.execute(SQL(
            """
            UPDATE kam_comm_plan_line line
               SET name = v.value
              FROM jsonb_each(%s::jsonb) AS v(id, value)
             WHERE line.id = v.id::int
            """,
            json.dumps({str(line_id): names for line_id, names in names_by_id.items()}),
        ))
        self.browse(names_by_id).invalidate_recordset(["name"])

    def _kam_copy_template_names(self):
        """Lines made from a template: the name of their template line, in all its
        languages (one query)."""
        lines = self.filtered("template_line_id")
        if not lines:
            return
        self.flush_model(["name", "template_line_id"])
        self.env["kam.comm.plan.template.line"].flush_model(["name"])
        self.env.cr.execute(SQL(
            """
            UPDATE kam_comm_plan_line line
               SET name = template_line.name
              FROM kam_comm_plan_template_line template_line
             WHERE template_line.id = line.template_line_id
               AND line.id = ANY(%s)
            """,
            lines.ids,
        ))
        lines.invalidate_recordset(["name"])
