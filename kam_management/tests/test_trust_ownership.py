# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""Records stay on the accounts their users own, on every write path.

A KAM user creates, changes and deletes KAM records only on the key accounts
they manage or whose team they are in; taking part in a contact or being
responsible for a plan line lets them read it, not change it. Generated files
belong to who generated them, the communication figures of an account to its
team, and configuration shared by every company to the managers of every
company. Each attack is refused with a clear error and changes nothing; the
rightful user still does the same thing.
"""

import base64
import datetime

from odoo import Command, fields
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import HttpCase, TransactionCase, tagged
from odoo.tools import mute_logger

from .common import PASSWORDS, TrustFixtures

TODAY = datetime.date.today()
NEXT_YEAR = (TODAY.replace(year=TODAY.year + 1, month=1, day=1),
             TODAY.replace(year=TODAY.year + 1, month=12, day=31))
# Words of the errors: what is refused, and why.
NOT_YOURS = "key accounts you manage or whose account team you are in"
MOVED = "You cannot move"
SHARED = "shared by every company"


class OwnershipFixtures(TrustFixtures):
    """The trust fixtures, plus a key account of KAM B ("kam_other") in company A."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_trust()
        env = cls.env
        cls.kam_own = cls.users["kam_own"]
        cls.kam_other = cls.users["kam_other"]
        cls.manager = cls.users["manager"]
        Partner = env["res.partner"]
        cls.other_account = Partner.create({
            "name": "Trust Account B", "is_company": True, "company_id": cls.company_a.id,
            "kam_status": "key", "kam_user_id": cls.kam_other.id,
        })
        cls.other_person = Partner.create({
            "name": "Olaf Opponent", "parent_id": cls.other_account.id,
            "company_id": cls.company_a.id,
        })
        cls.other_newcomer = Partner.create({
            "name": "Nina Newcomer", "parent_id": cls.other_account.id,
            "company_id": cls.company_a.id,
        })
        cls.other_member = env["kam.dmu.member"].create({
            "partner_id": cls.other_account.id, "contact_id": cls.other_person.id,
            "company_id": cls.company_a.id, "attitude": "opponent", "influence": 5,
            "relationship_stage": "acquainted",
        })
        cls.other_plan = env["kam.account.plan"].create({
            "partner_id": cls.other_account.id, "company_id": cls.company_a.id,
            "date_from": TODAY.replace(month=1, day=1), "date_to": TODAY.replace(month=12, day=31),
        })
        # Any salesperson may open a deal on any client: KAM A works one at B.
        cls.other_lead = env["crm.lead"].create({
            "name": "Deal at B", "type": "opportunity", "partner_id": cls.other_account.id,
            "user_id": cls.kam_own.id, "company_id": cls.company_a.id,
        })
        # Second records of KAM A's own, for the moves that are allowed.
        cls.own_newcomer = Partner.create({
            "name": "Nora Own", "parent_id": cls.account2.id, "company_id": cls.company_a.id,
        })
        cls.own_plan2 = env["kam.account.plan"].create({
            "partner_id": cls.account2.id, "company_id": cls.company_a.id,
            "date_from": TODAY.replace(month=1, day=1), "date_to": TODAY.replace(month=12, day=31),
        })
        cls.own_lead2 = env["crm.lead"].create({
            "name": "Deal at A2", "type": "opportunity", "partner_id": cls.account2.id,
            "user_id": cls.kam_own.id, "company_id": cls.company_a.id,
        })

    def _count(self, model, domain):
        return self.env[model].sudo().with_context(active_test=False).search_count(domain)


