# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

import logging

from markupsafe import Markup, escape

from odoo import api, fields, models, tools
from odoo.tools import SQL, format_date, formatLang

from .kam_concurrency import RETRY_ERRORS

_logger = logging.getLogger(__name__)

ALERT_STATES = [
    ("open", "Open"),
    ("answered", "Answered"),
    ("cleared", "Cleared"),
]
# The partner field whose groups decide whether an assignee may read the
# figure an alert of this kind quotes; kinds not listed quote no hidden figure.
FIGURE_FIELDS = {
    "critical": "kam_share",
    "mono": "kam_share",
    "portfolio_mono": "kam_share",
}
# An alert sync that lost a race from the cron comes back after this many minutes.
RESCHEDULE_MINUTES = 1


class KamAlert(models.Model):
    """The state of one key-account alert: what keeps the alert activities true.

    One row per alert (record, kind, company), unique, written by the
    recompute only. ``open``: the condition holds and its activity is open;
    ``answered``: the condition still holds but a user marked the activity
    done (or cancelled it), so it is not raised again; ``cleared``: the cause
    is gone, and the alert is raised again when it comes back. ``values`` are
    the figures the activity quotes: when they change, its text is rewritten.
    """

    _name = "kam.alert"
    _description = "Key-Account Alert State"
    _order = "id"
    _rec_name = "kind"

    partner_id = fields.Many2one(
        "res.partner", string="Partner", required=True, readonly=True, index=True,
        ondelete="cascade",
        help="The account, the KAM's partner or the company's partner the alert is on.",
    )
    kind = fields.Selection(selection="_selection_kind", required=True, readonly=True)
    company_id = fields.Many2one(
        "res.company", string="Company", readonly=True, ondelete="cascade",
        help="The company whose figures raise the alert (none for a VIP review).",
    )
    state = fields.Selection(ALERT_STATES, required=True, default="cleared", readonly=True)
    user_id = fields.Many2one("res.users", string="Assigned To", readonly=True, ondelete="set null")
    activity_id = fields.Many2one(
        "mail.activity", string="Activity", readonly=True, ondelete="set null", index="btree_not_null",
    )
    values = fields.Json(string="Figures", readonly=True)
    date_raised = fields.Date(string="Raised On", readonly=True)
    date_closed = fields.Date(string="Closed On", readonly=True)
    summary = fields.Char(
        compute="_compute_summary",
        help="The alert's text with its last figures, in the reader's language.",
    )

    def init(self):
        # One row per alert: the key of every insert's ON CONFLICT.
        tools.create_unique_index(
            self.env.cr, "kam_alert_key_uniq", self._table,
            ["partner_id", "kind", "COALESCE(company_id, 0)"],
        )

    @api.depends("kind", "partner_id", "company_id", "values")
    @api.depends_context("uid")
    def _compute_summary(self):
        user = self.env.user
        for alert in self:
            alert.summary = alert._kam_render(
                alert.kind, alert.partner_id, alert.company_id, alert.values, user,
                figures=None if alert.values else False,
            )[0]

    @api.model
    def _selection_kind(self):
        """The kinds of alert activities: one list for both models."""
        return self.env["mail.activity"]._fields["kam_alert_kind"].selection

    # ------------------------------------------------------------------
    # Sync
    # ------------------------------------------------------------------

    @api.model
    def _kam_sync(self, alerts, scope, today):
        """Bring the alerts of ``scope`` in line with ``alerts``; return their open activities.

        ``alerts``: ``{(partner id, kind, company id or False): {"user": assignee,
        "values": figures}}``, the alerts whose condition holds; ``scope``: the
        domain of the alert rows the caller measured (its companies, kinds and
        partners), the others are left alone.

        Race-free: the rows of the alerts are inserted with ``ON CONFLICT DO
        NOTHING`` on their unique key, then every row of the scope is locked
        before anything is decided, so two recomputes at the same moment (the
        cron, "Recompute now", the partner action) never raise an alert twice.
        The one that loses the race meets a serialization failure: a request
        lets it go up (Odoo replays the request), the cron leaves the alerts to
        a run of the recompute triggered a minute later.
        """
        try:
            with self.env.cr.savepoint():
                return self._kam_sync_locked(alerts, scope, today)
        except RETRY_ERRORS as error:
            self.env.invalidate_all()
            if not self.env.context.get("cron_id"):
                raise
            _logger.warning(
                "Key-account alerts: conflict with a concurrent transaction (%s); the alerts are "
                "left to a run of the recompute in %s minute(s)",
                error.pgerror.strip() if error.pgerror else type(error).__name__, RESCHEDULE_MINUTES,
            )
            self.env["kam.identification"]._reschedule(RESCHEDULE_MINUTES)
            return self.env["mail.activity"]

    def _kam_sync_locked(self, alerts, scope, today):
        keys = sorted(alerts, key=lambda key: (key[0], key[1], key[2] or 0))
        rows = self._kam_lock(keys, scope)
        by_key = {row._kam_key(): row for row in rows}
        Activity = self.env["mail.activity"].sudo()
        kept = Activity
        to_raise = {}
        updates = []
        closing = self.browse()
        for key, row in by_key.items():
            wanted = alerts.get(key)
            activity = row.activity_id
            alive = bool(activity) and activity.active
            if not wanted:
                if row.state == "open" and alive:
                    closing |= row
                elif row.state != "cleared":
                    row.write({"state": "cleared", "activity_id": False, "date_closed": today})
                continue
            if row.state == "cleared":
                to_raise[key] = row
            elif row.state == "open" and not alive:
                # Done or cancelled by a user while the cause persists: answered.
                row.write({"state": "answered", "activity_id": False, "values": wanted["values"]})
            elif row.state == "answered":
                if row.values != wanted["values"]:
                    row.write({"values": wanted["values"]})
            else:
                kept |= activity
                if row.values != wanted["values"] or row.user_id != wanted["user"]:
                    updates.append((row, wanted))
        self._kam_update(updates)
        self._kam_close(closing, today)
        return kept | self._kam_raise(to_raise, alerts, today)

    def _kam_lock(self, keys, scope):
        """Insert the missing rows of ``keys``, then lock the rows of the keys and of the scope."""
        self.env.flush_all()
        partners = [key[0] for key in keys]
        kinds = [key[1] for key in keys]
        companies = [key[2] or 0 for key in keys]
        if keys:
            self.env.cr.execute(SQL(
                """
                INSERT INTO kam_alert (partner_id, kind, company_id, state,
                                       create_uid, write_uid, create_date, write_date)
                SELECT v.partner_id, v.kind, NULLIF(v.company_id, 0), 'cleared',
                       %(uid)s, %(uid)s, now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
                  FROM unnest(%(partners)s::int[], %(kinds)s::varchar[], %(companies)s::int[])
                       AS v(partner_id, kind, company_id)
                ON CONFLICT (partner_id, kind, (COALESCE(company_id, 0))) DO NOTHING
                """,
                uid=self.env.uid, partners=partners, kinds=kinds, companies=companies,
            ), log_exceptions=False)
        self.env.cr.execute(SQL(
            """
            SELECT id FROM kam_alert
             WHERE id IN %(scope)s
                OR (partner_id, kind, COALESCE(company_id, 0)) IN (
                       SELECT * FROM unnest(%(partners)s::int[], %(kinds)s::varchar[], %(companies)s::int[]))
             ORDER BY id
               FOR NO KEY UPDATE
            """,
            scope=self.sudo()._search(scope).subselect(),
            partners=partners, kinds=kinds, companies=companies,
        ), log_exceptions=False)  # a lost race is the caller's to handle
        rows = self.env.cr.fetchall()
        self.invalidate_model()  # the rows as locked, not as read earlier in the transaction
        return self.sudo().browse([row[0] for row in rows])

    def _kam_key(self):
        self.ensure_one()
        return (self.partner_id.id, self.kind, self.company_id.id or False)

    def _kam_raise(self, rows_by_key, alerts, today):
        """Create the activities of the alerts whose cause (re)appeared."""
        if not rows_by_key:
            return self.env["mail.activity"]
        Activity = self.env["mail.activity"].sudo()
        vals_by_key = {}
        for key, row in rows_by_key.items():
            wanted = alerts[key]
            summary, note = self._kam_render(row.kind, row.partner_id, row.company_id, wanted["values"], wanted["user"])
            vals_by_key[key] = {
                "res_id": key[0], "kam_alert_kind": key[1], "kam_company_id": key[2],
                "user_id": wanted["user"].id, "summary": summary, "note": note,
            }
        # Alert activities raised before their state was kept here: adopted, not doubled.
        legacy = Activity.search([
            ("res_model", "=", "res.partner"),
            ("res_id", "in", list({key[0] for key in rows_by_key})),
            ("kam_alert_kind", "!=", False),
        ]) - self.sudo().search([("activity_id", "!=", False)]).activity_id
        activities = Activity
        for activity in legacy:
            key = (activity.res_id, activity.kam_alert_kind, activity.kam_company_id.id or False)
            vals = vals_by_key.pop(key, None)
            if vals:
                activity.write({"summary": vals["summary"], "note": vals["note"], "user_id": vals["user_id"]})
                activities |= activity
        activities |= self.env["kam.identification"]._create_alert_activities(vals_by_key, today)
        for activity in activities:
            key = (activity.res_id, activity.kam_alert_kind, activity.kam_company_id.id or False)
            rows_by_key[key].write({
                "state": "open", "activity_id": activity.id, "user_id": activity.user_id.id,
                "values": alerts[key]["values"], "date_raised": today, "date_closed": False,
            })
        return activities

    def _kam_update(self, updates):
        """Rewrite the text of open alerts whose figures (or assignee) changed."""
        for row, wanted in updates:
            summary, note = self._kam_render(row.kind, row.partner_id, row.company_id, wanted["values"], wanted["user"])
            vals = {"summary": summary, "note": note}
            if row.activity_id.user_id != wanted["user"]:
                vals["user_id"] = wanted["user"].id
            row.activity_id.with_context(mail_activity_quick_update=True).write(vals)
            row.write({"values": wanted["values"], "user_id": wanted["user"].id})

    def _kam_close(self, rows, today):
        """Close the open alerts whose cause is gone, with a note in the chatter of their record."""
        if not rows:
            return
        bodies = {}
        for row in rows:
            text = row.with_context(lang=row.user_id.lang or "en_US").env._(
                "Key-account alert closed, its cause is gone: %(alert)s",
                alert=row._kam_render(
                    row.kind, row.partner_id, row.company_id, row.values or {}, row.user_id, figures=False,
                )[0],
            )
            bodies.setdefault(row.partner_id.id, []).append(escape(text))
        self.env["res.partner"].sudo().browse(list(bodies))._message_log_batch(
            {partner_id: Markup("<p>%s</p>") % Markup("<br/>").join(texts) for partner_id, texts in bodies.items()}
        )
        activities = rows.activity_id
        rows.write({"state": "cleared", "activity_id": False, "date_closed": today})
        activities.unlink()

    # ------------------------------------------------------------------
    # Texts
    # ------------------------------------------------------------------

    @api.model
    def _kam_may_read_figures(self, kind, user):
        """Whether ``user`` may read the figure an alert of ``kind`` quotes (the field's groups)."""
        fname = FIGURE_FIELDS.get(kind)
        groups = fname and self.env["res.partner"]._fields[fname].groups
        return not groups or bool(user and user.sudo().has_groups(groups))

    @api.model
    def _kam_render(self, kind, partner, company, values, user, figures=None):
        """``(summary, note)`` of an alert for ``user``: in their language, and with
        the figures only when their groups may read the fields behind them."""
        env = self.with_context(lang=(user and user.lang) or "en_US").env
        if figures is None:
            figures = self._kam_may_read_figures(kind, user)
        values = values or {}
        company_name = company.name or ""

        def number(value, digits=1):
            return formatLang(env, value or 0.0, digits=digits)

        if kind == "critical":
            summary = env._(
                "Critical dependency: %(share)s %% of %(company)s",
                share=number(values.get("share")), company=company_name,
            ) if figures else env._("Critical dependency on this client for %(company)s", company=company_name)
            note = env._(
                "This client brings more than the critical share of the company: "
                "widen the order portfolio."
            )
        elif kind == "mono":
            summary = env._(
                "Mono-client: %(share)s %% of %(company)s",
                share=number(values.get("share")), company=company_name,
            ) if figures else env._("Mono-client for %(company)s", company=company_name)
            note = env._(
                "This client brings more than the mono-client share of the company. "
                "Work proactively, aim for maximum loyalty and keep competitors out."
            )
        elif kind == "portfolio_mono":
            summary = env._(
                "Portfolio mono-dependence: key accounts bring %(share)s %% of %(company)s",
                share=number(values.get("share")), company=company_name,
            ) if figures else env._("Portfolio mono-dependence of %(company)s", company=company_name)
            note = env._(
                "The key accounts together exceed the mono-dependence share: develop other clients."
            )
        elif kind == "kam_overload":
            summary = env._(
                "KAM overloaded: %(user)s manages %(count)s key accounts (max %(max)s)",
                user=partner.name, count=values.get("count"), max=values.get("max"),
            )
            note = env._("Rebalance the key accounts between the KAMs.")
        elif kind == "vip_review":
            date = values.get("date")
            summary = env._(
                "VIP review overdue since %(date)s",
                date=format_date(env, date) if date else "",
            )
            note = env._(
                "VIP clients can be unprofitable: review whether this client keeps "
                "the VIP status, then set the next review date."
            )
        else:
            label = dict(self.env["mail.activity"]._fields["kam_alert_kind"]._description_selection(env))
            summary, note = f"{label.get(kind, kind)}: {partner.display_name}", ""
        return summary, note

    # ------------------------------------------------------------------
    # Chatter: a reader who may not read the figure gets the text without it
    # ------------------------------------------------------------------

    @api.model
    def _kam_reader_texts(self, activities):
        """``{activity id: (summary, note)}`` for the alert activities of ``activities``
        whose figures the current user may not read, in the user's language."""
        rows = self.sudo().search([("activity_id", "in", activities.ids)])
        user = self.env.user
        return {
            row.activity_id.id: row._kam_render(
                row.kind, row.partner_id, row.company_id, row.values, user, figures=False,
            )
            for row in rows
            if row.kind in FIGURE_FIELDS and not self._kam_may_read_figures(row.kind, user)
        }
