# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""Rules of SPEC §1–§4 on the key account itself: the VIP review cycle,
individuals as key accounts, quotation validity, the working calendar of the
proposal follow-up and the business part of the dossier workbook."""

import datetime
import io

import openpyxl
from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, TransactionCase, new_test_user, tagged

D = datetime.date


class SpecRulesCase(TransactionCase):
    """A company, its head of KAM, a KAM, a salesperson and a sales manager
    leading the team a key account is key for."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.company = cls.env.company
        cls.manager = new_test_user(
            cls.env, login="h6_manager", name="Hanna Head of KAM",
            groups="kam_management.group_kam_manager,sales_team.group_sale_manager",
        )
        cls.kam = new_test_user(
            cls.env, login="h6_kam", name="Karl KAM",
            groups="kam_management.group_kam_user,sales_team.group_sale_salesman",
        )
        cls.salesman = new_test_user(
            cls.env, login="h6_salesman", name="Sam Salesman",
            groups="sales_team.group_sale_salesman",
        )
        cls.sales_leader = new_test_user(
            cls.env, login="h6_leader", name="Lea Sales Manager",
            groups="sales_team.group_sale_manager",
        )
        cls.team = cls.env["crm.team"].create({
            "name": "Key Retail", "user_id": cls.sales_leader.id, "company_id": cls.company.id,
        })
        cls.account = cls.env["res.partner"].create({
            "name": "Vera VIP Holding", "is_company": True, "company_id": cls.company.id,
            "kam_status": "key", "kam_user_id": cls.kam.id, "kam_level": "team",
            "kam_level_team_id": cls.team.id,
        })
        cls.person = cls.env["res.partner"].create({
            "name": "Viktor Buyer", "parent_id": cls.account.id,
        })


