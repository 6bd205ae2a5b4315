# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""The shared setups of the kam_management tests (as ``crm/tests/common.py``).

One module, one section per area; each test module imports the base class or
mixin of its area:

- ``KamAnalyticsCase``: users, key accounts and crafted sale / invoice
  histories (risk, account plans, exports);
- ``KamCockpitFixtures``: mixin building fully-dressed key accounts as the
  cockpit shows them (TransactionCase and HttpCase);
- ``KamCommCase``: a key account with a person and the communication rules at
  their defaults (plan lines, logs, the scheduler);
- ``KamDmuCommon``: a key account with its people and the DMU roles;
- ``TrustFixtures``: mixin with two companies, one user per column of the
  access matrix and one record of every ``kam.*`` model;
- ``ViewReader`` / ``PartnerFormReader``: read views as the browser gets them.

The access matrix itself stays in ``access_matrix.py``: it is plain data that
``tools/access_matrix_md.py`` loads by path without Odoo.
"""

import contextlib
import datetime
import re

from lxml import etree

from odoo import Command, fields
from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, new_test_user
from odoo.tools.safe_eval import safe_eval

D = datetime.date


# ----------------------------------------------------------------------
# Analytics: users, accounts, crafted order and invoice histories
# ----------------------------------------------------------------------

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
        order.date_order = datetime.datetime.combine(day, datetime.time(10, 0))
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
    """The date of an ISO string ('2024-03-01'): short to write in histories."""
    return D.fromisoformat(text)


# The company basis the metrics fixtures measure their shares on.
FIXTURE_COMPANY_BASIS = 1_000_000.0
OTHER_CLIENTS = "Other Clients (fixture)"


def kam_metrics(env, company, shares, **values):
    """Metrics rows of the partners of ``shares`` ({partner: share in %}) in
    ``company``, with ``values``, each with the basis that makes its share.

    The shares are derived from all the rows of the company: on first use the
    company's rows (the demo's) give way to one row of the other clients, kept
    at what completes a company basis of FIXTURE_COMPANY_BASIS."""
    Metric = env["kam.partner.metric"].sudo()
    metrics = Metric.create([{
        "partner_id": partner.id, "company_id": company.id,
        "basis_amount": FIXTURE_COMPANY_BASIS * share / 100, **values,
    } for partner, share in shares.items()])
    _kam_fill_company_basis(env, company, keep=metrics)
    return metrics.with_env(env)


def kam_set_share(metric, share):
    """Give ``metric`` the basis that is ``share`` % of its company's (see ``kam_metrics``)."""
    metric.sudo().basis_amount = FIXTURE_COMPANY_BASIS * share / 100
    _kam_fill_company_basis(metric.env, metric.company_id)


def _kam_fill_company_basis(env, company, keep=None):
    Metric = env["kam.partner.metric"].sudo()
    rows = Metric.search([("company_id", "=", company.id)])
    others = rows.filtered(lambda row: row.partner_id.name == OTHER_CLIENTS)
    if not others:
        (rows - (keep or Metric)).unlink()
        rows = rows.exists()
        others = Metric.create({
            "partner_id": env["res.partner"].sudo().create({"name": OTHER_CLIENTS, "is_company": True}).id,
            "company_id": company.id,
        })
    counted = sum(basis for basis in (rows - others).mapped("basis_amount") if basis >= 0)
    assert counted <= FIXTURE_COMPANY_BASIS, "the fixtures' shares add up to more than 100 %"
    others.basis_amount = FIXTURE_COMPANY_BASIS - counted


# ----------------------------------------------------------------------
# Cockpit: accounts as a KAM finds them (figures, plan, dossier, alert)
# ----------------------------------------------------------------------

# What the cockpit shows of a shrinking account (the heaviest signal first).
SHRINKING = {"amounts": [11000.0, 9000.0, 7000.0], "drop": 36.4}
NO_POSITIVE = {"days": None, "limit": 10}