@tagged("post_install", "-at_install")
class TestTrustOwnership(OwnershipFixtures, TransactionCase):
    """Create, move, participate: the account decides who writes."""

    def _foreign_vals(self):
        """Values of a new record of each account-bound model on KAM B's account."""
        account, company = self.other_account.id, self.company_a.id
        return {
            "kam.contact.log": {
                "partner_id": account, "company_id": company, "date": TODAY, "channel": "phone",
                "outcome": "negative", "user_ids": [Command.set(self.kam_own.ids)],
                "summary": "Slipped in",
            },
            "kam.comm.plan.line": {
                "name": "Slipped in", "partner_id": account, "company_id": company,
                "user_id": self.kam_own.id, "kind": "call", "cadence_kind": "interval",
                "interval_days": 30,
            },
            "kam.account.plan": {
                "partner_id": account, "company_id": company,
                "date_from": NEXT_YEAR[0], "date_to": NEXT_YEAR[1],
            },
            "kam.account.plan.objective": {"plan_id": self.other_plan.id, "name": "Shrink", "target": 1.0},
            "kam.account.plan.budget": {"plan_id": self.other_plan.id, "name": "Lunches", "amount": 1.0},
            "kam.account.plan.review": {"plan_id": self.other_plan.id, "interim_results": "Failing"},
            "kam.competitor.presence": {
                "partner_id": account, "competitor_id": self.competitor.id, "company_id": company,
            },
            "kam.dmu.member": {
                "partner_id": account, "contact_id": self.other_newcomer.id, "company_id": company,
            },
            "kam.dossier": {"partner_id": account, "company_id": company},
            "kam.account.health": {"partner_id": account, "company_id": company},
            "kam.lead.dmu": {
                "lead_id": self.other_lead.id, "contact_id": self.other_newcomer.id,
                "role_id": self.role.id,
            },
        }

    def _on_other_account(self, model):
        if model == "kam.lead.dmu":
            return [("lead_id", "=", self.other_lead.id)]
        return [("partner_id", "=", self.other_account.id)]

    # ------------------------------------------------------------------
    # Create on another KAM's account
    # ------------------------------------------------------------------

    def test_create_on_another_account_is_refused(self):
        for model, vals in self._foreign_vals().items():
            with self.subTest(model=model):
                domain = self._on_other_account(model)
                before = self._count(model, domain)
                members_before = self._count("kam.dmu.member", [("partner_id", "=", self.other_account.id)])
                with self.assertRaises(AccessError) as caught:
                    self.env[model].with_user(self.kam_own).create(vals)
                self.assertIn(NOT_YOURS, str(caught.exception))
                self.assertIn("Trust Account B", str(caught.exception))
                self.assertEqual(self._count(model, domain), before, f"{model}: nothing created")
                self.assertEqual(
                    self._count("kam.dmu.member", [("partner_id", "=", self.other_account.id)]),
                    members_before, "no person slipped into KAM B's DMU",
                )
                # The account's own KAM does the same.
                record = self.env[model].with_user(self.kam_other).create(vals)
                self.assertEqual(self._count(model, domain), before + 1)
                self.assertTrue(record.with_user(self.kam_other).read(["id"]))

    def test_copy_onto_another_account_is_refused(self):
        log = self.records["kam.contact.log"]
        before = self._count("kam.contact.log", self._on_other_account("kam.contact.log"))
        with self.assertRaises(AccessError) as caught:
            log.with_user(self.kam_own).copy({"partner_id": self.other_account.id})
        self.assertIn(NOT_YOURS, str(caught.exception))
        self.assertEqual(self._count("kam.contact.log", self._on_other_account("kam.contact.log")), before)
        copy = log.with_user(self.kam_own).copy({"partner_id": self.account2.id})
        self.assertEqual(copy.partner_id, self.account2)

    def test_import_onto_another_account_is_refused(self):
        Competitor = self.env["kam.competitor.presence"].with_user(self.kam_own)
        before = self._count("kam.competitor.presence", self._on_other_account("kam.competitor.presence"))
        result = Competitor.load(
            ["partner_id/.id", "competitor_id/.id", "company_id/.id", "supplies"],
            [[str(self.other_account.id), str(self.competitor.id), str(self.company_a.id), "Rivets"]],
        )
        self.assertFalse(result["ids"], "the import is refused")
        self.assertIn(NOT_YOURS, " ".join(message["message"] for message in result["messages"]))
        self.assertEqual(
            self._count("kam.competitor.presence", self._on_other_account("kam.competitor.presence")),
            before,
        )
        result = Competitor.load(
            ["partner_id/.id", "competitor_id/.id", "company_id/.id", "supplies"],
            [[str(self.account2.id), str(self.competitor.id), str(self.company_a.id), "Rivets"]],
        )
        self.assertTrue(result["ids"], result["messages"])

    # ------------------------------------------------------------------
    # Move an own record onto another KAM's account
    # ------------------------------------------------------------------

    def _moves(self):
        """(record of KAM A, write moving it to KAM B's account, the same to an own account)."""
        records = self.records
        own_line = records["kam.lead.dmu"]
        return [
            (records["kam.contact.log"], {"partner_id": self.other_account.id},
             {"partner_id": self.account2.id}),
            (records["kam.comm.plan.line"], {"partner_id": self.other_account.id},
             {"partner_id": self.account2.id}),
            (records["kam.account.plan"], {"partner_id": self.other_account.id},
             {"partner_id": self.account2.id}),
            (records["kam.account.plan.objective"], {"plan_id": self.other_plan.id},
             {"plan_id": self.own_plan2.id}),
            (records["kam.account.plan.budget"], {"plan_id": self.other_plan.id},
             {"plan_id": self.own_plan2.id}),
            (records["kam.account.plan.review"], {"plan_id": self.other_plan.id},
             {"plan_id": self.own_plan2.id}),
            (records["kam.competitor.presence"], {"partner_id": self.other_account.id},
             {"partner_id": self.account2.id}),
            (records["kam.dmu.member"],
             {"partner_id": self.other_account.id, "contact_id": self.other_newcomer.id},
             {"partner_id": self.account2.id, "contact_id": self.own_newcomer.id}),
            (records["kam.dossier"], {"partner_id": self.other_account.id},
             {"partner_id": self.account2.id}),
            (records["kam.account.health"], {"partner_id": self.other_account.id},
             {"partner_id": self.account2.id}),
            (own_line,
             {"lead_id": self.other_lead.id, "contact_id": self.other_newcomer.id, "member_id": False},
             {"lead_id": self.own_lead2.id, "contact_id": self.own_newcomer.id, "member_id": False}),
        ]

    def _links(self, record, vals):
        record.invalidate_recordset()
        return {fname: record.sudo()[fname] for fname in vals}

    def test_moving_an_own_record_to_another_account_is_refused(self):
        for record, attack, _allowed in self._moves():
            with self.subTest(model=record._name):
                before = self._links(record, attack)
                members_before = self._count("kam.dmu.member", [("partner_id", "=", self.other_account.id)])
                with self.assertRaises(AccessError) as caught:
                    record.with_user(self.kam_own).write(attack)
                message = str(caught.exception)
                self.assertIn(MOVED, message)
                self.assertIn("Trust Account B", message)
                self.assertEqual(self._links(record, attack), before, f"{record._name}: nothing moved")
                self.assertEqual(
                    self._count("kam.dmu.member", [("partner_id", "=", self.other_account.id)]),
                    members_before,
                )

    def test_moving_an_own_record_between_own_accounts_works(self):
        for record, _attack, allowed in self._moves():
            with self.subTest(model=record._name):
                record.with_user(self.kam_own).write(allowed)
                record.invalidate_recordset()
                for fname, value in allowed.items():
                    if value:
                        self.assertEqual(record.sudo()[fname].id, value)
                self.assertIn(record.sudo()._kam_owner_account(), self.account2)

    def test_moving_through_a_form_onchange_is_refused(self):
        """The web client saves what the onchange proposed: the same write, the same check."""
        plan = self.records["kam.account.plan"]
        with self.assertRaises(AccessError):
            plan.with_user(self.kam_own).web_save({"partner_id": self.other_account.id}, {})
        plan.invalidate_recordset()
        self.assertEqual(plan.sudo().partner_id, self.account)

    # ------------------------------------------------------------------
    # Participants and responsible users read, they do not write
    # ------------------------------------------------------------------

    def test_participant_reads_but_cannot_change_a_contact(self):
        log = self.env["kam.contact.log"].create({
            "partner_id": self.other_account.id, "company_id": self.company_a.id,
            "date": TODAY, "channel": "in_person", "outcome": "positive",
            "user_ids": [Command.set((self.kam_own | self.kam_other).ids)],
            "summary": "Joint visit",
        })
        as_participant = log.with_user(self.kam_own)
        self.assertEqual(as_participant.read(["summary"])[0]["summary"], "Joint visit")
        self.assertIn(log, self.env["kam.contact.log"].with_user(self.kam_own).search([]))
        for attack in (
            lambda: as_participant.write({"summary": "Rewritten"}),
            lambda: as_participant.write({"outcome": "negative"}),
            as_participant.unlink,
        ):
            with self.assertRaises(AccessError) as caught:
                attack()
            self.assertIn(NOT_YOURS, str(caught.exception))
        log.invalidate_recordset()
        self.assertTrue(log.exists())
        self.assertEqual((log.summary, log.outcome), ("Joint visit", "positive"))
        log.with_user(self.kam_other).write({"summary": "Joint visit, went well"})
        self.assertEqual(log.summary, "Joint visit, went well")

    def test_responsible_reads_but_cannot_change_a_plan_line(self):
        line = self.env["kam.comm.plan.line"].create({
            "name": "Quarterly review call", "partner_id": self.other_account.id,
            "company_id": self.company_a.id, "user_id": self.kam_own.id, "kind": "call",
            "cadence_kind": "interval", "interval_days": 30,
        })
        as_responsible = line.with_user(self.kam_own)
        self.assertEqual(as_responsible.read(["name"])[0]["name"], "Quarterly review call")
        for attack in (
            lambda: as_responsible.write({"interval_days": 365}),
            lambda: as_responsible.write({"user_id": self.kam_other.id}),
            as_responsible.unlink,
        ):
            with self.assertRaises(AccessError) as caught:
                attack()
            self.assertIn(NOT_YOURS, str(caught.exception))
        line.invalidate_recordset()
        self.assertTrue(line.exists())
        self.assertEqual((line.interval_days, line.user_id), (30, self.kam_own))
        line.with_user(self.kam_other).write({"interval_days": 60})
        self.assertEqual(line.interval_days, 60)

    def test_responsible_marks_their_reminder_done(self):
        """The reminder of a line is the responsible user's: marking it done moves the line on."""
        line = self.env["kam.comm.plan.line"].create({
            "name": "Delivery check", "partner_id": self.other_account.id,
            "company_id": self.company_a.id, "user_id": self.kam_own.id, "kind": "call",
            "cadence_kind": "once", "start_date": TODAY,
        })
        self.env["kam.comm.scheduler"]._kam_run_batch(self.company_a, self.other_account, TODAY)
        occurrence = self.env["kam.comm.occurrence"].search([("line_id", "=", line.id)])
        self.assertTrue(occurrence.activity_id, "the scheduler reminded the responsible user")
        self.assertEqual(occurrence.activity_id.user_id, self.kam_own)
        occurrence.activity_id.with_user(self.kam_own).with_context(
            kam_contact_outcome="positive",
        ).action_feedback(feedback="Delivered on time")
        line.invalidate_recordset()
        # done on the responsible user's today (their time zone)
        done_on = fields.Date.context_today(line.with_user(self.kam_own))
        self.assertEqual((line.state, line.last_done_date), ("done", done_on))

    # ------------------------------------------------------------------
    # Contacts and plans are on the account, not on one of its people
    # ------------------------------------------------------------------

    def test_contact_log_and_plan_line_refuse_a_person(self):
        cases = {
            "kam.contact.log": {
                "partner_id": self.person.id, "company_id": self.company_a.id, "date": TODAY,
                "channel": "phone",
            },
            "kam.comm.plan.line": {
                "name": "Call Petra", "partner_id": self.person.id, "company_id": self.company_a.id,
                "user_id": self.kam_own.id, "kind": "call", "cadence_kind": "interval",
                "interval_days": 30,
            },
        }
        for model, vals in cases.items():
            with self.subTest(model=model):
                Model = self.env[model].with_user(self.kam_own)
                domain = [("partner_id", "in", (self.account | self.person).ids)]
                before = self._count(model, domain)
                with self.assertRaises(ValidationError) as caught:
                    Model.create(vals)
                self.assertIn("Petra Person is a contact of Trust Account A", str(caught.exception))
                self.assertEqual(self._count(model, domain), before)
                record = self.records[model]
                with self.assertRaises(ValidationError):
                    record.with_user(self.kam_own).write({"partner_id": self.person.id})
                record.invalidate_recordset()
                self.assertEqual(record.partner_id, self.account)
        # A private person who is the client is an account of their own.
        private = self.env["res.partner"].create({
            "name": "Ivan Individual", "company_id": self.company_a.id,
            "kam_status": "key", "kam_user_id": self.kam_own.id,
        })
        log = self.env["kam.contact.log"].with_user(self.kam_own).create(
            dict(cases["kam.contact.log"], partner_id=private.id)
        )
        self.assertEqual(log.partner_id, private)

    def test_plan_line_prepares_only_a_deal_of_its_account(self):
        line = self.records["kam.comm.plan.line"]
        with self.assertRaises(ValidationError) as caught:
            line.with_user(self.kam_own).write({"lead_id": self.own_lead2.id})
        self.assertIn("is not one of Trust Account A", str(caught.exception))
        line.invalidate_recordset()
        self.assertFalse(line.lead_id)
        line.with_user(self.kam_own).write({"lead_id": self.lead.id})
        self.assertEqual(line.lead_id, self.lead)

    # ------------------------------------------------------------------
    # The deal DMU is not a side channel into another account's DMU
    # ------------------------------------------------------------------

    def test_deal_line_with_another_accounts_person_is_refused(self):
        Line = self.env["kam.lead.dmu"].with_user(self.kam_own)
        before = self._count("kam.lead.dmu", [("lead_id", "=", self.lead.id)])
        attacks = {
            "person": {"lead_id": self.lead.id, "contact_id": self.other_person.id, "role_id": self.role.id},
            "member": {"lead_id": self.lead.id, "member_id": self.other_member.id, "role_id": self.role.id},
            "member with an own person": {
                "lead_id": self.lead.id, "contact_id": self.person2.id,
                "member_id": self.other_member.id, "role_id": self.role.id,
            },
        }
        for name, vals in attacks.items():
            with self.subTest(attack=name):
                with self.assertRaises(ValidationError) as caught:
                    Line.create(vals)
                self.assertIn("Trust Account A", str(caught.exception))
                self.assertEqual(self._count("kam.lead.dmu", [("lead_id", "=", self.lead.id)]), before)
        line = self.records["kam.lead.dmu"]
        member = line.member_id
        for vals in (
            {"member_id": self.other_member.id},
            {"member_id": self.other_member.id, "contact_id": self.person.id},
        ):
            with self.assertRaises(ValidationError) as caught:
                line.with_user(self.kam_own).write(vals)
            self.assertIn("Trust Account A", str(caught.exception))
        line.invalidate_recordset()
        self.assertEqual(line.member_id, member)
        self.assertFalse(self._count("kam.lead.dmu", [("member_id", "=", self.other_member.id)]))

    def test_deal_line_reads_the_member_with_the_users_rights(self):
        line = self.env["kam.lead.dmu"].create({
            "lead_id": self.other_lead.id, "member_id": self.other_member.id, "role_id": self.role.id,
        })
        figures = ["attitude", "influence", "relationship_stage"]
        # The account's team sees what its DMU says.
        for user in (self.kam_other, self.manager):
            with self.subTest(user=user.name):
                values = line.with_user(user).read(figures)[0]
                self.assertEqual(
                    [values[fname] for fname in figures], ["opponent", 5, "acquainted"]
                )
        # The salesperson of the deal reads the line, not the member behind it.
        values = line.with_user(self.kam_own).read(figures + ["contact_id"])[0]
        self.assertEqual(values["contact_id"][0], self.other_person.id)
        self.assertEqual([values[fname] for fname in figures], [False, 0, False])
        with self.assertRaises(AccessError):
            self.other_member.with_user(self.kam_own).read(["attitude"])

    def test_deal_line_does_not_inject_into_another_dmu(self):
        members = [("partner_id", "=", self.other_account.id)]
        before = self._count("kam.dmu.member", members)
        with self.assertRaises(AccessError) as caught:
            self.other_lead.with_user(self.kam_own).write({"kam_dmu_line_ids": [Command.create({
                "contact_id": self.other_newcomer.id, "role_id": self.role.id,
            })]})
        self.assertIn(NOT_YOURS, str(caught.exception))
        self.assertEqual(self._count("kam.dmu.member", members), before)
        self.assertFalse(self._count("kam.lead.dmu", [("lead_id", "=", self.other_lead.id)]))
        # On their own deal of their own account, the newcomer joins the DMU.
        own_before = self._count("kam.dmu.member", [("partner_id", "=", self.account.id)])
        line = self.env["kam.lead.dmu"].with_user(self.kam_own).create({
            "lead_id": self.lead.id, "contact_id": self.person2.id, "role_id": self.role.id,
        })
        self.assertEqual(line.member_id.partner_id, self.account)
        self.assertEqual(self._count("kam.dmu.member", [("partner_id", "=", self.account.id)]), own_before + 1)

    def test_unassigned_deals_do_not_open_their_dmu(self):
        unassigned = self.env["crm.lead"].create({
            "name": "Unassigned deal at B", "type": "opportunity",
            "partner_id": self.other_account.id, "user_id": False, "company_id": self.company_a.id,
        })
        line = self.env["kam.lead.dmu"].create({
            "lead_id": unassigned.id, "member_id": self.other_member.id, "role_id": self.role.id,
        })
        self.assertFalse(self.env["kam.lead.dmu"].with_user(self.kam_own).search([("id", "=", line.id)]))
        with self.assertRaises(AccessError):
            line.with_user(self.kam_own).read(["attitude"])
        with self.assertRaises(AccessError):
            line.with_user(self.kam_own).write({"notes": "Mine now"})
        line.invalidate_recordset()
        self.assertFalse(line.notes)
        self.assertTrue(self.env["kam.lead.dmu"].with_user(self.kam_other).search([("id", "=", line.id)]))

    # ------------------------------------------------------------------
    # Communication figures, risk and plan counts of another's account
    # ------------------------------------------------------------------

    def test_communication_figures_of_another_account_read_empty(self):
        self.company_a.write({"kam_cooldown_enabled": True, "kam_cooldown_days": 14})
        self.env["kam.contact.log"].create([
            {
                "partner_id": self.other_account.id, "company_id": self.company_a.id,
                "date": TODAY - datetime.timedelta(days=2), "outcome": "positive",
                "channel": "phone", "user_ids": [Command.set(self.kam_other.ids)],
            },
            {
                # KAM A took part: it still does not make the account theirs.
                "partner_id": self.other_account.id, "company_id": self.company_a.id,
                "date": TODAY, "outcome": "negative", "channel": "in_person",
                "user_ids": [Command.set((self.kam_other | self.kam_own).ids)],
            },
        ])
        figures = [
            "kam_cooldown_until", "kam_last_positive_contact_date", "kam_contact_log_count",
            "kam_plan_line_count",
        ]
        self.env.invalidate_all()
        # Read first by those who may see them: a cache shared between users would leak.
        for user in (self.kam_other, self.manager):
            with self.subTest(user=user.name):
                values = self.other_account.with_user(user).read(figures)[0]
                self.assertTrue(values["kam_cooldown_until"])
                self.assertEqual(values["kam_last_positive_contact_date"], TODAY - datetime.timedelta(days=2))
                self.assertEqual(values["kam_contact_log_count"], 2)
        for record in (self.other_account, self.other_person):
            with self.subTest(record=record.name):
                values = record.with_user(self.kam_own).read(figures)[0]
                self.assertEqual(
                    [values[fname] for fname in figures], [False, False, 0, 0],
                    "KAM A reads nothing of KAM B's relationship",
                )
        own = self.account.with_user(self.kam_own).read(["kam_contact_log_count"])[0]
        self.assertEqual(own["kam_contact_log_count"], 1, "their own account still shows")

    def test_deal_compliance_of_another_account_reads_empty(self):
        """The salesperson of a deal at KAM B's account (here KAM A) does not
        read how KAM B keeps the plan of that account."""
        line = self.env["kam.comm.plan.line"].create({
            "partner_id": self.other_account.id, "company_id": self.company_a.id,
            "name": "Quarterly call", "user_id": self.kam_other.id,
        })
        self.env["kam.comm.occurrence"].create({
            "dedup_key": f"trust-deal-compliance-{line.id}", "line_id": line.id,
            "partner_id": self.other_account.id, "company_id": self.company_a.id,
            "scheduled_date": TODAY - datetime.timedelta(days=5),
            "due_date": TODAY - datetime.timedelta(days=5),
        })
        deal = self.env["crm.lead"].create({
            "name": "Deal at B's account", "type": "opportunity",
            "partner_id": self.other_account.id, "user_id": self.kam_own.id,
            "company_id": self.company_a.id,
        })
        figures = ["kam_compliance_planned", "kam_compliance_rate"]
        self.env.invalidate_all()
        # The head of KAM reads every deal and every account's figures.
        owner = deal.with_user(self.manager).read(figures)[0]
        self.assertEqual(owner["kam_compliance_planned"], 1, "one contact was planned in the window")
        intruder = deal.with_user(self.kam_own).read(figures)[0]
        self.assertEqual([intruder[fname] for fname in figures], [0, 0.0])

    def test_risk_and_plan_count_of_another_account_read_empty(self):
        self.env["kam.account.health"].create({
            "partner_id": self.other_account.id, "company_id": self.company_a.id,
        }).sudo().write({"risk_score": 77, "risk_level": "high"})
        figures = ["kam_risk_score", "kam_risk_level", "kam_account_plan_count"]
        self.env.invalidate_all()
        owner = self.other_account.with_user(self.kam_other).read(figures)[0]
        self.assertEqual([owner[fname] for fname in figures], [77, "high", 1])
        intruder = self.other_account.with_user(self.kam_own).read(figures)[0]
        self.assertEqual([intruder[fname] for fname in figures], [0, False, 0])
        # The dependency badge is for every internal user, by design.
        self.assertIn("kam_dependency_level", self.other_account.with_user(self.users["salesman"]).read(
            ["kam_dependency_level"]
        )[0])

    # ------------------------------------------------------------------
    # Configuration shared by every company
    # ------------------------------------------------------------------

    def test_shared_configuration_needs_a_manager_of_every_company(self):
        shared_check = self.env["kam.dossier.check"].create({
            "name": "Shared check", "kind": "members", "min_count": 1,
        })
        shared_template = self.env["kam.comm.plan.template"].create({
            "name": "Shared template", "line_ids": [Command.create({
                "name": "Shared call", "kind": "call", "cadence_kind": "per_quarter", "times": 1,
            })],
        })
        role, account_type = self.records["kam.dmu.role"], self.records["kam.account.type"]
        attacks = [
            (shared_check, {"min_count": 9}),
            (shared_template, {"name": "Hijacked"}),
            (shared_template.line_ids, {"times": 4}),
            (role, {"name": "Hijacked role"}),
            (account_type, {"name": "Hijacked type"}),
        ]
        before = [(record, {fname: record[fname] for fname in vals}) for record, vals in attacks]
        # The manager of company B, and the manager of company A alone.
        for user in (self.users["other_company"], self.manager):
            for record, vals in attacks:
                with self.subTest(user=user.name, model=record._name):
                    with self.assertRaises(AccessError) as caught:
                        record.with_user(user).write(vals)
                    self.assertIn(SHARED, str(caught.exception))
                    with self.assertRaises(AccessError):
                        record.with_user(user).unlink()
            with self.assertRaises(AccessError) as caught:
                self.env["kam.dossier.check"].with_user(user).create({
                    "name": "Sneaky shared check", "kind": "competitors",
                })
            self.assertIn(SHARED, str(caught.exception))
        self.env.invalidate_all()
        for record, values in before:
            self.assertTrue(record.exists())
            self.assertEqual({fname: record[fname] for fname in values}, values)
        self.assertFalse(self._count("kam.dossier.check", [("name", "=", "Sneaky shared check")]))
        # A manager of every company changes shared configuration.
        head = self.env["res.users"].with_context(no_reset_password=True).create({
            "name": "Greta Group Head", "login": "trust_group_head",
            "company_id": self.company_a.id,
            "company_ids": [Command.set(self.env["res.company"].search([]).ids)],
            "groups_id": [Command.set([self.env.ref("kam_management.group_kam_manager").id])],
        })
        shared_check.with_user(head).write({"min_count": 3})
        shared_template.line_ids.with_user(head).write({"times": 2})
        role.with_user(head).write({"name": "Renamed by the group head"})
        self.assertEqual((shared_check.min_count, shared_template.line_ids.times), (3, 2))

    def test_company_manager_keeps_to_their_company(self):
        manager_b = self.users["other_company"]
        Check = self.env["kam.dossier.check"].with_user(manager_b)
        own_check = Check.create({
            "name": "B check", "kind": "competitors", "company_id": self.company_b.id,
        })
        own_check.write({"name": "B check, renamed"})
        with self.assertRaises(AccessError) as caught:
            own_check.write({"company_id": False})
        self.assertIn(SHARED, str(caught.exception))
        own_check.invalidate_recordset()
        self.assertEqual(own_check.sudo().company_id, self.company_b)
        company_a_check = self.records["kam.dossier.check"]
        with self.assertRaises(AccessError):
            company_a_check.with_user(manager_b).write({"name": "Renamed by B"})
        company_a_check.invalidate_recordset()
        self.assertEqual(company_a_check.name, "Trust check")
        # Company A's manager edits company A's template.
        self.template.with_user(self.manager).write({"name": "Trust Template, renamed"})
        self.assertEqual(self.template.name, "Trust Template, renamed")

    # ------------------------------------------------------------------
    # Generated workbooks
    # ------------------------------------------------------------------

    def _exported_wizard(self, user, **vals):
        wizard = self.env["kam.export.wizard"].with_user(user).create(dict({
            "export_type": "dossier", "partner_ids": [Command.set(self.account.ids)],
        }, **vals))
        wizard.action_export()
        self.assertTrue(wizard.file)
        return wizard

    def test_export_wizard_belongs_to_its_user(self):
        wizard = self._exported_wizard(self.kam_own)
        content = wizard.file
        forged = base64.b64encode(b"forged workbook")
        for intruder in (self.kam_other, self.manager):
            with self.subTest(user=intruder.name):
                Wizard = self.env["kam.export.wizard"].with_user(intruder)
                self.assertFalse(Wizard.search([("id", "=", wizard.id)]))
                self.assertNotIn(wizard.id, [row["id"] for row in Wizard.search_read([], ["id"])])
                with self.assertRaises(AccessError):
                    wizard.with_user(intruder).read(["file", "filename"])
                with self.assertRaises(AccessError):
                    wizard.with_user(intruder).write({"file": forged, "filename": "Dossier.xlsx"})
                with self.assertRaises(AccessError):
                    wizard.with_user(intruder).write({"partner_ids": [Command.set(self.other_account.ids)]})
                with self.assertRaises(AccessError):
                    wizard.with_user(intruder).action_export()
        wizard.invalidate_recordset()
        self.assertEqual(wizard.file, content)
        self.assertEqual(wizard.partner_ids, self.account)
        # Nor can its owner pass off a file of their own as the export.
        with self.assertRaises(AccessError) as caught:
            wizard.with_user(self.kam_own).write({"file": forged})
        self.assertIn("Export button", str(caught.exception))
        wizard.invalidate_recordset()
        self.assertEqual(wizard.file, content)
        # The workbook is kept on the wizard, never as a free-standing attachment.
        self.assertFalse(self.env["ir.attachment"].search([("res_model", "=", "kam.export.wizard")]))

    def test_manager_export_is_theirs_too(self):
        wizard = self._exported_wizard(self.manager, export_type="portfolio", partner_ids=False)
        self.assertFalse(self.env["kam.export.wizard"].with_user(self.kam_own).search([("id", "=", wizard.id)]))
        with self.assertRaises(AccessError):
            wizard.with_user(self.kam_own).read(["file"])
        with self.assertRaises(AccessError):
            wizard.with_user(self.users["other_company"]).read(["file"])
        self.assertTrue(wizard.with_user(self.manager).read(["file"])[0]["file"])

    def test_other_wizards_belong_to_their_user(self):
        outcome = self.env["kam.contact.outcome.wizard"].with_user(self.kam_own).create({
            "partner_id": self.account.id, "outcome": "negative", "summary": "Angry about prices",
        })
        with self.assertRaises(AccessError):
            outcome.with_user(self.kam_other).read(["summary"])
        with self.assertRaises(AccessError):
            outcome.with_user(self.manager).action_confirm()
        self.assertFalse(self._count("kam.contact.log", [("summary", "=", "Angry about prices")]))