@tagged("post_install", "-at_install")
class TestVipReview(SpecRulesCase):
    """The VIP review date defaults to today plus the company's VIP review
    interval and rolls forward by it at each review; the overdue review goes
    to the sales manager; only a KAM Manager records a review."""

    def alerts(self, partner=None):
        return self.env["mail.activity"].search([
            ("res_model", "=", "res.partner"), ("res_id", "=", (partner or self.account).id),
            ("kam_alert_kind", "=", "vip_review"),
        ])

    def test_interval_setting(self):
        self.assertEqual(self.env["res.company"].create({"name": "H6 New Co"}).kam_vip_review_days, 180)
        settings = self.env["res.config.settings"].create({"kam_vip_review_days": 90})
        settings.execute()
        self.assertEqual(self.company.kam_vip_review_days, 90)

    @freeze_time("2025-03-01 10:00:00")
    def test_review_date_defaults_when_the_account_becomes_vip(self):
        account = self.account.with_user(self.manager)
        account.write({"kam_is_vip": True})
        self.assertEqual(self.account.kam_vip_review_date, D(2025, 8, 28), "2025-03-01 + 180 days")
        self.assertTrue(self.person.kam_is_vip, "the contacts share the flag")
        self.assertEqual(
            self.person.kam_vip_review_date, D(2025, 8, 28), "contacts show their account's identity"
        )
        # Already a VIP: writing the flag again keeps its date.
        self.company.kam_vip_review_days = 30
        account.write({"kam_is_vip": True})
        self.assertEqual(self.account.kam_vip_review_date, D(2025, 8, 28))
        # A date given with the flag wins; a VIP without a date is still refused.
        other = self.env["res.partner"].with_user(self.manager).create({
            "name": "Other VIP", "is_company": True, "kam_is_vip": True,
        })
        self.assertEqual(other.kam_vip_review_date, D(2025, 3, 31), "created VIP: + 30 days")
        given = self.env["res.partner"].with_user(self.manager).create({
            "name": "Given VIP", "is_company": True, "kam_is_vip": True,
            "kam_vip_review_date": "2026-01-15",
        })
        self.assertEqual(given.kam_vip_review_date, D(2026, 1, 15))
        with self.assertRaises(ValidationError):
            given.write({"kam_is_vip": True, "kam_vip_review_date": False})
        # No longer VIP, then VIP again: a new first review, not the old date.
        given.write({"kam_is_vip": False})
        given.write({"kam_is_vip": True})
        self.assertEqual(given.kam_vip_review_date, D(2025, 3, 31))

    @freeze_time("2025-03-01 10:00:00")
    def test_review_date_default_in_the_form(self):
        self.company.kam_vip_review_days = 45
        with Form(self.account.with_user(self.manager)) as form:
            form.kam_is_vip = True
            self.assertEqual(form.kam_vip_review_date, D(2025, 4, 15))
        self.assertEqual(self.account.kam_vip_review_date, D(2025, 4, 15))

    @freeze_time("2025-03-01 10:00:00")
    def test_only_a_kam_manager_makes_a_vip(self):
        for user in (self.kam, self.salesman, self.sales_leader):
            with self.assertRaises(AccessError):
                self.account.with_user(user).write({"kam_is_vip": True})
            self.assertFalse(self.account.kam_is_vip)
            self.assertFalse(self.account.kam_vip_review_date)

    def test_review_rolls_forward_and_closes_the_alert(self):
        with freeze_time("2025-03-01 10:00:00"):
            self.account.with_user(self.manager).write(
                {"kam_is_vip": True, "kam_vip_review_date": "2025-02-01"}
            )
            self.env["kam.identification"]._raise_alerts(self.company, [self.account.id])
            alert = self.alerts()
            self.assertEqual(len(alert), 1)
            self.assertEqual(alert.user_id, self.sales_leader, "the leader of the team it is key for")
            # Nobody but a KAM Manager records the review.
            for user in (self.kam, self.salesman, self.sales_leader):
                with self.assertRaises(AccessError):
                    self.account.with_user(user).action_kam_vip_reviewed()
            self.assertEqual(self.account.kam_vip_review_date, D(2025, 2, 1))
            self.assertEqual(self.alerts(), alert)
            self.account.with_user(self.manager).action_kam_vip_reviewed()
            self.assertEqual(self.account.kam_vip_review_date, D(2025, 8, 28), "review day + 180")
            self.assertFalse(self.alerts(), "the overdue alert is done")
            self.env["kam.identification"]._raise_alerts(self.company, [self.account.id])
            self.assertFalse(self.alerts(), "not overdue any more")
        with freeze_time("2025-08-29 10:00:00"):
            self.env["kam.identification"]._raise_alerts(self.company, [self.account.id])
            alert = self.alerts()
            self.assertEqual(len(alert), 1, "overdue again after the interval")
            # The head of KAM marks it done: that is the review.
            alert.with_user(self.manager).action_feedback(feedback="Still worth it")
            self.assertEqual(self.account.kam_vip_review_date, D(2026, 2, 25), "2025-08-29 + 180")
            self.assertFalse(self.alerts())
            self.env["kam.identification"]._raise_alerts(self.company, [self.account.id])
            self.assertFalse(self.alerts())
        with freeze_time("2026-02-26 10:00:00"):
            self.env["kam.identification"]._raise_alerts(self.company, [self.account.id])
            alert = self.alerts()
            self.assertEqual(len(alert), 1)
            # The sales manager closes the alert: not a review of the identity.
            alert.with_user(self.sales_leader).action_feedback(feedback="Looked at it")
            self.assertEqual(self.account.kam_vip_review_date, D(2026, 2, 25))

    def test_review_needs_a_vip_of_the_managers_company(self):
        self.account.write({"kam_is_vip": True, "kam_vip_review_date": "2025-02-01"})
        with self.assertRaises(UserError):
            self.account.copy({"name": "Plain Copy"}).with_user(self.manager).action_kam_vip_reviewed()
        company_b = self.env["res.company"].create({"name": "H6 Company B"})
        manager_b = new_test_user(
            self.env, login="h6_manager_b", name="Bert Head of KAM B",
            groups="kam_management.group_kam_manager", company_id=company_b.id,
            company_ids=[Command.set(company_b.ids)],
        )
        shared = self.account.copy({"name": "Shared VIP", "company_id": False})
        shared.write({"kam_is_vip": True, "kam_vip_review_date": "2025-02-01"})
        self.env["kam.contact.log"].create({
            "partner_id": shared.id, "company_id": self.company.id, "date": "2025-01-10",
            "outcome": "positive", "channel": "phone",
        })
        # The VIP status is per company: in company B the client is no VIP to review.
        with self.assertRaises(UserError):
            shared.with_user(manager_b).action_kam_vip_reviewed()
        self.assertEqual(shared.kam_vip_review_date, D(2025, 2, 1))
        # Made a VIP in company B as well, its review there rolls company B's date only.
        shared.with_user(manager_b).write({"kam_is_vip": True, "kam_vip_review_date": "2025-03-01"})
        shared.with_user(manager_b).action_kam_vip_reviewed()
        self.assertGreater(shared.with_company(company_b).kam_vip_review_date, D(2025, 3, 1))
        self.assertEqual(shared.kam_vip_review_date, D(2025, 2, 1))


