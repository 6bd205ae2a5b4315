from odoo import Command
from odoo.tests import TransactionCase


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
