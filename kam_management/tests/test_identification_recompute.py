# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""Key-account identification: loss-making clients and the set-based block update.

A client whose basis is negative over the window (by default: it lost money,
its gross margin is negative) is kept out of the shares and of the Pareto
curve (``rules.shares.counts_in_shares``): counted, it would lower the total
and the others' cumulative share would climb above 100 %. The expectations
come from the pure rules applied to the same amounts.

The client-base blocks earned by orders are derived from the metrics rows
(no partner is written), and the accounts followed in key-account management
get their block changes tracked in the chatter with one insert.
"""

import io

import openpyxl
from freezegun import freeze_time
from lxml import etree

from odoo import Command
from odoo.addons.account.tests.common import AccountTestInvoicingCommon
from odoo.tests import TransactionCase, tagged
from odoo.tools import SQL
from odoo.tools.query import Query
from odoo.tools.safe_eval import safe_eval

from ..rules import shares as rules

TODAY = "2024-06-30"
# Margins of the window (12 months ending TODAY); L sold at a loss.
MARGINS = {"P": 6000.0, "Q": 3000.0, "R": 1000.0, "L": -2000.0}
ORDERED = {"P": 20000.0, "Q": 12000.0, "R": 5000.0, "L": 8000.0}
INVOICED = {"P": 15000.0, "Q": 9000.0, "R": 4000.0, "L": 7000.0}


@tagged("post_install", "-at_install")
class TestIdentificationNegativeBasis(AccountTestInvoicingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.company_data["company"]
        cls.product = cls.env["product.product"].create({
            "name": "KAM Loss Widget", "list_price": 100.0, "taxes_id": [Command.clear()],
        })
        cls.head = cls.env["res.users"].create({
            "name": "Head of KAM (losses)", "login": "kam_head_losses",
            "email": "head.losses@example.com", "company_id": cls.company.id,
            "company_ids": [Command.set(cls.company.ids)],
            "groups_id": [Command.set([cls.env.ref("kam_management.group_kam_manager").id])],
        })
        cls.c = {}
        for name in MARGINS:
            partner = cls.env["res.partner"].create({"name": f"Client {name}", "is_company": True})
            cls.c[name] = partner
            order = cls.env["sale.order"].with_company(cls.company).create({
                "partner_id": partner.id,
                "company_id": cls.company.id,
                "order_line": [Command.create({
                    "product_id": cls.product.id,
                    "product_uom_qty": 1.0,
                    "price_unit": ORDERED[name],
                    "purchase_price": ORDERED[name] - MARGINS[name],
                    "tax_id": [Command.clear()],
                })],
            })
            order.action_confirm()
            order.date_order = "2024-03-01 10:00:00"
            move = cls.env["account.move"].with_company(cls.company).create({
                "move_type": "out_invoice",
                "partner_id": partner.id,
                "invoice_date": "2024-03-15",
                "date": "2024-03-15",
                "invoice_line_ids": [Command.create({
                    "product_id": cls.product.id,
                    "quantity": 1.0,
                    "price_unit": INVOICED[name],
                    "tax_ids": [Command.clear()],
                })],
            })
            move.action_post()

    def _recompute(self):
        with freeze_time(TODAY):
            self.env["kam.identification"]._recompute(companies=self.company)
        self.env.invalidate_all()

    def _metrics(self):
        metrics = self.env["kam.partner.metric"].sudo().search(
            [("company_id", "=", self.company.id)]
        )
        by_id = {partner.id: name for name, partner in self.c.items()}
        return {by_id[metric.partner_id.id]: metric for metric in metrics}

    def _stored(self, fname):
        """{client: the value in SQL} (None stays None, unlike the ORM): a
        column, or a derived field as searches, groups and sorts see it."""
        Metric = self.env["kam.partner.metric"]
        query = Query(self.env, Metric._table, Metric._table_sql)
        query.add_where(SQL("%s = %s", SQL.identifier(Metric._table, "company_id"), self.company.id))
        rows = self.env.execute_query(query.select(
            SQL.identifier(Metric._table, "partner_id"), Metric._field_to_sql(Metric._table, fname, query),
        ))
        by_id = {partner.id: name for name, partner in self.c.items()}
        return {by_id[partner_id]: value for partner_id, value in rows}

    def test_negative_margin_is_kept_out_of_shares_and_pareto(self):
        self._recompute()
        metrics = self._metrics()
        self.assertEqual(set(metrics), set(MARGINS), "the loss-making client keeps its row")
        total = rules.share_total(MARGINS.values())
        ranking = rules.pareto(MARGINS)
        stored_share = self._stored("share")
        stored_rank = self._stored("pareto_rank")
        stored_cumulative = self._stored("cumulative_share")
        stored_margin_share = self._stored("margin_share")
        for name, margin in MARGINS.items():
            metric = metrics[name]
            expected_share = rules.client_share(margin, total)
            rank, cumulative = ranking[name]
            with self.subTest(client=name):
                self.assertAlmostEqual(metric.margin, margin, places=2)
                self.assertEqual(metric.negative_basis, not rules.counts_in_shares(margin))
                if expected_share is None:
                    self.assertIsNone(stored_share[name], "no share of a negative basis")
                    self.assertIsNone(stored_margin_share[name])
                    self.assertIsNone(stored_rank[name], "not on the Pareto curve")
                    self.assertIsNone(stored_cumulative[name])
                else:
                    self.assertAlmostEqual(stored_share[name], expected_share, places=9)
                    self.assertAlmostEqual(stored_margin_share[name], expected_share, places=9)
                    self.assertEqual(stored_rank[name], rank)
                    self.assertAlmostEqual(stored_cumulative[name], cumulative, places=9)
                self.assertEqual(metric.dependency_level, rules.dependency_level(
                    expected_share, self.company.kam_key_share, self.company.kam_critical_share,
                    self.company.kam_mono_share,
                ))
                self.assertEqual(metric.is_candidate, rules.is_candidate(
                    expected_share or 0.0, margin, self.company.kam_key_share,
                    self.company.kam_window_months,
                ))
        counted = [name for name in MARGINS if rules.counts_in_shares(MARGINS[name])]
        self.assertAlmostEqual(sum(stored_share[name] for name in counted), 100.0, places=9)
        last = max(counted, key=lambda name: stored_rank[name])
        self.assertEqual(stored_cumulative[last], 100.0, "the curve ends at exactly 100 %")
        self.assertLessEqual(max(stored_cumulative[name] for name in counted), 100.0)
        # The loss-making client is not a candidate, whatever its other figures.
        self.assertFalse(metrics["L"].is_candidate)
        self.assertEqual(self.c["L"].kam_status, "none")
        # Shown apart: the flag is searchable.
        Metric = self.env["kam.partner.metric"].sudo()
        company = [("company_id", "=", self.company.id)]
        self.assertEqual(Metric.search(company + [("negative_basis", "=", True)]), metrics["L"])
        self.assertEqual(
            set(Metric.search(company + [("negative_basis", "!=", True)]).mapped("partner_id")),
            {self.c[name] for name in counted},
        )
        # The list's "Pareto Head" filter: the clients on the curve up to 80 %,
        # not the loss-making one (no cumulative share, which Odoo reads as 0).
        arch = etree.fromstring(Metric.get_views([(False, "search")])["views"]["search"]["arch"])
        [node] = arch.xpath("//filter[@name='pareto_top']")
        head = Metric.search(company + safe_eval(node.get("domain")))
        self.assertEqual(set(head.mapped("partner_id")),
                         {self.c[name] for name, (_rank, cum) in ranking.items() if cum is not None and cum <= 80})

    def test_revenue_basis_counts_the_loss_making_client(self):
        """On the invoiced basis, the same client counts (positive invoices); only
        its margin share stays out."""
        self.company.kam_share_basis = "invoiced"
        self._recompute()
        metrics = self._metrics()
        total = rules.share_total(INVOICED.values())
        ranking = rules.pareto(INVOICED)
        margin_total = rules.share_total(MARGINS.values())
        for name, invoiced in INVOICED.items():
            with self.subTest(client=name):
                self.assertFalse(metrics[name].negative_basis)
                self.assertAlmostEqual(
                    metrics[name].share, rules.client_share(invoiced, total), places=6
                )
                self.assertEqual(metrics[name].pareto_rank, ranking[name][0])
                self.assertAlmostEqual(metrics[name].cumulative_share, ranking[name][1], places=6)
        self.assertIsNone(rules.client_share(MARGINS["L"], margin_total))
        self.assertIsNone(self._stored("margin_share")["L"])
        self.assertAlmostEqual(
            self._stored("margin_share")["P"], rules.client_share(MARGINS["P"], margin_total),
            places=9,
        )

    def test_portfolio_workbook_pareto_ends_at_100(self):
        self._recompute()
        domain = [("company_id", "=", self.company.id),
                  ("partner_id", "in", [partner.id for partner in self.c.values()])]
        content = self.env["kam.export"].with_user(self.head).with_company(
            self.company
        )._kam_build_portfolio_workbook(domain)
        sheet = openpyxl.load_workbook(io.BytesIO(content))["Portfolio"]
        headers = [cell.value for cell in sheet[1]]
        rows = [dict(zip(headers, row, strict=False))
                for row in sheet.iter_rows(min_row=2, values_only=True)]
        by_name = {row["Account"]: row for row in rows}
        self.assertEqual(set(by_name), {partner.name for partner in self.c.values()})
        # percentages are stored as fractions of 1 in the workbook
        cumulative = [row["Cumulative Share"] for row in rows if row["Cumulative Share"] is not None]
        self.assertEqual(len(cumulative), 3)
        self.assertLessEqual(max(cumulative), 1.0)
        self.assertAlmostEqual(max(cumulative), 1.0, places=9)
        self.assertEqual(cumulative, sorted(cumulative), "in Pareto order")
        loss = by_name["Client L"]
        self.assertIsNone(loss["Cumulative Share"])
        self.assertFalse(loss["Share"])
        self.assertEqual(rows[-1]["Account"], "Client L", "shown apart, after the curve")


@tagged("post_install", "-at_install")
class TestIdentificationLifecycleSql(TransactionCase):
    """The client-base block is derived from the metrics rows: the recompute writes
    no partner; the chatter of the followed accounts is told of a move with one
    insert (``_kam_track_block_moves``), and the block is searched, grouped and
    ordered in SQL by the same rule (``rules.shares.lifecycle_block``)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=False))
        cls.company = cls.env.company
        cls.Partner = cls.env["res.partner"]

    def _clients(self, count, status="none", block=False, order_block="working"):
        partners = self.Partner.create([
            {"name": f"Block Client {index}", "is_company": True, "kam_status": status,
             "kam_lifecycle_block": block}
            for index in range(count)
        ])
        self.env["kam.partner.metric"].create([
            {"partner_id": partner.id, "company_id": self.company.id,
             "order_count": 3 if order_block == "regular" else 1, "order_block": order_block}
            for partner in partners
        ])
        return partners

    def _move(self, partners, new_block):
        """What the recompute does: the rows' order block rewritten in SQL.
        Returns the moves it reports (partner, company, block before)."""
        self.env.flush_all()
        rows = self.env.execute_query(SQL(
            """
            UPDATE kam_partner_metric m SET order_block = %s
              FROM kam_partner_metric old
             WHERE old.id = m.id AND m.partner_id = ANY(%s) AND m.company_id = %s
            RETURNING m.partner_id, m.company_id, old.order_block
            """,
            new_block, partners.ids, self.company.id,
        ))
        return [tuple(row) for row in rows]

    def _track(self, moves):
        self.env.flush_all()
        before = self.env.cr.sql_log_count
        result = self.Partner._kam_track_block_moves(moves)
        return self.env.cr.sql_log_count - before, result

    def test_query_count_does_not_grow_with_partners(self):
        # warm the caches the statement reads (labels, field ids, author)
        self._track(self._move(self._clients(1, status="key"), "regular"))
        counts = []
        for size in (3, 30):
            # a mix: first classification, block changes of key accounts (tracked)
            # and of plain clients (not tracked)
            first = self._clients(size, order_block=None)
            key_up = self._clients(size, status="key")
            plain_down = self._clients(size, order_block="regular")
            moves = (self._move(first, "working") + self._move(key_up, "regular")
                     + self._move(plain_down, "working"))
            queries, result = self._track(moves)
            counts.append(queries)
            self.assertEqual(
                {block: len(ids) for block, ids in result.items()},
                {"working": 2 * size, "regular": size},
            )
            self.assertEqual(len(self.env["mail.tracking.value"].search([
                ("field_id.name", "=", "kam_lifecycle_block"),
                ("mail_message_id.res_id", "in", key_up.ids),
            ])), size, "the key accounts' moves from a block they had")
        self.assertEqual(counts[0], counts[1], "the number of queries does not grow")
        moves = (self._move(self._clients(7, order_block=None), "working")
                 + self._move(self._clients(7, status="candidate", block="active", order_block=None),
                              "regular"))
        self.env.flush_all()
        with self.assertQueryCount(counts[0]):
            self.Partner._kam_track_block_moves(moves)

    def test_blocks_follow_the_rules_and_the_cache(self):
        first = self._clients(1, order_block=None)
        key_up = self._clients(1, status="key")
        key_new = self._clients(1, status="key", order_block=None)
        chosen = self._clients(1, status="candidate", block="potential", order_block=None)
        plain_down = self._clients(1, order_block="regular")
        dead = self._clients(1, status="key", block="dead", order_block=None)
        partners = first + key_up + key_new + chosen + plain_down + dead
        # read once: the values are in the ORM cache before the SQL update
        before = {partner: partner.kam_lifecycle_block for partner in partners}
        messages = {partner: partner.message_ids for partner in partners}
        self.assertEqual(before[first], False)
        self.assertEqual(before[key_up], "working", "the block the orders earn")
        self.assertEqual(before[chosen], "potential", "no order block: the chosen one")
        moves = (self._move(first + key_new + chosen, "working")
                 + self._move(key_up + dead, "regular") + self._move(plain_down, "working"))
        self.Partner._kam_track_block_moves(moves)
        for partner in partners:
            with self.subTest(partner=partner.name):
                partner.kam_metric_ids.invalidate_recordset(["order_block"])
                earned = partner.kam_metric_ids.order_block
                self.assertEqual(
                    partner.kam_lifecycle_block,
                    rules.lifecycle_block(partner.kam_chosen_block, earned),
                    "read through the ORM: the cache was invalidated",
                )
        self.assertEqual(dead.kam_lifecycle_block, "dead", "a person's block is kept")
        self.assertEqual(chosen.kam_lifecycle_block, "working", "potential gives way to orders")
        # Tracked: a followed account whose block moved from a block it had.
        tracked = {
            partner: (partner.message_ids - messages[partner]).tracking_value_ids
            for partner in partners
        }
        for partner in (key_up, chosen):
            with self.subTest(tracked=partner.name):
                self.assertEqual(len(tracked[partner]), 1)
                value = tracked[partner]
                self.assertEqual(value.field_id.name, "kam_lifecycle_block")
                labels = dict(self.Partner._fields["kam_lifecycle_block"]._description_selection(
                    self.env
                ))
                self.assertEqual(value.old_value_char, labels[before[partner]])
                self.assertEqual(value.new_value_char, labels[partner.kam_lifecycle_block])
                message = value.mail_message_id
                self.assertEqual((message.model, message.res_id), ("res.partner", partner.id))
                self.assertEqual(message.subtype_id, self.env.ref("mail.mt_note"))
                self.assertEqual(message.message_type, "notification")
        # Not tracked: first classification, a plain client, an unchanged block.
        for partner in (first, key_new, plain_down, dead):
            with self.subTest(untracked=partner.name):
                self.assertFalse(tracked[partner])
        # The chatter renders the tracking like the ORM's own.
        [formatted] = tracked[key_up]._tracking_value_format()
        self.assertEqual(formatted["changedField"], "Client-Base Block")
        self.assertEqual(
            (formatted["oldValue"]["value"], formatted["newValue"]["value"]),
            ("Working", "Regular"),
        )
        # Nothing moved: nothing to tell.
        self.assertEqual(self.Partner._kam_track_block_moves(self._move(key_up, "regular")), {})

    def test_highest_block_of_the_companies(self):
        """Blocks before a move are rebuilt from the company rows that did not move."""
        other = self.env["res.company"].create({"name": "Block Company 2"})
        key = self._clients(1, status="key")
        self.env["kam.partner.metric"].create({
            "partner_id": key.id, "company_id": other.id, "order_count": 3, "order_block": "regular",
        })
        self.assertEqual(key.kam_lifecycle_block, "regular", "the highest of the companies")
        # The main company's orders now earn regular too: still regular, nothing to tell.
        self.assertEqual(self.Partner._kam_track_block_moves(self._move(key, "regular")), {})
        # The other company's row goes (no activity left there): regular in the main one.
        self.env["kam.partner.metric"].search([("company_id", "=", other.id)]).unlink()
        self.assertEqual(
            self.Partner._kam_track_block_moves([(key.id, other.id, "regular")]), {}
        )
        self.assertEqual(key.kam_lifecycle_block, "regular")

    def test_search_group_and_order_in_sql(self):
        """The same rule in SQL as in Python, for every chosen block and earned block."""
        partners = self.Partner.browse()
        for chosen in (False, "potential", "working", "dead", "key"):
            for earned in (None, "working", "regular"):
                partners |= self._clients(1, block=chosen, order_block=earned)
        self.env.invalidate_all()
        shown = {partner: partner.kam_lifecycle_block for partner in partners}
        for partner in partners:
            self.assertEqual(shown[partner], rules.lifecycle_block(
                partner.kam_chosen_block, partner.kam_metric_ids.order_block or None
            ))
        scope = [("id", "in", partners.ids)]
        for block in ("working", "regular", "dead", "potential", "key"):
            with self.subTest(block=block):
                expected = partners.filtered(lambda partner, block=block: shown[partner] == block)
                self.assertEqual(self.Partner.search(scope + [("kam_lifecycle_block", "=", block)]),
                                 expected)
                self.assertEqual(self.Partner.search(scope + [("kam_lifecycle_block", "!=", block)]),
                                 partners - expected)
        self.assertEqual(self.Partner.search(scope + [("kam_lifecycle_block", "=", False)]),
                         partners.filtered(lambda partner: not shown[partner]))
        self.assertEqual(
            self.Partner.search(scope + [("kam_lifecycle_block", "in", ["working", "regular"])]),
            partners.filtered(lambda partner: shown[partner] in ("working", "regular")),
        )
        groups = dict(self.Partner._read_group(scope, ["kam_lifecycle_block"], ["__count"]))
        expected = {}
        for block in shown.values():
            expected[block] = expected.get(block, 0) + 1
        self.assertEqual(groups, expected)
        ordered = self.Partner.search(scope, order="kam_lifecycle_block, id")
        keys = [(shown[partner] or "~", partner.id) for partner in ordered]
        self.assertEqual(keys, sorted(keys), "NULLS LAST, alphabetical like the column")

    def test_manual_block_changes_are_tracked_by_the_orm(self):
        partner = self._clients(1, status="key", order_block=None)
        self.env.flush_all()
        self.env.cr.precommit.run()  # the creation's own tracking is done
        partner.kam_lifecycle_block = "time_tested"
        self.env.flush_all()
        self.env.cr.precommit.run()
        partner.invalidate_recordset(["message_ids"])
        values = partner.message_ids.tracking_value_ids.filtered(
            lambda value: value.field_id.name == "kam_lifecycle_block"
        )
        self.assertEqual(values.mapped("new_value_char"), ["Time-Tested Partner"])
        self.assertEqual(partner.kam_chosen_block, "time_tested")
