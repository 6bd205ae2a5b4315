# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

import datetime
import threading
import time

from freezegun import freeze_time

from odoo import SUPERUSER_ID, api, fields
from odoo.tests import tagged

from .common import D, KamCommCase


@tagged("post_install", "-at_install")
class TestCommScheduler(KamCommCase):
    def make_accounts(self, count, prefix, visits=True):
        accounts = self.env["res.partner"].create([
            {"name": f"{prefix} {i}", "is_company": True, "kam_status": "key", "kam_user_id": self.kam.id}
            for i in range(count)
        ])
        vals_list = []
        for account in accounts:
            vals_list.append({
                "name": "Call", "partner_id": account.id, "user_id": self.kam.id, "kind": "call",
                "channel": "phone", "cadence_kind": "once", "start_date": D(2025, 3, 7),
            })
            if visits:
                vals_list.append({
                    "name": "Visit", "partner_id": account.id, "user_id": self.colleague.id, "kind": "meeting",
                    "channel": "in_person", "cadence_kind": "interval", "interval_days": 10,
                    "lead_days": 10, "start_date": D(2025, 3, 1),
                })
        self.Line.create(vals_list)
        return accounts

    def test_cron_twice_creates_nothing_twice(self):
        with freeze_time("2025-03-07 12:00:00"):
            accounts = self.make_accounts(3, "Twice")
            self.scheduler._cron_run(batch_size=2)
            activities = self.env["mail.activity"].search(
                [("res_model", "=", "res.partner"), ("res_id", "in", accounts.ids)]
            )
            # per account: the call due today, the visit due in 10 days, and rule 1
            # (no positive contact yet)
            self.assertEqual(len(activities), 9)
            self.assertEqual(set(activities.mapped("user_id")), {self.kam, self.colleague})
            occurrences = self.Occurrence.search([("partner_id", "in", accounts.ids)])
            self.scheduler._cron_run(batch_size=2)
            self.scheduler._cron_run(batch_size=500)
            self.assertEqual(
                self.env["mail.activity"].search_count(
                    [("res_model", "=", "res.partner"), ("res_id", "in", accounts.ids)]
                ),
                9,
            )
            self.assertEqual(self.Occurrence.search([("partner_id", "in", accounts.ids)]), occurrences)
            # the reminder done, the next run does not bring it back
            activities[0].action_feedback()
            self.scheduler._cron_run()
            self.assertEqual(
                self.env["mail.activity"].search_count(
                    [("res_model", "=", "res.partner"), ("res_id", "in", accounts.ids)]
                ),
                8,
            )

    def test_queries_per_batch_do_not_grow_with_the_batch(self):
        """10 or 50 accounts in a batch: the same number of queries (no per-account query).

        (The ORM inserts rows 100 at a time: a batch of 500 accounts costs a
        few more INSERTs, still independent of the accounts' history.)
        """
        with freeze_time("2025-03-11 12:00:00"):
            warmup = self.make_accounts(2, "Warm-up", visits=False)
            small = self.make_accounts(10, "Small", visits=False)
            large = self.make_accounts(50, "Large", visits=False)
            self.run_batch(D(2025, 3, 11), warmup)

            def count(accounts):
                self.env.flush_all()
                self.env.invalidate_all()
                before = self.cr.sql_log_count
                self.run_batch(D(2025, 3, 11), accounts)
                self.env.flush_all()
                return self.cr.sql_log_count - before

            small_count, large_count = count(small), count(large)
            self.assertEqual(small_count, large_count)
            self.assertLess(large_count, 60)
            # 2 activities per account: the call (overdue) and rule 1
            self.assertEqual(
                self.env["mail.activity"].search_count(
                    [("res_model", "=", "res.partner"), ("res_id", "in", large.ids)]
                ),
                100,
            )
            self.assertEqual(set(large.mapped(lambda a: a.kam_plan_line_ids.state)), {"overdue"})

    def test_past_meetings_are_logged_once(self):
        now = fields.Datetime.now()
        event = self.env["calendar.event"].create({
            "name": "Quarterly review",
            "user_id": self.kam.id,
            "partner_ids": [(4, self.person.id), (4, self.kam.partner_id.id)],
            "start": now.replace(microsecond=0) - datetime.timedelta(days=2, hours=2),
            "stop": now.replace(microsecond=0) - datetime.timedelta(days=2, hours=1),
        })
        self.scheduler._kam_log_past_meetings()
        self.scheduler._kam_log_past_meetings()
        log = self.Log.search([("calendar_event_id", "=", event.id)])
        self.assertEqual(len(log), 1)
        self.assertEqual(log.partner_id, self.account)
        self.assertEqual(log.contact_ids, self.person)
        self.assertEqual(log.user_ids, self.kam)
        self.assertEqual((log.outcome, log.to_review, log.channel), ("neutral", True, "in_person"))
        # the KAM confirms the outcome from the meeting: the log is completed, not duplicated
        action = event.with_user(self.kam).action_kam_log_contact()
        wizard = self.env[action["res_model"]].with_user(self.kam).with_context(**action["context"]).create(
            {"outcome": "positive", "summary": "Good review"}
        )
        self.assertEqual(wizard.partner_id, self.account)
        wizard.action_confirm()
        self.assertEqual(self.Log.search([("calendar_event_id", "=", event.id)]), log)
        self.assertEqual((log.outcome, log.to_review, log.summary), ("positive", False, "Good review"))


