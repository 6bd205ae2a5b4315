# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""Key-account alerts keep themselves true (SPEC §1).

An alert is raised once while its cause holds; its text follows the figure;
it is closed with a note when the cause is gone; once a user answered it
(marked it done), it is not raised again while the same cause persists, and
raised again when the cause clears and later comes back. It is written in the
assignee's language, without the figures the assignee's groups may not read.
"""

import threading
import time

import psycopg2.errors

from odoo import SUPERUSER_ID, api, fields
from odoo.addons.mail.tools.discuss import Store
from odoo.tests import TransactionCase, new_test_user, tagged
from odoo.tools import mute_logger

from .common import kam_metrics, kam_set_share


@tagged("post_install", "-at_install")
class TestAlertLifecycle(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.company = cls.env.company
        cls.env["res.lang"]._activate_lang("ru_RU")
        cls.kam = new_test_user(
            cls.env, login="h2_alert_kam", name="Karl KAM", groups="kam_management.group_kam_user",
        )
        cls.kam_ru = new_test_user(
            cls.env, login="h2_alert_kam_ru", name="Ruslan KAM", lang="ru_RU",
            groups="kam_management.group_kam_user",
        )
        cls.salesman = new_test_user(
            cls.env, login="h2_alert_salesman", name="Sven Salesman",
            groups="sales_team.group_sale_salesman",
        )
        Partner = cls.env["res.partner"]
        cls.account = Partner.create({
            "name": "Alert Account", "is_company": True, "kam_status": "key", "kam_user_id": cls.kam.id,
        })
        cls.account_ru = Partner.create({
            "name": "Alert Account RU", "is_company": True, "kam_status": "key",
            "kam_user_id": cls.kam_ru.id,
        })
        # No KAM: a dependency alert goes to the salesperson, who is no KAM user.
        cls.account_plain = Partner.create({
            "name": "Alert Account Plain", "is_company": True, "user_id": cls.salesman.id,
        })
        cls.accounts = cls.account | cls.account_ru | cls.account_plain
        cls.Metric = cls.env["kam.partner.metric"].sudo()
        metrics = kam_metrics(cls.env, cls.company, dict.fromkeys(cls.accounts, 24.1),
                              dependency_level="critical")
        cls.metrics = {metric.partner_id: metric for metric in metrics}
        cls.today = fields.Date.today()

    def sync(self):
        return self.env["kam.identification"]._raise_alerts(self.company, self.accounts.ids, self.today)

    def alert_activities(self, account, kind="critical"):
        return self.env["mail.activity"].search([
            ("res_model", "=", "res.partner"), ("res_id", "=", account.id),
            ("kam_alert_kind", "=", kind), ("kam_company_id", "=", self.company.id),
        ])

    def state(self, account, kind="critical"):
        return self.env["kam.alert"].search([
            ("partner_id", "=", account.id), ("kind", "=", kind), ("company_id", "=", self.company.id),
        ])

    def set_share(self, account, share, level):
        self.metrics[account].dependency_level = level
        kam_set_share(self.metrics[account], share)
        self.assertAlmostEqual(self.metrics[account].share, share)

    def test_text_follows_the_figure(self):
        self.sync()
        activity = self.alert_activities(self.account)
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.kam)
        self.assertIn("24.1 %", activity.summary)
        self.set_share(self.account, 22.64, "critical")
        self.sync()
        self.assertEqual(self.alert_activities(self.account), activity, "the same activity, not a second one")
        self.assertIn("22.6 %", activity.summary)
        self.assertNotIn("24.1", activity.summary)
        # Nothing changed: nothing is rewritten.
        write_date = activity.write_date
        self.sync()
        self.assertEqual(activity.write_date, write_date)

    def test_closed_with_a_note_when_the_cause_is_gone(self):
        self.sync()
        activity = self.alert_activities(self.account)
        self.assertTrue(activity)
        messages = self.account.message_ids
        self.set_share(self.account, 19.9, "key")
        self.sync()
        self.assertFalse(activity.exists(), "the alert of a cause that is gone is closed")
        self.assertEqual(self.state(self.account).state, "cleared")
        note = self.account.message_ids - messages
        self.assertEqual(len(note), 1)
        self.assertIn("alert closed", note.body)
        self.assertIn("Critical dependency", note.body)
        self.assertNotIn("24.1", note.body, "the chatter, read by everyone, quotes no share")

    def test_not_raised_again_while_an_answered_cause_persists(self):
        self.sync()
        activity = self.alert_activities(self.account)
        activity.with_user(self.kam).action_feedback(feedback="Board informed")
        # Same cause, even with a moving figure: answered, not raised again.
        self.set_share(self.account, 25.3, "critical")
        self.sync()
        self.sync()
        self.assertFalse(self.alert_activities(self.account))
        self.assertEqual(self.state(self.account).state, "answered")
        # The cause clears...
        self.set_share(self.account, 12.0, "key")
        self.sync()
        self.assertFalse(self.alert_activities(self.account))
        self.assertEqual(self.state(self.account).state, "cleared")
        # ...and comes back: raised again, with today's figure.
        self.set_share(self.account, 21.5, "critical")
        self.sync()
        again = self.alert_activities(self.account)
        self.assertEqual(len(again), 1)
        self.assertIn("21.5 %", again.summary)
        self.assertEqual(self.state(self.account).state, "open")

    def test_written_in_the_assignee_language(self):
        self.sync()
        activity = self.alert_activities(self.account_ru)
        self.assertEqual(activity.user_id, self.kam_ru)
        # ru.po: "Critical dependency: %(share)s %% of %(company)s", with a Russian decimal comma
        self.assertIn("Критическая зависимость", activity.summary)
        self.assertIn("24,1", activity.summary)
        self.assertIn("widen", self.alert_activities(self.account).note, "the English KAM reads English")
        # A figure update is written in the assignee's language too.
        self.set_share(self.account_ru, 23.0, "critical")
        self.sync()
        self.assertIn("Критическая зависимость", activity.summary)
        self.assertIn("23,0", activity.summary)

    def test_no_share_figure_for_a_salesperson(self):
        share = self.env["res.partner"]._fields["kam_share"]
        self.assertFalse(self.salesman.has_groups(share.groups), "the share is hidden from a salesperson")
        self.sync()
        activity = self.alert_activities(self.account_plain)
        self.assertEqual(activity.user_id, self.salesman)
        self.assertIn("Critical dependency", activity.summary)
        self.assertNotIn("24", activity.summary)
        self.assertNotIn("%", activity.summary)
        # A KAM's alert read by the salesperson in the chatter: without the figure too.
        kam_activity = self.alert_activities(self.account)
        self.assertIn("24.1", kam_activity.summary)
        as_salesman = Store(kam_activity.with_user(self.salesman)).get_result()["mail.activity"][0]
        self.assertNotIn("24", as_salesman["summary"])
        as_kam = Store(kam_activity.with_user(self.kam)).get_result()["mail.activity"][0]
        self.assertIn("24.1", as_kam["summary"])

    def test_a_new_kam_gets_the_alert(self):
        self.sync()
        activity = self.alert_activities(self.account)
        self.account.write({"kam_user_id": self.kam_ru.id})
        self.sync()
        self.assertEqual(self.alert_activities(self.account), activity)
        self.assertEqual(activity.user_id, self.kam_ru)
        self.assertIn("Критическая зависимость", activity.summary)

    def test_alert_raised_before_its_state_was_kept_is_adopted(self):
        legacy = self.env["mail.activity"].sudo().create({
            "res_model_id": self.env["ir.model"]._get_id("res.partner"), "res_id": self.account.id,
            "activity_type_id": self.env.ref("kam_management.mail_act_kam_alert").id,
            "summary": "Critical dependency: 30.0 % of old", "user_id": self.kam.id,
            "kam_alert_kind": "critical", "kam_company_id": self.company.id,
        })
        self.sync()
        self.assertEqual(self.alert_activities(self.account), legacy)
        self.assertIn("24.1 %", legacy.summary)


@tagged("post_install", "-at_install")
class TestAlertConcurrency(TransactionCase):
    """Two syncs at the same moment, on two connections, raise an alert once."""

    def test_two_concurrent_syncs(self):
        registry = self.registry
        today = fields.Date.today()
        with registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            account = env["res.partner"].create({"name": "Concurrent Alert Account", "is_company": True})
            ids = {"account": account.id, "company": env.company.id, "kam": env.ref("base.user_admin").id}

        def sync(env, share):
            alerts = {
                (ids["account"], "critical", ids["company"]): {
                    "user": env["res.users"].browse(ids["kam"]), "values": {"share": share},
                },
            }
            return env["kam.alert"]._kam_sync(alerts, [("partner_id", "=", ids["account"])], today)

        def count_activities():
            with registry.cursor() as cr:
                cr.execute(
                    "SELECT count(*) FROM mail_activity WHERE res_model = 'res.partner' AND res_id = %s",
                    [ids["account"]],
                )
                return cr.fetchone()[0]

        results = {}
        cr_a, cr_b = registry.cursor(), registry.cursor()
        try:
            for cr in (cr_a, cr_b):
                cr.execute("SET LOCAL lock_timeout = '20s'")
            env_a = api.Environment(cr_a, SUPERUSER_ID, {})
            env_b = api.Environment(cr_b, SUPERUSER_ID, {"cron_id": 1})  # B is the cron
            cr_b.execute("SELECT pg_backend_pid()")  # B's snapshot is taken before A commits
            pid_b = cr_b.fetchone()[0]
            raised_a = sync(env_a, 33.3)
            self.assertEqual(len(raised_a), 1)

            def run_b():
                try:
                    results["b"] = sync(env_b, 33.3)
                except Exception as error:  # reported by the assertion below
                    results["b"] = repr(error)

            thread = threading.Thread(target=run_b)
            with self.assertLogs("odoo.addons.kam_management.models.kam_alert", "WARNING") as logs:
                thread.start()
                with registry.cursor() as watcher:
                    for _attempt in range(100):
                        watcher.execute("SELECT count(*) FROM pg_locks WHERE pid = %s AND NOT granted", [pid_b])
                        if watcher.fetchone()[0] or not thread.is_alive():
                            break
                        watcher.rollback()
                        time.sleep(0.1)
                cr_a.commit()
                thread.join(30)
            # B waited for A, then lost the race: nothing raised, its run rescheduled.
            self.assertEqual(len(results.get("b")), 0, results.get("b"))
            self.assertIn("left to a run of the recompute", logs.output[0])
            cron = env_b.ref("kam_management.ir_cron_kam_recompute_metrics")
            self.assertTrue(env_b["ir.cron.trigger"].search([("cron_id", "=", cron.id)]))
            cr_b.rollback()
            self.assertEqual(count_activities(), 1)
            # The rerun, on a fresh snapshot, finds the alert open and raises nothing new.
            env_b.invalidate_all()
            self.assertEqual(sync(env_b, 33.3).ids, raised_a.ids)
            cr_b.commit()
            # A request that loses the race gets the serialization failure that
            # makes Odoo replay it on a fresh snapshot.
            env_c = api.Environment(cr_b, SUPERUSER_ID, {})
            cr_b.execute("SELECT 1")
            with registry.cursor() as cr:
                sync(api.Environment(cr, SUPERUSER_ID, {}), 35.0)
            with self.assertRaises(psycopg2.errors.SerializationFailure), mute_logger("odoo.sql_db"):
                sync(env_c, 33.3)
            cr_b.rollback()
            self.assertEqual(count_activities(), 1, "one alert, never two")
        finally:
            cr_a.close()
            cr_b.close()
            with registry.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {})
                env["mail.activity"].search(
                    [("res_model", "=", "res.partner"), ("res_id", "=", ids["account"])]
                ).unlink()
                env["kam.alert"].search([("partner_id", "=", ids["account"])]).unlink()
                env["res.partner"].browse(ids["account"]).unlink()