class KamCockpitFixtures:
    """Mixed into TransactionCase / HttpCase: users and fully-dressed key accounts."""

    @classmethod
    def _cockpit_users(cls, prefix):
        # the admin's time zone: "today" is the same day for every actor
        env = cls.env
        cls.kam = new_test_user(
            env, login=f"{prefix}_kam", name="Tina Tour KAM", groups="kam_management.group_kam_user",
            tz=env.user.tz,
        )
        cls.other_kam = new_test_user(
            env, login=f"{prefix}_other_kam", name="Oscar Other KAM",
            groups="kam_management.group_kam_user", tz=env.user.tz,
        )
        cls.head = new_test_user(
            env, login=f"{prefix}_head", name="Hanna Head of KAM",
            groups="kam_management.group_kam_manager", tz=env.user.tz,
        )
        cls.salesman = new_test_user(
            env, login=f"{prefix}_salesman", name="Sam Salesman",
            groups="sales_team.group_sale_salesman", tz=env.user.tz,
        )

    @classmethod
    def _cockpit_checklist(cls):
        """Two checklist items (size, ownership): a dossier with the size is 50 % complete."""
        env = cls.env
        env["kam.dossier.check"].search([]).write({"active": False})
        Field = env["ir.model.fields"]
        env["kam.dossier.check"].create([
            {"name": "Size", "kind": "field", "field_id": Field._get("kam.dossier", "company_size").id},
            {"name": "Ownership", "kind": "field", "field_id": Field._get("kam.dossier", "ownership").id},
        ])

    @classmethod
    def _cockpit_accounts(cls, names, kam, share=24.13, team=None):
        """Key accounts of ``kam``, each with the share, a shrinking-orders risk,
        an overdue and a later planned contact, a dossier half complete, an
        active plan at 40 % and an open dependency alert."""
        env = cls.env
        company = env.company
        today = fields.Date.context_today(env["res.partner"])
        accounts = env["res.partner"].create([{
            "name": name, "is_company": True, "kam_status": "key", "kam_user_id": kam.id,
            "kam_team_user_ids": [Command.set(team.ids if team else [])],
        } for name in names])
        kam_metrics(env, company, dict.fromkeys(accounts, share), dependency_level="critical")
        env["kam.account.health"].create([{
            "partner_id": account.id, "company_id": company.id, "risk_score": 40,
            "risk_level": "medium",
            "signal_data": {"no_positive_contact": NO_POSITIVE, "shrinking_amounts": SHRINKING},
        } for account in accounts])
        lines = env["kam.comm.plan.line"].create([{
            "name": name, "partner_id": account.id, "user_id": kam.id, "kind": "call",
            "channel": "phone", "cadence_kind": "interval", "interval_days": 30,
        } for account in accounts for name in ("Monthly call", "Quarterly visit")])
        for index, line in enumerate(lines):
            if index % 2 == 0:
                line.write({"state": "overdue", "next_due_date": today - datetime.timedelta(days=5)})
            else:
                line.write({"state": "planned", "next_due_date": today + datetime.timedelta(days=20)})
        env["kam.dossier"].create([{
            "partner_id": account.id, "company_id": company.id, "company_size": "large",
        } for account in accounts])
        env["kam.account.plan"].create([{
            "partner_id": account.id, "name": f"Plan {account.name}", "state": "active",
            "date_from": today - datetime.timedelta(days=30),
            "date_to": today + datetime.timedelta(days=300),
            "objective_ids": [Command.create({"name": "Volume", "target": 100.0, "actual": 40.0})],
        } for account in accounts])
        alert_type = env.ref("kam_management.mail_act_kam_alert")
        env["mail.activity"].create([{
            "res_model_id": env["ir.model"]._get_id("res.partner"),
            "res_id": account.id,
            "activity_type_id": alert_type.id,
            "user_id": kam.id,
            "summary": f"Critical dependency: {share} % of {company.name}",
            "kam_alert_kind": "critical",
            "kam_company_id": company.id,
            "date_deadline": today,
        } for account in accounts])
        return accounts


# ----------------------------------------------------------------------
# Communication: a key account with a person, the rules at their defaults
# ----------------------------------------------------------------------

