# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""One tour per flow of the growth features: open a group account and read
its companies' roll-up; open a key account's white space and create the
opportunity of a category."""

from odoo.tests import HttpCase, tagged

from .common import GrowthFixtures


@tagged("post_install", "-at_install")
class TestGroupTours(GrowthFixtures, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_growth("g1wt")

    def test_group_account_tour(self):
        holding = self._company_partner("Holding Plc")
        sub = self._company_partner("Subsidiary One", holding)
        division = self._company_partner("Division Two", sub)
        outsider = self._company_partner("Outsider Ltd")
        self._make_key(holding, self.kam)
        self._order(holding, 1000, 400)
        self._order(sub, 2000, 600)
        self._order(division, 1500, 500)
        self._order(outsider, 1200, 500)
        self._recompute()
        self.start_tour(f"/odoo/res.partner/{holding.id}", "kam_group_account_tour", login=self.kam.login)

    def test_white_space_tour(self):
        breadwinner = self.env.ref("kam_management.kam_type_breadwinner")
        alpha = self._company_partner("Alpha Offices")
        beta = self._company_partner("Beta Offices")
        for partner in (alpha, beta):
            self._make_key(partner, self.kam, breadwinner)
        self._order(alpha, 1200, 600, self.desk)
        self._order(beta, 2400, 1200, self.chair)
        self.env.flush_all()
        self.start_tour("/odoo/my-key-accounts", "kam_white_space_tour", login=self.kam.login)
        lead = self.env["crm.lead"].search([("kam_white_space_categ_id", "=", self.categ_chairs.id)])
        self.assertEqual(lead.partner_id, alpha)
        self.assertAlmostEqual(lead.expected_revenue, 2400.0)
