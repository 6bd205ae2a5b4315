# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

import datetime

from odoo import Command

from .common import KamCommCase

D = datetime.date


class KamGrowthCase(KamCommCase):
    """The communication fixtures, a KAM Manager, a second KAM's account and a product."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Users = cls.env["res.users"].with_context(no_reset_password=True)
        cls.head = Users.create({
            "name": "Hana Head of KAM", "login": "g2_head", "email": "g2_head@example.com",
            "groups_id": [Command.set([cls.env.ref("kam_management.group_kam_manager").id])],
        })
        cls.other_account = cls.env["res.partner"].create({
            "name": "Colleague's Key Ltd", "is_company": True,
            "kam_status": "key", "kam_user_id": cls.colleague.id,
        })
        cls.other_person = cls.env["res.partner"].create({
            "name": "Oscar Other", "parent_id": cls.other_account.id,
        })
        cls.product = cls.env["product.product"].create({
            "name": "Steel Beam", "type": "consu", "list_price": 100.0,
        })
        cls.service = cls.env["product.product"].create({
            "name": "Installation", "type": "service", "list_price": 50.0, "invoice_policy": "order",
        })
        cls.Feedback = cls.env["kam.feedback"]
        cls.growth = cls.env["kam.growth.scheduler"]

    def order(self, partner=None, product=None, qty=10, confirm=True):
        order = self.env["sale.order"].create({
            "partner_id": (partner or self.person).id,
            "user_id": self.kam.id,
            "order_line": [Command.create({"product_id": (product or self.product).id, "product_uom_qty": qty})],
        })
        if confirm:
            order.action_confirm()
        return order

    def deliver(self, order, qty=None):
        for line in order.order_line:
            line.qty_delivered = line.product_uom_qty if qty is None else qty

    def feedback(self, day, score, partner=None, user=None, **vals):
        return self.Feedback.with_user(user or self.kam).create(dict({
            "partner_id": (partner or self.account).id,
            "date": day,
            "score": score,
            "contact_id": self.person.id if not partner else False,
        }, **vals))
