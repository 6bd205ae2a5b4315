# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

import datetime

from freezegun import freeze_time

from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import D, KamCommCase


@tagged("post_install", "-at_install")
class TestCommTemplates(KamCommCase):
    """Each seeded template, applied on 10 January 2025 and simulated day by day for a year.

    Every reminder is done on its due date (positive outcome); the test records
    when each reminder appeared and what it was due on.
    """

    START = D(2025, 1, 10)
    END = D(2026, 1, 9)

    def simulate_year(self, template, account):
        with freeze_time(f"{self.START} 12:00:00"):
            lines = template._kam_apply(account)
        seen = {}
        day = self.START
        with freeze_time(f"{day} 12:00:00") as frozen:
            while day <= self.END:
                frozen.move_to(f"{day} 12:00:00")
                self.run_batch(day, account)
                for occurrence in self.occurrences(account, state="open"):
                    seen.setdefault(occurrence.id, (occurrence.line_id.template_line_id, day, occurrence.due_date))
                    if occurrence.due_date <= day:
                        occurrence.activity_id.with_context(kam_contact_outcome="positive").action_feedback()
                day += datetime.timedelta(days=1)
        return lines, seen

    def dues(self, seen, xmlid):
        tline = self.env.ref(xmlid)
        return [due for line, _created, due in sorted(seen.values(), key=lambda v: v[2]) if line == tline]

    def appeared(self, seen, xmlid):
        tline = self.env.ref(xmlid)
        return [created for line, created, _due in sorted(seen.values(), key=lambda v: v[2]) if line == tline]

    def test_regular_client_template_over_a_year(self):
        account = self.env["res.partner"].create({
            "name": "Regular Client LLC",
            "is_company": True,
            "user_id": self.kam.id,
            "kam_professional_day": D(1990, 5, 17),
            "kam_company_birthday": D(2010, 9, 1),
        })
        template = self.env.ref("kam_management.kam_comm_template_regular")
        lines, seen = self.simulate_year(template, account)
        self.assertEqual(len(lines), 10)
        prefix = "kam_management.kam_comm_template_regular_"
        self.assertEqual(self.dues(seen, prefix + "call"), [
            D(2025, 3, 31), D(2025, 6, 30), D(2025, 9, 30), D(2025, 12, 31)])
        # the quarterly call is reminded 14 days ahead
        self.assertEqual(self.appeared(seen, prefix + "call"), [
            D(2025, 3, 17), D(2025, 6, 16), D(2025, 9, 16), D(2025, 12, 17)])
        self.assertEqual(self.dues(seen, prefix + "messages"), [
            D(2025, 2, 14), D(2025, 3, 31), D(2025, 5, 16), D(2025, 6, 30),
            D(2025, 8, 15), D(2025, 9, 30), D(2025, 11, 15), D(2025, 12, 31)])
        self.assertEqual(self.dues(seen, prefix + "printed_mail"), [D(2025, 12, 31)])
        self.assertEqual(self.dues(seen, prefix + "printed_person"), [D(2025, 12, 31)])
        self.assertEqual(self.dues(seen, prefix + "event"), [D(2025, 6, 30), D(2025, 12, 31)])
        self.assertEqual(self.dues(seen, prefix + "new_year"), [D(2026, 1, 1)])
        self.assertEqual(self.dues(seen, prefix + "feb23"), [D(2025, 2, 23)])
        self.assertEqual(self.dues(seen, prefix + "mar8"), [D(2025, 3, 8)])
        self.assertEqual(self.dues(seen, prefix + "professional"), [D(2025, 5, 17)])
        self.assertEqual(self.dues(seen, prefix + "birthday"), [D(2025, 9, 1)])
        # greetings are reminded the company's 7 days ahead
        self.assertEqual(self.appeared(seen, prefix + "mar8"), [D(2025, 3, 1)])
        self.assertEqual(self.appeared(seen, prefix + "new_year"), [D(2025, 12, 25)])
        # every reminder was done on time: full compliance, no missed contact
        self.assertFalse(self.occurrences(account, state="missed"))
        with freeze_time("2026-01-09 12:00:00"):
            account.invalidate_recordset()
            self.assertEqual(account.kam_compliance_rate, 100.0)

    def test_key_account_template_over_a_year(self):
        template = self.env.ref("kam_management.kam_comm_template_key")
        _lines, seen = self.simulate_year(template, self.account)
        dues = self.dues(seen, "kam_management.kam_comm_template_key_contact")
        expected = []
        due = self.START + datetime.timedelta(days=10)
        while due <= self.END:
            expected.append(due)
            due += datetime.timedelta(days=10)
        self.assertEqual(dues, expected)
        self.assertEqual(len(dues), 36)
        # the plan line carries rule 1: no separate gap reminder
        self.assertFalse(self.occurrences(rule="gap"))

    def test_former_client_template_over_a_year(self):
        account = self.env["res.partner"].create({
            "name": "Former Client SA", "is_company": True, "kam_status": "former", "user_id": self.kam.id,
        })
        template = self.env.ref("kam_management.kam_comm_template_former")
        _lines, seen = self.simulate_year(template, account)
        self.assertEqual(self.dues(seen, "kam_management.kam_comm_template_former_news"), [D(2025, 12, 31)])
        self.assertEqual(self.dues(seen, "kam_management.kam_comm_template_former_new_year"), [D(2026, 1, 1)])
        self.assertEqual(len(seen), 2, "a former client is contacted at most twice a year")

    def test_apply_twice_does_not_duplicate_lines(self):
        template = self.env.ref("kam_management.kam_comm_template_regular")
        first = template._kam_apply(self.account)
        second = template._kam_apply(self.account | self.person)
        self.assertEqual(len(first), 10)
        self.assertFalse(second)
        self.assertEqual(first.user_id, self.kam, "the salesperson of the account is responsible")


