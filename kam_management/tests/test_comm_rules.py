# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

import datetime

from freezegun import freeze_time

from odoo import Command
from odoo.tests import Form, tagged

from .common import D, KamCommCase


@tagged("post_install", "-at_install")
class TestCommGapRule(KamCommCase):
    def gap_occurrences(self):
        return self.occurrences(rule="gap")

    def test_gap_fires_after_ten_days_once_per_silence(self):
        self.log(D(2025, 3, 1))
        self.log(D(2025, 3, 5), outcome="neutral")  # neutral contacts do not reset the gap
        with freeze_time("2025-03-11 12:00:00"):
            self.run_batch(D(2025, 3, 11))
            self.assertFalse(self.gap_occurrences(), "10 days exactly: not yet")
        with freeze_time("2025-03-12 12:00:00"):
            self.run_batch(D(2025, 3, 12))
            gap = self.gap_occurrences()
            self.assertEqual(len(gap), 1)
            self.assertEqual(gap.activity_id.user_id, self.kam)
            self.assertEqual(gap.activity_id.activity_type_id, self.env.ref("kam_management.kam_activity_type_contact"))
            self.assertIn("03/01/2025", gap.summary, "the date in the KAM's format (English)")
            self.run_batch(D(2025, 3, 12))
        with freeze_time("2025-03-13 12:00:00"):
            self.run_batch(D(2025, 3, 13))
            self.assertEqual(len(self.gap_occurrences()), 1, "one reminder per silence")
            self.log(D(2025, 3, 13))
        with freeze_time("2025-03-23 12:00:00"):
            self.run_batch(D(2025, 3, 23))
            self.assertEqual(len(self.gap_occurrences()), 1, "the new positive contact is 10 days old")
        with freeze_time("2025-03-24 12:00:00"):
            self.run_batch(D(2025, 3, 24))
            self.assertEqual(len(self.gap_occurrences()), 2, "a new silence, a new reminder")

    def test_gap_reminds_the_account_not_its_people(self):
        with freeze_time("2025-03-12 12:00:00"):
            self.scheduler._cron_run()
            self.assertEqual(len(self.gap_occurrences()), 1)
            self.assertEqual(self.person.kam_status, "key", "people share the account's status")
            self.assertFalse(self.occurrences(self.person), "but are no accounts of their own")

    def test_gap_does_not_fire(self):
        other = self.env["res.partner"].create({
            "name": "Regular Co", "is_company": True, "kam_status": "candidate", "kam_user_id": self.kam.id,
        })
        self.log(D(2025, 3, 1))
        with freeze_time("2025-04-01 12:00:00"):
            self.company.kam_positive_gap_enabled = False
            self.run_batch(D(2025, 4, 1), self.account | other)
            self.assertFalse(self.gap_occurrences(), "rule disabled")
            self.company.kam_positive_gap_enabled = True
            self.run_batch(D(2025, 4, 1), other)
            self.assertFalse(self.occurrences(other), "not a key account")
            self.run_batch(D(2025, 4, 1))
            self.assertEqual(len(self.gap_occurrences()), 1)

    def test_gap_reminder_done_logs_the_contact(self):
        with freeze_time("2025-03-12 12:00:00"):
            self.run_batch(D(2025, 3, 12))
            gap = self.gap_occurrences()
            self.assertIn("No positive contact", gap.summary)
            gap.activity_id.with_user(self.kam).with_context(kam_contact_outcome="positive").action_feedback(
                feedback="Lunch with Paula"
            )
            self.assertEqual(gap.state, "done")
            log = self.Log.search([("partner_id", "=", self.account.id)])
            self.assertEqual(log.outcome, "positive")
            self.assertIn("Lunch with Paula", log.summary)
            self.account.invalidate_recordset()
            self.assertEqual(self.account.with_user(self.kam).kam_last_positive_contact_date, D(2025, 3, 12))


