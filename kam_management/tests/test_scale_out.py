# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""Several Odoo servers on one database: batches that meet a concurrent
transaction are retried or rescheduled, never reported done; rows created
on demand are never doubled; the read-only RPC methods run on a read-only
cursor (a replica)."""

import datetime
import threading
import time
from unittest.mock import patch

import psycopg2.errors

from odoo import SUPERUSER_ID, api, fields
from odoo.tests import HttpCase, TransactionCase, new_test_user, tagged

from ..models import kam_concurrency

SCHEDULER_LOG = "odoo.addons.kam_management.models.kam_comm_scheduler"
HEALTH_LOG = "odoo.addons.kam_management.models.kam_account_health"
PARTNER_LOG = "odoo.addons.kam_management.models.kam_identification"


def wait_until_blocked(registry, pid, thread):
    """Until the backend ``pid`` waits for a lock (or ``thread`` ended)."""
    with registry.cursor() as watcher:
        for _attempt in range(200):
            watcher.execute("SELECT count(*) FROM pg_locks WHERE pid = %s AND NOT granted", [pid])
            if watcher.fetchone()[0] or not thread.is_alive():
                return
            watcher.rollback()
            time.sleep(0.05)


@tagged("post_install", "-at_install")
class TestSchedulerConflicts(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.kam = new_test_user(
            cls.env, login="h2_scale_kam", name="Scale KAM", groups="kam_management.group_kam_user",
        )
        cls.today = fields.Date.today()
        cls.accounts = cls.env["res.partner"].create([
            {"name": f"Scale Account {i}", "is_company": True, "kam_status": "key", "kam_user_id": cls.kam.id}
            for i in range(3)
        ])
        cls.env["kam.comm.plan.line"].create([
            {"name": "Call", "partner_id": account.id, "user_id": cls.kam.id, "kind": "call",
             "channel": "phone", "cadence_kind": "once", "start_date": cls.today}
            for account in cls.accounts
        ])
        cls.scheduler = cls.env["kam.comm.scheduler"]
        cls.cron = cls.env.ref("kam_management.ir_cron_kam_comm_plan")

    def reminders(self):
        return self.env["kam.comm.occurrence"].search([("partner_id", "in", self.accounts.ids), ("rule", "=", "plan")])

    def test_a_conflict_that_outlives_the_retries_is_rescheduled(self):
        """The batch is left to a later run, the progress says so, the cron comes back."""
        Scheduler = type(self.scheduler)
        mine = set(self.accounts.ids)
        original = Scheduler._kam_process_batch

        def conflicting(scheduler, company, partners, today):
            if mine & set(partners.ids):
                raise psycopg2.errors.SerializationFailure()
            return original(scheduler, company, partners, today)

        progress = self.env["ir.cron.progress"].create({"cron_id": self.cron.id, "done": 0, "remaining": 0})
        self.env["ir.cron.trigger"].search([("cron_id", "=", self.cron.id)]).unlink()
        with patch.object(Scheduler, "_kam_process_batch", conflicting), \
                self.assertLogs(SCHEDULER_LOG, "WARNING") as logs:
            done = self.scheduler.with_context(ir_cron_progress_id=progress.id)._cron_run(batch_size=500)
        self.assertFalse(done, "a run that left accounts does not report itself done")
        self.assertFalse(self.reminders(), "nothing of the failed attempt is kept")
        output = "\n".join(logs.output)
        for account in self.accounts:
            self.assertIn(str(account.id), output, "the accounts left are named")
        self.assertIn("left to a later run", output)
        self.assertNotIn("concurrent run", output)
        self.assertGreaterEqual(progress.remaining, len(mine), "Odoo sees work remaining")
        if not progress.done:
            # Nothing done at all: Odoo would call it finished, so the run triggers the cron.
            self.assertTrue(self.env["ir.cron.trigger"].search([("cron_id", "=", self.cron.id)]))
        # The next run, without the conflict, creates every reminder once.
        self.assertTrue(self.scheduler._cron_run())
        self.assertEqual(len(self.reminders()), 3)

    def test_a_run_outside_the_cron_triggers_it(self):
        self.env["ir.cron.trigger"].search([("cron_id", "=", self.cron.id)]).unlink()
        with patch.object(
            type(self.scheduler), "_kam_process_batch",
            side_effect=psycopg2.errors.DeadlockDetected(), autospec=True,
        ), self.assertLogs(SCHEDULER_LOG, "WARNING"):
            self.assertFalse(self.scheduler._cron_run(batch_size=500))
        trigger = self.env["ir.cron.trigger"].search([("cron_id", "=", self.cron.id)])
        self.assertEqual(len(trigger), 1)
        self.assertGreater(trigger.call_at, fields.Datetime.now())

    def test_a_bad_account_is_still_isolated(self):
        """Not a conflict: the batch is split, the bad account skipped and logged, the others done."""
        Scheduler = type(self.scheduler)
        bad = self.accounts[1]
        original = Scheduler._kam_process_batch

        def failing(scheduler, company, partners, today):
            if bad in partners:
                raise ValueError("broken account")
            return original(scheduler, company, partners, today)

        with patch.object(Scheduler, "_kam_process_batch", failing), \
                self.assertLogs(SCHEDULER_LOG, "ERROR") as logs:
            left = self.scheduler._kam_run_batch(self.env.company, self.accounts, self.today)
        self.assertFalse(left, "a bad record is skipped, not rescheduled forever")
        self.assertIn(f"res.partner({bad.id})", "\n".join(logs.output))
        self.assertEqual(self.reminders().partner_id, self.accounts - bad)


@tagged("post_install", "-at_install")
class TestSchedulerRetry(TransactionCase):
    """A user's write holds a plan line the batch updates: the batch is retried, nothing is lost."""

    def test_conflict_with_a_user_write_is_retried(self):
        registry = self.registry
        today = fields.Date.today()
        with registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            kam = env.ref("base.user_admin")
            account = env["res.partner"].create({
                "name": "Retry Account", "is_company": True, "kam_status": "key", "kam_user_id": kam.id,
            })
            # Due three days ago: the run creates the reminder and marks the line overdue.
            line = env["kam.comm.plan.line"].create({
                "name": "Overdue call", "partner_id": account.id, "user_id": kam.id, "kind": "call",
                "channel": "phone", "cadence_kind": "once", "start_date": today - datetime.timedelta(days=3),
            })
            ids = {"account": account.id, "line": line.id, "company": env.company.id}
        results = {}
        cr_run, cr_user = registry.cursor(), registry.cursor()
        try:
            for cr in (cr_run, cr_user):
                cr.execute("SET LOCAL lock_timeout = '20s'")
            env_run = api.Environment(cr_run, SUPERUSER_ID, {})
            cr_run.execute("SELECT pg_backend_pid()")  # the run's snapshot, before the user's commit
            pid_run = cr_run.fetchone()[0]
            # The user edits the line (not committed yet): its row is locked.
            cr_user.execute("UPDATE kam_comm_plan_line SET note = 'Ask about the tender' WHERE id = %s",
                            [ids["line"]])

            def run():
                try:
                    scheduler = env_run["kam.comm.scheduler"]
                    results["left"] = scheduler._kam_run_batch(
                        env_run["res.company"].browse(ids["company"]),
                        env_run["res.partner"].browse(ids["account"]), today, commit=True,
                    ).ids
                    cr_run.commit()
                except Exception as error:  # reported by the assertion below
                    results["left"] = repr(error)

            thread = threading.Thread(target=run)
            with patch.object(kam_concurrency._logger, "info") as info:
                thread.start()
                wait_until_blocked(registry, pid_run, thread)
                self.assertTrue(thread.is_alive(), "the run waits for the user's row")
                cr_user.commit()
                thread.join(60)
            self.assertEqual(results.get("left"), [], "retried and done, nothing left")
            output = "\n".join(call.args[0] % call.args[1:] for call in info.call_args_list)
            self.assertIn("could not serialize access", output)
            self.assertIn("retrying in a new transaction", output)
            with registry.cursor() as cr:
                cr.execute(
                    """
                    SELECT count(*), count(activity_id) FROM kam_comm_occurrence
                     WHERE partner_id = %s AND rule = 'plan'
                    """,
                    [ids["account"]],
                )
                self.assertEqual(cr.fetchone(), (1, 1), "the reminder created once, with its activity")
                cr.execute("SELECT state, note FROM kam_comm_plan_line WHERE id = %s", [ids["line"]])
                state, note = cr.fetchone()
                self.assertEqual(state, "overdue", "the run's update is kept")
                self.assertIn("tender", note, "and the user's write too")
        finally:
            cr_run.close()
            cr_user.close()
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


