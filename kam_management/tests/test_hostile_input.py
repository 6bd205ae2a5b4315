# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

import datetime
import io
import xmlrpc.client

import openpyxl
from psycopg2 import DataError, IntegrityError

from odoo import Command, fields
from odoo.exceptions import UserError, ValidationError
from odoo.tests import HttpCase, TransactionCase, tagged
from odoo.tools import file_open, mute_logger

from .common import TrustFixtures

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
# Text a spreadsheet would run as a formula if it were not written as a string.
FORMULAS = ('=HYPERLINK("http://evil.example","x")', "+1+1", "-2+3", "@SUM(A1:A2)")
LONG = "x" * 100_000
# The longest text an Excel cell holds.
XLSX_MAX = 32767


class HostileMixin(TrustFixtures):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_trust()
        # A person of company B, and a KAM who only works in company A.
        cls.account_b = cls.env["res.partner"].create({
            "name": "Trust Account B", "is_company": True, "company_id": cls.company_b.id,
        })
        cls.shared_account = cls.env["res.partner"].create({
            "name": "Trust Shared Account", "is_company": True, "kam_status": "key",
            "kam_user_id": cls.users["kam_own"].id,
        })

    def _snapshot(self, model, domain=None):
        return self.env[model].with_context(active_test=False).search_count(domain or [])