@tagged("post_install", "-at_install")
class TestCommCooldown(KamCommCase):
    def test_negative_contact_shifts_personal_lines_and_suspends_the_gap(self):
        with freeze_time("2025-03-01 12:00:00"):
            self.log(D(2025, 3, 1))
            visit = self.line(name="Visit", channel="in_person", interval_days=30)      # due 31/03
            call = self.line(name="Call", channel="phone", interval_days=24)            # due 25/03
            other_visit = self.line(name="Colleague visit", channel="in_person", interval_days=30,
                                    user_id=self.colleague.id)
            self.assertTrue(visit.is_personal)
            self.assertFalse(call.is_personal)
        with freeze_time("2025-03-20 12:00:00"):
            negative = self.log(D(2025, 3, 20), outcome="negative", summary="Complaint about delays")
            self.assertEqual(negative.cooldown_until, D(2025, 4, 3))
            self.assertEqual(visit.next_due_date, D(2025, 4, 4), "moved past the cool-down")
            self.assertEqual(visit.cycle_date, D(2025, 3, 31), "the cadence keeps its slot")
            self.assertIn("cool-down", visit.message_ids[:1].body)
            self.assertEqual(call.next_due_date, D(2025, 3, 25), "remote contacts go on")
            self.assertEqual(other_visit.next_due_date, D(2025, 3, 31), "other people may still meet them")
            self.account.invalidate_recordset()
            self.assertEqual(self.account.kam_cooldown_until, D(2025, 4, 3))
            # a personal line planned during the cool-down is shifted by the scheduler
            late = self.line(name="Late visit", channel="in_person", interval_days=5)   # due 25/03
            self.run_batch(D(2025, 3, 20))
            self.assertEqual(late.next_due_date, D(2025, 4, 4))
        with freeze_time("2025-03-25 12:00:00"):
            self.run_batch(D(2025, 3, 25))
            self.assertFalse(self.occurrences(rule="gap"), "rule 1 is suspended during the cool-down")
            self.assertFalse(self.occurrences(line_id=visit.id))
            self.assertTrue(self.occurrences(line_id=call.id))
        with freeze_time("2025-04-04 12:00:00"):
            self.run_batch(D(2025, 4, 4))
            self.assertEqual(len(self.occurrences(rule="gap")), 1, "after the cool-down the gap rule is back")
            self.assertEqual(self.occurrences(line_id=visit.id).due_date, D(2025, 4, 4))

    def test_cooldown_disabled(self):
        self.company.kam_cooldown_enabled = False
        with freeze_time("2025-03-20 12:00:00"):
            visit = self.line(name="Visit", channel="in_person", interval_days=5)
            negative = self.log(D(2025, 3, 20), outcome="negative")
            self.assertFalse(negative.cooldown_until)
            self.assertEqual(visit.next_due_date, D(2025, 3, 25))

    def test_meeting_inside_the_cooldown_warns_and_hands_over(self):
        with freeze_time("2025-03-20 12:00:00"):
            self.log(D(2025, 3, 20), outcome="negative")
            visit = self.line(name="Visit", channel="in_person", interval_days=7)  # due 27/03
            form = Form(self.env["calendar.event"].with_user(self.kam))
            form.name = "Visit to Acme"
            form.start = datetime.datetime(2025, 3, 27, 9, 0)
            form.stop = datetime.datetime(2025, 3, 27, 10, 0)
            form.partner_ids.add(self.person)
            # in the user's date format (English here)
            self.assertIn("no personal contact until 04/03/2025", form.kam_cooldown_warning)
            event = form.save()
            onchange = event.with_user(self.kam)._onchange_kam_cooldown()
            self.assertEqual(onchange["warning"]["title"], "Cool-down after a negative contact")

            later = self.env["calendar.event"].with_user(self.kam).create({
                "name": "Visit after", "partner_ids": [(4, self.person.id)],
                "start": datetime.datetime(2025, 4, 7, 9, 0), "stop": datetime.datetime(2025, 4, 7, 10, 0),
            })
            self.assertFalse(later.kam_cooldown_warning)
            by_colleague = self.env["calendar.event"].with_user(self.colleague).create({
                "name": "Colleague visit", "partner_ids": [(4, self.person.id)],
                "start": datetime.datetime(2025, 3, 27, 9, 0), "stop": datetime.datetime(2025, 3, 27, 10, 0),
            })
            self.assertFalse(by_colleague.kam_cooldown_warning)

            action = event.with_user(self.kam).action_kam_handover()
            wizard = self.env[action["res_model"]].with_user(self.kam).with_context(**action["context"]).create({
                "to_user_id": self.colleague.id,
            })
            self.assertTrue(wizard.warning)
            wizard.action_confirm()
            self.assertEqual(event.user_id, self.colleague)
            self.assertIn(self.colleague.partner_id, event.partner_ids)
            self.assertNotIn(self.kam.partner_id, event.partner_ids)
            self.assertFalse(event.kam_cooldown_warning)
            self.assertEqual(visit.user_id, self.colleague, "the personal line due in the cool-down follows")


