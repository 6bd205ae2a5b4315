# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""The texts the jobs write for a person are in that person's language.

Reminders of the communication plan (rule hits and plan lines), greetings,
quotation follow-ups and key-account alerts are written in the language of
their assignee, with dates in that language's format; the names of plan lines
made from a template or for a tender step exist in every language, each reader
sees them in theirs. The expected texts come from the addon's ru.po.
"""

import datetime
import os

import polib
from freezegun import freeze_time
from lxml import etree

from odoo import Command, fields
from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, new_test_user, tagged
from odoo.tools import html2plaintext
from odoo.tools.safe_eval import safe_eval

from .common import D, KamCommCase

RU_PO = os.path.join(os.path.dirname(os.path.dirname(__file__)), "i18n", "ru.po")


class RussianReaderMixin:
    """Russian activated with the addon's translations, and the ru.po to read expectations from."""

    @classmethod
    def setup_russian(cls):
        cls.env["res.lang"]._activate_lang("ru_RU")
        cls.env["ir.module.module"]._load_module_terms(["kam_management"], ["ru_RU"], overwrite=True)
        cls.po = polib.pofile(RU_PO)
        cls.ru_date_format = cls.env["res.lang"]._lang_get("ru_RU").date_format

    def ru(self, msgid, **values):
        """The ru.po translation of ``msgid``, filled like ``env._`` fills it."""
        entry = self.po.find(msgid)
        self.assertTrue(entry and entry.msgstr, f"ru.po translates {msgid!r}")
        return entry.msgstr % values if values else entry.msgstr

    def ru_date(self, day):
        return day.strftime(self.ru_date_format)