class KamCommCase(TransactionCase):
    """Users, a key account with a person, and the communication rules at their defaults."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.company = cls.env.company
        cls.company.write({
            "kam_positive_gap_enabled": True,
            "kam_positive_gap_days": 10,
            "kam_cooldown_enabled": True,
            "kam_cooldown_days": 14,
            "kam_followup_enabled": True,
            "kam_tender_enabled": True,
            "kam_tender_months": 9,
            "kam_greeting_enabled": True,
            "kam_greeting_days": 7,
        })
        cls.kam = new_test_user(
            cls.env, login="h5_kam", name="Kira KAM", groups="kam_management.group_kam_user"
        )
        cls.colleague = new_test_user(
            cls.env, login="h5_colleague", name="Colin Colleague", groups="kam_management.group_kam_user"
        )
        cls.salesman = new_test_user(
            cls.env, login="h5_salesman", name="Sam Salesman", groups="sales_team.group_sale_salesman"
        )
        cls.account = cls.env["res.partner"].create({
            "name": "Acme Key Ltd",
            "is_company": True,
            "kam_status": "key",
            "kam_user_id": cls.kam.id,
            "kam_key_since": D(2024, 1, 1),
            "user_id": cls.kam.id,
        })
        cls.person = cls.env["res.partner"].create({"name": "Paula Buyer", "parent_id": cls.account.id})
        cls.Log = cls.env["kam.contact.log"]
        cls.Line = cls.env["kam.comm.plan.line"]
        cls.Occurrence = cls.env["kam.comm.occurrence"]
        cls.scheduler = cls.env["kam.comm.scheduler"]

    def run_batch(self, day, partners=None):
        """The scheduler on the test accounts only (the cron covers every account)."""
        partners = partners if partners is not None else self.account
        self.scheduler._kam_run_batch(self.company, partners, day)

    def log(self, day, outcome="positive", partner=None, users=None, **vals):
        return self.Log.create(dict({
            "partner_id": (partner or self.account).id,
            "date": day,
            "outcome": outcome,
            "channel": "phone",
            "user_ids": [(6, 0, (users or self.kam).ids)],
        }, **vals))

    def line(self, **vals):
        return self.Line.create(dict({
            "name": "Line",
            "partner_id": self.account.id,
            "user_id": self.kam.id,
            "kind": "call",
            "channel": "phone",
            "cadence_kind": "interval",
            "interval_days": 30,
        }, **vals))

    def activities(self, partner=None, activity_type=None):
        domain = [("res_model", "=", "res.partner"), ("res_id", "=", (partner or self.account).id)]
        if activity_type:
            domain.append(("activity_type_id", "=", activity_type.id))
        return self.env["mail.activity"].search(domain)

    def occurrences(self, partner=None, **filters):
        domain = [("partner_id", "=", (partner or self.account).id)]
        domain += [(key, "=", value) for key, value in filters.items()]
        return self.Occurrence.search(domain, order="due_date, id")


# ----------------------------------------------------------------------
# DMU: a key account with its people
# ----------------------------------------------------------------------

class KamDmuCommon(TransactionCase):
    """A key account with its people, a KAM, another KAM and a plain salesman."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        kam_group = cls.env.ref("kam_management.group_kam_user")
        salesman_group = cls.env.ref("sales_team.group_sale_salesman")
        Users = cls.env["res.users"].with_context(no_reset_password=True)
        cls.kam = Users.create({
            "name": "Kim KAM", "login": "dmu_kam", "password": "dmu_kam_pw_1",
            "email": "kim.kam@example.com",
            "groups_id": [Command.set([kam_group.id])],
        })
        cls.other_kam = Users.create({
            "name": "Olga Other KAM", "login": "dmu_other_kam", "password": "dmu_other_kam_pw_1",
            "groups_id": [Command.set([kam_group.id])],
        })
        cls.salesman = Users.create({
            "name": "Sam Salesman", "login": "dmu_salesman", "password": "dmu_salesman_pw_1",
            "groups_id": [Command.set([salesman_group.id])],
        })
        Partner = cls.env["res.partner"]
        cls.account = Partner.create({
            "name": "Nordwerk Industries", "is_company": True, "kam_status": "key",
            "kam_user_id": cls.kam.id,
        })
        cls.ceo = Partner.create({"name": "Clara Ceo", "parent_id": cls.account.id, "function": "CEO"})
        cls.cfo = Partner.create({"name": "Frank Finance", "parent_id": cls.account.id, "function": "CFO"})
        cls.engineer = Partner.create({
            "name": "Tina Tech", "parent_id": cls.account.id, "function": "Head of Engineering",
        })
        cls.operator = Partner.create({"name": "Uwe User", "parent_id": cls.account.id})
        cls.other_account = Partner.create({
            "name": "Southbay Retail", "is_company": True, "kam_status": "key",
            "kam_user_id": cls.other_kam.id,
        })
        cls.stranger = Partner.create({"name": "Stan Stranger", "parent_id": cls.other_account.id})
        cls.role = {
            code: cls.env.ref(f"kam_management.kam_dmu_role_{code}")
            for code in ("decision_maker", "economic_buyer", "technical", "user", "influencer")
        }
        cls.Member = cls.env["kam.dmu.member"]

    @classmethod
    def _member(cls, contact, *codes, **values):
        return cls.Member.create({
            "partner_id": contact.commercial_partner_id.id,
            "contact_id": contact.id,
            "role_ids": [Command.set([cls.role[code].id for code in codes])],
            **values,
        })


