# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

import xmlrpc.client

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import Form, HttpCase, new_test_user, tagged

from .common import D, KamCommCase


@tagged("post_install", "-at_install")
class TestCommLogDialogs(KamCommCase):
    """The dialogs that log a contact arrive filled in, and a contact a KAM closes has an outcome."""

    def schedule_call(self, record=None, user=None):
        return (record or self.account).activity_schedule(
            "mail.mail_activity_data_call", user_id=(user or self.kam).id, summary="Check in",
        )

    def test_log_from_a_plan_line_opens_filled_in(self):
        """The dialog as the web client opens it: the plan line's account, today, its summary."""
        with freeze_time("2025-03-07 12:00:00"):
            line = self.line(name="Quarterly call to purchasing", contact_ids=[(6, 0, self.person.ids)])
            action = line.with_user(self.kam).action_log_contact()
            wizard_model = self.env[action["res_model"]].with_user(self.kam).with_context(**action["context"])
            form = Form(wizard_model)
            self.assertEqual(form.partner_id, self.account)
            self.assertEqual(form.date, D(2025, 3, 7), "the contact is dated today, not left empty")
            self.assertEqual(form.summary, "Quarterly call to purchasing")
            self.assertEqual(form.channel, "phone")
            self.assertEqual(form.plan_line_id, line)
            self.assertEqual([person.id for person in form.contact_ids], self.person.ids)
            form.outcome = "positive"
            wizard = form.save()
            wizard.action_confirm()
        log = self.Log.search([("partner_id", "=", self.account.id)])
        self.assertEqual(
            (log.date, log.outcome, log.plan_line_id, log.summary),
            (D(2025, 3, 7), "positive", line, "Quarterly call to purchasing"),
        )
        self.assertEqual(line.last_done_date, D(2025, 3, 7))

    def test_outcome_is_required_in_the_dialog(self):
        line = self.line()
        action = line.with_user(self.kam).action_log_contact()
        form = Form(self.env[action["res_model"]].with_user(self.kam).with_context(**action["context"]))
        with self.assertRaisesRegex(AssertionError, "outcome"):
            form.save()

    def test_kam_cannot_close_a_contact_without_its_outcome(self):
        """Over RPC as in the popover: no outcome, no contact closed as neutral."""
        with freeze_time("2025-03-07 12:00:00"):
            activity = self.schedule_call(self.person)
            as_kam = activity.with_user(self.kam)
            self.assertTrue(as_kam.kam_ask_outcome)
            for method in (as_kam.action_feedback, as_kam.action_done, as_kam.action_feedback_schedule_next):
                with self.subTest(method=method.__name__), self.assertRaisesRegex(UserError, "Positive, Neutral or Negative"):
                    method()
            self.assertTrue(activity.exists(), "the activity stays open")
            self.assertFalse(self.Log.search([("partner_id", "=", self.account.id)]))
            # the popover saves the choice on the activity, then marks it done
            as_kam.write({"kam_outcome": "neutral"})
            as_kam.action_feedback(feedback="Nothing new")
        log = self.Log.search([("partner_id", "=", self.account.id)])
        self.assertEqual((log.outcome, log.to_review), ("neutral", False), "a neutral the KAM chose")

    def test_contacts_nobody_was_asked_about_stay_to_review(self):
        """A salesperson is not asked: the contact is kept as neutral, to review."""
        with freeze_time("2025-03-07 12:00:00"):
            activity = self.schedule_call(self.person, user=self.salesman)
            activity.with_user(self.salesman).action_feedback(feedback="Called")
        log = self.Log.search([("partner_id", "=", self.account.id)])
        self.assertEqual((log.outcome, log.to_review), ("neutral", True))


@tagged("post_install", "-at_install")
class TestCommLogDialogsBrowser(HttpCase):
    def test_kam_logs_a_contact_from_a_plan_line(self):
        admin = self.env.ref("base.user_admin")
        account = self.env["res.partner"].create({
            "name": "Tour Plan Ltd", "is_company": True, "kam_status": "key", "kam_user_id": admin.id,
        })
        line = self.env["kam.comm.plan.line"].create({
            "name": "Tour: quarterly call", "partner_id": account.id, "user_id": admin.id,
            "kind": "call", "channel": "phone", "cadence_kind": "interval", "interval_days": 90,
        })
        self.start_tour("/odoo/action-kam_management.kam_comm_plan_line_action",
                        "kam_log_from_plan_line_tour", login="admin")
        log = self.env["kam.contact.log"].search([("partner_id", "=", account.id)])
        today = fields.Date.context_today(line)
        self.assertEqual(
            (log.date, log.outcome, log.plan_line_id, log.channel),
            (today, "positive", line, "phone"),
        )
        self.assertEqual(log.summary, "Tour: quarterly call, they want a visit")
        self.assertEqual(line.last_done_date, today)

    def test_no_outcome_over_xmlrpc(self):
        kam = new_test_user(self.env, login="h3_rpc_kam", groups="kam_management.group_kam_user")
        account = self.env["res.partner"].create({
            "name": "RPC Key Ltd", "is_company": True, "kam_status": "key", "kam_user_id": kam.id,
        })
        activity = account.activity_schedule("mail.mail_activity_data_call", user_id=kam.id, summary="Call")
        models = xmlrpc.client.ServerProxy(f"{self.base_url()}/xmlrpc/2/object")
        with self.assertRaisesRegex(xmlrpc.client.Fault, "Positive, Neutral or Negative"):
            models.execute_kw(self.env.cr.dbname, kam.id, "h3_rpc_kam", "mail.activity",
                              "action_feedback", [[activity.id]], {"feedback": "Called"})
        self.assertTrue(activity.exists())
        models.execute_kw(self.env.cr.dbname, kam.id, "h3_rpc_kam", "mail.activity",
                          "write", [[activity.id], {"kam_outcome": "negative"}])
        models.execute_kw(self.env.cr.dbname, kam.id, "h3_rpc_kam", "mail.activity",
                          "action_feedback", [[activity.id]], {"feedback": "Angry"})
        log = self.env["kam.contact.log"].search([("partner_id", "=", account.id)])
        self.assertEqual((log.outcome, log.to_review), ("negative", False))
