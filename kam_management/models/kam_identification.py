# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

import datetime
import logging

from odoo import api, fields, models
from odoo.osv import expression
from odoo.tools import SQL, format_date

from ..rules.shares import kam_overloaded, portfolio_state
from .kam_concurrency import RETRY_ERRORS

_logger = logging.getLogger(__name__)


class KamIdentification(models.AbstractModel):
    """The daily key-account identification of every company: metrics, candidates,
    block moves and alerts (the cron, the partners' server action and the
    settings' button). A service, like ``kam.comm.scheduler``: it holds no
    records; what it computes lives in ``kam.partner.metric``, ``kam.account``,
    the partners' chatter and ``kam.alert``."""

    _name = "kam.identification"
    _description = "Key-Account Identification"

    @api.model
    def _cron_recompute(self):
        self._recompute(isolate=True)

    @api.model
    def _recompute(self, companies=None, partners=None, isolate=False, today=None):
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
        Partner = self.env["res.partner"].sudo()
        Service = self.sudo()
        moves = []
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
                done, rows = Service._isolated(
                    f"metrics of res.company({company.id}) {company.name}",
                    Metric._refresh_company, company, partner_ids, today,
                )
                if not done:
                    continue
            else:
                rows = Metric._refresh_company(company, partner_ids, today)
            moves += rows
            computed |= company
        if not isolate:
            Service._update_candidates(partner_ids, today)
            # The block shown is derived from the metrics rows: only the
            # chatter of the followed accounts is told when it moved.
            Partner._kam_track_block_moves(moves)
            Service._raise_alerts(computed, partner_ids, today)
            return True
        Service._isolated("candidate update", Service._update_candidates, partner_ids, today)
        Service._isolated("client-base blocks", Partner._kam_track_block_moves, moves)
        single = len(computed) <= 1
        done, _alerts = Service._isolated(
            "alerts", Service._raise_alerts, computed, partner_ids, today, log=single,
        )
        if not done and not single:
            for company in computed:
                Service._isolated(
                    f"alerts of res.company({company.id}) {company.name}",
                    Service._raise_alerts, company, partner_ids, today,
                )
        return True

    @api.model
    def _isolated(self, what, function, *args, log=True):
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
            self._reschedule()
            return False, None
        except Exception:
            self.env.invalidate_all()
            if log:
                _logger.exception("Key-account recompute: %s failed and was skipped", what)
            else:
                _logger.warning("Key-account recompute: %s failed; retrying company by company", what)
            return False, None

    @api.model
    def _reschedule(self, minutes=1):
        """Trigger the recompute cron ``minutes`` from now (work left after a conflict)."""
        cron = self.env.ref("kam_management.ir_cron_kam_recompute_metrics", raise_if_not_found=False)
        if cron:
            cron.sudo()._trigger(fields.Datetime.now() + datetime.timedelta(minutes=minutes))

    @api.model
    def _update_candidates(self, partner_ids, today):
        """Partners that meet the rules in any company become candidates; candidates
        that no longer do go back to 'none'. Key and former are decided by people."""
        Partner = self.env["res.partner"]
        scope = Partner._kam_commercial_domain()
        if partner_ids is not None:
            scope = expression.AND([scope, [("id", "in", partner_ids)]])
        date = format_date(self.env, today)
        all_rising = all_falling = Partner.browse()
        # The status is per company: each company's metrics decide its candidates.
        for company in self.env["res.company"].sudo().search([]):
            partners = Partner.with_company(company)
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
    def _alert_managers(self, companies):
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
    def _raise_alerts(self, companies, partner_ids=None, today=None):
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
        managers = self._alert_managers(companies)
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
        # through the (partner, company) index; their shares of the company's
        # totals, as ``kam.partner.metric`` derives them.
        key_shares = self.env.execute_query(SQL(
            """
            WITH keys AS MATERIALIZED (
                SELECT partner_id, company_id FROM kam_account WHERE kam_status = 'key'
            )
            SELECT m.company_id, SUM(%(share)s)
              FROM keys
              JOIN kam_partner_metric m
                ON m.partner_id = keys.partner_id AND m.company_id = keys.company_id
              JOIN %(totals)s t ON t.company_id = m.company_id
             WHERE m.company_id = ANY(%(companies)s)
             GROUP BY m.company_id
            """,
            share=Metric._share_sql(SQL("m.basis_amount"), SQL("t.total_basis")),
            totals=Metric._totals_sql(companies.ids),
            companies=companies.ids,
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
    def _create_alert_activities(self, alerts, today):
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
