# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""Pinned query counts of the main screens and of the nightly batches.

As ``crm/tests/test_performances.py``: every count is absolute. A number that
goes up means one query more on every load of the screen (or every batch of
the cron) for every user: find the query before raising the number. A number
that goes down is logged by ``assertQueryCount`` ("less than expected"):
lower the pin in the same change.

The screens are read as the web client reads them: the fields of the view as
the user gets it (``get_views``), many2one fields with their display name,
through ``web_search_read`` (lists, kanbans) or ``web_read`` (forms). Each
count is taken twice, on few and on many records, with the same pin: no
screen may cost a query per record.
"""

import datetime

from lxml import etree

from odoo import fields
from odoo.tests import TransactionCase, tagged, users, warmup

from .common import D, KamCockpitFixtures, KamCommCase

# What the activity widgets of the kanban and the list read besides activity_ids.
ACTIVITY_WIDGET_FIELDS = (
    "activity_exception_decoration", "activity_exception_icon", "activity_state",
    "activity_summary", "activity_type_icon",
)


class KamPerformanceCase(KamCockpitFixtures, TransactionCase):
    """Key accounts as the cockpit shows them, and how the web client reads a view."""

    ACCOUNTS = 40

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._cockpit_users("perf")
        cls._cockpit_checklist()
        cls.accounts = cls._cockpit_accounts(
            # shares of the company add up: 1 % each
            [f"Perf {n:02d} Ltd" for n in range(cls.ACCOUNTS)], cls.kam, share=1.0,
        )

    def _spec(self, model, view):
        """The fields the web client asks for: those of ``view`` (an xml id or
        a view type for the model's default view) as the current user gets it."""
        if "." in view:
            record = self.env.ref(view).sudo()
            view_id, view_type = record.id, record.type
        else:
            view_id, view_type = False, view
        arch = self.env[model].get_views([(view_id, view_type)])["views"][view_type]["arch"]
        Model = self.env[model]
        spec = {}
        # Fields of sub-views (one2many lists inside a form) belong to the
        # sub-model: only the fields of the view's own model are read here.
        for node in etree.fromstring(arch).xpath("//field[not(ancestor::field)]"):
            field = Model._fields[node.get("name")]
            spec[field.name] = {"fields": {"display_name": {}}} if field.type == "many2one" else {}
        if "activity_ids" in spec:
            spec.update(dict.fromkeys(ACTIVITY_WIDGET_FIELDS, {}))
            spec["activity_type_id"] = {"fields": {"display_name": {}}}
        return spec

    def _read_list(self, model, spec, records):
        """Read ``records`` as a list or kanban asking for ``spec`` does: one
        page (a page larger than the records: no extra count query)."""
        self.env.invalidate_all()
        result = self.env[model].web_search_read([("id", "in", records.ids)], spec, limit=100)
        self.assertEqual(result["length"], len(records))
        return result["records"]

    def _pinned(self, model, view, records, **counts):
        """Read a page of 10 and of all ``records``: the same pinned counts."""
        spec = self._spec(model, view)
        self._read_list(model, spec, records[:3])  # warm the caches (rules, groups, translations)
        for subset in (records[:10], records):
            with self.assertQueryCount(**counts):
                result = self._read_list(model, spec, subset)
        return result


@tagged("post_install", "-at_install", "kam_performance")
class TestKamCockpitQueries(KamPerformanceCase):
    """The cockpit (kanban and list) of a KAM and of the head of KAM."""

    ACCOUNTS = 80

    def _check(self, view):
        # two of them since the group columns: the companies in each account's
        # group and the figures of the groups (one grouped read each)
        records = self._pinned("res.partner", view, self.accounts, perf_kam=34, perf_head=34)
        # the figures were really computed, for every one of the 80 accounts
        self.assertEqual({record["kam_dossier_completeness"] for record in records}, {50.0})
        self.assertEqual({record["kam_alert_count"] for record in records}, {1})
        self.assertEqual({record["kam_plan_overdue_count"] for record in records}, {1})
        self.assertEqual({bool(record["kam_risk_reason"]) for record in records}, {True})

    @users("perf_kam", "perf_head")
    def test_cockpit_kanban(self):
        self._check("kam_management.kam_cockpit_view_kanban")

    @users("perf_kam", "perf_head")
    def test_cockpit_list(self):
        self._check("kam_management.kam_cockpit_view_list")


@tagged("post_install", "-at_install", "kam_performance")
class TestKamScreenQueries(KamPerformanceCase):
    """The key-account list and kanban, the partner form, the pipeline, kam.account."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.leads = cls.env["crm.lead"].create([{
            "name": f"Deal {account.name}", "type": "opportunity", "partner_id": account.id,
            "user_id": cls.kam.id,
        } for account in cls.accounts])

    @users("perf_kam", "perf_head")
    @warmup
    def test_key_account_list(self):
        # one query of the page's client-base blocks (derived from the metrics rows),
        # one of the shares (the company's totals), one of the Pareto ranks (its ranking)
        self._pinned("res.partner", "kam_management.view_partner_list_kam", self.accounts,
                     perf_kam=23, perf_head=23)

    @users("perf_kam", "perf_head")
    @warmup
    def test_key_account_kanban(self):
        self._pinned("res.partner", "kam_management.res_partner_kanban_view_kam", self.accounts,
                     perf_kam=27, perf_head=27)

    @users("perf_kam", "perf_head")
    @warmup
    def test_pipeline_kanban(self):
        # crm's kanban with the KAM badges of the deal's account
        self._pinned("crm.lead", "kanban", self.leads, perf_kam=18, perf_head=15)

    @users("perf_head")
    @warmup
    def test_kam_account_list(self):
        accounts = self.env["kam.account"].search([("partner_id", "in", self.accounts.ids)])
        self._pinned("kam.account", "kam_management.kam_account_view_list", accounts, perf_head=7)

    @users("perf_kam", "perf_head")
    @warmup
    def test_partner_form(self):
        """The partner form of one key account, with every KAM tab and stat button."""
        spec = self._spec("res.partner", "form")
        account = self.env["res.partner"].browse(self.accounts[0].id)
        self.env.invalidate_all()
        # +4 for feedback, referrals and win-back: the account's row (reference
        # client, end of the relationship), the feedback, the referral and the
        # win-back deal counts; +2 for a KAM, the record rules of feedback and referrals.
        # The Group tab (its companies and their figures): +3, and +2 more for a
        # KAM, whose reads go through the record rules.
        # The share and the Pareto rank are derived when read: one query each.
        with self.assertQueryCount(perf_kam=53, perf_head=48):
            account.web_read(spec)


@tagged("post_install", "-at_install", "kam_performance")
class TestKamBatchQueries(KamCommCase):
    """The nightly batches on a fixed set of accounts (as the cron runs them)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Partner = cls.env["res.partner"]
        cls.accounts = cls.account + Partner.create([{
            "name": f"Batch {n:02d} Ltd", "is_company": True, "kam_status": "key",
            "kam_user_id": cls.kam.id, "kam_key_since": D(2024, 1, 1),
        } for n in range(19)])
        cls.Line.create([{
            "name": "Monthly call", "partner_id": account.id, "user_id": cls.kam.id,
            "kind": "call", "channel": "phone", "cadence_kind": "interval", "interval_days": 30,
        } for account in cls.accounts])

    @warmup
    def test_comm_scheduler_batch(self):
        """One batch of the communication scheduler: lines due, gaps, greetings."""
        day = fields.Date.today() + datetime.timedelta(days=40)
        with self.assertQueryCount(40):
            self.scheduler._kam_run_batch(self.company, self.accounts, day)

    @warmup
    def test_health_refresh_batch(self):
        """One batch of the nightly risk refresh."""
        with self.assertQueryCount(20):
            self.accounts._kam_refresh_health(self.company)