@tagged("post_install", "-at_install")
class TestCommPlanLine(KamCommCase):
    def test_quarterly_line_overdue_then_missed(self):
        with freeze_time("2025-01-10 12:00:00"):
            line = self.line(cadence_kind="per_quarter", times=1, lead_days=14)
            self.assertEqual(line.next_due_date, D(2025, 3, 31))
        with freeze_time("2025-03-16 12:00:00"):
            self.run_batch(D(2025, 3, 16))
            self.assertFalse(self.occurrences(line_id=line.id))
        with freeze_time("2025-03-17 12:00:00"):
            self.run_batch(D(2025, 3, 17))
            first = self.occurrences(line_id=line.id)
            self.assertEqual(first.due_date, D(2025, 3, 31))
            self.assertEqual(first.activity_id.date_deadline, D(2025, 3, 31))
            self.assertEqual(first.activity_id.user_id, self.kam)
            self.assertEqual(line.state, "planned")
        with freeze_time("2025-04-01 12:00:00"):
            self.run_batch(D(2025, 4, 1))
            self.assertEqual(line.state, "overdue", "an overdue line is marked")
            self.assertEqual(first.state, "open")
        with freeze_time("2025-06-16 12:00:00"):
            self.run_batch(D(2025, 6, 16))
            self.assertEqual(first.state, "missed")
            self.assertFalse(first.activity_id, "the reminder of a missed contact is withdrawn")
            second = self.occurrences(line_id=line.id, state="open")
            self.assertEqual(second.due_date, D(2025, 6, 30))
            self.assertEqual(line.next_due_date, D(2025, 6, 30))
            self.assertEqual(line.state, "planned")

    def test_contact_log_fulfils_the_line(self):
        with freeze_time("2025-01-10 12:00:00"):
            line = self.line(cadence_kind="per_quarter", times=1, lead_days=14)
        with freeze_time("2025-02-03 12:00:00"):
            self.log(D(2025, 2, 3), outcome="neutral", plan_line_id=line.id)
            done = self.occurrences(line_id=line.id, state="done")
            self.assertEqual(done.due_date, D(2025, 3, 31))
            self.assertEqual(done.done_date, D(2025, 2, 3))
            self.assertEqual(line.last_done_date, D(2025, 2, 3))
            self.assertEqual(line.next_due_date, D(2025, 6, 30), "done early: the next quarter is next")

    def test_snooze_and_skip_with_reason(self):
        with freeze_time("2025-03-01 12:00:00"):
            line = self.line(cadence_kind="interval", interval_days=5)
        with freeze_time("2025-03-06 12:00:00"):
            self.run_batch(D(2025, 3, 6))
            occurrence = self.occurrences(line_id=line.id, state="open")
            activity = occurrence.activity_id
            wizard = self.env["kam.plan.line.skip.wizard"].create({
                "line_id": line.id, "mode": "snooze", "new_date": D(2025, 3, 12), "reason": "Client on holiday",
            })
            wizard.action_confirm()
            self.assertEqual(line.next_due_date, D(2025, 3, 12))
            self.assertEqual(occurrence.due_date, D(2025, 3, 12))
            self.assertEqual(activity.date_deadline, D(2025, 3, 12))
            self.assertIn("Client on holiday", line.message_ids[:1].body)
            self.run_batch(D(2025, 3, 6))
            self.assertEqual(len(self.occurrences(line_id=line.id)), 1, "a snoozed contact is not reminded twice")
            with self.assertRaises(ValidationError):
                line._kam_snooze(D(2025, 3, 1), "Too late")
            self.env["kam.plan.line.skip.wizard"].create({
                "line_id": line.id, "mode": "skip", "reason": "Met at the fair instead",
            }).action_confirm()
            self.assertEqual(occurrence.state, "skipped")
            self.assertEqual(occurrence.reason, "Met at the fair instead")
            self.assertFalse(activity.exists())
            self.assertEqual(line.next_due_date, D(2025, 3, 11), "the cadence keeps its slots")

    def test_cadence_validation(self):
        with self.assertRaises(ValidationError):
            self.line(cadence_kind="interval", interval_days=0)
        with self.assertRaises(ValidationError):
            self.line(cadence_kind="yearly_dates", yearly_dates="31-12")
        with self.assertRaises(ValidationError):
            self.line(cadence_kind="per_quarter", times=0)
        with self.assertRaises(ValidationError):
            self.line(start_date=D(2025, 5, 1), end_date=D(2025, 4, 1))
        with self.assertRaises(ValidationError):
            self.log(datetime.date.today() + datetime.timedelta(days=3))
        line = self.line(cadence_kind="yearly_dates", yearly_dates="02-29")
        with freeze_time("2025-01-10 12:00:00"):
            line.start_date = D(2025, 1, 10)
            self.assertEqual(line.next_due_date, D(2025, 2, 28), "29 February falls on the 28th in 2025")
        with freeze_time("2028-01-10 12:00:00"):
            line.start_date = D(2028, 1, 10)
            self.assertEqual(line.next_due_date, D(2028, 2, 29))


