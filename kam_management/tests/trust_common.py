"""Fixtures of the trust tests: two companies, one user per column of the
access matrix, and one record of every kam.* model on a key account of
company A whose KAM is "KAM A"."""

import contextlib
import datetime

from odoo import Command
from odoo.exceptions import AccessError

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
                "partner_id": account.id, "company_id": company, "share": 24.0, "margin": 5000.0,
                "dependency_level": "critical",
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