@tagged("post_install", "-at_install")
class TestIndividualKeyAccount(SpecRulesCase):
    """An individual (nobody's contact) can be a key account (SPEC §1): every
    record kept on a key account accepts one, with one domain for all."""

    ACCOUNT_FIELDS = (
        ("kam.contact.log", "partner_id"),
        ("kam.comm.plan.line", "partner_id"),
        ("kam.account.plan", "partner_id"),
        ("kam.account.health", "partner_id"),
        ("kam.dossier", "partner_id"),
        ("kam.dmu.member", "partner_id"),
        ("kam.competitor.presence", "partner_id"),
        ("kam.comm.plan.apply.wizard", "partner_ids"),
    )

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.individual = cls.env["res.partner"].create({
            "name": "Ivan Individual", "is_company": False, "company_id": cls.company.id,
            "kam_status": "key", "kam_user_id": cls.kam.id,
        })

    def test_one_domain_for_every_account_field(self):
        Partner = self.env["res.partner"]
        domain = Partner._kam_commercial_domain()
        candidates = self.individual | self.account | self.person
        for model, fname in self.ACCOUNT_FIELDS:
            field = self.env[model]._fields[fname]
            self.assertEqual(field.domain(self.env[model]), domain, f"{model}.{fname}")
            self.assertEqual(
                Partner.search(field.domain(self.env[model]) + [("id", "in", candidates.ids)]),
                self.individual | self.account,
                f"{model}.{fname}: companies and individuals, not the contacts of a company",
            )
        wizard_domain = self.env["kam.contact.outcome.wizard"]._fields["partner_id"].domain(
            self.env["kam.contact.outcome.wizard"]
        )
        self.assertIn(f"else {domain}", wizard_domain, "the outcome wizard outside a meeting")

    @freeze_time("2025-03-03 10:00:00")
    def test_an_individual_key_account_has_each_record(self):
        individual = self.individual.with_user(self.kam)
        log = self.env["kam.contact.log"].with_user(self.kam).create({
            "partner_id": individual.id, "date": "2025-03-01", "outcome": "positive",
            "channel": "phone",
        })
        line = self.env["kam.comm.plan.line"].with_user(self.kam).create({
            "name": "Quarterly call", "partner_id": individual.id, "user_id": self.kam.id,
            "kind": "call", "channel": "phone", "cadence_kind": "interval", "interval_days": 90,
        })
        plan = self.env["kam.account.plan"].with_user(self.kam).create({
            "partner_id": individual.id, "date_from": "2025-01-01", "date_to": "2025-12-31",
        })
        health = self.env["kam.account.health"].browse(individual.action_kam_open_health()["res_id"])
        dossier = self.env["kam.dossier"].browse(individual.action_open_kam_dossier()["res_id"])
        for record in (log, line, plan, health, dossier):
            self.assertEqual(record.partner_id, self.individual, record._name)
        self.assertEqual(individual.kam_contact_log_count, 1)
        self.assertEqual(individual.kam_plan_line_count, 1)
        self.assertEqual(individual.kam_account_plan_count, 1)
        # The daily refresh keeps the health of individual key accounts too.
        health.unlink()
        self.env["kam.account.health"]._kam_refresh(self.company, partners=self.individual)
        self.assertTrue(self.individual.kam_health_ids)

    def test_a_contact_of_a_company_is_no_account(self):
        with self.assertRaises(ValidationError):
            self.env["kam.account.plan"].create({
                "partner_id": self.person.id, "date_from": "2025-01-01", "date_to": "2025-12-31",
            })
        with self.assertRaises(ValidationError):
            self.env["kam.account.health"].create({"partner_id": self.person.id})


