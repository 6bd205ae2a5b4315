# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

import os
import re

import polib
from freezegun import freeze_time
from lxml import etree

from odoo import Command
from odoo.tests import tagged

from .common import D, KamCommCase, ViewReader

RISK_FIELDS = ("risk_score", "kam_risk_score")


@tagged("post_install", "-at_install")
class TestUnitsAndFormats(ViewReader, KamCommCase):
    """Every figure with its unit, in one format: forms, lists, PDF, generated texts."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.currency = cls.company.currency_id
        cls.health = cls.env["kam.account.health"].create({
            "partner_id": cls.account.id, "company_id": cls.company.id,
        })
        cls.health.sudo().write({"risk_score": 40, "risk_level": "medium"})
        cls.plan = cls.env["kam.account.plan"].create({
            "partner_id": cls.account.id, "date_from": D(2025, 1, 1), "date_to": D(2025, 12, 31),
            "objective_ids": [
                Command.create({"name": "Yearly margin", "measure": "amount", "target": 60000, "actual": 42000}),
                Command.create({"name": "Showrooms", "target": 2, "actual": 1, "unit": "showrooms"}),
            ],
        })

    def kam_views(self, *types):
        views = self.env["ir.ui.view"].search([("type", "in", types), ("model", "like", "%")])
        xmlids = views.get_external_id()
        return views.filtered(lambda view: xmlids[view.id].startswith("kam_management."))

    def dossier_html(self):
        return self.env["ir.actions.report"].with_user(self.kam)._render_qweb_html(
            "kam_management.action_report_kam_dossier", self.account.ids,
        )[0].decode()

    def text(self, html):
        """The text a reader sees: no tags, single spaces."""
        return " ".join(re.sub(r"<[^>]+>", " ", html).replace("\xa0", " ").split())

    # ------------------------------------------------------------------
    # Risk: a percentage, everywhere
    # ------------------------------------------------------------------

    def test_risk_is_a_percentage_in_every_view(self):
        checked = 0
        for view in self.kam_views("list", "form"):
            arch = etree.fromstring(view.arch_db.encode())
            for node in arch.xpath("//field[@name='risk_score' or @name='kam_risk_score']"):
                if node.get("invisible") == "1" or node.getparent().tag == "search":
                    continue
                checked += 1
                with self.subTest(view=view.xml_id):
                    parent_text = "".join(node.getparent().itertext())
                    self.assertTrue(
                        node.get("widget") == "progressbar" or "%" in parent_text,
                        f"{view.xml_id}: risk shown without its % ({etree.tostring(node).decode()})",
                    )
        self.assertGreaterEqual(checked, 5, "health list and form, portfolio, dossier, partner button")
        self.assertEqual(self.env["kam.dossier"]._fields["risk_score"].type, "integer", "no 15.0")

    def test_pdf_risk_and_money(self):
        html = self.dossier_html()
        text = self.text(html)
        self.assertIn("Risk score: 40 %", text)
        self.assertNotIn("/ 100", text)
        margin, showrooms = self.plan.objective_ids.sorted("sequence")
        self.assertIn(margin._kam_format_figure(60000), html)
        self.assertIn(self.currency.symbol, margin._kam_format_figure(60000))
        self.assertNotIn("60000.0", html)
        self.assertIn("Showrooms 2 showrooms 1 showrooms 50 %", text)
        self.assertNotIn("2025-01-01", text, "the plan's period in the reader's date format")

    def test_amounts_are_in_the_company_currency(self):
        margin, showrooms = self.plan.objective_ids.sorted("sequence")
        self.assertEqual(margin.unit, self.currency.name)
        self.assertEqual(showrooms.unit, "showrooms")
        showrooms.measure = "amount"
        self.assertEqual(showrooms.unit, self.currency.name)

    # ------------------------------------------------------------------
    # Dates of generated texts: the reader's format
    # ------------------------------------------------------------------

    def test_generated_texts_use_the_readers_date_format(self):
        self.env["res.lang"]._activate_lang("ru_RU")
        date_format = self.env["res.lang"]._lang_get("ru_RU").date_format
        self.kam.lang = "ru_RU"
        self.log(D(2025, 3, 1))
        with freeze_time("2025-03-12 12:00:00"):
            self.run_batch(D(2025, 3, 12))
        gap = self.occurrences(rule="gap")
        self.assertIn(D(2025, 3, 1).strftime(date_format), gap.summary, "the KAM's (Russian) format")
        self.assertNotIn("2025-03-01", gap.summary)
        line = self.line(start_date=D(2025, 3, 1))
        with freeze_time("2025-03-12 12:00:00"):
            line.with_user(self.kam).with_context(lang="ru_RU")._kam_snooze(D(2025, 3, 25), "Holidays")
        body = line.message_ids[:1].body
        self.assertIn(D(2025, 3, 25).strftime(date_format), body)
        self.assertNotIn("2025-03-25", body)

    # ------------------------------------------------------------------
    # Units and labels in the views
    # ------------------------------------------------------------------

    def test_order_interval_says_days(self):
        for model, name in (("kam.partner.metric", "avg_order_interval"), ("kam.dossier", "metric_avg_order_interval")):
            with self.subTest(model=model):
                form = self._view(model, self.env.user)
                node = form.xpath(f"//field[@name='{name}']")[0]
                self.assertIn("days", "".join(node.getparent().itertext()))

    def test_cadence_in_words(self):
        cases = [
            ({"cadence_kind": "interval", "interval_days": 10}, "every 10 days"),
            ({"cadence_kind": "interval", "interval_days": 1}, "every day"),
            ({"cadence_kind": "per_quarter", "times": 2}, "2 times a quarter"),
            ({"cadence_kind": "per_year", "times": 1}, "once a year"),
            ({"cadence_kind": "yearly_dates", "yearly_dates": "01-01, 03-08"}, "every year on 01-01, 03-08"),
            ({"cadence_kind": "once"}, "once"),
        ]
        for vals, words in cases:
            with self.subTest(words=words):
                self.assertEqual(self.line(**vals).cadence_display, words)
        plan_list = self._view("kam.comm.plan.line", self.env.user, "list")
        shown = plan_list.xpath("//field[@name='cadence_display']")
        self.assertTrue(shown and shown[0].get("optional") != "hide")

    def test_pipeline_card_labels_and_closed_deals(self):
        kanban = self._view("crm.lead", self.kam, "kanban")
        badge = kanban.xpath("//span[@name='kam_dmu_coverage_badge']")[0]
        self.assertIn("DMU", "".join(badge.itertext()))
        compliance = kanban.xpath("//field[@name='kam_compliance_rate']")[0].getparent()
        self.assertIn("Plan compliance", "".join(compliance.itertext()))
        Lead = self.env["crm.lead"].with_user(self.kam)
        open_deal = Lead.create({"name": "Open deal", "type": "opportunity", "partner_id": self.account.id})
        won_deal = Lead.create({"name": "Won deal", "type": "opportunity", "partner_id": self.account.id})
        won_deal.action_set_won()
        self.assertTrue(won_deal.kam_dmu_missing_decision_maker, "the deal has no decision maker")
        self.assertTrue(self._shown(badge, open_deal))
        self.assertFalse(self._shown(badge, won_deal), "no DMU warning on a won deal")
        form = self._view("crm.lead", self.kam)
        warning = form.xpath("//div[@name='kam_dmu_no_decision_maker']")[0]
        self.assertTrue(self._shown(warning, open_deal))
        self.assertFalse(self._shown(warning, won_deal))

    def test_badges_and_labels_do_not_truncate(self):
        for view in self.kam_views("list"):
            arch = etree.fromstring(view.arch_db.encode())
            for node in arch.xpath("//field[@name='attitude'][@widget='badge']"):
                with self.subTest(view=view.xml_id):
                    self.assertGreaterEqual(int(node.get("width", "0px").removesuffix("px")), 110)
        promote = self._view("kam.promote.wizard", self.env.user)
        reason = promote.xpath("//field[@name='reason']")[0]
        self.assertEqual(reason.getparent().tag, "group", "the reason gets its label in a group")

    def test_russian_kind_is_a_kind(self):
        po_path = os.path.join(os.path.dirname(os.path.dirname(__file__)), "i18n", "ru.po")
        entry = polib.pofile(po_path).find("Kind")
        self.assertEqual(entry.msgstr, "Вид", "a kind of contact, check or budget line, not an article")
