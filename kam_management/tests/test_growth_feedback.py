# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""Feedback (digest §5.7): requested after a delivered order and periodically,
recorded with the key questions, its trend, and counted per KAM and account."""

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from ..rules.growth import KEY_QUESTIONS
from .common import D, KamGrowthCase

ANSWERS = {
    "client_trend": "better",
    "process_changes": "A new purchasing platform from March",
    "churn_risk": "The logistics head may prefer a local supplier: delivery times",
    "decision_factors": "Lead time, then price",
    "decision_makers": "The CFO signs; the plant manager chooses",
    "competitor_comparison": "Faster than SteelCo, dearer than LocalMetal",
}


@tagged("post_install", "-at_install")
@freeze_time("2025-06-16 12:00:00")
class TestFeedbackRequests(KamGrowthCase):
    def test_a_delivered_order_of_a_key_account_asks_for_feedback_once(self):
        order = self.order()
        self.assertFalse(self.growth._kam_request_delivery_feedback(fields.Date.today()),
                         "not delivered yet: nothing to ask")
        self.deliver(order)
        lines = self.growth._kam_request_delivery_feedback(fields.Date.today())
        self.assertEqual(len(lines), 1)
        self.assertRecordValues(lines, [{
            "partner_id": self.account.id, "kind": "feedback", "cadence_kind": "once",
            "user_id": self.kam.id, "sale_order_id": order.id, "purpose": "feedback",
        }])
        self.assertEqual(lines.contact_ids, self.person, "the person who ordered is asked")
        self.assertIn(order.name, lines.name)
        # The next day's run does not ask again.
        self.assertFalse(self.growth._kam_request_delivery_feedback(fields.Date.today()))

    def test_a_partly_delivered_order_waits(self):
        order = self.order(qty=10)
        self.deliver(order, qty=4)
        self.assertFalse(self.growth._kam_request_delivery_feedback(fields.Date.today()))

    def test_a_fully_invoiced_service_order_asks_for_feedback(self):
        order = self.order(product=self.service, qty=1)
        self.assertFalse(self.growth._kam_request_delivery_feedback(fields.Date.today()))
        invoice = order._create_invoices()
        invoice.action_post()
        self.assertEqual(order.invoice_status, "invoiced")
        self.assertEqual(self.growth._kam_request_delivery_feedback(fields.Date.today()).sale_order_id, order)

    def test_orders_of_other_clients_are_not_asked_about(self):
        client = self.env["res.partner"].create({"name": "Plain Client", "is_company": True})
        order = self.order(partner=client)
        self.deliver(order)
        self.assertFalse(self.growth._kam_request_delivery_feedback(fields.Date.today()))

    def test_the_request_is_written_in_the_kams_language(self):
        self.env["res.lang"]._activate_lang("ru_RU")
        self.kam.lang = "ru_RU"
        order = self.order()
        self.deliver(order)
        line = self.growth._kam_request_delivery_feedback(fields.Date.today())
        expected = self.env["kam.growth.scheduler"].with_context(lang="ru_RU").env._(
            "Ask for feedback on the delivered order %(order)s", order=order.name,
        )
        self.assertEqual(line.name, expected)

    def test_the_request_becomes_a_reminder_of_the_kam(self):
        order = self.order()
        self.deliver(order)
        today = fields.Date.today()
        line = self.growth._kam_request_delivery_feedback(today)
        self.run_batch(today)
        occurrence = self.occurrences(rule="plan", state="open").filtered(lambda o: o.line_id == line)
        self.assertEqual(len(occurrence), 1)
        self.assertEqual(occurrence.activity_id.user_id, self.kam)

    def test_the_periodic_feedback_plan_is_quarterly(self):
        template = self.env.ref("kam_management.kam_comm_template_feedback")
        self.assertRecordValues(template.line_ids, [{"kind": "feedback", "cadence_kind": "per_quarter", "times": 1}])
        line = template._kam_apply(self.account)
        self.assertEqual(line.user_id, self.kam)


@tagged("post_install", "-at_install")
@freeze_time("2025-12-15 12:00:00")
class TestFeedbackRecords(KamGrowthCase):
    def test_trend_compares_with_the_previous_feedback_of_the_account(self):
        first = self.feedback(D(2025, 1, 10), 3)
        self.assertEqual((first.previous_score, first.trend), (0, "first"))
        second = self.feedback(D(2025, 4, 10), 4)
        self.assertEqual((second.previous_score, second.trend), (3, "up"))
        third = self.feedback(D(2025, 7, 10), 2)
        self.assertEqual((third.previous_score, third.trend), (4, "down"))
        # A feedback recorded late, between the first two, moves the trend of the second.
        late = self.feedback(D(2025, 2, 10), 4)
        self.assertEqual((late.previous_score, late.trend), (3, "up"))
        self.assertEqual((second.previous_score, second.trend), (4, "same"))
        late.unlink()
        self.assertEqual((second.previous_score, second.trend), (3, "up"))

    def test_trend_is_per_account_and_company(self):
        self.feedback(D(2025, 1, 10), 5)
        other_company = self.env["res.company"].create({"name": "Growth Co B"})
        self.env["kam.account"].create({
            "partner_id": self.account.id, "company_id": other_company.id,
            "kam_status": "key", "kam_user_id": self.kam.id,
        })
        self.kam.company_ids |= other_company
        elsewhere = self.Feedback.with_user(self.kam).with_company(other_company).create({
            "partner_id": self.account.id, "company_id": other_company.id, "date": D(2025, 2, 1), "score": 2,
        })
        self.assertEqual(elsewhere.trend, "first", "another company's feedback is another series")

    def test_complete_when_every_key_question_is_answered(self):
        full = self.feedback(D(2025, 1, 10), 4, **ANSWERS)
        self.assertTrue(full.is_complete)
        self.assertEqual(full.complete_rate, 100.0)
        for question in KEY_QUESTIONS:
            partial = self.feedback(D(2025, 1, 10), 4, **dict(ANSWERS, **{question: False}))
            self.assertFalse(partial.is_complete, f"{question} missing")

    def test_score_and_parties_are_checked(self):
        with self.assertRaises(ValidationError):
            self.feedback(D(2025, 1, 10), 6)
        with self.assertRaises(ValidationError):
            self.feedback(D(2025, 1, 10), 4, contact_id=self.other_person.id)
        with self.assertRaises(ValidationError):
            self.feedback(fields.Date.add(fields.Date.today(), days=2), 4)

    def test_the_kam_of_the_account_gets_the_credit(self):
        feedback = self.feedback(D(2025, 1, 10), 4, user=self.head)
        self.assertEqual(feedback.user_id, self.head)
        self.assertEqual(feedback.kam_user_id, self.kam)

    def test_derived_fields_cannot_be_forged(self):
        feedback = self.feedback(D(2025, 1, 10), 4)
        for vals in ({"trend": "up"}, {"previous_score": 5}, {"kam_user_id": self.colleague.id},
                     {"is_complete": True}):
            with self.assertRaises(AccessError):
                feedback.with_user(self.kam).write(vals)
        with self.assertRaises(AccessError):
            self.Feedback.with_user(self.kam).create({
                "partner_id": self.account.id, "score": 3, "trend": "up",
            })


@tagged("post_install", "-at_install")
@freeze_time("2025-06-16 12:00:00")
class TestFeedbackInTheContactDialog(KamGrowthCase):
    def _request(self, order=None):
        return self.line(name="Feedback", kind="feedback", cadence_kind="once",
                         sale_order_id=order.id if order else False)

    def test_logging_a_feedback_request_records_the_feedback(self):
        order = self.order()
        self.deliver(order)
        line = self.growth._kam_request_delivery_feedback(fields.Date.today())
        Wizard = self.env["kam.contact.outcome.wizard"].with_user(self.kam)
        wizard = Wizard.create({"plan_line_id": line.id, "outcome": "positive"})
        self.assertTrue(wizard.is_feedback, "a feedback request opens the feedback part")
        wizard.write({"feedback_score": "5", **{f"feedback_{q}": v for q, v in ANSWERS.items()}})
        wizard.action_confirm()
        feedback = self.Feedback.search([("partner_id", "=", self.account.id)])
        self.assertEqual(len(feedback), 1)
        self.assertRecordValues(feedback, [{
            "score": 5, "contact_id": self.person.id, "user_id": self.kam.id, "sale_order_id": order.id,
            "plan_line_id": line.id, "is_complete": True, "trend": "first",
        }])
        self.assertEqual(feedback.log_id.plan_line_id, line)
        self.assertEqual(line.state, "done")

    def test_a_feedback_needs_its_score(self):
        wizard = self.env["kam.contact.outcome.wizard"].with_user(self.kam).create({
            "plan_line_id": self._request().id, "outcome": "neutral",
        })
        with self.assertRaises(UserError):
            wizard.action_confirm()
        self.assertFalse(self.Log.search([("partner_id", "=", self.account.id)]))

    def test_an_ordinary_contact_records_no_feedback(self):
        wizard = self.env["kam.contact.outcome.wizard"].with_user(self.kam).create({
            "partner_id": self.account.id, "outcome": "positive",
        })
        self.assertFalse(wizard.is_feedback)
        wizard.action_confirm()
        self.assertFalse(self.Feedback.search([("partner_id", "=", self.account.id)]))

    def test_a_done_feedback_reminder_opens_the_feedback_part(self):
        today = fields.Date.today()
        line = self._request()
        self.run_batch(today)
        activity = line._kam_current_occurrence().activity_id
        self.assertTrue(activity)
        wizard = self.env["kam.contact.outcome.wizard"].with_user(self.kam).create({
            "activity_id": activity.id, "outcome": "positive",
        })
        self.assertTrue(wizard.is_feedback)
        wizard.write({"feedback_score": "2", "feedback_contact_id": self.person.id})
        wizard.action_confirm()
        feedback = self.Feedback.search([("partner_id", "=", self.account.id)])
        self.assertRecordValues(feedback, [{"score": 2, "plan_line_id": line.id, "is_complete": False}])
        self.assertTrue(feedback.log_id)


@tagged("post_install", "-at_install")
class TestFeedbackOnTheDashboard(KamGrowthCase):
    def test_quantity_and_quality_per_account_and_kam(self):
        today = fields.Date.today()
        with freeze_time(today):
            self.feedback(fields.Date.subtract(today, days=40), 4, **ANSWERS)
            self.feedback(fields.Date.subtract(today, days=10), 2)
            # Outside the company's window: not counted.
            self.feedback(fields.Date.subtract(today, months=self.company.kam_window_months, days=5), 5)
            self.feedback(fields.Date.subtract(today, days=3), 3, partner=self.other_account, user=self.colleague)
            self.env.flush_all()
            Report = self.env["kam.portfolio.report"]
            row = Report.search([("partner_id", "=", self.account.id), ("company_id", "=", self.company.id)])
            self.assertEqual(row.feedback_count, 2)
            self.assertAlmostEqual(row.feedback_complete_rate, 50.0)
            self.assertAlmostEqual(row.feedback_score, 3.0)
            # Per KAM: the head of KAM's pivot.
            groups = {
                kam: (count, score)
                for kam, count, score in Report.with_user(self.head)._read_group(
                    [("kam_user_id", "in", (self.kam | self.colleague).ids)],
                    ["kam_user_id"], ["feedback_count:sum", "feedback_score:avg"],
                )
            }
            self.assertEqual(groups[self.kam][0], 2)
            self.assertEqual(groups[self.colleague][0], 1)
            # A KAM sees their own accounts' rows only.
            mine = Report.with_user(self.kam).search([("feedback_count", ">", 0)])
            self.assertEqual(mine.partner_id, self.account)

    def test_partner_shows_the_last_score_and_its_trend(self):
        self.feedback(D(2025, 1, 10), 3)
        self.feedback(D(2025, 4, 10), 5)
        account = self.account.with_user(self.kam)
        self.assertEqual(account.kam_feedback_count, 2)
        self.assertEqual(account.kam_feedback_last_score, 5)
        self.assertEqual(account.kam_feedback_trend, "up")
