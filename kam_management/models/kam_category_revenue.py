# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import api, models
from odoo.tools import SQL


class KamCategoryRevenue(models.AbstractModel):
    """What each account buys of each product category over a period.

    One statement for the two readers of these figures, so that they cannot
    disagree: the "dropped categories" risk signal (``kam.account.health``:
    bought in the previous period, not in the recent one) and the white space
    (``kam.white.space``: bought by similar accounts, not by this one).
    """

    _name = "kam.category.revenue"
    _description = "Key-Account Revenue per Product Category"

    @api.model
    def _kam_category_revenue_query(self, company, start, end, partner_ids=None):
        """SQL of the confirmed order lines of ``company`` ordered in
        [``start``, ``end``) (datetimes), one row per commercial partner and
        product category: ``partner_id``, ``categ_id``, ``revenue`` and
        ``margin`` (untaxed, company currency), ``order_count``,
        ``first_order`` and ``last_order`` (datetimes of the orders).

        Sections, notes, down payments and returned quantities are not
        purchases of a category. ``partner_ids`` (commercial partners) limits
        the rows; None: every client of the company.
        """
        self.env["sale.order.line"].flush_model([
            "order_id", "product_id", "display_type", "is_downpayment", "product_uom_qty",
            "price_subtotal", "margin",
        ])
        self.env["sale.order"].flush_model(
            ["partner_id", "state", "company_id", "date_order", "currency_rate"]
        )
        self.env["res.partner"].flush_model(["commercial_partner_id"])
        self.env["product.product"].flush_model(["product_tmpl_id"])
        self.env["product.template"].flush_model(["categ_id"])
        scope = SQL("TRUE")
        if partner_ids is not None:
            scope = SQL("partner.commercial_partner_id = ANY(%s)", list(partner_ids))
        return SQL(
            """
            SELECT partner.commercial_partner_id AS partner_id,
                   tmpl.categ_id,
                   SUM(line.price_subtotal / COALESCE(NULLIF(so.currency_rate, 0), 1)) AS revenue,
                   SUM(COALESCE(line.margin, 0) / COALESCE(NULLIF(so.currency_rate, 0), 1)) AS margin,
                   COUNT(DISTINCT so.id) AS order_count,
                   MIN(so.date_order) AS first_order,
                   MAX(so.date_order) AS last_order
              FROM sale_order_line line
              JOIN sale_order so ON so.id = line.order_id
              JOIN res_partner partner ON partner.id = so.partner_id
              JOIN product_product product ON product.id = line.product_id
              JOIN product_template tmpl ON tmpl.id = product.product_tmpl_id
             WHERE so.state = 'sale'
               AND so.company_id = %(company)s
               AND so.date_order >= %(start)s
               AND so.date_order < %(end)s
               AND line.display_type IS NULL
               AND line.is_downpayment IS NOT TRUE
               AND line.product_uom_qty > 0
               AND tmpl.categ_id IS NOT NULL
               AND %(scope)s
          GROUP BY partner.commercial_partner_id, tmpl.categ_id
            """,
            company=company.id, start=start, end=end, scope=scope,
        )
