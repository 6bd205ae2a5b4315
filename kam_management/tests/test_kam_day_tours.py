# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""A KAM's day in headless Chromium: the cockpit, an alert, a promotion, an export."""

import base64

from odoo import Command
from odoo.tests import HttpCase, tagged

from .common import KamCockpitFixtures


@tagged("post_install", "-at_install")
class TestKamDayTours(KamCockpitFixtures, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._cockpit_users("h4t")
        cls.account = cls._cockpit_accounts(["Tour Cockpit Ltd"], cls.kam)
        cls.foreign = cls._cockpit_accounts(["Tour Foreign Ltd"], cls.other_kam)
        buyer = cls.env["res.partner"].create({"name": "Tour Buyer", "parent_id": cls.account.id})
        cls.env["kam.dmu.member"].create({
            "partner_id": cls.account.id, "contact_id": buyer.id, "influence": 4,
            "attitude": "supporter",
            "role_ids": [Command.set(cls.env.ref("kam_management.kam_dmu_role_decision_maker").ids)],
        })

    def _alerts(self, account):
        return self.env["mail.activity"].search([
            ("res_model", "=", "res.partner"), ("res_id", "=", account.id),
            ("kam_alert_kind", "!=", False),
        ])

    def test_kam_opens_the_cockpit(self):
        """Menu > My Key Accounts: own card with its figures, dossier, map, log
        dialog and list; the colleague's account stays out of the home."""
        self.start_tour("/odoo", "kam_cockpit_tour", login=self.kam.login)
        # opening the dossier from the card created it for the current company
        dossier = self.env["kam.dossier"].search([("partner_id", "=", self.account.id)])
        self.assertEqual(len(dossier), 1)

    def test_head_of_kam_sees_the_team(self):
        self.start_tour(
            "/odoo/action-kam_management.action_kam_cockpit", "kam_cockpit_team_tour",
            login=self.head.login,
        )

    def test_kam_answers_an_alert_from_the_cockpit(self):
        alert = self._alerts(self.account)
        self.assertEqual(len(alert), 1)
        self.start_tour("/odoo/my-key-accounts", "kam_alert_tour", login=self.kam.login)
        self.assertFalse(self._alerts(self.account))
        self.assertFalse(alert.exists())
        feedback = self.env["mail.message"].search([
            ("model", "=", "res.partner"), ("res_id", "=", self.account.id),
            ("mail_activity_type_id", "=", self.env.ref("kam_management.mail_act_kam_alert").id),
        ])
        self.assertEqual(len(feedback), 1)
        self.assertIn("two new product lines", feedback.body)
        # the colleague's alert is untouched
        self.assertEqual(len(self._alerts(self.foreign)), 1)

    def test_head_of_kam_promotes_a_candidate(self):
        candidate = self.env["res.partner"].create({
            "name": "Tour Candidate Ltd", "is_company": True, "kam_status": "candidate",
        })
        self.start_tour("/odoo", "kam_promote_tour", login=self.head.login)
        self.assertEqual(candidate.kam_status, "key")
        self.assertEqual(candidate.kam_user_id, self.kam)
        self.assertIn("leader in its region", candidate.kam_status_reason)

    def test_kam_exports_a_dossier(self):
        self.start_tour("/odoo/my-key-accounts", "kam_export_dossier_tour", login=self.kam.login)
        wizard = self.env["kam.export.wizard"].search([("create_uid", "=", self.kam.id)])
        self.assertEqual(len(wizard), 1)
        self.assertEqual(wizard.partner_ids, self.account)
        self.assertTrue(wizard.filename.endswith(".xlsx"))
        # an xlsx workbook is a zip archive
        self.assertTrue(base64.b64decode(wizard.file).startswith(b"PK"))
