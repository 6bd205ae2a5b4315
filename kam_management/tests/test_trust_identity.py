# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""Who owns a key account: the identity (status, KAM, team, level, types, VIP)
of a commercial entity changes only through a KAM Manager, whatever the write
path (parent / is-company changes and Odoo's commercial-field sync, the
commercial entity itself, create, copy, import, context defaults, merge)."""

import contextlib
import xmlrpc.client

from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import HttpCase, TransactionCase, tagged
from odoo.tools import mute_logger

from .common import PASSWORDS, TrustFixtures

ATTACKERS = ("salesman", "kam_other")


@tagged("post_install", "-at_install")
class TestTrustIdentity(TrustFixtures, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_trust()
        Partner = cls.env["res.partner"]
        company = cls.company_a.id
        # Internal users may merge contacts (a default right of new users).
        partner_manager = cls.env.ref("base.group_partner_manager")
        for key in ("salesman", "kam_own", "kam_other", "manager", "other_company"):
            cls.users[key].write({"groups_id": [Command.link(partner_manager.id)]})
        # The key account of the other KAM: where an attacker would move the victim.
        cls.other_account = Partner.create({
            "name": "Trust Account of KAM B", "is_company": True, "company_id": company,
            "kam_status": "key", "kam_user_id": cls.users["kam_other"].id,
        })
        cls.other_contact = Partner.create({
            "name": "Otto Other", "parent_id": cls.other_account.id, "company_id": company,
        })
        # An individual key account (a person with no company) of KAM A.
        cls.individual = Partner.create({
            "name": "Ivana Individual", "company_id": company, "kam_status": "key",
            "kam_user_id": cls.users["kam_own"].id, "kam_is_vip": True,
            "kam_vip_review_date": "2099-01-01",
        })
        # Plain companies and people, nobody's key account.
        cls.plain = Partner.create({"name": "Plain Shop", "is_company": True, "company_id": company})
        cls.plain2 = Partner.create({"name": "Plain Store", "is_company": True, "company_id": company})
        cls.plain_person = Partner.create({
            "name": "Paula Plain", "parent_id": cls.plain.id, "company_id": company,
        })
        # A contact of Quentin (a contact of the key account): it follows him.
        cls.assistant = Partner.create({
            "name": "Quentin's Assistant", "parent_id": cls.person2.id, "company_id": company,
        })
        cls.account.write({
            "kam_key_since": "2020-01-01", "kam_status_reason": "Bread-winner",
            "kam_level": "department", "kam_level_department": "Procurement",
            "kam_type_ids": [Command.set(cls.env.ref("kam_management.kam_type_breadwinner").ids)],
            "kam_is_vip": True, "kam_vip_review_date": "2099-06-30",
        })

    def setUp(self):
        super().setUp()
        self.victim_identity = self.account._kam_identity()
        self.assertEqual(self.victim_identity["kam_status"], "key")
        self.assertEqual(self.victim_identity["kam_user_id"], self.users["kam_own"].id)

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

    def _as(self, key, record):
        return record.with_user(self.users[key])

    def _can_read(self, key, model):
        record = self.records[model]
        return self._attempt(lambda: (
            record.with_user(self.users[key]).read(["partner_id"]),
            self.assertEqual(
                record.with_user(self.users[key]).search([("id", "=", record.id)]), record,
            ),
        ))

    def _assert_victim_intact(self):
        """The key account of KAM A is what it was, and only its people read its data."""
        self.env.invalidate_all()
        self.assertEqual(self.account.commercial_partner_id, self.account)
        self.assertTrue(self.account.is_company)
        self.assertFalse(self.account.parent_id)
        self.assertEqual(self.account._kam_identity(), self.victim_identity)
        self.assertEqual(self.person.commercial_partner_id, self.account)
        self.assertEqual(self.person.kam_user_id, self.users["kam_own"])
        for model in ("kam.dmu.member", "kam.dossier"):
            self.assertTrue(self._can_read("kam_own", model), model)
            for key in ATTACKERS:
                self.assertFalse(self._can_read(key, model), f"{key} reads {model}")

    def _assert_refused(self, operation, *fragments, error=AccessError):
        with self.assertRaises(error) as caught:
            operation()
            self.env.flush_all()
        for fragment in fragments:
            self.assertIn(fragment, str(caught.exception))
        return caught.exception

    def _assert_blank(self, partner):
        partner.invalidate_recordset()
        self.assertEqual(partner.commercial_partner_id, partner)
        identity = partner._kam_identity()
        self.assertEqual(identity["kam_status"], "none")
        self.assertFalse(identity["kam_user_id"])
        self.assertFalse(identity["kam_team_user_ids"])
        self.assertFalse(identity["kam_key_since"])
        self.assertFalse(identity["kam_is_vip"])
        self.assertFalse(identity["kam_type_ids"])
        self.assertEqual(identity["kam_level"], "company")

    # ------------------------------------------------------------------
    # Re-parenting a key account (the takeover)
    # ------------------------------------------------------------------

    def test_takeover_by_reparenting_then_back(self):
        """is_company False + parent = own account, then back to a company:
        the sync would have copied the attacker's KAM and status."""
        for key in ATTACKERS:
            with self.subTest(user=key):
                victim = self._as(key, self.account)
                self._assert_refused(
                    lambda victim=victim: victim.write(
                        {"is_company": False, "parent_id": self.other_account.id}
                    ),
                    "Trust Account A", "KAM Manager",
                )
                self._assert_victim_intact()
                # The same in two steps: is_company alone changes no identity...
                victim.write({"is_company": False})
                self.assertEqual(self.account._kam_identity(), self.victim_identity)
                # ...the parent is refused.
                self._assert_refused(
                    lambda victim=victim: victim.write({"parent_id": self.other_account.id}),
                    "Trust Account A", "KAM Manager",
                )
                victim.write({"is_company": True})
                self._assert_victim_intact()

    def test_individual_key_account_parent_alone(self):
        for key in ATTACKERS:
            with self.subTest(user=key):
                before = self.individual._kam_identity()
                self._assert_refused(
                    lambda key=key: self._as(key, self.individual).write(
                        {"parent_id": self.other_account.id}
                    ),
                    "Ivana Individual", "KAM Manager",
                )
                self.individual.invalidate_recordset()
                self.assertEqual(self.individual.commercial_partner_id, self.individual)
                self.assertEqual(self.individual._kam_identity(), before)
                self._assert_victim_intact()

    def test_demote_to_none_by_reparenting(self):
        """Under a plain company the account would receive 'none' and no KAM."""
        self._assert_refused(
            lambda: self._as("salesman", self.account).write(
                {"is_company": False, "parent_id": self.plain.id}
            ),
            "Trust Account A", "KAM Manager",
        )
        self._assert_victim_intact()

    def test_reparenting_through_child_ids(self):
        """Linking the account as a contact of one's own account (one2many)."""
        for key in ATTACKERS:
            with self.subTest(user=key):
                self._assert_refused(
                    lambda key=key: self._as(key, self.other_account).write(
                        {"child_ids": [Command.link(self.individual.id)]}
                    ),
                    "Ivana Individual", "KAM Manager",
                )
                self.individual.invalidate_recordset()
                self.assertFalse(self.individual.parent_id)
                self.assertEqual(self.individual.kam_user_id, self.users["kam_own"])

    def test_moving_a_person_with_kam_records(self):
        """Petra is in the DMU of the account: moved under another KAM's account,
        her DMU lines and personal data would follow her."""
        for key in ATTACKERS:
            with self.subTest(user=key):
                for vals in ({"parent_id": self.other_account.id}, {"parent_id": False},
                             {"is_company": True}):
                    self._assert_refused(
                        lambda key=key, vals=vals: self._as(key, self.person).write(vals),
                        "Petra Person", "KAM Manager",
                    )
                self._assert_victim_intact()
                self.assertEqual(self.person.parent_id, self.account)

    # ------------------------------------------------------------------
    # A contact becoming its own commercial entity starts blank
    # ------------------------------------------------------------------

    def test_detached_contact_is_blank(self):
        for key in ATTACKERS:
            with self.subTest(user=key), contextlib.closing(self.env.cr.savepoint()):
                self.assertEqual(self.person2.kam_user_id, self.users["kam_own"])
                self.assertEqual(self.assistant.kam_status, "key")
                self._as(key, self.person2).write({"parent_id": False})
                self._assert_blank(self.person2)
                # Its own contacts follow it (Odoo's sync of the blank identity).
                self.assistant.invalidate_recordset()
                self.assertEqual(self.assistant.commercial_partner_id, self.person2)
                self.assertEqual(self.assistant.kam_status, "none")
                self.assertFalse(self.assistant.kam_user_id)
                self._assert_victim_intact()

    def test_contact_made_a_company_is_blank(self):
        for key in ATTACKERS:
            with self.subTest(user=key), contextlib.closing(self.env.cr.savepoint()):
                self._as(key, self.person2).write({"is_company": True})
                self._assert_blank(self.person2)
                self.assertEqual(self.person2.parent_id, self.account, "still a branch of it")
                self._assert_victim_intact()

    def test_detaching_with_an_identity_is_refused(self):
        for key in ATTACKERS:
            for vals in (
                {"parent_id": False, "kam_user_id": self.users[key].id},
                {"is_company": True, "kam_status": "key"},
                {"parent_id": False, "kam_team_user_ids": [Command.link(self.users[key].id)]},
            ):
                with self.subTest(user=key, vals=vals):
                    self._assert_refused(
                        lambda key=key, vals=vals: self._as(key, self.person2).write(vals),
                        "Quentin Quiet", "KAM Manager",
                    )
                    self.person2.invalidate_recordset()
                    self.assertEqual(self.person2.commercial_partner_id, self.account)
                    self._assert_victim_intact()

    def test_contact_fields_follow_the_account(self):
        """A contact's copy of the identity is the account's, not anyone's to set."""
        for key in ATTACKERS:
            with self.subTest(user=key):
                self._assert_refused(
                    lambda key=key: self._as(key, self.person2).write(
                        {"kam_user_id": self.users[key].id}
                    ),
                    "Quentin Quiet", "Trust Account A", "KAM Manager",
                )
                self.person2.invalidate_recordset()
                self.assertEqual(self.person2.kam_user_id, self.users["kam_own"])

    # ------------------------------------------------------------------
    # The identity fields of the account
    # ------------------------------------------------------------------

    def test_identity_fields_need_a_manager(self):
        type_expert = self.env.ref("kam_management.kam_type_expert")
        attempts = {
            "kam_status": "former",
            "kam_status_reason": "Because",
            "kam_key_since": "2001-01-01",
            "kam_user_id": self.users["kam_other"].id,
            "kam_team_user_ids": [Command.link(self.users["kam_other"].id)],
            "kam_level": "company",
            "kam_level_team_id": self.env["crm.team"].search([], limit=1).id,
            "kam_level_department": "Sales",
            "kam_type_ids": [Command.link(type_expert.id)],
            "kam_is_vip": False,
            "kam_vip_review_date": "2098-01-01",
        }
        for key in (*ATTACKERS, "kam_own"):
            for fname, value in attempts.items():
                if key == "kam_own" and fname == "kam_team_user_ids":
                    continue  # the KAM staffs their own team (below)
                with self.subTest(user=key, field=fname):
                    self._assert_refused(
                        lambda key=key, fname=fname, value=value: self._as(key, self.account).write(
                            {fname: value}
                        ),
                        "Trust Account A", "KAM Manager",
                    )
                    self._assert_victim_intact()

    def test_team_is_staffed_by_the_kam(self):
        self._assert_refused(
            lambda: self._as("kam_other", self.account).write(
                {"kam_team_user_ids": [Command.link(self.users["kam_other"].id)]}
            ),
            "account team", "KAM Manager",
        )
        self._assert_victim_intact()
        self._as("kam_own", self.account).write(
            {"kam_team_user_ids": [Command.link(self.users["kam_other"].id)]}
        )
        self.assertIn(self.users["kam_other"], self.account.kam_team_user_ids)
        self.assertIn(self.users["kam_other"], self.person.kam_team_user_ids, "synced")
        self.assertTrue(self._can_read("kam_other", "kam.dmu.member"))

    # ------------------------------------------------------------------
    # The commercial entity itself
    # ------------------------------------------------------------------

    def test_commercial_partner_id_cannot_be_written(self):
        for key in (*ATTACKERS, "manager"):
            with self.subTest(user=key):
                self._assert_refused(
                    lambda key=key: self._as(key, self.person).write(
                        {"commercial_partner_id": self.other_account.id}
                    ),
                    "Petra Person", "parent company",
                )
                self._assert_victim_intact()
                self.assertFalse(self._can_read("kam_other", "kam.person.profile"))
                # On create, the ORM computes it from the parent, whatever was sent.
                forged = self._as(key, self.env["res.partner"]).create({
                    "name": "Forged", "parent_id": self.account.id,
                    "commercial_partner_id": self.other_account.id,
                })
                self.assertEqual(forged.commercial_partner_id, self.account)
                self.assertEqual(forged.kam_user_id, self.users["kam_own"])
        # A value equal to the computed one changes nothing and goes through.
        self._as("salesman", self.person2).write({"commercial_partner_id": self.account.id})
        self.assertEqual(self.person2.commercial_partner_id, self.account)

    # ------------------------------------------------------------------
    # create, copy, import, defaults
    # ------------------------------------------------------------------

    def _identity_values(self, key):
        user = self.users[key]
        return (
            {"kam_status": "key"},
            {"kam_status": "former", "kam_status_reason": "Was key"},
            {"kam_user_id": user.id},
            {"kam_team_user_ids": [Command.link(user.id)]},
            {"kam_key_since": "2020-02-02"},
            {"kam_is_vip": True, "kam_vip_review_date": "2099-01-01"},
            {"kam_level": "department", "kam_level_department": "R&D"},
            {"kam_type_ids": [Command.link(self.env.ref("kam_management.kam_type_expert").id)]},
        )

    def test_create_with_an_identity(self):
        for key in ATTACKERS:
            Partner = self._as(key, self.env["res.partner"])
            for vals in self._identity_values(key):
                for kind in ({"is_company": True}, {}):
                    with self.subTest(user=key, vals=vals, kind=kind):
                        count = self.env["res.partner"].search_count([("name", "=", "New Key Co")])
                        self._assert_refused(
                            lambda Partner=Partner, vals=vals, kind=kind: Partner.create(
                                {"name": "New Key Co", **kind, **vals}
                            ),
                            "New Key Co", "KAM Manager",
                        )
                        self.assertEqual(
                            self.env["res.partner"].search_count([("name", "=", "New Key Co")]), count,
                        )

    def test_create_through_context_defaults(self):
        for key in ATTACKERS:
            user = self.users[key]
            Partner = self._as(key, self.env["res.partner"]).with_context(
                default_kam_status="key", default_kam_user_id=user.id,
            )
            with self.subTest(user=key):
                self._assert_refused(
                    lambda Partner=Partner: Partner.create({"name": "Defaulted", "is_company": True}),
                    "Defaulted", "KAM Manager",
                )
                self._assert_refused(
                    lambda Partner=Partner, user=user: Partner.with_context(
                        default_kam_user_id=False, default_kam_status="none",
                        default_kam_team_user_ids=[Command.set(user.ids)],
                    ).create({"name": "Defaulted", "is_company": True}),
                    "Defaulted", "KAM Manager",
                )
                self.assertFalse(self.env["res.partner"].search([("name", "=", "Defaulted")]))

    def test_copy(self):
        for key in ATTACKERS:
            with self.subTest(user=key):
                copy = self._as(key, self.account).copy()
                self._assert_blank(copy)
                self.assertFalse(copy.kam_status_reason)
                self.assertFalse(copy.kam_vip_review_date)
                self.assertFalse(copy.kam_level_department)
                self._assert_refused(
                    lambda key=key: self._as(key, self.account).copy(
                        {"kam_user_id": self.users[key].id}
                    ),
                    "KAM Manager",
                )
                # A contact's copy is a contact of the same account (synced copy).
                contact = self._as(key, self.person2).copy()
                self.assertEqual(contact.commercial_partner_id, self.account)
                self.assertEqual(contact.kam_user_id, self.users["kam_own"])
                self._assert_victim_intact()

    def test_import(self):
        for key in ATTACKERS:
            user = self.users[key]
            Partner = self.env["res.partner"].with_user(user)
            with self.subTest(user=key, row="new key account"):
                result = Partner.load(
                    ["name", "is_company", "kam_status", "kam_user_id/.id"],
                    [["Imported Key Co", "1", "key", str(user.id)]],
                )
                self.assertFalse(result["ids"])
                self.assertIn("KAM Manager", " ".join(m["message"] for m in result["messages"]))
                self.assertFalse(self.env["res.partner"].search([("name", "=", "Imported Key Co")]))
            with self.subTest(user=key, row="update of the victim"):
                result = Partner.load(
                    [".id", "kam_user_id/.id"], [[str(self.account.id), str(user.id)]],
                )
                self.assertFalse(result["ids"])
                self.assertIn("KAM Manager", " ".join(m["message"] for m in result["messages"]))
                self._assert_victim_intact()
            with self.subTest(user=key, row="re-parenting the victim"):
                result = Partner.load(
                    [".id", "is_company", "parent_id/.id"],
                    [[str(self.account.id), "0", str(self.other_account.id)]],
                )
                self.assertFalse(result["ids"])
                self._assert_victim_intact()
            with self.subTest(user=key, row="forged commercial entity"):
                result = Partner.load(
                    [".id", "commercial_partner_id/.id"],
                    [[str(self.person.id), str(self.other_account.id)]],
                )
                self.assertFalse(result["ids"])
                self.assertIn("parent company", " ".join(m["message"] for m in result["messages"]))
                self._assert_victim_intact()
                # A new row: computed from its parent, whatever the file says.
                result = Partner.load(
                    ["name", "is_company", "commercial_partner_id/.id"],
                    [[f"Forged Import {key}", "1", str(self.other_account.id)]],
                )
                self.assertEqual(len(result["ids"] or ()), 1, result["messages"])
                forged = self.env["res.partner"].browse(result["ids"])
                self.assertEqual(forged.commercial_partner_id, forged)
                self._assert_blank(forged)
        # A plain company imported, then updated, by a salesman.
        Partner = self.env["res.partner"].with_user(self.users["salesman"])
        result = Partner.load(["name", "is_company", "phone"], [["Imported Shop", "1", "+39 1"]])
        self.assertEqual(len(result["ids"] or ()), 1, result["messages"])
        imported = self.env["res.partner"].browse(result["ids"])
        self._assert_blank(imported)
        result = Partner.load([".id", "phone"], [[str(self.account.id), "+39 2"]])
        self.assertEqual(result["ids"], self.account.ids, result["messages"])
        self.assertEqual(self.account.phone, "+39 2")
        self._assert_victim_intact()

    # ------------------------------------------------------------------
    # Portal users
    # ------------------------------------------------------------------

    def test_portal_user_cannot_be_kam_or_in_the_team(self):
        portal = self.users["portal"]
        for key, vals in (
            ("manager", {"kam_user_id": portal.id}),
            ("manager", {"kam_team_user_ids": [Command.link(portal.id)]}),
            ("kam_own", {"kam_team_user_ids": [Command.link(portal.id)]}),
        ):
            with self.subTest(user=key, vals=vals):
                self._assert_refused(
                    lambda key=key, vals=vals: self._as(key, self.account).write(vals),
                    "Paul Portal", "Trust Account A", "internal users",
                    error=ValidationError,
                )
                self._assert_victim_intact()
        self._assert_refused(
            lambda: self._as("manager", self.env["res.partner"]).create({
                "name": "Portal Key", "is_company": True, "kam_status": "key",
                "kam_user_id": self.users["kam_own"].id,
                "kam_team_user_ids": [Command.set(portal.ids)],
            }),
            "Paul Portal", "internal users",
            error=ValidationError,
        )

    # ------------------------------------------------------------------
    # Partner merge
    # ------------------------------------------------------------------

    def _merge(self, key, partners, destination):
        wizard = self.env["base.partner.merge.automatic.wizard"].with_user(self.users[key]).create({
            "partner_ids": [Command.set(partners.ids)], "dst_partner_id": destination.id,
        })
        return wizard.action_merge()

    def test_merge_is_refused_around_key_accounts(self):
        (self.plain | self.plain2 | self.account | self.person | self.person2
         | self.other_contact | self.plain_person).write({"email": "same@example.com"})
        member = self.records["kam.dmu.member"]
        for key in ATTACKERS:
            for partners, destination, fragment in (
                # the key account itself, as source or destination
                (self.account | self.plain, self.plain, "Trust Account A"),
                (self.account | self.plain, self.account, "Trust Account A"),
                # its DMU person into another KAM's contact
                (self.person | self.other_contact, self.other_contact, "Petra Person"),
                # a contact of a key account with a partner of another company
                (self.person2 | self.plain_person, self.plain_person, "Trust Account A"),
            ):
                with self.subTest(user=key, partners=partners.mapped("name")):
                    self._assert_refused(
                        lambda key=key, partners=partners, destination=destination: self._merge(
                            key, partners, destination,
                        ),
                        fragment, "KAM Manager",
                    )
                    self.assertEqual(len(partners.exists()), 2)
                    self.assertEqual(member.contact_id, self.person)
                    self._assert_victim_intact()

    def test_merge_of_plain_duplicates_and_by_a_manager(self):
        duplicate = self.plain_person.copy({"email": "paula@example.com"})
        self.plain_person.email = "paula@example.com"
        self._merge("salesman", self.plain_person | duplicate, self.plain_person)
        self.assertFalse(duplicate.exists())
        # The head of KAM merges a duplicate into the key account.
        twin = self.env["res.partner"].create({"name": "Trust Account A (dup)", "is_company": True})
        self._merge("manager", self.account | twin, self.account)
        self.assertFalse(twin.exists())
        self.assertEqual(self.account.kam_user_id, self.users["kam_own"])

    # ------------------------------------------------------------------
    # Deleting and archiving a key account or its people
    # ------------------------------------------------------------------

    def _kam_records_exist(self):
        """The KAM records of the account that a deletion would take along (SQL cascade)."""
        for model in ("kam.dmu.member", "kam.dossier", "kam.account.plan", "kam.contact.log",
                      "kam.person.profile", "kam.personal.date", "kam.comm.plan.line"):
            self.assertTrue(self.records[model].exists(), f"{model} was deleted")

    def test_deleting_a_key_account_or_a_person_of_its_dmu(self):
        """Deleting cascades in SQL, where no record rule looks: the DMU, dossier,
        plans, contact log and personal data would go. Not even the account's
        own KAM deletes them."""
        for key in (*ATTACKERS, "kam_own"):
            for partner, fragment in (
                (self.account, "is a key account"),
                (self.person, "Key-account records"),
                (self.individual, "is a key account"),
            ):
                with self.subTest(user=key, partner=partner.name):
                    self._assert_refused(
                        lambda key=key, partner=partner: self._as(key, partner).unlink(),
                        fragment, partner.name, "KAM Manager",
                    )
                    self.assertTrue(partner.exists())
                    self._kam_records_exist()
                    self._assert_victim_intact()
        # Through the one2many of the company: the same unlink.
        self._assert_refused(
            lambda: self._as("kam_other", self.account).write({"child_ids": [Command.delete(self.person.id)]}),
            "Petra Person", "KAM Manager",
        )
        self._kam_records_exist()
        self._assert_victim_intact()

    def test_ordinary_partners_are_deleted_as_usual(self):
        salesman = self.users["salesman"]
        self.plain_person.with_user(salesman).unlink()
        self.assertFalse(self.plain_person.exists())
        # A contact of the key account with no KAM record: its own contact starts blank.
        self.assertEqual(self.assistant.kam_user_id, self.users["kam_own"])
        self.person2.with_user(salesman).unlink()
        self.assertFalse(self.person2.exists())
        self._assert_blank(self.assistant)
        self._assert_victim_intact()

    def test_manager_deletes_within_their_companies(self):
        """A KAM Manager deletes what belongs to their companies: SQL cascades
        cross no record rule, so the records of another company refuse it."""
        Partner = self.env["res.partner"]
        other = self.users["other_company"]
        # A company-less person in the account's DMU: the manager of company B reads her.
        nomad = Partner.create({"name": "Nora Nomad", "parent_id": self.account.id})
        nomad.company_id = False
        member = self.env["kam.dmu.member"].create({
            "partner_id": self.account.id, "contact_id": nomad.id, "company_id": self.company_a.id,
        })
        self._assert_refused(
            lambda: nomad.with_user(other).unlink(), "Nora Nomad", self.company_a.name,
        )
        self.assertTrue(member.exists())
        # The account made company-less: still company A's records.
        self.account.company_id = False
        self._assert_refused(
            lambda: self.account.with_user(other).unlink(), "Trust Account A", self.company_a.name,
        )
        self._kam_records_exist()
        self.account.company_id = self.company_a
        # The head of KAM of company A deletes the account: its records go, its
        # people become partners of their own, blank.
        dossier, member_petra = self.records["kam.dossier"], self.records["kam.dmu.member"]
        self._as("manager", self.account).unlink()
        self.assertFalse(self.account.exists())
        self.assertFalse(dossier.exists() or member_petra.exists() or member.exists())
        for person in (self.person, self.person2, nomad):
            self._assert_blank(person)
        # The superuser deletes a key account too.
        self.account2.sudo().unlink()
        self.assertFalse(self.account2.exists())

    def test_archiving_a_key_account(self):
        """Archived, a key account disappears from its KAM's work: a KAM Manager's call."""
        for key in (*ATTACKERS, "kam_own"):
            for partner in (self.account, self.individual):
                with self.subTest(user=key, partner=partner.name):
                    self._assert_refused(
                        lambda key=key, partner=partner: self._as(key, partner).action_archive(),
                        partner.name, "archive", "KAM Manager",
                    )
                    partner.invalidate_recordset()
                    self.assertTrue(partner.active)
                    self._assert_victim_intact()
        # Plain partners and the people of the account are archived as usual.
        self._as("salesman", self.plain).action_archive()
        self._as("salesman", self.person2).action_archive()
        self.assertFalse(self.plain.active or self.person2.active)
        # The head of KAM of the account's company archives it, and brings it back.
        self._as("manager", self.account).action_archive()
        self.assertFalse(self.account.active)
        self._as("salesman", self.account).action_unarchive()
        self.assertTrue(self.account.active)

    # ------------------------------------------------------------------
    # The company of a key account
    # ------------------------------------------------------------------

    def _promote(self, key, partners):
        wizard = self.env["kam.promote.wizard"].with_user(self.users[key]).create({
            "partner_ids": [Command.set(partners.ids)], "kam_user_id": self.users[key].id,
            "reason": "Found it",
        })
        return wizard.action_confirm()

    def _demote(self, key, partners):
        wizard = self.env["kam.demote.wizard"].with_user(self.users[key]).create({
            "partner_ids": [Command.set(partners.ids)], "reason": "Not key anymore",
        })
        return wizard.action_confirm()

    def test_company_of_a_key_account_needs_a_manager(self):
        """The company of a key account decides who reads its KAM data: made
        shared (company-less), its account would be open to every company."""
        for key in (*ATTACKERS, "kam_own"):
            for company in (False, self.company_b.id):
                with self.subTest(user=key, company=company):
                    self._assert_refused(
                        lambda key=key, company=company: self._as(key, self.account).write(
                            {"company_id": company}
                        ),
                        "Trust Account A", "company", "KAM Manager",
                    )
                    self.account.invalidate_recordset()
                    self.assertEqual(self.account.company_id, self.company_a)
                    self._assert_victim_intact()
        # A plain company's company is anyone's to change.
        self._as("salesman", self.plain).write({"company_id": False})
        self.assertFalse(self.plain.company_id)

    def test_company_b_manager_on_a_shared_key_account(self):
        """A KAM Manager changes the identity of an account in their own company
        only (the identity is per company); the company, the archive state and
        the structure of a key account change only with a manager of every
        company the account is key in or has KAM records in."""
        other = self.users["other_company"]
        # The head of KAM of company A makes the account shared: allowed.
        self._as("manager", self.account).write({"company_id": False})
        holding = self.env["res.partner"].create({"name": "Shared Holding", "is_company": True})
        # Company B's identity is company B's decision: company A's stays intact.
        for vals, expected in (
            ({"kam_user_id": other.id}, ("kam_user_id", other)),
            ({"kam_status": "former"}, ("kam_status", "former")),
            ({"kam_team_user_ids": [Command.link(other.id)]}, ("kam_team_user_ids", other)),
        ):
            with self.subTest(vals=vals):
                self._as("other_company", self.account).write(vals)
                self.env.invalidate_all()
                in_b = self.account.with_company(self.company_b)
                self.assertEqual(in_b[expected[0]], expected[1])
                self.assertFalse(self.account.company_id)
                self._assert_victim_intact()
        # Its structure is still the business of every company it is key in.
        for vals in (
            {"company_id": self.company_b.id},
            {"active": False},
            {"is_company": False, "parent_id": holding.id},
        ):
            with self.subTest(vals=vals):
                self._assert_refused(
                    lambda vals=vals: self._as("other_company", self.account).write(vals),
                    "Trust Account A", self.company_a.name, "KAM Manager",
                )
                self.account.invalidate_recordset()
                self.assertFalse(self.account.company_id)
                self._assert_victim_intact()
        # The wizards of company B change company B's identity only.
        self._promote("other_company", self.account)
        self.assertEqual(self.account.with_company(self.company_b).kam_status, "key")
        self._assert_victim_intact()
        self._demote("other_company", self.account)
        self.assertEqual(self.account.with_company(self.company_b).kam_status, "former")
        self._assert_victim_intact()
        # Nor by moving it to company B: a manager of company A only.
        self._assert_refused(
            lambda: self._as("manager", self.account).write({"company_id": self.company_b.id}),
            "Trust Account A", self.company_b.name,
        )
        # The head of KAM of company A still governs company A's identity.
        self._as("manager", self.account).write({"kam_status_reason": "Shared by both companies"})
        self._demote("manager", self.account)
        self.assertEqual(self.account.kam_status, "former")
        self.assertEqual(self.account.with_company(self.company_b).kam_status_reason, "Not key anymore")
        # Company B has an identity now: only a manager of both companies (here
        # the superuser) gives the account back to company A alone.
        self._assert_refused(
            lambda: self._as("manager", self.account).write({"company_id": self.company_a.id}),
            "Trust Account A", self.company_b.name,
        )
        self.account.sudo().write({"company_id": self.company_a.id})
        self.assertEqual(self.account.company_id, self.company_a)
        # The head of KAM of company B promotes a shared partner no company has
        # KAM records on, and the key accounts of company B.
        prospect = self.env["res.partner"].create({"name": "Shared Prospect", "is_company": True})
        local = self.env["res.partner"].create({
            "name": "Company B Client", "is_company": True, "company_id": self.company_b.id,
        })
        self._promote("other_company", prospect | local)
        in_b = (prospect | local).with_company(self.company_b)
        self.assertEqual(in_b.mapped("kam_status"), ["key", "key"])
        self.assertEqual(in_b.kam_user_id, other)
        # Company A's identity of the shared prospect is untouched.
        self.assertEqual(prospect.kam_status, "none")
        # The superuser changes anything.
        self.account.sudo().write({"company_id": False, "kam_user_id": other.id})
        self.assertEqual(self.account.kam_user_id, other)

    # ------------------------------------------------------------------
    # What keeps working
    # ------------------------------------------------------------------

    def test_salesman_daily_work(self):
        salesman = self.users["salesman"]
        Partner = self.env["res.partner"].with_user(salesman)
        # A new contact of a key account receives its identity (Odoo's sync).
        contact = Partner.create({"name": "New Buyer", "parent_id": self.account.id})
        self.assertEqual(contact.kam_status, "key")
        self.assertEqual(contact.kam_user_id, self.users["kam_own"])
        self.assertEqual(contact.kam_team_user_ids, self.account.kam_team_user_ids)
        # A plain person moves from one company to another, and into a key account.
        self.plain_person.with_user(salesman).write({"parent_id": self.plain2.id})
        self.assertEqual(self.plain_person.commercial_partner_id, self.plain2)
        self.plain_person.with_user(salesman).write({"parent_id": self.account.id})
        self.assertEqual(self.plain_person.kam_user_id, self.users["kam_own"])
        self.plain_person.with_user(salesman).write({"parent_id": self.plain.id})
        self.assertEqual(self.plain_person.kam_status, "none")
        self.assertFalse(self.plain_person.kam_user_id)
        # Name, phone and address of a key account (the address goes to its contacts).
        self.account.with_user(salesman).write({
            "name": "Trust Account A", "phone": "+39 02 555", "street": "Via Roma 1",
            "city": "Milano",
        })
        self.assertEqual(self.person.city, "Milano")
        # A new plain company and its contact.
        company = Partner.create({"name": "Fresh Client", "is_company": True})
        self._assert_blank(company)
        Partner.create({"name": "Fresh Buyer", "parent_id": company.id})
        self._assert_victim_intact()

    def test_manager_does_it_all(self):
        manager = self.users["manager"]
        account = self.account.with_user(manager)
        account.write({"kam_user_id": self.users["kam_other"].id, "kam_status_reason": "Handover"})
        self.assertEqual(self.person.kam_user_id, self.users["kam_other"])
        self.assertTrue(self._can_read("kam_other", "kam.dmu.member"))
        account.write({
            "kam_is_vip": False, "kam_level": "company", "kam_type_ids": [Command.clear()],
            "kam_team_user_ids": [Command.set(self.users["kam_own"].ids)],
        })
        # Re-parent a key account: it becomes a contact of the parent.
        self.individual.with_user(manager).write({"parent_id": self.other_account.id})
        self.assertEqual(self.individual.commercial_partner_id, self.other_account)
        self.assertEqual(self.individual.kam_user_id, self.users["kam_other"])
        # Detach it with a new identity in the same write: the values given stay,
        # the rest of the synced copy goes.
        self.individual.with_user(manager).write({
            "parent_id": False, "kam_status": "key", "kam_user_id": self.users["kam_own"].id,
        })
        self.assertEqual(self.individual.commercial_partner_id, self.individual)
        self.assertEqual(self.individual.kam_status, "key")
        self.assertEqual(self.individual.kam_user_id, self.users["kam_own"])
        self.assertFalse(self.individual.kam_is_vip)
        # Detach a contact without values: blank, whoever does it.
        self.person2.with_user(manager).write({"parent_id": False})
        self._assert_blank(self.person2)
        self.plain_person.sudo().write({"is_company": True})
        self._assert_blank(self.plain_person)
        # Move a person with KAM records; create and copy with an identity.
        self.person.with_user(manager).write({"parent_id": self.account2.id})
        self.assertEqual(self.person.commercial_partner_id, self.account2)
        created = self.env["res.partner"].with_user(manager).create({
            "name": "Promoted at Birth", "is_company": True, "kam_status": "key",
            "kam_user_id": self.users["kam_own"].id,
        })
        self.assertEqual(created.kam_status, "key")
        copied = created.with_user(manager).copy({"kam_user_id": self.users["kam_other"].id})
        self.assertEqual(copied.kam_user_id, self.users["kam_other"])
        self.assertEqual(copied.kam_status, "none", "copy=False: only the given values")


