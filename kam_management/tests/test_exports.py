# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

import base64
import io
import shutil
import subprocess
import unittest

import openpyxl
from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import tagged

from ..rules import risk
from .common import KamAnalyticsCase, d

DOSSIER_SHEETS = [
    "Summary", "Business", "DMU", "Plan", "Contacts", "Competitors", "Metrics", "Group", "Feedback",
    "Referrals",
]


def load(content):
    return openpyxl.load_workbook(io.BytesIO(content))


def column(sheet, header):
    """Values under ``header`` (first row), as a list."""
    headers = [cell.value for cell in sheet[1]]
    index = headers.index(header)
    return [row[index] for row in sheet.iter_rows(min_row=2, values_only=True)]


@tagged("post_install", "-at_install")
@freeze_time("2025-06-30")
class TestKamExports(KamAnalyticsCase):
    """Dossier and portfolio workbooks, the PDF dossier and who may export what."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for day, amount in (("2025-03-01", 12000), ("2025-04-01", 9500), ("2025-05-01", 7000)):
            cls._order(cls.risky, d(day), amount)
        cls._order(cls.steady, d("2025-05-15"), 30000)
        cls._order(cls.foreign, d("2025-05-20"), 20000)
        cls.injected = cls.env["res.partner"].create({
            "name": "=cmd|' /C calc'!A0", "is_company": True, "kam_status": "key",
            "kam_user_id": cls.kam.id,
        })
        cls._order(cls.injected, d("2025-05-20"), 100)
        cls.env["kam.identification"]._recompute(companies=cls.company)
        cls.plan = cls.env["kam.account.plan"].create({
            "partner_id": cls.risky.id, "date_from": d("2025-01-01"), "date_to": d("2025-12-31"),
            "objective_ids": [Command.create({"name": "Grow the margin", "target": 200000,
                                              "actual": 50000, "unit": "EUR"})],
            "budget_line_ids": [Command.create({"name": "Loyalty programme", "amount": 4000})],
        })
        cls.contact = cls.env["res.partner"].create({
            "name": "Carla CFO", "parent_id": cls.risky.id, "function": "CFO",
        })
        cls.env["kam.dmu.member"].create({
            "partner_id": cls.risky.id, "contact_id": cls.contact.id, "influence": 5,
            "involvement": 4, "attitude": "neutral",
        })
        competitor = cls.env["res.partner"].create({"name": "Rival Furniture", "is_company": True})
        cls.env["kam.competitor.presence"].create({
            "partner_id": cls.risky.id, "competitor_id": competitor.id, "supplies": "Chairs",
            "share": 30, "situation": "push_out", "date": d("2025-06-01"),
        })
        cls.env["kam.contact.log"].create({
            "partner_id": cls.risky.id, "date": d("2025-06-10"), "outcome": "negative",
            "channel": "phone", "summary": "<script>alert('x')</script> complained about prices",
        })
        (cls.risky | cls.steady | cls.foreign | cls.injected)._kam_refresh_health(cls.company)

    # ------------------------------------------------------------------
    # Dossier workbook
    # ------------------------------------------------------------------

    def test_dossier_workbook(self):
        Export = self.env["kam.export"].with_user(self.kam)
        book = load(Export._kam_build_dossier_workbook(self.risky | self.steady))
        self.assertEqual(book.sheetnames, DOSSIER_SHEETS)
        summary = book["Summary"]
        self.assertEqual(summary["A1"].value, "Account")
        self.assertEqual(summary.freeze_panes, "A2")
        self.assertEqual(column(summary, "Account"), ["Risky Retail Ltd", "Steady Stores Ltd"])
        self.assertEqual(column(summary, "Key Account Manager"), ["Kira KAM", "Kira KAM"])
        # a percentage, as in the forms and the PDF: the cell holds the fraction, shown as %
        self.assertAlmostEqual(column(summary, "Risk Score")[0], self._expected_risk_score() / 100)
        self.assertIn("%", summary.cell(row=2, column=[c.value for c in summary[1]].index("Risk Score") + 1).number_format)
        self.assertIn("Order amounts shrank", column(summary, "Risk Reasons")[0])
        dmu = book["DMU"]
        self.assertEqual(column(dmu, "Person"), ["Carla CFO"])
        self.assertEqual(column(dmu, "Influence"), [5])
        plan = book["Plan"]
        self.assertEqual(column(plan, "Objective / Purpose / Review"),
                         ["Grow the margin", "Loyalty programme"])
        self.assertEqual(column(plan, "Target")[0], 200000)
        self.assertAlmostEqual(column(plan, "Progress")[0], 0.25)
        self.assertEqual(column(plan, "Budget")[1], 4000)
        self.assertEqual(column(book["Competitors"], "Situation"), ["Invited to Push Us Out"])
        self.assertEqual(column(book["Contacts"], "Outcome"), ["Negative"])
        metrics = book["Metrics"]
        self.assertEqual(column(metrics, "Orders"), [3, 1])
        self.assertEqual(column(metrics, "Invoiced Revenue")[0], 0)

    def _expected_risk_score(self):
        """The risk score of Risky Retail from the rules, on the history the
        fixture built: three shrinking orders, one negative contact on
        2025-06-10, no positive contact, no invoice, one product category."""
        company, today = self.company, d("2025-06-30")
        orders = [(d("2025-03-01"), 12000), (d("2025-04-01"), 9500), (d("2025-05-01"), 7000)]
        negative = 1 if (today - d("2025-06-10")).days <= company.kam_risk_negative_days else 0
        signals = {
            risk.SHRINKING_AMOUNTS: risk.shrinking_amounts(
                [amount for _day, amount in orders], orders=company.kam_risk_orders),
            risk.INTERVAL_GROWTH: risk.interval_growth(
                [day for day, _amount in orders], today, factor=company.kam_risk_interval_factor),
            risk.NO_POSITIVE_CONTACT: company.kam_positive_gap_enabled and risk.no_positive_contact(
                None, today, company.kam_positive_gap_days),
            risk.NEGATIVE_CONTACTS: risk.negative_contacts(negative, company.kam_risk_negative_days),
        }
        fired = [code for code, values in signals.items() if values]
        self.assertIn(risk.SHRINKING_AMOUNTS, fired)
        return risk.risk_score(fired)

    def test_dossier_text_never_becomes_a_formula(self):
        book = load(self.env["kam.export"].with_user(self.kam)._kam_build_dossier_workbook(
            self.injected,
        ))
        cell = book["Summary"]["A2"]
        self.assertEqual(cell.value, "=cmd|' /C calc'!A0")
        self.assertEqual(cell.data_type, "s")

    # ------------------------------------------------------------------
    # Portfolio workbook
    # ------------------------------------------------------------------

    def test_portfolio_workbook(self):
        domain = [("company_id", "=", self.company.id), ("is_key", "=", True)]
        book = load(self.env["kam.export"].with_user(self.head)._kam_build_portfolio_workbook(domain))
        self.assertEqual(book.sheetnames, ["Portfolio", "Pareto"])
        sheet = book["Portfolio"]
        self.assertEqual(
            [cell.value for cell in sheet[1]][:6],
            ["Rank", "Account", "Key Account Manager", "Status", "Invoiced Revenue",
             "Ordered Revenue"],
        )
        self.assertEqual(sheet.freeze_panes, "A2")
        self.assertEqual(sheet.auto_filter.ref, f"A1:T{sheet.max_row}")
        accounts = column(sheet, "Account")
        self.assertTrue({"Risky Retail Ltd", "Steady Stores Ltd", "Other KAM Account Ltd"}
                        <= set(accounts))
        row = accounts.index("Steady Stores Ltd") + 2
        metric = self.env["kam.partner.metric"].search([("partner_id", "=", self.steady.id)])
        self.assertEqual(sheet.cell(row, 1).value, metric.pareto_rank)
        self.assertEqual(sheet.cell(row, 6).value, 30000)
        self.assertEqual(sheet.cell(row, 6).number_format, "#,##0.00")
        self.assertAlmostEqual(sheet.cell(row, 9).value, metric.share / 100)
        self.assertEqual(sheet.cell(row, 9).number_format, "0.0%")
        ranks = [rank for rank in column(sheet, "Rank") if rank]
        self.assertEqual(ranks, sorted(ranks), "rows in Pareto order")
        pareto = book["Pareto"]
        self.assertIn("key accounts bring", pareto["A1"].value)
        self.assertEqual(len(pareto._charts), 1)

    def test_kam_exports_only_accounts_they_may_read(self):
        Export = self.env["kam.export"].with_user(self.kam)
        with self.assertRaises(AccessError):
            Export._kam_build_dossier_workbook(self.risky | self.foreign)
        book = load(Export._kam_build_portfolio_workbook([("company_id", "=", self.company.id)]))
        accounts = set(column(book["Portfolio"], "Account"))
        self.assertIn("Risky Retail Ltd", accounts)
        self.assertNotIn("Other KAM Account Ltd", accounts)
        wizard = self.env["kam.export.wizard"].with_user(self.kam).create({
            "export_type": "portfolio", "partner_ids": [Command.set(self.foreign.ids)],
        })
        with self.assertRaises(AccessError):
            wizard.action_export()
        with self.assertRaises(AccessError):
            self.env["kam.export.wizard"].with_user(self.salesman).create({"export_type": "dossier"})

    def test_wizard_from_the_action_menu(self):
        server_action = self.env.ref("kam_management.action_server_partner_export_dossier")
        self.assertEqual(server_action.binding_model_id.model, "res.partner")
        action = server_action.with_user(self.kam).with_context(
            active_model="res.partner", active_ids=self.risky.ids, active_id=self.risky.id,
        ).run()
        self.assertEqual(action["res_model"], "kam.export.wizard")
        wizard = self.env["kam.export.wizard"].with_user(self.kam).with_context(
            **action["context"]
        ).create({})
        self.assertEqual(wizard.partner_ids, self.risky)
        wizard.action_export()
        self.assertEqual(wizard.state, "done")
        self.assertTrue(wizard.filename.endswith(".xlsx"))
        book = load(base64.b64decode(wizard.file))
        self.assertEqual(book.sheetnames, DOSSIER_SHEETS)

    def test_portfolio_export_from_the_dashboard(self):
        rows = self.env["kam.portfolio.report"].with_user(self.kam).search(
            [("partner_id", "=", self.risky.id)]
        )
        self.assertEqual(len(rows), 1)
        action = rows.action_export_portfolio()
        wizard = self.env["kam.export.wizard"].with_user(self.kam).with_context(
            **action["context"]
        ).create({})
        self.assertEqual(wizard.export_type, "portfolio")
        wizard.action_export()
        self.assertEqual(
            column(load(base64.b64decode(wizard.file))["Portfolio"], "Account"),
            ["Risky Retail Ltd"],
        )

    # ------------------------------------------------------------------
    # PDF dossier
    # ------------------------------------------------------------------

    def test_pdf_dossier_html(self):
        html = self.env["ir.actions.report"].with_user(self.kam)._render_qweb_html(
            "kam_management.action_report_kam_dossier", self.risky.ids,
        )[0].decode()
        self.assertIn("Key Account Dossier", html)
        self.assertIn("Risky Retail Ltd", html)
        self.assertIn("Carla CFO", html)
        self.assertIn("Grow the margin", html)
        self.assertIn("Order amounts shrank over the last 3 orders", html)
        self.assertIn("Rival Furniture", html)
        self.assertIn("&lt;script&gt;", html)
        self.assertNotIn("<script>alert", html)

    def test_pdf_dossier_access(self):
        with self.assertRaises(AccessError):
            self.env["ir.actions.report"].with_user(self.kam)._render_qweb_html(
                "kam_management.action_report_kam_dossier", self.foreign.ids,
            )

    def test_pdf_dossier_pdf(self):
        """The dossier renders as a real PDF (wkhtmltopdf) whose text reads back (pdftotext)."""
        if self.env["ir.actions.report"].get_wkhtmltopdf_state() != "ok":
            raise unittest.SkipTest("wkhtmltopdf is not installed (Debian package wkhtmltopdf, "
                                    "installed by make test)")
        pdftotext = shutil.which("pdftotext")
        if not pdftotext:
            raise unittest.SkipTest("pdftotext is not installed (Debian package poppler-utils, "
                                    "installed by make test)")
        # Odoo renders HTML instead of a PDF under tests unless asked explicitly.
        pdf, report_type = self.env["ir.actions.report"].with_user(self.kam).with_context(
            force_report_rendering=True,
        )._render_qweb_pdf("kam_management.action_report_kam_dossier", self.risky.ids)
        self.assertEqual(report_type, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF"))
        text = " ".join(subprocess.run(
            [pdftotext, "-", "-"], input=pdf, capture_output=True, check=True, timeout=120,
        ).stdout.decode().split())
        for expected in ("Key Account Dossier", "Risky Retail Ltd", "Carla CFO", "Grow the margin",
                         "Order amounts shrank over the last 3 orders", "Rival Furniture"):
            self.assertIn(expected, text)

    # ------------------------------------------------------------------
    # Dashboard
    # ------------------------------------------------------------------

    def test_dashboard_rows_and_summary(self):
        Report = self.env["kam.portfolio.report"]
        rows = Report.search([("company_id", "=", self.company.id), ("is_key", "=", True)])
        row = rows.filtered(lambda r: r.partner_id == self.risky)
        metric = self.env["kam.partner.metric"].search([("partner_id", "=", self.risky.id)])
        self.assertEqual(row.ordered_revenue, metric.ordered_revenue)
        self.assertEqual(row.share, metric.share)
        self.assertEqual(row.risk_score, self._health(self.risky).risk_score)
        self.assertEqual(row.kam_user_id, self.kam)
        self.assertEqual(
            set(Report.with_user(self.kam).search([]).partner_id),
            {self.risky, self.steady, self.injected},
        )
        summary = self.env["kam.portfolio.summary"].search([("company_id", "=", self.company.id)])
        self.assertAlmostEqual(summary.key_share, sum(rows.mapped("share")), places=2)
        self.assertEqual(summary.key_count, len(rows))
        self.company.write({"kam_portfolio_band_low": 0, "kam_portfolio_band_high": 0.001,
                            "kam_portfolio_mono_share": 0.002})
        summary.invalidate_recordset()
        self.assertEqual(summary.band_status, "mono")
        # per-KAM load: key accounts' share grouped by KAM
        load = dict(Report._read_group(
            [("is_key", "=", True), ("company_id", "=", self.company.id)],
            ["kam_user_id"], ["share:sum"],
        ))
        self.assertAlmostEqual(
            load[self.kam], sum(rows.filtered(lambda r: r.kam_user_id == self.kam).mapped("share")),
        )