@tagged("post_install", "-at_install")
class TestReminderLanguage(RussianReaderMixin, KamCommCase):
    """Reminders and plan-line names: the assignee's (or the reader's) language."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_russian()
        cls.kam_ru = new_test_user(
            cls.env, login="h8_kam_ru", name="Roman KAM", lang="ru_RU",
            groups="kam_management.group_kam_user",
        )
        cls.account_ru = cls.env["res.partner"].create({
            "name": "Ural Key JSC", "is_company": True, "kam_status": "key",
            "kam_user_id": cls.kam_ru.id, "kam_key_since": D(2024, 1, 1), "user_id": cls.kam_ru.id,
        })
        cls.person_ru = cls.env["res.partner"].create({"name": "Olga Buyer", "parent_id": cls.account_ru.id})
        cls.both = cls.account | cls.account_ru

    def activity(self, occurrence):
        self.assertTrue(occurrence.activity_id, "the occurrence has its reminder")
        return occurrence.activity_id

    # ------------------------------------------------------------------
    # Rule reminders
    # ------------------------------------------------------------------

    def test_gap_reminders_in_each_kams_language(self):
        with freeze_time("2025-03-12 12:00:00"):
            self.run_batch(D(2025, 3, 12), self.both)
        english = self.occurrences(self.account, rule="gap")
        russian = self.occurrences(self.account_ru, rule="gap")
        self.assertEqual(self.activity(english).summary, "No positive contact logged yet")
        self.assertEqual(russian.summary, self.ru("No positive contact logged yet"))
        self.assertEqual(self.activity(russian).summary, self.ru("No positive contact logged yet"))
        self.assertEqual(self.activity(russian).user_id, self.kam_ru)

    def test_gap_reminder_quotes_the_date_in_the_kams_format(self):
        self.log(D(2025, 3, 1), partner=self.account_ru, users=self.kam_ru)
        with freeze_time("2025-03-12 12:00:00"):
            self.run_batch(D(2025, 3, 12), self.account_ru)
        gap = self.occurrences(self.account_ru, rule="gap")
        expected = self.ru("No positive contact since %(date)s", date=self.ru_date(D(2025, 3, 1)))
        self.assertEqual(self.activity(gap).summary, expected)
        self.assertNotIn("2025-03-01", expected)

    def test_greetings_in_the_kams_language(self):
        self.env["kam.dmu.member"].create({
            "partner_id": self.account_ru.id, "contact_id": self.person_ru.id,
            "kam_birthday": D(1980, 3, 8),
            "kam_personal_date_ids": [Command.create({"name": "Name day", "date": D(1990, 3, 10), "yearly": True})],
        })
        with freeze_time("2025-03-05 12:00:00"):
            self.run_batch(D(2025, 3, 5), self.account_ru)
        greetings = self.occurrences(self.account_ru, rule="birthday")
        self.assertEqual(len(greetings), 2)
        birthday, name_day = greetings.sorted("due_date")
        self.assertEqual(birthday.activity_id.res_model, "kam.dmu.member")
        self.assertEqual(birthday.activity_id.summary, self.ru(
            "Birthday of %(name)s on %(date)s", name="Olga Buyer", date=self.ru_date(D(2025, 3, 8)),
        ))
        self.assertEqual(name_day.activity_id.summary, self.ru(
            "%(occasion)s of %(name)s on %(date)s",
            occasion="Name day", name="Olga Buyer", date=self.ru_date(D(2025, 3, 10)),
        ))

    def test_quotation_follow_up_in_the_salespersons_language(self):
        with freeze_time("2025-03-05 12:00:00"):  # a Wednesday
            order = self.env["sale.order"].create({
                "partner_id": self.person_ru.id, "user_id": self.kam_ru.id,
                "validity_date": D(2025, 4, 30),
            })
            order.action_quotation_sent()
        activity = self.env["mail.activity"].search([
            ("res_model", "=", "sale.order"), ("res_id", "=", order.id),
            ("activity_type_id", "=", self.env.ref("kam_management.kam_activity_type_followup").id),
        ])
        self.assertEqual(activity.user_id, self.kam_ru)
        self.assertEqual(activity.summary, self.ru("Follow up quotation %(name)s", name=order.name))
        # The activity type's checklist, a translated text of the addon's data.
        self.assertIn(self.ru("Confirm the client received the quotation."), activity.note)
        self.assertNotIn("Confirm the client received", activity.note)

    # ------------------------------------------------------------------
    # Plan lines from a template
    # ------------------------------------------------------------------

    def test_template_lines_are_named_in_every_language(self):
        template = self.env.ref("kam_management.kam_comm_template_key")
        source = "Positive contact with the account"
        with freeze_time("2025-01-10 12:00:00"):
            # Applied by a Russian-speaking user: the English reader still reads English.
            lines = template.with_context(lang="ru_RU")._kam_apply(self.both)
        self.assertEqual(len(lines), 2)
        for line in lines:
            self.assertEqual(line.with_context(lang="en_US").name, source)
            self.assertEqual(line.with_context(lang="ru_RU").name, self.ru(source))
        english = lines.filtered(lambda line: line.partner_id == self.account)
        due = english.next_due_date
        with freeze_time(f"{due} 12:00:00"):
            self.run_batch(due, self.both)
        # Each reminder in its assignee's language.
        plan_en = self.occurrences(self.account, rule="plan", state="open")
        plan_ru = self.occurrences(self.account_ru, rule="plan", state="open")
        self.assertEqual(self.activity(plan_en).summary, source)
        self.assertEqual(plan_ru.summary, self.ru(source))
        self.assertEqual(self.activity(plan_ru).summary, self.ru(source))
        # Handed over to the Russian KAM: the open reminder is rewritten for them.
        english.user_id = self.kam_ru
        self.assertEqual(plan_en.activity_id.user_id, self.kam_ru)
        self.assertEqual(plan_en.activity_id.summary, self.ru(source))
        self.assertEqual(plan_en.summary, self.ru(source))

    def test_a_name_typed_by_a_user_is_everybodys(self):
        template = self.env.ref("kam_management.kam_comm_template_key")
        line = template._kam_apply(self.account_ru)
        self.assertNotEqual(line.with_context(lang="ru_RU").name, line.with_context(lang="en_US").name)
        line.with_user(self.kam_ru).with_context(lang="ru_RU").write({"name": "Звонок Ольге"})
        self.assertEqual(line.with_context(lang="ru_RU").name, "Звонок Ольге")
        self.assertEqual(line.with_context(lang="en_US").name, "Звонок Ольге")

    def test_a_template_line_without_translation_falls_back_to_its_text(self):
        template = self.env["kam.comm.plan.template"].create({
            "name": "Custom",
            "line_ids": [Command.create({"name": "Visit the plant", "kind": "meeting", "channel": "in_person"})],
        })
        line = template._kam_apply(self.account_ru)
        self.assertEqual(line.with_context(lang="ru_RU").name, "Visit the plant")
        self.assertEqual(line.with_context(lang="en_US").name, "Visit the plant")

    # ------------------------------------------------------------------
    # Tender preparation lines
    # ------------------------------------------------------------------

    def test_tender_steps_are_named_in_every_language(self):
        with freeze_time("2025-01-10 12:00:00"):
            lead = self.env["crm.lead"].create({
                "name": "Pipeline tender", "type": "opportunity", "partner_id": self.person_ru.id,
                "user_id": self.kam_ru.id, "kam_tender_date": D(2025, 10, 15),
            })
        lines = self.Line.search([("lead_id", "=", lead.id)], order="next_due_date")
        kickoff = lines.filtered(lambda line: line.tender_step == "kickoff")
        source = "Tender preparation starts: needs, key success factors, people"
        self.assertEqual(kickoff.with_context(lang="en_US").name, f"{source} – Pipeline tender")
        self.assertEqual(kickoff.with_context(lang="ru_RU").name, f"{self.ru(source)} – Pipeline tender")
        final = lines.filtered(lambda line: line.tender_step == "final")
        self.assertEqual(
            final.with_context(lang="ru_RU").name,
            f"{self.ru('Final check before the tender')} – Pipeline tender",
        )
        with freeze_time("2025-01-15 12:00:00"):
            self.run_batch(D(2025, 1, 15), self.account_ru)
        occurrence = self.Occurrence.search([("line_id", "=", kickoff.id)])
        self.assertEqual(occurrence.activity_id.res_model, "crm.lead")
        self.assertEqual(occurrence.activity_id.summary, f"{self.ru(source)} – Pipeline tender")

    # ------------------------------------------------------------------
    # Why a planned contact was dropped
    # ------------------------------------------------------------------

    def test_stale_reminder_reason_in_the_responsibles_language(self):
        with freeze_time("2025-03-01 12:00:00"):
            line = self.line(partner_id=self.account_ru.id, user_id=self.kam_ru.id, start_date=D(2025, 3, 1))
        due = line.next_due_date
        with freeze_time(f"{due} 12:00:00"):
            self.run_batch(due, self.account_ru)
        occurrence = self.occurrences(self.account_ru, rule="plan", state="open")
        self.assertEqual(occurrence.scheduled_date, due)
        # The line moved on without its reminder (as after a contact logged elsewhere).
        line._kam_move_on(due + datetime.timedelta(days=30))
        with freeze_time(f"{due + datetime.timedelta(days=1)} 12:00:00"):
            self.run_batch(due + datetime.timedelta(days=1), self.account_ru)
        self.assertEqual(occurrence.state, "skipped")
        self.assertEqual(occurrence.reason, self.ru("The plan line was changed."))


@tagged("post_install", "-at_install")
class TestAlertLanguageAndViews(RussianReaderMixin, TransactionCase):
    """VIP review alerts in the assignee's language; the alert list and form for the head of KAM."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.setup_russian()
        cls.company = cls.env.company
        cls.head_ru = new_test_user(
            cls.env, login="h8_head_ru", name="Rita Head", lang="ru_RU",
            groups="kam_management.group_kam_manager",
        )
        cls.head = new_test_user(
            cls.env, login="h8_head", name="Hugo Head", groups="kam_management.group_kam_manager",
        )
        cls.kam = new_test_user(
            cls.env, login="h8_alert_kam", name="Kurt KAM", groups="kam_management.group_kam_user",
        )
        team = cls.env["crm.team"].create({"name": "Key Accounts RU", "user_id": cls.head_ru.id})
        cls.vip = cls.env["res.partner"].create({
            "name": "VIP Holding", "is_company": True, "kam_status": "key", "kam_user_id": cls.head.id,
            "kam_level_team_id": team.id, "kam_is_vip": True, "kam_vip_review_date": D(2025, 1, 20),
        })
        cls.today = fields.Date.today()

    def raise_alerts(self):
        self.env["kam.identification"]._raise_alerts(self.company, self.vip.ids, self.today)
        return self.env["kam.alert"].search([("partner_id", "=", self.vip.id), ("kind", "=", "vip_review")])

    def test_vip_review_alert_in_the_sales_managers_language(self):
        alert = self.raise_alerts()
        self.assertEqual(alert.state, "open")
        activity = alert.activity_id
        self.assertEqual(activity.user_id, self.head_ru, "the leader of the team the account is key for")
        expected = self.ru("VIP review overdue since %(date)s", date=self.ru_date(D(2025, 1, 20)))
        self.assertEqual(activity.summary, expected)
        self.assertIn(self.ru(
            "VIP clients can be unprofitable: review whether this client keeps "
            "the VIP status, then set the next review date."
        ), html2plaintext(activity.note))
        # The alert's text on its own list: in each reader's language.
        self.assertEqual(alert.with_user(self.head_ru).summary, expected)
        en_format = self.env["res.lang"]._lang_get("en_US").date_format
        self.assertEqual(
            alert.with_user(self.head).summary,
            f"VIP review overdue since {D(2025, 1, 20).strftime(en_format)}",
        )

    def test_vip_review_closed_without_a_review_is_answered(self):
        alert = self.raise_alerts()
        # Closed by the code (no KAM Manager's review): the review date does not move...
        alert.activity_id.action_feedback(feedback="Seen")
        self.assertEqual(self.vip.kam_vip_review_date, D(2025, 1, 20))
        again = self.raise_alerts()
        # ...and the alert is answered: not raised again while the review stays overdue.
        self.assertEqual(again.state, "answered")
        self.assertFalse(again.activity_id)
        self.assertFalse(self.env["mail.activity"].search([
            ("res_model", "=", "res.partner"), ("res_id", "=", self.vip.id), ("kam_alert_kind", "=", "vip_review"),
        ]))

    def test_vip_review_done_by_a_manager_is_cleared(self):
        alert = self.raise_alerts()
        alert.activity_id.with_user(self.head).action_feedback(feedback="Reviewed")
        self.assertGreater(self.vip.kam_vip_review_date, self.today, "the review is rolled forward")
        self.assertEqual(self.raise_alerts().state, "cleared")

    # ------------------------------------------------------------------
    # Views and menu
    # ------------------------------------------------------------------

    def test_alerts_menu_under_analysis_for_managers(self):
        action = self.env.ref("kam_management.action_kam_alert")
        self.assertEqual(action.res_model, "kam.alert")
        menu = self.env["ir.ui.menu"].search([("action", "=", f"ir.actions.act_window,{action.id}")])
        self.assertEqual(len(menu), 1)
        self.assertEqual(menu.parent_id, self.env.ref("kam_management.kam_menu_group_analysis"))
        self.assertIn(menu.id, self.env["ir.ui.menu"].with_user(self.head)._visible_menu_ids())
        self.assertNotIn(menu.id, self.env["ir.ui.menu"].with_user(self.kam)._visible_menu_ids())
        with self.assertRaises(AccessError):
            self.env["kam.alert"].with_user(self.kam).search([])

    def test_alert_views_are_read_only_with_their_filters(self):
        views = self.env["kam.alert"].with_user(self.head).get_views(
            [(False, "list"), (False, "form"), (False, "search")]
        )["views"]
        for view_type in ("list", "form"):
            arch = etree.fromstring(views[view_type]["arch"])
            self.assertEqual(
                (arch.get("create"), arch.get("edit"), arch.get("delete")), ("0", "0", "0"), view_type,
            )
        # The view as written (the company group-by only shows in a multi-company database).
        search = etree.fromstring(self.env.ref("kam_management.kam_alert_view_search").arch_db.encode())
        filters = {node.get("name"): node for node in search.iter("filter")}
        for name in ("filter_open", "filter_answered", "filter_cleared", "kind_critical", "kind_mono",
                     "kind_portfolio_mono", "kind_kam_overload", "kind_vip_review", "my_accounts",
                     "group_kind", "group_company"):
            self.assertIn(name, filters)
        alert = self.raise_alerts()
        Alert = self.env["kam.alert"].with_user(self.head)

        def search_with(name, user=self.head):
            return Alert.with_user(user).search(
                safe_eval(filters[name].get("domain"), {"uid": user.id}) + [("id", "=", alert.id)]
            )

        self.assertEqual(search_with("filter_open"), alert)
        self.assertFalse(search_with("filter_cleared"))
        self.assertEqual(search_with("kind_vip_review"), alert)
        self.assertFalse(search_with("kind_critical"))
        self.assertEqual(search_with("my_accounts"), alert, "Hugo is the account's KAM")
        self.assertFalse(search_with("my_accounts", self.head_ru))