@tagged("post_install", "-at_install")
class TestKeyAccountQuotationValidity(SpecRulesCase):
    """Quotations to key accounts expire (§1) even when the company's default
    validity is 0 (no expiry): the key-account validity setting applies."""

    def setUp(self):
        super().setUp()
        self.company.write({"quotation_validity_days": 0, "kam_quotation_validity_days": 15})

    def test_setting(self):
        self.assertEqual(
            self.env["res.company"].create({"name": "H6 Quote Co"}).kam_quotation_validity_days, 30
        )
        settings = self.env["res.config.settings"].create({"kam_quotation_validity_days": 21})
        settings.execute()
        self.assertEqual(self.company.kam_quotation_validity_days, 21)
        for days in (0, -3, 3651):
            with self.assertRaises(ValidationError):
                self.company.write({"kam_quotation_validity_days": days})
                self.env.flush_all()

    @freeze_time("2025-03-03 10:00:00")
    def test_created_by_the_orm(self):
        SaleOrder = self.env["sale.order"].with_user(self.salesman)
        order = SaleOrder.create({"partner_id": self.person.id})
        self.assertEqual(order.validity_date, D(2025, 3, 18), "a contact of a key account: + 15 days")
        other = self.env["res.partner"].create({"name": "Plain Client", "is_company": True})
        self.assertFalse(SaleOrder.create({"partner_id": other.id}).validity_date,
                         "no expiry for other clients, as the company says")
        given = SaleOrder.create({"partner_id": self.account.id, "validity_date": "2025-04-30"})
        self.assertEqual(given.validity_date, D(2025, 4, 30))
        self.assertEqual(order.copy().validity_date, D(2025, 3, 18))
        with self.assertRaises(ValidationError):
            SaleOrder.create({"partner_id": self.account.id, "validity_date": False})
        # The company's own validity, when it has one, stays the rule.
        self.company.quotation_validity_days = 30
        self.assertEqual(SaleOrder.create({"partner_id": self.account.id}).validity_date,
                         D(2025, 4, 2))

    @freeze_time("2025-03-03 10:00:00")
    def test_created_in_the_form(self):
        with Form(self.env["sale.order"].with_user(self.salesman)) as form:
            self.assertFalse(form.validity_date)
            form.partner_id = self.account
            self.assertEqual(form.validity_date, D(2025, 3, 18))
        self.assertEqual(form.record.validity_date, D(2025, 3, 18))
        self.assertEqual(form.record.state, "draft")