# ----------------------------------------------------------------------
# Trust: two companies, one user per column of the access matrix
# ----------------------------------------------------------------------

PASSWORDS = {
    "salesman": "trust_salesman_pw_1",
    "kam_own": "trust_kam_a_pw_1",
    "kam_other": "trust_kam_b_pw_1",
    "manager": "trust_manager_pw_1",
    "other_company": "trust_manager_b_pw_1",
    "portal": "trust_portal_pw_1",
}


class TrustFixtures:
    """Mixin of the TransactionCase and HttpCase trust tests."""

    @classmethod
    def _setup_trust(cls):
        env = cls.env
        cls.company_a = env.company
        cls.company_b = env["res.company"].create({"name": "Trust Company B"})
        groups = {
            "salesman": "sales_team.group_sale_salesman",
            "kam_own": "kam_management.group_kam_user",
            "kam_other": "kam_management.group_kam_user",
            "manager": "kam_management.group_kam_manager",
            "other_company": "kam_management.group_kam_manager",
            "portal": "base.group_portal",
        }
        names = {
            "salesman": "Sally Salesperson", "kam_own": "Kamal KAM A",
            "kam_other": "Bianca KAM B", "manager": "Hector Head of KAM",
            "other_company": "Berta Head of KAM in B", "portal": "Paul Portal",
        }
        Users = env["res.users"].with_context(no_reset_password=True)
        cls.users = {}
        for key, group in groups.items():
            company = cls.company_b if key == "other_company" else cls.company_a
            cls.users[key] = Users.create({
                "name": names[key],
                "login": f"trust_{key}",
                "password": PASSWORDS[key],
                "email": f"trust_{key}@example.com",
                "company_id": company.id,
                "company_ids": [Command.set(company.ids)],
                "groups_id": [Command.set([env.ref(group).id])],
                # the admin's time zone: "today" is the same day for every actor
                "tz": env.user.tz,
            })
        kam_a = cls.users["kam_own"]
        Partner = env["res.partner"]
        cls.account = Partner.create({
            "name": "Trust Account A", "is_company": True, "company_id": cls.company_a.id,
            "kam_status": "key", "kam_user_id": kam_a.id,
            "kam_team_user_ids": [Command.set(cls.users["manager"].ids)],
        })
        # A second account of KAM A, for the records unique per account.
        cls.account2 = Partner.create({
            "name": "Trust Account A2", "is_company": True, "company_id": cls.company_a.id,
            "kam_status": "key", "kam_user_id": kam_a.id,
        })
        cls.person = Partner.create({
            "name": "Petra Person", "parent_id": cls.account.id, "company_id": cls.company_a.id,
        })
        cls.person2 = Partner.create({
            "name": "Quentin Quiet", "parent_id": cls.account.id, "company_id": cls.company_a.id,
        })
        # A person in the DMU of the second account, for a second personal profile.
        cls.person3 = Partner.create({
            "name": "Rosa Second", "parent_id": cls.account2.id, "company_id": cls.company_a.id,
        })
        env["kam.dmu.member"].create({
            "partner_id": cls.account2.id, "contact_id": cls.person3.id, "company_id": cls.company_a.id,
        })
        # The personal data of Petra (in the DMU of the account, below).
        cls.profile = env["kam.person.profile"].create({
            "partner_id": cls.person.id, "birthday": "1979-04-12", "hobbies": "Rowing",
            "family": "Two daughters", "values": "Reliability", "gift_preferences": "Tea",
        })
        cls.competitor = Partner.create({"name": "Trust Rival Corp", "is_company": True})
        cls.role = env.ref("kam_management.kam_dmu_role_decision_maker")
        cls.lead = env["crm.lead"].create({
            "name": "Trust Deal", "type": "opportunity", "partner_id": cls.account.id,
            "user_id": kam_a.id, "company_id": cls.company_a.id,
        })
        today = datetime.date.today()
        cls.plan = env["kam.account.plan"].create({
            "partner_id": cls.account.id, "company_id": cls.company_a.id,
            "date_from": today.replace(month=1, day=1), "date_to": today.replace(month=12, day=31),
        })
        cls.template = env["kam.comm.plan.template"].create({
            "name": "Trust Template", "company_id": cls.company_a.id,
        })
        cls.plan_line = env["kam.comm.plan.line"].create(cls._vals("kam.comm.plan.line"))
        cls.records = {}
        for model in (
            "kam.account.type", "kam.dmu.role", "kam.dmu.member", "kam.personal.date",
            "kam.lead.dmu", "kam.dossier", "kam.dossier.check", "kam.competitor.presence",
            "kam.partner.metric", "kam.alert", "kam.account.health", "kam.account.plan.objective",
            "kam.account.plan.budget", "kam.account.plan.review", "kam.contact.log",
            "kam.comm.occurrence", "kam.comm.plan.template.line", "kam.feedback",
            "kam.referral", "kam.recommendation.letter",
        ):
            cls.records[model] = env[model].create(cls._vals(model, existing=True))
        cls.records["kam.account.plan"] = cls.plan
        cls.records["kam.account"] = env["kam.account"].search([
            ("partner_id", "=", cls.account.id), ("company_id", "=", cls.company_a.id),
        ])
        cls.records["kam.person.profile"] = cls.profile
        cls.records["kam.comm.plan.line"] = cls.plan_line
        cls.records["kam.comm.plan.template"] = cls.template
        cls.records["kam.account.health"].sudo().write({"risk_score": 42, "risk_level": "medium"})
        env.flush_all()
        cls.records["kam.portfolio.report"] = env["kam.portfolio.report"].search([
            ("partner_id", "=", cls.account.id), ("company_id", "=", cls.company_a.id),
        ])
        cls.records["kam.portfolio.summary"] = env["kam.portfolio.summary"].search([
            ("company_id", "=", cls.company_a.id),
        ])

    @classmethod
    def _setup_trust_growth(cls):
        """A subsidiary of the account that buys a category the account does not:
        a row of the account's group and one of its white space."""
        env = cls.env
        cls.subsidiary = env["res.partner"].create({
            "name": "Trust Subsidiary A", "is_company": True, "parent_id": cls.account.id,
            "company_id": cls.company_a.id,
        })
        category = env["product.category"].create({"name": "Trust Category"})
        product = env["product.product"].create({"name": "Trust Product", "categ_id": category.id})
        order = env["sale.order"].create({
            "partner_id": cls.subsidiary.id, "company_id": cls.company_a.id,
            "validity_date": datetime.date.today() + datetime.timedelta(days=30),
            "order_line": [Command.create({
                "product_id": product.id, "product_uom_qty": 1, "price_unit": 100.0,
                "tax_id": [Command.clear()],
            })],
        })
        order.action_confirm()
        env.flush_all()
        cls.records["kam.group.report"] = env["kam.group.report"].search([
            ("partner_id", "=", cls.account.id), ("company_id", "=", cls.company_a.id),
        ])
        cls.records["kam.white.space"] = env["kam.white.space"].search([
            ("partner_id", "=", cls.account.id), ("company_id", "=", cls.company_a.id),
            ("categ_id", "=", category.id),
        ])

    @classmethod
    def _vals(cls, model, existing=False):
        """Creation values of a record of ``model`` on the key account of company A.

        ``existing``: the fixture record; otherwise a second record, free of
        the uniqueness constraints of the first.
        """
        company = cls.company_a.id
        account = cls.account if existing else cls.account2
        person = cls.person if existing else cls.person2
        today = datetime.date.today()
        return {
            "kam.account": {
                "partner_id": cls.competitor.id, "company_id": company, "kam_status": "candidate",
            },
            "kam.account.type": {"name": "Trust Type"},
            "kam.dmu.role": {"name": "Trust Role"},
            "kam.dmu.member": {
                "partner_id": cls.account.id, "contact_id": person.id, "company_id": company,
                "contact_hours": "9-17",
            },
            "kam.person.profile": {"partner_id": cls.person3.id, "hobbies": "Chess"},
            "kam.personal.date": {"profile_id": cls.profile.id, "name": "Name day", "date": "1990-06-29"},
            "kam.lead.dmu": {"lead_id": cls.lead.id, "contact_id": person.id, "role_id": cls.role.id},
            "kam.dossier": {"partner_id": account.id, "company_id": company},
            "kam.dossier.check": {
                "name": "Trust check", "kind": "members", "min_count": 2, "company_id": company,
            },
            "kam.competitor.presence": {
                "partner_id": cls.account.id, "competitor_id": cls.competitor.id,
                "company_id": company, "supplies": "Bolts",
            },
            "kam.partner.metric": {
                "partner_id": account.id, "company_id": company, "margin": 5000.0,
                "basis_amount": FIXTURE_COMPANY_BASIS * 24.0 / 100, "dependency_level": "critical",
            },
            "kam.alert": {
                "partner_id": account.id, "kind": "critical", "company_id": company, "state": "open",
                "values": {"share": 24.0},
            },
            "kam.account.health": {"partner_id": account.id, "company_id": company},
            "kam.account.plan": {
                "partner_id": cls.account.id, "company_id": company,
                "date_from": today.replace(year=today.year + 1, month=1, day=1),
                "date_to": today.replace(year=today.year + 1, month=12, day=31),
            },
            "kam.account.plan.objective": {"plan_id": cls.plan.id, "name": "Grow", "target": 100.0},
            "kam.account.plan.budget": {"plan_id": cls.plan.id, "name": "Gifts", "amount": 100.0},
            "kam.account.plan.review": {"plan_id": cls.plan.id, "interim_results": "On track"},
            "kam.contact.log": {
                "partner_id": cls.account.id, "company_id": company,
                "date": today - datetime.timedelta(days=3), "channel": "phone",
                "user_ids": [Command.set(cls.users["kam_own"].ids)], "summary": "Called",
            },
            "kam.comm.plan.line": {
                "name": "Quarterly call", "partner_id": cls.account.id, "company_id": company,
                "user_id": cls.users["kam_own"].id, "kind": "call",
                "cadence_kind": "interval", "interval_days": 30,
            },
            "kam.comm.occurrence": {
                "dedup_key": f"trust-{'a' if existing else 'b'}", "rule": "gap",
                "partner_id": cls.account.id, "company_id": company,
                "user_id": cls.users["kam_own"].id, "summary": "Trust reminder",
                "scheduled_date": today, "due_date": today,
            },
            "kam.comm.plan.template": {"name": "Trust Template 2", "company_id": company},
            "kam.feedback": {
                "partner_id": cls.account.id, "company_id": company, "contact_id": person.id,
                "date": today - datetime.timedelta(days=2), "score": 4,
            },
            "kam.referral": {
                "partner_id": cls.account.id, "company_id": company,
                "referrer_contact_id": person.id, "referred_partner_id": cls.competitor.id,
            },
            "kam.recommendation.letter": {
                "partner_id": cls.account.id, "company_id": company, "contact_id": person.id,
            },
            "kam.comm.plan.template.line": {
                "template_id": cls.template.id, "name": "Call", "kind": "call",
                "cadence_kind": "per_quarter", "times": 1,
            },
        }[model]

    def _attempt(self, operation):
        """Run ``operation`` in a savepoint that is always rolled back.

        True when it went through (including the flush), False on an access
        error; any other error fails the test.
        """
        with contextlib.closing(self.env.cr.savepoint()):
            try:
                operation()
                self.env.flush_all()
            except AccessError:
                return False
        return True


