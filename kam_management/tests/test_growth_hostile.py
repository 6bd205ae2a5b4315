# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""Feedback, referrals, letters and win-back as a hostile colleague: another
KAM, a salesperson, a KAM Manager of another company, over the ORM and RPC."""

import xmlrpc.client

from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, get_db_name, tagged
from odoo.tools import mute_logger

from .common import D, KamGrowthCase


@tagged("post_install", "-at_install")
@freeze_time("2025-06-16 12:00:00")
class TestGrowthHostile(KamGrowthCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b = cls.env["res.company"].create({"name": "Hostile Co B"})
        cls.head_b = cls.env["res.users"].with_context(no_reset_password=True).create({
            "name": "Bea Head in B", "login": "g2_head_b", "company_id": cls.company_b.id,
            "company_ids": [Command.set(cls.company_b.ids)],
            "groups_id": [Command.set([cls.env.ref("kam_management.group_kam_manager").id])],
        })
        cls.fb = cls.feedback_of(cls)
        cls.referral = cls.env["kam.referral"].create({
            "partner_id": cls.account.id, "referred_partner_id": cls.other_account.id,
        })
        cls.letter = cls.env["kam.recommendation.letter"].create({
            "partner_id": cls.account.id, "contact_id": cls.person.id,
        })

    @staticmethod
    def feedback_of(cls):
        return cls.env["kam.feedback"].create({
            "partner_id": cls.account.id, "date": D(2025, 5, 1), "score": 4, "contact_id": cls.person.id,
        })

    def _records(self):
        return (self.fb, self.referral, self.letter)

    def test_another_kam_sees_and_changes_nothing(self):
        for record in self._records():
            with self.subTest(model=record._name):
                as_other = record.with_user(self.colleague)
                with self.assertRaises(AccessError):
                    as_other.read(["partner_id"])
                with self.assertRaises(AccessError):
                    as_other.write({"notes": "mine now"})
                with self.assertRaises(AccessError):
                    as_other.copy()
                with self.assertRaises(AccessError):
                    as_other.unlink()
                self.assertFalse(record.with_user(self.colleague).search([("id", "=", record.id)]))
        self.assertFalse(self.fb.notes)
        with self.assertRaises(AccessError):
            self.Feedback.with_user(self.colleague).create({
                "partner_id": self.account.id, "score": 1, "date": fields.Date.today(),
            })

    def test_a_salesman_and_another_companys_manager_get_nothing(self):
        for user in (self.salesman, self.head_b):
            for record in self._records():
                with self.subTest(user=user.login, model=record._name), self.assertRaises(AccessError):
                    record.with_user(user).with_company(user.company_id).read(["partner_id"])
        with self.assertRaises(AccessError):
            self.Feedback.with_user(self.salesman).create({"partner_id": self.account.id, "score": 5})
        with self.assertRaises(AccessError):
            self.env["kam.referral"].with_user(self.salesman).create({
                "partner_id": self.account.id, "referred_partner_id": self.other_account.id,
            })

    def test_a_kam_cannot_move_a_feedback_to_another_account(self):
        with self.assertRaises(AccessError):
            self.fb.with_user(self.kam).write({"partner_id": self.other_account.id, "contact_id": self.other_person.id})
        self.assertEqual(self.fb.partner_id, self.account)

    def test_import_on_another_kams_account_is_refused(self):
        with mute_logger("odoo.sql_db"):
            result = self.Feedback.with_user(self.colleague).load(
                ["partner_id/.id", "score", "date"], [[str(self.account.id), "5", "2025-01-01"]],
            )
        self.assertFalse(result["ids"])
        self.assertTrue(result["messages"])

    def test_a_copy_gets_its_own_trend_and_kam(self):
        copy = self.fb.with_user(self.kam).copy({"date": D(2025, 6, 1), "score": 2})
        self.assertEqual((copy.previous_score, copy.trend, copy.kam_user_id), (4, "down", self.kam))

    def test_a_kam_user_cannot_end_an_account_or_rewrite_its_row(self):
        with self.assertRaises(AccessError):
            self.env["kam.demote.wizard"].with_user(self.kam).create({"partner_ids": self.account.ids, "reason": "x"})
        row = self.env["kam.account"].search([("partner_id", "=", self.account.id)])
        with self.assertRaises(AccessError):
            row.with_user(self.kam).write({"kam_reference_client": True})
        with self.assertRaises(AccessError):
            row.with_user(self.kam).write({"kam_revivable": True})
        with self.assertRaises(AccessError):
            self.account.with_user(self.kam).write({"kam_end_reason": "price"})

    def test_the_dead_block_of_another_company_is_left_alone(self):
        row_b = self.env["kam.account"].create({
            "partner_id": self.account.id, "company_id": self.company_b.id, "kam_status": "former",
        })
        self.account.write({"kam_lifecycle_block": "dead", "kam_dead_revivable": True})
        self.assertTrue(row_b.kam_revivable, "admin works in every company")
        row_b.kam_revivable = False
        self.account.with_user(self.head).write({"kam_dead_revivable": False})
        self.account.with_user(self.head).write({"kam_dead_revivable": True})
        self.assertFalse(row_b.kam_revivable, "the head of KAM of company A does not decide for company B")


@tagged("post_install", "-at_install")
class TestGrowthRpc(HttpCase):
    """Private methods are not reachable over XML-RPC; refused writes change nothing."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.db = get_db_name()
        cls.kam = cls.env["res.users"].with_context(no_reset_password=True).create({
            "name": "Rpc KAM", "login": "g2_rpc_kam", "password": "g2_rpc_kam_pw_1",
            "groups_id": [Command.set([cls.env.ref("kam_management.group_kam_user").id])],
        })
        cls.account = cls.env["res.partner"].create({
            "name": "Rpc Former Ltd", "is_company": True, "kam_status": "key", "kam_user_id": cls.kam.id,
        })
        cls.row = cls.env["kam.account"].search([("partner_id", "=", cls.account.id)])

    def _call(self, model, method, *args):
        uid = self.xmlrpc_common.authenticate(self.db, "g2_rpc_kam", "g2_rpc_kam_pw_1", {})
        return self.xmlrpc_object.execute_kw(self.db, uid, "g2_rpc_kam_pw_1", model, method, list(args))

    def test_private_methods_are_refused(self):
        for model, method, args in (
            ("kam.account", "_kam_apply_winback_plan", [self.row.ids]),
            ("kam.account", "_kam_record_end", [self.row.ids, "us", "price", "x", True]),
            ("kam.growth.scheduler", "_cron_run", []),
            ("kam.feedback", "_kam_refresh_trends", [[]]),
            ("kam.recommendation.letter", "_kam_schedule_request_activity", [[]]),
        ):
            with self.subTest(method=method), mute_logger("odoo.http"), self.assertRaises(xmlrpc.client.Fault):
                self._call(model, method, *args)
        self.row.invalidate_recordset()
        self.assertFalse(self.row.kam_end_reason)
        self.assertFalse(self.row.kam_winback_plan_date)

    def test_forged_trend_over_rpc_is_refused(self):
        with mute_logger("odoo.http"), self.assertRaises(xmlrpc.client.Fault):
            self._call("kam.feedback", "create", {
                "partner_id": self.account.id, "score": 3, "trend": "up", "previous_score": 5,
            })
        self.assertFalse(self.env["kam.feedback"].search([("partner_id", "=", self.account.id)]))
