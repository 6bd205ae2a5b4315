# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, new_test_user, tagged

from .common import KamDmuCommon, PartnerFormReader, kam_metrics

KAM_BUTTONS = (
    "action_open_kam_dossier", "action_kam_open_dmu", "action_kam_open_relationship_map",
    "action_kam_open_metrics", "action_kam_open_health", "action_kam_open_plans",
    "action_kam_open_plan", "action_kam_open_contact_log",
)
@tagged("post_install", "-at_install")
class TestPartnerFormAccess(PartnerFormReader, KamDmuCommon):
    """A KAM on another KAM's account: no button that breaks, figures said to be restricted."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = new_test_user(
            cls.env, login="h3_kam_manager", groups="kam_management.group_kam_manager"
        )
        for account, person in ((cls.account, cls.ceo), (cls.other_account, cls.stranger)):
            cls._member(person, "decision_maker", influence=5)
            cls.env["kam.dossier"]._kam_get_or_create(account)
            kam_metrics(cls.env, cls.company, {account: 24.0}, margin=5000.0, dependency_level="critical")
            health = cls.env["kam.account.health"].create({"partner_id": account.id, "company_id": cls.company.id})
            health.sudo().write({"risk_score": 40, "risk_level": "medium"})
            cls.env["kam.comm.plan.line"].create({
                "name": "Quarterly call", "partner_id": account.id, "user_id": account.kam_user_id.id,
                "kind": "call", "cadence_kind": "interval", "interval_days": 90,
            })
        cls.template = cls.env["kam.comm.plan.template"].create({
            "name": "Form access template",
            "line_ids": [Command.create({
                "name": "Call", "kind": "call", "cadence_kind": "per_quarter", "times": 1,
            })],
        })

    def test_ownership_flag(self):
        foreign, own = self.other_account, self.account
        self.assertFalse(foreign.with_user(self.kam).kam_is_owned)
        self.assertTrue(own.with_user(self.kam).kam_is_owned)
        self.assertTrue(self.stranger.with_user(self.other_kam).kam_is_owned, "a person of the account")
        self.assertTrue(foreign.with_user(self.manager).kam_is_owned, "the head of KAM works on every account")
        self.assertFalse(foreign.with_user(self.salesman).kam_is_owned)
        own.write({"kam_team_user_ids": [Command.link(self.other_kam.id)]})
        self.assertTrue(own.with_user(self.other_kam).kam_is_owned, "a member of the account team")
        # a partner being created has nothing restricted yet, for the KAM groups
        self.assertTrue(self.env["res.partner"].with_user(self.manager).new({"name": "New"}).kam_is_owned)
        self.assertFalse(self.env["res.partner"].with_user(self.salesman).new({"name": "New"}).kam_is_owned)

    def test_foreign_account_shows_no_kam_button(self):
        visible = self.visible_buttons(self.kam, self.other_account)
        self.assertFalse(set(KAM_BUTTONS) & set(visible), f"shown on another KAM's account: {visible}")
        self.assertIn("action_view_opportunity", visible, "the stock buttons stay")
        # the account's own KAM gets them all
        visible = self.visible_buttons(self.other_kam, self.other_account)
        self.assertLessEqual(set(KAM_BUTTONS), set(visible))

    def test_foreign_figures_say_restricted(self):
        form = self._form(self.kam)
        notice = form.xpath("//div[@name='kam_figures_restricted']")
        self.assertEqual(len(notice), 1)
        self.assertIn("Restricted", "".join(notice[0].itertext()))
        figures = form.xpath("//group[@name='kam_metrics_group']//field[@name='kam_share' or @name='kam_margin']")
        self.assertEqual(len(figures), 2)
        foreign = self.other_account.with_user(self.kam)
        own = self.account.with_user(self.kam)
        self.assertTrue(self._shown(notice[0], foreign))
        self.assertFalse(self._shown(notice[0], own))
        for field_node in figures:
            self.assertFalse(self._shown(field_node, foreign), "no 0.00 for a figure the user may not read")
            self.assertTrue(self._shown(field_node, own))
        self.assertEqual(own.kam_share, 24.0)

    def test_foreign_actions_explain_why(self):
        foreign = self.other_account.with_user(self.kam)
        dossiers = self.env["kam.dossier"].search_count([("partner_id", "=", self.other_account.id)])
        for action in (
            "action_open_kam_dossier", "action_kam_open_dmu", "action_kam_open_relationship_map",
            "action_kam_open_health", "action_kam_open_plans", "action_kam_open_plan",
            "action_kam_apply_plan_template",
        ):
            with self.subTest(action=action), self.assertRaisesRegex(
                AccessError, r"Southbay Retail: only the account's KAM \(Olga Other KAM\)"
            ):
                getattr(foreign, action)()
        self.assertEqual(
            self.env["kam.dossier"].search_count([("partner_id", "=", self.other_account.id)]), dossiers,
            "no second dossier attempted",
        )
        # the account's KAM opens the existing dossier
        action = self.other_account.with_user(self.other_kam).action_open_kam_dossier()
        self.assertEqual(action["res_id"], self.other_account.kam_dossier_ids.id)
        action = self.other_account.with_user(self.manager).action_open_kam_dossier()
        self.assertEqual(action["res_id"], self.other_account.kam_dossier_ids.id)

    def test_apply_template_wizard_names_the_foreign_accounts(self):
        """Opened from the list on several accounts: refused before anything is written."""
        wizard = self.env["kam.comm.plan.apply.wizard"].with_user(self.kam).create({
            "template_id": self.template.id,
            "partner_ids": [Command.set((self.account | self.other_account).ids)],
        })
        lines = self.env["kam.comm.plan.line"].search_count([])
        with self.assertRaisesRegex(AccessError, "Southbay Retail: .*apply a communication plan"):
            wizard.action_apply()
        self.assertEqual(self.env["kam.comm.plan.line"].search_count([]), lines)
        wizard.partner_ids = self.account
        wizard.action_apply()
        self.assertEqual(self.env["kam.comm.plan.line"].search_count([]), lines + 1)

    def test_main_kam_buttons_come_first(self):
        """4 buttons and "More" between 1200 and 1533 px: the KAM's main figures are the 4."""
        visible = self.visible_buttons(self.kam, self.account)
        self.assertGreater(len(visible), 5, "the box overflows into More at 1440 px")
        self.assertEqual(visible[:4], [
            "action_open_kam_dossier", "action_kam_open_metrics", "action_kam_open_health",
            "action_kam_open_plan",
        ])

    def test_ordinary_customer_keeps_the_stock_buttons_first(self):
        customer = self.env["res.partner"].create({"name": "Walk-in Ltd", "is_company": True})
        visible = self.visible_buttons(self.manager, customer)
        self.assertEqual(visible[:2], ["schedule_meeting", "action_view_opportunity"])


@tagged("post_install", "-at_install")
class TestPartnerFormAccessBrowser(HttpCase):
    browser_size = "1440x900"

    def test_partner_form_at_1440(self):
        admin = self.env.ref("base.user_admin")
        kam = new_test_user(self.env, login="h3_tour_kam", name="Tara Tour KAM",
                            groups="kam_management.group_kam_user")
        account = self.env["res.partner"].create({
            "name": "Tour Buttons Ltd", "is_company": True, "kam_status": "key", "kam_user_id": admin.id,
        })
        company = self.env.company
        kam_metrics(self.env, company, {account: 12.5}, margin=9000.0)
        health = self.env["kam.account.health"].create({"partner_id": account.id, "company_id": company.id})
        health.sudo().write({"risk_score": 20, "risk_level": "low"})
        self.env["kam.comm.plan.line"].create({
            "name": "Tour: monthly call", "partner_id": account.id, "user_id": admin.id,
            "kind": "call", "cadence_kind": "interval", "interval_days": 30,
        })
        self.start_tour(f"/odoo/res.partner/{account.id}", "kam_partner_buttons_tour", login="admin")
        self.start_tour(f"/odoo/res.partner/{account.id}", "kam_partner_foreign_tour", login=kam.login)