# ----------------------------------------------------------------------
# Views as the web client renders them
# ----------------------------------------------------------------------

IDENTIFIER = re.compile(r"\b[a-z_][a-z0-9_]*\b")


class ViewReader:
    """Read a view as a user's browser gets it, and what it shows for a record."""

    def _view(self, model, user, view_type="form"):
        arch = self.env[model].with_user(user).get_view(view_type=view_type)["arch"]
        return etree.fromstring(arch)

    def _shown(self, node, record):
        """Evaluate the ``invisible`` expressions of the node and its parents on ``record``
        (read as its user)."""
        expressions = [
            element.get("invisible") for element in (node, *node.iterancestors())
            if element.get("invisible") not in (None, "0", "False")
        ]
        if not expressions:
            return True
        names = {
            name for expression in expressions for name in IDENTIFIER.findall(expression)
            if name in record._fields
        }
        values = {"uid": record.env.uid}
        for name, value in record.read(sorted(names))[0].items():
            values[name] = value[0] if isinstance(value, tuple) else value
        return not any(safe_eval(expression, values) for expression in expressions)


class PartnerFormReader(ViewReader):
    """The partner form: which stat buttons a user sees on an account, in order."""

    def _form(self, user):
        return self._view("res.partner", user)

    def visible_buttons(self, user, record):
        form = self._form(user)
        record = record.with_user(user)
        return [
            button.get("name") for button in form.xpath("//div[@name='button_box']/button")
            if self._shown(button, record)
        ]