@tagged("post_install", "-at_install")
class TestHostileInput(HostileMixin, TransactionCase):
    """Bad and hostile input through the ORM: a clear error, and nothing changes."""

    # ------------------------------------------------------------------
    # Thresholds and cadences
    # ------------------------------------------------------------------

    def test_company_thresholds(self):
        company = self.company_a
        before = company._kam_rule_values()
        cases = [
            ({"kam_key_share": 150.0}, "key-account share threshold must be between 0 and 100"),
            ({"kam_key_share": -5.0}, "key-account share threshold must be between 0 and 100"),
            ({"kam_key_share": 30.0, "kam_critical_share": 20.0}, "Thresholds must be ordered"),
            ({"kam_portfolio_band_low": 60.0}, "Portfolio shares must be ordered"),
            ({"kam_window_months": 0}, "trailing window must be at least 1 month"),
            ({"kam_window_months": -12}, "trailing window must be at least 1 month"),
            ({"kam_vip_review_days": 0}, "VIP review interval must be at least 1 day"),
        ]
        for vals, message in cases:
            with self.subTest(vals=vals):
                with self.assertRaises(ValidationError) as caught:
                    company.write(vals)
                    self.env.flush_all()
                self.assertIn(message, str(caught.exception))
                company.invalidate_recordset()
                self.assertEqual(company._kam_rule_values(), before)

    def test_negative_cadences(self):
        PlanLine = self.env["kam.comm.plan.line"]
        TemplateLine = self.env["kam.comm.plan.template.line"]
        count = self._snapshot("kam.comm.plan.line"), self._snapshot("kam.comm.plan.template.line")
        base = self._vals("kam.comm.plan.line")
        cases = [
            (PlanLine, dict(base, interval_days=-7), "cannot be negative"),
            (PlanLine, dict(base, interval_days=0), "every N days needs N of at least 1"),
            (PlanLine, dict(base, cadence_kind="per_quarter", times=-2), "cannot be negative"),
            (PlanLine, dict(base, cadence_kind="per_quarter", interval_days=-3, times=1),
             "cannot be negative"),
            (PlanLine, dict(base, cadence_kind="per_year", times=400), "between 1 and 365"),
            (PlanLine, dict(base, lead_days=-1), "lead time cannot be negative"),
            (TemplateLine, dict(self._vals("kam.comm.plan.template.line"), times=0),
             "between 1 and 90"),
            (TemplateLine, dict(self._vals("kam.comm.plan.template.line"),
                                cadence_kind="interval", interval_days=-30),
             "cannot be negative"),
        ]
        for Model, vals, message in cases:
            with self.subTest(model=Model._name, vals=vals):
                with self.assertRaises(ValidationError) as caught:
                    Model.create(vals)
                    self.env.flush_all()
                self.assertIn(message, str(caught.exception))
        with self.assertRaises(ValidationError):
            self.plan_line.write({"interval_days": -1})
            self.env.flush_all()
        self.plan_line.invalidate_recordset()
        self.assertEqual(self.plan_line.interval_days, 30)
        self.assertEqual(
            (self._snapshot("kam.comm.plan.line"), self._snapshot("kam.comm.plan.template.line")),
            count,
        )

    # ------------------------------------------------------------------
    # Dates
    # ------------------------------------------------------------------

    def test_impossible_dates(self):
        today = datetime.date.today()
        plan_vals = dict(self._vals("kam.account.plan"), date_from=today, date_to=today - datetime.timedelta(days=1))
        cases = [
            ("kam.account.plan", plan_vals, "ends before it starts"),
            ("kam.comm.plan.line",
             dict(self._vals("kam.comm.plan.line"), start_date=today, end_date=today - datetime.timedelta(days=1)),
             "cannot end before it starts"),
            ("kam.contact.log",
             dict(self._vals("kam.contact.log"), date=today + datetime.timedelta(days=2)),
             "cannot be logged in the future"),
        ]
        for model, vals, message in cases:
            with self.subTest(model=model):
                count = self._snapshot(model)
                with self.assertRaises(ValidationError) as caught:
                    self.env[model].create(vals)
                    self.env.flush_all()
                self.assertIn(message, str(caught.exception))
                self.assertEqual(self._snapshot(model), count)
        # Dates that do not exist: PostgreSQL refuses them, nothing is stored.
        for model, vals in (
            ("kam.contact.log", dict(self._vals("kam.contact.log"), date="2025-02-30")),
            ("kam.personal.date", dict(self._vals("kam.personal.date"), date="1990-13-01")),
        ):
            with self.subTest(model=model, date=vals["date"]):
                count = self._snapshot(model)
                with mute_logger("odoo.sql_db"), self.assertRaises(DataError) as caught:
                    self.env[model].create(vals)
                    self.env.flush_all()
                self.assertIn("date/time field value out of range", str(caught.exception))
                self.assertEqual(self._snapshot(model), count)

    def test_existing_plan_keeps_its_dates(self):
        before = (self.plan.date_from, self.plan.date_to)
        with self.assertRaises(ValidationError):
            self.plan.write({"date_to": self.plan.date_from - datetime.timedelta(days=1)})
            self.env.flush_all()
        self.plan.invalidate_recordset()
        self.assertEqual((self.plan.date_from, self.plan.date_to), before)

    def test_personal_dates_and_vip(self):
        with self.assertRaises(ValidationError) as caught:
            # tomorrow for the user (the rule reads the user's today, not the server's)
            self.profile.birthday = fields.Date.context_today(self.profile) + datetime.timedelta(days=1)
            self.env.flush_all()
        self.assertIn("cannot be in the future", str(caught.exception))
        self.profile.invalidate_recordset()
        self.assertEqual(str(self.profile.birthday), "1979-04-12")
        with self.assertRaises(ValidationError) as caught:
            self.account.write({"kam_is_vip": True, "kam_vip_review_date": False})
            self.env.flush_all()
        self.assertIn("set the date of the next VIP review", str(caught.exception))
        self.account.invalidate_recordset()
        self.assertFalse(self.account.kam_is_vip)
        # A review date long gone is possible: the review is overdue at once.
        self.account.write({"kam_is_vip": True, "kam_vip_review_date": "1990-01-01"})
        self.assertTrue(self.person.kam_is_vip, "the contacts follow their account")
        activities = self.env["kam.identification"]._raise_alerts(self.company_a, [self.account.id])
        kinds = activities.filtered(lambda act: act.res_id == self.account.id).mapped("kam_alert_kind")
        self.assertIn("vip_review", kinds)

    # ------------------------------------------------------------------
    # Duplicates and out-of-range scales
    # ------------------------------------------------------------------

    def test_duplicate_dmu_member(self):
        member = self.records["kam.dmu.member"]
        count = self._snapshot("kam.dmu.member")
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
            self.env["kam.dmu.member"].create(self._vals("kam.dmu.member", existing=True))
            self.env.flush_all()
        self.assertEqual(self._snapshot("kam.dmu.member"), count)
        # The same person in another of our companies is another relationship.
        shared_person = self.env["res.partner"].create({
            "name": "Sam Shared", "parent_id": self.shared_account.id,
        })
        for company in (self.company_a, self.company_b):
            self.env["kam.dmu.member"].create({
                "partner_id": self.shared_account.id, "contact_id": shared_person.id,
                "company_id": company.id,
            })
        self.assertEqual(self._snapshot("kam.dmu.member"), count + 2)
        with self.assertRaises(ValidationError) as caught:
            member.write({"influence": 7})
            self.env.flush_all()
        self.assertIn("must be between 1 and 5", str(caught.exception))

    def test_out_of_range_figures(self):
        cases = [
            ("kam.competitor.presence", self.records["kam.competitor.presence"], {"share": 150.0},
             "must be between 0 and 100"),
            ("kam.account.plan.budget", self.records["kam.account.plan.budget"], {"amount": -10.0},
             "cannot be negative"),
            ("kam.dossier", self.records["kam.dossier"], {"employee_count": -3},
             "cannot be negative"),
            ("kam.dossier", self.records["kam.dossier"], {"annual_revenue": -1.0},
             "cannot be negative"),
        ]
        for model, record, vals, message in cases:
            with self.subTest(model=model, vals=vals):
                before = record.read(list(vals))[0]
                with self.assertRaises(ValidationError) as caught:
                    record.write(vals)
                    self.env.flush_all()
                self.assertIn(message, str(caught.exception))
                record.invalidate_recordset()
                self.assertEqual(record.read(list(vals))[0], before)

    # ------------------------------------------------------------------
    # Wrong-company references
    # ------------------------------------------------------------------

    def test_wrong_company_references(self):
        kam_a = self.users["kam_own"]  # works in company A only
        company_b = self.company_b.id
        cases = [
            ("kam.dmu.member", {"partner_id": self.account.id, "contact_id": self.person2.id,
                                "company_id": company_b}),
            ("kam.competitor.presence", {"partner_id": self.shared_account.id,
                                         "competitor_id": self.account_b.id,
                                         "company_id": self.company_a.id}),
            ("kam.dossier", {"partner_id": self.account.id, "company_id": company_b}),
            ("kam.contact.log", {"partner_id": self.account.id, "company_id": company_b,
                                 "channel": "phone"}),
            ("kam.comm.plan.line", {"name": "Call", "partner_id": self.shared_account.id,
                                    "company_id": company_b, "user_id": kam_a.id,
                                    "cadence_kind": "interval", "interval_days": 30}),
            ("kam.comm.plan.line", {"name": "Call", "partner_id": self.account.id,
                                    "company_id": company_b, "user_id": self.users["other_company"].id,
                                    "cadence_kind": "interval", "interval_days": 30}),
            ("kam.account.plan", {"partner_id": self.account.id, "company_id": company_b,
                                  "date_from": "2030-01-01", "date_to": "2030-12-31",
                                  "user_id": self.users["other_company"].id}),
            ("kam.account.plan", {"partner_id": self.shared_account.id, "company_id": company_b,
                                  "date_from": "2030-01-01", "date_to": "2030-12-31",
                                  "user_id": kam_a.id}),
            ("kam.account.health", {"partner_id": self.account.id, "company_id": company_b}),
        ]
        for model, vals in cases:
            with self.subTest(model=model, vals=vals):
                count = self._snapshot(model)
                with self.assertRaises(UserError) as caught:
                    self.env[model].create(vals)
                    self.env.flush_all()
                self.assertIn("Incompatible companies", str(caught.exception))
                self.assertEqual(self._snapshot(model), count)

    # ------------------------------------------------------------------
    # Long strings, HTML and formulas
    # ------------------------------------------------------------------

    def test_very_long_strings_are_stored(self):
        log = self.records["kam.contact.log"]
        member = self.records["kam.dmu.member"]
        log.summary = LONG
        member.contact_hours = LONG
        self.plan_line.name = LONG
        self.env.flush_all()
        self.env.invalidate_all()
        self.assertEqual(len(log.summary), 100_000)
        self.assertEqual(member.contact_hours, LONG)
        self.assertEqual(self.plan_line.name, LONG)
        book = self._dossier_workbook()
        contacts = self._column(book["Contacts"], "Summary")
        self.assertEqual(contacts, [LONG[:XLSX_MAX]], "Excel cells hold 32 767 characters at most")
        html = self._dossier_html()
        self.assertIn(LONG, html)

    def test_html_is_stored_as_text_and_shown_escaped(self):
        log = self.records["kam.contact.log"]
        log.summary = SCRIPT
        self.person.write({"name": IMG, "function": IMG})
        self.profile.hobbies = SCRIPT
        dossier = self.records["kam.dossier"]
        dossier.goals_plans = f"<p>Grow</p>{SCRIPT}{IMG}"
        review = self.records["kam.account.plan.review"]
        review.manager_comment = IMG
        self.env.flush_all()
        self.env.invalidate_all()
        # Text fields keep exactly what was typed; HTML fields are sanitised.
        self.assertEqual(log.summary, SCRIPT)
        self.assertEqual(self.profile.hobbies, SCRIPT)
        self.assertNotIn("<script", dossier.goals_plans)
        self.assertNotIn("onerror", dossier.goals_plans)
        self.assertIn("Grow", dossier.goals_plans)
        # PDF dossier: escaped.
        html = self._dossier_html()
        self.assertIn("&lt;script&gt;alert(1)&lt;/script&gt;", html)
        self.assertIn("&lt;img src=x onerror=alert(1)&gt;", html)
        self.assertNotIn(SCRIPT, html)
        self.assertNotIn(IMG, html)
        self.assertNotIn("onerror=alert(1)>", html)
        # Relationship map: plain values for the client, which escapes them (t-esc).
        data = self.env["kam.dmu.member"].get_relationship_map_data(self.account.id)
        node = next(node for node in data["members"] if node["contact_id"] == self.person.id)
        self.assertEqual((node["name"], node["function"]), (IMG, IMG))
        with file_open("kam_management/static/src/relationship_map/relationship_map.xml") as handle:
            template = handle.read()
        self.assertNotIn("t-raw", template)
        self.assertNotIn("markup", template)
        # The head of KAM's comment is posted in the plan's chatter as text.
        body = self.plan.message_ids[:1].body
        self.assertIn("&lt;img", body)
        self.assertNotIn(IMG, body)

    def test_formulas_are_written_as_text(self):
        log = self.records["kam.contact.log"]
        presence = self.records["kam.competitor.presence"]
        member = self.records["kam.dmu.member"]
        log.summary = FORMULAS[0]
        presence.write({"supplies": FORMULAS[1], "notes": FORMULAS[2]})
        member.contact_hours = FORMULAS[3]
        self.records["kam.account.plan.objective"].name = FORMULAS[0]
        book = self._dossier_workbook()
        cells = [
            self._cell(book["Contacts"], "Summary"),
            self._cell(book["Competitors"], "What They Supply"),
            self._cell(book["Competitors"], "Notes"),
            self._cell(book["DMU"], "Contact Hours"),
        ]
        plan_cells = [
            cell for cell in self._cells(book["Plan"], "Objective / Purpose / Review")
            if cell.value == FORMULAS[0]
        ]
        self.assertEqual(len(plan_cells), 1)
        for cell, value in zip([*cells, plan_cells[0]], [*FORMULAS, FORMULAS[0]], strict=True):
            with self.subTest(value=value):
                self.assertEqual(cell.data_type, "s")
                self.assertEqual(cell.value, value)
        # The portfolio workbook writes account names the same way.
        self.account.name = FORMULAS[3]
        content = self.env["kam.export"]._kam_build_portfolio_workbook(
            [("company_id", "=", self.company_a.id), ("partner_id", "=", self.account.id)],
        )
        sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
        cell = self._cell(sheet, "Account")
        self.assertEqual((cell.data_type, cell.value), ("s", FORMULAS[3]))

    # ------------------------------------------------------------------

    def _dossier_workbook(self):
        content = self.env["kam.export"].with_company(self.company_a)._kam_build_dossier_workbook(
            self.account,
        )
        return openpyxl.load_workbook(io.BytesIO(content))

    def _dossier_html(self):
        return self.env["ir.actions.report"].with_user(self.users["kam_own"])._render_qweb_html(
            "kam_management.action_report_kam_dossier", self.account.ids,
        )[0].decode()

    @staticmethod
    def _cells(sheet, header):
        headers = [cell.value for cell in sheet[1]]
        index = headers.index(header)
        return [row[index] for row in sheet.iter_rows(min_row=2)]

    def _column(self, sheet, header):
        return [cell.value for cell in self._cells(sheet, header)]

    def _cell(self, sheet, header):
        cells = self._cells(sheet, header)
        self.assertEqual(len(cells), 1, f"one row expected under {header}")
        return cells[0]


