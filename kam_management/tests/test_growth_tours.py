# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""The three flows of growing key accounts, in the browser."""

from odoo import Command, fields
from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestGrowthTours(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Users = cls.env["res.users"].with_context(no_reset_password=True)
        cls.kam = Users.create({
            "name": "Tina Tour KAM", "login": "g2_tour_kam", "password": "g2_tour_kam_pw_1",
            "groups_id": [Command.set([cls.env.ref("kam_management.group_kam_user").id])],
        })
        cls.head = Users.create({
            "name": "Hugo Tour Head", "login": "g2_tour_head", "password": "g2_tour_head_pw_1",
            "groups_id": [Command.set([
                cls.env.ref("kam_management.group_kam_manager").id,
                cls.env.ref("base.group_partner_manager").id,
            ])],
        })
        cls.account = cls.env["res.partner"].create({
            "name": "Tour Referrer Ltd", "is_company": True, "kam_status": "key", "kam_user_id": cls.kam.id,
        })
        cls.person = cls.env["res.partner"].create({"name": "Tess Buyer", "parent_id": cls.account.id})

    def test_kam_records_a_feedback(self):
        product = self.env["product.product"].create({"name": "Tour Beam", "type": "consu"})
        order = self.env["sale.order"].create({
            "partner_id": self.person.id, "user_id": self.kam.id,
            "order_line": [Command.create({"product_id": product.id, "product_uom_qty": 2})],
        })
        order.action_confirm()
        order.order_line.qty_delivered = 2
        line = self.env["kam.growth.scheduler"]._kam_request_delivery_feedback(fields.Date.today())
        line.name = "Tour: feedback on the delivery"
        self.start_tour("/odoo/action-kam_management.kam_comm_plan_line_action", "kam_feedback_tour",
                        login=self.kam.login)
        feedback = self.env["kam.feedback"].search([("partner_id", "=", self.account.id)])
        self.assertRecordValues(feedback, [{
            "score": 5, "client_trend": "better", "user_id": self.kam.id, "contact_id": self.person.id,
            "sale_order_id": order.id, "churn_risk": "Nobody: the plant manager is happy",
            "trend": "first", "is_complete": False,
        }])
        self.assertEqual(feedback.letter_ids.state, "proposed", "5/5 after delivery: ask for a letter")
        self.assertEqual(line.state, "done")

    def test_kam_registers_a_referral(self):
        prospect = self.env["res.partner"].create({"name": "Tour Prospect Ltd", "is_company": True})
        self.start_tour("/odoo/action-kam_management.kam_referral_action", "kam_referral_tour",
                        login=self.kam.login)
        referral = self.env["kam.referral"].search([("partner_id", "=", self.account.id)])
        self.assertRecordValues(referral, [{
            "referred_partner_id": prospect.id, "referrer_contact_id": self.person.id,
            "notes": "Called their director for us", "lead_count": 1,
        }])
        self.assertEqual(referral.lead_ids.partner_id, prospect)

    def test_head_of_kam_ends_an_account_and_sees_the_winback_plan(self):
        self.start_tour(f"/odoo/res.partner/{self.account.id}", "kam_winback_tour", login=self.head.login)
        self.assertEqual(self.account.kam_status, "former")
        self.assertRecordValues(self.account, [{
            "kam_ended_by": "client", "kam_revivable": True, "kam_end_note": "Quality complaints on two deliveries",
        }])
        lines = self.env["kam.comm.plan.line"].search([("partner_id", "=", self.account.id)])
        self.assertEqual(lines.template_id, self.env.ref("kam_management.kam_comm_template_former"))
        deal = self.env["crm.lead"].search([("partner_id", "=", self.account.id), ("kam_is_winback", "=", True)])
        self.assertEqual(len(deal), 1)
        self.assertEqual(deal.kam_winback_state, "open")