# Growth tests (group accounts, white space): a company of their own, so that its
# totals are the test's orders only, its users (password: the login, as the tours
# log in), and confirmed orders with a known margin.
class GrowthFixtures:
    """Mixin of the TransactionCase and HttpCase growth tests."""

    @classmethod
    def _setup_growth(cls, prefix="g1"):
        env = cls.env
        cls.company = env["res.company"].create({"name": f"{prefix} Growth Company"})
        cls.other_company = env["res.company"].create({"name": f"{prefix} Other Company"})
        Users = env["res.users"].with_context(no_reset_password=True)

        def user(key, name, group, companies=None):
            companies = companies or cls.company
            return Users.create({
                "name": name, "login": f"{prefix}_{key}", "password": f"{prefix}_{key}",
                "email": f"{prefix}_{key}@example.com",
                "company_id": companies[:1].id, "company_ids": [Command.set(companies.ids)],
                "groups_id": [Command.set([env.ref(group).id])],
            })

        cls.kam = user("kam", "Gina Group KAM", "kam_management.group_kam_user")
        cls.other_kam = user("other_kam", "Otto Other KAM", "kam_management.group_kam_user")
        cls.head = user("head", "Hugo Head of KAM", "kam_management.group_kam_manager")
        cls.salesman = user("salesman", "Sara Salesperson", "sales_team.group_sale_salesman")
        cls.foreign_head = user(
            "foreign_head", "Fritz Head of KAM Elsewhere", "kam_management.group_kam_manager",
            cls.other_company,
        )
        Category = env["product.category"]
        cls.categ_desks = Category.create({"name": f"{prefix} Desks"})
        cls.categ_chairs = Category.create({"name": f"{prefix} Chairs"})
        cls.categ_services = Category.create({"name": f"{prefix} Services"})
        Product = env["product.product"]
        cls.desk = Product.create({"name": f"{prefix} Desk", "categ_id": cls.categ_desks.id})
        cls.chair = Product.create({"name": f"{prefix} Chair", "categ_id": cls.categ_chairs.id})
        cls.service = Product.create({
            "name": f"{prefix} Fitting", "categ_id": cls.categ_services.id, "type": "service",
        })

    @classmethod
    def _company_partner(cls, name, parent=None, **vals):
        return cls.env["res.partner"].create({
            "name": name, "is_company": True, "parent_id": parent.id if parent else False,
            "company_id": cls.company.id, **vals,
        })

    @classmethod
    def _make_key(cls, partner, kam, types=None):
        """Make ``partner`` a key account of the growth company (as superuser)."""
        cls.env["kam.account"].create({
            "partner_id": partner.id, "company_id": cls.company.id, "kam_status": "key",
            "kam_user_id": kam.id if kam else False,
            "kam_type_ids": [Command.set(types.ids if types else [])],
        })

    @classmethod
    def _order(cls, partner, amount, margin, product=None, days_ago=10):
        """A confirmed order of the growth company: ``amount`` untaxed, ``margin`` gross margin."""
        order = cls.env["sale.order"].with_company(cls.company).create({
            "partner_id": partner.id,
            "company_id": cls.company.id,
            "validity_date": fields.Date.today() + datetime.timedelta(days=30),
            "order_line": [Command.create({
                "product_id": (product or cls.desk).id, "product_uom_qty": 1,
                "price_unit": amount, "purchase_price": amount - margin,
                "tax_id": [Command.clear()],
            })],
        })
        order.action_confirm()
        order.date_order = datetime.datetime.combine(fields.Date.today() - datetime.timedelta(days=days_ago), datetime.time(10, 0))
        return order

    @classmethod
    def _recompute(cls):
        cls.env.flush_all()
        cls.env["kam.identification"]._recompute(companies=cls.company)
        cls.env.invalidate_all()


# Feedback, referrals and win-back tests.
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
