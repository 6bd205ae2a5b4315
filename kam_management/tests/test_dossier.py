# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

import datetime

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import HttpCase, tagged

from .common import KamDmuCommon, kam_metrics


@tagged("post_install", "-at_install")
class TestDossier(KamDmuCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Dossier = cls.env["kam.dossier"]
        cls.Check = cls.env["kam.dossier.check"]

    def _field(self, name):
        return self.env["ir.model.fields"]._get("kam.dossier", name)

    def _own_checklist(self):
        """Replace the seeded checklist by four items, one of each kind."""
        self.Check.search([]).active = False
        return self.Check.create([
            {"name": "History", "kind": "field", "field_id": self._field("history").id},
            {"name": "Purchasing", "kind": "field", "field_id": self._field("purchasing_process").id},
            {"name": "Decision maker", "kind": "role", "role_id": self.role["decision_maker"].id},
            {"name": "Competitors", "kind": "competitors"},
        ])

    def test_dossier_button_creates_it_once(self):
        action = self.account.with_user(self.kam).action_open_kam_dossier()
        dossier = self.Dossier.browse(action["res_id"])
        self.assertEqual((action["res_model"], dossier.partner_id), ("kam.dossier", self.account))
        self.assertEqual(dossier.company_id, self.company)
        again = self.account.with_user(self.kam).action_open_kam_dossier()
        self.assertEqual(again["res_id"], dossier.id)
        # From a contact of the account, the account's dossier opens.
        self.assertEqual(self.ceo.with_user(self.kam).action_open_kam_dossier()["res_id"], dossier.id)
        with self.assertRaisesRegex(ValidationError, "not on its contact"):
            self.Dossier.create({"partner_id": self.ceo.id})

    def test_seeded_checklist(self):
        checks = self.Check.search([])
        self.assertGreaterEqual(len(checks), 15)
        self.assertIn("role", checks.mapped("kind"))
        self.assertIn("competitors", checks.mapped("kind"))
        dossier = self.Dossier.create({"partner_id": self.account.id})
        self.assertEqual(dossier.completeness, 0)
        self.assertEqual(dossier.missing_check_ids, checks)

    def test_completeness_grows_as_items_are_filled(self):
        checks = self._own_checklist()
        dossier = self.Dossier.create({"partner_id": self.account.id})
        self.assertEqual(dossier.completeness, 0)
        dossier.history = "<p><br></p>"  # an empty editor is not an answer
        self.assertEqual(dossier.completeness, 0)
        dossier.history = "<p>Founded in 1962 as a foundry.</p>"
        self.assertEqual(dossier.completeness, 25)
        dossier.purchasing_process = "<p>Yearly framework tender in March.</p>"
        self.assertEqual(dossier.completeness, 50)
        member = self._member(self.cfo, "economic_buyer")
        self.assertEqual(dossier.completeness, 50)
        member.role_ids = [Command.link(self.role["decision_maker"].id)]
        self.assertEqual(dossier.completeness, 75)
        self.assertEqual(dossier.missing_check_ids, checks[3])
        dossier.competitor_ids = [Command.create({
            "competitor_id": self.other_account.id, "supplies": "Spare parts", "share": 30,
            "situation": "competition",
        })]
        self.assertEqual(dossier.completeness, 100)
        self.assertFalse(dossier.missing_check_ids)
        # The checklist is configuration: a new item lowers every score.
        self.Check.create({"name": "Region", "kind": "field", "field_id": self._field("region_notes").id})
        self.assertEqual(dossier.completeness, 80)
        member.active = False
        self.assertEqual(dossier.completeness, 60)

    def test_checklist_items_are_validated(self):
        with self.assertRaisesRegex(ValidationError, "must name a business field"):
            self.Check.create({"name": "Bad", "kind": "field", "field_id": self._field("completeness").id})
        with self.assertRaisesRegex(ValidationError, "must name the DMU role"):
            self.Check.create({"name": "Bad", "kind": "role"})
        with self.assertRaisesRegex(ValidationError, "at least one DMU member"):
            self.Check.create({"name": "Bad", "kind": "members", "min_count": 0})

    def test_items_entered_before_the_dossier_are_filed_in_it(self):
        member = self._member(self.ceo, "decision_maker")
        self.assertFalse(member.dossier_id)
        dossier = self.Dossier.create({"partner_id": self.account.id})
        self.assertEqual(member.dossier_id, dossier)
        self.assertEqual(dossier.dmu_member_ids, member)
        self.assertTrue(dossier.has_decision_maker)
        # Members added from the dossier land on its account.
        dossier.dmu_member_ids = [Command.create({"contact_id": self.cfo.id})]
        self.assertEqual(dossier.dmu_member_ids.mapped("partner_id"), self.account)

    def test_competitor_presence(self):
        dossier = self.Dossier.create({"partner_id": self.account.id})
        presence = self.env["kam.competitor.presence"].create({
            "dossier_id": dossier.id, "competitor_id": self.other_account.id,
            "supplies": "Bearings", "share": 20, "situation": "push_out",
        })
        self.assertEqual((presence.partner_id, presence.company_id), (self.account, self.company))
        self.assertEqual(presence.display_name, "Southbay Retail at Nordwerk Industries")
        with self.assertRaisesRegex(ValidationError, "between 0 and 100"):
            presence.share = 120
        with self.assertRaisesRegex(ValidationError, "cannot be its own competitor"):
            presence.competitor_id = self.account

    def test_stale_after_the_company_period(self):
        with freeze_time("2025-01-01 10:00:00"):
            dossier = self.Dossier.create({"partner_id": self.account.id})
            fresh = self.Dossier.create({"partner_id": self.other_account.id})
        with freeze_time("2025-03-31 12:00:00"):  # 89 days later
            dossier.invalidate_recordset(["is_stale"])
            self.assertFalse(dossier.is_stale)
            self.assertEqual(dossier.days_since_update, 89)
            fresh.goals_plans = "<p>Open two stores a year.</p>"
            self.assertNotIn(dossier, self.Dossier.search([("is_stale", "=", True)]))
        with freeze_time("2025-04-01 08:00:00"):  # 90 days: stale
            (dossier | fresh).invalidate_recordset(["is_stale"])
            self.assertTrue(dossier.is_stale)
            self.assertFalse(fresh.is_stale)
            self.assertEqual(self.Dossier.search([("is_stale", "=", True), ("id", "in", (dossier | fresh).ids)]), dossier)
            self.assertEqual(self.Dossier.search([("is_stale", "=", False), ("id", "in", (dossier | fresh).ids)]), fresh)
            # A shorter company period makes the fresher one stale too.
            self.company.kam_dossier_stale_days = 1
            (dossier | fresh).invalidate_recordset(["is_stale"])
            self.assertTrue(fresh.is_stale)
            self.company.kam_dossier_stale_days = 90
            # Updating a DMU member is an update of the dossier.
            self._member(self.ceo, "decision_maker")
            dossier.invalidate_recordset(["is_stale", "last_update"])
            self.assertFalse(dossier.is_stale)
            self.assertEqual(dossier.last_update, datetime.datetime(2025, 4, 1, 8, 0))

    def test_contact_bookkeeping_does_not_refresh_the_dossier(self):
        with freeze_time("2025-01-01"):
            dossier = self.Dossier.create({"partner_id": self.account.id})
            member = self._member(self.ceo, "decision_maker")
        with freeze_time("2025-06-01"):
            member.write({"last_contact_date": "2025-06-01", "last_contact_outcome": "positive"})
            self.assertEqual(dossier.last_update, datetime.datetime(2025, 1, 1))
            self.assertTrue(dossier.is_stale)
            dossier.action_mark_reviewed()
            self.assertFalse(dossier.is_stale)
            self.assertIn("reviewed", dossier.message_ids[0].body)

    def test_greeting_dates_for_the_communication_plan(self):
        """Birthdays and personal dates of the people in the account's DMU."""
        self._member(self.ceo, "decision_maker", kam_birthday="1970-02-10")
        self._member(self.cfo, "economic_buyer", kam_birthday="1980-08-01")
        self._member(self.engineer, "technical", kam_personal_date_ids=[
            Command.create({"name": "Name day", "date": "2000-02-20"}),
        ])
        # Not in the DMU: the profile gives no greeting on behalf of this account.
        self.env["kam.person.profile"].create({"partner_id": self.operator.id, "birthday": "1990-02-15"})
        dates = self.env["res.partner"]._kam_greeting_dates(
            datetime.date(2025, 2, 1), datetime.date(2025, 2, 28), accounts=self.account
        )
        self.assertEqual(
            [(d["partner_id"], d["date"], d["kind"]) for d in dates],
            [(self.ceo.id, datetime.date(2025, 2, 10), "birthday"),
             (self.engineer.id, datetime.date(2025, 2, 20), "personal")],
        )
        self.assertEqual(dates[1]["occasion"], "Name day")
        self.assertEqual(dates[0]["account_id"], self.account.id)

    def test_analytics_tab_reads_the_account_metrics(self):
        kam_metrics(self.env, self.company, {self.account: 23.5}, dependency_level="critical")
        dossier = self.Dossier.create({"partner_id": self.account.id})
        self.assertTrue(dossier.has_metrics)
        self.assertEqual((dossier.metric_share, dossier.metric_dependency_level), (23.5, "critical"))
        other = self.Dossier.create({"partner_id": self.other_account.id})
        self.assertFalse(other.has_metrics)
        self.assertEqual(other.metric_dependency_level, "none")

    def test_history_counts_deals_of_the_account_and_its_people(self):
        self.env["crm.lead"].create([
            {"name": "Deal A", "type": "opportunity", "partner_id": self.account.id},
            {"name": "Deal B", "type": "opportunity", "partner_id": self.ceo.id},
            {"name": "Lead C", "type": "lead", "partner_id": self.ceo.id},
        ])
        dossier = self.Dossier.create({"partner_id": self.account.id})
        self.assertEqual(dossier.opportunity_count, 2)
        self.assertEqual(set(dossier.opportunity_ids.mapped("name")), {"Deal A", "Deal B"})
        action = dossier.action_view_opportunities()
        self.assertEqual(self.env["crm.lead"].search_count(action["domain"]), 2)


@tagged("post_install", "-at_install")
class TestDossierTour(HttpCase):
    def test_dossier_and_relationship_map_tour(self):
        """Open a key account's dossier, its DMU tab, then the relationship map."""
        Partner = self.env["res.partner"]
        account = Partner.create({"name": "Tour Dossier Ltd", "is_company": True, "kam_status": "key"})
        decider = Partner.create({"name": "Tour Decider", "parent_id": account.id, "function": "CEO"})
        adviser = Partner.create({"name": "Tour Adviser", "parent_id": account.id})
        Member = self.env["kam.dmu.member"]
        roles = self.env.ref("kam_management.kam_dmu_role_decision_maker")
        boss = Member.create({
            "partner_id": account.id, "contact_id": decider.id, "influence": 5,
            "attitude": "supporter", "role_ids": [Command.set(roles.ids)],
        })
        Member.create({
            "partner_id": account.id, "contact_id": adviser.id, "influence": 3,
            "attitude": "opponent", "influences_member_ids": [Command.set(boss.ids)],
        })
        self.start_tour(f"/odoo/res.partner/{account.id}", "kam_dossier_tour", login="admin")
        dossier = self.env["kam.dossier"].search([("partner_id", "=", account.id)])
        self.assertEqual(len(dossier), 1)
