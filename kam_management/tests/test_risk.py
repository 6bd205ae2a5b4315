# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.tests import HttpCase, tagged

from .common import KamAnalyticsCase, d


@tagged("post_install", "-at_install")
@freeze_time("2025-06-30")
class TestKamRiskSignals(KamAnalyticsCase):
    """Each signal on a crafted history, firing and not firing."""

    def test_shrinking_amounts(self):
        for day, amount in (("2025-03-01", 15000), ("2025-04-01", 12000),
                            ("2025-05-01", 9500), ("2025-06-01", 7000)):
            self._order(self.risky, d(day), amount)
        for day in ("2025-03-01", "2025-04-01", "2025-05-01", "2025-06-01"):
            self._order(self.steady, d(day), 10000)
        self._refresh(self.risky, self.steady)
        risky, steady = self._health(self.risky), self._health(self.steady)
        self.assertTrue(risky.signal_shrinking_amounts)
        self.assertEqual(risky.signal_data["shrinking_amounts"]["amounts"], [12000, 9500, 7000])
        self.assertIn("12,000 → 9,500 → 7,000", risky.risk_reasons)
        self.assertFalse(steady.signal_shrinking_amounts)
        self.assertNotIn("shrinking_amounts", steady.signal_data)

    def test_interval_growth(self):
        # every 30 days until 90 days ago: the open gap is three times the rhythm
        for day in ("2025-01-01", "2025-01-31", "2025-03-02", "2025-04-01"):
            self._order(self.risky, d(day), 5000)
        for day in ("2025-03-02", "2025-04-01", "2025-05-01", "2025-05-31", "2025-06-25"):
            self._order(self.steady, d(day), 5000)
        self._refresh(self.risky, self.steady)
        risky, steady = self._health(self.risky), self._health(self.steady)
        self.assertTrue(risky.signal_interval_growth)
        self.assertEqual(
            risky.signal_data["interval_growth"], {"current": 90, "average": 30, "ongoing": True},
        )
        self.assertIn("No order for 90 days, against an average of 30 days", risky.risk_reasons)
        self.assertFalse(steady.signal_interval_growth)

    def test_payment_delay(self):
        # due on the 1st, paid 2, 10 then 25 days late
        self._invoice(self.risky, d("2025-01-01"), d("2025-02-01"), d("2025-02-03"))
        self._invoice(self.risky, d("2025-02-01"), d("2025-03-01"), d("2025-03-11"))
        self._invoice(self.risky, d("2025-03-01"), d("2025-04-01"), d("2025-04-26"))
        # a not yet due invoice says nothing
        self._invoice(self.risky, d("2025-06-20"), d("2025-07-20"))
        for month in ("01", "02", "03"):
            self._invoice(
                self.steady, d(f"2025-{month}-01"), d(f"2025-{month}-28"), d(f"2025-{month}-25"),
            )
        self._refresh(self.risky, self.steady)
        risky, steady = self._health(self.risky), self._health(self.steady)
        self.assertTrue(risky.signal_payment_delay)
        self.assertEqual(risky.signal_data["payment_delay"]["delays"], [2, 10, 25])
        self.assertIn("2 → 10 → 25 days late", risky.risk_reasons)
        self.assertFalse(steady.signal_payment_delay)

    def test_unpaid_overdue_invoice_delay_runs_until_today(self):
        self._invoice(self.risky, d("2025-03-01"), d("2025-03-31"), d("2025-04-01"))
        self._invoice(self.risky, d("2025-04-01"), d("2025-04-30"), d("2025-05-10"))
        self._invoice(self.risky, d("2025-05-01"), d("2025-05-31"))  # still unpaid
        self._refresh(self.risky)
        self.assertEqual(self._health(self.risky).signal_data["payment_delay"]["delays"], [1, 10, 30])

    def test_dropped_categories(self):
        # previous half-year: desks and installation; recent half-year: desks only
        self._order(self.risky, d("2024-09-10"), 5000, self.desk)
        self._order(self.risky, d("2024-10-10"), 800, self.service)
        self._order(self.risky, d("2025-03-10"), 5000, self.desk)
        self._order(self.steady, d("2024-09-10"), 5000, self.desk)
        self._order(self.steady, d("2024-10-10"), 800, self.service)
        self._order(self.steady, d("2025-03-10"), 5000, self.desk)
        self._order(self.steady, d("2025-04-10"), 800, self.service)
        self._refresh(self.risky, self.steady)
        risky, steady = self._health(self.risky), self._health(self.steady)
        self.assertTrue(risky.signal_dropped_categories)
        self.assertEqual(
            risky.signal_data["dropped_categories"]["categories"], [self.categ_service.complete_name],
        )
        self.assertIn("not in the last 6 months: H6 Installation", risky.risk_reasons)
        self.assertFalse(steady.signal_dropped_categories)

    def test_contact_signals(self):
        Log = self.env["kam.contact.log"]
        Log.create([
            {"partner_id": self.risky.id, "date": d("2025-05-01"), "outcome": "positive",
             "channel": "phone"},
            {"partner_id": self.risky.id, "date": d("2025-06-10"), "outcome": "negative",
             "channel": "phone"},
            {"partner_id": self.risky.id, "date": d("2025-06-20"), "outcome": "negative",
             "channel": "phone"},
            {"partner_id": self.steady.id, "date": d("2025-06-25"), "outcome": "positive",
             "channel": "phone"},
        ])
        self._refresh(self.risky, self.steady)
        risky, steady = self._health(self.risky), self._health(self.steady)
        self.assertTrue(risky.signal_no_positive_contact)
        self.assertEqual(risky.signal_data["no_positive_contact"], {"days": 60, "limit": 10})
        self.assertTrue(risky.signal_negative_contacts)
        self.assertEqual(risky.signal_data["negative_contacts"]["count"], 2)
        self.assertIn("2 negative contact(s) over the last 90 days", risky.risk_reasons)
        self.assertFalse(steady.signal_no_positive_contact)
        self.assertFalse(steady.signal_negative_contacts)

    def test_positive_gap_rule_disabled(self):
        self.company.kam_positive_gap_enabled = False
        self._refresh(self.risky)
        self.assertFalse(self._health(self.risky).signal_no_positive_contact)

    def test_score_level_and_reasons(self):
        for day, amount in (("2025-01-01", 12000), ("2025-01-31", 9500), ("2025-03-02", 7000)):
            self._order(self.risky, d(day), amount)
        self._invoice(self.risky, d("2025-01-01"), d("2025-02-01"), d("2025-02-03"))
        self._invoice(self.risky, d("2025-02-01"), d("2025-03-01"), d("2025-03-11"))
        self._invoice(self.risky, d("2025-03-01"), d("2025-04-01"), d("2025-04-26"))
        self.company.kam_positive_gap_enabled = False
        self._refresh(self.risky)
        self._flush_tracking()
        health = self._health(self.risky)
        # shrinking 25 + interval 20 (120 days against 30) + payments 20
        self.assertEqual(health.risk_score, 65)
        self.assertEqual(health.risk_level, "high")
        reasons = health.risk_reasons.splitlines()
        self.assertEqual(len(reasons), 3)
        self.assertTrue(reasons[0].startswith("• Order amounts shrank"))
        self.assertTrue(reasons[0].endswith("(+25)"))
        self.assertEqual(self.risky.with_company(self.company).kam_risk_score, 65)
        self.assertEqual(self.risky.kam_risk_level, "high")
        self.assertIn(
            self.risky,
            self.env["res.partner"].search([("kam_risk_level", "=", "high")]),
        )
        # nothing left: the score falls back to zero and the level is tracked
        self.env["sale.order"].search([("partner_id", "=", self.risky.id)])._action_cancel()
        self.env["account.move"].search([("partner_id", "=", self.risky.id)]).button_draft()
        self._refresh(self.risky)
        self._flush_tracking()
        self.assertEqual((health.risk_score, health.risk_level), (0, "low"))
        self.assertEqual(health.risk_reasons, "")
        tracked = health.message_ids.tracking_value_ids.filtered(
            lambda value: value.field_id.name == "risk_level"
        )
        self.assertTrue(tracked)

    def test_cron_covers_key_accounts_only(self):
        self.env["res.partner"].create({"name": "Not Key Ltd", "is_company": True})
        self.env["kam.account.health"]._cron_refresh()
        healths = self.env["kam.account.health"].search([])
        self.assertTrue({self.risky, self.steady, self.foreign} <= set(healths.partner_id))
        self.assertEqual(set(healths.partner_id.mapped("kam_status")), {"key"})
        # idempotent: a second run creates nothing
        count = len(healths)
        self.env["kam.account.health"]._cron_refresh()
        self.assertEqual(self.env["kam.account.health"].search_count([]), count)

    def test_refresh_queries_do_not_grow_per_account(self):
        """Orders, delays, categories and contacts are read in one query each per
        batch, and the health records are updated in one statement."""
        partners = self.env["res.partner"].create([
            {"name": f"Bulk {i}", "is_company": True, "kam_status": "key"} for i in range(6)
        ])
        for i, partner in enumerate(partners):
            self._order(partner, d("2025-05-01"), 1000 + i)
        Health = self.env["kam.account.health"]
        Health._kam_refresh(self.company, partners)  # create the records

        def queries(accounts, now):
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.cr.sql_log_count
            with freeze_time(now):  # a new refresh time: every record is written
                Health._kam_refresh(self.company, accounts)
                self.env.flush_all()
            return self.cr.sql_log_count - before

        six = queries(partners, "2025-06-30 08:00:00")
        two = queries(partners[:2], "2025-06-30 09:00:00")
        self.assertEqual(six, two)
        self.assertLess(two, 25)


    def test_partner_risk_mirror_reads_in_one_query(self):
        """The risk shown in partner lists costs the same for 2 or 6 accounts."""
        partners = self.env["res.partner"].create([
            {"name": f"Listed {i}", "is_company": True, "kam_status": "key"} for i in range(6)
        ])
        partners._kam_refresh_health(self.company)

        def queries(accounts):
            self.env.invalidate_all()
            before = self.cr.sql_log_count
            accounts.with_user(self.head).mapped("kam_risk_level")
            return self.cr.sql_log_count - before

        queries(partners[:1])  # warm-up: user, groups, rules
        self.assertEqual(queries(partners), queries(partners[:2]))


