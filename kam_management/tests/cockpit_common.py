"""Accounts as a KAM finds them in the cockpit: figures, plan, dossier, alert."""

import datetime

from odoo import Command, fields
from odoo.tests import new_test_user

# What the cockpit shows of a shrinking account (the heaviest signal first).
SHRINKING = {"amounts": [11000.0, 9000.0, 7000.0], "drop": 36.4}
NO_POSITIVE = {"days": None, "limit": 10}


class KamCockpitFixtures:
    """Mixed into TransactionCase / HttpCase: users and fully-dressed key accounts."""

    @classmethod
    def _cockpit_users(cls, prefix):
        env = cls.env
        cls.kam = new_test_user(
            env, login=f"{prefix}_kam", name="Tina Tour KAM", groups="kam_management.group_kam_user"
        )
        cls.other_kam = new_test_user(
            env, login=f"{prefix}_other_kam", name="Oscar Other KAM",
            groups="kam_management.group_kam_user",
        )
        cls.head = new_test_user(
            env, login=f"{prefix}_head", name="Hanna Head of KAM",
            groups="kam_management.group_kam_manager",
        )
        cls.salesman = new_test_user(
            env, login=f"{prefix}_salesman", name="Sam Salesman",
            groups="sales_team.group_sale_salesman",
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
        env["kam.partner.metric"].create([{
            "partner_id": account.id, "company_id": company.id, "share": share,
            "dependency_level": "critical",
        } for account in accounts])
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