@tagged("post_install", "-at_install")
class TestFollowupWorkingCalendar(SpecRulesCase):
    """The proposal follow-up falls on the next working day of the company's
    working calendar: its working days and its leaves."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        attendances = [
            Command.create({
                "name": f"Day {day} {period}", "dayofweek": str(day), "day_period": period,
                "hour_from": hour_from, "hour_to": hour_to,
            })
            for day in range(4)  # Monday to Thursday: Friday is off
            for period, hour_from, hour_to in (("morning", 8, 12), ("afternoon", 13, 17))
        ]
        cls.calendar = cls.env["resource.calendar"].create({
            "name": "Four-Day Week", "tz": "Europe/Brussels", "company_id": cls.company.id,
            "attendance_ids": attendances,
        })
        cls.company.write({"resource_calendar_id": cls.calendar.id, "kam_followup_enabled": True})

    def leave(self, name, start, stop, company=None, calendar=None):
        """A leave of the whole company (no resource); times in UTC (Brussels is UTC+1 in March)."""
        company = company or self.company
        leave = self.env["resource.calendar.leaves"].with_company(company).create({
            "name": name, "calendar_id": calendar.id if calendar else False,
            "date_from": start, "date_to": stop,
        })
        leave.flush_recordset()  # its company is computed from the environment it was made in
        self.assertEqual(leave.company_id, company)
        return leave

    def followup_date(self, sent_at):
        with freeze_time(sent_at):
            order = self.env["sale.order"].create({
                "partner_id": self.person.id, "user_id": self.kam.id, "validity_date": "2025-06-30",
            })
            order.action_quotation_sent()
        activity = self.env["mail.activity"].search([
            ("res_model", "=", "sale.order"), ("res_id", "=", order.id),
            ("activity_type_id", "=", self.env.ref("kam_management.kam_activity_type_followup").id),
        ])
        self.assertEqual(len(activity), 1)
        return activity.date_deadline

    def test_working_days_of_the_calendar(self):
        self.assertEqual(self.followup_date("2025-03-05 10:00:00"), D(2025, 3, 6), "Wednesday: Thursday")
        self.assertEqual(self.followup_date("2025-03-06 10:00:00"), D(2025, 3, 10),
                         "Thursday: Monday, Friday is off")

    def test_company_leaves(self):
        # A company closure on Monday (for every calendar of the company) and a
        # public holiday of this calendar on Tuesday: Wednesday.
        self.leave("Closure", "2025-03-09 23:00:00", "2025-03-10 22:59:59")
        self.leave("Holiday", "2025-03-10 23:00:00", "2025-03-11 22:59:59", calendar=self.calendar)
        # Another company's closure on Wednesday is not ours; a morning off on
        # Wednesday leaves its afternoon to work.
        company_b = self.env["res.company"].create({"name": "H6 Other Co"})
        self.leave("Their closure", "2025-03-11 23:00:00", "2025-03-12 22:59:59", company=company_b)
        self.leave("Morning off", "2025-03-12 07:00:00", "2025-03-12 11:00:00")
        self.assertEqual(self.followup_date("2025-03-06 10:00:00"), D(2025, 3, 12))

    def test_without_calendar_monday_to_friday(self):
        calendar = self.env["resource.calendar"]
        self.assertEqual(calendar._kam_next_working_day(D(2025, 3, 7), self.company), D(2025, 3, 10))
        self.assertEqual(calendar._kam_next_working_day(D(2025, 3, 6), self.company), D(2025, 3, 7))


@tagged("post_install", "-at_install")
class TestDossierWorkbookBusiness(SpecRulesCase):
    """The dossier workbook is the dossier: the business part of the card and
    the partner's internal note are in it."""

    def test_business_part_and_internal_note(self):
        self.account.comment = "<p>Pays late in <b>August</b>; never call on Fridays.</p>"
        industry = self.env["res.partner.industry"].create({"name": "Furniture Retail"})
        self.env["kam.dossier"].create({
            "partner_id": self.account.id,
            "industry_id": industry.id,
            "company_size": "large",
            "employee_count": 420,
            "annual_revenue": 75000000,
            "ownership": "family",
            "ownership_details": "=Vera family (founders)",
            "client_format": "retail",
            "history": "<p>Founded in <i>1994</i> in Bologna.</p>",
            "goals_plans": "<p>Open 12 stores by 2027.</p>",
            "needs": "<p>Faster deliveries.</p>",
            "market_position": "<p>Number two in the region.</p>",
            "resources": "<p>Own logistics.</p>",
            "client_channels": "<p>Stores and a web shop.</p>",
            "purchasing_process": "<p>Tender every spring.</p>",
            "tender_calendar": "<p>March and September.</p>",
            "next_tender_date": "2025-09-15",
            "decision_factors": "<p>Price, then service.</p>",
            "evaluation_criteria": "<p>Delivery on time.</p>",
            "region_notes": "<p>Stable economy.</p>",
        })
        content = self.env["kam.export"].with_user(self.kam)._kam_build_dossier_workbook(self.account)
        book = openpyxl.load_workbook(io.BytesIO(content))
        self.assertEqual(book.sheetnames[:2], ["Summary", "Business"])

        def row(sheet):
            headers = [cell.value for cell in sheet[1]]
            return dict(zip(headers, sheet[2], strict=True))

        summary = row(book["Summary"])
        self.assertEqual(summary["Internal Note"].value, "Pays late in *August*; never call on Fridays.")
        business = row(book["Business"])
        expected = {
            "Account": "Vera VIP Holding",
            "Industry": "Furniture Retail",
            "Size": "Large (250–999)",
            "Employees": 420,
            "Client's Annual Revenue": 75000000,
            "Ownership": "Family-Owned",
            "Owners / Group": "=Vera family (founders)",
            "Client's Format": "Retail",
            "History of the Company": "Founded in 1994 in Bologna.",
            "Goals and Plans": "Open 12 stores by 2027.",
            "Needs and Problems": "Faster deliveries.",
            "Market Position and Opportunities": "Number two in the region.",
            "Resources": "Own logistics.",
            "Client's Channels": "Stores and a web shop.",
            "Purchasing Process": "Tender every spring.",
            "Tender Calendar": "March and September.",
            "Next Tender Date": datetime.datetime(2025, 9, 15),
            "Decision Factors": "Price, then service.",
            "Evaluation Criteria": "Delivery on time.",
            "Region Passport": "Stable economy.",
        }
        self.assertEqual({header: cell.value for header, cell in business.items()}, expected)
        self.assertEqual(business["Owners / Group"].data_type, "s", "text, never a formula")
        # An account without a dossier still has its row, with the name only.
        content = self.env["kam.export"]._kam_build_dossier_workbook(self.account | self.person.copy({
            "name": "No Dossier Ltd", "parent_id": False, "is_company": True,
        }))
        book = openpyxl.load_workbook(io.BytesIO(content))
        rows = list(book["Business"].iter_rows(min_row=2, values_only=True))
        self.assertEqual([values[0] for values in rows], ["Vera VIP Holding", "No Dossier Ltd"])
        self.assertEqual(set(rows[1][1:]), {None})