@tagged("post_install", "-at_install")
class TestCommFollowup(KamCommCase):
    def quotation(self, partner=None):
        return self.env["sale.order"].create({
            "partner_id": (partner or self.person).id,
            "user_id": self.kam.id,
            "validity_date": D(2025, 4, 30),
        })

    def followups(self, order):
        return self.env["mail.activity"].search([
            ("res_model", "=", "sale.order"), ("res_id", "=", order.id),
            ("activity_type_id", "=", self.env.ref("kam_management.kam_activity_type_followup").id),
        ])

    def test_friday_quotation_gets_a_monday_call(self):
        with freeze_time("2025-03-07 12:00:00"):  # a Friday
            order = self.quotation()
            order.action_quotation_sent()
            self.assertEqual(order.kam_sent_date, D(2025, 3, 7))
            followup = self.followups(order)
            self.assertEqual(len(followup), 1)
            self.assertEqual(followup.date_deadline, D(2025, 3, 10))
            self.assertEqual(followup.user_id, self.kam)
            self.assertIn("next steps", followup.note)
            self.env["kam.comm.scheduler"]._kam_schedule_followups(order)
            self.assertEqual(len(self.followups(order)), 1, "idempotent")

    def test_sent_by_email_and_public_holiday(self):
        calendar = self.company.resource_calendar_id
        self.env["resource.calendar.leaves"].create({
            "name": "Public holiday", "calendar_id": calendar.id,
            "date_from": datetime.datetime(2025, 3, 10, 0, 0), "date_to": datetime.datetime(2025, 3, 10, 23, 0),
        })
        with freeze_time("2025-03-07 12:00:00"):
            order = self.quotation()
            order.with_context(mark_so_as_sent=True).message_post(body="Our offer", message_type="comment")
            self.assertEqual(order.state, "sent")
            self.assertEqual(self.followups(order).date_deadline, D(2025, 3, 11))

    def test_no_followup_for_other_clients_or_when_disabled(self):
        regular = self.env["res.partner"].create({"name": "Walk-in Ltd", "is_company": True})
        with freeze_time("2025-03-07 12:00:00"):
            order = self.quotation(regular)
            order.action_quotation_sent()
            self.assertFalse(self.followups(order))
            self.company.kam_followup_enabled = False
            order = self.quotation()
            order.action_quotation_sent()
            self.assertFalse(self.followups(order))

    def test_confirmation_or_reply_closes_the_followup(self):
        with freeze_time("2025-03-07 12:00:00"):
            order = self.quotation()
            order.action_quotation_sent()
            self.assertTrue(self.followups(order))
            order.message_post(
                body="Received, thank you", message_type="email", author_id=self.person.id,
            )
            self.assertFalse(self.followups(order), "the client replied")
            occurrence = self.Occurrence.search([("rule", "=", "followup"), ("res_id", "=", order.id)])
            self.assertEqual(occurrence.state, "skipped")

            second = self.quotation()
            second.action_quotation_sent()
            self.assertTrue(self.followups(second))
            second.order_line = [(0, 0, {"product_id": self.env.ref("product.product_product_4").id})]
            second.action_confirm()
            self.assertFalse(self.followups(second), "the client confirmed")


@tagged("post_install", "-at_install")
class TestCommTender(KamCommCase):
    def tender_lines(self, lead):
        return self.Line.with_context(active_test=False).search([("lead_id", "=", lead.id)], order="next_due_date")

    def test_nine_month_tender_plan(self):
        with freeze_time("2025-01-10 12:00:00"):
            lead = self.env["crm.lead"].create({
                "name": "Framework tender", "type": "opportunity", "partner_id": self.person.id,
                "user_id": self.kam.id, "kam_tender_date": D(2025, 10, 15),
            })
            lines = self.tender_lines(lead)
            self.assertEqual(lines.mapped("tender_step"), ["kickoff", "needs", "proposal", "final"])
            self.assertEqual(lines.mapped("next_due_date"), [
                D(2025, 1, 15), D(2025, 4, 15), D(2025, 7, 15), D(2025, 10, 1)])
            self.assertEqual(lines.partner_id, self.account)
            self.assertEqual(lines.user_id, self.kam)
        with freeze_time("2025-01-15 12:00:00"):
            self.run_batch(D(2025, 1, 15))
            kickoff = self.Occurrence.search([("line_id", "=", lines[0].id)])
            self.assertEqual(kickoff.activity_id.res_model, "crm.lead")
            self.assertEqual(kickoff.activity_id.res_id, lead.id)
            self.assertEqual(kickoff.activity_id.activity_type_id, self.env.ref("kam_management.kam_activity_type_tender"))
            kickoff.activity_id.action_feedback()
            self.assertEqual(lines[0].state, "done")
            self.assertFalse(self.Log.search([("partner_id", "=", self.account.id)]),
                             "preparation work is not a contact")
        with freeze_time("2025-02-01 12:00:00"):
            lead.kam_tender_date = D(2025, 9, 15)
            self.assertEqual(lines[1:].mapped("next_due_date"), [D(2025, 3, 15), D(2025, 6, 15), D(2025, 9, 1)])
            self.assertEqual(lines[0].state, "done", "a done milestone stays done")
            lead.kam_tender_date = False
            self.assertFalse(any(lines[1:].mapped("active")))

    def test_late_tender_and_rule_disabled(self):
        with freeze_time("2025-05-01 12:00:00"):
            lead = self.env["crm.lead"].create({
                "name": "Urgent tender", "type": "opportunity", "partner_id": self.account.id,
                "kam_tender_date": D(2025, 10, 15),
            })
            self.assertEqual(self.tender_lines(lead).mapped("next_due_date"), [
                D(2025, 5, 1), D(2025, 5, 1), D(2025, 7, 15), D(2025, 10, 1)])
            self.company.kam_tender_enabled = False
            other = self.env["crm.lead"].create({
                "name": "Another", "type": "opportunity", "partner_id": self.account.id,
                "kam_tender_date": D(2025, 12, 1),
            })
            self.assertFalse(self.tender_lines(other))