@tagged("post_install", "-at_install")
class TestCommCompliance(KamCommCase):
    def test_compliance_for_a_known_history(self):
        """Six planned contacts in the last 90 days: 3 on time, 1 late, 1 missed, 1 skipped."""
        line = self.line(cadence_kind="interval", interval_days=15)
        history = [
            (D(2025, 4, 10), D(2025, 4, 8), "done"),     # on time
            (D(2025, 4, 25), D(2025, 4, 28), "done"),    # within the 3-day grace
            (D(2025, 5, 10), D(2025, 5, 10), "done"),    # on time
            (D(2025, 5, 25), D(2025, 6, 5), "done"),     # late
            (D(2025, 6, 9), None, "missed"),             # missed
            (D(2025, 6, 24), None, "skipped"),           # skipped: not planned
            (D(2025, 3, 1), D(2025, 3, 1), "done"),      # out of the window
        ]
        self.Occurrence._kam_insert([
            dict(line._kam_occurrence_values(due, due, state), done_date=done)
            for due, done, state in history
        ])
        with freeze_time("2025-06-30 12:00:00"):
            self.account.invalidate_recordset()
            self.assertEqual(self.account.kam_compliance_planned, 5)
            self.assertEqual(self.account.kam_compliance_rate, 60.0)
            lead = self.env["crm.lead"].create({"name": "Deal", "type": "opportunity", "partner_id": self.person.id})
            self.assertEqual(lead.kam_compliance_rate, 60.0, "the pipeline shows the account's compliance")
        with freeze_time("2025-07-20 12:00:00"):
            self.account.invalidate_recordset()
            # 10 April left the window
            self.assertEqual(self.account.kam_compliance_planned, 4)
            self.assertEqual(self.account.kam_compliance_rate, 50.0)

    def test_pipeline_compliance_query_count_does_not_grow(self):
        """The compliance of a page of opportunities costs the same for 5 or 25 of them."""
        accounts = self.env["res.partner"].create([
            {"name": f"Account {i}", "is_company": True, "kam_status": "key", "kam_user_id": self.kam.id}
            for i in range(25)
        ])
        leads = self.env["crm.lead"].create([
            {"name": f"Deal {i}", "type": "opportunity", "partner_id": account.id}
            for i, account in enumerate(accounts)
        ])

        def count(records):
            records.invalidate_recordset()
            self.env.invalidate_all()
            before = self.cr.sql_log_count
            records.mapped("kam_compliance_rate")
            return self.cr.sql_log_count - before

        count(leads[:2])
        self.assertEqual(count(leads[:5]), count(leads))
