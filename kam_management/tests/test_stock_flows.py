# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""Odoo's own flows, replayed on a key account.

Odoo's test suites of crm, sale, calendar, mail and base (run with and
without the addon by the peer stage of `make test`) never make their partners
key accounts, so they cannot show that the addon's overrides keep those flows
working for the accounts it manages. These tests walk each flow on a key
account, with its KAM, a salesperson outside the account team and a KAM
Manager, and check both Odoo's own outcome and that the key-account identity
and the KAM data (DMU, dossier) are intact afterwards.
"""

import datetime

from odoo import Command, fields
from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestStockFlowsOnKeyAccount(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.company = env.company
        Users = env["res.users"].with_context(no_reset_password=True)

        def user(login, name, groups):
            return Users.create({
                "name": name, "login": login, "email": f"{login}@example.com",
                "company_id": cls.company.id, "company_ids": [Command.set(cls.company.ids)],
                "groups_id": [Command.set([env.ref(group).id for group in groups])],
            })

        # base.group_partner_manager ("Contact Creation") is what Odoo gives
        # every new internal user by default.
        cls.kam = user("flow_kam", "Kim KAM", [
            "kam_management.group_kam_user", "base.group_partner_manager"])
        cls.salesman = user("flow_salesman", "Sid Salesman", [
            "sales_team.group_sale_salesman", "base.group_partner_manager"])
        cls.manager = user("flow_manager", "Meg Head of KAM", [
            "kam_management.group_kam_manager", "base.group_partner_manager"])
        cls.accountant = user("flow_accountant", "Abe Accountant", [
            "account.group_account_invoice", "base.group_partner_manager"])
        Partner = env["res.partner"]
        cls.account = Partner.create({
            "name": "Flow Key Account Ltd", "is_company": True, "company_id": cls.company.id,
            "kam_status": "key", "kam_user_id": cls.kam.id,
            "kam_team_user_ids": [Command.set(cls.manager.ids)],
        })

        def contact(name, email):
            return Partner.create({"name": name, "email": email, "parent_id": cls.account.id})

        cls.buyer = contact("Bea Buyer", "bea.buyer@flow.example.com")
        cls.engineer = contact("Eli Engineer", "eli@flow.example.com")
        # A duplicate of the buyer (same e-mail), created by another import.
        cls.duplicate = contact("B. Buyer", "bea.buyer@flow.example.com")
        cls.intern = contact("Ivo Intern", "ivo@flow.example.com")
        cls.other_company = Partner.create({
            "name": "Flow Other Company", "is_company": True, "vat": "FLOW-OTHER-42",
        })
        # KAM data on the account: the duplicate sits in its DMU, and a dossier.
        cls.dmu_member = env["kam.dmu.member"].create({
            "partner_id": cls.account.id, "contact_id": cls.duplicate.id,
            "company_id": cls.company.id,
        })
        cls.dossier = env["kam.dossier"].create({
            "partner_id": cls.account.id, "company_id": cls.company.id,
        })
        cls.product = env["product.product"].create({
            "name": "Flow Desk", "type": "consu", "invoice_policy": "order",
            "list_price": 100.0, "standard_price": 60.0, "taxes_id": [Command.clear()],
        })
        cls.identity_before = cls._identity()

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

    @classmethod
    def _identity(cls):
        """The account's key-account identity and KAM data, read as superuser."""
        cls.env.invalidate_all()
        account = cls.account.sudo()
        return {
            "exists": bool(account.exists()),
            "commercial": account.commercial_partner_id.id,
            "kam_status": account.kam_status,
            "kam_user": account.kam_user_id.id,
            "team": sorted(account.kam_team_user_ids.ids),
            "key_since": account.kam_key_since,
            "dmu_accounts": sorted(cls.dmu_member.sudo().exists().partner_id.ids),
            "dossier": cls.dossier.sudo().exists().partner_id.id,
        }

    def assertIdentityIntact(self):
        self.assertEqual(self._identity(), self.identity_before,
                         "the flow changed the key account's identity or KAM data")

    # ------------------------------------------------------------------
    # Flows
    # ------------------------------------------------------------------

    def test_lead_to_quotation_to_order_to_posted_invoice(self):
        Lead = self.env["crm.lead"].with_user(self.salesman)
        lead = Lead.create({
            "name": "Flow: 40 desks", "type": "lead", "partner_id": self.buyer.id,
            "expected_revenue": 4000.0,
        })
        # A salesperson who only sees their own leads keeps the lead.
        self.assertEqual(lead.user_id, self.salesman)
        self.assertEqual((lead.kam_partner_status, lead.kam_account_user_id),
                         ("key", self.kam))
        convert = self.env["crm.lead2opportunity.partner"].with_user(self.salesman).with_context(
            active_model="crm.lead", active_id=lead.id, active_ids=lead.ids,
        ).create({"name": "convert", "action": "exist", "partner_id": self.buyer.id})
        convert.action_apply()
        self.assertEqual((lead.type, lead.partner_id), ("opportunity", self.buyer))

        vals = {
            "partner_id": self.buyer.id,
            "order_line": [Command.create({"product_id": self.product.id,
                                           "product_uom_qty": 40})],
        }
        if "opportunity_id" in self.env["sale.order"]._fields:  # sale_crm, when installed
            vals["opportunity_id"] = lead.id
        order = self.env["sale.order"].with_user(self.salesman).create(vals)
        self.assertEqual(order.partner_invoice_id.commercial_partner_id, self.account)
        self.assertTrue(order.validity_date, "Odoo's default quotation validity applies")
        order.action_quotation_sent()
        self.assertEqual(order.state, "sent")
        order.action_confirm()
        self.assertEqual((order.state, order.amount_untaxed), ("sale", 4000.0))
        if "opportunity_id" in order._fields:
            self.assertEqual(lead.order_ids, order)
        lead.action_set_won()
        self.assertTrue(lead.stage_id.is_won)
        self.assertEqual(lead.probability, 100)

        # The salesperson invoices the order, the accountant posts the invoice.
        self.env["sale.advance.payment.inv"].with_user(self.salesman).with_context(
            active_model="sale.order", active_ids=order.ids,
        ).create({"advance_payment_method": "delivered"}).create_invoices()
        invoice = order.invoice_ids
        self.assertEqual(len(invoice), 1)
        invoice.with_user(self.accountant).action_post()
        self.assertEqual((invoice.state, invoice.move_type), ("posted", "out_invoice"))
        self.assertEqual(invoice.commercial_partner_id, self.account)
        self.assertEqual(invoice.amount_untaxed, 4000.0)
        self.assertEqual(order.invoice_status, "invoiced")
        self.assertIdentityIntact()

    def test_activities_scheduled_and_done(self):
        lead = self.env["crm.lead"].create({
            "name": "Flow: renewal", "type": "opportunity", "partner_id": self.account.id,
            "user_id": self.salesman.id,
        })
        Log = self.env["kam.contact.log"].sudo()
        logs_before = Log.search_count([("partner_id", "=", self.account.id)])
        lead = lead.with_user(self.salesman)
        in_two_days = fields.Date.today() + datetime.timedelta(days=2)
        call = lead.activity_schedule("mail.mail_activity_data_call", summary="Call Bea",
                                      user_id=self.salesman.id, date_deadline=in_two_days)
        todo = lead.activity_schedule("mail.mail_activity_data_todo", summary="Prepare the offer",
                                      user_id=self.salesman.id, date_deadline=in_two_days)
        self.assertEqual(lead.activity_ids, call | todo)
        self.assertEqual(lead.activity_state, "planned")
        call.action_feedback(feedback="Bea wants 40 desks")
        todo.action_done()
        # Odoo's outcome: done activities leave the record, the feedback is in the chatter.
        self.assertFalse(lead.activity_ids)
        self.assertIn("Bea wants 40 desks", " ".join(lead.message_ids.mapped("body")))
        # A call with a key account is a contact: it is in the account's contact log.
        self.assertEqual(Log.search_count([("partner_id", "=", self.account.id)]), logs_before + 1)

        # The KAM plans and closes a to-do on the account itself.
        account = self.account.with_user(self.kam)
        review = account.activity_schedule("mail.mail_activity_data_todo",
                                           summary="Review the dossier", user_id=self.kam.id)
        self.assertEqual(account.activity_ids, review)
        review.action_feedback(feedback="Dossier reviewed")
        self.assertFalse(account.activity_ids)
        self.assertIdentityIntact()

    def test_meeting_with_the_account_contacts(self):
        start = fields.Datetime.now().replace(microsecond=0) + datetime.timedelta(days=3)
        attendees = self.buyer | self.engineer | self.salesman.partner_id
        event = self.env["calendar.event"].with_user(self.salesman).create({
            "name": "Flow: quarterly review", "start": start,
            "stop": start + datetime.timedelta(hours=1), "user_id": self.salesman.id,
            "partner_ids": [Command.set(attendees.ids)],
        })
        self.assertEqual(event.attendee_ids.partner_id, attendees)
        self.assertEqual(event.attendee_ids.filtered(
            lambda attendee: attendee.partner_id == self.salesman.partner_id).state, "accepted")
        self.assertEqual(event.sudo().kam_account_ids, self.account)
        # Rescheduled by the organiser, then an attendee declines.
        event.write({"start": start + datetime.timedelta(days=1),
                     "stop": start + datetime.timedelta(days=1, hours=1)})
        self.assertEqual(event.start, start + datetime.timedelta(days=1))
        event.attendee_ids.filtered(lambda a: a.partner_id == self.engineer).do_decline()
        self.assertEqual(event.attendee_ids.filtered(
            lambda attendee: attendee.partner_id == self.engineer).state, "declined")
        event.unlink()
        self.assertFalse(event.exists())
        self.assertIdentityIntact()

    def test_partner_merge_of_two_contacts_by_a_kam_manager(self):
        lead = self.env["crm.lead"].create({
            "name": "Flow: from the duplicate", "partner_id": self.duplicate.id,
            "user_id": self.salesman.id,
        })
        wizard = self.env["base.partner.merge.automatic.wizard"].with_user(self.manager).create({
            "partner_ids": [Command.set((self.buyer | self.duplicate).ids)],
            "dst_partner_id": self.buyer.id, "state": "selection",
        })
        wizard.action_merge()
        # Odoo's outcome: the duplicate is gone, what pointed to it points to the buyer.
        self.assertFalse(self.duplicate.exists())
        self.assertEqual(lead.partner_id, self.buyer)
        self.assertEqual(self.buyer.parent_id, self.account)
        # The KAM data followed: the DMU entry is now the buyer's, on the same account.
        self.assertEqual((self.dmu_member.contact_id, self.dmu_member.partner_id),
                         (self.buyer, self.account))
        self.assertEqual(self.buyer.kam_status, "key", "a contact carries its account's status")
        self.assertIdentityIntact()

    def test_contact_detached_then_moved_to_another_company(self):
        intern = self.intern.with_user(self.salesman)
        self.assertEqual(intern.commercial_partner_id, self.account)
        intern.write({"parent_id": False})
        # Odoo's outcome: its own commercial entity; the addon: no key-account identity.
        self.assertEqual(intern.commercial_partner_id, intern)
        self.assertEqual((intern.sudo().kam_status, intern.sudo().kam_user_id), ("none", self.kam.browse()))
        intern.write({"parent_id": self.other_company.id})
        # Odoo's outcome: the commercial fields follow the new company.
        self.assertEqual(intern.commercial_partner_id, self.other_company)
        self.assertEqual(intern.vat, "FLOW-OTHER-42")
        self.assertEqual(intern.sudo().kam_status, self.other_company.kam_status)
        self.assertNotIn(self.intern, self.account.child_ids)
        self.assertIdentityIntact()