@tagged("post_install", "-at_install")
class TestTrustExportDownload(OwnershipFixtures, HttpCase):
    """The workbook over plain HTTP, as the web client downloads it."""

    def test_only_the_owner_downloads_the_workbook(self):
        wizard = self.env["kam.export.wizard"].with_user(self.kam_own).create({
            "export_type": "dossier", "partner_ids": [Command.set(self.account.ids)],
        })
        wizard.action_export()
        content = base64.b64decode(wizard.file)
        urls = [
            f"/web/content?model=kam.export.wizard&id={wizard.id}&field=file"
            "&filename_field=filename&download=true",
            f"/web/content/kam.export.wizard/{wizard.id}/file",
        ]
        for login in ("kam_other", "manager"):
            self.authenticate(f"trust_{login}", PASSWORDS[login])
            for url in urls:
                with self.subTest(user=login, url=url), mute_logger("odoo.http"):
                    response = self.url_open(url)
                    self.assertIn(response.status_code, (403, 404))
                    self.assertNotEqual(response.content, content)
        self.authenticate("trust_kam_own", PASSWORDS["kam_own"])
        for url in urls:
            with self.subTest(user="kam_own", url=url):
                response = self.url_open(url)
                self.assertEqual(response.status_code, 200)
                self.assertEqual(response.content, content)