@tagged("post_install", "-at_install")
class TestHostileInputRpc(HostileMixin, HttpCase):
    """The same bad input over XML-RPC: the same clear error, nothing changes."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # The head of KAM works in both companies, so the company rules let the
        # wrong-company references reach the company checks.
        cls.users["manager"].company_ids = [Command.set((cls.company_a | cls.company_b).ids)]

    def _execute(self, model, method, *args):
        """As the head of KAM; the company settings as the administrator."""
        if model == "res.company":
            uid, password = self.env.ref("base.user_admin").id, "admin"
        else:
            uid, password = self.users["manager"].id, "trust_manager_pw_1"
        return self.xmlrpc_object.execute(self.env.cr.dbname, uid, password, model, method, *args)

    def _assert_refused(self, model, method, args, message, count_model=None):
        count_model = count_model or model
        count = self._snapshot(count_model)
        with mute_logger("odoo.http", "odoo.sql_db"), self.assertRaises(xmlrpc.client.Fault) as caught:
            self._execute(model, method, *args)
        self.assertIn(message, caught.exception.faultString)
        self.env.invalidate_all()
        self.assertEqual(self._snapshot(count_model), count)
        return caught.exception

    def test_bad_input_over_xmlrpc(self):
        today = datetime.date.today()
        company = self.company_a
        for vals, message in (
            ({"kam_key_share": 150.0}, "must be between 0 and 100"),
            ({"kam_key_share": -5.0}, "must be between 0 and 100"),
            ({"kam_critical_share": 5.0}, "Thresholds must be ordered"),
            ({"kam_window_months": 0}, "at least 1 month"),
        ):
            with self.subTest(vals=vals):
                self._assert_refused("res.company", "write", ([company.id], vals), message)
                company.invalidate_recordset()
                self.assertEqual((company.kam_key_share, company.kam_critical_share,
                                  company.kam_window_months), (10.0, 20.0, 12))
        line = {
            "name": "RPC call", "partner_id": self.account.id, "company_id": company.id,
            "user_id": self.users["kam_own"].id, "cadence_kind": "interval",
        }
        plan = {"partner_id": self.account.id, "company_id": company.id}
        for model, vals, message in (
            ("kam.comm.plan.line", dict(line, interval_days=-7), "cannot be negative"),
            ("kam.comm.plan.line", dict(line, cadence_kind="per_quarter", times=-1),
             "cannot be negative"),
            ("kam.account.plan", dict(plan, date_from=str(today), date_to=str(today.replace(year=today.year - 1))),
             "ends before it starts"),
            ("kam.contact.log", {"partner_id": self.account.id, "date": "2099-01-01"},
             "cannot be logged in the future"),
            ("kam.contact.log", {"partner_id": self.account.id, "date": "2025-02-30"},
             "date/time field value out of range"),
            ("kam.dmu.member", {"partner_id": self.account.id, "contact_id": self.person.id,
                                "company_id": company.id},
             "already a DMU member of this key account"),
            ("kam.dmu.member", {"partner_id": self.account.id, "contact_id": self.person2.id,
                                "company_id": company.id, "influence": 9},
             "must be between 1 and 5"),
            ("kam.dmu.member", {"partner_id": self.account.id, "contact_id": self.person2.id,
                                "company_id": self.company_b.id},
             "Incompatible companies"),
            ("kam.contact.log", {"partner_id": self.account.id, "company_id": self.company_b.id},
             "Incompatible companies"),
            # The date of a decision is the day it is recorded, not an input.
            ("kam.account.health", {"partner_id": self.account2.id, "decision": "terminate",
                                    "decision_date": "2025-01-31"},
             "cannot be set by hand"),
        ):
            with self.subTest(model=model, vals=vals):
                self._assert_refused(model, "create", (vals,), message)

        # A KAM cannot set the risk signals of their own account by hand.
        health = self.records["kam.account.health"]
        kam = self.users["kam_own"]
        with mute_logger("odoo.http"), self.assertRaises(xmlrpc.client.Fault) as caught:
            self.xmlrpc_object.execute(
                self.env.cr.dbname, kam.id, "trust_kam_a_pw_1", "kam.account.health", "write",
                [health.id], {"risk_score": 0, "risk_level": "low"},
            )
        self.assertIn("cannot be set by hand", caught.exception.faultString)
        self.assertIn("Risk Score", caught.exception.faultString)
        health.invalidate_recordset()
        self.assertEqual((health.risk_score, health.risk_level), (42, "medium"))

    def test_text_is_stored_as_sent_over_xmlrpc(self):
        for text in (LONG, SCRIPT, IMG, *FORMULAS):
            with self.subTest(text=text[:30]):
                log_id = self._execute("kam.contact.log", "create", {
                    "partner_id": self.account.id, "company_id": self.company_a.id,
                    "summary": text,
                })
                [values] = self._execute("kam.contact.log", "read", [log_id], ["summary"])
                self.assertEqual(values["summary"], text)
