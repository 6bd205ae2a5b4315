# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

import logging
from datetime import timedelta

from odoo import api, fields, models, modules
from odoo.exceptions import ValidationError
from odoo.tools import SQL, split_every

from ..rules import risk
from .kam_account_owned_mixin import kam_account_domain
from .kam_concurrency import run_with_retry
from .kam_selections import RISK_LEVELS

_logger = logging.getLogger(__name__)

BATCH_SIZE = 1000
# A refresh that left accounts to a later run comes back after this many minutes.
RESCHEDULE_MINUTES = 1
# Written by the refresh (as superuser) only: a KAM must not hide the risk of
# their own account from the head of KAM.
REFRESH_FIELDS = (
    "risk_score", "risk_level", "signal_data", "compliance_rate", "last_refresh",
    *(f"signal_{code}" for code in risk.SIGNAL_CODES),
)
# Stamped by the code from the user who records the decision.
DECISION_STAMP_FIELDS = ("decision_user_id", "decision_date")


class KamAccountHealth(models.Model):
    """Relationship health of a key account in one company.

    Two halves: the churn-risk signals computed from the order, invoice,
    category and contact history (digest §7.1), refreshed set-based by a daily
    cron; and the "consider ending" review the KAM fills in by hand (§7.2)
    with a decision that is tracked in the chatter.
    """

    _name = "kam.account.health"
    _description = "Key Account Health"
    _inherit = ["mail.thread", "kam.account.owned.mixin", "kam.derived.fields.mixin"]
    _order = "risk_score desc, id"
    _rec_name = "partner_id"
    _check_company_auto = True
    _kam_derived_fields = (
        *REFRESH_FIELDS, *DECISION_STAMP_FIELDS, "kam_user_id", "ending_flag_count",
        "ending_warning",
    )

    partner_id = fields.Many2one(
        "res.partner", string="Account", required=True, ondelete="cascade", index=True,
        check_company=True, domain=kam_account_domain,
    )
    company_id = fields.Many2one(
        "res.company", string="Company", required=True, index=True,
        default=lambda self: self.env.company,
    )
    kam_user_id = fields.Many2one(
        "res.users", string="Key Account Manager", compute="_compute_kam_user_id", store=True,
        help="The account's KAM in the company of the health (kept by ``kam.account``).",
    )
    kam_status = fields.Selection(related="kam_account_id.kam_status", string="Key-Account Status")

    # Risk signals (computed by _kam_refresh)
    risk_score = fields.Integer(string="Risk Score", readonly=True, copy=False, aggregator="avg")
    risk_level = fields.Selection(
        RISK_LEVELS, string="Risk", default="low", required=True, readonly=True, tracking=True,
        copy=False,
    )
    signal_data = fields.Json(
        string="Signal Data", readonly=True, copy=False,
        help="The numbers behind each fired signal, keyed by signal code.",
    )
    signal_shrinking_amounts = fields.Boolean(string="Shrinking Orders", readonly=True, copy=False)
    signal_interval_growth = fields.Boolean(string="Longer Intervals", readonly=True, copy=False)
    signal_payment_delay = fields.Boolean(string="Later Payments", readonly=True, copy=False)
    signal_no_positive_contact = fields.Boolean(string="No Positive Contact", readonly=True, copy=False)
    signal_negative_contacts = fields.Boolean(string="Negative Contacts", readonly=True, copy=False)
    signal_dropped_categories = fields.Boolean(string="Dropped Categories", readonly=True, copy=False)
    compliance_rate = fields.Float(
        string="Plan Compliance (%)", readonly=True, copy=False, aggregator="avg",
        help="Communication-plan compliance at the last refresh.",
    )
    last_refresh = fields.Datetime(string="Last Refresh", readonly=True, copy=False)

    _sql_constraints = [
        (
            "partner_company_uniq",
            "unique(partner_id, company_id)",
            "An account has one health record per company.",
        ),
    ]

    # ------------------------------------------------------------------
    # Computes and constraints
    # ------------------------------------------------------------------

    @api.depends("partner_id", "company_id")
    def _compute_kam_user_id(self):
        for health in self:
            health.kam_user_id = health.sudo().kam_account_id.kam_user_id

    @api.constrains("partner_id")
    def _check_partner_is_account(self):
        """The health of the account (the commercial entity): its signals are
        measured on the account's orders, invoices and contacts."""
        for health in self:
            account = health.partner_id.commercial_partner_id
            if health.partner_id != account:
                raise ValidationError(self.env._(
                    "%(person)s is a contact of %(account)s: the health is kept on %(account)s.",
                    person=health.partner_id.name,
                    account=account.display_name,
                ))

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_refresh(self):
        """Recompute the signals of these accounts now."""
        for company, healths in self.grouped("company_id").items():
            healths.partner_id._kam_refresh_health(companies=company)
        return True

    def action_open_partner(self):
        self.ensure_one()
        return self.partner_id._kam_form_action()

    @api.model
    def _cron_refresh(self):
        """Daily refresh of every key account in every company.

        Run by the cron (never in a test), each batch is committed; called from
        anywhere else (demo data, a manual run) everything stays in the caller's
        transaction.
        """
        commit = bool(self.env.context.get("cron_id")) and not modules.module.current_test
        self._kam_refresh(self.env["res.company"].search([]), isolate=True, commit=commit)

    # ------------------------------------------------------------------
    # Refresh (set-based)
    # ------------------------------------------------------------------

    @api.model
    def _kam_refresh(self, companies, partners=None, isolate=False, commit=False):
        """Recompute the risk signals of the key accounts of ``companies``.

        ``partners`` restricts the refresh to these accounts (they still must be
        key accounts). Per company and per batch of accounts: one query for the
        last orders, one for payment delays, one for categories, two grouped
        reads of the contact log, the batch compute of the plan compliance,
        then the values of every account, flushed together.

        ``isolate`` (the cron): a company whose risk settings are out of bounds
        is skipped, and a batch that fails is run again account by account,
        each in a savepoint; what fails is logged with its id, the rest goes on.
        With ``commit`` as well, each batch is committed, and a batch that
        meets a concurrent transaction (a user refreshing an account) is
        retried in a new transaction; when the conflict outlives the retries
        its accounts are left to a run of the cron triggered a minute later.
        """
        today = fields.Date.context_today(self)
        Partner = self.env["res.partner"].sudo()
        left = []
        for company in companies:
            broken = isolate and company._kam_settings_errors("risk")
            if broken:
                _logger.error(
                    "Risk refresh: res.company(%s) %s skipped, settings out of bounds: %s",
                    company.id, company.name, ", ".join(broken),
                )
                continue
            # contacts of a key account inherit its status: the commercial entities only
            domain = [
                *Partner._kam_commercial_domain(),
                ("kam_status", "=", "key"),
                ("company_id", "in", [False, company.id]),
            ]
            if partners is not None:
                domain.append(("id", "in", partners.commercial_partner_id.ids))
            # The key accounts of this company (the status is per company).
            partner_ids = Partner.with_company(company).search(domain, order="id").ids
            for batch in split_every(BATCH_SIZE, partner_ids, list):
                if isolate:
                    left += self._kam_refresh_isolated(company, batch, today, commit=commit)
                    if commit:
                        self.env.cr.commit()  # pylint: disable=invalid-commit
                else:
                    self._kam_refresh_batch(company, batch, today)
                self.env.invalidate_all()
        if left:
            _logger.warning(
                "Risk refresh: %s account(s) %s left to a later run after conflicts with "
                "concurrent transactions; refresh rescheduled", len(left), left[:50],
            )
            cron = self.env.ref("kam_management.ir_cron_kam_refresh_health", raise_if_not_found=False)
            if cron:
                cron._trigger(fields.Datetime.now() + timedelta(minutes=RESCHEDULE_MINUTES))
        return left

    def _kam_refresh_isolated(self, company, partner_ids, today, commit=False):
        """The batch in a savepoint; when it fails, each of its accounts in its own.

        A conflict with a concurrent transaction is retried (see
        ``kam_concurrency.run_with_retry``); returns the ids of the accounts
        whose conflict outlived the retries, left to a later run.
        """
        what = f"Risk refresh: batch of {len(partner_ids)} account(s) of res.company({company.id})"
        try:
            if run_with_retry(
                self.env, lambda: self._kam_refresh_batch(company, partner_ids, today), what,
                commit=commit,
            ):
                return []
            return list(partner_ids)
        except Exception:
            self.env.invalidate_all()
            if len(partner_ids) == 1:
                _logger.exception(
                    "Risk refresh: res.partner(%s) of res.company(%s) failed and was skipped",
                    partner_ids[0], company.id,
                )
                return []
            _logger.warning(
                "Risk refresh: a batch of %s accounts of res.company(%s) failed; "
                "refreshing it account by account", len(partner_ids), company.id,
            )
        left = []
        for partner_id in partner_ids:
            left += self._kam_refresh_isolated(company, [partner_id], today, commit=commit)
        return left

    def _kam_refresh_batch(self, company, partner_ids, today):
        # The rows first, locked: a user refreshing one of them meanwhile
        # waits for the batch instead of failing it at its end.
        healths = self.sudo()._kam_ensure(company, partner_ids)
        if healths:
            self.env.cr.execute(
                "SELECT id FROM kam_account_health WHERE id = ANY(%s) ORDER BY id FOR NO KEY UPDATE",
                [healths.ids], log_exceptions=False,
            )
        by_partner = {health.partner_id.id: health for health in healths}
        history = self._kam_fetch_order_history(company, partner_ids)
        delays = self._kam_fetch_payment_delays(company, partner_ids, today)
        categories = self._kam_fetch_categories(company, partner_ids, today)
        contacts = self._kam_fetch_contacts(company, partner_ids, today)
        compliance = self._kam_fetch_compliance(company, partner_ids)

        now = fields.Datetime.now()
        for partner_id in partner_ids:
            signals = self._kam_signals(
                company, today,
                history.get(partner_id, []),
                delays.get(partner_id, []),
                categories.get(partner_id, ({}, {})),
                contacts[partner_id],
            )
            fired = {code: values for code, values in signals.items() if values is not None}
            score = risk.risk_score(fired)
            vals = {
                "signal_data": fired,
                "risk_score": score,
                "risk_level": risk.risk_level(score),
                "last_refresh": now,
                **{f"signal_{code}": code in fired for code in risk.SIGNAL_CODES},
            }
            vals["compliance_rate"] = compliance.get(partner_id, 0.0)
            by_partner[partner_id].write(vals)

    @api.model
    def _kam_ensure(self, company, partner_ids):
        """The health rows of these accounts in ``company``, inserted when missing.

        One ``INSERT … ON CONFLICT DO NOTHING`` on the unique (account,
        company): a row that a concurrent transaction inserts at the same
        moment (a user opening "Risk" while the cron runs) is never doubled,
        and never fails this transaction on a unique violation. Under Odoo's
        repeatable read, a row committed after this transaction began makes it
        fail with a serialization failure instead, which Odoo replays for a
        request and the cron retries in a new transaction. Inserted rows go
        through the create access check of the user, as an ORM create would.
        """
        healths = self.search([("company_id", "=", company.id), ("partner_id", "in", list(partner_ids))])
        missing = sorted(set(partner_ids) - set(healths.partner_id.ids))
        if not missing:
            return healths
        self.check_access("create")
        self.env["kam.account"].flush_model(["partner_id", "company_id", "kam_user_id"])
        self.env.cr.execute(SQL(
            """
            INSERT INTO kam_account_health
                   (partner_id, company_id, kam_user_id, risk_score, risk_level, ending_flag_count,
                    ending_warning, create_uid, write_uid, create_date, write_date)
            SELECT partner.id, %(company)s, account.kam_user_id, 0, 'low', 0, FALSE,
                   %(uid)s, %(uid)s, now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
              FROM res_partner partner
              LEFT JOIN kam_account account
                ON account.partner_id = partner.id AND account.company_id = %(company)s
             WHERE partner.id = ANY(%(partners)s)
             ORDER BY partner.id
            ON CONFLICT (partner_id, company_id) DO NOTHING
            RETURNING id
            """,
            company=company.id, partners=missing, uid=self.env.uid,
        ), log_exceptions=False)  # a lost race: replayed by Odoo (request) or retried (cron)
        created = self.browse([row[0] for row in self.env.cr.fetchall()])
        created.check_access("create")
        # A row that existed but was not readable stays out, as with a search.
        return healths | self.search([("company_id", "=", company.id), ("partner_id", "in", missing)])

    @api.model
    def _kam_signals(self, company, today, orders, delays, categories, contacts):
        """Run the pure detectors on one account's history; ``{code: values or None}``."""
        dates = [date for date, _amount in orders]
        amounts = [amount for _date, amount in orders]
        previous, recent = categories
        signals = {
            risk.SHRINKING_AMOUNTS: risk.shrinking_amounts(amounts, orders=company.kam_risk_orders),
            risk.INTERVAL_GROWTH: risk.interval_growth(
                dates, today, factor=company.kam_risk_interval_factor,
            ),
            risk.PAYMENT_DELAY: risk.payment_delay(delays, invoices=company.kam_risk_orders),
            risk.DROPPED_CATEGORIES: risk.dropped_categories(previous, recent),
            risk.NO_POSITIVE_CONTACT: None,
            risk.NEGATIVE_CONTACTS: None,
        }
        if signals[risk.DROPPED_CATEGORIES]:
            signals[risk.DROPPED_CATEGORIES]["months"] = company.kam_risk_category_months
        last_positive, negative_count = contacts
        if company.kam_positive_gap_enabled:
            signals[risk.NO_POSITIVE_CONTACT] = risk.no_positive_contact(
                last_positive, today, company.kam_positive_gap_days,
            )
        signals[risk.NEGATIVE_CONTACTS] = risk.negative_contacts(
            negative_count, company.kam_risk_negative_days,
        )
        return signals

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

    def _kam_derived_source(self):
        return self.env._(
            "the risk figures are computed by the refresh, the ending flags count the ticked "
            "flags, the KAM is the account's, and who decided and when are recorded with the "
            "decision"
        )
