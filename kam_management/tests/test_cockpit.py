# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""My Key Accounts: the cockpit of a KAM and the team view of the head of KAM."""

import datetime

from lxml import etree

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import Form, TransactionCase, tagged
from odoo.tools.safe_eval import safe_eval

from .common import KamCockpitFixtures

COCKPIT_FIGURES = (
    "kam_risk_reason", "kam_next_contact_date", "kam_dossier_completeness",
    "kam_active_plan_progress", "kam_alert_count",
)


@tagged("post_install", "-at_install")
class TestKamCockpit(KamCockpitFixtures, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._cockpit_users("h4c")
        cls._cockpit_checklist()
        cls.today = fields.Date.context_today(cls.env["res.partner"])
        cls.mine = cls._cockpit_accounts(["Cockpit Mine Ltd"], cls.kam)
        cls.shared = cls._cockpit_accounts(["Cockpit Team Ltd"], cls.other_kam, team=cls.kam)
        cls.foreign = cls._cockpit_accounts(["Cockpit Foreign Ltd"], cls.other_kam)
        cls.accounts = cls.mine | cls.shared | cls.foreign

    def _as(self, user, records=None):
        records = self.accounts if records is None else records
        records.invalidate_recordset()
        return records.with_user(user)

    def _filter_domain(self, view_xmlid, filter_name, user):
        view = self.env.ref(view_xmlid)
        arch = etree.fromstring(view.arch)
        node = arch.xpath(f"//filter[@name='{filter_name}']")[0]
        return safe_eval(node.get("domain"), {"uid": user.id})

    # ------------------------------------------------------------------
    # Figures
    # ------------------------------------------------------------------

    def test_own_account_shows_every_figure(self):
        """The heaviest signal (shrinking orders, +25) is the main reason; the
        next contact is the earliest open one (the overdue call); the dossier
        fills one item of two; the plan reached 40 of 100."""
        account = self._as(self.kam, self.mine)
        self.assertTrue(account.kam_is_owned)
        self.assertIn("Order amounts shrank over the last 3 orders", account.kam_risk_reason)
        self.assertIn("36.4", account.kam_risk_reason)
        self.assertEqual(account.kam_next_contact_date, self.today - datetime.timedelta(days=5))
        self.assertEqual(account.kam_next_plan_line_id.name, "Monthly call")
        self.assertEqual(account.kam_plan_overdue_count, 1)
        self.assertEqual(account.kam_dossier_completeness, 50.0)
        self.assertEqual(account.kam_active_plan_progress, 40.0)
        self.assertEqual(account.kam_alert_count, 1)
        self.assertAlmostEqual(account.kam_share, 24.13)
        self.assertEqual(account.kam_risk_level, "medium")

    def test_account_plan_covering_today_wins(self):
        """Next year's plan, already active, does not hide the plan of the period."""
        self.env["kam.account.plan"].create({
            "partner_id": self.mine.id, "name": "Next year", "state": "active",
            "date_from": self.today + datetime.timedelta(days=400),
            "date_to": self.today + datetime.timedelta(days=700),
            "objective_ids": [(0, 0, {"name": "Volume", "target": 10.0, "actual": 9.0})],
        })
        account = self._as(self.kam, self.mine)
        self.assertEqual(account.kam_active_plan_progress, 40.0)
        self.assertEqual(account.kam_active_plan_id.name, f"Plan {self.mine.name}")

    def test_account_without_records_is_empty_not_restricted(self):
        bare = self.env["res.partner"].create({
            "name": "Cockpit Bare Ltd", "is_company": True, "kam_status": "key",
            "kam_user_id": self.kam.id,
        })
        account = self._as(self.kam, bare)
        self.assertTrue(account.kam_is_owned)
        self.assertFalse(account.kam_risk_reason)
        self.assertFalse(account.kam_next_contact_date)
        self.assertFalse(account.kam_dossier_id)
        self.assertFalse(account.kam_active_plan_id)
        self.assertEqual(account.kam_alert_count, 0)

    def test_done_and_archived_lines_are_not_next(self):
        lines = self.env["kam.comm.plan.line"].search([("partner_id", "=", self.mine.id)])
        overdue = lines.filtered(lambda line: line.state == "overdue")
        overdue.write({"active": False})
        account = self._as(self.kam, self.mine)
        self.assertEqual(account.kam_next_contact_date, self.today + datetime.timedelta(days=20))
        (lines - overdue).write({"state": "done"})
        account = self._as(self.kam, self.mine)
        self.assertFalse(account.kam_next_contact_date)

    def test_contact_sees_its_account_figures(self):
        person = self.env["res.partner"].create({"name": "Cockpit Person", "parent_id": self.mine.id})
        contact = self._as(self.kam, person)
        self.assertEqual(contact.kam_dossier_completeness, 50.0)
        self.assertEqual(contact.kam_alert_count, 1)

    # ------------------------------------------------------------------
    # Who sees what
    # ------------------------------------------------------------------

    def test_other_kams_account_says_restricted(self):
        """A KAM reads the figures of their accounts (as KAM or in the team),
        not those of a colleague's account: restricted, every figure empty."""
        by_account = {account: account for account in self._as(self.kam)}
        self.assertTrue(by_account[self.shared].kam_is_owned)
        self.assertEqual(by_account[self.shared].kam_alert_count, 1)
        foreign = by_account[self.foreign]
        self.assertFalse(foreign.kam_is_owned)
        for fname in ("kam_risk_reason", "kam_next_contact_date", "kam_dossier_id",
                      "kam_active_plan_id", "kam_next_plan_line_id"):
            self.assertFalse(foreign[fname], fname)
        self.assertEqual(
            (foreign.kam_dossier_completeness, foreign.kam_active_plan_progress,
             foreign.kam_alert_count, foreign.kam_share),
            (0.0, 0.0, 0, 0.0),
        )

    def test_manager_reads_every_account(self):
        for account in self._as(self.head):
            self.assertTrue(account.kam_is_owned, account.name)
            self.assertEqual(account.kam_dossier_completeness, 50.0, account.name)
            self.assertIn("Order amounts shrank", account.kam_risk_reason, account.name)

    def test_salesman_reads_no_cockpit_figure(self):
        accounts = self._as(self.salesman)
        for fname in COCKPIT_FIGURES:
            with self.assertRaises(AccessError, msg=fname):
                accounts.read([fname])
        view = self.env.ref("kam_management.kam_cockpit_view_kanban")
        arch = self.env["res.partner"].with_user(self.salesman).get_views(
            [(view.id, "kanban")]
        )["views"]["kanban"]["arch"]
        for fname in COCKPIT_FIGURES:
            self.assertNotIn(f'name="{fname}"', arch)

    def test_salesman_cannot_open_the_cockpit(self):
        for xmlid in ("kam_management.action_kam_cockpit", "kam_management.action_kam_accounts"):
            action = self.env.ref(xmlid).with_user(self.salesman)
            with self.assertRaises(AccessError, msg=xmlid):
                action.run()
        act_window = self.env.ref("kam_management.kam_cockpit_act_window")
        self.assertIn(self.env.ref("kam_management.group_kam_user"), act_window.groups_id)

    # ------------------------------------------------------------------
    # Landing: default filters per role
    # ------------------------------------------------------------------

    def test_kam_lands_on_own_accounts(self):
        action = self.env.ref("kam_management.action_kam_cockpit").with_user(self.kam).run()
        self.assertEqual(action["res_model"], "res.partner")
        self.assertEqual(action["context"].get("search_default_kam_my_accounts"), 1)
        self.assertNotIn("search_default_kam_group_user", action["context"])
        self.assertEqual(action["views"][0][1], "kanban")
        # the default filter gives the KAM's own accounts and those of their team
        domain = self._filter_domain(
            "kam_management.kam_cockpit_view_search", "kam_my_accounts", self.kam
        )
        landing = self.env["res.partner"].with_user(self.kam).search(
            safe_eval(action["domain"]) + domain + [("id", "in", self.accounts.ids)]
        )
        self.assertEqual(landing, self.mine | self.shared)

    def test_manager_lands_on_the_team_grouped_by_kam(self):
        action = self.env.ref("kam_management.action_kam_cockpit").with_user(self.head).run()
        self.assertEqual(action["context"].get("search_default_kam_group_user"), 1)
        self.assertNotIn("search_default_kam_my_accounts", action["context"])
        groups = self.env["res.partner"].with_user(self.head).read_group(
            safe_eval(action["domain"]) + [("id", "in", self.accounts.ids)], ["kam_user_id"], ["kam_user_id"],
        )
        self.assertEqual(
            {group["kam_user_id"][0]: group["kam_user_id_count"] for group in groups},
            {self.kam.id: 1, self.other_kam.id: 2},
        )

    def test_key_account_list_opens_on_own_accounts_for_a_kam(self):
        action = self.env.ref("kam_management.action_kam_accounts").with_user(self.kam).run()
        self.assertEqual(action["context"].get("search_default_kam_my_key"), 1)
        self.assertNotIn("search_default_kam_key", action["context"])
        self.assertTrue(action["context"].get("default_is_company"))
        domain = self._filter_domain("kam_management.view_res_partner_filter_kam", "kam_my_key", self.kam)
        listed = self.env["res.partner"].with_user(self.kam).search(
            safe_eval(action["domain"]) + domain + [("id", "in", self.accounts.ids)]
        )
        self.assertEqual(listed, self.mine | self.shared)
        action = self.env.ref("kam_management.action_kam_accounts").with_user(self.head).run()
        self.assertEqual(action["context"].get("search_default_kam_key"), 1)
        self.assertNotIn("search_default_kam_my_key", action["context"])

    # ------------------------------------------------------------------
    # One click: log a contact
    # ------------------------------------------------------------------

    def _kam_today(self):
        """Today for the KAM, in their time zone: the date a contact logged now
        gets (it differs from the server's day around midnight)."""
        return fields.Date.context_today(self.env["res.partner"].with_user(self.kam))

    def _log_dialog(self, action):
        """The dialog as the web client opens it (defaults and onchange)."""
        self.assertEqual(action["res_model"], "kam.contact.outcome.wizard")
        Wizard = self.env[action["res_model"]].with_user(self.kam).with_context(**action["context"])
        return Form(Wizard)

    def test_log_contact_takes_the_due_planned_contact(self):
        line = self.env["kam.comm.plan.line"].search([
            ("partner_id", "=", self.mine.id), ("state", "=", "overdue"),
        ])
        dialog = self._log_dialog(self._as(self.kam, self.mine).action_kam_cockpit_log_contact())
        self.assertEqual(dialog.plan_line_id, line)
        self.assertEqual(dialog.partner_id, self.mine)
        self.assertEqual(dialog.date, self._kam_today())

    def test_log_contact_leaves_a_later_planned_contact_alone(self):
        """Logging today must not fulfil a contact planned in 20 days."""
        self.env["kam.comm.plan.line"].search([
            ("partner_id", "=", self.mine.id), ("state", "=", "overdue"),
        ]).write({"active": False})
        dialog = self._log_dialog(self._as(self.kam, self.mine).action_kam_cockpit_log_contact())
        self.assertFalse(dialog.plan_line_id)
        self.assertEqual(dialog.partner_id, self.mine)
        self.assertEqual(dialog.date, self._kam_today())
        self.assertEqual(dialog.channel, "phone")
        dialog.outcome = "positive"
        dialog.summary = "Coffee with the buyer"
        dialog.save().action_confirm()
        log = self.env["kam.contact.log"].search([("partner_id", "=", self.mine.id)])
        self.assertEqual((log.date, log.outcome, log.plan_line_id), (self._kam_today(), "positive", log.plan_line_id.browse()))

    def test_log_contact_refused_on_a_colleagues_account(self):
        with self.assertRaises(AccessError):
            self._as(self.kam, self.foreign).action_kam_cockpit_log_contact()

    # ------------------------------------------------------------------
    # Menus
    # ------------------------------------------------------------------

    def test_menus_are_grouped_with_the_cockpit_first(self):
        root = self.env.ref("kam_management.kam_menu_root")
        groups = root.child_id.sorted("sequence")
        self.assertEqual(
            groups.mapped("name"), ["Accounts", "Communication", "Analysis", "Configuration"]
        )
        for group in groups:
            self.assertFalse(group.action, group.name)
            self.assertTrue(group.child_id, group.name)
        first = groups[0].child_id.sorted("sequence")[0]
        self.assertEqual(first, self.env.ref("kam_management.kam_menu_cockpit"))
        self.assertEqual(first.action, self.env.ref("kam_management.action_kam_cockpit"))
        # every entry of the addon sits in one of the groups
        menus = self.env["ir.ui.menu"].search([("id", "child_of", root.id), ("action", "!=", False)])
        self.assertEqual(menus.parent_id, groups)

    def test_configuration_is_for_managers(self):
        config = self.env.ref("kam_management.kam_menu_config")
        accounts = self.env.ref("kam_management.kam_menu_group_accounts")
        visible = self.env["ir.ui.menu"].with_user(self.kam)._visible_menu_ids()
        self.assertIn(accounts.id, visible)
        self.assertIn(self.env.ref("kam_management.kam_menu_cockpit").id, visible)
        self.assertNotIn(config.id, visible)
        visible = self.env["ir.ui.menu"].with_user(self.head)._visible_menu_ids()
        self.assertIn(config.id, visible)
        self.assertIn(self.env.ref("kam_management.kam_menu_config_types").id, visible)
