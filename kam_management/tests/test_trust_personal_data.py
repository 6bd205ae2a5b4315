# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

import io

import openpyxl
from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger

from .common import TrustFixtures

BIRTHDAY = "1979-04-12"
# What the fixture profile of Petra Person holds, as typed.
PERSONAL_TEXTS = ("Rowing", "Two daughters", "Reliability")
MEMBER_PERSONAL_FIELDS = (
    "kam_birthday", "kam_hobbies", "kam_family", "kam_values", "kam_gift_preferences",
    "kam_personal_date_ids",
)


@tagged("post_install", "-at_install")
class TestTrustPersonalData(TrustFixtures, TransactionCase):
    """People's personal data belong to the team of an account where the person is in
    the DMU, and to the KAM managers of that company (SPEC §2, §5): nobody else reads,
    searches, groups, exports or sees them in tracking."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_trust()
        cls.member = cls.records["kam.dmu.member"]
        cls.personal_date = cls.records["kam.personal.date"]
        cls.Profile = cls.env["kam.person.profile"]
        # An account of KAM B in company A, with a person in its DMU and a profile.
        cls.account_b = cls.env["res.partner"].create({
            "name": "Trust Account of KAM B", "is_company": True, "company_id": cls.company_a.id,
            "kam_status": "key", "kam_user_id": cls.users["kam_other"].id,
        })
        cls.person_b = cls.env["res.partner"].create({
            "name": "Bruno Buyer", "parent_id": cls.account_b.id, "company_id": cls.company_a.id,
        })
        cls.member_b = cls.env["kam.dmu.member"].create({
            "partner_id": cls.account_b.id, "contact_id": cls.person_b.id, "company_id": cls.company_a.id,
            "kam_hobbies": "Fishing",
        })
        cls.profile_b = cls.member_b.kam_profile_id
        # Exports are allowed to the KAM users, so that only the record rules refuse.
        export = cls.env.ref("base.group_allow_export")
        for key in ("kam_own", "kam_other", "manager", "other_company"):
            cls.users[key].groups_id = [Command.link(export.id)]

    def _as(self, key, records):
        return records.with_user(self.users[key]).with_company(self.company_a)

    def _profile_values(self):
        self.env.invalidate_all()
        profile = self.profile.sudo()
        return (
            str(profile.birthday), profile.hobbies, profile.family, profile.values,
            profile.gift_preferences, profile.partner_id, profile.personal_date_ids,
        )

    # ------------------------------------------------------------------
    # The account's team and the company's KAM managers
    # ------------------------------------------------------------------

    def test_own_kam_reads_and_edits_the_profile(self):
        profile = self._as("kam_own", self.profile)
        self.assertEqual(
            self._as("kam_own", self.Profile).search([("birthday", "=", BIRTHDAY)]), profile,
        )
        self.assertEqual(profile.read(["birthday", "hobbies"])[0]["hobbies"], "Rowing")
        profile.write({"hobbies": "Kayaking"})
        self.assertEqual(self.profile.hobbies, "Kayaking")
        # The DMU member shows and edits the same profile, with the user's rights.
        member = self._as("kam_own", self.member)
        self.assertEqual(member.kam_profile_id, self.profile)
        self.assertEqual(str(member.kam_birthday), BIRTHDAY)
        Member = self._as("kam_own", self.env["kam.dmu.member"])
        self.assertIn(self.member, Member.search([("kam_profile_id", "!=", False)]))
        self.assertNotIn(self.member, Member.search([("kam_profile_id", "=", False)]))
        self.assertEqual(Member.search([("kam_hobbies", "=", "Kayaking")]), self.member)
        member.write({
            "kam_family": "Two daughters, one grandson",
            "kam_personal_date_ids": [Command.create({"name": "Wedding day", "date": "2005-09-10"})],
        })
        self.assertEqual(self.profile.family, "Two daughters, one grandson")
        self.assertEqual(
            set(self._as("kam_own", self.profile).personal_date_ids.mapped("name")),
            {"Name day", "Wedding day"},
        )
        self._as("kam_own", self.personal_date).write({"notes": "Call in the morning"})
        self.assertEqual(self.personal_date.notes, "Call in the morning")

    def test_profile_is_created_on_first_use_for_a_dmu_person_only(self):
        member = self._as("kam_own", self.env["kam.dmu.member"]).create({
            "partner_id": self.account.id, "contact_id": self.person2.id, "company_id": self.company_a.id,
            "kam_birthday": "1985-01-30",
        })
        self.assertEqual(member.kam_profile_id.partner_id, self.person2)
        self.assertEqual(str(member.kam_profile_id.birthday), "1985-01-30")
        action = self._as("kam_own", self.person2).action_kam_open_person_profile()
        self.assertEqual(action["res_id"], member.kam_profile_id.id)
        # Somebody else's person: refused, nothing created.
        count = self.Profile.search_count([])
        with self.assertRaises(AccessError) as caught:
            self._as("kam_own", self.person_b).action_kam_open_person_profile()
        self.assertIn("add the person to the DMU", str(caught.exception))
        with self.assertRaises(AccessError):
            self._as("kam_own", self.Profile).create({"partner_id": self.person.parent_id.id})
        self.assertEqual(self.Profile.search_count([]), count)

    def test_account_team_member_reads_and_loses_access_with_the_team(self):
        kam_other = self.users["kam_other"]
        self.assertFalse(self._attempt(lambda: self._as("kam_other", self.profile).read(["hobbies"])))
        self.account.kam_team_user_ids = [Command.link(kam_other.id)]
        self.assertEqual(self._as("kam_other", self.profile).hobbies, "Rowing")
        self.account.kam_team_user_ids = [Command.unlink(kam_other.id)]
        self.env.invalidate_all()
        self.assertFalse(self._attempt(lambda: self._as("kam_other", self.profile).read(["hobbies"])))

    def test_company_manager_reads_and_edits(self):
        for profile in (self.profile, self.profile_b):
            self.assertEqual(self._as("manager", self.Profile).search([("id", "=", profile.id)]), profile)
        self._as("manager", self.profile).write({"gift_preferences": "Green tea"})
        self.assertEqual(self.profile.gift_preferences, "Green tea")
        self.assertEqual(self._as("manager", self.personal_date).name, "Name day")

    def test_person_in_two_dmus_is_shared_by_both_teams(self):
        """Petra moved to KAM B's account and joined its DMU; her old membership stays."""
        self.person.parent_id = self.account_b
        member = self._as("kam_other", self.env["kam.dmu.member"]).create({
            "partner_id": self.account_b.id, "contact_id": self.person.id, "company_id": self.company_a.id,
        })
        self.assertEqual(member.kam_profile_id, self.profile)
        self.assertEqual(self._as("kam_other", self.profile).hobbies, "Rowing")
        member.write({"kam_hobbies": "Rowing, chess"})
        self.assertEqual(self._as("kam_own", self.profile).hobbies, "Rowing, chess")
        self.assertEqual(self._as("kam_other", self.personal_date).name, "Name day")

    def test_removing_the_person_from_the_dmu_removes_the_access(self):
        # Archived, the member stays the team's (readable), and so does the profile.
        self._as("kam_own", self.member).action_archive()
        self.assertEqual(self._as("kam_own", self.profile).hobbies, "Rowing")
        self._as("kam_own", self.member).unlink()
        self.env.invalidate_all()
        profile = self._as("kam_own", self.profile)
        self.assertFalse(self._attempt(lambda: profile.read(["hobbies"])))
        self.assertFalse(self._as("kam_own", self.Profile).search([("birthday", "=", BIRTHDAY)]))
        self.assertFalse(self._attempt(lambda: self._as("kam_own", self.personal_date).read(["name"])))
        self.assertFalse(self._attempt(lambda: self._as("manager", self.profile).read(["hobbies"])))
        self.assertEqual(self._profile_values()[1], "Rowing", "the data stay, unreachable")

    # ------------------------------------------------------------------
    # Everybody else
    # ------------------------------------------------------------------

    def test_other_kam_cannot_read_search_group_export_or_write(self):
        before = self._profile_values()
        profile = self._as("kam_other", self.profile)
        Profile = self._as("kam_other", self.Profile)
        with self.assertRaises(AccessError) as caught:
            profile.read(["birthday"])
        self.assertIn("kam.person.profile", str(caught.exception))
        self.assertEqual(Profile.search([]), self._as("kam_other", self.profile_b))
        self.assertFalse(Profile.search([("birthday", "=", BIRTHDAY)]))
        self.assertFalse(Profile.search([("hobbies", "ilike", "rowing")]))
        self.assertFalse(Profile.search([("partner_id", "=", self.person.id)]))
        groups = Profile.read_group([], [], ["birthday:day"])
        self.assertFalse([group for group in groups if group["birthday:day"]])
        with self.assertRaises(AccessError):
            profile.export_data(["birthday", "hobbies", "family"])
        with self.assertRaises(AccessError):
            profile.write({"hobbies": "Stolen"})
        with self.assertRaises(AccessError):
            profile.unlink()
        # Through the people and the DMU: nothing either.
        Partner = self._as("kam_other", self.env["res.partner"])
        self.assertFalse(Partner.search([("kam_dmu_membership_ids.kam_birthday", "=", BIRTHDAY)]))
        self.assertFalse(Partner.search([("kam_dmu_membership_ids.kam_hobbies", "=", "Rowing")]))
        self.env.invalidate_all()
        rows = self._as("kam_other", self.person).export_data(
            ["name", "kam_dmu_membership_ids/kam_birthday", "kam_dmu_membership_ids/kam_hobbies"],
        )["datas"]
        self.assertNotIn("Rowing", str(rows))
        self.assertFalse(self._as("kam_other", self.env["kam.dmu.member"]).search(
            [("kam_birthday", "=", BIRTHDAY)]
        ))
        with self.assertRaises(AccessError):
            self._as("kam_other", self.member).read(["kam_birthday"])
        # A new member typed on their own account shows no profile of a stranger.
        draft = self._as("kam_other", self.env["kam.dmu.member"]).new({
            "partner_id": self.account_b.id, "contact_id": self.person.id,
        })
        self.assertFalse(draft.kam_birthday)
        self.assertFalse(draft.kam_hobbies)
        # The form's onchange, with the victim's profile slipped into the values.
        spec = {name: {} for name in ("partner_id", "contact_id", "kam_birthday", "kam_hobbies")}
        spec["kam_profile_id"] = {"fields": {"birthday": {}, "hobbies": {}}}
        spec["kam_personal_date_ids"] = {"fields": {"name": {}}}
        Member = self._as("kam_other", self.env["kam.dmu.member"])
        for values in (
            {"partner_id": self.account_b.id, "contact_id": self.person.id},
            {"partner_id": self.account_b.id, "contact_id": self.person.id, "kam_profile_id": self.profile.id},
        ):
            with self.subTest(values=values):
                try:
                    result = Member.onchange(values, ["contact_id"], spec)
                except AccessError:
                    continue
                for text in (*PERSONAL_TEXTS, BIRTHDAY, "Name day"):
                    self.assertNotIn(text, str(result))
        self.assertEqual(self._profile_values(), before)
        # The legitimate path: KAM A still reads and finds it.
        self.assertEqual(self._as("kam_own", self.Profile).search([("birthday", "=", BIRTHDAY)]), self.profile)
        self.assertEqual(
            self._as("kam_own", self.env["res.partner"]).search(
                [("kam_dmu_membership_ids.kam_birthday", "=", BIRTHDAY)]
            ),
            self.person,
        )

    def test_other_kam_cannot_reach_the_personal_dates(self):
        before = self._profile_values()
        Date = self._as("kam_other", self.env["kam.personal.date"])
        with self.assertRaises(AccessError):
            self._as("kam_other", self.personal_date).read(["name", "date"])
        self.assertFalse(Date.search([("partner_id", "=", self.person.id)]))
        with self.assertRaises(AccessError):
            self._as("kam_other", self.personal_date).write({"name": "Hijacked"})
        with self.assertRaises(AccessError):
            Date.create({"profile_id": self.profile.id, "name": "Planted", "date": "2000-01-01"})
        # Linking the victim's date into one's own profile writes the date.
        with self.assertRaises(AccessError):
            self._as("kam_other", self.profile_b).write({
                "personal_date_ids": [Command.link(self.personal_date.id)],
            })
        self.assertEqual(self._profile_values(), before)
        self.assertEqual(self.personal_date.name, "Name day")

    def test_other_kam_cannot_open_or_plant_a_profile(self):
        before = self._profile_values()
        count = self.Profile.search_count([])
        with self.assertRaises(AccessError) as caught:
            self._as("kam_other", self.Profile).create({"partner_id": self.person.id, "hobbies": "Planted"})
        self.assertIn("Petra Person", str(caught.exception))
        self.assertIn("add the person to the DMU", str(caught.exception))
        with self.assertRaises(AccessError):
            self._as("kam_other", self.person).action_kam_open_person_profile()
        # Moving one's own profile onto the victim: refused.
        with self.assertRaises(UserError):
            self._as("kam_other", self.profile_b).write({"partner_id": self.person.id})
        # Joining the victim to one's own DMU: the person is not of that account.
        with self.assertRaises(ValidationError):
            self._as("kam_other", self.env["kam.dmu.member"]).create({
                "partner_id": self.account_b.id, "contact_id": self.person.id,
                "company_id": self.company_a.id, "kam_hobbies": "Planted",
            })
        self.env.invalidate_all()
        self.assertEqual(self.Profile.search_count([]), count)
        self.assertEqual(self._profile_values(), before)
        self.assertEqual(self.profile_b.partner_id, self.person_b)

    def test_salesman_and_portal_have_no_access_at_all(self):
        before = self._profile_values()
        for key in ("salesman", "portal"):
            for model, record in (("kam.person.profile", self.profile), ("kam.personal.date", self.personal_date)):
                with self.subTest(user=key, model=model):
                    with self.assertRaises(AccessError) as caught:
                        self._as(key, self.env[model]).search([])
                    self.assertIn("You are not allowed to access", str(caught.exception))
                    with self.assertRaises(AccessError):
                        self._as(key, record).read(["display_name"])
                    with self.assertRaises(AccessError):
                        self._as(key, record).write({"notes" if model == "kam.personal.date" else "hobbies": "X"})
            with self.subTest(user=key, operation="create"), self.assertRaises(AccessError):
                self._as(key, self.Profile).create({"partner_id": self.person2.id})
        with self.assertRaises(AccessError):
            self._as("salesman", self.person).read(["kam_dmu_membership_ids"])
        self.assertNotIn("kam_birthday", self._as("salesman", self.person).read()[0])
        self.assertEqual(self._profile_values(), before)

    def test_manager_of_another_company_is_refused(self):
        """Also for a person without a company, shared by every company."""
        self.person.company_id = False
        before = self._profile_values()
        user = self.users["other_company"]
        profile = self.profile.with_user(user)
        with self.assertRaises(AccessError):
            profile.read(["birthday"])
        self.assertFalse(self.Profile.with_user(user).search([("birthday", "=", BIRTHDAY)]))
        self.assertFalse(self.Profile.with_user(user).search([]))
        with self.assertRaises(AccessError):
            profile.write({"hobbies": "Stolen"})
        with self.assertRaises(AccessError):
            self.personal_date.with_user(user).read(["name"])
        with self.assertRaises(AccessError):
            self.Profile.with_user(user).create({"partner_id": self.person.id})
        self.assertEqual(self._profile_values(), before)
        # The manager of company A, the company of the DMU, reads it.
        self.assertEqual(self._as("manager", self.profile).hobbies, "Rowing")

    # ------------------------------------------------------------------
    # Tracking, reminders, exports
    # ------------------------------------------------------------------

    def test_nothing_personal_in_tracking(self):
        self.assertNotIn("message_ids", self.Profile._fields, "no chatter on the profile")
        self.assertNotIn("message_ids", self.env["kam.personal.date"]._fields)
        for fname in MEMBER_PERSONAL_FIELDS:
            self.assertFalse(getattr(self.env["kam.dmu.member"]._fields[fname], "tracking", False), fname)
        self.env.flush_all()
        self.env.cr.precommit.run()
        self.env.invalidate_all()
        self._as("kam_own", self.member).write({
            "kam_birthday": "1979-04-13", "kam_hobbies": "Zq7 hobby", "kam_family": "Zq7 family",
            "kam_values": "Zq7 values", "kam_gift_preferences": "Zq7 gift",
            "kam_personal_date_ids": [Command.create({"name": "Zq7 occasion", "date": "1999-09-09"})],
            "attitude": "supporter",
        })
        self._as("kam_own", self.profile).write({"hobbies": "Zq7 hobby 2"})
        self.env.flush_all()
        self.env.cr.precommit.run()
        self.env.invalidate_all()
        values = self.env["mail.tracking.value"].search([])
        self.assertIn(
            "attitude", values.filtered(lambda value: value.mail_message_id.res_id == self.member.id
                                        and value.mail_message_id.model == "kam.dmu.member").field_id.mapped("name"),
            "the member's tracked fields are still tracked",
        )
        personal_fields = self.env["ir.model.fields"].search([
            "|", ("model", "in", ["kam.person.profile", "kam.personal.date"]),
            "&", ("model", "=", "kam.dmu.member"), ("name", "in", list(MEMBER_PERSONAL_FIELDS)),
        ])
        self.assertFalse(values.filtered(lambda value: value.field_id in personal_fields))
        dump = str(values.read(["old_value_char", "new_value_char", "old_value_text", "new_value_text"]))
        messages = str(self.env["mail.message"].search([]).mapped("body"))
        for secret in ("Zq7", "1979-04-13", "Rowing", "Two daughters"):
            self.assertNotIn(secret, dump)
            self.assertNotIn(secret, messages)
        self.assertEqual(self.profile.hobbies, "Zq7 hobby 2")

    def test_greeting_reminder_for_a_dmu_birthday(self):
        self.company_a.write({"kam_greeting_enabled": True, "kam_greeting_days": 7})
        scheduler = self.env["kam.comm.scheduler"]
        Occurrence = self.env["kam.comm.occurrence"]
        with freeze_time("2025-04-06 12:00:00"):
            scheduler._kam_run_batch(self.company_a, self.account | self.account_b, fields.Date.today())
        birthday = Occurrence.search([("rule", "=", "birthday"), ("partner_id", "=", self.account.id)])
        self.assertEqual(len(birthday), 1)
        self.assertIn("Petra Person", birthday.summary)
        self.assertEqual(str(birthday.due_date), "2025-04-12")
        self.assertEqual(birthday.user_id, self.users["kam_own"])
        self.assertFalse(
            Occurrence.search([("rule", "=", "birthday"), ("partner_id", "=", self.account_b.id)]),
            "Petra is not in the DMU of KAM B's account",
        )
        # The reminder is an activity on the DMU member, not on the account whose
        # activities every reader of the account sees.
        activity = birthday.activity_id
        self.assertEqual((activity.res_model, activity.res_id), ("kam.dmu.member", self.member.id))
        self.assertEqual(self._as("kam_own", activity).read(["summary"])[0]["summary"], birthday.summary)
        for key in ("salesman", "kam_other", "other_company"):
            with self.subTest(user=key), self.assertRaises(AccessError):
                activity.with_user(self.users[key]).read(["summary", "date_deadline"])
            found = self.env["mail.activity"].with_user(self.users[key]).search([("summary", "ilike", "Petra")])
            self.assertFalse(found, f"{key} finds the birthday reminder")
        # Done by the KAM: a contact with the account and the person, in the member's chatter.
        self._as("kam_own", activity).with_context(kam_contact_outcome="positive").action_feedback(
            feedback="Sent flowers"
        )
        log = self.env["kam.contact.log"].search([("partner_id", "=", self.account.id), ("source", "=", "activity")])
        self.assertEqual(log.contact_ids, self.person)
        self.assertFalse(self.account.message_ids.filtered(lambda message: "Petra" in (message.body or "")))
        # Out of the DMU, no more greetings on the account's behalf.
        self.member.unlink()
        dates = self.env["res.partner"]._kam_greeting_dates(
            fields.Date.to_date("2026-04-06"), fields.Date.to_date("2026-04-13"), accounts=self.account,
        )
        self.assertFalse([item for item in dates if item["partner_id"] == self.person.id])

    def test_exports_hold_only_the_people_the_user_may_see(self):
        rows = self._as("kam_own", self.member).export_data(["contact_id", "kam_birthday", "kam_hobbies"])["datas"]
        self.assertEqual([[str(value) for value in row] for row in rows], [[self.person.display_name, BIRTHDAY, "Rowing"]])
        with self.assertRaises(AccessError):
            self._as("kam_own", self.member | self.member_b).export_data(["kam_hobbies"])
        rows = self._as("manager", self.member | self.member_b).export_data(["kam_hobbies"])["datas"]
        self.assertEqual(sorted(row[0] for row in rows), ["Fishing", "Rowing"])
        # The dossier (workbook and PDF) and the relationship map carry no personal data.
        content = self.env["kam.export"].with_user(self.users["kam_own"]).with_company(self.company_a)._kam_build_dossier_workbook(
            self.account,
        )
        book = openpyxl.load_workbook(io.BytesIO(content))
        cells = str([cell.value for sheet in book for row in sheet.iter_rows() for cell in row])
        self.assertIn("Petra Person", cells)
        html = self.env["ir.actions.report"].with_user(self.users["kam_own"])._render_qweb_html(
            "kam_management.action_report_kam_dossier", self.account.ids,
        )[0].decode()
        map_data = str(self._as("kam_own", self.env["kam.dmu.member"]).get_relationship_map_data(self.account.id))
        self.assertIn("Petra Person", map_data)
        for text in PERSONAL_TEXTS:
            self.assertNotIn(text, cells)
            self.assertNotIn(text, html)
            self.assertNotIn(text, map_data)

    def test_birthday_in_the_future_is_refused(self):
        with mute_logger("odoo.models"), self.assertRaises(ValidationError) as caught:
            self._as("kam_own", self.member).write({"kam_birthday": "2999-01-01"})
        self.assertIn("cannot be in the future", str(caught.exception))
        self.env.invalidate_all()
        self.assertEqual(str(self.profile.birthday), BIRTHDAY)
