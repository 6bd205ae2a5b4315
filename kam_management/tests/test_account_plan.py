# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged

from .common import KamAnalyticsCase, d


@tagged("post_install", "-at_install")
class TestKamAccountPlan(KamAnalyticsCase):
    """Account plans: objectives, budget, activities, reviews (§6.1)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.plan = cls.env["kam.account.plan"].create({
            "partner_id": cls.risky.id,
            "date_from": d("2025-01-01"),
            "date_to": d("2025-12-31"),
            "objective_ids": [
                Command.create({"name": "Grow the margin", "target": 200000, "actual": 50000,
                                "unit": "EUR"}),
                Command.create({"name": "Meet the CFO", "target": 2, "actual": 3}),
            ],
            "budget_line_ids": [
                Command.create({"name": "Loyalty programme", "amount": 4000, "category": "loyalty"}),
                Command.create({"name": "New Year gifts", "amount": 600, "category": "gifts"}),
            ],
        })

    def test_defaults_progress_and_budget(self):
        plan = self.plan
        self.assertEqual(plan.user_id, self.kam, "the KAM of the account by default")
        self.assertIn("Risky Retail Ltd", plan.name)
        self.assertEqual(plan.company_id, self.company)
        self.assertEqual(plan.objective_ids.mapped("progress"), [25.0, 150.0])
        self.assertEqual(plan.progress, 62.5, "over-achievement is capped at 100 % per objective")
        self.assertEqual(plan.budget_total, 4600)
        plan.objective_ids[0].actual = 200000
        self.assertEqual(plan.progress, 100.0)

    def test_period_and_budget_constraints(self):
        with self.assertRaises(ValidationError), self.cr.savepoint():
            self.plan.write({"date_from": d("2026-01-01")})
        with self.assertRaises(ValidationError), self.cr.savepoint():
            self.plan.budget_line_ids[0].amount = -1
        self.assertEqual(self.plan.date_from, d("2025-01-01"))
        self.assertEqual(self.plan.budget_total, 4600)

    def test_one_active_plan_per_period(self):
        self.plan.action_activate()
        second = self.env["kam.account.plan"].create({
            "partner_id": self.risky.id, "date_from": d("2025-07-01"), "date_to": d("2026-06-30"),
        })
        with self.assertRaises(ValidationError), self.cr.savepoint():
            second.action_activate()
        self.assertEqual(second.state, "draft")
        second.write({"date_from": d("2026-01-01")})
        second.action_activate()
        self.assertEqual(second.state, "active")

    def test_actions_are_activities(self):
        activity = self.plan.with_user(self.kam).activity_schedule(
            "mail.mail_activity_data_call", summary="Present the loyalty programme to the CFO",
            user_id=self.kam.id,
        )
        self.assertEqual(self.plan.activity_ids, activity)
        self.assertIn(
            self.plan, self.env["kam.account.plan"].search([("activity_user_id", "=", self.kam.id)]),
        )

    def test_review_commented_by_the_head_only(self):
        review = self.env["kam.account.plan.review"].with_user(self.kam).create({
            "plan_id": self.plan.id,
            "date": d("2025-04-01"),
            "interim_results": "Margin at 25 % of the target; CFO met twice.",
            "rating": "3",
        })
        self.assertEqual(review.author_id, self.kam)
        self.assertEqual(self.plan.last_review_date, d("2025-04-01"))
        self.assertEqual(self.plan.last_rating, "3")
        self.assertFalse(review.with_user(self.kam).can_comment)
        with self.assertRaises(AccessError):
            review.with_user(self.kam).write({"manager_comment": "Well done, says I."})
        self.assertFalse(review.manager_comment)
        self.assertTrue(review.with_user(self.head).can_comment)
        review.with_user(self.head).write({"manager_comment": "Push the loyalty programme."})
        self.assertEqual(review.manager_id, self.head)
        self.assertTrue(review.comment_date)
        message = self.plan.message_ids[:1]
        self.assertIn("Push the loyalty programme.", message.body)
        self.assertIn(self.kam.partner_id, message.partner_ids)
        # the head of KAM sees every review, the KAM reads the comment
        self.assertIn(review, self.env["kam.account.plan.review"].with_user(self.head).search([]))
        self.assertEqual(review.with_user(self.kam).manager_comment, "Push the loyalty programme.")

    def test_record_rules(self):
        foreign_plan = self.env["kam.account.plan"].create({
            "partner_id": self.foreign.id, "date_from": d("2025-01-01"), "date_to": d("2025-12-31"),
            "objective_ids": [Command.create({"name": "Secret", "target": 1})],
        })
        Plan = self.env["kam.account.plan"]
        self.assertEqual(Plan.with_user(self.kam).search([]), self.plan)
        self.assertEqual(
            self.env["kam.account.plan.objective"].with_user(self.kam).search([]),
            self.plan.objective_ids,
        )
        with self.assertRaises(AccessError):
            foreign_plan.with_user(self.kam).read(["name"])
        with self.assertRaises(AccessError):
            Plan.with_user(self.kam).create({
                "partner_id": self.foreign.id, "date_from": d("2025-01-01"),
                "date_to": d("2025-12-31"),
            })
        self.assertLessEqual(self.plan | foreign_plan, Plan.with_user(self.head).search([]))
        with self.assertRaises(AccessError):
            Plan.with_user(self.salesman).search([])
        # a team member sees the plan of the account
        self.foreign.kam_team_user_ids = self.kam
        self.assertIn(foreign_plan, Plan.with_user(self.kam).search([]))

    def test_partner_button(self):
        self.assertEqual(self.risky.with_user(self.kam).kam_account_plan_count, 1)
        action = self.risky.with_user(self.kam).action_kam_open_plans()
        self.assertEqual(action["domain"], [("partner_id", "=", self.risky.id)])
        self.assertEqual(action["context"]["default_partner_id"], self.risky.id)
