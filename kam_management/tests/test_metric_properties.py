# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""The metrics recompute (one SQL statement) against the pure rules, on generated data.

``rules/shares.py`` holds the rules of identification as plain functions; the
recompute does the same arithmetic in SQL for all partners at once. Here
hypothesis generates a company's rules (basis, window, thresholds, absolute
threshold, order counts) and its clients' orders and invoices (amounts,
margins, dates on and around the window's edges, states, orders placed by a
contact of the client), the recompute runs on them, and every metric row and
every partner it touched must be what the pure rules make of the same rows:
aggregates, share, margin and revenue shares, Pareto rank and cumulative
share, average interval, dependency level, candidate, order block, and the
status and client-base block written on the partner.
"""

import contextlib
import datetime
import logging

from freezegun import freeze_time

from odoo import Command, fields
from odoo.addons.account.tests.common import AccountTestInvoicingCommon
from odoo.tests import tagged

from ..rules import shares

try:
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis import strategies as st
except ImportError:  # requirements-dev.txt pins it
    given = None

_logger = logging.getLogger(__name__)

TODAY = datetime.date(2024, 6, 30)
# Generated cases: each one is a company's rules, up to five clients, their
# orders and invoices, and one recompute.
MAX_EXAMPLES = 100

_SETTINGS = {}
if given:
    _SETTINGS = {
        "max_examples": MAX_EXAMPLES,
        "deadline": None,
        "derandomize": True,
        "database": None,
        # No shrinking: each case costs a recompute, and a failure is reported
        # with the example as generated (its draws are printed).
        "phases": [Phase.explicit, Phase.reuse, Phase.generate],
        "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large],
    }


def _property(test):
    """``test`` under hypothesis, or skipped when hypothesis is not installed."""
    if not given:
        def skipped(self):
            self.skipTest("hypothesis is not installed (requirements-dev.txt)")
        return skipped
    return settings(**_SETTINGS)(given(data=st.data())(test))


@tagged("post_install", "-at_install")
class TestMetricsMatchTheRules(AccountTestInvoicingCommon):
    """Property: the SQL recompute of each partner equals the pure rules."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.company_data["company"]
        cls.product = cls.env["product.product"].create({
            "name": "Property Widget", "list_price": 1.0, "taxes_id": [Command.clear()],
        })
        cls.cases = 0

    # ------------------------------------------------------------------
    # Generation
    # ------------------------------------------------------------------

    def _draw_rules(self, data, window, basis, realized):
        """The company's rules; thresholds often exactly on a share or a yearly
        basis of the generated clients, where ``>`` and ``>=`` part ways."""
        shares_seen = sorted({row["share"] for row in realized.values()})
        yearly_seen = sorted({
            shares.annualised(row["basis_amount"], window) for row in realized.values()
            if row["basis_amount"] > 0
        })
        percent = st.integers(0, 1000).map(lambda tenths: tenths / 10)
        if shares_seen:
            percent = st.one_of(percent, st.sampled_from([
                value for value in shares_seen if 0 <= value <= 100
            ] or [0.0]))
        key, critical, mono = sorted(
            data.draw(st.lists(percent, min_size=3, max_size=3), label="thresholds")
        )
        amount = st.integers(0, 60000).map(float)
        if yearly_seen:
            amount = st.one_of(amount, st.sampled_from(yearly_seen))
        working = data.draw(st.integers(1, 4), label="working_orders")
        return {
            "kam_share_basis": basis,
            "kam_window_months": window,
            "kam_key_share": key,
            "kam_critical_share": critical,
            "kam_mono_share": mono,
            "kam_absolute_threshold_enabled": data.draw(st.booleans(), label="absolute"),
            "kam_absolute_threshold": data.draw(amount, label="absolute_amount"),
            "kam_working_orders": working,
            "kam_regular_orders": working + data.draw(st.integers(0, 3), label="regular_extra"),
        }

    def _draw_day(self, data, window):
        """A day in or around the window, its two edges and the day past each edge likely."""
        date_from, date_to = shares.window_bounds(TODAY, window)
        edges = [date_from, date_from - datetime.timedelta(days=1), date_to,
                 date_to + datetime.timedelta(days=1)]
        return data.draw(st.one_of(
            st.sampled_from(edges),
            st.integers(-760, 5).map(lambda days: TODAY + datetime.timedelta(days=days)),
        ))

    def _draw_clients(self, data, window):
        clients = []
        for _index in range(data.draw(st.integers(1, 5), label="clients")):
            orders = [
                {
                    "day": self._draw_day(data, window),
                    "hour": data.draw(st.integers(0, 23)),
                    "amount": data.draw(st.integers(0, 20000)),
                    "cost": data.draw(st.integers(0, 25000)),
                    "state": data.draw(st.sampled_from(["sale", "sale", "sale", "draft", "cancel"])),
                    "by_contact": data.draw(st.booleans()),
                }
                for _order in range(data.draw(st.integers(0, 4), label="orders"))
            ]
            invoices = [
                {
                    "day": self._draw_day(data, window),
                    "amount": data.draw(st.integers(1, 20000)),
                    "refund": data.draw(st.booleans()),
                    "post": data.draw(st.booleans()),
                }
                for _invoice in range(data.draw(st.integers(0, 2), label="invoices"))
            ]
            clients.append({"orders": orders, "invoices": invoices})
        return clients

    def _create(self, index, client):
        partner = self.env["res.partner"].create({"name": f"Client {index}", "is_company": True})
        contact = self.env["res.partner"].create({"name": f"Buyer {index}", "parent_id": partner.id})
        if client["orders"]:
            orders = self.env["sale.order"].with_company(self.company).create([{
                "partner_id": (contact if order["by_contact"] else partner).id,
                "company_id": self.company.id,
                "order_line": [Command.create({
                    "product_id": self.product.id,
                    "product_uom_qty": 1.0,
                    "price_unit": order["amount"],
                    "purchase_price": order["cost"],
                    "tax_id": [Command.clear()],
                })],
            } for order in client["orders"]])
            for order, values in zip(orders, client["orders"], strict=True):
                order.write({
                    "state": values["state"],
                    "date_order": datetime.datetime.combine(values["day"], datetime.time(values["hour"])),
                })
        if client["invoices"]:
            moves = self.env["account.move"].with_company(self.company).create([{
                "move_type": "out_refund" if invoice["refund"] else "out_invoice",
                "partner_id": partner.id,
                "invoice_date": invoice["day"],
                "date": invoice["day"],
                "invoice_line_ids": [Command.create({
                    "product_id": self.product.id,
                    "quantity": 1.0,
                    "price_unit": invoice["amount"],
                    "tax_ids": [Command.clear()],
                })],
            } for invoice in client["invoices"]])
            moves.browse([
                move.id for move, invoice in zip(moves, client["invoices"], strict=True)
                if invoice["post"]
            ]).action_post()
        return partner

    # ------------------------------------------------------------------
    # The pure rules on the same rows
    # ------------------------------------------------------------------

    def _aggregate(self, basis, window, clients):
        """{client index: aggregates, shares and ranks} of the clients with activity."""
        date_from, date_to = shares.window_bounds(TODAY, window)
        rows = {}
        for index, client in enumerate(clients):
            orders = [
                order for order in client["orders"]
                if order["state"] == "sale" and date_from <= order["day"] <= date_to
            ]
            invoices = [
                invoice for invoice in client["invoices"]
                if invoice["post"] and date_from <= invoice["day"] <= date_to
            ]
            if not orders and not invoices:
                continue
            days = [order["day"] for order in orders]
            rows[index] = {
                "invoiced_revenue": float(sum(
                    -invoice["amount"] if invoice["refund"] else invoice["amount"]
                    for invoice in invoices
                )),
                "ordered_revenue": float(sum(order["amount"] for order in orders)),
                "margin": float(sum(order["amount"] - order["cost"] for order in orders)),
                "order_count": len(orders),
                "first_order_date": min(days) if days else False,
                "last_order_date": max(days) if days else False,
            }
        basis_key = {"margin": "margin", "invoiced": "invoiced_revenue",
                     "ordered": "ordered_revenue"}[basis]
        totals = {
            key: shares.share_total(row[key] for row in rows.values())
            for key in ("margin", "invoiced_revenue", basis_key)
        }
        # Pareto ties go to the smaller partner id: clients are created in index order.
        ranks = shares.pareto({index: row[basis_key] for index, row in rows.items()})
        # A client kept out of the shares (a negative amount) has none: NULL in
        # the table, read as 0 through the ORM.
        for index, row in rows.items():
            rank, cumulative = ranks[index]
            row.update({
                "basis_amount": row[basis_key],
                "share": shares.client_share(row[basis_key], totals[basis_key]) or 0.0,
                "margin_share": shares.client_share(row["margin"], totals["margin"]) or 0.0,
                "revenue_share": shares.client_share(
                    row["invoiced_revenue"], totals["invoiced_revenue"]
                ) or 0.0,
                "pareto_rank": rank or 0,
                "cumulative_share": cumulative or 0.0,
                "avg_order_interval": shares.average_interval(
                    row["first_order_date"], row["last_order_date"], row["order_count"]
                ),
            })
        return rows

    def _decide(self, rules, rows):
        """The rules' decisions on each aggregated client."""
        for row in rows.values():
            row.update({
                "dependency_level": shares.dependency_level(
                    row["share"], rules["kam_key_share"], rules["kam_critical_share"],
                    rules["kam_mono_share"],
                ),
                "is_candidate": shares.is_candidate(
                    row["share"], row["basis_amount"], rules["kam_key_share"],
                    rules["kam_window_months"], rules["kam_absolute_threshold_enabled"],
                    rules["kam_absolute_threshold"],
                ),
                "order_block": shares.order_block(
                    row["order_count"], rules["kam_working_orders"], rules["kam_regular_orders"]
                ) or False,
            })
        return rows

    # ------------------------------------------------------------------
    # The property
    # ------------------------------------------------------------------

    @_property
    def test_recompute_equals_the_rules(self, data):
        window = data.draw(st.integers(1, 24), label="window_months")
        basis = data.draw(st.sampled_from(["margin", "invoiced", "ordered"]), label="basis")
        clients = self._draw_clients(data, window)
        rows = self._aggregate(basis, window, clients)
        rules = self._draw_rules(data, window, basis, rows)
        with freeze_time(fields.Date.to_string(TODAY) + " 12:00:00"), \
                contextlib.closing(self.env.cr.savepoint()):
            self.company.write(rules)
            # the rules as stored (the absolute threshold is an amount in cents)
            expected = self._decide({fname: self.company[fname] for fname in rules}, rows)
            partners = self.env["res.partner"].concat(*(
                self._create(index, client) for index, client in enumerate(clients)
            ))
            self.env["kam.identification"]._recompute(companies=self.company, partners=partners)
            metrics = self.env["kam.partner.metric"].sudo().search(
                [("company_id", "=", self.company.id), ("partner_id", "in", partners.ids)]
            )
            found = {metric.partner_id: metric for metric in metrics}
            self.assertEqual(
                set(found), {partners[index] for index in expected},
                "one metric row per client with activity in the window",
            )
            for index, values in expected.items():
                metric = found[partners[index]]
                for fname, value in values.items():
                    if isinstance(value, float):
                        self.assertAlmostEqual(metric[fname], value, places=6, msg=fname)
                    else:
                        self.assertEqual(metric[fname], value, fname)
            for index, partner in enumerate(partners):
                row = expected.get(index, {})
                self.assertEqual(
                    partner.kam_status, "candidate" if row.get("is_candidate") else "none",
                    "a client meeting the rules is a candidate, the others are not",
                )
                self.assertEqual(
                    partner.kam_lifecycle_block,
                    shares.lifecycle_block(False, row.get("order_block")),
                    "the client-base block follows the orders of the window",
                )
            self.env.invalidate_all()
        type(self).cases += 1

    @classmethod
    def tearDownClass(cls):
        _logger.info("recompute against the rules: %s generated cases", cls.cases)
        super().tearDownClass()