@tagged("post_install", "-at_install")
class TestTrustIdentityRpc(TrustFixtures, HttpCase):
    """The takeover paths over XML-RPC, with real logins: a clear fault, nothing changed."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_trust()
        cls.other_account = cls.env["res.partner"].create({
            "name": "Trust Account of KAM B", "is_company": True,
            "company_id": cls.company_a.id, "kam_status": "key",
            "kam_user_id": cls.users["kam_other"].id,
        })

    def _call(self, key, method, *args):
        return self.xmlrpc_object.execute(
            self.env.cr.dbname, self.users[key].id, PASSWORDS[key], "res.partner", method, *args,
        )

    def test_takeover_over_xmlrpc(self):
        attempts = (
            ("write", [self.account.id], {"is_company": False, "parent_id": self.other_account.id}),
            ("write", [self.account.id], {"kam_user_id": self.users["kam_other"].id}),
            ("write", [self.person.id], {"commercial_partner_id": self.other_account.id}),
            ("write", [self.person.id], {"parent_id": self.other_account.id}),
            ("create", {"name": "RPC Key Co", "is_company": True, "kam_status": "key"}),
        )
        for key in ("salesman", "kam_other"):
            for method, *args in attempts:
                with self.subTest(user=key, method=method, args=args):
                    with mute_logger("odoo.http"), self.assertRaises(xmlrpc.client.Fault) as caught:
                        self._call(key, method, *args)
                    self.assertIn("KAM Manager" if "commercial_partner_id" not in str(args)
                                  else "parent company", caught.exception.faultString)
                    self.env.invalidate_all()
                    self.assertEqual(self.account.commercial_partner_id, self.account)
                    self.assertEqual(self.account.kam_user_id, self.users["kam_own"])
                    self.assertEqual(self.person.commercial_partner_id, self.account)
                    self.assertFalse(self.env["res.partner"].search([("name", "=", "RPC Key Co")]))
        # The same re-parenting by the head of KAM goes through.
        self._call("manager", "write", [self.person.id], {"parent_id": self.other_account.id})
        self.env.invalidate_all()
        self.assertEqual(self.person.commercial_partner_id, self.other_account)
