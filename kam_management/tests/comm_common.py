import datetime

from odoo.tests import TransactionCase, new_test_user

D = datetime.date


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