@tagged("post_install", "-at_install")
class TestKamEndingReview(KamAnalyticsCase):
    """The five "consider ending" flags and the decision (§7.2)."""

    def setUp(self):
        super().setUp()
        self.health = self.env["kam.account.health"].create({"partner_id": self.risky.id})

    def test_warning_needs_three_flags_with_value_conflict(self):
        self.health.write({"flag_falling_volumes": True, "flag_loss_conditions": True,
                           "flag_cost_to_serve": True})
        self.assertEqual(self.health.ending_flag_count, 3)
        self.assertFalse(self.health.ending_warning)
        self.health.flag_value_conflict = True
        self.assertEqual(self.health.ending_flag_count, 4)
        self.assertTrue(self.health.ending_warning)
        self.assertIn(
            self.health, self.env["kam.account.health"].search([("ending_warning", "=", True)]),
        )

    @freeze_time("2025-06-30")
    def test_decision_records_who_and_when(self):
        """Who decided and when are stamped from the user recording the decision, not typed."""
        with self.assertRaises(AccessError), self.cr.savepoint():
            self.health.with_user(self.kam).write(
                {"decision": "terminate", "decision_date": "2025-01-31"}
            )
        self.assertFalse(self.health.decision)
        self.health.with_user(self.kam).write({"decision": "change_conditions"})
        self.assertEqual(self.health.decision_user_id, self.kam)
        self.assertEqual(self.health.decision_date, d("2025-06-30"))
        self._flush_tracking()
        tracked = self.health.message_ids.tracking_value_ids.field_id.mapped("name")
        self.assertIn("decision", tracked)
        self.assertIn("decision_date", tracked)

    def test_access(self):
        foreign = self.env["kam.account.health"].create({"partner_id": self.foreign.id})
        visible = self.env["kam.account.health"].with_user(self.kam).search([])
        self.assertIn(self.health, visible)
        self.assertNotIn(foreign, visible)
        with self.assertRaises(AccessError):
            foreign.with_user(self.kam).write({"flag_free_work": True})
        self.assertIn(foreign, self.env["kam.account.health"].with_user(self.head).search([]))
        with self.assertRaises(AccessError):
            self.env["kam.account.health"].with_user(self.salesman).search([])


@tagged("post_install", "-at_install")
class TestKamAnalyticsTour(HttpCase):
    def test_analytics_tour(self):
        """Dashboard card, portfolio graph and list, account risk, account plan."""
        if not self.env.ref("base.module_base").demo:
            self.skipTest("the tour walks through the demo data")
        # with demo data, a missing demo account is a failure, not a skip
        self.env.ref("kam_management.kam_demo_partner_northwind")
        self.start_tour("/odoo", "kam_analytics_tour", login="admin")
