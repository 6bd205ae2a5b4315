# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestKamMenuTour(HttpCase):
    def test_key_accounts_menu_tour(self):
        """Admin opens CRM > Key Accounts and sees a key account with its badge."""
        self.env["res.partner"].create(
            {"name": "Tour Key Account Ltd", "is_company": True, "kam_status": "key"}
        )
        self.start_tour("/odoo", "kam_menu_tour", login="admin")

    def test_key_accounts_menu_visible_to_kam_groups_only(self):
        menu = self.env.ref("kam_management.kam_menu_root")
        kam_group = self.env.ref("kam_management.group_kam_user")
        self.assertIn(kam_group, menu.groups_id)
        salesman = self.env["res.users"].create({
            "name": "Plain Salesman", "login": "plain_salesman_menu",
            "groups_id": [(6, 0, [self.env.ref("sales_team.group_sale_salesman").id])],
        })
        visible = self.env["ir.ui.menu"].with_user(salesman)._visible_menu_ids()
        self.assertNotIn(menu.id, visible)
