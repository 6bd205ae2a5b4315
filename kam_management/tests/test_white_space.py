# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""White space (SPEC §8, digest §7.6): what similar key accounts buy and this
one does not, with its yearly value at those accounts; one click to an
opportunity.

In a company of its own (trailing window 12 months: a year's value is the
window's), key accounts and what they bought (revenue, margin half of it):

    Alpha (Bread-winner)   desks 1 200
    Beta  (Bread-winner)   desks   600, chairs 2 400
    Gamma (Bread-winner)   desks   300, chairs 1 200, services 500
    Expert Co (Expert)     services 9 000      shares no type: compared with all

Similar accounts share a key-account type (or the industry). So Alpha is
compared with Beta and Gamma: chairs are bought by 2 of 2 (median of 2 400
and 1 200 = 1 800), services by 1 of 2 (500); Expert Co's services do not
count for Alpha. Gamma buys everything its peers buy: no white space. Expert
Co, alone of its type, is compared with all: desks by 3 of 3 (median 600),
chairs by 2 of 3 (1 800).
"""

import xmlrpc.client
from datetime import date

from odoo.exceptions import AccessError
from odoo.tests import HttpCase, TransactionCase, tagged
from odoo.tools import mute_logger

from .common import GrowthFixtures


class WhiteSpaceFixtures(GrowthFixtures):
    @classmethod
    def _setup_white_space(cls, prefix):
        cls._setup_growth(prefix)
        Type = cls.env["kam.account.type"]
        cls.breadwinner = cls.env.ref("kam_management.kam_type_breadwinner")
        cls.expert_type = cls.env.ref("kam_management.kam_type_expert")
        assert Type.browse(cls.breadwinner.id).exists()
        cls.alpha = cls._company_partner("Alpha Offices")
        cls.beta = cls._company_partner("Beta Offices")
        cls.gamma = cls._company_partner("Gamma Offices")
        cls.expert = cls._company_partner("Expert Co")
        for partner in (cls.alpha, cls.beta, cls.gamma):
            cls._make_key(partner, cls.kam, cls.breadwinner)
        cls._make_key(cls.expert, cls.other_kam, cls.expert_type)
        cls._order(cls.alpha, 1200, 600, cls.desk)
        cls._order(cls.beta, 600, 300, cls.desk)
        cls._order(cls.beta, 2400, 1200, cls.chair)
        cls._order(cls.gamma, 300, 150, cls.desk)
        cls._order(cls.gamma, 1200, 600, cls.chair)
        cls._order(cls.gamma, 500, 250, cls.service)
        cls._order(cls.expert, 9000, 4500, cls.service)
        cls.env.flush_all()

    def _rows(self, user=None, **domain):
        WhiteSpace = self.env["kam.white.space"]
        if user:
            WhiteSpace = WhiteSpace.with_user(user)
        return WhiteSpace.with_company(self.company).search(
            [(field, "=", value.id if hasattr(value, "id") else value) for field, value in domain.items()]
        )


@tagged("post_install", "-at_install")
class TestWhiteSpace(WhiteSpaceFixtures, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_white_space("g1ws")

    def _values(self, rows):
        return {
            row.categ_id: (row.value, row.margin_value, row.buyer_count, row.peer_count) for row in rows
        }

    def test_similar_accounts_share_a_type(self):
        self.assertEqual(self._values(self._rows(account_id=self.alpha)), {
            self.categ_chairs: (1800.0, 900.0, 2, 2),
            self.categ_services: (500.0, 250.0, 1, 2),
        })
        self.assertEqual(self._values(self._rows(account_id=self.beta)), {
            self.categ_services: (500.0, 250.0, 1, 2),
        })
        self.assertFalse(self._rows(account_id=self.gamma))
        chairs = self._rows(account_id=self.alpha, categ_id=self.categ_chairs)
        self.assertEqual(chairs.kind, "peers")
        self.assertEqual(chairs.partner_id, self.alpha)
        self.assertAlmostEqual(chairs.penetration, 100.0)
        self.assertEqual(chairs.kam_user_id, self.kam)

    def test_an_account_without_peers_is_compared_with_all(self):
        self.assertEqual(self._values(self._rows(account_id=self.expert)), {
            self.categ_desks: (600.0, 300.0, 3, 3),
            self.categ_chairs: (1800.0, 900.0, 2, 3),
        })

    def test_the_industry_makes_accounts_similar(self):
        industry = self.env["res.partner.industry"].create({"name": "g1ws Offices"})
        (self.alpha | self.expert).write({"industry_id": industry.id})
        # Alpha now has Beta, Gamma (type) and Expert Co (industry) as peers.
        self.assertEqual(self._values(self._rows(account_id=self.alpha)), {
            self.categ_chairs: (1800.0, 900.0, 2, 3),
            self.categ_services: ((500.0 + 9000.0) / 2, (250.0 + 4500.0) / 2, 2, 3),
        })
        # Expert Co shares the industry with Alpha only.
        self.assertEqual(self._values(self._rows(account_id=self.expert)), {
            self.categ_desks: (1200.0, 600.0, 1, 1),
        })

    def test_value_is_yearly_over_the_window(self):
        self.company.kam_window_months = 6
        self.env.invalidate_all()
        chairs = self._rows(account_id=self.alpha, categ_id=self.categ_chairs)
        self.assertAlmostEqual(chairs.value, 3600.0, msg="a median of 1 800 over six months")

    def test_group_companies_white_space(self):
        """A group key account: what its other companies buy and one does not."""
        group = self._company_partner("Group Top")
        branch = self._company_partner("Group Branch", group)
        division = self._company_partner("Group Division", branch)
        self._make_key(group, self.kam)
        self._order(group, 1000, 500, self.desk)
        self._order(branch, 800, 400, self.service)
        self._order(division, 400, 200, self.service)
        self.env.flush_all()
        rows = self._rows(account_id=group, kind="group")
        found = {(row.partner_id, row.categ_id): (row.value, row.buyer_count, row.peer_count) for row in rows}
        self.assertEqual(found, {
            (group, self.categ_services): (600.0, 2, 2),
            (branch, self.categ_desks): (1000.0, 1, 2),
            (division, self.categ_desks): (1000.0, 1, 2),
        })
        # Compared with the other key accounts, the group buys what its companies buy.
        peers = self._rows(account_id=group, kind="peers")
        self.assertEqual(peers.categ_id, self.categ_chairs)

    def test_one_click_opportunity(self):
        chairs = self._rows(self.kam, account_id=self.alpha, categ_id=self.categ_chairs)
        action = chairs.action_create_opportunity()
        lead = self.env["crm.lead"].browse(action["res_id"])
        self.assertEqual(lead.type, "opportunity")
        self.assertEqual(lead.partner_id, self.alpha)
        self.assertEqual(lead.company_id, self.company)
        self.assertAlmostEqual(lead.expected_revenue, 1800.0)
        self.assertIn(self.env.ref("kam_management.kam_crm_tag_white_space"), lead.tag_ids)
        self.assertIn("g1ws Chairs", lead.name)
        self.assertIn("Alpha Offices", lead.name)
        self.assertEqual(lead.kam_white_space_categ_id, self.categ_chairs)
        self.assertEqual(lead.create_uid, self.kam)
        # The row now shows it, and a second click opens it instead of a duplicate.
        self.env.invalidate_all()
        chairs = self._rows(self.kam, account_id=self.alpha, categ_id=self.categ_chairs)
        self.assertEqual(chairs.lead_id, lead)
        self.assertEqual(chairs.action_create_opportunity()["res_id"], lead.id)
        self.assertEqual(
            self.env["crm.lead"].search_count([("kam_white_space_categ_id", "=", self.categ_chairs.id)]), 1
        )

    def test_access(self):
        self.assertEqual(self._rows(self.kam).account_id, self.alpha | self.beta)
        self.assertEqual(self._rows(self.other_kam).account_id, self.expert)
        self.assertEqual(self._rows(self.head).account_id, self.alpha | self.beta | self.expert)
        self.assertFalse(self.env["kam.white.space"].with_user(self.foreign_head).search([]).filtered(
            lambda row: row.company_id == self.company
        ))
        with self.assertRaises(AccessError):
            self.env["kam.white.space"].with_user(self.salesman).search([])
        # Another KAM cannot open an opportunity from Alpha's white space.
        chairs = self._rows(account_id=self.alpha, categ_id=self.categ_chairs)
        leads_before = self.env["crm.lead"].search_count([])
        with self.assertRaises(AccessError):
            chairs.with_user(self.other_kam).with_company(self.company).action_create_opportunity()
        self.assertEqual(self.env["crm.lead"].search_count([]), leads_before)

    def test_dropped_categories_read_the_same_figures(self):
        """The risk signal and the white space share one statement of category figures."""
        categories = self.env["kam.account.health"]._kam_fetch_categories(
            self.company, [self.gamma.id], date.today(),
        )
        self.assertEqual(
            categories[self.gamma.id][1],
            {self.categ_desks.complete_name, self.categ_chairs.complete_name, self.categ_services.complete_name},
        )


@tagged("post_install", "-at_install")
class TestWhiteSpaceRpc(WhiteSpaceFixtures, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_white_space("g1wr")

    def _call(self, user, model, method, *args):
        uid = self.xmlrpc_common.authenticate(self.env.cr.dbname, user.login, user.login, {})
        return self.xmlrpc_object.execute_kw(
            self.env.cr.dbname, uid, user.login, model, method, list(args),
            {"context": {"allowed_company_ids": user.company_ids.ids}},
        )

    def test_private_methods_are_not_callable(self):
        for model, method, args in (
            ("kam.white.space", "_kam_opportunity_values", [[1], False]),
            ("kam.white.space", "_kam_company_query", [[], 1, "2024-01-01"]),
            ("res.partner", "_kam_group_figures", [[self.alpha.id], self.company.id]),
            ("kam.category.revenue", "_kam_category_revenue_query", [1, "2024-01-01", "2025-01-01"]),
        ):
            with self.subTest(method=method), mute_logger("odoo.http"), self.assertRaises(xmlrpc.client.Fault):
                self._call(self.kam, model, method, *args)

    def test_other_kam_cannot_create_from_foreign_rows(self):
        row = self._rows(account_id=self.alpha, categ_id=self.categ_chairs)
        with mute_logger("odoo.http"), self.assertRaises(xmlrpc.client.Fault):
            self._call(self.other_kam, "kam.white.space", "action_create_opportunity", row.ids)
        self.assertFalse(self.env["crm.lead"].search([("kam_white_space_categ_id", "=", self.categ_chairs.id)]))
        # Its own KAM can.
        self._call(self.kam, "kam.white.space", "action_create_opportunity", row.ids)
        self.assertTrue(self.env["crm.lead"].search([("kam_white_space_categ_id", "=", self.categ_chairs.id)]))
