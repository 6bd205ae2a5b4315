# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""Group accounts (SPEC §8): a parent company and its subsidiaries, branches and
divisions roll up, each company (hence each order) counted once.

The story, in a company of its own (basis of the share: gross margin):

    Holding (key, KAM Gina)                 margin 400  revenue 1 000
    └── Subsidiary One                      margin 500  revenue 2 000
        │   └── Petra (a person of it)      margin 100  revenue   300
        └── Division Two (key, KAM Otto)    margin 500  revenue 1 500
    Outsider (no group)                     margin 500  revenue 1 200

Company total of the basis: 2 000. Each company alone: Holding 20 % (key),
Subsidiary One 30 % (600: its person's order is its own; critical), Division
Two 25 % (critical); counted as a group, 1 500 = 75 %: above the mono-client
share (70 %), which none of them reaches alone.
"""

from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, tagged

from .common import GrowthFixtures


@tagged("post_install", "-at_install")
class TestGroupAccounts(GrowthFixtures, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_growth("g1grp")
        cls.holding = cls._company_partner("Holding Plc")
        cls.sub = cls._company_partner("Subsidiary One", cls.holding)
        cls.division = cls._company_partner("Division Two", cls.sub)
        cls.person = cls.env["res.partner"].create({
            "name": "Petra Buyer", "parent_id": cls.sub.id, "company_id": cls.company.id,
        })
        cls.outsider = cls._company_partner("Outsider Ltd")
        cls._make_key(cls.holding, cls.kam)
        cls._make_key(cls.division, cls.other_kam)
        cls._order(cls.holding, 1000, 400)
        cls._order(cls.sub, 2000, 500)
        cls._order(cls.person, 300, 100)
        cls._order(cls.division, 1500, 500)
        cls._order(cls.outsider, 1200, 500)
        cls._recompute()

    def _as(self, user, record):
        return record.with_user(user).with_company(self.company)

    def test_every_company_belongs_to_its_top_group_once(self):
        for partner in (self.holding, self.sub, self.division):
            self.assertEqual(partner.kam_group_id, self.holding, partner.name)
        self.assertFalse(self.person.kam_group_id, "a person is no company of a group")
        self.assertEqual(self.outsider.kam_group_id, self.outsider)
        self.assertEqual(self.holding.kam_group_member_count, 3)
        self.assertEqual(self.outsider.kam_group_member_count, 1)
        Partner = self.env["res.partner"].with_company(self.company)
        in_group = Partner.search([("kam_group_member_count", ">", 1), ("company_id", "=", self.company.id)])
        self.assertEqual(in_group, self.holding | self.sub | self.division)

    def test_group_figures_count_each_company_once(self):
        holding = self._as(self.kam, self.holding)
        self.assertTrue(holding.kam_group_figures_visible)
        self.assertAlmostEqual(holding.kam_group_basis, 1500.0)
        self.assertAlmostEqual(holding.kam_group_margin, 1500.0)
        self.assertAlmostEqual(holding.kam_group_ordered_revenue, 1000 + 2000 + 300 + 1500)
        self.assertEqual(holding.kam_group_order_count, 4)
        self.assertAlmostEqual(holding.kam_group_share, 75.0)
        self.assertEqual(holding.kam_group_dependency_level, "mono")
        # A company of the group shows the same group.
        self.assertAlmostEqual(self._as(self.kam, self.division).kam_group_share, 75.0)
        lines = holding.kam_group_line_ids
        self.assertEqual(lines.partner_id, self.holding | self.sub | self.division)
        self.assertEqual(len(lines), 3, "each company once")
        by_company = {line.partner_id: line for line in lines}
        self.assertAlmostEqual(by_company[self.sub].basis_amount, 600.0)
        self.assertAlmostEqual(by_company[self.sub].share, 30.0)
        self.assertEqual(by_company[self.sub].dependency_level, "critical")
        self.assertEqual(by_company[self.holding].dependency_level, "key")
        self.assertEqual(by_company[self.division].parent_id, self.sub)
        self.assertFalse(by_company[self.holding].parent_id)
        self.assertAlmostEqual(by_company[self.division].group_part, 100 * 500 / 1500, places=4)
        self.assertAlmostEqual(sum(lines.mapped("basis_amount")), holding.kam_group_basis)

    def test_moving_a_company_moves_its_subtree(self):
        self.sub.parent_id = False
        self.assertEqual(self.sub.kam_group_id, self.sub)
        self.assertEqual(self.division.kam_group_id, self.sub)
        self.assertEqual(self.holding.kam_group_member_count, 1)
        self.env.invalidate_all()
        # The holding alone is no group; Subsidiary One heads the new one: 600 + 500 of 2 000.
        self.assertEqual(self._as(self.kam, self.holding).kam_group_share, 0.0)
        self.assertAlmostEqual(self._as(self.head, self.sub).kam_group_share, 55.0)
        self.assertFalse(self._as(self.kam, self.sub).kam_group_figures_visible)
        self.sub.is_company = False  # a person now: Division Two stands alone
        self.assertEqual(self.division.kam_group_id, self.division)

    def test_member_kam_sees_their_company_only(self):
        """Otto manages Division Two, not the group: its row, not the others', nor the total."""
        division = self._as(self.other_kam, self.division)
        self.assertFalse(division.kam_group_figures_visible)
        self.assertEqual(division.kam_group_share, 0.0)
        self.assertEqual(division.kam_group_line_ids.partner_id, self.division)
        rows = self.env["kam.group.report"].with_user(self.other_kam).with_company(self.company).search([])
        self.assertEqual(rows.partner_id, self.division)
        with self.assertRaises(AccessError):
            self.env["kam.group.report"].with_user(self.other_kam).browse(
                self.env["kam.group.report"].search([("partner_id", "=", self.sub.id)]).ids
            ).read(["margin"])

    def test_head_of_kam_sees_all_salesman_nothing(self):
        rows = self.env["kam.group.report"].with_user(self.head).with_company(self.company).search([
            ("group_id", "=", self.holding.id),
        ])
        self.assertEqual(len(rows), 3)
        with self.assertRaises(AccessError):
            self.env["kam.group.report"].with_user(self.salesman).search([])
        with self.assertRaises(AccessError):
            self._as(self.salesman, self.holding).read(["kam_group_share"])
        # A KAM Manager of another company sees nothing of this one.
        foreign = self.env["kam.group.report"].with_user(self.foreign_head).search([
            ("group_id", "=", self.holding.id),
        ])
        self.assertFalse(foreign)

    def test_only_a_kam_manager_moves_a_client_into_a_managed_group(self):
        """Gina would read the Outsider's figures if she could hang it under her group."""
        for user in (self.kam, self.salesman):
            with self.assertRaises(AccessError):
                self._as(user, self.outsider).write({"parent_id": self.holding.id})
            self.assertFalse(self.outsider.parent_id)
            self.assertEqual(self.outsider.kam_group_id, self.outsider)
        # Nor take a company out of it (its figures would leave the group's KAM for another).
        with self.assertRaises(AccessError):
            self._as(self.other_kam, self.sub).write({"parent_id": False})
        self.assertEqual(self.division.kam_group_id, self.holding)
        # A new branch without figures may be created under the group by anyone.
        branch = self._as(self.salesman, self.env["res.partner"]).create({
            "name": "New Branch", "is_company": True, "parent_id": self.holding.id,
        })
        self.assertEqual(branch.kam_group_id, self.holding)
        self._as(self.head, self.outsider).write({"parent_id": self.holding.id})
        self.assertEqual(self.outsider.kam_group_id, self.holding)
        self.env.invalidate_all()
        self.assertAlmostEqual(self._as(self.kam, self.holding).kam_group_share, 100.0)

    def test_dossier_workbook_has_the_group_sheet(self):
        import io

        from openpyxl import load_workbook

        content = self.env["kam.export"].with_user(self.kam).with_company(self.company)._kam_build_dossier_workbook(
            self.holding
        )
        sheet = load_workbook(io.BytesIO(content), read_only=True)["Group"]
        rows = list(sheet.iter_rows(values_only=True))
        companies = [row[2] for row in rows[1:]]
        self.assertEqual(len(companies), 4, "three companies and the group total")
        self.assertIn("Division Two", companies)
        total = rows[-1]
        self.assertIn("3", total[2])
        self.assertAlmostEqual(total[9], 0.75)
        self.assertEqual(total[11], "Mono-Client")

    def test_relationship_map_shows_the_group(self):
        data = self.env["kam.dmu.member"].with_user(self.kam).with_company(self.company).get_relationship_map_data(
            self.sub.id
        )
        group = data["group"]
        self.assertEqual(group["id"], self.holding.id)
        self.assertEqual([c["name"] for c in group["companies"]], ["Holding Plc", "Subsidiary One", "Division Two"])
        self.assertEqual([c["depth"] for c in group["companies"]], [0, 1, 2])
        self.assertTrue(next(c for c in group["companies"] if c["id"] == self.sub.id)["current"])
        self.assertFalse(
            self.env["kam.dmu.member"].with_company(self.company).get_relationship_map_data(self.outsider.id)["group"]
        )
