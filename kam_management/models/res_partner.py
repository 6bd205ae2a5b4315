# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

import datetime
import logging

from odoo import api, fields, models
from odoo.osv import expression
from odoo.tools import SQL, format_date
from odoo.tools.mail import generate_tracking_message_id

from ..rules.shares import AUTO_LIFECYCLE_BLOCKS, kam_overloaded, portfolio_state
from .kam_concurrency import RETRY_ERRORS
from .kam_selections import LIFECYCLE_BLOCKS

_logger = logging.getLogger(__name__)


class ResPartner(models.Model):
    """The key-account additions to res.partner: the base.

    The partner's client-base block (lifecycle) and the recompute of the
    identification metrics, candidates, blocks and alerts (cron, server
    action, settings button). The other concerns live in their own files:
    ``res_partner_identity.py`` (identity and its trust guards),
    ``res_partner_metrics.py``, ``res_partner_risk.py``, ``res_partner_plan.py``,
    ``res_partner_dmu.py``, ``res_partner_communication.py``,
    ``res_partner_cockpit.py`` and ``res_partner_vip.py``.
    """

    # The mixin refuses writes of the kam_ figures computed here and in the
    # other res_partner_* files (share, margin, risk, compliance...): they are
    # derived, a write would be dropped.
    _name = "res.partner"
    _inherit = ["res.partner", "kam.derived.fields.mixin"]

    kam_lifecycle_block = fields.Selection(
        LIFECYCLE_BLOCKS, string="Client-Base Block", copy=False, tracking=True
    )
    kam_dead_revivable = fields.Boolean(
        string="Revivable", help="A dead client that may still be brought back."
    )
    kam_lifecycle_zone = fields.Selection(
        [("birth", "Birth"), ("life", "Life"), ("exit", "Exit")],
        string="Lifecycle Zone",
        copy=False,
    )

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

    def _kam_account_action(self, xmlid, defaults=True, **context):
        """The window action ``xmlid`` on the records of this partner's key
        account (its commercial entity): filtered on the account, new records
        made for it (``defaults``), with the extra ``context`` keys.

        The stat buttons and menus of the partner form open the account's
        records this way, from the account or from any of its contacts.
        """
        self.ensure_one()
        account = self.commercial_partner_id
        action = self.env["ir.actions.act_window"]._for_xml_id(xmlid)
        action["domain"] = [("partner_id", "=", account.id)]
        action["context"] = {"default_partner_id": account.id, **context} if defaults else context
        return action

    def _kam_form_action(self):
        """The form of this partner (from a list of its health, dashboard row...)."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "res.partner",
            "res_id": self.id,
            "view_mode": "form",
        }

    # ------------------------------------------------------------------
    # Identification: recompute (cron, server action, settings button)
    # ------------------------------------------------------------------

    @api.model
    def _kam_cron_recompute(self):
        self._kam_recompute_metrics(isolate=True)

    @api.model
    def _kam_recompute_metrics(self, companies=None, partners=None, isolate=False, today=None):
        """Refresh the metrics, candidates, client-base blocks and alerts.

        One SQL statement per company for the metrics, then a handful of
        set-based queries: the cost does not depend on a loop over partners.
        ``partners`` (commercial partners) limits what is written; shares
        are always measured on the whole company.

        ``isolate`` (the cron): each company runs in a savepoint; a company
        whose settings are out of bounds or whose statement fails is logged
        and skipped (its alerts too) and the others are computed. The later
        steps run in savepoints as well, the alerts company by company when
        they fail together. ``today`` (by default the user's today) ends the window.
        """
        companies = companies or self.env["res.company"].sudo().search([])
        partner_ids = None if partners is None else partners.commercial_partner_id.ids
        today = today or fields.Date.context_today(self)
        Metric = self.env["kam.partner.metric"].sudo()
        Partner = self.sudo()
        changed = set(partner_ids or ())
        computed = companies.browse()
        for company in companies:
            if isolate:
                broken = company._kam_settings_errors("identification")
                if broken:
                    _logger.error(
                        "Key-account recompute: res.company(%s) %s skipped, settings out of bounds: %s",
                        company.id, company.name, ", ".join(broken),
                    )
                    continue
                done, rows = Partner._kam_isolated(
                    f"metrics of res.company({company.id}) {company.name}",
                    Metric._refresh_company, company, partner_ids, today,
                )
                if not done:
                    continue
            else:
                rows = Metric._refresh_company(company, partner_ids, today)
            changed.update(rows)
            computed |= company
        if not isolate:
            Partner._kam_update_candidates(partner_ids, today)
            # Blocks follow the rows whose earned block moved (orders, or the
            # company's order counts) and, on request, the selected partners.
            Partner._kam_update_lifecycle(list(changed))
            Partner._kam_raise_alerts(computed, partner_ids, today)
            return True
        Partner._kam_isolated("candidate update", Partner._kam_update_candidates, partner_ids, today)
        Partner._kam_isolated("client-base blocks", Partner._kam_update_lifecycle, list(changed))
        single = len(computed) <= 1
        done, _alerts = Partner._kam_isolated(
            "alerts", Partner._kam_raise_alerts, computed, partner_ids, today, log=single,
        )
        if not done and not single:
            for company in computed:
                Partner._kam_isolated(
                    f"alerts of res.company({company.id}) {company.name}",
                    Partner._kam_raise_alerts, company, partner_ids, today,
                )
        return True

    @api.model
    def _kam_isolated(self, what, function, *args, log=True):
        """``function(*args)`` in a savepoint: (True, its result), or (False, None) once
        the failure, named by ``what``, is logged and rolled back."""
        try:
            with self.env.cr.savepoint():
                return True, function(*args)
        except RETRY_ERRORS as error:
            # A concurrent transaction (another server's recompute, a user), not a
            # bad record: left to a run of the recompute a minute later.
            self.env.invalidate_all()
            _logger.warning(
                "Key-account recompute: %s met a concurrent transaction (%s); left to a run of "
                "the recompute in a minute", what, error.pgerror.strip() if error.pgerror else type(error).__name__,
            )
            self._kam_reschedule_recompute()
            return False, None
        except Exception:
            self.env.invalidate_all()
            if log:
                _logger.exception("Key-account recompute: %s failed and was skipped", what)
            else:
                _logger.warning("Key-account recompute: %s failed; retrying company by company", what)
            return False, None

    @api.model
    def _kam_reschedule_recompute(self, minutes=1):
        """Trigger the recompute cron ``minutes`` from now (work left after a conflict)."""
        cron = self.env.ref("kam_management.ir_cron_kam_recompute_metrics", raise_if_not_found=False)
        if cron:
            cron.sudo()._trigger(fields.Datetime.now() + datetime.timedelta(minutes=minutes))

    # ------------------------------------------------------------------
    # Identification: private helpers
    # ------------------------------------------------------------------

    @api.model
    def _kam_commercial_domain(self):
        """Commercial entities only: their contacts carry a synced copy of the
        key-account fields, which must not be counted twice."""
        return ["|", ("is_company", "=", True), ("parent_id", "=", False)]

    def _kam_current_metrics(self, fnames, sudo=False):
        """{commercial partner id: metric} of the current company, one query."""
        Metric = self.env["kam.partner.metric"]
        if sudo:
            Metric = Metric.sudo()
        partner_ids = [pid for pid in self.commercial_partner_id._origin.ids if pid]
        if not partner_ids:
            return {}
        metrics = Metric.search_fetch(
            [("partner_id", "in", partner_ids), ("company_id", "=", self.env.company.id)],
            ["partner_id", *fnames],
        )
        return {metric.partner_id.id: metric for metric in metrics}

    @api.model
    def _kam_dependency_subquery(self, levels):
        return SQL(
            """(SELECT p.id
                  FROM res_partner p
                  JOIN kam_partner_metric m ON m.partner_id = p.commercial_partner_id
                 WHERE m.company_id = %s AND m.dependency_level = ANY(%s))""",
            self.env.company.id,
            list(levels),
        )

    @api.model
    def _kam_update_candidates(self, partner_ids, today):
        """Partners that meet the rules in any company become candidates; candidates
        that no longer do go back to 'none'. Key and former are decided by people."""
        scope = self._kam_commercial_domain()
        if partner_ids is not None:
            scope = expression.AND([scope, [("id", "in", partner_ids)]])
        date = format_date(self.env, today)
        all_rising = all_falling = self.browse()
        # The status is per company: each company's metrics decide its candidates.
        for company in self.env["res.company"].sudo().search([]):
            partners = self.with_company(company)
            qualified = SQL(
                "(SELECT partner_id FROM kam_partner_metric WHERE is_candidate AND company_id = %s)",
                company.id,
            )
            # Read from the few qualifying metric rows (partial index), not from
            # the many partners whose status is 'none'.
            rising = partners.browse([
                partner_id for (partner_id,) in self.env.execute_query(SQL(
                    "SELECT DISTINCT partner_id FROM kam_partner_metric WHERE is_candidate AND company_id = %s",
                    company.id,
                ))
            ]).filtered_domain(
                expression.AND([scope, [("kam_status", "=", "none"), ("active", "=", True)]])
            )
            falling = partners.search(
                expression.AND([scope, [("kam_status", "=", "candidate"), ("id", "not in", qualified)]])
            )
            if rising:
                rising.write({
                    "kam_status": "candidate",
                    "kam_status_reason": self.env._(
                        "Meets the key-account rules (recompute of %(date)s).", date=date
                    ),
                })
            if falling:
                falling.write({
                    "kam_status": "none",
                    "kam_status_reason": self.env._(
                        "No longer meets the key-account rules (recompute of %(date)s).", date=date
                    ),
                })
            all_rising |= rising.with_env(self.env)
            all_falling |= falling.with_env(self.env)
        return all_rising, all_falling

    @api.model
    def _kam_update_lifecycle(self, partner_ids):
        """Working / regular client-base block of these partners, from the block
        their orders of the window earn in each company (``order_block`` of the
        metrics, ``rules.shares.order_block``): the highest of the companies,
        and never over a block a person chose (dead, time-tested, VIP, key;
        ``rules.shares.lifecycle_block``).

        One set-based UPDATE of the partners whose block changes, whatever
        their number (the first recompute of a database moves every client
        with orders). On a key account, candidate or former key account, a
        change from a block it already had is tracked in its chatter, all of
        them with one insert (``_kam_track_lifecycle_blocks``). Returns
        ``{block: [partner ids]}``.
        """
        if not partner_ids:
            return {}
        self.env["kam.partner.metric"].flush_model(["partner_id", "order_block"])
        self.flush_model(["kam_lifecycle_block"])
        auto_blocks = [block for block in AUTO_LIFECYCLE_BLOCKS if block]
        rows = self.env.execute_query(SQL(
            """
            WITH earned AS (
                SELECT partner_id,
                       CASE WHEN bool_or(order_block = 'regular')
                            THEN 'regular' ELSE 'working' END AS block
                  FROM kam_partner_metric
                 WHERE partner_id = ANY(%(ids)s) AND order_block IS NOT NULL
                 GROUP BY partner_id
            ), moved AS MATERIALIZED (
                SELECT p.id, p.kam_lifecycle_block AS old_block, e.block
                  FROM earned e
                  JOIN res_partner p ON p.id = e.partner_id
                 WHERE (p.kam_lifecycle_block IS NULL OR p.kam_lifecycle_block = ANY(%(auto)s))
                   AND p.kam_lifecycle_block IS DISTINCT FROM e.block
            )
            UPDATE res_partner p
               SET kam_lifecycle_block = moved.block,
                   write_uid = %(uid)s,
                   write_date = NOW() AT TIME ZONE 'UTC'
              FROM moved
             WHERE p.id = moved.id
               -- a person's concurrent choice is never overwritten
               AND p.kam_lifecycle_block IS NOT DISTINCT FROM moved.old_block
         RETURNING p.id, moved.old_block, moved.block,
                   EXISTS (SELECT 1 FROM kam_account a
                            WHERE a.partner_id = p.id AND a.kam_status != 'none') AS followed
            """,
            ids=list(partner_ids),
            auto=auto_blocks,
            uid=self.env.uid,
        ))
        if not rows:
            return {}
        self.browse([row[0] for row in rows]).invalidate_recordset(
            ["kam_lifecycle_block", "write_uid", "write_date"]
        )
        # The chatter of the accounts followed in key-account management tells
        # when their block moved; for the other clients, the metrics rows keep
        # the block their orders earn in each company.
        self._kam_track_lifecycle_blocks([
            (partner_id, old, block)
            for partner_id, old, block, followed in rows if old and followed
        ])
        by_block = {}
        for partner_id, _old, block, _followed in rows:
            by_block.setdefault(block, []).append(partner_id)
        return by_block

    @api.model
    def _kam_track_lifecycle_blocks(self, changes):
        """The chatter's tracking of ``changes`` ``(partner id, old block, new
        block)``: one note with one tracking value per partner, as the ORM's
        tracking writes them, inserted in one statement for all the partners."""
        if not changes:
            return
        field = self._fields["kam_lifecycle_block"]
        labels = dict(field._description_selection(self.env))
        author = self.env.user.partner_id
        author_id, email_from = self.env["mail.thread"]._message_compute_author(
            author.id, None, raise_on_email=False
        )
        reply_to = self.env["mail.thread"]._notify_get_reply_to(default=email_from)[False]
        ids = [partner_id for partner_id, _old, _new in changes]
        # The message ids are drawn first: the tracking values point at them
        # without joining the inserted messages back.
        self.env.execute_query(SQL(
            """
            WITH change AS MATERIALIZED (
                SELECT nextval('mail_message_id_seq') AS id, c.*
                  FROM unnest(%(ids)s::int[], %(olds)s::varchar[], %(news)s::varchar[],
                              %(message_ids)s::varchar[])
                       AS c(res_id, old_label, new_label, message_id)
            ), message AS (
                INSERT INTO mail_message (
                       id, model, res_id, message_type, subtype_id, is_internal, body,
                       author_id, email_from, reply_to, message_id, email_add_signature,
                       date, create_uid, create_date, write_uid, write_date)
                SELECT c.id, 'res.partner', c.res_id, 'notification', %(subtype)s, TRUE, '',
                       %(author)s, %(email_from)s, %(reply_to)s, c.message_id, FALSE,
                       NOW() AT TIME ZONE 'UTC', %(uid)s, NOW() AT TIME ZONE 'UTC',
                       %(uid)s, NOW() AT TIME ZONE 'UTC'
                  FROM change c
            )
            INSERT INTO mail_tracking_value (
                   field_id, old_value_char, new_value_char, mail_message_id,
                   create_uid, create_date, write_uid, write_date)
            SELECT %(field)s, c.old_label, c.new_label, c.id,
                   %(uid)s, NOW() AT TIME ZONE 'UTC', %(uid)s, NOW() AT TIME ZONE 'UTC'
              FROM change c
            """,
            ids=ids,
            olds=[labels.get(old, old) for _id, old, _new in changes],
            news=[labels.get(new, new) for _id, _old, new in changes],
            message_ids=[generate_tracking_message_id("message-notify") for _id in ids],
            subtype=self.env["ir.model.data"]._xmlid_to_res_id("mail.mt_note"),
            author=author_id,
            email_from=email_from,
            reply_to=reply_to,
            field=self.env["ir.model.fields"]._get(self._name, "kam_lifecycle_block").id,
            uid=self.env.uid,
        ))
        self.env["mail.message"].invalidate_model()
        self.browse(ids).invalidate_recordset(["message_ids"])

    @api.model
    def _kam_alert_managers(self, companies):
        """{company id: the KAM manager who receives company-level alerts}."""
        group = self.env.ref("kam_management.group_kam_manager")
        root = self.env.ref("base.user_root")
        users = self.env["res.users"].sudo().search(
            [("groups_id", "in", group.id), ("share", "=", False), ("id", "!=", root.id)],
            order="id",
        )
        managers = {}
        for company in companies:
            allowed = users.filtered(lambda user, company=company: company in user.company_ids)
            fallback = self.env.user if self.env.user != root else self.env["res.users"]
            managers[company.id] = allowed[:1] or fallback
        return managers

    @api.model
    def _kam_raise_alerts(self, companies, partner_ids=None, today=None):
        """One activity per alert (kind, record, company), kept true by ``kam.alert``.

        Client dependency (critical, mono-client) goes to the account's KAM
        (or salesperson, else the KAM manager). An overloaded KAM and the
        portfolio mono-dependence are management problems: the activity is for
        the KAM manager, on the KAM's partner and on the company's partner. An
        overdue VIP review goes to the sales manager: the leader of the team the
        account is key for, else of the salesperson's team, else the KAM manager.

        The alerts measured here (the companies, and the partners when given)
        are synced: raised when their cause appears, rewritten when their
        figures change, closed with a note when the cause is gone, and not
        raised again while a cause a user answered persists
        (``kam.alert._kam_sync``). Returns the open alert activities.
        """
        today = today or fields.Date.context_today(self)
        managers = self._kam_alert_managers(companies)
        alerts = {}

        def add(record, kind, company, user, values):
            if user:
                alerts[(record.id, kind, company.id or False)] = {"user": user, "values": values}

        Metric = self.env["kam.partner.metric"].sudo()
        dependency_domain = [
            ("company_id", "in", companies.ids), ("dependency_level", "in", ("critical", "mono")),
        ]
        if partner_ids is not None:
            dependency_domain.append(("partner_id", "in", partner_ids))
        for metric in Metric.search_fetch(
            dependency_domain, ["partner_id", "company_id", "dependency_level", "share"]
        ):
            partner, company = metric.partner_id, metric.company_id
            user = partner.with_company(company).kam_user_id or partner.user_id or managers.get(company.id)
            kind = "mono" if metric.dependency_level == "mono" else "critical"
            add(partner, kind, company, user, {"share": round(metric.share, 1)})

        # The few key accounts first (index on the status), then their metrics
        # through the (partner, company) index: no scan of every client's row.
        key_shares = self.env.execute_query(SQL(
            """
            WITH keys AS MATERIALIZED (
                SELECT partner_id, company_id FROM kam_account WHERE kam_status = 'key'
            )
            SELECT m.company_id, SUM(m.share)
              FROM keys
              JOIN kam_partner_metric m
                ON m.partner_id = keys.partner_id AND m.company_id = keys.company_id
             WHERE m.company_id = ANY(%s)
             GROUP BY m.company_id
            """,
            companies.ids,
        ))
        for company_id, total_share in key_shares:
            company = companies.browse(company_id)
            state = portfolio_state(
                total_share, company.kam_portfolio_band_low, company.kam_portfolio_band_high,
                company.kam_portfolio_mono_share,
            )
            if state == "mono":
                add(company.partner_id, "portfolio_mono", company, managers.get(company.id),
                    {"share": round(total_share, 1)})

        Account = self.env["kam.account"].sudo()
        loads = Account._read_group(
            [
                ("company_id", "in", companies.ids), ("kam_status", "=", "key"),
                ("kam_user_id", "!=", False), ("partner_id.active", "=", True),
            ],
            ["company_id", "kam_user_id"], ["__count"],
        )
        for company, kam, count in loads:
            if kam_overloaded(count, company.kam_max_accounts_per_kam):
                add(kam.partner_id, "kam_overload", company, managers.get(company.id),
                    {"count": count, "max": company.kam_max_accounts_per_kam})

        vip_domain = [
            ("company_id", "in", companies.ids), ("kam_is_vip", "=", True),
            ("kam_vip_review_date", "<", today), ("partner_id.active", "=", True),
        ]
        if partner_ids is not None:
            vip_domain.append(("partner_id", "in", partner_ids))
        for account in Account.search(vip_domain):
            # VIP is decided per company: one review alert per account and company.
            partner, company = account.partner_id, account.company_id
            user = (
                account.kam_level_team_id.user_id
                or partner.user_id.sale_team_id.user_id
                or managers.get(company.id)
            )
            add(partner, "vip_review", company, user,
                {"date": fields.Date.to_string(account.kam_vip_review_date)})
        # What this run measured: the alerts of these companies (of these
        # partners, when given).
        in_partners = [("partner_id", "in", partner_ids)] if partner_ids is not None else []
        scope = expression.OR([
            [("kind", "in", ("critical", "mono", "vip_review")), ("company_id", "in", companies.ids),
             *in_partners],
            [("kind", "in", ("portfolio_mono", "kam_overload")), ("company_id", "in", companies.ids)],
        ])
        return self.env["kam.alert"].sudo()._kam_sync(alerts, scope, today)

    @api.model
    def _kam_create_alert_activities(self, alerts, today):
        """Create the activities of ``alerts`` (``{key: activity values}``), batched;
        an alert whose activity cannot be created costs only itself (logged)."""
        Activity = self.env["mail.activity"].sudo()
        if not alerts:
            return Activity
        activity_type = self.env.ref("kam_management.mail_act_kam_alert")
        model_id = self.env["ir.model"]._get_id("res.partner")
        vals_list = [
            dict(values, res_model_id=model_id, activity_type_id=activity_type.id,
                 date_deadline=today, automated=True)
            for values in alerts.values()
        ]
        if len(vals_list) > 1:
            try:
                with self.env.cr.savepoint():
                    return Activity.create(vals_list)
            except RETRY_ERRORS:
                raise  # a concurrent transaction, not a bad record: the caller retries
            except Exception:
                self.env.invalidate_all()
                _logger.warning("Key-account alerts: creating %s alerts failed; one by one", len(vals_list))
        # One bad record (an assignee or a partner that cannot be written)
        # costs only its own alert.
        activities = Activity
        for vals in vals_list:
            try:
                with self.env.cr.savepoint():
                    activities |= Activity.create(vals)
            except RETRY_ERRORS:
                raise
            except Exception:
                self.env.invalidate_all()
                _logger.exception(
                    "Key-account alerts: the %s alert on res.partner(%s) failed and was skipped",
                    vals["kam_alert_kind"], vals["res_id"],
                )
        return activities
