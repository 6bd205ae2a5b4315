# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

import datetime
import logging

from odoo import api, fields, models
from odoo.tools import SQL

from ..rules.growth import FEEDBACK_ORDER_LOOKBACK_DAYS

_logger = logging.getLogger(__name__)


class KamGrowthScheduler(models.AbstractModel):
    """The daily job of growing key accounts: feedback after delivery, win-back plans.

    - A confirmed order of a key account whose goods are all delivered
      (``qty_delivered``: done pickings when Inventory is installed, delivered
      quantities entered by hand otherwise), or which is fully invoiced (services,
      or an order delivered outside Odoo), gets one feedback request: a plan line
      of kind "Feedback Request", once, for the account's KAM, named in the KAM's
      language. The daily communication run turns it into a reminder. Only orders
      of the last ``FEEDBACK_ORDER_LOOKBACK_DAYS`` days are considered, so that the
      first run does not ask about years of past deliveries.
    - A revivable former account without its win-back plan gets it (the
      Former Client template: at most two contacts a year).
    """

    _name = "kam.growth.scheduler"
    _description = "Growing Key Accounts: Daily Job"

    @api.model
    def _cron_run(self):
        scheduler = self.sudo()
        today = fields.Date.context_today(scheduler)
        lines = scheduler._kam_request_delivery_feedback(today)
        rows = scheduler.env["kam.account"]._kam_revivable_without_plan()
        if rows:
            rows._kam_apply_winback_plan()
        _logger.info(
            "Growing key accounts: %s feedback request(s), %s win-back plan(s)", len(lines), len(rows),
        )
        return lines, rows

    @api.model
    def _kam_delivered_orders(self, today):
        """Orders of key accounts delivered (or fully invoiced) without a feedback request yet."""
        self.env.flush_all()
        rows = self.env.execute_query(SQL(
            """
            SELECT o.id
              FROM sale_order o
              JOIN res_partner p ON p.id = o.partner_id
              JOIN kam_account a
                ON a.partner_id = p.commercial_partner_id AND a.company_id = o.company_id
             WHERE o.state = 'sale'
               AND a.kam_status = 'key'
               AND o.date_order >= %(since)s
               AND NOT EXISTS (
                     SELECT 1 FROM kam_comm_plan_line l WHERE l.sale_order_id = o.id)
               AND (
                     o.invoice_status = 'invoiced'
                  OR (EXISTS (SELECT 1 FROM sale_order_line ol
                                JOIN product_product pp ON pp.id = ol.product_id
                                JOIN product_template pt ON pt.id = pp.product_tmpl_id
                               WHERE ol.order_id = o.id AND ol.display_type IS NULL
                                 AND pt.type = 'consu' AND ol.product_uom_qty > 0)
                      AND NOT EXISTS (SELECT 1 FROM sale_order_line ol
                                JOIN product_product pp ON pp.id = ol.product_id
                                JOIN product_template pt ON pt.id = pp.product_tmpl_id
                               WHERE ol.order_id = o.id AND ol.display_type IS NULL
                                 AND pt.type = 'consu' AND ol.product_uom_qty > 0
                                 AND ol.qty_delivered < ol.product_uom_qty))
               )
             ORDER BY o.id
            """,
            since=today - datetime.timedelta(days=FEEDBACK_ORDER_LOOKBACK_DAYS),
        ))
        return self.env["sale.order"].browse([row[0] for row in rows])

    @api.model
    def _kam_request_delivery_feedback(self, today):
        orders = self._kam_delivered_orders(today)
        if not orders:
            return self.env["kam.comm.plan.line"]
        accounts = self.env["kam.account"]._kam_find(
            (order.partner_id.commercial_partner_id.id, order.company_id.id) for order in orders
        )
        Line = self.env["kam.comm.plan.line"].sudo()
        vals_list = []
        for order in orders:
            account = order.partner_id.commercial_partner_id
            row = accounts[account.id, order.company_id.id]
            user = row.kam_user_id or order.user_id or self.env.user
            reader = self.with_context(lang=user.lang or "en_US").env
            person = order.partner_id if order.partner_id != account else self.env["res.partner"]
            vals_list.append({
                "name": reader._("Ask for feedback on the delivered order %(order)s", order=order.name),
                "partner_id": account.id,
                "company_id": order.company_id.id,
                "user_id": user.id,
                "contact_ids": [(6, 0, person.ids)],
                "kind": "feedback",
                "purpose": "feedback",
                "channel": "phone",
                "cadence_kind": "once",
                "start_date": today,
                "sale_order_id": order.id,
                "note": reader._(
                    "Is the client satisfied with the order? Ask the key questions: satisfaction "
                    "and its trend, changes in their processes, who may leave and why, what decides "
                    "their purchases, who decides, how we compare with competitors."
                ),
            })
        return Line.create(vals_list)
