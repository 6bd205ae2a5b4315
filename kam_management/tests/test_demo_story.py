# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""The README's demo story ("Demo data: the story"), claim by claim.

Each test checks one sentence of the story on the database the demo data was
loaded in, with the expected value taken from the rule the sentence relies on
(compliance: contacts done on time among those planned; dependency: the
company's thresholds; risk: the account's own history), so that the demo and
the README cannot drift apart again.

The demo dates are relative to the day of the install: the clock is set back
to that moment, so that a database kept for days (pytest-odoo's) still tells
the story of its own install day.
"""

import re
from datetime import timedelta

from freezegun import freeze_time

from odoo import Command, fields
from odoo.tests import TransactionCase, tagged

from ..rules.cadence import DEFAULT_COMPLIANCE_WINDOW, DEFAULT_GRACE_DAYS

ANCHOR = "kam_management.kam_demo_log_deco_meeting"


@tagged("post_install", "-at_install")
class TestDemoStory(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.anchor = cls.env.ref(ANCHOR, raise_if_not_found=False)
        if not cls.anchor:
            return
        ref = cls.env.ref
        cls.company = ref("base.main_company")
        cls.deco = ref("base.res_partner_2")
        cls.jackson = ref("base.res_partner_10")
        cls.azure = ref("base.res_partner_12")
        cls.northwind = ref("kam_management.kam_demo_partner_northwind")
        cls.ready_mat = ref("base.res_partner_4")

    def setUp(self):
        super().setUp()
        if not self.anchor:
            # Odoo's demo data loaded but not ours: the story is broken, not absent.
            self.assertFalse(
                self.env.ref("base.module_base").demo,
                "the database has demo data but not kam_management's: its demo failed to load",
            )
            self.skipTest("the database was created without demo data")
        freezer = freeze_time(self.anchor.create_date)
        freezer.start()
        self.addCleanup(freezer.stop)
        self.env.invalidate_all()
        self.today = fields.Date.context_today(self.env["res.partner"])
        self.demo_day = self.anchor.create_date.date()

    def _alert(self, partner, prefix):
        """The one open activity on ``partner`` whose summary starts with ``prefix``."""
        alerts = self.env["mail.activity"].search([
            ("res_model", "=", "res.partner"), ("res_id", "=", partner.id),
            ("summary", "=like", f"{prefix}%"),
        ])
        self.assertEqual(len(alerts), 1, f"one alert {prefix!r} on {partner.name}")
        return alerts

    def _percent(self, text):
        """The percentage quoted in ``text``."""
        match = re.search(r"(\d+(?:[.,]\d+)?)\s*%", text)
        self.assertTrue(match, text)
        return float(match.group(1).replace(",", "."))

    def _key_accounts(self):
        """The key accounts themselves (their contacts share the status)."""
        partners = self.env["res.partner"].search([("kam_status", "=", "key")])
        return partners.filtered(lambda partner: partner.commercial_partner_id == partner)

    def _plan_occurrences_judged(self, partner):
        """The plan's contacts the compliance rule judges today: (judged, on time).

        Due in the last 90 days, not skipped, and not still open inside their
        three days of grace; on time when done at most three days late.
        """
        window_start = self.today - timedelta(days=DEFAULT_COMPLIANCE_WINDOW)
        grace = timedelta(days=DEFAULT_GRACE_DAYS)
        occurrences = self.env["kam.comm.occurrence"].search([
            ("partner_id", "=", partner.id), ("company_id", "=", self.company.id),
            ("rule", "=", "plan"),
        ])
        judged = occurrences.filtered(
            lambda occ: window_start < occ.due_date <= self.today
            and occ.state != "skipped"
            and not (occ.state == "open" and occ.due_date + grace >= self.today)
        )
        on_time = judged.filtered(
            lambda occ: occ.done_date and occ.done_date <= occ.due_date + grace
        )
        return judged, on_time

    # ------------------------------------------------------------------
    # Deco Addict
    # ------------------------------------------------------------------

    def test_deco_is_a_key_account_with_a_critical_share(self):
        """"Deco Addict is the main key account: it carries a critical share of the
        margin"."""
        deco = self.deco.with_company(self.company)
        self.assertEqual(deco.kam_status, "key")
        self.assertTrue(deco.kam_user_id)
        # critical: at least the critical share, below the mono-client share
        self.assertGreaterEqual(deco.kam_margin_share, self.company.kam_critical_share)
        self.assertLess(deco.kam_margin_share, self.company.kam_mono_share)
        self.assertEqual(deco.kam_dependency_level, "critical")
        others = (self._key_accounts() - deco).with_company(self.company)
        self.assertTrue(others)
        self.assertGreater(deco.kam_margin_share, max(others.mapped("kam_margin_share")))
        # its KAM is alerted, with the share it has now
        alert = self._alert(deco, "Critical dependency")
        self.assertEqual(alert.user_id, deco.kam_user_id)
        self.assertAlmostEqual(self._percent(alert.summary), deco.kam_share, delta=0.05)

    def test_deco_dossier_is_full(self):
        """"Its dossier is full": every item of the checklist is answered."""
        dossier = self.env.ref("kam_management.kam_demo_dossier_deco")
        checks = self.env["kam.dossier.check"].search([
            ("company_id", "in", [False, self.company.id]),
        ])
        self.assertTrue(checks)
        self.assertFalse(dossier.missing_check_ids)
        self.assertEqual(dossier.completeness, 100)
        self.assertFalse(dossier.is_stale)

    def test_deco_dmu(self):
        """"a six-person DMU, with a decision maker, an opponent and influence links"."""
        members = self.env["kam.dmu.member"].search([("partner_id", "=", self.deco.id)])
        self.assertEqual(len(members), 6)
        self.assertEqual(len(members.contact_id), 6)
        decision_maker = self.env.ref("kam_management.kam_dmu_role_decision_maker")
        self.assertTrue(members.filtered(lambda member: decision_maker in member.role_ids))
        self.assertTrue(self.env.ref("kam_management.kam_demo_dossier_deco").has_decision_maker)
        self.assertIn("opponent", members.mapped("attitude"))
        self.assertTrue(members.influences_member_ids)
        self.assertLessEqual(members.influences_member_ids, members)

    def test_deco_plan_is_kept_up(self):
        """"Its communication plan is kept up: a positive contact every ten days, the last
        one twelve days ago, so the next is due today; 8 of the 9 contacts planned over
        the last 90 days were made on time (89 %), only the catalogue promised last week
        is overdue"."""
        judged, on_time = self._plan_occurrences_judged(self.deco)
        self.assertEqual((len(judged), len(on_time)), (9, 8))
        late = judged - on_time
        catalogue = self.env.ref("kam_management.kam_demo_line_deco_catalogue")
        self.assertEqual(late.line_id, catalogue)
        self.assertEqual(catalogue.state, "overdue")
        self.assertLess(catalogue.next_due_date, self.today)
        self.assertLessEqual(self.today - catalogue.next_due_date, timedelta(days=7))
        # the ledger's on-time contacts are the positive contacts of the log
        positive_dates = set(self.env["kam.contact.log"].search([
            ("partner_id", "=", self.deco.id), ("outcome", "=", "positive"),
        ]).mapped("date"))
        self.assertLessEqual(set(on_time.mapped("done_date")), positive_dates)
        # what the account shows: the share on time, in whole percent
        deco = self.deco.with_company(self.company)
        self.assertEqual(deco.kam_compliance_planned, 9)
        self.assertEqual(deco.kam_compliance_rate, round(100 * 8 / 9))
        self.assertEqual(deco.kam_plan_overdue_count, 1)
        # a positive contact every ten days: the last was twelve days ago, the next is due
        line = self.env.ref("kam_management.kam_demo_line_deco_positive")
        self.assertEqual((line.cadence_kind, line.interval_days, line.positive_only),
                         ("interval", 10, True))
        # the demo's dates are written on the server's day (UTC), which is the day
        # before the admin's (Europe/Brussels) from 23:00 to 24:00 UTC
        self.assertEqual(line.last_done_date, self.demo_day - timedelta(days=12))
        self.assertEqual(line.next_due_date, self.today)

    def test_deco_opportunity_tracks_a_tender(self):
        """"its opportunity tracks a tender": a tender date and its preparation plan."""
        lead = self.env.ref("crm.crm_case_14")
        self.assertEqual(lead.name, "Office Design Project")
        self.assertEqual(lead.partner_id.commercial_partner_id, self.deco)
        self.assertGreater(lead.kam_tender_date, self.today)
        steps = self.env["kam.comm.plan.line"].search([
            ("lead_id", "=", lead.id), ("kind", "=", "tender"),
        ])
        self.assertEqual(set(steps.mapped("tender_step")), {"kickoff", "needs", "proposal", "final"})
        self.assertTrue(all(step.start_date <= lead.kam_tender_date for step in steps))

    def test_risk_reasons_agree_with_the_contact_log(self):
        """No "No positive contact logged yet" next to a positive contact: every key
        account's contact signals match its log."""
        Log = self.env["kam.contact.log"]
        since = self.today - timedelta(days=self.company.kam_risk_negative_days)
        healths = self.env["kam.account.health"].search([
            ("company_id", "=", self.company.id), ("partner_id.kam_status", "=", "key"),
        ])
        self.assertEqual(
            set(healths.partner_id), {self.deco, self.jackson, self.northwind},
        )
        for health in healths:
            partner = health.partner_id
            logs = Log.search([("partner_id", "=", partner.id), ("company_id", "=", self.company.id)])
            positive = logs.filtered(lambda log: log.outcome == "positive")
            negative = logs.filtered(lambda log: log.outcome == "negative" and log.date >= since)
            data = health.signal_data or {}
            with self.subTest(account=partner.name):
                if positive:
                    days = (self.today - max(positive.mapped("date"))).days
                    self.assertNotIn("No positive contact logged yet", health.risk_reasons)
                    if days > self.company.kam_positive_gap_days:
                        self.assertEqual(data["no_positive_contact"]["days"], days)
                    else:
                        self.assertNotIn("no_positive_contact", data)
                else:
                    self.assertIsNone(data["no_positive_contact"]["days"])
                if negative:
                    self.assertEqual(data["negative_contacts"]["count"], len(negative))
                else:
                    self.assertNotIn("negative_contacts", data)
        deco = healths.filtered(lambda health: health.partner_id == self.deco)
        days = (self.today - (self.demo_day - timedelta(days=12))).days  # 12 but from 23:00 UTC
        self.assertIn(f"Last positive contact {days} days ago", deco.risk_reasons)

    def test_logging_a_contact_refreshes_the_risk(self):
        """The risk follows a contact as soon as it is logged, not at the next nightly job."""
        health = self.env["kam.account.health"].search([
            ("partner_id", "=", self.deco.id), ("company_id", "=", self.company.id),
        ])
        self.assertTrue(health.signal_no_positive_contact)
        self.env["kam.contact.log"].create({
            "partner_id": self.deco.id, "company_id": self.company.id, "date": self.today,
            "channel": "phone", "outcome": "positive",
            "user_ids": [Command.set(self.env.ref("base.user_demo").ids)],
        })
        self.assertFalse(health.signal_no_positive_contact)
        self.assertNotIn("positive contact", health.risk_reasons)

    # ------------------------------------------------------------------
    # The Jackson Group
    # ------------------------------------------------------------------

    def test_jackson_key_account_with_a_stale_dossier(self):
        """"The Jackson Group is a key account with a stale dossier"."""
        self.assertEqual(self.jackson.kam_status, "key")
        dossier = self.env.ref("kam_management.kam_demo_dossier_jackson")
        self.assertGreater(
            (self.today - dossier.last_update.date()).days, self.company.kam_dossier_stale_days,
        )
        self.assertTrue(dossier.is_stale)

    def test_jackson_cool_down_and_the_meeting_inside_it(self):
        """"in cool-down after a negative contact; a meeting scheduled inside the
        cool-down warns"."""
        negative = self.env.ref("kam_management.kam_demo_log_jackson_negative")
        self.assertEqual(negative.outcome, "negative")
        until = negative.date + timedelta(days=self.company.kam_cooldown_days)
        self.assertGreaterEqual(until, self.today)
        self.assertEqual(self.jackson.with_company(self.company).kam_cooldown_until, until)
        event = self.env.ref("kam_management.kam_demo_event_jackson")
        self.assertTrue(self.today <= event.start.date() <= until)
        self.assertIn(self.jackson, event.kam_account_ids)
        self.assertTrue(event.kam_cooldown_warning)
        self.assertIn(event.user_id.name, event.kam_cooldown_warning)

    # ------------------------------------------------------------------
    # Azure Interior, Northwind Offices, Ready Mat
    # ------------------------------------------------------------------

    def test_azure_candidate_with_a_patchy_plan(self):
        """"Azure Interior is a candidate whose regular-client plan is patchy": one of
        its three planned contacts on time."""
        self.assertEqual(self.azure.kam_status, "candidate")
        regular = self.env.ref("kam_management.kam_comm_template_regular")
        lines = self.env["kam.comm.plan.line"].search([("partner_id", "=", self.azure.id)])
        self.assertTrue(lines)
        self.assertEqual(lines.template_id, regular)
        judged, on_time = self._plan_occurrences_judged(self.azure)
        self.assertEqual((len(judged), len(on_time)), (3, 1))
        azure = self.azure.with_company(self.company)
        self.assertEqual(azure.kam_compliance_planned, 3)
        self.assertEqual(azure.kam_compliance_rate, round(100 / 3))

    def test_northwind_at_risk(self):
        """"Northwind Offices is at risk: shrinking orders, growing intervals, late
        payments, a dropped category and negative contacts"."""
        company = self.company
        orders = self.env["sale.order"].search(
            [("partner_id", "=", self.northwind.id), ("state", "=", "sale")], order="date_order",
        )
        # shrinking: each of the last orders smaller than the one before
        amounts = orders[-company.kam_risk_orders:].mapped("amount_untaxed")
        self.assertEqual(amounts, sorted(amounts, reverse=True))
        self.assertEqual(len(set(amounts)), len(amounts))
        # growing intervals: the open gap exceeds the usual rhythm by the factor
        dates = [order.date_order.date() for order in orders]
        average = (dates[-1] - dates[0]).days / (len(dates) - 1)
        self.assertGreater((self.today - dates[-1]).days, company.kam_risk_interval_factor * average)
        # late payments: each invoice paid later after its due date than the one before
        invoices = self.env["account.move"].search([
            ("partner_id", "=", self.northwind.id), ("move_type", "=", "out_invoice"),
            ("state", "=", "posted"),
        ], order="invoice_date_due")
        delays = [
            (max(payment["date"] for payment in invoice.invoice_payments_widget["content"])
             - invoice.invoice_date_due).days
            for invoice in invoices
        ]
        self.assertEqual(len(delays), 3)
        self.assertGreater(delays[0], 0)
        self.assertEqual(delays, sorted(set(delays)))  # each later than the one before
        # a category bought before and not in the last months
        recent_since = self.today - timedelta(days=31 * company.kam_risk_category_months)
        recent = orders.filtered(lambda order: order.date_order.date() >= recent_since)
        dropped = (orders - recent).order_line.product_id.categ_id - recent.order_line.product_id.categ_id
        self.assertTrue(dropped)
        # negative contacts in the window
        since = self.today - timedelta(days=company.kam_risk_negative_days)
        self.assertTrue(self.env["kam.contact.log"].search_count([
            ("partner_id", "=", self.northwind.id), ("outcome", "=", "negative"),
            ("date", ">=", since),
        ]))
        health = self.env.ref("kam_management.kam_demo_health_northwind")
        for signal in ("shrinking_amounts", "interval_growth", "payment_delay",
                       "dropped_categories", "negative_contacts"):
            self.assertTrue(health[f"signal_{signal}"], signal)
        self.assertEqual(health.risk_level, "high")
        self.assertEqual(self.northwind.with_company(company).kam_risk_level, "high")
        self.assertEqual(health.signal_data["dropped_categories"]["categories"],
                         dropped.mapped("complete_name"))

    def test_northwind_account_plan_review_and_decision(self):
        """"It has an account plan with a commented review and an ending decision"."""
        plan = self.env.ref("kam_management.kam_demo_plan_northwind")
        self.assertEqual(plan.partner_id, self.northwind)
        self.assertEqual(plan.state, "active")
        review = self.env.ref("kam_management.kam_demo_plan_northwind_review")
        self.assertEqual(review.plan_id, plan)
        self.assertTrue(review.manager_comment)
        self.assertTrue(review.manager_id.has_group("kam_management.group_kam_manager"))
        health = self.env.ref("kam_management.kam_demo_health_northwind")
        self.assertEqual(health.decision, "change_conditions")
        self.assertTrue(health.decision_user_id)
        self.assertTrue(health.decision_date)

    def test_ready_mat_former_key_account(self):
        """"Ready Mat is a former key account"."""
        self.assertEqual(self.ready_mat.kam_status, "former")
        self.assertTrue(self.ready_mat.kam_status_reason)

    # ------------------------------------------------------------------
    # Growing key accounts: feedback, referrals, win-back
    # ------------------------------------------------------------------

    def test_deco_feedback_trend_is_up(self):
        """"Rachel was lukewarm (3/5) ... Victor answered every key question and gave 5/5. The trend is up"."""
        feedback = self.env["kam.feedback"].search(
            [("partner_id", "=", self.deco.id), ("company_id", "=", self.company.id)], order="date, id",
        )
        self.assertEqual(feedback.mapped("score"), [3, 5])
        self.assertEqual(feedback.mapped("trend"), ["first", "up"])
        self.assertEqual(feedback.mapped("is_complete"), [False, True])
        self.assertEqual(feedback.kam_user_id, self.env.ref("base.user_demo"))
        # On the dashboard: two feedbacks in the window, half complete, 4 on average.
        row = self.env["kam.portfolio.report"].search([
            ("partner_id", "=", self.deco.id), ("company_id", "=", self.company.id),
        ])
        self.assertEqual(row.feedback_count, 2)
        self.assertAlmostEqual(row.feedback_complete_rate, 50.0)
        self.assertAlmostEqual(row.feedback_score, 4.0)

    def test_deco_high_score_after_delivery_proposes_a_letter(self):
        """"the high score after a delivered order proposed a recommendation letter"."""
        victor = self.env.ref("kam_management.kam_demo_feedback_deco_victor")
        letter = victor.letter_ids
        self.assertEqual(letter.state, "proposed")
        self.assertEqual(letter.contact_id, self.env.ref("kam_management.kam_demo_contact_victor"))
        self.assertEqual(letter.activity_ids.user_id, self.env.ref("base.user_demo"))

    def test_deco_reference_client_and_its_referral(self):
        """"Deco Addict is a reference client; ... the showroom deal that came of it is won"."""
        self.assertTrue(self.deco.kam_reference_client)
        self.assertTrue(self.deco.kam_reference_note)
        referral = self.env.ref("kam_management.kam_demo_referral_deco_lakeside")
        self.assertEqual(referral.partner_id, self.deco)
        self.assertEqual((referral.lead_count, referral.won_count, referral.won_revenue), (1, 1, 18000.0))

    def test_ready_mat_may_come_back(self):
        """"Ready Mat ended the relationship itself ... keeps the Former Client plan ... a win-back
        opportunity is open"."""
        self.assertEqual(self.ready_mat.kam_ended_by, "client")
        self.assertTrue(self.ready_mat.kam_revivable)
        self.assertTrue(self.ready_mat.kam_winback_plan_date)
        lines = self.env["kam.comm.plan.line"].search([("partner_id", "=", self.ready_mat.id)])
        self.assertEqual(lines.template_id, self.env.ref("kam_management.kam_comm_template_former"))
        per_year = sum(
            line.times if line.cadence_kind == "per_year" else len(line.yearly_dates.split(","))
            for line in lines
        )
        self.assertLessEqual(per_year, 2, "digest §5.1.5: not more often than 1-2 times a year")
        deal = self.env.ref("kam_management.kam_demo_lead_readymat_winback")
        self.assertTrue(deal.kam_is_winback)
        self.assertEqual(deal.kam_winback_state, "open")

    # ------------------------------------------------------------------
    # Pipeline and dashboard
    # ------------------------------------------------------------------

    def test_pipeline_deal_without_decision_maker(self):
        """"The pipeline shows the badges, including a deal with no decision maker"."""
        without = self.env.ref("crm.crm_case_26")
        with_dm = self.env.ref("crm.crm_case_14")
        self.assertEqual(without.name, "Open Space Design")
        self.assertEqual(without.partner_id.commercial_partner_id, self.deco)
        self.assertEqual(without.kam_partner_status, "key")
        self.assertTrue(without.kam_dmu_line_ids)  # a DMU, but nobody decides in it
        self.assertTrue(without.kam_dmu_missing_decision_maker)
        self.assertFalse(with_dm.kam_dmu_missing_decision_maker)
        self.assertEqual(with_dm.kam_dependency_level, "critical")

    def test_key_accounts_bring_more_than_the_mono_dependence_share(self):
        """"the key accounts bring more than 75 % of the basis, so the dashboard raises
        its mono-dependence alert"."""
        keys = self._key_accounts().with_company(self.company)
        self.assertEqual(keys, self.deco | self.jackson | self.northwind)
        total = sum(keys.mapped("kam_share"))
        self.assertEqual(self.company.kam_portfolio_mono_share, 75)
        self.assertGreater(total, self.company.kam_portfolio_mono_share)
        summary = self.env["kam.portfolio.summary"].search([("company_id", "=", self.company.id)])
        self.assertAlmostEqual(summary.key_share, total, places=1)
        self.assertEqual(summary.band_status, "mono")
        alert = self._alert(self.company.partner_id, "Portfolio mono-dependence")
        self.assertAlmostEqual(self._percent(alert.summary), total, delta=0.05)

    # ------------------------------------------------------------------
    # Growing key accounts
    # ------------------------------------------------------------------

    def test_deco_addict_group_is_a_mono_client_dependency(self):
        """"Deco Addict is a group: Northwind Offices its subsidiary, Azure Interior a
        division of Northwind; counted as a group, each company once, they bring
        about four fifths of our margin: a mono-client dependency"."""
        company = self.company
        self.assertEqual(self.northwind.parent_id, self.deco)
        self.assertEqual(self.azure.parent_id, self.northwind)
        group = self.deco | self.northwind | self.azure
        for partner in group:
            self.assertEqual(partner.kam_group_id, self.deco, partner.name)
            self.assertNotEqual(partner.with_company(company).kam_dependency_level, "mono")
        # the subsidiary and the division keep their own address
        self.assertEqual(self.northwind.city, "Rotterdam")
        self.assertEqual(self.azure.city, "Fremont")
        metrics = self.env["kam.partner.metric"].search([("company_id", "=", company.id)])
        total = sum(metric.basis_amount for metric in metrics if metric.basis_amount >= 0)
        expected = 100 * sum(metrics.filtered(lambda m: m.partner_id in group).mapped("basis_amount")) / total
        self.assertGreater(expected, company.kam_mono_share)
        demo_user = self.env.ref("base.user_demo")
        deco = self.deco.with_user(demo_user).with_company(company)
        self.assertTrue(deco.kam_group_figures_visible, "Marc Demo is the KAM of the group")
        self.assertAlmostEqual(deco.kam_group_share, expected, places=2)
        self.assertEqual(deco.kam_group_dependency_level, "mono")
        self.assertEqual(deco.kam_group_line_ids.partner_id, group)

    def test_group_white_space_services(self):
        """"Northwind buys our design services, Deco Addict and Azure Interior do not;
        the Jackson Group buys furniture only, while the other key accounts also buy
        services"."""
        services = self.env["kam.white.space"].search([
            ("company_id", "=", self.company.id), ("categ_id.name", "=", "Services"),
        ])
        group_rows = services.filtered(lambda row: row.kind == "group")
        self.assertEqual(group_rows.account_id, self.deco)
        self.assertEqual(group_rows.partner_id, self.deco | self.azure)
        northwind_services = self.env["sale.order.line"].search([
            ("order_id.partner_id", "=", self.northwind.id), ("order_id.state", "=", "sale"),
            ("product_id.categ_id.name", "=", "Services"),
        ])
        self.assertTrue(northwind_services)
        peers = services.filtered(lambda row: row.kind == "peers")
        self.assertEqual(peers.account_id, self.jackson)
        demo_user = self.env.ref("base.user_demo")
        mine = self.env["kam.white.space"].with_user(demo_user).search([("company_id", "=", self.company.id)])
        self.assertEqual(mine.account_id, self.deco, "Marc Demo sees the white space of his group")
