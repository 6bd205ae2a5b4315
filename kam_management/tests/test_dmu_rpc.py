# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

import xmlrpc.client

from odoo import Command
from odoo.tests import HttpCase, get_db_name, tagged
from odoo.tools import mute_logger


@tagged("post_install", "-at_install")
class TestDmuRpc(HttpCase):
    """What an external client gets over XML-RPC: clear errors, no personal data."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.db = get_db_name()
        cls.account = cls.env["res.partner"].create({
            "name": "Rpc Account", "is_company": True, "kam_status": "key",
        })
        cls.person = cls.env["res.partner"].create({"name": "Rita Rpc", "parent_id": cls.account.id})
        cls.env["kam.dmu.member"].create({
            "partner_id": cls.account.id, "contact_id": cls.person.id,
            "kam_birthday": "1980-03-02", "kam_values": "Punctuality",
        })
        cls.profile = cls.env["kam.person.profile"].search([("partner_id", "=", cls.person.id)])
        cls.salesman = cls.env["res.users"].with_context(no_reset_password=True).create({
            "name": "Rpc Salesman", "login": "rpc_salesman", "password": "rpc_salesman_pw_1",
            "groups_id": [Command.set([cls.env.ref("sales_team.group_sale_salesman").id])],
        })

    def _call(self, login, password, model, method, *args, **kwargs):
        uid = self.xmlrpc_common.authenticate(self.db, login, password, {})
        return self.xmlrpc_object.execute_kw(self.db, uid, password, model, method, list(args), kwargs)

    def test_duplicate_member_fails_cleanly(self):
        vals = {"partner_id": self.account.id, "contact_id": self.person.id}
        with mute_logger("odoo.sql_db", "odoo.http"), self.assertRaises(xmlrpc.client.Fault) as caught:
            self._call("admin", "admin", "kam.dmu.member", "create", [vals])
        self.assertIn("already a DMU member of this key account", caught.exception.faultString)
        self.assertEqual(
            self.env["kam.dmu.member"].search_count([("contact_id", "=", self.person.id)]), 1
        )

    def test_salesman_gets_no_personal_data(self):
        login, password = "rpc_salesman", "rpc_salesman_pw_1"
        record = self._call(login, password, "res.partner", "read", [self.person.id])[0]
        self.assertEqual(record["name"], "Rita Rpc")
        self.assertNotIn("kam_birthday", record)
        self.assertNotIn("kam_values", record)
        with mute_logger("odoo.http"), self.assertRaises(xmlrpc.client.Fault) as caught:
            self._call(login, password, "res.partner", "read", [self.person.id], fields=["kam_dmu_membership_ids"])
        self.assertIn("kam_dmu_membership_ids", caught.exception.faultString)
        for model in ("kam.dmu.member", "kam.person.profile", "kam.personal.date"):
            with mute_logger("odoo.http"), self.assertRaises(xmlrpc.client.Fault) as caught:
                self._call(login, password, model, "search_read", [])
            self.assertIn("You are not allowed to access", caught.exception.faultString)
        # The admin is a KAM Manager of the company of this DMU.
        admin = self._call("admin", "admin", "kam.person.profile", "read", self.profile.ids, fields=["birthday", "values"])
        self.assertEqual((admin[0]["birthday"], admin[0]["values"]), ("1980-03-02", "Punctuality"))
