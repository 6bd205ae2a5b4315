# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from datetime import datetime, time, timedelta

from markupsafe import Markup

from odoo import fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, formatLang

from ..rules.shares import window_bounds

KINDS = [
    ("peers", "Similar Key Accounts"),
    ("group", "Other Companies of the Group"),
]


class KamWhiteSpace(models.Model):
    """White space (digest §7.6): what a key account could buy from us and does not.

    Two kinds of rows, per company, over the company's trailing window
    (``kam_window_months``), from the same category figures as the "dropped
    categories" risk signal (``kam.category.revenue``):

    - ``peers``: a product category that similar key accounts buy and this one
      does not. Similar: the other key accounts of the company that share a
      key-account type or the industry with it; an account that shares
      neither with anyone is compared with all the company's key accounts.
      A group account buys what its companies buy.
    - ``group``: for a group key account, a category that other companies of
      the group buy and this company (subsidiary, branch, division or the top
      company) does not: the successful experience to carry to other
      divisions.

    The value is the median yearly revenue (and margin) of the category among
    the accounts (or companies) that buy it. Read through the record rules of
    the account: its KAM and team, and the KAM Managers.
    """

    _name = "kam.white.space"
    _description = "Key-Account White Space"
    _inherit = ["kam.account.member.mixin"]
    _auto = False
    _rec_name = "categ_id"
    _order = "company_id, account_id, kind desc, value desc, categ_id, partner_id"
    _kam_account_partner_path = "account_id"
    _depends = {
        "sale.order": ["partner_id", "state", "company_id", "date_order", "currency_rate"],
        "sale.order.line": [
            "order_id", "product_id", "display_type", "is_downpayment", "product_uom_qty",
            "price_subtotal", "margin",
        ],
        "product.template": ["categ_id"],
        "kam.account": ["partner_id", "company_id", "kam_status", "kam_user_id", "kam_type_ids"],
        "res.partner": ["kam_group_id", "industry_id", "company_id", "active", "commercial_partner_id"],
        "res.company": ["kam_window_months", "currency_id"],
        "crm.lead": ["kam_white_space_categ_id", "partner_id", "company_id", "active", "probability"],
    }

    kind = fields.Selection(KINDS, string="Compared With", readonly=True)
    account_id = fields.Many2one(
        "res.partner", string="Key Account", readonly=True,
        help="The key account the white space belongs to (the group for the group's companies).",
    )
    partner_id = fields.Many2one(
        "res.partner", string="Client", readonly=True,
        help="Who would buy: the key account itself, or a company of its group.",
    )
    company_id = fields.Many2one("res.company", string="Company", readonly=True)
    currency_id = fields.Many2one("res.currency", string="Currency", readonly=True)
    kam_user_id = fields.Many2one("res.users", string="Key Account Manager", readonly=True)
    categ_id = fields.Many2one("product.category", string="Product Category", readonly=True)
    value = fields.Monetary(
        string="Yearly Value", readonly=True,
        help="Median yearly revenue of the category at the similar accounts (or the group's "
        "companies) that buy it, over the company's trailing window.",
    )
    margin_value = fields.Monetary(
        string="Yearly Margin", readonly=True,
        help="Median yearly gross margin of the category at those that buy it.",
    )
    average_value = fields.Monetary(
        string="Average Yearly Value", readonly=True, aggregator="avg",
    )
    buyer_count = fields.Integer(
        string="Buyers", readonly=True, aggregator="max",
        help="How many of the similar accounts (or of the group's other companies) buy it.",
    )
    peer_count = fields.Integer(
        string="Compared", readonly=True, aggregator="max",
        help="How many similar accounts (or other companies of the group) it is compared with.",
    )
    penetration = fields.Float(
        string="Bought by (%)", readonly=True, digits=(16, 0), aggregator="avg",
        help="The share of the compared accounts that buy the category.",
    )
    row_key = fields.Char(
        readonly=True,
        help="Technical: the company, kind, client and category of the row. A button passes "
        "it back, so that an action never runs on a row whose content changed meanwhile.",
    )
    lead_id = fields.Many2one(
        "crm.lead", string="Opportunity", readonly=True,
        help="The open opportunity already created for this client and category.",
    )

    @property
    def _table_query(self):
        today = fields.Date.context_today(self)
        queries = [
            self._kam_company_query(company, today)
            for company in self.env["res.company"].sudo().search([], order="id")
        ]
        body = SQL(" UNION ALL ").join(queries) if queries else SQL(
            "SELECT NULL::int AS company_id WHERE FALSE"
        )
        return SQL(
            """
            -- every company's rows, numbered the same whoever reads them (the
            -- record rules keep a user's companies and accounts)
            SELECT ROW_NUMBER() OVER (
                       ORDER BY ws.company_id, ws.kind, ws.account_id, ws.partner_id, ws.categ_id
                   ) AS id,
                   CONCAT_WS('-', ws.company_id, ws.kind, ws.partner_id, ws.categ_id) AS row_key,
                   ws.*,
                   company.currency_id,
                   ka.kam_user_id,
                   lead.id AS lead_id
              FROM (%s) ws
              JOIN res_company company ON company.id = ws.company_id
         LEFT JOIN kam_account ka ON ka.partner_id = ws.account_id AND ka.company_id = ws.company_id
         LEFT JOIN LATERAL (
                   SELECT l.id FROM crm_lead l
                    WHERE l.partner_id = ws.partner_id AND l.company_id = ws.company_id
                      AND l.kam_white_space_categ_id = ws.categ_id
                      AND l.active AND COALESCE(l.probability, 0) < 100
                 ORDER BY l.id DESC LIMIT 1
                   ) lead ON TRUE
            """,
            body,
        )

    def _kam_company_query(self, company, today):
        """The white space of ``company``'s key accounts (see the class)."""
        date_from, date_to = window_bounds(today, company.kam_window_months)
        start = datetime.combine(date_from, time.min)
        end = datetime.combine(date_to + timedelta(days=1), time.min)
        figures = self.env["kam.category.revenue"]._kam_category_revenue_query(company, start, end)
        return SQL(
            """
            (WITH figures AS (%(figures)s),
            keys AS (
                SELECT ka.id AS account_row, ka.partner_id, partner.industry_id
                  FROM kam_account ka
                  JOIN res_partner partner ON partner.id = ka.partner_id
                 WHERE ka.company_id = %(company)s AND ka.kam_status = 'key'
                   AND partner.active AND partner.id = partner.commercial_partner_id
                   AND (partner.company_id IS NULL OR partner.company_id = %(company)s)
            ), bought AS (
                -- what a key account buys: its own purchases, and its companies'
                -- when it is the top of a group
                SELECT k.partner_id AS account_id, f.categ_id,
                       SUM(f.revenue) AS revenue, SUM(f.margin) AS margin
                  FROM keys k
                  JOIN res_partner member
                    ON member.id = k.partner_id OR member.kam_group_id = k.partner_id
                  JOIN figures f ON f.partner_id = member.id
              GROUP BY k.partner_id, f.categ_id
            ), alike AS (
                SELECT a.partner_id AS account_id, b.partner_id AS peer_id
                  FROM keys a
                  JOIN kam_account_account_type_rel ta ON ta.account_id = a.account_row
                  JOIN kam_account_account_type_rel tb ON tb.type_id = ta.type_id
                  JOIN keys b ON b.account_row = tb.account_id AND b.partner_id != a.partner_id
                 UNION
                SELECT a.partner_id, b.partner_id
                  FROM keys a
                  JOIN keys b ON b.industry_id = a.industry_id AND b.partner_id != a.partner_id
            ), peers AS (
                SELECT account_id, peer_id FROM alike
                 UNION ALL
                SELECT a.partner_id, b.partner_id
                  FROM keys a
                  JOIN keys b ON b.partner_id != a.partner_id
                 WHERE NOT EXISTS (SELECT 1 FROM alike WHERE alike.account_id = a.partner_id)
            ), compared AS (
                SELECT account_id, COUNT(*) AS peer_count FROM peers GROUP BY account_id
            ), offers AS (
                SELECT s.account_id, b.categ_id,
                       percentile_cont(0.5) WITHIN GROUP (ORDER BY b.revenue) AS revenue,
                       percentile_cont(0.5) WITHIN GROUP (ORDER BY b.margin) AS margin,
                       AVG(b.revenue) AS average,
                       COUNT(*) AS buyer_count
                  FROM peers s
                  JOIN bought b ON b.account_id = s.peer_id
              GROUP BY s.account_id, b.categ_id
            ), heads AS (
                SELECT k.partner_id AS group_id FROM keys k
                 WHERE EXISTS (SELECT 1 FROM res_partner m
                                WHERE m.kam_group_id = k.partner_id AND m.id != k.partner_id)
            ), members AS (
                SELECT g.group_id, m.id AS partner_id
                  FROM heads g
                  JOIN res_partner m ON m.kam_group_id = g.group_id
                 WHERE m.active AND (m.company_id IS NULL OR m.company_id = %(company)s)
            ), member_bought AS (
                SELECT m.group_id, m.partner_id, f.categ_id, f.revenue, f.margin
                  FROM members m
                  JOIN figures f ON f.partner_id = m.partner_id
            ), member_offers AS (
                SELECT group_id, categ_id,
                       percentile_cont(0.5) WITHIN GROUP (ORDER BY revenue) AS revenue,
                       percentile_cont(0.5) WITHIN GROUP (ORDER BY margin) AS margin,
                       AVG(revenue) AS average,
                       COUNT(*) AS buyer_count
                  FROM member_bought
              GROUP BY group_id, categ_id
            ), member_counts AS (
                SELECT group_id, COUNT(*) AS member_count FROM members GROUP BY group_id
            )
            SELECT 'peers'::varchar AS kind, o.account_id, o.account_id AS partner_id,
                   %(company)s AS company_id, o.categ_id,
                   (o.revenue * %(yearly)s)::numeric AS value,
                   (o.margin * %(yearly)s)::numeric AS margin_value,
                   (o.average * %(yearly)s)::numeric AS average_value,
                   o.buyer_count::int AS buyer_count, c.peer_count::int AS peer_count,
                   100.0 * o.buyer_count / c.peer_count AS penetration
              FROM offers o
              JOIN compared c ON c.account_id = o.account_id
             WHERE NOT EXISTS (SELECT 1 FROM bought b
                                WHERE b.account_id = o.account_id AND b.categ_id = o.categ_id)
             UNION ALL
            SELECT 'group'::varchar, m.group_id, m.partner_id, %(company)s, o.categ_id,
                   (o.revenue * %(yearly)s)::numeric, (o.margin * %(yearly)s)::numeric,
                   (o.average * %(yearly)s)::numeric,
                   o.buyer_count::int, (mc.member_count - 1)::int,
                   100.0 * o.buyer_count / NULLIF(mc.member_count - 1, 0)
              FROM members m
              JOIN member_offers o ON o.group_id = m.group_id
              JOIN member_counts mc ON mc.group_id = m.group_id
             WHERE NOT EXISTS (SELECT 1 FROM member_bought b
                                WHERE b.partner_id = m.partner_id AND b.categ_id = o.categ_id))
            """,
            figures=figures,
            company=company.id,
            yearly=12.0 / company.kam_window_months,
        )

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_create_opportunity(self):
        """One opportunity per row (client and category), prefilled; a row that
        already has an open one opens it instead of creating another."""
        self.check_access("read")
        expected = self.env.context.get("kam_white_space_key")
        if expected and any(row.row_key != expected for row in self):
            raise UserError(self.env._(
                "The white space changed since it was shown (new orders or accounts): reload "
                "it and try again."
            ))
        leads = self.env["crm.lead"]
        tag = self.env.ref("kam_management.kam_crm_tag_white_space", raise_if_not_found=False)
        for row in self:
            if row.lead_id:
                leads |= row.lead_id
                continue
            leads |= self.env["crm.lead"].with_company(row.company_id).create(
                row._kam_opportunity_values(tag)
            )
        if len(leads) == 1:
            return {
                "type": "ir.actions.act_window",
                "res_model": "crm.lead",
                "res_id": leads.id,
                "view_mode": "form",
                "views": [(False, "form")],
            }
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("White-Space Opportunities"),
            "res_model": "crm.lead",
            "domain": [("id", "in", leads.ids)],
            "view_mode": "list,form",
            "views": [(False, "list"), (False, "form")],
        }

    def _kam_opportunity_values(self, tag):
        """The values of the opportunity of one row, in the user's language."""
        self.ensure_one()
        row = self.sudo()
        value = formatLang(self.env, row.value, currency_obj=row.currency_id)
        if row.kind == "group":
            basis = self.env._(
                "%(count)s of the %(compared)s other companies of the group %(group)s buy it: "
                "a median of %(value)s a year.",
                count=row.buyer_count, compared=row.peer_count,
                group=row.account_id.display_name, value=value,
            )
        else:
            basis = self.env._(
                "%(count)s of %(compared)s similar key accounts buy it: a median of %(value)s a year.",
                count=row.buyer_count, compared=row.peer_count, value=value,
            )
        return {
            "name": self.env._(
                "%(category)s for %(client)s", category=row.categ_id.name,
                client=row.partner_id.display_name,
            ),
            "type": "opportunity",
            "partner_id": row.partner_id.id,
            "company_id": row.company_id.id,
            "expected_revenue": row.value,
            "kam_white_space_categ_id": row.categ_id.id,
            "tag_ids": [(4, tag.id)] if tag else [],
            "description": Markup("<p>%s</p><p>%s</p>") % (
                self.env._("White space: %(category)s.", category=row.categ_id.complete_name),
                basis,
            ),
        }
