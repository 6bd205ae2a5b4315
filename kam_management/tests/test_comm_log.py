# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.tests import HttpCase, tagged

from .common import D, KamCommCase


@tagged("post_install", "-at_install")
class TestCommContactLog(KamCommCase):
    def schedule(self, record, activity_type="mail.mail_activity_data_call", user=None):
        return record.activity_schedule(activity_type, user_id=(user or self.kam).id, summary="Check in")

    def account_logs(self, partner=None):
        return self.Log.search([("partner_id", "=", (partner or self.account).id)])

    def test_done_call_becomes_a_contact_with_its_outcome(self):
        with freeze_time("2025-03-07 12:00:00"):
            activity = self.schedule(self.person)
            self.assertTrue(activity.with_user(self.kam).kam_ask_outcome)
            activity.with_user(self.kam).with_context(kam_contact_outcome="negative").action_feedback(
                feedback="Angry about the late delivery"
            )
            log = self.account_logs()
            self.assertEqual(log.partner_id, self.account, "the log belongs to the commercial entity")
            self.assertEqual(log.contact_ids, self.person)
            self.assertEqual((log.outcome, log.channel, log.source, log.to_review),
                             ("negative", "phone", "activity", False))
            self.assertEqual(log.cooldown_until, D(2025, 3, 21))
            self.assertIn("Angry", log.summary)

    def test_done_without_outcome_is_neutral_to_review(self):
        with freeze_time("2025-03-07 12:00:00"):
            lead = self.env["crm.lead"].create({"name": "Deal", "type": "opportunity", "partner_id": self.account.id})
            self.schedule(lead).action_feedback()
            log = self.account_logs()
            self.assertEqual((log.outcome, log.to_review, log.res_model, log.res_id),
                             ("neutral", True, "crm.lead", lead.id))

    def test_outcome_wizard_from_the_activity(self):
        with freeze_time("2025-03-07 12:00:00"):
            activity = self.schedule(self.account)
            action = activity.with_user(self.kam).action_kam_done_with_outcome()
            wizard = self.env[action["res_model"]].with_user(self.kam).with_context(**action["context"]).create(
                {"outcome": "positive"}
            )
            self.assertEqual(wizard.partner_id, self.account)
            self.assertEqual(wizard.channel, "phone")
            wizard.action_confirm()
            self.assertFalse(activity.exists())
            self.assertEqual(self.account_logs().outcome, "positive")

    def test_other_activities_and_accounts_are_not_logged(self):
        walk_in = self.env["res.partner"].create({"name": "Walk-in", "is_company": True})
        with freeze_time("2025-03-07 12:00:00"):
            self.schedule(walk_in).action_feedback()
            self.assertFalse(self.account_logs(walk_in), "not a key account")
            self.schedule(self.account, "mail.mail_activity_data_todo").action_feedback()
            self.assertFalse(self.account_logs(), "a to-do is not a contact")

    def test_salesman_marks_done_without_being_bothered(self):
        """A salesperson without KAM rights: no outcome question, no access error, the log is kept."""
        with freeze_time("2025-03-07 12:00:00"):
            activity = self.schedule(self.person, user=self.salesman)
            activity_as_salesman = activity.with_user(self.salesman)
            self.assertFalse(activity_as_salesman.kam_ask_outcome)
            data = activity_as_salesman.activity_format()
            self.assertTrue(data)
            activity_as_salesman.action_feedback(feedback="Called")
            log = self.account_logs()
            self.assertEqual((log.outcome, log.to_review), ("neutral", True))
            self.assertEqual(log.user_ids, self.salesman)
            with self.assertRaises(AccessError):
                self.Log.with_user(self.salesman).search([])
            with self.assertRaises(AccessError):
                self.Line.with_user(self.salesman).search([])

    def test_kam_user_sees_own_accounts_only(self):
        other_kam = self.colleague
        foreign = self.env["res.partner"].create({
            "name": "Foreign Key", "is_company": True, "kam_status": "key", "kam_user_id": other_kam.id,
        })
        mine = self.log(D(2025, 3, 1))
        theirs = self.log(D(2025, 3, 1), partner=foreign, users=other_kam)
        visible = self.Log.with_user(self.kam).search([("id", "in", (mine | theirs).ids)])
        self.assertEqual(visible, mine)
        with self.assertRaises(AccessError):
            self.Log.with_user(self.kam).create({
                "partner_id": foreign.id, "date": D(2025, 3, 2), "user_ids": [(6, 0, other_kam.ids)],
            })
        # a KAM does not log contacts on a colleague's account, even one they took part in...
        with self.assertRaises(AccessError):
            self.Log.with_user(self.kam).create({"partner_id": foreign.id, "date": D(2025, 3, 2)})
        self.assertEqual(self.Log.search_count([("partner_id", "=", foreign.id)]), 1)
        # ...but a contact they took part in stays visible to them, read-only
        joint = self.log(D(2025, 3, 2), partner=foreign, users=other_kam | self.kam)
        self.assertEqual(self.Log.with_user(self.kam).search([("partner_id", "=", foreign.id)]), joint)
        with self.assertRaises(AccessError):
            joint.with_user(self.kam).write({"summary": "Rewritten"})
        self.account.invalidate_recordset()
        partner_as_salesman = self.account.with_user(self.salesman)
        with self.assertRaises(AccessError):
            partner_as_salesman.read(["kam_compliance_rate"])


@tagged("post_install", "-at_install")
class TestCommActivityOutcomeTour(HttpCase):
    def test_kam_gives_the_outcome_when_marking_done(self):
        admin = self.env.ref("base.user_admin")
        account = self.env["res.partner"].create({
            "name": "Tour Outcome Ltd", "is_company": True, "kam_status": "key", "kam_user_id": admin.id,
        })
        account.activity_schedule("mail.mail_activity_data_call", user_id=admin.id, summary="Check in from the tour")
        self.start_tour(f"/odoo/res.partner/{account.id}", "kam_activity_outcome_tour", login="admin")
        log = self.env["kam.contact.log"].search([("partner_id", "=", account.id)])
        self.assertEqual((log.outcome, log.to_review), ("positive", False))
        self.assertIn("Lunch went very well", log.summary)