@tagged("post_install", "-at_install")
class TestHealthRows(TransactionCase):
    """A user opening "Risk" while the cron refreshes: one health row, no failed cron."""

    def test_concurrent_inserts_of_a_health_row(self):
        registry = self.registry
        with registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            account = env["res.partner"].create({
                "name": "Risk Race Account", "is_company": True, "kam_status": "key",
                "kam_user_id": env.ref("base.user_admin").id,
            })
            ids = {"account": account.id, "company": env.company.id}
        results = {}
        cr_cron, cr_user = registry.cursor(), registry.cursor()
        try:
            for cr in (cr_cron, cr_user):
                cr.execute("SET LOCAL lock_timeout = '20s'")
            env_cron = api.Environment(cr_cron, SUPERUSER_ID, {})
            env_user = api.Environment(cr_user, SUPERUSER_ID, {})
            cr_user.execute("SELECT pg_backend_pid()")
            pid_user = cr_user.fetchone()[0]
            company = env_cron["res.company"].browse(ids["company"])
            row = env_cron["kam.account.health"]._kam_ensure(company, [ids["account"]])
            self.assertEqual(len(row), 1)

            def open_risk():
                try:
                    results["user"] = env_user["kam.account.health"]._kam_ensure(
                        env_user["res.company"].browse(ids["company"]), [ids["account"]],
                    ).ids
                except Exception as error:
                    results["user"] = error

            thread = threading.Thread(target=open_risk)
            thread.start()
            wait_until_blocked(registry, pid_user, thread)
            cr_cron.commit()
            thread.join(30)
            # Not a unique violation (which Odoo would show as an error), but the
            # serialization failure Odoo replays the request on.
            self.assertIsInstance(results.get("user"), psycopg2.errors.SerializationFailure)
            cr_user.rollback()
            replay = env_user["kam.account.health"]._kam_ensure(
                env_user["res.company"].browse(ids["company"]), [ids["account"]],
            )
            self.assertEqual(replay.ids, row.ids)
            with registry.cursor() as cr:
                cr.execute("SELECT count(*) FROM kam_account_health WHERE partner_id = %s", [ids["account"]])
                self.assertEqual(cr.fetchone()[0], 1)
        finally:
            cr_cron.close()
            cr_user.close()
            with registry.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {})
                env["kam.account.health"].search([("partner_id", "=", ids["account"])]).unlink()
                env["res.partner"].browse(ids["account"]).unlink()

    def test_refresh_conflict_is_rescheduled(self):
        Health = self.env["kam.account.health"]
        account = self.env["res.partner"].create({
            "name": "Refresh Conflict", "is_company": True, "kam_status": "key",
            "kam_user_id": self.env.ref("base.user_admin").id,
        })
        cron = self.env.ref("kam_management.ir_cron_kam_refresh_health")
        self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)]).unlink()
        with patch.object(
            type(Health), "_kam_refresh_batch",
            side_effect=psycopg2.errors.SerializationFailure(), autospec=True,
        ), self.assertLogs(HEALTH_LOG, "WARNING") as logs:
            left = Health._kam_refresh(self.env.company, partners=account, isolate=True)
        self.assertEqual(left, account.ids)
        self.assertIn("left to a later run", "\n".join(logs.output))
        self.assertNotIn("failed and was skipped", "\n".join(logs.output))
        self.assertTrue(self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)]))

    def test_open_risk_creates_and_refreshes_once(self):
        kam = new_test_user(self.env, login="h2_risk_kam", groups="kam_management.group_kam_user")
        account = self.env["res.partner"].create({
            "name": "Risk Opener", "is_company": True, "kam_status": "key", "kam_user_id": kam.id,
        })
        action = account.with_user(kam).action_kam_open_health()
        health = self.env["kam.account.health"].browse(action["res_id"])
        self.assertEqual((health.partner_id, health.company_id), (account, self.env.company))
        self.assertTrue(health.last_refresh, "a new health is refreshed at once")
        self.assertEqual(health.kam_user_id, kam)
        self.assertEqual(account.with_user(kam).action_kam_open_health()["res_id"], health.id)


