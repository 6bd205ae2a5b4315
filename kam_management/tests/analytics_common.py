"""Shared fixtures of the analytics tests: users, accounts, crafted histories."""

from datetime import date, datetime, time

from odoo import Command
from odoo.tests import TransactionCase


class KamAnalyticsCase(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=False))
        cls.company = cls.env.company
        kam_group = cls.env.ref("kam_management.group_kam_user")
        manager_group = cls.env.ref("kam_management.group_kam_manager")
        Users = cls.env["res.users"].with_context(no_reset_password=True)
        cls.kam = Users.create({
            "name": "Kira KAM", "login": "h6_kam", "email": "kira@example.com",
            "groups_id": [Command.set([kam_group.id])],
        })
        cls.other_kam = Users.create({
            "name": "Oleg Other KAM", "login": "h6_other_kam", "email": "oleg@example.com",
            "groups_id": [Command.set([kam_group.id])],
        })
        cls.head = Users.create({
            "name": "Hanna Head of KAM", "login": "h6_head", "email": "hanna@example.com",
            "groups_id": [Command.set([manager_group.id])],
        })
        cls.salesman = Users.create({
            "name": "Sam Salesman", "login": "h6_salesman",
            "groups_id": [Command.set([cls.env.ref("sales_team.group_sale_salesman").id])],
        })
        Partner = cls.env["res.partner"]
        cls.risky = Partner.create({
            "name": "Risky Retail Ltd", "is_company": True, "kam_status": "key",
            "kam_user_id": cls.kam.id,
        })
        cls.steady = Partner.create({
            "name": "Steady Stores Ltd", "is_company": True, "kam_status": "key",
            "kam_user_id": cls.kam.id,
        })
        cls.foreign = Partner.create({
            "name": "Other KAM Account Ltd", "is_company": True, "kam_status": "key",
            "kam_user_id": cls.other_kam.id,
        })
        Category = cls.env["product.category"]
        cls.categ_desks = Category.create({"name": "H6 Desks"})
        cls.categ_service = Category.create({"name": "H6 Installation"})
        Product = cls.env["product.product"]
        cls.desk = Product.create({
            "name": "H6 Desk", "categ_id": cls.categ_desks.id, "list_price": 100.0,
            "standard_price": 60.0,
        })
        cls.service = Product.create({
            "name": "H6 Installation", "categ_id": cls.categ_service.id, "type": "service",
            "list_price": 50.0, "standard_price": 20.0,
        })

    # ------------------------------------------------------------------
    # Crafted histories
    # ------------------------------------------------------------------

    @classmethod
    def _order(cls, partner, day, amount, product=None):
        """A confirmed order of ``amount`` (untaxed) dated ``day``."""
        product = product or cls.desk
        order = cls.env["sale.order"].create({
            "partner_id": partner.id,
            "validity_date": day,
            "order_line": [Command.create({
                "product_id": product.id, "product_uom_qty": 1, "price_unit": amount,
                "tax_id": [Command.clear()],
            })],
        })
        order.action_confirm()
        order.date_order = datetime.combine(day, time(10, 0))
        return order

    @classmethod
    def _invoice(cls, partner, invoice_day, due_day, paid_day=None, amount=1000.0):
        """A posted customer invoice due ``due_day``, paid on ``paid_day`` if given."""
        move = cls.env["account.move"].create({
            "move_type": "out_invoice",
            "partner_id": partner.id,
            "invoice_date": invoice_day,
            "invoice_payment_term_id": False,
            "invoice_date_due": due_day,
            "invoice_line_ids": [Command.create({
                "product_id": cls.desk.id, "quantity": 1, "price_unit": amount,
                "tax_ids": [Command.clear()],
            })],
        })
        move.action_post()
        if paid_day:
            cls.env["account.payment.register"].with_context(
                active_model="account.move", active_ids=move.ids,
            ).create({"payment_date": paid_day})._create_payments()
        return move

    def _flush_tracking(self):
        """Tracking values are written at pre-commit; run it as a commit would."""
        self.env.flush_all()
        self.env.cr.precommit.run()

    def _health(self, partner):
        return self.env["kam.account.health"].search([
            ("partner_id", "=", partner.id), ("company_id", "=", self.company.id),
        ])

    def _refresh(self, *partners):
        records = self.env["res.partner"].concat(*partners)
        records._kam_refresh_health(self.company)
        return self.env["kam.account.health"].search([
            ("partner_id", "in", records.ids), ("company_id", "=", self.company.id),
        ])


def d(text):
    return date.fromisoformat(text)
