# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from psycopg2 import IntegrityError

from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import KamDmuCommon


@tagged("post_install", "-at_install")
class TestDmuMember(KamDmuCommon):
    def test_create_edit_and_link_members(self):
        ceo = self._member(self.ceo, "decision_maker", influence=5, attitude="neutral")
        cfo = self._member(self.cfo, "economic_buyer", influence=4)
        self.assertTrue(ceo.is_decision_maker)
        self.assertFalse(cfo.is_decision_maker)
        self.assertEqual(ceo.display_name, "Clara Ceo")
        self.assertEqual(ceo.company_id, self.company)
        self.assertIn("Decision Maker:", ceo.role_tailoring_hint)

        self.env.flush_all()
        self.env.cr.precommit.run()  # the creation is committed: later changes are tracked
        ceo.write({"attitude": "supporter", "relationship_stage": "loyal", "involvement": 4})
        self.env.flush_all()
        self.env.cr.precommit.run()  # mail tracking is written before commit
        ceo.invalidate_recordset(["message_ids"])
        self.assertEqual((ceo.attitude, ceo.relationship_stage, ceo.involvement), ("supporter", "loyal", 4))
        tracked = ceo.message_ids.tracking_value_ids.mapped("field_id.name")
        self.assertIn("attitude", tracked)
        self.assertIn("relationship_stage", tracked)

        cfo.influences_member_ids = ceo
        self.assertEqual(ceo.influenced_by_member_ids, cfo)
        ceo.role_ids = [Command.unlink(self.role["decision_maker"].id)]
        self.assertFalse(ceo.is_decision_maker)

    def test_contact_created_on_the_fly_joins_the_account(self):
        contact = self.env["res.partner"].with_context(default_parent_id=self.account.id).create({
            "name": "Nina New",
        })
        member = self._member(contact, "influencer")
        self.assertEqual(member.partner_id, self.account)

    def test_one_member_per_person_per_account(self):
        self._member(self.ceo, "decision_maker")
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError) as caught:
            with self.env.cr.savepoint():
                self._member(self.ceo, "influencer")
        self.assertIn("contact_account_company_unique", str(caught.exception))
        self.assertEqual(self.Member.search_count([("contact_id", "=", self.ceo.id)]), 1)

    def test_one_member_per_company_of_ours(self):
        """Another company of ours keeps its own relationship with the same person."""
        other_company = self.env["res.company"].create({"name": "KAM Sister Company"})
        here = self._member(self.ceo, "decision_maker", attitude="supporter")
        there = self._member(self.ceo, "influencer", attitude="opponent", company_id=other_company.id)
        self.assertEqual(there.company_id, other_company)
        self.kam.company_ids = [Command.link(other_company.id)]
        # The identity is per company: the KAM is the account's KAM there too.
        self.env["kam.account"].create({
            "partner_id": self.account.id, "company_id": other_company.id,
            "kam_status": "key", "kam_user_id": self.kam.id,
        })
        Member = self.Member.with_user(self.kam)
        self.assertEqual(Member.with_context(allowed_company_ids=[self.company.id]).search([]), here)
        self.assertEqual(Member.with_context(allowed_company_ids=[other_company.id]).search([]), there)
        data = Member.with_company(other_company).get_relationship_map_data(self.account.id)
        self.assertEqual([node["attitude"] for node in data["members"]], ["opponent"])

    def test_member_must_be_a_person_of_the_account(self):
        with self.assertRaisesRegex(ValidationError, "is not a person of Nordwerk"):
            self.Member.create({"partner_id": self.account.id, "contact_id": self.stranger.id})
        with self.assertRaisesRegex(ValidationError, "is not a person of Nordwerk"):
            self.Member.create({"partner_id": self.account.id, "contact_id": self.account.id})
        with self.assertRaisesRegex(ValidationError, "record it on the account itself"):
            self.Member.create({"partner_id": self.ceo.id, "contact_id": self.cfo.id})

    def test_scales_are_one_to_five(self):
        member = self._member(self.ceo)
        for field, value, message in (
            ("influence", 6, "influence of Clara Ceo must be between 1 and 5"),
            ("influence", 0, "influence of Clara Ceo must be between 1 and 5"),
            ("involvement", 0, "involvement of Clara Ceo must be between 1 and 5"),
        ):
            with self.assertRaisesRegex(ValidationError, message), self.env.cr.savepoint():
                member.write({field: value})
            member.invalidate_recordset()
            self.assertEqual(member[field], 3)

    def test_influence_links_stay_inside_the_account(self):
        ceo = self._member(self.ceo, "decision_maker")
        stranger = self._member(self.stranger, "user")
        with self.assertRaisesRegex(ValidationError, "belong to different key accounts"):
            ceo.influences_member_ids = stranger
        with self.assertRaisesRegex(ValidationError, "different key accounts"):
            stranger.influenced_by_member_ids = ceo
        with self.assertRaisesRegex(ValidationError, "cannot influence themselves"):
            ceo.influences_member_ids = ceo

    def test_relationship_map_data(self):
        ceo = self._member(self.ceo, "decision_maker", influence=5, attitude="supporter")
        cfo = self._member(self.cfo, "economic_buyer", influence=3, attitude="opponent")
        tech = self._member(self.engineer, "technical", influence=2)
        cfo.influences_member_ids = ceo
        tech.influences_member_ids = cfo | ceo
        self._member(self.stranger, "user")  # another account: not on this map

        data = self.Member.with_user(self.kam).get_relationship_map_data(self.account.id)
        self.assertEqual(data["account"]["name"], "Nordwerk Industries")
        nodes = {node["name"]: node for node in data["members"]}
        self.assertEqual(set(nodes), {"Clara Ceo", "Frank Finance", "Tina Tech"})
        self.assertTrue(nodes["Clara Ceo"]["is_decision_maker"])
        self.assertEqual(nodes["Frank Finance"]["attitude"], "opponent")
        self.assertEqual(nodes["Clara Ceo"]["roles"], [{"name": "Decision Maker", "code": "decision_maker"}])
        edges = {(edge["source"], edge["target"]) for edge in data["edges"]}
        self.assertEqual(edges, {(cfo.id, ceo.id), (tech.id, cfo.id), (tech.id, ceo.id)})

        accounts = self.Member.with_user(self.kam).get_relationship_map_accounts()
        self.assertEqual([a["id"] for a in accounts], [self.account.id])
        action = self.account.with_user(self.kam).action_kam_open_relationship_map()
        self.assertEqual((action["tag"], action["params"]["partner_id"]), ("kam_relationship_map", self.account.id))


