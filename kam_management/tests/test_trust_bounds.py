# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""Typed numbers stay within their bounds, and a bad row never stops a cron.

The expectations come from the rules: ``rules/bounds.py`` (one table of
ranges) and SPEC §5 — every numeric setting and cadence has bounds that keep
the date arithmetic valid, and every cron isolates a bad record (savepoint, a
logged error naming it, the others continue).
"""

import contextlib
import json
import math
import xmlrpc.client
from unittest.mock import patch

from odoo import Command, fields
from odoo.exceptions import ValidationError
from odoo.tests import HttpCase, TransactionCase, tagged
from odoo.tools import mute_logger

from ..rules.bounds import BOUNDS, INT4_MAX, format_bound
from .common import PASSWORDS, TrustFixtures

NAN, INF = float("nan"), float("inf")
NON_FINITE = (NAN, INF, -INF, "nan")
SCHEDULER_LOG = "odoo.addons.kam_management.models.kam_comm_scheduler"
PARTNER_LOG = "odoo.addons.kam_management.models.kam_identification"
HEALTH_LOG = "odoo.addons.kam_management.models.kam_account_health"


def _same(a, b):
    return a == b or (isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b))


class BoundsMixin(TrustFixtures):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_trust()
        cls.admin = cls.env.ref("base.user_admin")

    def _range_message(self, model, fname):
        """What the bounds say about ``fname``: its label and its range."""
        low, high = BOUNDS[model][fname]
        label = self.env[model]._fields[fname]._description_string(self.env)
        return f"{label} must be between {format_bound(low)} and {format_bound(high)}"

    def _bad_values(self, model, fname):
        """(value, generic) pairs: NaN, infinities, text, too large, too small.

        ``generic``: the message of the bounds themselves is expected (a more
        specific rule of the model may speak first for a finite value).
        """
        low, high = BOUNDS[model][fname]
        integer = self.env[model]._fields[fname].type == "integer"
        values = [(value, True) for value in NON_FINITE]
        values.append((INT4_MAX + 1 if integer else 1e300, integer))
        # clearly past the ends (a float may sit a rounding error past them)
        values.append((high + 1 if integer else high + max(1, abs(high) * 0.01), False))
        values.append((low - 1 if integer else low - max(1, abs(low) * 0.01), False))
        return values

    def _assert_write_refused(self, record, fname, value, generic):
        before = record.read([fname])[0][fname]
        with self.subTest(model=record._name, field=fname, value=value, user=record.env.user.login):
            with self.assertRaises(ValidationError) as caught, self.env.cr.savepoint():
                record.write({fname: value})
                record.env.flush_all()
            if generic:
                self.assertIn(self._range_message(record._name, fname), str(caught.exception))
            record.invalidate_recordset()
            self.assertTrue(_same(record.read([fname])[0][fname], before), "the value is unchanged")

    def _assert_create_refused(self, Model, vals, fname, generic):
        count = Model.sudo().with_context(active_test=False).search_count([])
        with self.subTest(model=Model._name, field=fname, value=vals[fname], user=Model.env.user.login):
            with self.assertRaises(ValidationError) as caught, self.env.cr.savepoint():
                Model.create(vals)
                Model.env.flush_all()
            if generic:
                self.assertIn(self._range_message(Model._name, fname), str(caught.exception))
            self.assertEqual(Model.sudo().with_context(active_test=False).search_count([]), count)


@tagged("post_install", "-at_install")
class TestTrustBounds(BoundsMixin, TransactionCase):
    """Over the ORM, as a KAM user and as a KAM manager (settings: as the administrator)."""

    # ------------------------------------------------------------------
    # Settings
    # ------------------------------------------------------------------

    def test_company_settings_refuse_non_finite_and_out_of_range(self):
        company = self.company_a.with_user(self.admin)
        for fname in BOUNDS["res.company"]:
            for value, generic in self._bad_values("res.company", fname):
                self._assert_write_refused(company, fname, value, generic)

    def test_company_settings_accept_their_bounds(self):
        company = self.company_a.with_user(self.admin)
        company.write({
            "kam_window_months": 120, "kam_greeting_days": 365, "kam_cooldown_days": 0,
            "kam_positive_gap_days": 3650, "kam_absolute_threshold": 1e15,
            "kam_risk_category_months": 120, "kam_max_accounts_per_kam": 1000,
        })
        self.env.flush_all()
        self.assertEqual((company.kam_window_months, company.kam_greeting_days), (120, 365))

    def test_settings_form_refuses_before_the_company_is_written(self):
        Settings = self.env["res.config.settings"].with_user(self.admin)
        before = self.company_a.read(["kam_greeting_days", "kam_window_months", "kam_key_share"])[0]
        for vals, fname in (
            ({"kam_greeting_days": NAN}, "kam_greeting_days"),
            ({"kam_window_months": INF}, "kam_window_months"),
            ({"kam_key_share": -INF}, "kam_key_share"),
            ({"kam_greeting_days": "soon"}, "kam_greeting_days"),
        ):
            with self.subTest(vals=vals):
                with self.assertRaises(ValidationError) as caught, self.env.cr.savepoint():
                    Settings.create(vals).execute()
                self.assertIn(self._range_message("res.company", fname), str(caught.exception))
        # a value a column holds but the bounds refuse: refused when the company is written
        with self.assertRaises(ValidationError) as caught, self.env.cr.savepoint():
            Settings.create({"kam_greeting_days": 999_999_999}).execute()
            self.env.flush_all()
        self.assertIn(self._range_message("res.company", "kam_greeting_days"), str(caught.exception))
        self.company_a.invalidate_recordset()
        self.assertEqual(
            self.company_a.read(["kam_greeting_days", "kam_window_months", "kam_key_share"])[0], before
        )

    # ------------------------------------------------------------------
    # Cadences
    # ------------------------------------------------------------------

    def test_plan_line_cadence_as_kam_and_manager(self):
        for user in (self.users["kam_own"], self.users["manager"]):
            line = self.plan_line.with_user(user)
            Line = self.env["kam.comm.plan.line"].with_user(user)
            for fname in ("interval_days", "times", "lead_days"):
                for value, generic in self._bad_values("kam.comm.plan.line", fname):
                    self._assert_write_refused(line, fname, value, generic)
                    vals = dict(self._vals("kam.comm.plan.line"), **{fname: value})
                    self._assert_create_refused(Line, vals, fname, generic)

    def test_the_lead_time_that_crashed_the_daily_run(self):
        """lead_days = 999 999 999: any KAM user could store it; now refused by name."""
        line = self.plan_line.with_user(self.users["kam_own"])
        with self.assertRaises(ValidationError) as caught, self.env.cr.savepoint():
            line.write({"lead_days": 999_999_999})
            self.env.flush_all()
        self.assertIn("Remind (days before) must be between 0 and 365 (999999999 given)",
                      str(caught.exception))
        line.invalidate_recordset()
        self.assertEqual(line.lead_days, 0)
        # an interval that would leave the calendar when added to today
        with self.assertRaises(ValidationError), self.env.cr.savepoint():
            line.write({"interval_days": 999_999_999})
            self.env.flush_all()
        line.invalidate_recordset()
        self.assertEqual((line.interval_days, line.cycle_date), (30, self.plan_line.cycle_date))

    def test_plan_line_dates_stay_in_the_calendar(self):
        kam = self.users["kam_own"]
        Line = self.env["kam.comm.plan.line"].with_user(kam)
        for fname, value in (
            ("start_date", "9999-12-31"), ("start_date", "0001-01-01"), ("end_date", "9999-12-31"),
        ):
            vals = dict(self._vals("kam.comm.plan.line"), **{fname: value})
            with self.subTest(field=fname, value=value):
                count = self.env["kam.comm.plan.line"].search_count([])
                with self.assertRaises(ValidationError) as caught, self.env.cr.savepoint():
                    Line.create(vals)
                    self.env.flush_all()
                # the bounds in the user's date format (English here)
                self.assertIn("must be between 01/01/1900 and 12/31/2999", str(caught.exception))
                self.assertEqual(self.env["kam.comm.plan.line"].search_count([]), count)

    def test_template_line_cadence_as_manager(self):
        line = self.records["kam.comm.plan.template.line"].with_user(self.users["manager"])
        for fname in ("interval_days", "times", "lead_days"):
            for value, generic in self._bad_values("kam.comm.plan.template.line", fname):
                self._assert_write_refused(line, fname, value, generic)

    def test_cadence_bounds_are_accepted(self):
        line = self.plan_line.with_user(self.users["kam_own"])
        line.write({"interval_days": 3650, "lead_days": 365})
        self.env.flush_all()
        self.assertEqual((line.interval_days, line.lead_days), (3650, 365))
        self.assertTrue(line.cycle_date)

    # ------------------------------------------------------------------
    # Plans, DMU, dossier
    # ------------------------------------------------------------------

    def test_plan_figures_dmu_and_dossier_as_kam_and_manager(self):
        fields_by_model = {
            "kam.account.plan.objective": ("target", "actual"),
            "kam.account.plan.budget": ("amount",),
            "kam.dmu.member": ("influence", "involvement"),
            "kam.dossier": ("employee_count", "annual_revenue"),
            "kam.competitor.presence": ("share",),
        }
        for user in (self.users["kam_own"], self.users["manager"]):
            for model, fnames in fields_by_model.items():
                record = self.records[model].with_user(user)
                for fname in fnames:
                    for value, generic in self._bad_values(model, fname):
                        self._assert_write_refused(record, fname, value, generic)

    def test_competitor_share_message(self):
        record = self.records["kam.competitor.presence"].with_user(self.users["kam_own"])
        for value in NON_FINITE:
            with self.subTest(value=value):
                with self.assertRaises(ValidationError) as caught, self.env.cr.savepoint():
                    record.write({"share": value})
                    self.env.flush_all()
                self.assertIn("must be between 0 and 100", str(caught.exception))

    def test_new_objective_with_nan_is_refused(self):
        Objective = self.env["kam.account.plan.objective"].with_user(self.users["kam_own"])
        for fname in ("target", "actual"):
            for value, generic in self._bad_values("kam.account.plan.objective", fname):
                vals = {"plan_id": self.plan.id, "name": "Grow", fname: value}
                self._assert_create_refused(Objective, vals, fname, generic)

    def test_objective_progress_must_be_finite(self):
        objective = self.records["kam.account.plan.objective"].with_user(self.users["kam_own"])
        with self.assertRaises(ValidationError) as caught, self.env.cr.savepoint():
            objective.write({"target": 1e-300, "actual": 1e15})
            self.env.flush_all()
        self.assertIn("too small for its actual value", str(caught.exception))
        objective.invalidate_recordset()
        self.assertEqual((objective.target, objective.actual), (100.0, 0.0))
        # the legitimate path
        objective.write({"target": 1e15, "actual": -1e15})
        self.assertEqual(objective.progress, -100.0)
        objective.write({"target": -1e15})
        self.assertEqual(objective.target, -1e15)

    def test_dossier_checklist_as_manager(self):
        check = self.records["kam.dossier.check"].with_user(self.users["manager"])
        for value, generic in self._bad_values("kam.dossier.check", "min_count"):
            self._assert_write_refused(check, "min_count", value, generic)

    def test_numbers_too_large_to_round(self):
        """±1e308 overflow the rounding of a float with digits or of an amount
        (an OverflowError deep in the ORM): refused before the ORM rounds them,
        with the message of the bounds. Every bounded float refuses them."""
        rounded = set()
        for model, table in BOUNDS.items():
            for fname in table:
                field = self.env[model]._fields[fname]
                if field.type not in ("float", "monetary"):
                    continue
                generic = field.type == "monetary" or bool(field.get_digits(self.env))
                if generic:
                    rounded.add((model, fname))
                record = (
                    self.company_a.with_user(self.admin) if model == "res.company"
                    else self.records[model].with_user(self.users["manager"])
                )
                for value in (1e308, -1e308):
                    self._assert_write_refused(record, fname, value, generic)
        self.assertLessEqual(
            {
                ("kam.competitor.presence", "share"), ("kam.account.plan.budget", "amount"),
                ("kam.dossier", "annual_revenue"), ("res.company", "kam_absolute_threshold"),
            },
            rounded,
        )

    def test_numbers_too_large_to_round_on_create(self):
        kam = self.users["kam_own"]
        Presence = self.env["kam.competitor.presence"].with_user(kam)
        Budget = self.env["kam.account.plan.budget"].with_user(kam)
        presence_vals = self._vals("kam.competitor.presence")
        self._assert_create_refused(Presence, dict(presence_vals, share=1e308), "share", True)
        self._assert_create_refused(
            Budget, dict(self._vals("kam.account.plan.budget"), amount=-1e308), "amount", True,
        )
        # A default of the context is converted like a value.
        count = Presence.sudo().search_count([])
        with self.assertRaises(ValidationError) as caught, self.env.cr.savepoint():
            Presence.with_context(default_share=1e308).create(presence_vals)
            self.env.flush_all()
        self.assertIn(self._range_message("kam.competitor.presence", "share"), str(caught.exception))
        self.assertEqual(Presence.sudo().search_count([]), count)
        # the legitimate path: a share and an amount within the bounds
        presence = Presence.with_context(default_share=35.0).create(presence_vals)
        self.assertEqual(presence.share, 35.0)
        budget = Budget.create(dict(self._vals("kam.account.plan.budget"), amount=2500.0))
        self.assertEqual(budget.amount, 2500.0)

    def test_legitimate_figures_are_kept(self):
        kam = self.users["kam_own"]
        self.records["kam.dmu.member"].with_user(kam).write({"influence": 5, "involvement": 1})
        self.records["kam.account.plan.budget"].with_user(kam).write({"amount": 1e15})
        self.records["kam.dossier"].with_user(kam).write({"employee_count": 10_000_000})
        self.env.flush_all()
        self.assertEqual(self.records["kam.dmu.member"].influence, 5)
        # cent rounding of 1e15 is only exact to the unit
        self.assertAlmostEqual(self.records["kam.account.plan.budget"].amount, 1e15, delta=1)
        self.assertEqual(self.records["kam.dossier"].employee_count, 10_000_000)


@tagged("post_install", "-at_install")
class TestTrustCronIsolation(BoundsMixin, TransactionCase):
    """Rows stored before the bounds (forced here in SQL) cost only themselves."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.kam_b = cls.users["other_company"]
        cls.account_b = env["res.partner"].create({
            "name": "Bounds Account B", "is_company": True, "company_id": cls.company_b.id,
            "kam_status": "key", "kam_user_id": cls.kam_b.id,
        })

    def _line(self, account, company, user, name):
        return self.env["kam.comm.plan.line"].create({
            "name": name, "partner_id": account.id, "company_id": company.id, "user_id": user.id,
            "kind": "call", "channel": "phone", "cadence_kind": "once",
            "start_date": fields.Date.context_today(self.env.user),
        })

    def _sql(self, query, *args):
        self.env.flush_all()
        self.env.cr.execute(query, args)
        self.env.invalidate_all()

    def _reminded(self, line):
        occurrence = self.env["kam.comm.occurrence"].search([("line_id", "=", line.id)])
        return bool(occurrence.activity_id)

    def test_bad_plan_line_does_not_stop_the_daily_run(self):
        kam_a = self.users["kam_own"]
        bad = self.plan_line
        same_account = self._line(self.account, self.company_a, kam_a, "Same account")
        other_account = self._line(self.account2, self.company_a, kam_a, "Other account")
        other_company = self._line(self.account_b, self.company_b, self.kam_b, "Other company")
        self._sql("UPDATE kam_comm_plan_line SET lead_days = 999999999 WHERE id = %s", bad.id)
        self._sql("UPDATE res_company SET kam_greeting_days = 999999999 WHERE id = %s", self.company_b.id)
        before = bad.read(["cycle_date", "next_due_date", "state"])[0]
        with self.assertLogs(SCHEDULER_LOG, level="ERROR") as logs:
            self.assertTrue(self.env["kam.comm.scheduler"]._cron_run(commit=False))
        output = "\n".join(logs.output)
        self.assertIn(f"kam.comm.plan.line({bad.id})", output)
        self.assertIn("OverflowError", output, "the traceback is logged")
        self.assertIn(f"res.company({self.company_b.id})", output)
        self.assertIn("kam_greeting_days", output)
        for line in (same_account, other_account, other_company):
            self.assertTrue(self._reminded(line), f"{line.name}: reminder created")
        self.assertFalse(self.env["kam.comm.occurrence"].search([("line_id", "=", bad.id)]))
        bad.invalidate_recordset()
        self.assertEqual(bad.read(["cycle_date", "next_due_date", "state"])[0], before)
        # the next run is as quiet about the others: nothing twice
        count = self.env["mail.activity"].search_count([])
        with self.assertLogs(SCHEDULER_LOG, level="ERROR"):
            self.env["kam.comm.scheduler"]._cron_run(commit=False)
        self.assertEqual(self.env["mail.activity"].search_count([]), count)

    def test_failing_account_is_isolated_inside_its_batch(self):
        """Any error in a batch: the batch is run again account by account."""
        kam_a = self.users["kam_own"]
        good = self._line(self.account, self.company_a, kam_a, "Good")
        failing = self._line(self.account2, self.company_a, kam_a, "Failing")
        Scheduler = type(self.env["kam.comm.scheduler"])
        original = Scheduler._kam_plan_line
        account2 = self.account2

        def flaky(self, line, *args):
            if line.partner_id == account2:
                raise RuntimeError("broken record")
            return original(self, line, *args)

        with patch.object(Scheduler, "_kam_plan_line", flaky), \
                self.assertLogs(SCHEDULER_LOG, level="WARNING") as logs:
            self.env["kam.comm.scheduler"]._cron_run(commit=False)
        output = "\n".join(logs.output)
        self.assertIn(f"res.partner({account2.id})", output)
        self.assertIn("RuntimeError: broken record", output)
        self.assertTrue(self._reminded(good))
        self.assertFalse(self._reminded(failing))

    def test_recompute_skips_a_company_with_broken_settings(self):
        Metric = self.env["kam.partner.metric"]
        metric_a = self.records["kam.partner.metric"]  # company A, no order or invoice behind it
        client_b = self.env["res.partner"].create({
            "name": "Bounds Client B", "is_company": True, "company_id": self.company_b.id,
        })
        metric_b = Metric.create({"partner_id": client_b.id, "company_id": self.company_b.id,
                                  "basis_amount": 10.0, "margin": 10.0})
        for column, value in (("kam_window_months", 99_999_999), ("kam_key_share", "NaN")):
            with self.subTest(column=column):
                self._sql(f"UPDATE res_company SET {column} = %s WHERE id = %s", value, self.company_b.id)
                with self.assertLogs(PARTNER_LOG, level="ERROR") as logs:
                    self.env["kam.identification"]._cron_recompute()
                output = "\n".join(logs.output)
                self.assertIn(f"res.company({self.company_b.id})", output)
                self.assertIn(column, output)
                self.assertFalse(metric_a.exists(), "company A recomputed: the row without activity is gone")
                self.assertEqual((metric_b.basis_amount, metric_b.margin), (10.0, 10.0), "company B untouched")
                self._sql(f"UPDATE res_company SET {column} = %s WHERE id = %s",
                          {"kam_window_months": 12, "kam_key_share": 10.0}[column], self.company_b.id)
                metric_a = Metric.create({"partner_id": self.account.id, "company_id": self.company_a.id,
                                          "basis_amount": 240.0})

    def test_recompute_isolates_a_failing_company_statement(self):
        metric_a = self.records["kam.partner.metric"]
        self._sql("UPDATE res_company SET kam_share_basis = 'bogus' WHERE id = %s", self.company_b.id)
        with self.assertLogs(PARTNER_LOG, level="ERROR") as logs:
            self.env["kam.identification"]._cron_recompute()
        output = "\n".join(logs.output)
        self.assertIn(f"metrics of res.company({self.company_b.id})", output)
        self.assertIn("KeyError", output)
        self.assertFalse(metric_a.exists(), "company A was computed")

    def test_alerts_fail_company_by_company(self):
        Identification = type(self.env["kam.identification"])
        original = Identification._raise_alerts
        company_b = self.company_b
        calls = []

        def flaky(self, companies, partner_ids=None, today=None):
            calls.append(companies.ids)
            if company_b in companies:
                raise RuntimeError("broken alert")
            return original(self, companies, partner_ids, today)

        with patch.object(Identification, "_raise_alerts", flaky), \
                self.assertLogs(PARTNER_LOG, level="WARNING") as logs:
            self.env["kam.identification"]._cron_recompute()
        output = "\n".join(logs.output)
        self.assertIn(f"alerts of res.company({company_b.id})", output)
        self.assertIn([self.company_a.id], calls, "company A raised its alerts on its own")

    def test_a_bad_alert_costs_only_itself(self):
        kam = self.users["kam_own"]
        alerts = {
            (self.account.id, "critical", self.company_a.id): {
                "res_id": self.account.id, "kam_alert_kind": "critical",
                "kam_company_id": self.company_a.id, "user_id": kam.id,
                "summary": "Good alert", "note": "",
            },
            (self.account2.id, "critical", self.company_a.id): {
                "res_id": self.account2.id, "kam_alert_kind": "critical",
                "kam_company_id": self.company_a.id, "user_id": 2_000_000_000,
                "summary": "Bad alert", "note": "",
            },
        }
        with mute_logger("odoo.sql_db"), self.assertLogs(PARTNER_LOG, level="ERROR") as logs:
            activities = self.env["kam.identification"]._create_alert_activities(alerts, fields.Date.today())
        self.assertIn(f"on res.partner({self.account2.id}) failed", "\n".join(logs.output))
        self.assertEqual(activities.mapped("summary"), ["Good alert"])

    def test_risk_refresh_skips_a_company_with_broken_settings(self):
        health_a = self.records["kam.account.health"]
        # the fixture's contact log refreshed it: start from a risk never refreshed
        self._sql("UPDATE kam_account_health SET last_refresh = NULL WHERE id = %s", health_a.id)
        self.assertFalse(health_a.last_refresh)
        self._sql("UPDATE res_company SET kam_risk_category_months = 999999999 WHERE id = %s",
                  self.company_b.id)
        with self.assertLogs(HEALTH_LOG, level="ERROR") as logs:
            self.env["kam.account.health"]._cron_refresh()
        output = "\n".join(logs.output)
        self.assertIn(f"res.company({self.company_b.id})", output)
        self.assertIn("kam_risk_category_months", output)
        self.assertTrue(health_a.last_refresh, "company A refreshed")
        self.assertFalse(self.env["kam.account.health"].search([("partner_id", "=", self.account_b.id)]))

    def test_risk_refresh_isolates_a_failing_account(self):
        Health = type(self.env["kam.account.health"])
        original = Health._kam_refresh_batch
        bad_id = self.account2.id

        def flaky(self, company, partner_ids, today):
            if bad_id in partner_ids:
                raise ValueError("broken account")
            return original(self, company, partner_ids, today)

        with patch.object(Health, "_kam_refresh_batch", flaky), \
                self.assertLogs(HEALTH_LOG, level="WARNING") as logs:
            self.env["kam.account.health"]._cron_refresh()
        output = "\n".join(logs.output)
        self.assertIn(f"res.partner({bad_id})", output)
        self.assertTrue(self.records["kam.account.health"].last_refresh, "the other account refreshed")

    def test_old_rows_beyond_the_calendar_do_not_break_contact_logging(self):
        """A user path on an account with a bad old line: the line stops, the log is kept."""
        # The user's today (the rules read it, not the server's date).
        today = fields.Date.context_today(self.plan_line)
        self._sql(
            "UPDATE kam_comm_plan_line SET interval_days = 999999999, cycle_date = %s, "
            "next_due_date = %s WHERE id = %s",
            today, today, self.plan_line.id,
        )
        self.plan_line.kind = "contact"
        with self.assertLogs("odoo.addons.kam_management.models.kam_comm_plan_line", level="WARNING"):
            log = self.env["kam.contact.log"].create({
                "partner_id": self.account.id, "company_id": self.company_a.id,
                "date": today, "channel": "phone", "outcome": "positive",
                "user_ids": [Command.set(self.users["kam_own"].ids)], "summary": "Called",
            })
        self.assertTrue(log.exists())
        self.assertEqual(self.plan_line.state, "done")


