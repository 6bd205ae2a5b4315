# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""Fill a scratch database with realistic KAM data, fast.

Run through `make bench-data SCALE=small|medium|large` (tools/kamctl.py), which
creates the database with kam_management installed and calls
``generate(env, scale)`` here. Bulk rows go in with ``INSERT ... SELECT
generate_series`` through the ORM cursor: the ORM would take hours for a
million invoice lines. Rows are shaped like Odoo's own (posted customer
invoices and refunds with product and receivable lines, confirmed sale orders
with margins, opportunities), so the addon's queries see what production has.
"""

import logging
import random
import time

_logger = logging.getLogger(__name__)

SCALES = {
    # partners, invoice lines, orders, leads, key accounts (with DMU, plans, logs)
    "small": {"partners": 2_000, "invoice_lines": 20_000, "orders": 6_000,
              "leads": 500, "key_accounts": 100},
    "medium": {"partners": 20_000, "invoice_lines": 200_000, "orders": 60_000,
               "leads": 5_000, "key_accounts": 1_000},
    "large": {"partners": 100_000, "invoice_lines": 1_000_000, "orders": 300_000,
              "leads": 20_000, "key_accounts": 5_000},
}
LINES_PER_INVOICE = 5


def generate(env, scale):
    """Generate the data of ``scale`` in the database of ``env``; return counts."""
    sizes = SCALES[scale]
    cr = env.cr
    started = time.time()
    company = env.ref("base.main_company")
    ctx = _context(env, company)
    partner_ids = _partners(cr, sizes["partners"], company)
    _invoices(cr, ctx, partner_ids, sizes["invoice_lines"])
    _orders(cr, ctx, partner_ids, sizes["orders"])
    _leads(cr, ctx, partner_ids, sizes["leads"])
    env.invalidate_all()
    key_ids = _key_accounts(env, partner_ids, sizes["key_accounts"])
    cr.execute("ANALYZE")
    _logger.info("bench data %s generated in %.1f s", scale, time.time() - started)
    return {"partners": len(partner_ids), "key_accounts": len(key_ids), **sizes}


def _context(env, company):
    journal = env["account.journal"].search(
        [("type", "=", "sale"), ("company_id", "=", company.id)], limit=1)
    income = journal.default_account_id
    receivable = env["account.account"].search(
        [("account_type", "=", "asset_receivable"), ("company_ids", "in", company.id)], limit=1)
    categories = env["product.category"].search([], limit=5)
    products = env["product.product"].search([("sale_ok", "=", True)], limit=20)
    users = env["res.users"].search([("share", "=", False)], limit=10)
    return {
        "company": company.id, "currency": company.currency_id.id, "journal": journal.id,
        "income": income.id, "receivable": receivable.id,
        "products": products.ids, "categories": categories.ids, "users": users.ids,
        "pricelist": env["product.pricelist"].search([], limit=1).id or None,
        "stage": env["crm.stage"].search([], limit=1).id or None,
    }


def _partners(cr, count, company):
    """Companies (80 %) and their contacts (20 %), as Odoo would store them."""
    companies = int(count * 0.8)
    cr.execute(
        """
        INSERT INTO res_partner (name, complete_name, is_company, active, type,
                                 autopost_bills, customer_rank, lang,
                                 create_date, write_date, create_uid, write_uid)
        SELECT 'Bench Customer ' || g, 'Bench Customer ' || g, true, true, 'contact',
               'ask', 1, 'en_US', now(), now(), 1, 1
          FROM generate_series(1, %s) g
        RETURNING id
        """,
        [companies],
    )
    company_ids = [r[0] for r in cr.fetchall()]
    cr.execute("UPDATE res_partner SET commercial_partner_id = id WHERE id = ANY(%s)",
               [company_ids])
    cr.execute(
        """
        INSERT INTO res_partner (name, complete_name, parent_id, commercial_partner_id,
                                 is_company, active, type, autopost_bills,
                                 lang, create_date, write_date, create_uid, write_uid)
        SELECT 'Contact ' || g, 'Bench Customer ' || p.id || ', Contact ' || g, p.id, p.id,
               false, true, 'contact', 'ask', 'en_US', now(), now(), 1, 1
          FROM generate_series(1, %s) g
          JOIN LATERAL (SELECT (%s::int[])[1 + (g * 7919) %% %s] AS id) p ON true
        """,
        [count - companies, company_ids, len(company_ids)],
    )
    return company_ids


def _invoices(cr, ctx, partner_ids, line_count):
    """Posted invoices (90 %) and refunds (10 %) with product lines and a receivable line.

    Amounts follow a Pareto-like spread: a few partners weigh a lot, as in
    real customer bases, so that shares and ranks are meaningful.
    """
    moves = line_count // LINES_PER_INVOICE
    cr.execute(
        """
        CREATE TEMP TABLE bench_move AS
        SELECT g AS n,
               (%(partners)s::int[])[1 + floor(power(random(), 3) * %(np)s)::int] AS partner_id,
               (current_date - (random() * 700)::int) AS date,
               CASE WHEN g %% 10 = 0 THEN 'out_refund' ELSE 'out_invoice' END AS move_type
          FROM generate_series(1, %(moves)s) g
        """,
        {"partners": partner_ids, "np": len(partner_ids), "moves": moves},
    )
    cr.execute(
        """
        INSERT INTO account_move (name, move_type, state, date, invoice_date, invoice_date_due,
                                  partner_id, commercial_partner_id, company_id, journal_id,
                                  currency_id, auto_post, payment_state, amount_untaxed,
                                  amount_total, amount_untaxed_signed, amount_total_signed,
                                  amount_residual, create_date, write_date, create_uid,
                                  write_uid)
        SELECT CASE WHEN move_type = 'out_refund' THEN 'BRINV/' ELSE 'BINV/' END || n,
               move_type, 'posted', date, date, date + 30, partner_id, partner_id,
               %(company)s, %(journal)s, %(currency)s, 'no', 'not_paid', 0, 0, 0, 0, 0,
               now(), now(), 1, 1
          FROM bench_move
        """,
        ctx,
    )
    cr.execute(
        """
        INSERT INTO account_move_line (move_id, move_name, partner_id, company_id, journal_id,
                                       account_id, date, parent_state, display_type,
                                       currency_id, company_currency_id, quantity, price_unit,
                                       price_subtotal, price_total, balance, amount_currency,
                                       debit, credit, product_id, create_date, write_date,
                                       create_uid, write_uid)
        SELECT m.id, m.name, m.partner_id, m.company_id, m.journal_id, %(income)s, m.date,
               'posted', 'product', m.currency_id, m.currency_id, 1, l.amount, l.amount,
               l.amount, l.sign * l.amount, l.sign * l.amount,
               GREATEST(l.sign * l.amount, 0), GREATEST(-l.sign * l.amount, 0),
               (%(products)s::int[])[1 + (m.id + l.k) %% %(nproducts)s],
               now(), now(), 1, 1
          FROM account_move m
          CROSS JOIN LATERAL (
              SELECT k, round((50 + random() * 950)::numeric, 2) AS amount,
                     CASE WHEN m.move_type = 'out_refund' THEN 1 ELSE -1 END AS sign
                FROM generate_series(1, %(per)s) k) l
         WHERE m.name LIKE 'B%%INV/%%'
        """,
        dict(ctx, per=LINES_PER_INVOICE, nproducts=len(ctx["products"])),
    )
    # Fresh statistics: without them the planner picks a nested loop for the
    # joins below and the medium scale takes minutes instead of seconds.
    cr.execute("ANALYZE account_move_line")
    cr.execute("ANALYZE account_move")
    # Receivable counterpart and the move totals, so that the moves balance.
    cr.execute(
        """
        WITH t AS (
            SELECT move_id, -SUM(balance) AS total
              FROM account_move_line l JOIN account_move m ON m.id = l.move_id
             WHERE m.name LIKE 'B%%INV/%%'
             GROUP BY move_id)
        INSERT INTO account_move_line (move_id, move_name, partner_id, company_id, journal_id,
                                       account_id, date, parent_state, display_type,
                                       currency_id, company_currency_id, balance,
                                       amount_currency, debit, credit, amount_residual,
                                       amount_residual_currency, date_maturity,
                                       create_date, write_date, create_uid, write_uid)
        SELECT m.id, m.name, m.partner_id, m.company_id, m.journal_id, %(receivable)s, m.date,
               'posted', 'payment_term', m.currency_id, m.currency_id, t.total, t.total,
               GREATEST(t.total, 0), GREATEST(-t.total, 0), t.total, t.total,
               m.invoice_date_due, now(), now(), 1, 1
          FROM t JOIN account_move m ON m.id = t.move_id
        """,
        ctx,
    )
    cr.execute(
        """
        UPDATE account_move m
           SET amount_untaxed = abs(t.total), amount_total = abs(t.total),
               amount_untaxed_signed = t.total, amount_total_signed = t.total,
               amount_residual = abs(t.total), amount_residual_signed = t.total
          FROM (SELECT move_id, SUM(balance) AS total FROM account_move_line
                 WHERE display_type = 'payment_term' GROUP BY move_id) t
         WHERE t.move_id = m.id AND m.name LIKE 'B%%INV/%%'
        """
    )
    cr.execute("DROP TABLE bench_move")


def _orders(cr, ctx, partner_ids, count):
    """Confirmed sale orders with two lines each and a gross margin of 10–40 %;
    one order in 200 is sold at a loss (-20 %), so that some clients have a
    negative margin, as in real customer bases."""
    cr.execute(
        """
        INSERT INTO sale_order (name, state, date_order, partner_id, partner_invoice_id,
                                partner_shipping_id, company_id, currency_id, currency_rate,
                                pricelist_id, amount_untaxed, amount_tax, amount_total,
                                margin, margin_percent, user_id, create_date, write_date,
                                create_uid, write_uid)
        SELECT 'BSO/' || g, 'sale', now() - (random() * 700)::int * interval '1 day',
               p.id, p.id, p.id, %(company)s, %(currency)s, 1, %(pricelist)s,
               a.amount, 0, a.amount, round(a.amount * a.rate, 2), a.rate,
               (%(users)s::int[])[1 + g %% %(nusers)s], now(), now(), 1, 1
          FROM generate_series(1, %(count)s) g
          -- "g > 0" correlates the subqueries with the row: without it PostgreSQL
          -- evaluates them once and every order gets the same partner and amount.
          CROSS JOIN LATERAL (SELECT (%(partners)s::int[])[
                 1 + floor(power(random(), 3) * %(np)s)::int] AS id WHERE g > 0) p
          CROSS JOIN LATERAL (SELECT round((200 + random() * 5000)::numeric, 2) AS amount,
                                     CASE WHEN g %% 200 = 0 THEN -0.2
                                          ELSE round((0.1 + random() * 0.3)::numeric, 4)
                                     END AS rate
                               WHERE g > 0) a
        """,
        dict(ctx, count=count, partners=partner_ids, np=len(partner_ids),
             nusers=len(ctx["users"])),
    )
    cr.execute(
        """
        INSERT INTO sale_order_line (order_id, name, product_id, product_uom_qty,
                                     price_unit, price_subtotal, price_total, customer_lead,
                                     company_id, currency_id, order_partner_id, state,
                                     margin, purchase_price, create_date, write_date,
                                     create_uid, write_uid)
        SELECT o.id, 'Bench line', (%(products)s::int[])[1 + (o.id * 2 + k) %% %(nproducts)s],
               1, o.amount_untaxed / 2, o.amount_untaxed / 2, o.amount_untaxed / 2, 0,
               o.company_id, o.currency_id, o.partner_id, 'sale', o.margin / 2,
               (o.amount_untaxed - o.margin) / 2, now(), now(), 1, 1
          FROM sale_order o CROSS JOIN generate_series(1, 2) k
         WHERE o.name LIKE 'BSO/%%'
        """,
        dict(ctx, nproducts=len(ctx["products"])),
    )


def _leads(cr, ctx, partner_ids, count):
    cr.execute(
        """
        INSERT INTO crm_lead (name, type, active, partner_id, user_id, company_id, stage_id,
                              expected_revenue, probability, create_date, write_date,
                              create_uid, write_uid)
        SELECT 'Bench opportunity ' || g, 'opportunity', true,
               (%(partners)s::int[])[1 + floor(power(random(), 2) * %(np)s)::int],
               (%(users)s::int[])[1 + g %% %(nusers)s], %(company)s, %(stage)s,
               round((1000 + random() * 50000)::numeric, 2), 10, now(), now(), 1, 1
          FROM generate_series(1, %(count)s) g
        """,
        dict(ctx, count=count, partners=partner_ids, np=len(partner_ids),
             nusers=len(ctx["users"])),
    )


def _key_accounts(env, partner_ids, count):
    """Promote the biggest accounts to key and give them the KAM material."""
    cr = env.cr
    rng = random.Random(42)
    key_ids = partner_ids[:count]
    users = env["res.users"].search([("share", "=", False)], limit=10).ids
    # The identity is per company (kam.account): the row of the partner's company.
    cr.execute(
        """
        INSERT INTO kam_account (partner_id, company_id, kam_status, kam_level, kam_key_since,
                                 kam_user_id, create_date, write_date, create_uid, write_uid)
        SELECT p.id, COALESCE(p.company_id, %(company)s), 'key', 'company', current_date - 400,
               (%(users)s::int[])[1 + p.id %% %(nusers)s], now(), now(), 1, 1
          FROM res_partner p
         WHERE p.id = ANY(%(ids)s)
        """,
        {"ids": key_ids, "users": users, "nusers": len(users),
         "company": env.ref("base.main_company").id},
    )
    env.invalidate_all()
    # Bulk creation, as an import would do it: no chatter, no followers' mails.
    env = env(context=dict(env.context, tracking_disable=True, mail_create_nolog=True,
                           mail_create_nosubscribe=True, mail_notrack=True,
                           mail_auto_subscribe_no_notify=True))
    hooks = [getattr(_Extras, name) for name in ("dmu", "plans", "contact_logs")]
    for hook in hooks:
        hook(env, key_ids, rng)
    return key_ids


class _Extras:
    """KAM material per key account, when the addon's models are installed."""

    @staticmethod
    def dmu(env, key_ids, rng):
        if "kam.dmu.member" not in env:
            return
        cr = env.cr
        cr.execute("SELECT id, parent_id FROM res_partner WHERE parent_id = ANY(%s)", [key_ids])
        rows = cr.fetchall()
        roles = env["kam.dmu.role"].search([]).ids
        vals = [{
            "partner_id": parent, "contact_id": contact,
            "role_ids": [(6, 0, [rng.choice(roles)])] if roles else [],
            "influence": rng.randint(1, 5), "involvement": rng.randint(1, 5),
        } for contact, parent in rows]
        env["kam.dmu.member"].create(vals)

    @staticmethod
    def plans(env, key_ids, rng):
        for xmlid in ("kam_management.kam_comm_template_key",
                      "kam_management.kam_comm_template_regular"):
            template = env.ref(xmlid, raise_if_not_found=False)
            if template:
                template._kam_apply(env["res.partner"].browse(key_ids))

    @staticmethod
    def contact_logs(env, key_ids, rng):
        if "kam.contact.log" not in env:
            return
        from datetime import date, timedelta

        outcomes = ["positive", "positive", "neutral", "negative"]
        env["kam.contact.log"].create([{
            "partner_id": pid,
            "date": date.today() - timedelta(days=rng.randint(1, 60)),
            "outcome": rng.choice(outcomes),
            "summary": "Bench contact",
        } for pid in key_ids])
