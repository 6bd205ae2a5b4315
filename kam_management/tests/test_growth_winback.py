# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""Win-back (digest §7.3, §5.1.5): who ended the relationship and why, revivable
or not, a plan of at most two contacts a year, and the win-back deals."""

from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import AccessError
from odoo.tests import tagged

from ..rules.growth import WINBACK_MAX_CONTACTS_PER_YEAR, winback_cadence_ok
from .common import KamGrowthCase


@tagged("post_install", "-at_install")
@freeze_time("2025-06-16 12:00:00")
class TestWinBack(KamGrowthCase):
    def _demote(self, partner, revivable, ended_by="client", reason="quality", user=None):
        wizard = self.env["kam.demote.wizard"].with_user(user or self.head).with_context(
            active_model="res.partner", active_ids=partner.ids,
        ).create({
            "reason": "Quality complaints on two deliveries", "ended_by": ended_by,
            "end_reason": reason, "revivable": revivable,
        })
        wizard.action_confirm()
        return self.env["kam.account"].search([
            ("partner_id", "=", partner.id), ("company_id", "=", self.company.id),
        ])

    def _active_lines(self, partner=None):
        return self.Line.search([("partner_id", "=", (partner or self.account).id)])

    def test_ending_records_who_why_and_revivable(self):
        self.line(name="Monthly call")
        row = self._demote(self.account, revivable=True)
        self.assertRecordValues(row, [{
            "kam_status": "former", "kam_ended_by": "client", "kam_end_reason": "quality",
            "kam_end_note": "Quality complaints on two deliveries", "kam_revivable": True,
            "kam_end_date": fields.Date.today(), "kam_winback_plan_date": fields.Date.today(),
        }])
        account = self.account.with_user(self.kam)
        self.assertEqual(account.kam_ended_by, "client")
        self.assertTrue(account.kam_revivable)

    def test_a_revivable_former_account_gets_at_most_two_contacts_a_year(self):
        self.line(name="Monthly call")
        self._demote(self.account, revivable=True)
        lines = self._active_lines()
        template = self.env.ref("kam_management.kam_comm_template_former")
        self.assertEqual(lines.template_id, template, "the former plan replaces the others")
        self.assertTrue(winback_cadence_ok([
            (line.cadence_kind, line.times, len((line.yearly_dates or "").split(",")) if line.yearly_dates else 0)
            for line in lines
        ]))
        self.assertLessEqual(len(lines), WINBACK_MAX_CONTACTS_PER_YEAR)
        self.assertEqual(self.Line.with_context(active_test=False).search_count([
            ("partner_id", "=", self.account.id), ("name", "=", "Monthly call"), ("active", "=", False),
        ]), 1)

    def test_a_non_revivable_account_just_stops(self):
        self.line(name="Monthly call")
        row = self._demote(self.account, revivable=False, ended_by="us", reason="unprofitable")
        self.assertFalse(self._active_lines())
        self.assertFalse(row.kam_winback_plan_date)
        self.assertFalse(self.env["kam.account"]._kam_revivable_without_plan().filtered(lambda r: r == row))

    def test_a_dead_revivable_former_client_gets_the_plan_from_the_daily_job(self):
        row = self._demote(self.account, revivable=False)
        self.assertFalse(self._active_lines())
        self.account.write({"kam_lifecycle_block": "dead", "kam_dead_revivable": True})
        self.assertTrue(row.kam_revivable, "the dead block's revivable flag is the former account's")
        _lines, rows = self.growth._cron_run()
        self.assertIn(row, rows)
        self.assertEqual(self._active_lines().template_id, self.env.ref("kam_management.kam_comm_template_former"))
        # Applied once: the next run leaves it alone.
        self.assertNotIn(row, self.growth._cron_run()[1])

    def test_win_back_deals_and_their_outcome(self):
        self._demote(self.account, revivable=True)
        action = self.account.with_user(self.kam).action_kam_new_winback_lead()
        lead = self.env["crm.lead"].with_user(self.kam).with_context(**action["context"]).create({})
        self.assertTrue(lead.kam_is_winback)
        self.assertEqual(lead.kam_winback_state, "open")
        plain = self.env["crm.lead"].create({
            "name": "Plain", "type": "opportunity", "partner_id": self.person.id, "user_id": self.kam.id,
        })
        self.assertTrue(plain.kam_is_winback, "any deal with a former key account is a win-back")
        lead.stage_id = self.env["crm.stage"].search([("is_won", "=", True)], limit=1)
        self.assertEqual(lead.kam_winback_state, "won")
        plain.action_set_lost()
        self.assertEqual(plain.kam_winback_state, "lost")
        self.assertEqual(self.account.with_user(self.kam).kam_winback_lead_count, 2)
        not_former = self.env["crm.lead"].create({
            "name": "Other", "type": "opportunity", "partner_id": self.other_account.id,
        })
        self.assertFalse(not_former.kam_is_winback)

    def test_only_a_kam_manager_records_the_end(self):
        with self.assertRaises(AccessError):
            self._demote(self.account, revivable=True, user=self.kam)
        with self.assertRaises(AccessError):
            self.account.with_user(self.kam).write({"kam_revivable": True})
        with self.assertRaises(AccessError):
            self.account.with_user(self.salesman).write({"kam_end_reason": "price"})
        self.account.with_user(self.head).write({"kam_end_reason": "price"})
        self.assertEqual(self.account.kam_end_reason, "price")

    def test_winback_plan_rule(self):
        self.assertTrue(winback_cadence_ok([("yearly_dates", 0, 1), ("per_year", 1, 0)]))
        self.assertFalse(winback_cadence_ok([("per_year", 3, 0)]))
        self.assertFalse(winback_cadence_ok([("per_quarter", 1, 0)]))
        # The seeded Former Client template keeps to the rule.
        template = self.env.ref("kam_management.kam_comm_template_former")
        self.assertTrue(winback_cadence_ok([
            (tl.cadence_kind, tl.times, len(tl.yearly_dates.split(",")) if tl.yearly_dates else 0)
            for tl in template.line_ids
        ]))

    def test_per_company(self):
        other_company = self.env["res.company"].create({"name": "Growth Co B"})
        self.head.write({"company_ids": [Command.link(other_company.id)]})
        self.env["kam.account"].create({
            "partner_id": self.account.id, "company_id": other_company.id,
            "kam_status": "key", "kam_user_id": self.kam.id,
        })
        self._demote(self.account, revivable=True)
        other = self.env["kam.account"].search([
            ("partner_id", "=", self.account.id), ("company_id", "=", other_company.id),
        ])
        self.assertEqual(other.kam_status, "key")
        self.assertFalse(other.kam_end_reason)