@tagged("post_install", "-at_install")
class TestCommGreetings(KamCommCase):
    def test_greeting_lines_remind_seven_days_ahead(self):
        with freeze_time("2025-01-10 12:00:00"):
            march = self.line(name="8 March", kind="greeting", channel="email",
                              cadence_kind="yearly_dates", yearly_dates="03-08")
        with freeze_time("2025-02-28 12:00:00"):
            self.run_batch(D(2025, 2, 28))
            self.assertFalse(self.occurrences(line_id=march.id))
        with freeze_time("2025-03-01 12:00:00"):
            self.run_batch(D(2025, 3, 1))
            greeting = self.occurrences(line_id=march.id)
            self.assertEqual(greeting.due_date, D(2025, 3, 8))
            self.assertEqual(greeting.activity_id.activity_type_id, self.env.ref("kam_management.kam_activity_type_greeting"))

    def test_greetings_disabled_let_the_date_pass(self):
        self.company.kam_greeting_enabled = False
        with freeze_time("2025-01-10 12:00:00"):
            march = self.line(name="8 March", kind="greeting", channel="email",
                              cadence_kind="yearly_dates", yearly_dates="03-08")
        with freeze_time("2025-03-09 12:00:00"):
            self.run_batch(D(2025, 3, 9))
            self.assertFalse(self.occurrences(line_id=march.id))
            self.assertEqual(march.next_due_date, D(2026, 3, 8))
            self.assertEqual(march.state, "planned")

    def test_account_dates_feed_greeting_lines(self):
        self.account.write({"kam_professional_day": D(2000, 5, 17), "kam_company_birthday": D(2004, 2, 29)})
        with freeze_time("2025-01-10 12:00:00"):
            professional = self.line(kind="greeting", cadence_kind="yearly_dates", date_source="professional_day")
            birthday = self.line(kind="greeting", cadence_kind="yearly_dates", date_source="company_birthday")
            self.assertEqual(professional.next_due_date, D(2025, 5, 17))
            self.assertEqual(birthday.next_due_date, D(2025, 2, 28))

    def test_dmu_birthday_and_personal_date_reminders(self):
        # The personal data of a person in the account's DMU.
        self.env["kam.dmu.member"].create({
            "partner_id": self.account.id, "contact_id": self.person.id,
            "kam_birthday": D(1980, 3, 12),
            "kam_personal_date_ids": [Command.create({"name": "Name day", "date": D(1990, 3, 20), "yearly": True})],
        })
        with freeze_time("2025-03-04 12:00:00"):
            self.run_batch(D(2025, 3, 4))
            self.assertFalse(self.occurrences(rule="birthday"))
        with freeze_time("2025-03-05 12:00:00"):
            self.run_batch(D(2025, 3, 5))
            birthday = self.occurrences(rule="birthday")
            self.assertEqual(len(birthday), 1)
            self.assertEqual(birthday.due_date, D(2025, 3, 12))
            self.assertEqual(birthday.activity_id.user_id, self.kam)
            self.assertIn("Paula Buyer", birthday.summary)
            self.run_batch(D(2025, 3, 5))
            self.assertEqual(len(self.occurrences(rule="birthday")), 1)
        with freeze_time("2025-03-13 12:00:00"):
            self.run_batch(D(2025, 3, 13))
            name_day = self.occurrences(rule="birthday").filtered(lambda occ: "Name day" in occ.summary)
            self.assertEqual(name_day.due_date, D(2025, 3, 20))