@tagged("post_install", "-at_install")
class TestCommConcurrency(KamCommCase):
    """Two runs at the same time, on two database connections, create each reminder once."""

    def test_two_concurrent_runs(self):
        registry = self.registry
        today = fields.Date.today()
        # Committed data, visible to both connections. Nothing here may touch a
        # row the test transaction holds (creating a user would update the
        # digest the test users were added to): fail fast rather than hang.
        with registry.cursor() as cr:
            cr.execute("SET LOCAL lock_timeout = '20s'")
            env = api.Environment(cr, SUPERUSER_ID, {})
            kam = env.ref("base.user_admin")
            account = env["res.partner"].create({
                "name": "Concurrent Account", "is_company": True, "kam_status": "key", "kam_user_id": kam.id,
            })
            env["kam.comm.plan.line"].create([
                {"name": f"Call {i}", "partner_id": account.id, "user_id": kam.id, "kind": "call",
                 "channel": "phone", "cadence_kind": "once", "start_date": today}
                for i in range(3)
            ])
            ids = {"kam": kam.id, "account": account.id, "company": env.company.id}
        results = {}
        cr_a, cr_b = registry.cursor(), registry.cursor()
        try:
            for cr in (cr_a, cr_b):
                cr.execute("SET LOCAL lock_timeout = '20s'")
            env_a = api.Environment(cr_a, SUPERUSER_ID, {})
            env_b = api.Environment(cr_b, SUPERUSER_ID, {})
            account_a = env_a["res.partner"].browse(ids["account"])
            account_b = env_b["res.partner"].browse(ids["account"])
            cr_b.execute("SELECT pg_backend_pid()")
            pid_b = cr_b.fetchone()[0]
            env_a["kam.comm.scheduler"]._kam_run_batch(env_a["res.company"].browse(ids["company"]), account_a, today)

            def run_b():
                try:
                    env_b["kam.comm.scheduler"]._kam_run_batch(
                        env_b["res.company"].browse(ids["company"]), account_b, today
                    )
                    results["b"] = "ok"
                except Exception as error:  # reported by the assertion below
                    results["b"] = repr(error)

            thread = threading.Thread(target=run_b)
            thread.start()
            # wait until B is blocked on A's rows (or finished), then let A commit
            with registry.cursor() as watcher:
                for _attempt in range(100):
                    watcher.execute("SELECT count(*) FROM pg_locks WHERE pid = %s AND NOT granted", [pid_b])
                    if watcher.fetchone()[0] or not thread.is_alive():
                        break
                    watcher.rollback()
                    time.sleep(0.1)
            cr_a.commit()
            thread.join(30)
            self.assertEqual(results.get("b"), "ok", "the second run gives way without failing")
            cr_b.commit()
            with registry.cursor() as cr:
                cr.execute(
                    """
                    SELECT count(*), count(DISTINCT kam_occurrence_id)
                      FROM mail_activity
                     WHERE res_model = 'res.partner' AND res_id = %s
                    """,
                    [ids["account"]],
                )
                total, distinct = cr.fetchone()
            # 3 calls + rule 1, each once
            self.assertEqual((total, distinct), (4, 4))
        finally:
            cr_a.close()
            cr_b.close()
            with registry.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {})
                env["mail.activity"].search(
                    [("res_model", "=", "res.partner"), ("res_id", "=", ids["account"])]
                ).unlink()
                env["kam.comm.plan.line"].with_context(active_test=False).search(
                    [("partner_id", "=", ids["account"])]
                ).unlink()
                env["kam.comm.occurrence"].search([("partner_id", "=", ids["account"])]).unlink()
                env["res.partner"].browse(ids["account"]).unlink()
