# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""Key-account identification: metrics, shares, candidates, blocks and alerts.

The worked example (company 1, window of 12 months ending 2024-06-30):

======  ========  ===========  ========  ==========  =========  =========
client  margin    margin share  ordered   invoiced    inv. share  orders
======  ========  ===========  ========  ==========  =========  =========
A        2 500      25 %       10 000     10 000       20 %      3
B        2 100      21 %        8 000      7 500       15 %      1
C        1 500      15 %        6 000      5 000       10 %      1
D        1 000      10 %        5 000      4 000        8 %      1
E          900       9 %        4 000      3 500        7 %      1 (+1 too old)
F          800       8 %        3 000      2 500        5 %      1 (+1 draft)
G          600       6 %        2 000      1 500        3 %      1
H          400       4 %        2 000      1 000        2 %      1
I          200       2 %       20 000     15 000       30 %      1
======  ========  ===========  ========  ==========  =========  =========

Totals: margin 10 000, ordered 60 000, invoiced 50 000 (I: 16 000 invoiced,
1 000 refunded). Company 2 has its own totals: X 7 500 (75 %, half of it
ordered in a foreign currency at 2 units per company unit), Y 2 000 (20 %),
and A again, 500 (5 %).
"""

from freezegun import freeze_time

from odoo import Command
from odoo.addons.account.tests.common import AccountTestInvoicingCommon
from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tools import SQL

from ..rules import shares as rules

TODAY = "2024-06-30"
MARGINS = {"A": 2500, "B": 2100, "C": 1500, "D": 1000, "E": 900, "F": 800, "G": 600,
           "H": 400, "I": 200}
ORDERED = {"A": 10000, "B": 8000, "C": 6000, "D": 5000, "E": 4000, "F": 3000, "G": 2000,
           "H": 2000, "I": 20000}
INVOICED = {"A": 10000, "B": 7500, "C": 5000, "D": 4000, "E": 3500, "F": 2500, "G": 1500,
            "H": 1000, "I": 15000}


@tagged("post_install", "-at_install")
class TestIdentificationMetrics(AccountTestInvoicingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.company_data["company"]
        cls.company2 = cls.setup_other_company(name="KAM Second Company")["company"]
        cls.product = cls.env["product.product"].create({
            "name": "KAM Widget", "list_price": 100.0, "taxes_id": [Command.clear()],
        })
        cls.kam_manager = cls.env["res.users"].create({
            "name": "Head of KAM", "login": "kam_head_ident", "email": "head@example.com",
            "company_id": cls.company.id,
            "company_ids": [Command.set((cls.company + cls.company2).ids)],
            "groups_id": [Command.set([cls.env.ref("kam_management.group_kam_manager").id])],
        })
        cls.anna = cls.env["res.users"].create({
            "name": "Anna KAM", "login": "anna_kam_ident", "email": "anna@example.com",
            "company_id": cls.company.id,
            "company_ids": [Command.set((cls.company + cls.company2).ids)],
            "groups_id": [Command.set([cls.env.ref("kam_management.group_kam_user").id])],
        })
        cls.c = {name: cls._customer(f"Client {name}") for name in "ABCDEFGHIXY"}
        c = cls.c
        # Company 1: A orders three times, 100 days apart.
        cls._order(c["A"], 4000, 1000, "2023-09-01 10:00:00")
        cls._order(c["A"], 4000, 1000, "2023-12-10 10:00:00")
        cls._order(c["A"], 2000, 500, "2024-03-19 10:00:00")
        for name, date in (("B", "2024-01-15"), ("C", "2024-02-01"), ("D", "2024-05-01"),
                           ("E", "2024-04-10"), ("F", "2024-03-03"), ("G", "2023-08-08"),
                           ("H", "2024-06-30"), ("I", "2024-02-02")):
            cls._order(c[name], ORDERED[name], MARGINS[name], f"{date} 09:00:00")
        # Outside the window (starts 2023-07-01) and not confirmed: both ignored.
        cls._order(c["E"], 50000, 20000, "2023-06-15 09:00:00")
        cls._order(c["F"], 90000, 40000, "2024-03-03 09:00:00", confirm=False)
        for name, amount in INVOICED.items():
            if name != "I":
                cls._invoice(c[name], amount, "2024-03-15")
        cls._invoice(c["I"], 16000, "2024-02-10")
        cls._invoice(c["I"], 1000, "2024-03-01", move_type="out_refund")
        cls._invoice(c["H"], 9000, "2023-05-01")  # too old
        cls._invoice(c["G"], 5000, "2024-03-15", post=False)  # draft
        # Company 2, its own totals; half of X is ordered in a foreign currency.
        foreign = cls.env["res.currency"].with_context(active_test=False).search(
            [("name", "=", "EUR")], limit=1)
        foreign.active = True
        cls.env["res.currency.rate"].create({
            "name": "2023-01-01", "rate": 2.0, "currency_id": foreign.id,
            "company_id": cls.company2.id,
        })
        foreign_pricelist = cls.env["product.pricelist"].create({
            "name": "KAM Foreign", "currency_id": foreign.id, "company_id": cls.company2.id,
        })
        cls._order(c["X"], 10000, 5000, "2024-01-10 09:00:00", company=cls.company2)
        cls.foreign_order = cls._order(
            c["X"], 10000, 5000, "2024-02-10 09:00:00", company=cls.company2,
            pricelist=foreign_pricelist,
        )
        cls._order(c["Y"], 5000, 2000, "2024-03-10 09:00:00", company=cls.company2)
        cls._order(c["A"], 1000, 500, "2024-04-10 09:00:00", company=cls.company2)

    @classmethod
    def _customer(cls, name):
        return cls.env["res.partner"].create({"name": name, "is_company": True})

    @classmethod
    def _order(cls, partner, revenue, margin, date, company=None, pricelist=None, confirm=True):
        company = company or cls.company
        values = {
            "partner_id": partner.id,
            "company_id": company.id,
            "order_line": [Command.create({
                "product_id": cls.product.id,
                "product_uom_qty": 1.0,
                "price_unit": revenue,
                "purchase_price": revenue - margin,
                "tax_id": [Command.clear()],
            })],
        }
        if pricelist:
            values["pricelist_id"] = pricelist.id
        order = cls.env["sale.order"].with_company(company).create(values)
        if confirm:
            order.action_confirm()
        order.date_order = date
        return order

    @classmethod
    def _invoice(cls, partner, amount, date, move_type="out_invoice", company=None, post=True):
        company = company or cls.company
        move = cls.env["account.move"].with_company(company).create({
            "move_type": move_type,
            "partner_id": partner.id,
            "invoice_date": date,
            "date": date,
            "invoice_line_ids": [Command.create({
                "product_id": cls.product.id,
                "quantity": 1.0,
                "price_unit": amount,
                "tax_ids": [Command.clear()],
            })],
        })
        if post:
            move.action_post()
        return move

    # ------------------------------------------------------------------ helpers

    def _recompute(self, **kwargs):
        with freeze_time(kwargs.pop("today", TODAY)):
            self.env["kam.identification"]._recompute(
                companies=kwargs.pop("companies", self.company + self.company2), **kwargs
            )

    def _metrics(self, company=None):
        metrics = self.env["kam.partner.metric"].sudo().search(
            [("company_id", "=", (company or self.company).id)]
        )
        by_id = {partner.id: name for name, partner in self.c.items()}
        return {by_id.get(metric.partner_id.id, metric.partner_id.name): metric
                for metric in metrics}

    def _activities(self):
        activities = self.env["mail.activity"].sudo().search([
            ("res_model", "=", "res.partner"), ("kam_alert_kind", "!=", False),
        ])
        return activities

    # ------------------------------------------------------------------ tests

    def test_worked_example_margin_basis(self):
        self._recompute()
        metrics = self._metrics()
        self.assertEqual(set(metrics), set(MARGINS), "one row per client with activity")
        expected_level = {"A": "critical", "B": "critical", "C": "key", "D": "key"}
        cumulative = {"A": 25, "B": 46, "C": 61, "D": 71, "E": 80, "F": 88, "G": 94,
                      "H": 98, "I": 100}
        for rank, name in enumerate("ABCDEFGHI", start=1):
            metric = metrics[name]
            with self.subTest(client=name):
                self.assertAlmostEqual(metric.margin, MARGINS[name], places=2)
                self.assertAlmostEqual(metric.basis_amount, MARGINS[name], places=2)
                self.assertAlmostEqual(metric.ordered_revenue, ORDERED[name], places=2)
                self.assertAlmostEqual(metric.invoiced_revenue, INVOICED[name], places=2)
                self.assertAlmostEqual(metric.share, MARGINS[name] / 100, places=6)
                self.assertAlmostEqual(metric.margin_share, MARGINS[name] / 100, places=6)
                self.assertAlmostEqual(metric.revenue_share, INVOICED[name] / 500, places=6)
                self.assertEqual(metric.pareto_rank, rank)
                self.assertAlmostEqual(metric.cumulative_share, cumulative[name], places=6)
                self.assertEqual(metric.dependency_level, expected_level.get(name, "none"))
                self.assertEqual(metric.is_candidate, name in "ABCD")
                self.assertEqual(self.c[name].kam_status, "candidate" if name in "ABCD" else "none")
        # The SQL agrees with the pure rules it is built from.
        reference = rules.pareto(MARGINS)
        for name, (rank, cum) in reference.items():
            self.assertEqual(metrics[name].pareto_rank, rank)
            self.assertAlmostEqual(metrics[name].cumulative_share, cum, places=6)
            self.assertEqual(
                metrics[name].dependency_level,
                rules.dependency_level(metrics[name].share, 10, 20, 70),
            )
        self.assertIn("Meets the key-account rules", self.c["A"].kam_status_reason)

    def test_rerun_rewrites_nothing_unchanged(self):
        self._recompute()
        [(jit_before,)] = self.env.execute_query(SQL("SHOW jit"))
        locations = SQL("SELECT id, ctid::text FROM kam_partner_metric ORDER BY id")
        before = self.env.execute_query(locations)
        self._recompute()
        self.assertEqual(self.env.execute_query(locations), before,
                         "unchanged rows are not rewritten")
        self.assertEqual(self.env.execute_query(SQL("SHOW jit")), [(jit_before,)])

    def test_normal_day_rewrites_only_the_clients_whose_figures_moved(self):
        self._recompute()
        locations = SQL(
            "SELECT partner_id, ctid::text FROM kam_partner_metric WHERE company_id = %s", self.company.id,
        )
        before = dict(self.env.execute_query(locations))
        shares_before = {name: metric.share for name, metric in self._metrics().items()}
        # The window of 2024-08-08 starts on 2023-08-09: G's only order leaves
        # it, and with it the company's total margin.
        self._recompute(today="2024-08-08")
        after = dict(self.env.execute_query(locations))
        g = self.c["G"].id
        self.assertNotEqual(after[g], before[g], "G's own figures moved")
        self.assertEqual({pid: loc for pid, loc in after.items() if pid != g},
                         {pid: loc for pid, loc in before.items() if pid != g},
                         "the rows of the clients whose own figures did not move are not rewritten")
        margins = dict(MARGINS, G=0)
        total = rules.share_total(margins.values())
        ranking = rules.pareto(margins)
        metrics = self._metrics()
        self.assertEqual(metrics["G"].margin, 0)
        for name, margin in margins.items():
            with self.subTest(client=name):
                self.assertAlmostEqual(metrics[name].share, rules.client_share(margin, total), places=9)
                self.assertEqual(metrics[name].pareto_rank, ranking[name][0])
                self.assertAlmostEqual(metrics[name].cumulative_share, ranking[name][1], places=9)
        self.assertGreater(metrics["A"].share, shares_before["A"], "every share moved with the total")

    def test_derived_figures_are_searched_grouped_and_sorted_in_sql(self):
        self._recompute()
        Metric = self.env["kam.partner.metric"].sudo()
        company = [("company_id", "=", self.company.id)]
        total = rules.share_total(MARGINS.values())
        shares = {name: rules.client_share(margin, total) for name, margin in MARGINS.items()}
        ranking = rules.pareto(MARGINS)
        by_id = {partner.id: name for name, partner in self.c.items()}

        def names(domain, order=None):
            return [by_id[metric.partner_id.id] for metric in Metric.search(company + domain, order=order)]

        self.assertCountEqual(names([("share", ">=", 10)]), [n for n, s in shares.items() if s >= 10])
        # the list view's "Pareto Head (80 %)" filter
        self.assertCountEqual(names([("cumulative_share", "<=", 80)]),
                              [n for n, (_rank, cum) in ranking.items() if cum <= 80])
        self.assertCountEqual(names([("pareto_rank", "<=", 3)]),
                              [n for n, (rank, _cum) in ranking.items() if rank <= 3])
        by_rank = sorted(MARGINS, key=lambda name: ranking[name][0])
        self.assertEqual(names([], order="pareto_rank"), by_rank)
        self.assertEqual(names([], order="pareto_rank desc"), by_rank[::-1])
        self.assertEqual(names([], order="cumulative_share"), by_rank)
        self.assertEqual(names([], order="share desc, id"), by_rank)
        levels = {by_id[metric.partner_id.id]: metric.dependency_level for metric in Metric.search(company)}
        groups = Metric._read_group(company, ["dependency_level"], ["share:sum", "cumulative_share:max"])
        self.assertAlmostEqual(sum(share for _level, share, _cum in groups), 100.0)
        for level, share, cumulative in groups:
            members = [name for name, member_level in levels.items() if member_level == level]
            self.assertAlmostEqual(share, sum(shares[name] for name in members))
            self.assertAlmostEqual(cumulative, max(ranking[name][1] for name in members))
        # the web client sorts, groups and sums them as stored columns
        described = Metric.fields_get(["share", "pareto_rank", "cumulative_share"],
                                      ["sortable", "groupable", "aggregator"])
        self.assertEqual({name: (d["sortable"], d["groupable"]) for name, d in described.items()},
                         dict.fromkeys(described, (True, True)))
        self.assertEqual(described["cumulative_share"]["aggregator"], "max")

    def test_order_statistics(self):
        self._recompute()
        a = self._metrics()["A"]
        self.assertEqual(a.order_count, 3)
        self.assertEqual(str(a.first_order_date), "2023-09-01")
        self.assertEqual(str(a.last_order_date), "2024-03-19")
        self.assertAlmostEqual(a.avg_order_interval, 100.0)
        # The mirrors on the partner show the current company's figures.
        partner = self.c["A"].sudo().with_company(self.company)
        self.assertAlmostEqual(partner.kam_share, 25.0)
        self.assertAlmostEqual(partner.kam_margin, 2500.0)
        self.assertEqual(partner.kam_order_count, 3)
        self.assertEqual(partner.kam_pareto_rank, 1)
        self.assertEqual(partner.kam_dependency_level, "critical")
        self.assertEqual(partner.kam_metric_id, a)

    def test_orders_and_invoices_outside_the_window_are_ignored(self):
        self._recompute()
        metrics = self._metrics()
        # E's order of 2023-06-15 (margin 20 000) is before the window (2023-07-01).
        self.assertAlmostEqual(metrics["E"].margin, 900.0)
        self.assertEqual(metrics["E"].order_count, 1)
        # H's 2023-05-01 invoice of 9 000 is outside; G's draft invoice is not posted.
        self.assertAlmostEqual(metrics["H"].invoiced_revenue, 1000.0)
        self.assertAlmostEqual(metrics["G"].invoiced_revenue, 1500.0)
        # F's unconfirmed quotation does not count.
        self.assertAlmostEqual(metrics["F"].margin, 800.0)
        # Eighteen months later, nothing is in the window any more: the rows go.
        self._recompute(today="2025-12-31", companies=self.company)
        self.assertFalse(self._metrics())
        for name in "ABCDEFGHI":
            with self.subTest(client=name):
                self.assertEqual(self.c[name].sudo().with_company(self.company).kam_share, 0.0)
                self.assertEqual(self.c[name].kam_dependency_level, "none")
                self.assertEqual(self.c[name].kam_status, "none")
        self.assertIn("No longer meets", self.c["A"].kam_status_reason)

    def test_basis_switch_to_invoiced_revenue(self):
        self._recompute()
        self.assertEqual(self.c["D"].kam_status, "candidate")
        self.company.kam_share_basis = "invoiced"
        self._recompute()
        metrics = self._metrics()
        expected = {"I": 30, "A": 20, "B": 15, "C": 10, "D": 8, "E": 7, "F": 5, "G": 3, "H": 2}
        cumulative = {"I": 30, "A": 50, "B": 65, "C": 75, "D": 83, "E": 90, "F": 95, "G": 98,
                      "H": 100}
        for rank, name in enumerate("IABCDEFGH", start=1):
            with self.subTest(client=name):
                self.assertAlmostEqual(metrics[name].share, expected[name], places=6)
                self.assertEqual(metrics[name].pareto_rank, rank)
                self.assertAlmostEqual(metrics[name].cumulative_share, cumulative[name], places=6)
                # The margin share does not depend on the basis.
                self.assertAlmostEqual(metrics[name].margin_share, MARGINS[name] / 100, places=6)
        # 30 % is critical; exactly 20 % is not (strictly above), it is key.
        self.assertEqual(metrics["I"].dependency_level, "critical")
        self.assertEqual(metrics["A"].dependency_level, "key")
        self.assertEqual(metrics["C"].dependency_level, "key")
        self.assertEqual(metrics["D"].dependency_level, "none")
        statuses = {name: self.c[name].kam_status for name in "ABCDI"}
        self.assertEqual(statuses, {"A": "candidate", "B": "candidate", "C": "candidate",
                                    "D": "none", "I": "candidate"})
        self.assertIn("No longer meets", self.c["D"].kam_status_reason)

    def test_basis_ordered_revenue(self):
        self.company.kam_share_basis = "ordered"
        self._recompute()
        metrics = self._metrics()
        for name, amount in ORDERED.items():
            self.assertAlmostEqual(metrics[name].share, amount / 600, places=6)
        self.assertEqual(metrics["I"].pareto_rank, 1)
        # G and H both ordered 2 000: the tie goes to the older partner record.
        self.assertEqual((metrics["G"].pareto_rank, metrics["H"].pareto_rank), (8, 9))
        self.assertEqual(metrics["I"].dependency_level, "critical")  # 33.3 %

    def test_refunds_reduce_revenue(self):
        self.company.kam_share_basis = "invoiced"
        self._recompute()
        self.assertAlmostEqual(self._metrics()["I"].invoiced_revenue, 15000.0)
        self._invoice(self.c["I"], 5000, "2024-06-01", move_type="out_refund")
        self._recompute()
        metric = self._metrics()["I"]
        self.assertAlmostEqual(metric.invoiced_revenue, 10000.0)
        self.assertAlmostEqual(metric.share, 100 * 10000 / 45000, places=6)
        # Revenue is untaxed.
        taxed = self._invoice(self.c["I"], 2000, "2024-06-02", post=False)
        taxed.invoice_line_ids.tax_ids = self.tax_sale_a
        taxed.action_post()
        self.assertGreater(taxed.amount_total, 2000.0)
        self._recompute()
        self.assertAlmostEqual(self._metrics()["I"].invoiced_revenue, 12000.0)

    def test_absolute_threshold(self):
        # Six months from 2024-01-01: margins B 2 100, C 1 500, D 1 000, E 900, F 800,
        # A 500, H 400, I 200 (total 7 400). With a 19 % key share only B (28 %) and
        # C (20 %) qualify by share; D (2 000 a year) and E (1 800 a year) reach the
        # absolute threshold of 1 800 a year, F (1 600) does not.
        self.company.write({
            "kam_key_share": 19.0, "kam_window_months": 6,
            "kam_absolute_threshold_enabled": True, "kam_absolute_threshold": 1800.0,
        })
        self._recompute(companies=self.company)
        metrics = self._metrics()
        candidates = {name for name, metric in metrics.items() if metric.is_candidate}
        self.assertEqual(candidates, {"B", "C", "D", "E"})
        for name in MARGINS:
            with self.subTest(client=name):
                metric = metrics[name]
                self.assertEqual(metric.is_candidate, rules.is_candidate(
                    metric.share, metric.basis_amount, 19.0, 6, True, 1800.0,
                ))
        self.assertEqual(self.c["E"].kam_status, "candidate")
        self.assertEqual(self.c["F"].kam_status, "none")

    def test_multi_company_shares_on_own_totals(self):
        self._recompute()
        metrics2 = self._metrics(self.company2)
        self.assertEqual(set(metrics2), {"X", "Y", "A"})
        # The foreign order: 10 000 and 5 000 of margin at 2 units per company unit.
        self.assertAlmostEqual(self.foreign_order.currency_rate, 2.0)
        self.assertAlmostEqual(metrics2["X"].ordered_revenue, 15000.0, places=2)
        self.assertAlmostEqual(metrics2["X"].margin, 7500.0, places=2)
        self.assertAlmostEqual(metrics2["X"].share, 75.0, places=6)
        self.assertAlmostEqual(metrics2["Y"].share, 20.0, places=6)
        self.assertAlmostEqual(metrics2["A"].share, 5.0, places=6)
        self.assertEqual(
            [metrics2[name].dependency_level for name in "XYA"], ["mono", "key", "none"]
        )
        # A is measured separately in each company.
        a = self.c["A"].sudo()
        self.assertAlmostEqual(a.with_company(self.company).kam_share, 25.0)
        self.assertAlmostEqual(a.with_company(self.company2).kam_share, 5.0)
        self.assertEqual(a.with_company(self.company2).kam_dependency_level, "none")
        # The dependency level is searchable in the current company.
        Partner = self.env["res.partner"]
        self.assertEqual(
            Partner.with_company(self.company2).search([("kam_dependency_level", "=", "mono")]),
            self.c["X"],
        )
        critical = Partner.with_company(self.company).search(
            [("kam_dependency_level", "in", ["critical", "mono"])]
        )
        self.assertEqual(critical, self.c["A"] + self.c["B"])
        not_none = Partner.with_company(self.company).search(
            [("kam_dependency_level", "!=", "none")]
        )
        self.assertEqual(not_none, self.c["A"] + self.c["B"] + self.c["C"] + self.c["D"])
        none = Partner.with_company(self.company).search(
            [("kam_dependency_level", "=", "none"), ("id", "in", self.partner_a.ids)]
        )
        self.assertEqual(none, self.partner_a, "a partner without metrics has no dependency")

    def test_lifecycle_blocks(self):
        self.c["C"].kam_lifecycle_block = "time_tested"
        self.c["D"].kam_lifecycle_block = "dead"
        self.c["G"].kam_lifecycle_block = "potential"
        self._recompute()
        blocks = {name: self.c[name].kam_lifecycle_block for name in "ABCDEGX"}
        self.assertEqual(blocks, {
            "A": "regular", "B": "working", "C": "time_tested", "D": "dead",
            "E": "working", "G": "working", "X": "working",
        })
        # Company 2 counts two orders as regular: the highest block of any company wins.
        self.company2.kam_regular_orders = 2
        self._recompute()
        self.assertEqual(self.c["X"].kam_lifecycle_block, "regular")
        # E ordered twice, but once before the window: blocks count the window's orders.
        self.assertEqual(self.c["E"].kam_lifecycle_block, "working")

    def test_partial_recompute_measures_the_whole_company(self):
        # No rows yet: the clients outside the selection get theirs, since the
        # shares and ranks of the selection are derived from all of them.
        self._recompute(partners=self.c["B"])
        metrics = self._metrics()
        self.assertEqual(len(metrics), 9, "every client with activity in the window")
        self.assertAlmostEqual(metrics["B"].share, 21.0)
        self.assertEqual(metrics["B"].pareto_rank, 2)
        self.assertEqual(self.c["B"].kam_status, "candidate")
        self.assertEqual(self.c["A"].kam_status, "none", "outside the selection")
        # A row outside the selection is not rewritten: C's new order waits
        # for a recompute of C (or of the whole company).
        ordered = metrics["C"].ordered_revenue
        self._order(self.c["C"], 5000, 500, "2024-06-01 09:00:00")
        self._recompute(partners=self.c["B"])
        self.assertEqual(self._metrics()["C"].ordered_revenue, ordered)
        self._recompute(partners=self.c["C"])
        self.assertEqual(self._metrics()["C"].ordered_revenue, ordered + 5000)

    def test_rows_of_inactive_clients_are_removed(self):
        newcomer = self._customer("Newcomer")
        order = self._order(newcomer, 1000, 100, "2024-06-01 09:00:00")
        self._recompute(companies=self.company)
        self.assertIn("Newcomer", self._metrics())
        order._action_cancel()
        self._recompute(companies=self.company)
        self.assertNotIn("Newcomer", self._metrics())

    def test_alerts_are_raised_once(self):
        demo_alerts = self._activities()
        wizard = self.env["kam.promote.wizard"].with_user(self.kam_manager).with_context(
            active_model="res.partner", active_ids=[self.c[name].id for name in "ABCDE"],
        ).create({"kam_user_id": self.anna.id, "reason": "Top of the Pareto"})
        wizard.action_confirm()
        # The VIP flag is part of the key-account identity: the head of KAM sets it.
        self.c["I"].with_user(self.kam_manager).write(
            {"kam_is_vip": True, "kam_vip_review_date": "2024-01-01"}
        )
        self._recompute()
        activities = self._activities() - demo_alerts
        found = {(act.res_id, act.kam_alert_kind, act.kam_company_id): act.user_id
                 for act in activities}
        expected = {
            (self.c["A"].id, "critical", self.company): self.anna,
            (self.c["B"].id, "critical", self.company): self.anna,
            (self.c["X"].id, "mono", self.company2): self.kam_manager,
            (self.anna.partner_id.id, "kam_overload", self.company): self.kam_manager,
            # key accounts A..E bring 25 + 21 + 15 + 10 + 9 = 80 % > 75 %
            (self.company.partner_id.id, "portfolio_mono", self.company): self.kam_manager,
            # VIP is decided per company: the review alert is the company's.
            (self.c["I"].id, "vip_review", self.company): self.kam_manager,
        }
        self.assertEqual(found, expected)
        self.assertTrue(all(
            act.activity_type_id == self.env.ref("kam_management.mail_act_kam_alert")
            for act in activities
        ))
        critical_a = activities.filtered(
            lambda act: act.res_id == self.c["A"].id and act.kam_alert_kind == "critical"
        )
        self.assertIn("25.0", critical_a.summary)
        # Running again raises nothing new while the alerts are open.
        self._recompute()
        self.assertEqual(self._activities() - demo_alerts, activities)
        # Once done, an alert whose cause persists is not raised again (SPEC §1:
        # a condition a user already answered); the others stay as they are.
        critical_a.action_feedback(feedback="Talked to the board")
        self._recompute()
        self.assertEqual(self._activities() - demo_alerts, activities - critical_a)

    def test_recompute_entry_points(self):
        # Daily cron: every company.
        with freeze_time(TODAY):
            self.env.ref("kam_management.ir_cron_kam_recompute_metrics").method_direct_trigger()
        self.assertEqual(len(self._metrics()), 9)
        self.assertEqual(len(self._metrics(self.company2)), 3)
        self.env["kam.partner.metric"].sudo().search([]).unlink()
        # Server action on selected partners, by a KAM manager.
        action = self.env.ref("kam_management.action_server_kam_recompute_metrics")
        with freeze_time(TODAY):
            action.with_user(self.kam_manager).with_context(
                active_model="res.partner", active_ids=self.c["C"].ids,
                allowed_company_ids=self.company.ids,
            ).run()
        metrics = self._metrics()
        self.assertEqual(len(metrics), 9, "the clients without a row get theirs")
        self.assertTrue(metrics["C"].ordered_revenue)
        # Settings button: the settings' company.
        with freeze_time(TODAY):
            self.env["res.config.settings"].sudo().with_company(self.company2).create(
                {}
            ).action_kam_recompute_metrics()
        self.assertEqual(set(self._metrics(self.company2)), {"X", "Y", "A"})
        # Plain salespeople cannot recompute.
        salesman = self.env["res.users"].create({
            "name": "Plain Seller", "login": "plain_seller_ident",
            "company_id": self.company.id, "company_ids": [Command.set(self.company.ids)],
            "groups_id": [Command.set([self.env.ref("sales_team.group_sale_salesman").id])],
        })
        with self.assertRaises(AccessError):
            self.c["C"].with_user(salesman).action_kam_recompute_metrics()
