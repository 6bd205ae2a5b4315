# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""Scale-out the Odoo way: two Odoo servers in worker mode on one database.

Two servers, each with two HTTP workers and two cron workers
(``--workers=2 --max-cron-threads=2``), share one PostgreSQL database. While
users write over XML-RPC (notes on the plan lines the scheduler updates,
contact logs, "Recompute now" in Settings and the recompute action on the
partners at the same moment, "Risk" opened on accounts that have none yet),
the addon's three crons (communication plan, recompute with its alerts, risk
refresh) are triggered again and again on both servers. Then:

- no duplicate: alert state, alert activity, reminder activity, planned
  contact, health row;
- no lost reminder: every plan line due got its reminder, exactly once
  (expected from the rule: one per line due, the other rules switched off);
- every alert expected from the rule (one per overloaded KAM, one per overdue
  VIP review) is open exactly once;
- no failed cron: no failure counted by Odoo, no failed job or skipped record
  in either server's log.

The counts are printed (``pytest -s``) for the closing note.
"""

import contextlib
import datetime
import os
import random
import re
import tempfile
import threading
import time
import xmlrpc.client

from odoo_server import Client, create_db, drop_db, free_port, psql, run_odoo, server

KAMS = 4
# More key accounts than the 3 a KAM may carry: each KAM raises an overload alert.
ACCOUNTS_PER_KAM = 15
VIP_OVERDUE = 6
LOAD_SECONDS = 20
TRIGGER_EVERY = 2.0
CRONS = ("ir_cron_kam_comm_plan", "ir_cron_kam_recompute_metrics", "ir_cron_kam_refresh_health")
SERVER_OPTIONS = (
    "--workers=2", "--max-cron-threads=2", "--limit-time-real=300",
    "--log-handler=odoo.addons.base.models.ir_cron:INFO",
    "--log-handler=odoo.addons.kam_management:INFO",
    "--log-handler=odoo.service.model:INFO",
)
PASSWORD = "scale_out_pw_1"


def xmlid(db, name):
    module, _, name = name.rpartition(".")
    rows = psql(db, f"SELECT res_id FROM ir_model_data WHERE module = '{module}' AND name = '{name}'")
    return rows[0][0]


def trigger_crons(db, cron_ids):
    """What ``ir.cron._trigger()`` does: a trigger row per cron, then wake the cron workers."""
    values = ", ".join(f"({cron_id}, now() AT TIME ZONE 'UTC')" for cron_id in cron_ids)
    psql(db, f"INSERT INTO ir_cron_trigger (cron_id, call_at) VALUES {values}")
    psql("postgres", f"SELECT pg_notify('cron_trigger', '{db}')")


def setup_world(db, admin):
    """Users, key accounts with a plan line due yesterday each, overdue VIP reviews."""
    today = psql(db, "SELECT (now() AT TIME ZONE 'UTC')::date")[0][0]
    company_id = admin.call("res.users", "read", [admin.uid], ["company_id"])[0]["company_id"][0]
    # The plan lines are the only reminders: the gap and greeting rules are off.
    admin.call("res.company", "write", [company_id], {
        "kam_positive_gap_enabled": False, "kam_greeting_enabled": False,
        "kam_max_accounts_per_kam": 3,
    })
    kam_group = xmlid(db, "kam_management.group_kam_user")
    logins = [f"scale_kam_{index}" for index in range(KAMS)]
    uids = admin.call("res.users", "create", [
        {"name": f"Scale KAM {login}", "login": login, "password": PASSWORD, "groups_id": [(6, 0, [kam_group])]}
        for login in logins
    ])
    kams = list(zip(uids, logins, strict=True))
    accounts_vals = []
    for index in range(KAMS * ACCOUNTS_PER_KAM):
        vals = {
            "name": f"Scale Account {index:03d}", "is_company": True, "kam_status": "key",
            "kam_user_id": kams[index % KAMS][0],
        }
        if index < VIP_OVERDUE:
            vals.update(kam_is_vip=True, kam_vip_review_date=str(today - datetime.timedelta(days=30)))
        accounts_vals.append(vals)
    account_ids = admin.call("res.partner", "create", accounts_vals)
    kam_of = {account_id: kams[index % KAMS] for index, account_id in enumerate(account_ids)}
    line_ids = admin.call("kam.comm.plan.line", "create", [
        {
            "name": "Call", "partner_id": account_id, "user_id": kam_of[account_id][0], "kind": "call",
            "channel": "phone", "cadence_kind": "once",
            "start_date": str(today - datetime.timedelta(days=1)),
        }
        for account_id in account_ids
    ])
    return {
        "company": company_id, "kams": kams, "accounts": account_ids, "kam_of": kam_of,
        "lines": line_ids, "today": today,
    }


class Load:
    """Users at work over XML-RPC, each thread with its own connection."""

    def __init__(self, url, db, world, deadline):
        self.url, self.db, self.world, self.deadline = url, db, world, deadline
        self.calls, self.faults = 0, []
        self.lock = threading.Lock()

    def client(self, login, password):
        return Client(self.url, self.db, login, password)

    def run(self, name, login, password, step):
        client = self.client(login, password)
        rng = random.Random(name)
        while time.time() < self.deadline:
            try:
                step(client, rng)
            except (xmlrpc.client.Fault, OSError) as error:
                with self.lock:
                    self.faults.append(f"{name}: {str(error)[-300:]}")
            with self.lock:
                self.calls += 1

    def threads(self):
        world = self.world
        lines_of = {}
        for line_id, account_id in zip(world["lines"], world["accounts"], strict=True):
            lines_of.setdefault(world["kam_of"][account_id][1], []).append((line_id, account_id))

        def note_writer(login):
            def step(client, rng):
                line_id, _account = rng.choice(lines_of[login])
                client.call("kam.comm.plan.line", "write", [line_id], {"note": f"Note {rng.random()}"})
            return step

        def contact_logger(login):
            def step(client, rng):
                _line, account_id = rng.choice(lines_of[login])
                client.call("kam.contact.log", "create", {
                    "partner_id": account_id, "channel": "email", "outcome": "neutral",
                    "summary": "Scale-out check-in",
                })
                time.sleep(0.1)
            return step

        pending = list(world["accounts"])

        def open_risk(client, rng):
            account_id = pending.pop(0) if pending else rng.choice(world["accounts"])
            client.call("res.partner", "action_kam_open_health", [account_id])

        (_kam_a, login_a), (_kam_b, login_b) = world["kams"][:2]

        def settings_recompute(client, rng):
            settings = client.call("res.config.settings", "create", {})
            client.call("res.config.settings", "action_kam_recompute_metrics", [settings])
            time.sleep(1)  # leave the HTTP workers to the others now and then

        def partner_recompute(client, rng):
            client.call("res.partner", "action_kam_recompute_metrics", world["accounts"])
            time.sleep(1)

        return {
            "notes A": (login_a, PASSWORD, note_writer(login_a)),
            "notes B": (login_b, PASSWORD, note_writer(login_b)),
            "logs": (login_a, PASSWORD, contact_logger(login_a)),
            "settings recompute": ("admin", "admin", settings_recompute),
            "partner recompute": ("admin", "admin", partner_recompute),
            "risk": ("admin", "admin", open_risk),
        }

    def start(self, names):
        threads = []
        for name, (login, password, step) in self.threads().items():
            if name in names:
                threads.append(threading.Thread(target=self.run, args=(name, login, password, step)))
        for thread in threads:
            thread.start()
        return threads


def wait_for_idle_crons(db, cron_ids, timeout=60):
    """Until no job of ``cron_ids`` runs (their rows are locked while they do)."""
    ids = ", ".join(map(str, cron_ids))
    deadline = time.time() + timeout
    while time.time() < deadline:
        free = psql(db, f"SELECT count(*) FROM (SELECT id FROM ir_cron WHERE id IN ({ids}) "
                        "FOR NO KEY UPDATE SKIP LOCKED) t")[0][0]
        ready = psql(db, f"SELECT count(*) FROM ir_cron_trigger WHERE cron_id IN ({ids}) "
                         "AND call_at <= now() AT TIME ZONE 'UTC'")[0][0]
        if free == len(cron_ids) and not ready:
            return True
        time.sleep(1)
    return False


def count(db, sql):
    return psql(db, sql)[0][0]


def test_two_servers_in_worker_mode():
    started = time.time()
    db = create_db("kam_scale")
    logs = [os.path.join(tempfile.gettempdir(), f"{db}_{name}.log") for name in ("a", "b")]
    try:
        run_odoo(db, "-i", "kam_management", "--stop-after-init", "--without-demo=all")
        phases = {"install": time.time() - started}
        cron_ids = [xmlid(db, f"kam_management.{name}") for name in CRONS]
        ids = ", ".join(map(str, cron_ids))
        # Only the addon's crons, and not before the world is set up.
        psql(db, f"UPDATE ir_cron SET active = (id IN ({ids})), "
                 "nextcall = now() AT TIME ZONE 'UTC' + interval '1 day'")
        with contextlib.ExitStack() as stack:
            servers = [
                stack.enter_context(server(db, log, extra=(*SERVER_OPTIONS, f"--gevent-port={free_port()}")))
                for log in logs
            ]
            phases["servers up"] = time.time() - started - sum(phases.values())
            world = setup_world(db, servers[0])
            phases["setup"] = time.time() - started - sum(phases.values())
            progress_before = count(db, "SELECT COALESCE(max(id), 0) FROM ir_cron_progress")
            deadline = time.time() + LOAD_SECONDS
            loads = [Load(admin.url, db, world, deadline) for admin in servers]
            # The three crons at once on both servers, with the users, then again and again;
            # "Recompute now" and the partner action on different servers.
            trigger_crons(db, cron_ids)
            threads = loads[0].start({"notes A", "logs", "settings recompute", "risk"})
            threads += loads[1].start({"notes B", "partner recompute"})
            while time.time() < deadline:
                time.sleep(TRIGGER_EVERY)
                trigger_crons(db, cron_ids)
            for thread in threads:
                thread.join(120)
            # The users are gone: a last run of each cron picks up what was rescheduled.
            wait_for_idle_crons(db, cron_ids)
            trigger_crons(db, cron_ids)
            time.sleep(3)
            assert wait_for_idle_crons(db, cron_ids), "the crons did not finish"
            phases["load and crons"] = time.time() - started - sum(phases.values())
            user_calls = sum(load.calls for load in loads)
            user_faults = [fault for load in loads for fault in load.faults]
        accounts = ", ".join(map(str, world["accounts"]))
        lines = ", ".join(map(str, world["lines"]))
        kam_uids = ", ".join(str(uid) for uid, _login in world["kams"])
        kam_partners = ", ".join(
            str(row[0]) for row in psql(db, f"SELECT partner_id FROM res_users WHERE id IN ({kam_uids})")
        )
        counts = {
            "jobs run": count(db, f"SELECT count(*) FROM ir_cron_progress WHERE id > {progress_before} "
                                  f"AND cron_id IN ({ids})"),
            "reminders expected": len(world["lines"]),
            "reminders created": count(db, f"""
                SELECT count(*) FROM kam_comm_occurrence occ JOIN mail_activity act ON act.id = occ.activity_id
                 WHERE occ.line_id IN ({lines}) AND occ.rule = 'plan'"""),
            "lines marked overdue": count(db, f"SELECT count(*) FROM kam_comm_plan_line WHERE id IN ({lines}) "
                                              "AND state = 'overdue'"),
            "alerts expected": KAMS + VIP_OVERDUE,
            "alerts open": count(db, f"""
                SELECT count(*) FROM mail_activity
                 WHERE res_model = 'res.partner'
                   AND ((kam_alert_kind = 'kam_overload' AND res_id IN ({kam_partners}))
                     OR (kam_alert_kind = 'vip_review' AND res_id IN ({accounts})))"""),
            "health rows": count(db, f"SELECT count(*) FROM kam_account_health WHERE partner_id IN ({accounts}) "
                                     "AND last_refresh IS NOT NULL"),
            "duplicate alert activities": count(db, """
                SELECT count(*) FROM (SELECT 1 FROM mail_activity WHERE kam_alert_kind IS NOT NULL
                 GROUP BY res_id, kam_alert_kind, COALESCE(kam_company_id, 0) HAVING count(*) > 1) t"""),
            "duplicate alert states": count(db, """
                SELECT count(*) FROM (SELECT 1 FROM kam_alert
                 GROUP BY partner_id, kind, COALESCE(company_id, 0) HAVING count(*) > 1) t"""),
            "duplicate reminder activities": count(db, """
                SELECT count(*) FROM (SELECT 1 FROM mail_activity WHERE kam_occurrence_id IS NOT NULL
                 GROUP BY kam_occurrence_id HAVING count(*) > 1) t"""),
            "duplicate planned contacts": count(db, """
                SELECT count(*) FROM (SELECT 1 FROM kam_comm_occurrence WHERE line_id IS NOT NULL
                 GROUP BY line_id, scheduled_date HAVING count(*) > 1) t"""),
            "duplicate health rows": count(db, """
                SELECT count(*) FROM (SELECT 1 FROM kam_account_health
                 GROUP BY partner_id, company_id HAVING count(*) > 1) t"""),
            "cron failures counted by Odoo": count(db, f"SELECT COALESCE(sum(failure_count), 0) FROM ir_cron "
                                                       f"WHERE id IN ({ids})"),
            "user calls": user_calls,
            "user calls failed": len(user_faults),
        }
        texts = []
        for path in logs:
            with open(path, encoding="utf-8") as log:
                texts.append(log.read())
        jobs_by_server = [len(re.findall(r"Job '[^']*Key Accounts[^']*' \(\d+\) done in", text)) for text in texts]
        failed_jobs = [line for text in texts for line in text.splitlines()
                       if re.search(r"Job '.*' \(\d+\) server action #\d+ failed|Job '.*' \(\d+\) timed out"
                                    r"|failed and was skipped|Exception in cron", line)]
        counts.update({
            "jobs done on server A": jobs_by_server[0],
            "jobs done on server B": jobs_by_server[1],
            "failed jobs or skipped records in the logs": len(failed_jobs),
            "batches retried in a new transaction after a conflict": sum(
                text.count("retrying in a new transaction") for text in texts),
            "work left to a rescheduled run after a conflict": sum(
                len(re.findall(r"run rescheduled|refresh rescheduled|left to a run of the recompute", text))
                for text in texts),
            "user requests replayed by Odoo after a conflict": sum(
                len(re.findall(r"tries left, try again", text)) for text in texts),
        })
        print(f"\nscale-out, two servers x (2 workers, 2 cron workers), {time.time() - started:.0f} s "
              f"({', '.join(f'{name} {value:.0f} s' for name, value in phases.items())}):")
        for key, value in counts.items():
            print(f"  {key}: {value}")
        for fault in user_faults[:5]:
            print(f"  user fault: {fault}")
        for line in failed_jobs[:5]:
            print(f"  log: {line}")

        assert jobs_by_server[0] and jobs_by_server[1], "both servers ran the crons"
        assert counts["reminders created"] == counts["reminders expected"], "no lost reminder"
        assert counts["lines marked overdue"] == len(world["lines"])
        assert counts["alerts open"] == counts["alerts expected"]
        assert counts["health rows"] == len(world["accounts"])
        for key, value in counts.items():
            if key.startswith("duplicate"):
                assert value == 0, key
        assert counts["cron failures counted by Odoo"] == 0
        assert not failed_jobs, failed_jobs[:5]
        assert not user_faults, user_faults[:5]
    finally:
        drop_db(db)
        for path in logs:
            if os.environ.get("KAM_KEEP_LOGS"):
                print(f"  server log kept: {path}")
                continue
            with contextlib.suppress(OSError):
                os.remove(path)