@tagged("post_install", "-at_install")
class TestDmuAccess(KamDmuCommon):
    def test_salesman_cannot_read_personal_data(self):
        member = self._member(self.ceo, "decision_maker")
        member.write({"kam_birthday": "1975-05-17", "kam_hobbies": "Sailing"})
        ceo = self.ceo.with_user(self.salesman)
        self.assertEqual(ceo.name, "Clara Ceo")
        self.assertNotIn("kam_birthday", ceo.read()[0])
        self.assertNotIn("kam_dmu_membership_ids", self.env["res.partner"].with_user(self.salesman).fields_get())
        arch = self.env["res.partner"].with_user(self.salesman).get_views([(False, "form")])
        self.assertNotIn("action_kam_open_person_profile", arch["views"]["form"]["arch"])
        for model in ("kam.person.profile", "kam.personal.date"):
            with self.assertRaises(AccessError, msg=model):
                self.env[model].with_user(self.salesman).search([])
        with self.assertRaises(AccessError):
            member.kam_profile_id.with_user(self.salesman).write({"hobbies": "Golf"})
        self.assertEqual(member.kam_profile_id.hobbies, "Sailing")

    def test_kam_reads_and_writes_personal_data(self):
        """Through the DMU member, the KAM of the account edits the person's profile."""
        member = self._member(self.ceo, "decision_maker").with_user(self.kam)
        member.write({
            "kam_birthday": "1975-05-17", "kam_gift_preferences": "Books on sailing",
            "kam_personal_date_ids": [Command.create({"name": "Name day", "date": "2020-07-26"})],
        })
        self.assertEqual(member.read(["kam_gift_preferences"])[0]["kam_gift_preferences"], "Books on sailing")
        self.assertEqual(member.kam_personal_date_ids.name, "Name day")
        profile = member.kam_profile_id
        self.assertEqual((profile.partner_id, str(profile.birthday)), (self.ceo, "1975-05-17"))
        self.assertEqual(profile.personal_date_ids.partner_id, self.ceo)
        action = self.ceo.with_user(self.kam).action_kam_open_person_profile()
        self.assertEqual((action["res_model"], action["res_id"]), ("kam.person.profile", profile.id))
        arch = self.env["kam.dmu.member"].with_user(self.kam).get_views([(False, "form")])
        self.assertIn("kam_birthday", arch["views"]["form"]["arch"])
        # Another KAM: neither the member nor the profile.
        with self.assertRaises(AccessError):
            profile.with_user(self.other_kam).read(["birthday"])
        with self.assertRaises(AccessError):
            self.ceo.with_user(self.other_kam).action_kam_open_person_profile()

    def test_salesman_has_no_dmu_nor_dossier(self):
        self._member(self.ceo, "decision_maker")
        self.env["kam.dossier"]._kam_get_or_create(self.account)
        for model in ("kam.dmu.member", "kam.dossier", "kam.competitor.presence", "kam.lead.dmu"):
            with self.assertRaises(AccessError, msg=model):
                self.env[model].with_user(self.salesman).search([])
        with self.assertRaises(AccessError):
            self.account.with_user(self.salesman).action_open_kam_dossier()
        lead_fields = self.env["crm.lead"].with_user(self.salesman).fields_get()
        self.assertNotIn("kam_dmu_coverage", lead_fields)

    def test_pipeline_views_show_coverage_to_kam_groups_only(self):
        views = [(False, "kanban"), (False, "form")]
        for user, visible in ((self.salesman, False), (self.kam, True)):
            archs = self.env["crm.lead"].with_user(user).get_views(views)["views"]
            for view_type in ("kanban", "form"):
                self.assertEqual(
                    "kam_dmu_coverage" in archs[view_type]["arch"], visible, f"{user.name} {view_type}"
                )
        self.assertIn("No decision maker identified", archs["form"]["arch"])

    def test_salesman_can_still_work_deals(self):
        """The stored coverage is computed whoever saves the deal."""
        lead = self.env["crm.lead"].with_user(self.salesman).create({
            "name": "Walk-in request", "type": "opportunity", "partner_id": self.account.id,
            "user_id": self.salesman.id,
        })
        lead.with_user(self.salesman).write({"name": "Walk-in request (renamed)"})
        self.assertEqual(lead.sudo().kam_dmu_coverage, 0)
        self.assertTrue(lead.sudo().kam_dmu_missing_decision_maker)

    def test_kam_user_sees_own_accounts_only(self):
        own = self._member(self.ceo, "decision_maker")
        other = self._member(self.stranger, "user")
        visible = self.Member.with_user(self.kam).search([])
        self.assertIn(own, visible)
        self.assertNotIn(other, visible)
        newcomer = self.env["res.partner"].create({"name": "Nick New", "parent_id": self.other_account.id})
        with self.assertRaises(AccessError):
            self.Member.with_user(self.kam).create({
                "partner_id": self.other_account.id, "contact_id": newcomer.id,
            })
        # A team member of the account sees it too.
        self.other_account.kam_team_user_ids = self.kam
        self.assertIn(other, self.Member.with_user(self.kam).search([]))


