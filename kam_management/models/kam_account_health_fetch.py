# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from collections import defaultdict
from datetime import datetime, time, timedelta

from dateutil.relativedelta import relativedelta

from odoo import api, models
from odoo.tools import SQL

# Orders read per account to measure its own rhythm (average interval).
HISTORY_ORDERS = 12


class KamAccountHealth(models.Model):
    """The history the risk signals are measured on, read in SQL per batch.

    One query per source (orders, invoices, categories, contacts) for all
    the accounts of a batch: the refresh (``_kam_refresh_batch``) runs the pure
    detectors of ``rules.risk`` on what these return, without a query per
    account.
    """

    _inherit = "kam.account.health"

    @api.model
    def _kam_fetch_order_history(self, company, partner_ids):
        """Last confirmed orders per account, oldest first: ``{partner: [(date, amount)]}``.

        Amounts are untaxed, in the company currency (``currency_rate`` is the
        rate of the order currency against the company's at the order date).
        """
        self.env["sale.order"].flush_model(
            ["partner_id", "state", "company_id", "date_order", "amount_untaxed", "currency_rate"]
        )
        self.env["res.partner"].flush_model(["commercial_partner_id"])
        limit = max(HISTORY_ORDERS, company.kam_risk_orders)
        rows = self.env.execute_query(SQL(
            """
            SELECT ranked.partner_id, ranked.date_order, ranked.amount
              FROM (
                    SELECT partner.commercial_partner_id AS partner_id,
                           so.date_order,
                           so.amount_untaxed / COALESCE(NULLIF(so.currency_rate, 0), 1) AS amount,
                           ROW_NUMBER() OVER (
                               PARTITION BY partner.commercial_partner_id
                               ORDER BY so.date_order DESC, so.id DESC
                           ) AS rn
                      FROM sale_order so
                      JOIN res_partner partner ON partner.id = so.partner_id
                     WHERE so.state = 'sale'
                       AND so.company_id = %(company)s
                       AND partner.commercial_partner_id = ANY(%(partners)s)
                   ) ranked
             WHERE ranked.rn <= %(limit)s
          ORDER BY ranked.partner_id, ranked.date_order, ranked.amount DESC
            """,
            company=company.id, partners=list(partner_ids), limit=limit,
        ))
        history = defaultdict(list)
        for partner_id, date_order, amount in rows:
            history[partner_id].append((date_order.date(), float(amount or 0.0)))
        return history

    @api.model
    def _kam_fetch_payment_delays(self, company, partner_ids, today):
        """Days late of the last customer invoices per account, oldest first.

        A paid invoice counts from its due date to the date of the last
        reconciliation of its receivable line (``account.partial.reconcile``
        ``max_date``: the later of the invoice and payment dates); an unpaid
        invoice past its due date counts until today, since the delay is still
        growing. Invoices not yet due, and invoices cancelled by a credit note,
        say nothing about how the client pays and are left out.
        """
        self.env["account.move"].flush_model(
            ["move_type", "state", "company_id", "commercial_partner_id", "invoice_date",
             "invoice_date_due", "payment_state"]
        )
        self.env["account.move.line"].flush_model(["move_id", "account_id"])
        self.env["account.partial.reconcile"].flush_model(["debit_move_id", "max_date"])
        rows = self.env.execute_query(SQL(
            """
            SELECT ranked.partner_id, ranked.delay
              FROM (
                    SELECT move.commercial_partner_id AS partner_id,
                           move.invoice_date,
                           move.id,
                           CASE WHEN move.payment_state IN ('paid', 'in_payment')
                                THEN paid.paid_date
                                ELSE %(today)s::date
                           END - move.invoice_date_due AS delay,
                           ROW_NUMBER() OVER (
                               PARTITION BY move.commercial_partner_id
                               ORDER BY move.invoice_date DESC, move.id DESC
                           ) AS rn
                      FROM account_move move
                 LEFT JOIN LATERAL (
                           SELECT MAX(part.max_date) AS paid_date
                             FROM account_move_line line
                             JOIN account_account account
                               ON account.id = line.account_id
                              AND account.account_type = 'asset_receivable'
                             JOIN account_partial_reconcile part ON part.debit_move_id = line.id
                            WHERE line.move_id = move.id
                           ) paid ON TRUE
                     WHERE move.move_type = 'out_invoice'
                       AND move.state = 'posted'
                       AND move.company_id = %(company)s
                       AND move.commercial_partner_id = ANY(%(partners)s)
                       AND move.invoice_date_due IS NOT NULL
                       AND move.payment_state != 'reversed'
                       AND (move.payment_state IN ('paid', 'in_payment')
                            OR move.invoice_date_due < %(today)s::date)
                   ) ranked
             WHERE ranked.rn <= %(limit)s AND ranked.delay IS NOT NULL
          ORDER BY ranked.partner_id, ranked.invoice_date, ranked.id
            """,
            company=company.id, partners=list(partner_ids), today=today,
            limit=company.kam_risk_orders,
        ))
        delays = defaultdict(list)
        for partner_id, delay in rows:
            delays[partner_id].append(delay)
        return delays

    @api.model
    def _kam_fetch_categories(self, company, partner_ids, today):
        """Product categories per account in the previous and the recent window.

        ``{partner: (previous names, recent names)}``; each window is
        ``kam_risk_category_months`` long, the recent one ending today.
        """
        months = company.kam_risk_category_months
        recent_start = datetime.combine(today - relativedelta(months=months), time.min)
        previous_start = datetime.combine(today - relativedelta(months=2 * months), time.min)
        end = datetime.combine(today + timedelta(days=1), time.min)
        self.env["product.category"].flush_model(["complete_name"])
        # The same category figures as the white space (``kam.category.revenue``):
        # bought in the previous period when the first order of the category
        # falls before the recent one, in the recent period when the last does.
        rows = self.env.execute_query(SQL(
            """
            SELECT figures.partner_id,
                   categ.complete_name,
                   figures.first_order < %(recent_start)s AS previous,
                   figures.last_order >= %(recent_start)s AS recent
              FROM (%(figures)s) figures
              JOIN product_category categ ON categ.id = figures.categ_id
            """,
            figures=self.env["kam.category.revenue"]._kam_category_revenue_query(
                company, previous_start, end, partner_ids,
            ),
            recent_start=recent_start,
        ))
        categories = defaultdict(lambda: (set(), set()))
        for partner_id, name, previous, recent in rows:
            if previous:
                categories[partner_id][0].add(name)
            if recent:
                categories[partner_id][1].add(name)
        return categories

    @api.model
    def _kam_fetch_contacts(self, company, partner_ids, today):
        """``{partner: (last positive contact date, negative contacts in the window)}``.

        Every account gets an entry (``(None, 0)`` without logs) so that the
        contact signals are evaluated for all of them.
        """
        Log = self.env["kam.contact.log"].sudo()
        since = today - timedelta(days=company.kam_risk_negative_days)
        contacts = dict.fromkeys(partner_ids, (None, 0))
        positive = Log._read_group(
            [("company_id", "=", company.id), ("partner_id", "in", partner_ids),
             ("outcome", "=", "positive")],
            ["partner_id"], ["date:max"],
        )
        for partner, last_date in positive:
            if isinstance(last_date, datetime):
                last_date = last_date.date()
            contacts[partner.id] = (last_date, 0)
        negative = Log._read_group(
            [("company_id", "=", company.id), ("partner_id", "in", partner_ids),
             ("outcome", "=", "negative"), ("date", ">=", since)],
            ["partner_id"], ["__count"],
        )
        for partner, count in negative:
            contacts[partner.id] = (contacts[partner.id][0], count)
        return contacts

    @api.model
    def _kam_fetch_compliance(self, company, partner_ids):
        """Communication-plan compliance per account, as seen in ``company``."""
        partners = self.env["res.partner"].sudo().with_company(company).browse(partner_ids)
        return {partner.id: partner.kam_compliance_rate for partner in partners}
