# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from collections import defaultdict

from odoo import api, fields, models
from odoo.tools import SQL, plaintext2html

from ..rules.cadence import DEFAULT_COMPLIANCE_WINDOW, DEFAULT_GRACE_DAYS, compliance

RULES = [
    ("plan", "Plan Line"),
    ("gap", "Positive-Contact Gap"),
    ("followup", "Proposal Follow-Up"),
    ("birthday", "Birthday / Personal Date"),
]
STATES = [
    ("open", "Open"),
    ("done", "Done"),
    ("skipped", "Skipped"),
    ("missed", "Missed"),
]


class KamCommOccurrence(models.Model):
    """One planned contact: a plan line's due date, or a rule hit (SPEC §3).

    It is the ledger that makes the daily scheduler idempotent: ``dedup_key``
    (line and scheduled date, or rule and its trigger) is unique, rows are
    inserted with ``ON CONFLICT DO NOTHING`` and the reminder activity is only
    created for rows actually inserted. It is also the history compliance is
    measured on, and what the calendar of planned contacts shows.
    """

    _name = "kam.comm.occurrence"
    _description = "Planned Contact"
    _inherit = ["kam.account.member.mixin"]
    _order = "due_date desc, id desc"
    _rec_name = "summary"

    dedup_key = fields.Char(required=True, readonly=True, copy=False)
    rule = fields.Selection(RULES, required=True, default="plan", readonly=True, index=True)
    line_id = fields.Many2one(
        "kam.comm.plan.line", string="Plan Line", index="btree_not_null", ondelete="cascade", readonly=True
    )
    partner_id = fields.Many2one(
        "res.partner", string="Account", required=True, index=True, ondelete="cascade", readonly=True
    )
    company_id = fields.Many2one("res.company", required=True, index=True, readonly=True)
    user_id = fields.Many2one("res.users", string="Responsible", readonly=True)
    summary = fields.Char(readonly=True)
    scheduled_date = fields.Date(required=True, readonly=True, help="The date the cadence planned.")
    due_date = fields.Date(
        required=True, index=True, readonly=True, help="The scheduled date, or the date it was snoozed to."
    )
    state = fields.Selection(STATES, required=True, default="open", index=True, readonly=True)
    done_date = fields.Date(readonly=True)
    on_time = fields.Boolean(compute="_compute_on_time")
    reason = fields.Char(readonly=True, help="Why the contact was snoozed or skipped.")
    activity_type_id = fields.Many2one("mail.activity.type", readonly=True, ondelete="set null")
    activity_id = fields.Many2one("mail.activity", readonly=True, ondelete="set null", index="btree_not_null")
    contact_log_id = fields.Many2one("kam.contact.log", readonly=True, ondelete="set null")
    res_model = fields.Char(string="Document Model", readonly=True)
    res_id = fields.Many2oneReference(string="Document", model_field="res_model", readonly=True)
    kind = fields.Selection(related="line_id.kind")
    channel = fields.Selection(related="line_id.channel")

    # Columns written by the set-based insert, with their SQL types.
    _KAM_INSERT_COLUMNS = (
        ("dedup_key", "varchar"), ("rule", "varchar"), ("line_id", "int"),
        ("partner_id", "int"), ("company_id", "int"), ("user_id", "int"),
        ("summary", "varchar"), ("scheduled_date", "date"), ("due_date", "date"),
        ("state", "varchar"), ("done_date", "date"), ("activity_type_id", "int"),
        ("res_model", "varchar"), ("res_id", "int"), ("reason", "varchar"),
        ("contact_log_id", "int"),
    )

    _sql_constraints = [
        ("dedup_key_unique", "UNIQUE(dedup_key)", "A planned contact is created only once."),
    ]

    @api.depends("state", "done_date", "due_date")
    def _compute_on_time(self):
        for occurrence in self:
            occurrence.on_time = (
                occurrence.state == "done"
                and occurrence.done_date
                and (occurrence.done_date - occurrence.due_date).days <= DEFAULT_GRACE_DAYS
            )

    # ------------------------------------------------------------------
    # Ledger
    # ------------------------------------------------------------------

    @api.model
    def _kam_insert(self, vals_list):
        """Insert the occurrences whose ``dedup_key`` is new; return only those.

        One ``INSERT … ON CONFLICT DO NOTHING RETURNING`` for the whole list: a
        key that exists (a former run, or a concurrent run that committed
        first) is silently left out, so its activity is never created twice.
        """
        if not vals_list:
            return self.browse()
        self.env.flush_all()
        columns = self._KAM_INSERT_COLUMNS
        rows = [
            SQL(
                "(%s)",
                SQL(", ").join(
                    SQL("%s::%s", vals.get(column) or None, SQL(sql_type)) for column, sql_type in columns
                ),
            )
            for vals in vals_list
        ]
        uid = self.env.uid
        self.env.cr.execute(SQL(
            """
            INSERT INTO kam_comm_occurrence (%(columns)s, create_uid, write_uid, create_date, write_date)
            SELECT v.*, %(uid)s, %(uid)s, now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
              FROM (VALUES %(rows)s) AS v(%(columns)s)
            ON CONFLICT (dedup_key) DO NOTHING
            RETURNING id
            """,
            columns=SQL(", ").join(SQL.identifier(column) for column, _type in columns),
            rows=SQL(", ").join(rows),
            uid=uid,
        ), log_exceptions=False)  # a concurrent run's conflict is handled by the caller
        return self.browse(row[0] for row in self.env.cr.fetchall())

    @api.model
    def _kam_create_activities(self, occurrences):
        """One batched ``mail.activity.create`` for the open occurrences given.

        Assignees are not e-mailed one by one (``mail_activity_quick_update``):
        a daily batch of reminders lands in their activity menu instead.
        """
        occurrences = occurrences.filtered(lambda occ: occ.state == "open" and occ.user_id)
        if not occurrences:
            return self.env["mail.activity"]
        model_ids = {
            model: self.env["ir.model"]._get_id(model)
            for model in {occ.res_model or "res.partner" for occ in occurrences}
        }
        vals_list = [
            {
                "res_model_id": model_ids[occ.res_model or "res.partner"],
                "res_id": occ.res_id or occ.partner_id.id,
                "activity_type_id": occ.activity_type_id.id,
                "summary": occ.summary,
                # The type's default note (a translated text) in the assignee's language.
                "note": plaintext2html(occ.line_id.note) if occ.line_id.note
                else occ.activity_type_id.with_context(lang=occ.user_id.lang or "en_US").default_note,
                "date_deadline": occ.due_date,
                "user_id": occ.user_id.id,
                "automated": True,
                "kam_occurrence_id": occ.id,
            }
            for occ in occurrences
        ]
        # Subscribe each assignee once per document first: mail.activity.create
        # subscribes per activity and would insert the same follower twice when
        # one batch holds two reminders of a document for the same user.
        documents = defaultdict(set)
        for vals in vals_list:
            documents[vals["res_model_id"], vals["user_id"]].add(vals["res_id"])
        models_by_id = {model_id: model for model, model_id in model_ids.items()}
        users = self.env["res.users"].browse({user_id for _model, user_id in documents})
        partner_of = {user.id: user.partner_id.id for user in users.sudo()}
        for (model_id, user_id), res_ids in documents.items():
            self.env[models_by_id[model_id]].sudo().browse(res_ids).message_subscribe(
                partner_ids=[partner_of[user_id]]
            )
        activities = (
            self.env["mail.activity"].sudo().with_context(mail_activity_quick_update=True).create(vals_list)
        )
        self.env.cr.execute(
            """
            UPDATE kam_comm_occurrence occ
               SET activity_id = v.activity_id
              FROM unnest(%s::int[], %s::int[]) AS v(id, activity_id)
             WHERE occ.id = v.id
            """,
            [[act.kam_occurrence_id.id for act in activities], activities.ids],
        )
        occurrences.invalidate_recordset(["activity_id"])
        return activities

    def _kam_close(self, state, reason=None, done_date=None, contact_log=None):
        """Close open occurrences and remove their pending reminders."""
        occurrences = self.sudo().filtered(lambda occ: occ.state == "open")
        if not occurrences:
            return
        vals = {"state": state}
        if reason:
            vals["reason"] = reason
        if done_date:
            vals["done_date"] = done_date
        if contact_log:
            vals["contact_log_id"] = contact_log.id
        activities = occurrences.activity_id.exists()
        occurrences.write(vals)
        if activities:
            if state == "done":
                activities.with_context(kam_skip_contact_log=True).action_feedback(feedback=reason)
            else:
                activities.unlink()

    # ------------------------------------------------------------------
    # Compliance
    # ------------------------------------------------------------------

    @api.model
    def _kam_compliance(self, partners, today=None, company=None,
                        window_days=DEFAULT_COMPLIANCE_WINDOW, grace_days=DEFAULT_GRACE_DAYS):
        """{partner_id: (planned, on_time, rate)} over the window, one query for all accounts."""
        if not partners:
            return {}
        today = today or fields.Date.context_today(self)
        company = company or self.env.company
        self.flush_model(["partner_id", "company_id", "rule", "due_date", "done_date", "state"])
        self.env.cr.execute(
            """
            SELECT partner_id, due_date, done_date, state = 'skipped'
              FROM kam_comm_occurrence
             WHERE partner_id = ANY(%s)
               AND company_id = %s
               AND rule = 'plan'
               AND due_date > %s::date - %s
               AND due_date <= %s
            """,
            [list(partners.ids), company.id, today, window_days, today],
        )
        rows_by_partner = {}
        for partner_id, due, done_date, skipped in self.env.cr.fetchall():
            rows_by_partner.setdefault(partner_id, []).append((due, done_date, skipped))
        return {
            partner_id: compliance(rows, today, window_days, grace_days)
            for partner_id, rows in rows_by_partner.items()
        }