@tagged("post_install", "-at_install")
class TestDmuCoverage(KamDmuCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Lead = cls.env["crm.lead"]

    def _lead(self, name="Line 4 retrofit", partner=None, lines=()):
        return self.Lead.create({
            "name": name,
            "type": "opportunity",
            "partner_id": (partner or self.account).id,
            "user_id": self.kam.id,
            "kam_dmu_line_ids": [
                Command.create({"contact_id": contact.id, "role_id": self.role[code].id})
                for contact, code in lines
            ],
        })

    def test_default_required_roles(self):
        self.assertEqual(
            set(self.company.kam_required_dmu_role_ids.mapped("code")),
            {"decision_maker", "economic_buyer", "technical", "user"},
        )

    def test_deal_without_decision_maker(self):
        lead = self._lead(lines=[(self.engineer, "technical"), (self.operator, "user")])
        self.assertEqual(lead.kam_dmu_coverage, 50)
        self.assertTrue(lead.kam_dmu_missing_decision_maker)
        self.assertEqual(lead.kam_dmu_missing_role_names, "Decision Maker, Economic Buyer / Finance")
        empty = self._lead(name="Empty")
        self.assertEqual(empty.kam_dmu_coverage, 0)
        self.assertTrue(empty.kam_dmu_missing_decision_maker)

    def test_deal_with_decision_maker(self):
        lead = self._lead(lines=[(self.ceo, "decision_maker"), (self.cfo, "economic_buyer")])
        self.assertEqual(lead.kam_dmu_coverage, 50)
        self.assertFalse(lead.kam_dmu_missing_decision_maker)
        lead.kam_dmu_line_ids = [
            Command.create({"contact_id": self.engineer.id, "role_id": self.role["technical"].id}),
            Command.create({"contact_id": self.operator.id, "role_id": self.role["user"].id}),
        ]
        self.assertEqual(lead.kam_dmu_coverage, 100)
        self.assertFalse(lead.kam_dmu_missing_role_names)
        # An influencer does not count towards the required roles.
        lead.kam_dmu_line_ids.filtered(lambda line: line.role_id == self.role["user"]).role_id = (
            self.role["influencer"]
        )
        self.assertEqual(lead.kam_dmu_coverage, 75)

    def test_coverage_follows_the_company_setting(self):
        lead = self._lead(lines=[(self.ceo, "decision_maker")])
        self.assertEqual(lead.kam_dmu_coverage, 25)
        self.company.kam_required_dmu_role_ids = self.role["decision_maker"]
        self.assertEqual(lead.kam_dmu_coverage, 100)
        self.company.kam_required_dmu_role_ids = False
        self.assertEqual(lead.kam_dmu_coverage, 100)

    def test_deal_people_join_the_account_dmu(self):
        existing = self._member(self.ceo, "decision_maker", attitude="supporter")
        lead = self._lead(lines=[(self.ceo, "decision_maker"), (self.cfo, "economic_buyer")])
        ceo_line, cfo_line = lead.kam_dmu_line_ids.sorted(lambda line: line.contact_id.name)
        self.assertEqual(ceo_line.member_id, existing)
        self.assertEqual(ceo_line.attitude, "supporter")
        self.assertEqual(cfo_line.member_id.partner_id, self.account)
        self.assertEqual(cfo_line.member_id.role_ids, self.role["economic_buyer"])
        self.assertEqual(self.Member.search_count([("partner_id", "=", self.account.id)]), 2)

    def test_one_primary_contact_per_deal(self):
        lead = self._lead(lines=[(self.ceo, "decision_maker"), (self.cfo, "economic_buyer")])
        lead.kam_dmu_line_ids[0].is_primary = True
        with self.assertRaisesRegex(ValidationError, "only one primary contact"):
            lead.kam_dmu_line_ids[1].is_primary = True

    def test_deal_people_belong_to_the_client(self):
        with self.assertRaisesRegex(ValidationError, "Stan Stranger is not a person of Nordwerk"):
            self._lead(lines=[(self.stranger, "user")])

    def test_pipeline_coverage_is_not_computed_per_card(self):
        """Computing and reading the coverage costs the same for 3 and for 9 deals."""
        leads = self.Lead
        for index in range(9):
            leads |= self._lead(name=f"Deal {index}", lines=[
                (self.ceo, "decision_maker"), (self.engineer, "technical"),
            ])
        spec = {
            "name": {}, "kam_dmu_coverage": {}, "kam_dmu_missing_decision_maker": {},
            "kam_dmu_line_ids": {}, "partner_id": {"fields": {"display_name": {}}},
        }

        def cost(records):
            field = self.Lead._fields["kam_dmu_coverage"]
            self.env.invalidate_all()
            self.env.add_to_compute(field, records)
            start = self.env.cr.sql_log_count
            records.flush_recordset(["kam_dmu_coverage"])
            compute = self.env.cr.sql_log_count - start
            self.env.invalidate_all()
            start = self.env.cr.sql_log_count
            result = self.Lead.with_user(self.kam).web_search_read(
                [("id", "in", records.ids)], spec
            )
            self.assertEqual({r["kam_dmu_coverage"] for r in result["records"]}, {50})
            return compute, self.env.cr.sql_log_count - start

        cost(leads)  # warm the caches (access rules, views) first
        self.assertEqual(cost(leads[:3]), cost(leads))