@tagged("post_install", "-at_install")
class TestTrustBoundsRpc(BoundsMixin, HttpCase):
    """NaN and infinities sent over XML-RPC and JSON-RPC: a clear error, nothing changes."""

    def _xmlrpc(self, user, model, method, *args):
        uid = self.admin.id if user == "admin" else self.users[user].id
        password = "admin" if user == "admin" else PASSWORDS[user]
        return self.xmlrpc_object.execute(self.env.cr.dbname, uid, password, model, method, *args)

    def test_non_finite_numbers_over_xmlrpc(self):
        line = self.plan_line
        cases = [
            ("kam_own", "kam.comm.plan.line", line, "lead_days", NAN),
            ("kam_own", "kam.comm.plan.line", line, "interval_days", INF),
            ("manager", "kam.comm.plan.line", line, "times", -INF),
            ("kam_own", "kam.account.plan.objective", self.records["kam.account.plan.objective"],
             "target", NAN),
            ("kam_own", "kam.dmu.member", self.records["kam.dmu.member"], "influence", INF),
            ("admin", "res.company", self.company_a, "kam_greeting_days", NAN),
            ("admin", "res.company", self.company_a, "kam_window_months", 1e20),
            # too large to be rounded to the field's digits or to the currency
            ("kam_own", "kam.competitor.presence", self.records["kam.competitor.presence"],
             "share", 1e308),
            ("admin", "res.company", self.company_a, "kam_absolute_threshold", -1e308),
        ]
        for user, model, record, fname, value in cases:
            with self.subTest(user=user, model=model, field=fname, value=value):
                before = record.read([fname])[0][fname]
                with mute_logger("odoo.http"), self.assertRaises(xmlrpc.client.Fault) as caught:
                    self._xmlrpc(user, model, "write", [record.id], {fname: value})
                self.assertIn(self._range_message(model, fname), caught.exception.faultString)
                self.assertNotIn("Traceback", caught.exception.faultString, "a user error, no crash")
                record.invalidate_recordset()
                self.assertEqual(record.read([fname])[0][fname], before)

    def test_non_finite_numbers_over_jsonrpc(self):
        self.authenticate("trust_kam_own", PASSWORDS["kam_own"])
        count = self.env["kam.comm.plan.line"].search_count([])
        vals = dict(self._vals("kam.comm.plan.line"), lead_days=NAN)
        payload = json.dumps({
            "jsonrpc": "2.0", "method": "call", "id": 1,
            "params": {"model": "kam.comm.plan.line", "method": "create", "args": [vals], "kwargs": {}},
        })
        self.assertIn("NaN", payload)
        with contextlib.ExitStack() as stack:
            stack.enter_context(mute_logger("odoo.http"))
            response = self.url_open(
                "/web/dataset/call_kw/kam.comm.plan.line/create", data=payload,
                headers={"Content-Type": "application/json"},
            )
        error = response.json()["error"]["data"]
        self.assertEqual(error["name"], "odoo.exceptions.ValidationError")
        self.assertIn(self._range_message("kam.comm.plan.line", "lead_days"), error["message"])
        self.assertEqual(self.env["kam.comm.plan.line"].search_count([]), count)
