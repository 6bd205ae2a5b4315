# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestIdentityPerCompany(TransactionCase):
    """SPEC §0 and §5: a client's key-account identity (status, KAM, team,
    level, types, VIP) is decided per company. One client, key in company A
    with KAM A, a candidate in company B with KAM B: each company's users see
    and work on their own company's identity only, and its KAM managers alone
    change it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.company_a = env.company
        cls.company_b = env["res.company"].create({"name": "Identity Company B"})
        Users = env["res.users"].with_context(no_reset_password=True)
        both = [Command.set((cls.company_a | cls.company_b).ids)]

        def user(login, group, companies, company):
            return Users.create({
                "name": login.replace("_", " ").title(), "login": login,
                "company_id": company.id, "company_ids": companies,
                "groups_id": [Command.set([env.ref(group).id])],
            })

        kam_user, kam_manager = "kam_management.group_kam_user", "kam_management.group_kam_manager"
        # KAM A works in both companies: the records of company B stay KAM B's.
        cls.kam_a = user("identity_kam_a", kam_user, both, cls.company_a)
        cls.kam_b = user("identity_kam_b", kam_user, [Command.set(cls.company_b.ids)], cls.company_b)
        cls.manager_a = user(
            "identity_manager_a", kam_manager, [Command.set(cls.company_a.ids)], cls.company_a
        )
        cls.manager_b = user(
            "identity_manager_b", kam_manager, [Command.set(cls.company_b.ids)], cls.company_b
        )
        # A client shared by both companies (no company of its own).
        cls.client = env["res.partner"].create({"name": "Shared Client", "is_company": True})
        cls.contact = env["res.partner"].create({"name": "Clara Contact", "parent_id": cls.client.id})
        cls.client.with_user(cls.manager_a).write({
            "kam_status": "key", "kam_user_id": cls.kam_a.id, "kam_status_reason": "Key in A",
        })
        cls.client.with_user(cls.manager_b).write({
            "kam_status": "candidate", "kam_user_id": cls.kam_b.id, "kam_status_reason": "Critical in B",
        })
        cls.in_a = cls.client.with_company(cls.company_a)
        cls.in_b = cls.client.with_company(cls.company_b)

    def _rows(self):
        return self.env["kam.account"].search([("partner_id", "=", self.client.id)])

    def test_two_companies_two_identities(self):
        rows = self._rows()
        self.assertEqual(rows.company_id, self.company_a | self.company_b)
        self.assertEqual((self.in_a.kam_status, self.in_a.kam_user_id), ("key", self.kam_a))
        self.assertEqual((self.in_b.kam_status, self.in_b.kam_user_id), ("candidate", self.kam_b))
        # The contact shows its company's identity, company by company.
        self.assertEqual(self.contact.with_company(self.company_a).kam_user_id, self.kam_a)
        self.assertEqual(self.contact.with_company(self.company_b).kam_user_id, self.kam_b)
        # The history is kept per company: each row tracks its own changes.
        row_a = rows.filtered(lambda row: row.company_id == self.company_a)
        row_b = rows - row_a
        self.env.cr.precommit.run()  # the rows' creation is committed: later changes are tracked
        self.in_a.with_user(self.manager_a).write({"kam_status_reason": "Reviewed in A"})
        self.env.cr.precommit.run()  # the tracking is written when the transaction commits
        tracked_a = row_a.message_ids.tracking_value_ids.field_id.mapped("name")
        self.assertIn("kam_status_reason", tracked_a)
        self.assertNotIn(
            "Reviewed in A",
            [value.new_value_char for value in row_b.message_ids.tracking_value_ids],
        )

    def test_company_b_users_do_not_see_company_a_kam(self):
        client = self.client.with_user(self.kam_b)
        self.assertEqual(client.kam_user_id, self.kam_b)
        self.assertEqual(client.kam_status, "candidate")
        self.assertFalse(client.search([("kam_user_id", "=", self.kam_a.id)]))
        # The client and its contact (who shows the client's identity).
        self.assertEqual(
            client.search([("kam_user_id", "=", self.kam_b.id)]), self.client | self.contact
        )
        Account = self.env["kam.account"].with_user(self.kam_b)
        self.assertEqual(Account.search([("partner_id", "=", self.client.id)]).company_id, self.company_b)
        row_a = self._rows().filtered(lambda row: row.company_id == self.company_a)
        with self.assertRaises(AccessError):
            row_a.with_user(self.kam_b).read(["kam_user_id"])
        # Nor by asking for company A's view of the client.
        with self.assertRaises(AccessError):
            client.with_company(self.company_a).kam_user_id  # noqa: B018

    def test_kam_records_follow_the_identity_of_their_company(self):
        Dossier = self.env["kam.dossier"]
        dossier_a = Dossier.create({"partner_id": self.client.id, "company_id": self.company_a.id})
        dossier_b = Dossier.create({"partner_id": self.client.id, "company_id": self.company_b.id})
        # Each dossier shows its company's identity of the account.
        self.assertEqual((dossier_a.kam_status, dossier_a.kam_user_id), ("key", self.kam_a))
        self.assertEqual((dossier_b.kam_status, dossier_b.kam_user_id), ("candidate", self.kam_b))
        both = (self.company_a | self.company_b).ids
        as_kam_a = Dossier.with_user(self.kam_a).with_context(allowed_company_ids=both)
        # KAM A works in company B too, but company B's account is KAM B's.
        self.assertEqual(as_kam_a.search([("partner_id", "=", self.client.id)]), dossier_a)
        with self.assertRaises(AccessError):
            dossier_b.with_user(self.kam_a).with_context(allowed_company_ids=both).read(["partner_id"])
        as_kam_b = Dossier.with_user(self.kam_b)
        self.assertEqual(as_kam_b.search([("partner_id", "=", self.client.id)]), dossier_b)
        with self.assertRaises(AccessError):
            dossier_a.with_user(self.kam_b).read(["partner_id"])
        # KAM A creates on company A's account, not on company B's.
        Log = self.env["kam.contact.log"].with_user(self.kam_a).with_context(allowed_company_ids=both)
        values = {"partner_id": self.client.id, "date": "2026-01-05", "channel": "phone", "summary": "Call"}
        Log.create(dict(values, company_id=self.company_a.id))
        with self.assertRaises(AccessError):
            Log.create(dict(values, company_id=self.company_b.id))

    def test_manager_of_company_a_cannot_change_company_b_identity(self):
        with self.assertRaises(AccessError):
            self.client.with_user(self.manager_a).with_company(self.company_b).write(
                {"kam_user_id": self.kam_a.id}
            )
        row_b = self._rows().filtered(lambda row: row.company_id == self.company_b)
        with self.assertRaises(AccessError):
            row_b.with_user(self.manager_a).write({"kam_user_id": self.kam_a.id})
        # In company A, the manager changes company A's identity only.
        dossier_a = self.env["kam.dossier"].create(
            {"partner_id": self.client.id, "company_id": self.company_a.id}
        )
        self.assertEqual(dossier_a.kam_status, "key")
        self.client.with_user(self.manager_a).write({"kam_status": "former"})
        self.assertEqual(dossier_a.kam_status, "former", "the records follow their company's identity")
        self.env.invalidate_all()
        self.assertEqual(self.in_a.kam_status, "former")
        self.assertEqual((self.in_b.kam_status, self.in_b.kam_user_id), ("candidate", self.kam_b))

    def test_kam_users_do_not_change_an_identity(self):
        for user, company in ((self.kam_b, self.company_b), (self.kam_a, self.company_a)):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.client.with_user(user).with_company(company).write({"kam_status": "former"})
        self.assertEqual((self.in_a.kam_status, self.in_b.kam_status), ("key", "candidate"))

    def test_partners_searched_and_grouped_per_company(self):
        blank = self.env["res.partner"].create({"name": "Nobody Special", "is_company": True})
        Partner = self.env["res.partner"]
        in_a, in_b = Partner.with_company(self.company_a), Partner.with_company(self.company_b)
        scope = [("id", "in", (self.client | blank).ids)]
        self.assertEqual(in_a.search(scope + [("kam_status", "=", "key")]), self.client)
        self.assertFalse(in_b.search(scope + [("kam_status", "=", "key")]))
        self.assertEqual(in_b.search(scope + [("kam_status", "=", "candidate")]), self.client)
        self.assertEqual(in_b.search(scope + [("kam_status", "=", "none")]), blank)
        self.assertEqual(in_a.search(scope + [("kam_status", "!=", "none")]), self.client)
        for model, company, kam, status in (
            (in_a, self.company_a, self.kam_a, "key"), (in_b, self.company_b, self.kam_b, "candidate"),
        ):
            with self.subTest(company=company.name):
                groups = model._read_group(scope, ["kam_user_id", "kam_status"], ["__count"])
                self.assertIn((kam, status, 1), groups)
                self.assertIn((self.env["res.users"], "none", 1), groups)

    def test_pipeline_shows_the_identity_of_the_lead_company(self):
        Lead = self.env["crm.lead"]
        lead_a = Lead.create({
            "name": "Deal A", "type": "opportunity", "partner_id": self.contact.id,
            "company_id": self.company_a.id,
        })
        lead_b = Lead.create({
            "name": "Deal B", "type": "opportunity", "partner_id": self.client.id,
            "company_id": self.company_b.id, "user_id": False,
        })
        self.assertEqual((lead_a.kam_partner_status, lead_a.kam_account_user_id), ("key", self.kam_a))
        self.assertEqual((lead_b.kam_partner_status, lead_b.kam_account_user_id), ("candidate", self.kam_b))
        # A new opportunity of a key account goes to its KAM in that company only.
        self.assertEqual(lead_a.user_id, self.kam_a)
        self.assertNotEqual(lead_b.user_id, self.kam_a)
        leads = lead_a | lead_b
        groups = dict(Lead._read_group([("id", "in", leads.ids)], ["kam_account_user_id"], ["__count"]))
        self.assertEqual(groups, {self.kam_a: 1, self.kam_b: 1})
        # A change of company B's KAM moves company B's deals only.
        self.in_b.with_user(self.manager_b).write({"kam_user_id": self.manager_b.id})
        self.env.flush_all()
        self.assertEqual(lead_b.kam_account_user_id, self.manager_b)
        self.assertEqual(lead_a.kam_account_user_id, self.kam_a)
        self.assertEqual(
            Lead.search([("id", "in", leads.ids), ("kam_partner_status", "=", "key")]), lead_a
        )
