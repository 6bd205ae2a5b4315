# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

import datetime
import logging
from collections import defaultdict

import psycopg2.errors

from odoo import api, fields, models, modules
from odoo.tools import format_date, split_every

from ..rules.cadence import (
    positive_gap_exceeded,
    shift_past_cooldown,
    should_materialise,
)
from .kam_concurrency import CONCURRENCY_ERRORS, run_with_retry

_logger = logging.getLogger(__name__)

# A line that was not run for a long time catches up at most this many cycles.
MAX_CATCH_UP = 400
# Past meetings are logged automatically when they ended within these days.
MEETING_LOOKBACK_DAYS = 7
# A run that left accounts to a later run comes back after this many minutes.
RESCHEDULE_MINUTES = 1


class KamCommScheduler(models.AbstractModel):
    """The daily run of the communication plan (SPEC §3).

    Accounts are processed in batches with a bounded number of queries per
    batch: due plan lines and rule hits become occurrences (one insert that
    skips known keys) and reminder activities (one batched create), overdue
    lines are marked, missed cycles closed. Each batch runs in a savepoint and
    is committed outside tests, so a failure only costs that batch, and
    nothing is ever created twice. A batch that meets a concurrent transaction
    (a user's contact log, a run on another server) is retried in a new
    transaction; when the conflict outlives the retries, its accounts are left
    to a run rescheduled for a minute later, never counted as done. A batch
    that fails otherwise is run again account by account, each in its own
    savepoint, so that one bad record costs only its own account (logged with
    its id); a plan line whose dates cannot be computed is skipped and logged
    without stopping its batch.
    """

    _name = "kam.comm.scheduler"
    _description = "Communication Plan Scheduler"

    @api.model
    def _cron_run(self, batch_size=500, commit=True):
        """Daily run.

        ``commit=False`` (or the context key ``kam_no_commit``) keeps everything
        in the caller's transaction: demo data, benchmarks. Returns whether
        everything was done: False when accounts were left to a later run
        (rescheduled, see ``_kam_reschedule``).
        """
        commit = commit and not self.env.context.get("kam_no_commit") and not modules.module.current_test
        today = fields.Date.context_today(self)
        scheduler = self.sudo()
        Partner = scheduler.env["res.partner"]
        left = Partner
        done = 0
        for company in scheduler.env["res.company"].search([]):
            try:
                with scheduler.env.cr.savepoint():
                    account_ids = scheduler._kam_account_ids(company)
            except Exception:
                _logger.exception(
                    "Communication plan: accounts of res.company(%s) %s could not be listed; "
                    "company skipped", company.id, company.name,
                )
                continue
            processed = 0
            for batch_ids in split_every(batch_size, account_ids):
                batch_left = scheduler.with_company(company)._kam_run_batch(
                    company, Partner.browse(batch_ids), today, commit=commit,
                )
                left |= batch_left
                processed += len(batch_ids)
                done += len(batch_ids) - len(batch_left)
                scheduler.env["ir.cron"]._notify_progress(
                    done=done, remaining=len(account_ids) - processed + len(left),
                )
                if commit:
                    scheduler._kam_commit()
        meetings_done = run_with_retry(
            scheduler.env, scheduler._kam_log_past_meetings, "Communication plan: past meetings",
            commit=commit,
        )
        if left or not meetings_done:
            scheduler._kam_reschedule(left, meetings_done, done)
        if commit:
            scheduler._kam_commit()
        return not left and meetings_done

    def _kam_reschedule(self, left, meetings_done, done):
        """Say what is left and make sure a run comes back for it.

        Inside the cron with some accounts done, the progress (remaining > 0)
        already makes Odoo run the job again at once; otherwise (nothing could
        be done, or a run outside the cron) the cron is triggered in a minute.
        """
        _logger.warning(
            "Communication plan: %s account(s) %s%s left to a later run after conflicts with "
            "concurrent transactions; run rescheduled",
            len(left), left.ids[:50], "" if meetings_done else " and the past meetings",
        )
        self.env["ir.cron"]._notify_progress(done=done, remaining=len(left) or 1)
        if done and self.env.context.get("ir_cron_progress_id"):
            return
        cron = self.env.ref("kam_management.ir_cron_kam_comm_plan", raise_if_not_found=False)
        if cron:
            cron._trigger(fields.Datetime.now() + datetime.timedelta(minutes=RESCHEDULE_MINUTES))

    def _kam_commit(self):
        """Keep finished batches when a later one fails; never inside tests."""
        if not modules.module.current_test:
            self.env.cr.commit()  # pylint: disable=invalid-commit

    @api.model
    def _kam_account_ids(self, company):
        """Accounts with an active plan in ``company``, and its key accounts with a KAM.

        Key accounts are commercial entities: their people share the status
        (a commercial field) but are no accounts of their own.
        """
        self.env.flush_all()
        self.env.cr.execute(
            """
            SELECT line.partner_id
              FROM kam_comm_plan_line line
             WHERE line.company_id = %(company)s AND line.active AND line.state != 'done'
             UNION
            SELECT partner.id
              FROM res_partner partner
              JOIN kam_account account
                ON account.partner_id = partner.id AND account.company_id = %(company)s
             WHERE account.kam_status = 'key'
               AND account.kam_user_id IS NOT NULL
               AND partner.active
               AND partner.commercial_partner_id = partner.id
             ORDER BY 1
            """,
            {"company": company.id},
        )
        return [row[0] for row in self.env.cr.fetchall()]

    def _kam_run_batch(self, company, partners, today, commit=False):
        """Run a batch in a savepoint; return the accounts left to a later run.

        A conflict with a concurrent transaction is retried in a new
        transaction when ``commit`` allows it (the cron); the accounts of a
        batch whose conflict outlives the retries are returned. When the batch
        fails otherwise, it is run again account by account.
        """
        what = f"Communication plan: batch of {len(partners)} account(s) of res.company({company.id})"
        try:
            if run_with_retry(
                self.env, lambda: self._kam_process_batch(company, partners, today), what, commit=commit,
            ):
                return partners.browse()
            return partners
        except Exception:
            self.env.invalidate_all()
            if len(partners) == 1:
                _logger.exception(
                    "Communication plan: res.partner(%s) of res.company(%s) failed and was skipped",
                    partners.id, company.id,
                )
                return partners.browse()
            _logger.warning(
                "Communication plan: a batch of %s accounts of res.company(%s) failed; "
                "running it account by account", len(partners), company.id,
            )
        left = partners.browse()
        for partner in partners:
            left |= self._kam_run_batch(company, partner, today, commit=commit)
        return left

    def _kam_process_batch(self, company, partners, today):
        Occurrence = self.env["kam.comm.occurrence"]
        self._kam_lock_batch(company, partners)
        lines = self.env["kam.comm.plan.line"].search(
            [
                ("partner_id", "in", partners.ids),
                ("company_id", "=", company.id),
                ("state", "!=", "done"),
                ("cycle_date", "!=", False),
            ]
        )
        open_occurrences = Occurrence.search([("line_id", "in", lines.ids), ("state", "=", "open")])
        cooldowns = self.env["kam.contact.log"]._kam_active_cooldowns(partners, today, company)
        plan = self._kam_plan_lines(lines, open_occurrences, cooldowns, company, today)
        hits = self._kam_rule_hits(company, partners, lines, cooldowns, today)

        # The reason is read by the occurrence's responsible: in their language.
        stale = open_occurrences.browse(plan["stale"])
        for user, occurrences in stale.grouped("user_id").items():
            occurrences._kam_close(
                "skipped", reason=self._kam_reader_env(user)._("The plan line was changed.")
            )
        open_occurrences.browse(plan["missed"])._kam_close("missed")
        for occurrence_id, due in plan["moved"]:
            occurrence = open_occurrences.browse(occurrence_id)
            occurrence.write({"due_date": due})
            occurrence.activity_id.write({"date_deadline": due})
        inserted = Occurrence._kam_insert(plan["new"] + hits)
        Occurrence._kam_create_activities(inserted)
        self._kam_update_lines(plan["updates"])

    def _kam_lock_batch(self, company, partners):
        """Lock the plan lines and open occurrences the batch may write, first thing.

        A user's write on one of them (a contact log, a note) then waits for the
        batch instead of failing it at its end: a conflict can only come from a
        write committed between the batch's snapshot and these two queries.
        """
        self.env.flush_all()
        self.env.cr.execute(
            """
            SELECT id FROM kam_comm_plan_line
             WHERE partner_id = ANY(%s) AND company_id = %s AND state != 'done'
             ORDER BY id
               FOR NO KEY UPDATE
            """,
            [partners.ids, company.id],
            log_exceptions=False,  # a conflict is retried by the caller
        )
        line_ids = [row[0] for row in self.env.cr.fetchall()]
        if line_ids:
            self.env.cr.execute(
                """
                SELECT id FROM kam_comm_occurrence
                 WHERE line_id = ANY(%s) AND state = 'open'
                 ORDER BY id
                   FOR NO KEY UPDATE
                """,
                [line_ids],
                log_exceptions=False,
            )

    def _kam_plan_lines(self, lines, open_occurrences, cooldowns, company, today):
        """Walk the lines of a batch in memory: what to create, close, move and mark."""
        open_by_line = defaultdict(list)
        for occurrence in open_occurrences:
            open_by_line[occurrence.line_id.id].append(occurrence)
        account_cooldown = {}
        for (partner_id, _user_id), (start, until) in cooldowns.items():
            previous = account_cooldown.get(partner_id)
            account_cooldown[partner_id] = (
                (min(start, previous[0]), max(until, previous[1])) if previous else (start, until)
            )
        result = {"new": [], "missed": [], "stale": [], "moved": [], "updates": []}
        activity_types = lines._kam_activity_types()
        for line in lines:
            try:
                planned = self._kam_plan_line(
                    line, open_by_line[line.id], account_cooldown, cooldowns, company, today,
                    activity_types,
                )
            except (OverflowError, ValueError, TypeError):
                # A row stored before the bounds existed (a lead time of
                # 999 999 999 days): the others of the batch go on.
                _logger.exception(
                    "Communication plan: kam.comm.plan.line(%s) %r of res.partner(%s) skipped: "
                    "its dates cannot be computed", line.id, line.name, line.partner_id.id,
                )
                continue
            for key, values in planned.items():
                result[key].extend(values)
        return result

    def _kam_plan_line(self, line, open_occurrences, account_cooldown, cooldowns, company, today,
                       activity_types):
        """What one line needs: the same keys as ``_kam_plan_lines``, for this line only."""
        result = {"new": [], "missed": [], "stale": [], "moved": [], "updates": []}
        lead = line._kam_lead_days(company)
        cycle, due = line.cycle_date, line.next_due_date or line.cycle_date
        current = None
        for occurrence in open_occurrences:
            if occurrence.scheduled_date == cycle:
                current = occurrence
            else:
                result["stale"].append(occurrence.id)
        pending = None
        if line.positive_only:
            window = account_cooldown.get(line.partner_id.id)
        elif line.is_personal:
            window = cooldowns.get((line.partner_id.id, line.user_id.id))
        else:
            window = None
        for _step in range(MAX_CATCH_UP):
            if window:
                shifted = shift_past_cooldown(due, *window)
                if shifted != due:
                    due = shifted
                    if current:
                        result["moved"].append((current.id, due))
            if lead is None:
                # greetings off: the dates pass without reminders
                following = line._kam_following(cycle) if due < today else None
                if following:
                    cycle = due = following
                    continue
                break
            if not current and not pending:
                if not should_materialise(due, today, lead):
                    break
                pending = line._kam_occurrence_values(cycle, due, activity_types=activity_types)
                result["new"].append(pending)
            following = line._kam_following(cycle)
            if following and due < today and should_materialise(following, today, lead):
                if pending:
                    pending["state"] = "missed"
                else:
                    result["missed"].append(current.id)
                cycle = due = following
                current = pending = None
                continue
            break
        materialised = bool(current or (pending and pending["state"] == "open"))
        state = "overdue" if materialised and due < today else "planned"
        if (cycle, due, state) != (line.cycle_date, line.next_due_date, line.state):
            result["updates"].append((line.id, cycle, due, state))
        return result

    def _kam_update_lines(self, updates):
        """One UPDATE for all the lines whose cycle, due date or state changed.

        Deliberately not tracked: ``state`` is tracked for what a user does
        (done, snoozed, skipped: through the ORM), while the nightly move
        between planned and overdue follows from the dates alone; tracking it
        would post a message per line and per day in the account's chatter.
        """
        if not updates:
            return
        ids, cycles, dues, states = zip(*updates, strict=True)
        self.env.cr.execute(
            """
            UPDATE kam_comm_plan_line line
               SET cycle_date = v.cycle_date,
                   next_due_date = v.next_due_date,
                   state = v.state,
                   write_uid = %s,
                   write_date = now() AT TIME ZONE 'UTC'
              FROM unnest(%s::int[], %s::date[], %s::date[], %s::varchar[])
                   AS v(id, cycle_date, next_due_date, state)
             WHERE line.id = v.id
            """,
            [self.env.uid, list(ids), list(cycles), list(dues), list(states)],
            log_exceptions=False,  # a conflict with a user's write is retried by the caller
        )
        self.env["kam.comm.plan.line"].browse(ids).invalidate_recordset(
            ["cycle_date", "next_due_date", "state"]
        )

    @api.model
    def _kam_reader_env(self, user):
        """The environment of a text written for ``user`` (a reminder's assignee):
        their language, which ``format_date`` follows for the date format."""
        return self.with_context(lang=(user and user.lang) or "en_US").env

    # ------------------------------------------------------------------
    # Rules
    # ------------------------------------------------------------------

    def _kam_rule_hits(self, company, partners, lines, cooldowns, today):
        # The identity of the accounts in this company.
        accounts = partners.with_company(company).filtered(
            lambda partner: partner.kam_status == "key"
            and partner.commercial_partner_id == partner
            and partner.kam_user_id
        )
        if not accounts:
            return []
        # Settings stored before their bounds existed: the rule that reads
        # them is skipped (and logged), the plan and the other rule go on.
        broken = company._kam_bounds_errors(["kam_positive_gap_days", "kam_greeting_days"])
        if broken:
            _logger.error(
                "Communication plan: res.company(%s) %s has settings out of bounds (%s); "
                "the rules that use them are skipped", company.id, company.name, ", ".join(broken),
            )
        hits = []
        if company.kam_positive_gap_enabled and "kam_positive_gap_days" not in broken:
            hits += self._kam_gap_hits(company, accounts, lines, cooldowns, today)
        if company.kam_greeting_enabled and "kam_greeting_days" not in broken:
            hits += self._kam_birthday_hits(company, accounts, today)
        return hits

    def _kam_gap_hits(self, company, accounts, lines, cooldowns, today):
        """Rule 1: no positive contact for N days → a reminder for the KAM, once per silence.

        Suspended during a cool-down (rule 2), and left to the account's plan
        when it has a "positive contact" line (the rule made visible there).
        """
        suspended = {partner_id for partner_id, _user_id in cooldowns}
        planned = set(lines.filtered("positive_only").partner_id.ids)
        last_positive = dict(
            self.env["kam.contact.log"]._read_group(
                [
                    ("partner_id", "in", accounts.ids),
                    ("company_id", "=", company.id),
                    ("outcome", "=", "positive"),
                ],
                ["partner_id"],
                ["date:max"],
            )
        )
        activity_type = self.env.ref("kam_management.kam_activity_type_contact")
        hits = []
        for account in accounts:
            if account.id in suspended or account.id in planned:
                continue
            last = last_positive.get(account)
            if not positive_gap_exceeded(last, company.kam_positive_gap_days, today, since=account.kam_key_since or None):
                continue
            # Written for the KAM: their language and date format.
            env = self._kam_reader_env(account.kam_user_id)
            if last:
                summary = env._("No positive contact since %(date)s", date=format_date(env, last))
            else:
                summary = env._("No positive contact logged yet")
            hits.append({
                "dedup_key": f"gap:{company.id}:{account.id}:{last.isoformat() if last else 'none'}",
                "rule": "gap",
                "partner_id": account.id,
                "company_id": company.id,
                "user_id": account.kam_user_id.id,
                "summary": summary,
                "scheduled_date": today,
                "due_date": today,
                "state": "open",
                "activity_type_id": activity_type.id,
                "res_model": "res.partner",
                "res_id": account.id,
            })
        return hits

    def _kam_birthday_hits(self, company, accounts, today):
        """Rule 5: birthdays and personal dates of the accounts' people, N days ahead, for the KAM.

        The dates come from the personal profiles of the people in the
        accounts' DMU of this company (``res.partner._kam_greeting_dates``).
        """
        Partner = self.env["res.partner"]
        if not hasattr(Partner, "_kam_greeting_dates"):
            return []
        lead = company.kam_greeting_days
        activity_type = self.env.ref("kam_management.kam_activity_type_greeting")
        people = Partner.browse()
        hits = []
        for item in Partner._kam_greeting_dates(
            today, today + datetime.timedelta(days=lead), accounts, company=company,
        ):
            account = accounts.browse(item["account_id"])
            person = people.browse(item["partner_id"])
            # Written for the KAM: their language and date format.
            env = self._kam_reader_env(account.kam_user_id)
            if item["kind"] == "birthday":
                key = f"birthday:{company.id}:{account.id}:{person.id}:{item['date'].isoformat()}"
                summary = env._(
                    "Birthday of %(name)s on %(date)s",
                    name=person.name, date=format_date(env, item["date"]),
                )
            else:
                key = (
                    f"pdate:{company.id}:{account.id}:{person.id}:{item['date'].isoformat()}:"
                    f"{item['occasion']}"
                )
                summary = env._(
                    "%(occasion)s of %(name)s on %(date)s",
                    occasion=item["occasion"], name=person.name, date=format_date(env, item["date"]),
                )
            hits.append({
                "dedup_key": key,
                "rule": "birthday",
                "partner_id": account.id,
                "company_id": company.id,
                "user_id": account.kam_user_id.id,
                "summary": summary,
                "scheduled_date": item["date"],
                "due_date": item["date"],
                "state": "open",
                "activity_type_id": activity_type.id,
                # On the DMU member: an account's activities are read by everyone
                # who reads the account, the member's by the profile's readers only.
                "res_model": "kam.dmu.member",
                "res_id": item["member_id"],
            })
        return hits

    # ------------------------------------------------------------------
    # Proposal follow-up (rule 3)
    # ------------------------------------------------------------------

    @api.model
    def _kam_schedule_followups(self, orders):
        """A quotation sent to a key account: a follow-up call on the next working day.

        digest §5.3: "if no confirmation of receipt, call the next day" — then
        next steps, urgency, a date to discuss interim results.
        """
        activity_type = self.env.ref("kam_management.kam_activity_type_followup")
        vals_list = []
        due_dates = {}  # (company, sent date): the next working day of its calendar
        for order in orders.sudo():
            company = order.company_id
            account = order.partner_id.commercial_partner_id.with_company(company)
            if not company.kam_followup_enabled or account.kam_status != "key" or not order.kam_sent_date:
                continue
            key = (company, order.kam_sent_date)
            if key not in due_dates:
                due_dates[key] = company.resource_calendar_id._kam_next_working_day(
                    order.kam_sent_date, company
                )
            due = due_dates[key]
            user = order.user_id or account.kam_user_id
            if not user:
                continue
            vals_list.append({
                "dedup_key": f"followup:{order.id}:{order.kam_sent_date.isoformat()}",
                "rule": "followup",
                "partner_id": account.id,
                "company_id": company.id,
                "user_id": user.id,
                "summary": self._kam_reader_env(user)._("Follow up quotation %(name)s", name=order.name),
                "scheduled_date": due,
                "due_date": due,
                "state": "open",
                "activity_type_id": activity_type.id,
                "res_model": "sale.order",
                "res_id": order.id,
            })
        Occurrence = self.env["kam.comm.occurrence"].sudo()
        return Occurrence._kam_create_activities(Occurrence._kam_insert(vals_list))

    @api.model
    def _kam_close_followups(self, orders, reason):
        """The client answered or confirmed: the pending follow-up is no longer needed."""
        if not orders:
            return
        self.env["kam.comm.occurrence"].sudo().search(
            [
                ("rule", "=", "followup"),
                ("res_model", "=", "sale.order"),
                ("res_id", "in", orders.ids),
                ("state", "=", "open"),
            ]
        )._kam_close("skipped", reason=reason)

    # ------------------------------------------------------------------
    # Meetings
    # ------------------------------------------------------------------

    @api.model
    def _kam_log_past_meetings(self):
        """Log recent past meetings with key accounts' people that nobody logged (outcome to review)."""
        now = fields.Datetime.now()
        events = self.env["calendar.event"].sudo().search(
            [
                ("stop", "<", now),
                ("stop", ">=", now - datetime.timedelta(days=MEETING_LOOKBACK_DAYS)),
                ("partner_ids.commercial_partner_id.kam_status", "=", "key"),
            ]
        )
        logs = self.env["kam.contact.log"]
        if not events:
            return logs
        try:
            with self.env.cr.savepoint():
                return events._kam_log_contacts(to_review=True)
        except psycopg2.errors.UniqueViolation:
            self.env.invalidate_all()
            return logs
        except CONCURRENCY_ERRORS:
            raise  # the caller retries or reschedules: not a bad record
        except Exception:
            self.env.invalidate_all()
            _logger.warning(
                "Communication plan: logging %s past meetings failed; logging them one by one",
                len(events),
            )
        for event in events:
            try:
                with self.env.cr.savepoint():
                    logs |= event._kam_log_contacts(to_review=True)
            except psycopg2.errors.UniqueViolation:
                self.env.invalidate_all()
            except CONCURRENCY_ERRORS:
                raise
            except Exception:
                self.env.invalidate_all()
                _logger.exception(
                    "Communication plan: calendar.event(%s) could not be logged and was skipped",
                    event.id,
                )
        return logs