@tagged("post_install", "-at_install")
class TestRecomputeConflicts(TransactionCase):
    def test_a_company_met_by_a_concurrent_transaction_is_rescheduled(self):
        """The nightly recompute of a company that conflicts is left to a run a minute
        later, not logged as a failure and skipped until the next night."""
        Metric = type(self.env["kam.partner.metric"])
        cron = self.env.ref("kam_management.ir_cron_kam_recompute_metrics")
        self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)]).unlink()
        with patch.object(
            Metric, "_refresh_company", side_effect=psycopg2.errors.SerializationFailure(), autospec=True,
        ), self.assertLogs(PARTNER_LOG, "WARNING") as logs:
            self.env["kam.identification"]._cron_recompute()
        output = "\n".join(logs.output)
        self.assertIn("met a concurrent transaction", output)
        self.assertNotIn("failed and was skipped", output)
        self.assertNotIn("ERROR", output)
        trigger = self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)])
        self.assertTrue(trigger)
        self.assertGreater(min(trigger.mapped("call_at")), fields.Datetime.now())


@tagged("post_install", "-at_install")
class TestReadonlyRpc(HttpCase):
    """The relationship map's data is served on a read-only cursor (a replica)."""

    def test_map_methods_run_read_only(self):
        Member = type(self.env["kam.dmu.member"])
        for method in ("get_relationship_map_data", "get_relationship_map_accounts"):
            self.assertTrue(getattr(getattr(Member, method), "_readonly", False), method)
        account = self.env["res.partner"].create({"name": "Map RO", "is_company": True, "kam_status": "key"})
        person = self.env["res.partner"].create({"name": "Rhea Readonly", "parent_id": account.id})
        self.env["kam.dmu.member"].create({"partner_id": account.id, "contact_id": person.id, "influence": 4})
        self.authenticate("admin", "admin")
        # In test mode a read-only call runs in a READ ONLY transaction: a write would fail.
        data = self.make_jsonrpc_request("/web/dataset/call_kw/kam.dmu.member/get_relationship_map_data", {
            "model": "kam.dmu.member", "method": "get_relationship_map_data",
            "args": [account.id], "kwargs": {},
        })
        self.assertEqual([node["name"] for node in data["members"]], ["Rhea Readonly"])
        accounts = self.make_jsonrpc_request("/web/dataset/call_kw/kam.dmu.member/get_relationship_map_accounts", {
            "model": "kam.dmu.member", "method": "get_relationship_map_accounts", "args": [], "kwargs": {},
        })
        self.assertIn(account.id, [item["id"] for item in accounts])
