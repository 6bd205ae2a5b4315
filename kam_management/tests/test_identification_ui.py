# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""Key-account identification seen by users: pipeline badge and default KAM,
wizards, quotations to key accounts, settings validation, access rights."""

import xmlrpc.client

from freezegun import freeze_time
from lxml import etree

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.osv import expression
from odoo.tests import Form, HttpCase, TransactionCase, tagged
from odoo.tools.safe_eval import safe_eval

from .common import kam_metrics


class KamIdentificationCommon(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        group = cls.env.ref
        cls.kam_pia = cls.env["res.users"].create({
            "name": "Pia KAM", "login": "pia_kam_ui", "email": "pia@example.com",
            "groups_id": [Command.set([group("kam_management.group_kam_user").id])],
        })
        cls.kam_manager = cls.env["res.users"].create({
            "name": "Head of KAM UI", "login": "kam_head_ui", "email": "head@example.com",
            "groups_id": [Command.set([group("kam_management.group_kam_manager").id])],
        })
        cls.salesman = cls.env["res.users"].create({
            "name": "Plain Salesman UI", "login": "salesman_ui", "email": "seller@example.com",
            "groups_id": [Command.set([group("sales_team.group_sale_salesman").id])],
        })
        cls.key_account = cls.env["res.partner"].create({
            "name": "Keystone Industries", "is_company": True, "kam_status": "key",
            "kam_user_id": cls.kam_pia.id,
        })
        cls.key_contact = cls.env["res.partner"].create({
            "name": "Kim Keystone", "parent_id": cls.key_account.id,
        })
        cls.ordinary = cls.env["res.partner"].create({"name": "Ordinary Shop", "is_company": True})
        # The shares of the fixtures are measured on their rows alone (``_metric``).
        cls.env["kam.partner.metric"].search([]).unlink()

    @classmethod
    def _metric(cls, partner, share, level, company=None):
        """A metrics row whose basis is ``share`` % of its company's."""
        return kam_metrics(cls.env, company or cls.company, {partner: share},
                           margin=share * 100, dependency_level=level)


@tagged("post_install", "-at_install")
class TestIdentificationPipeline(KamIdentificationCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.accounts = cls.env["res.partner"].create([{
            "name": f"Pipeline Account {index:02d}", "is_company": True, "kam_status": "key",
            "kam_user_id": cls.kam_pia.id,
        } for index in range(40)])
        for account in cls.accounts:
            cls._metric(account, 2.0, "none")
        cls.leads = cls.env["crm.lead"].create([{
            "name": f"Deal {account.name}", "type": "opportunity", "partner_id": account.id,
            "user_id": cls.kam_pia.id,
        } for account in cls.accounts])

    def _count_read(self, model, domain, spec, limit):
        self.env.invalidate_all()
        before = self.env.cr.sql_log_count
        result = model.web_search_read(domain, spec, limit=limit)
        return self.env.cr.sql_log_count - before, result

    def test_pipeline_badge_query_count_does_not_grow(self):
        Lead = self.env["crm.lead"].with_user(self.kam_pia)
        domain = [("id", "in", self.leads.ids)]
        spec = {
            "name": {}, "expected_revenue": {}, "stage_id": {"fields": {"display_name": {}}},
            "partner_id": {"fields": {"display_name": {}}},
            "user_id": {"fields": {"display_name": {}}},
            "kam_partner_status": {}, "kam_dependency_level": {},
            "kam_account_user_id": {"fields": {"display_name": {}}},
        }
        self._count_read(Lead, domain, spec, 10)  # warm the registry caches
        count_10, page_10 = self._count_read(Lead, domain, spec, 10)
        count_30, page_30 = self._count_read(Lead, domain, spec, 30)
        self.assertEqual(len(page_10["records"]), 10)
        self.assertEqual(len(page_30["records"]), 30)
        self.assertEqual(count_10, count_30, "the badge must not cost one query per card")
        self.env.invalidate_all()
        with self.assertQueryCount(count_10):
            Lead.web_search_read(domain, spec, limit=30)
        record = page_30["records"][0]
        self.assertEqual(record["kam_partner_status"], "key")
        self.assertEqual(record["kam_dependency_level"], "none")
        self.assertEqual(record["kam_account_user_id"]["id"], self.kam_pia.id)

    def test_partner_list_query_count_does_not_grow(self):
        Partner = self.env["res.partner"].with_user(self.kam_manager)
        domain = [("id", "in", self.accounts.ids)]
        spec = {
            "complete_name": {}, "kam_status": {}, "kam_dependency_level": {},
            "kam_user_id": {"fields": {"display_name": {}}}, "kam_share": {},
            "kam_margin": {}, "kam_pareto_rank": {}, "kam_last_order_date": {},
            "kam_currency_id": {"fields": {"display_name": {}}},
        }
        self._count_read(Partner, domain, spec, 10)
        count_10, _page = self._count_read(Partner, domain, spec, 10)
        count_30, page = self._count_read(Partner, domain, spec, 30)
        self.assertEqual(count_10, count_30)
        self.assertAlmostEqual(page["records"][0]["kam_share"], 2.0)

    def test_pipeline_filters_and_grouping(self):
        deal = self.env["crm.lead"].create({
            "name": "Keystone deal", "type": "opportunity", "partner_id": self.key_contact.id,
        })
        other = self.env["crm.lead"].create({
            "name": "Ordinary deal", "type": "opportunity", "partner_id": self.ordinary.id,
        })
        self.assertEqual(deal.kam_partner_status, "key", "a contact's deal is the account's")
        self.assertEqual(deal.kam_account_user_id, self.kam_pia)
        # The filter as the web client gets it: the domain of the search view
        # the KAM receives, evaluated with the KAM's uid (not a copy of it).
        Lead = self.env["crm.lead"].with_user(self.kam_pia)
        search_view = self.env.ref("crm.view_crm_case_opportunities_filter")
        arch = etree.fromstring(Lead.get_view(search_view.id, "search")["arch"])
        [node] = arch.xpath("//filter[@name='kam_my_key_accounts']")
        domain = safe_eval(node.get("domain"), {"uid": self.kam_pia.id})
        mine = Lead.search(expression.AND([[("id", "in", (deal + other).ids)], domain]))
        self.assertEqual(mine, deal)
        groups = self.env["crm.lead"]._read_group(
            [("id", "in", (deal + other + self.leads).ids)], ["kam_account_user_id"], ["__count"],
        )
        self.assertEqual(dict(groups)[self.kam_pia], 41)
        # The stored badge follows the account.
        self.key_account.kam_user_id = self.kam_manager
        self.assertEqual(deal.kam_account_user_id, self.kam_manager)
        self.key_account.kam_status = "former"
        self.assertEqual(deal.kam_partner_status, "former")

    def test_pipeline_views_carry_the_badge(self):
        Lead = self.env["crm.lead"]
        for view_type, view_ref in (("kanban", "crm.crm_case_kanban_view_leads"),
                                    ("list", "crm.crm_case_tree_view_oppor"),
                                    ("form", "crm.crm_lead_view_form")):
            arch = Lead.get_view(self.env.ref(view_ref).id, view_type)["arch"]
            with self.subTest(view=view_type):
                self.assertIn('name="kam_partner_status"', arch)
                self.assertIn('name="kam_dependency_level"', arch)
        Partner = self.env["res.partner"]
        for view_type, view_ref in (("kanban", "base.res_partner_kanban_view"),
                                    ("list", "base.view_partner_tree"),
                                    ("form", "base.view_partner_form")):
            arch = Partner.with_user(self.salesman).get_view(
                self.env.ref(view_ref).id, view_type)["arch"]
            with self.subTest(view=view_type):
                self.assertIn('name="kam_status"', arch)
                self.assertIn('name="kam_dependency_level"', arch)
                self.assertNotIn('name="kam_share"', arch, "figures are for KAM groups")

    def test_new_opportunity_of_a_key_account_goes_to_its_kam(self):
        Lead = self.env["crm.lead"].with_user(self.kam_manager)
        lead = Lead.create({"name": "From the contact", "partner_id": self.key_contact.id})
        self.assertEqual(lead.user_id, self.kam_pia)
        explicit = Lead.create({
            "name": "Explicit", "partner_id": self.key_account.id, "user_id": self.kam_manager.id,
        })
        self.assertEqual(explicit.user_id, self.kam_manager)
        self.assertIn(self.kam_pia.partner_id, explicit.message_partner_ids, "the KAM follows")
        ordinary = Lead.create({"name": "Ordinary", "partner_id": self.ordinary.id})
        self.assertEqual(ordinary.user_id, self.kam_manager)
        with Form(self.env["crm.lead"].with_user(self.kam_manager)) as form:
            form.name = "Typed in the form"
            self.assertEqual(form.user_id, self.kam_manager)
            form.partner_id = self.key_account
            self.assertEqual(form.user_id, self.kam_pia)
        # A salesperson who only sees their own leads keeps the lead (they could not
        # create it for someone else); the KAM follows it.
        own = self.env["crm.lead"].with_user(self.salesman).create(
            {"name": "Salesman's lead", "partner_id": self.key_account.id}
        )
        self.assertEqual(own.user_id, self.salesman)
        self.assertIn(self.kam_pia.partner_id, own.sudo().message_partner_ids)
        # A candidate is not yet a key account: its deals keep their salesperson.
        self.ordinary.kam_status = "candidate"
        self.assertEqual(Lead.create({"name": "Cand", "partner_id": self.ordinary.id}).user_id,
                         self.kam_manager)


@tagged("post_install", "-at_install")
class TestIdentificationWizards(KamIdentificationCommon):
    def _promote(self, partners, **values):
        wizard = self.env["kam.promote.wizard"].with_user(self.kam_manager).with_context(
            active_model="res.partner", active_ids=partners.ids,
        ).create({"kam_user_id": self.kam_pia.id, "reason": "Market leader", **values})
        wizard.action_confirm()
        return wizard

    @freeze_time("2024-06-30")
    def test_promote_in_bulk(self):
        candidate = self.env["res.partner"].create({
            "name": "Candidate Co", "is_company": True, "kam_status": "candidate",
        })
        image_maker = self.env.ref("kam_management.kam_type_image_maker")
        team = self.env["crm.team"].create({"name": "Northern team"})
        # Records created in this transaction are not tracked until it commits.
        self.env.flush_all()
        self.env.cr.precommit.run()
        # A contact selects its company; the same company twice counts once.
        self._promote(self.key_contact + self.ordinary + candidate + self.ordinary,
                      kam_type_ids=[Command.set(image_maker.ids)], kam_level="team",
                      kam_level_team_id=team.id)
        for partner in (self.key_account, self.ordinary, candidate):
            with self.subTest(partner=partner.name):
                self.assertEqual(partner.kam_status, "key")
                self.assertEqual(partner.kam_user_id, self.kam_pia)
                self.assertEqual(partner.kam_status_reason, "Market leader")
                self.assertIn(image_maker, partner.kam_type_ids)
                self.assertEqual(partner.kam_level_team_id, team)
                self.assertEqual(partner.kam_lifecycle_block, "key")
        self.assertEqual(str(self.ordinary.kam_key_since), "2024-06-30")
        self.assertFalse(self.key_account.kam_key_since, "already key: its date is kept")
        self.assertEqual(self.key_contact.kam_status, "key", "contacts follow their company")
        # The change is tracked in the chatter of the account's identity in the company.
        self.env.flush_all()
        self.env.cr.precommit.run()
        identity = self.env["kam.account"].search([
            ("partner_id", "=", self.ordinary.id), ("company_id", "=", self.env.company.id),
        ])
        tracked = self.env["mail.tracking.value"].search([
            ("mail_message_id.model", "=", "kam.account"),
            ("mail_message_id.res_id", "=", identity.id),
        ]).field_id.mapped("name")
        self.assertIn("kam_status", tracked)
        self.assertIn("kam_status_reason", tracked)

    def test_promote_suggests_breadwinner_for_candidates(self):
        candidate = self.env["res.partner"].create({
            "name": "Big Buyer", "is_company": True, "kam_status": "candidate",
        })
        wizard = self.env["kam.promote.wizard"].with_user(self.kam_manager).with_context(
            active_model="res.partner", active_ids=candidate.ids,
        ).new({})
        self.assertEqual(wizard.kam_type_ids._origin,
                         self.env.ref("kam_management.kam_type_breadwinner"))

    def test_promote_warns_about_the_kam_load(self):
        accounts = self.env["res.partner"].create([
            {"name": f"Load {index}", "is_company": True} for index in range(3)
        ])
        wizard = self.env["kam.promote.wizard"].with_user(self.kam_manager).with_context(
            active_model="res.partner", active_ids=accounts.ids,
        ).new({"kam_user_id": self.kam_pia.id, "reason": "x"})
        # Pia already has Keystone: 4 > 3.
        self.assertIn("4", wizard.load_warning)
        wizard.partner_ids = accounts[:2]
        self.assertFalse(wizard.load_warning)

    def test_promote_level_needs_its_team_or_department(self):
        with self.assertRaises(ValidationError):
            self._promote(self.ordinary, kam_level="department")
        self.assertEqual(self.ordinary.kam_status, "none")

    def test_demote(self):
        self.key_account.kam_lifecycle_block = "key"
        wizard = self.env["kam.demote.wizard"].with_user(self.kam_manager).with_context(
            active_model="res.partner", active_ids=self.key_contact.ids,
        ).create({"reason": "Volumes fell for a year"})
        wizard.action_confirm()
        self.assertEqual(self.key_account.kam_status, "former")
        self.assertEqual(self.key_account.kam_status_reason, "Volumes fell for a year")
        self.assertFalse(self.key_account.kam_lifecycle_block)
        wizard = self.env["kam.demote.wizard"].with_user(self.kam_manager).with_context(
            active_model="res.partner", active_ids=self.ordinary.ids,
        ).create({"reason": "Nothing to demote"})
        with self.assertRaises(UserError):
            wizard.action_confirm()

    def test_wizards_are_in_the_partner_action_menu(self):
        for xmlid in ("kam_management.kam_promote_wizard_action",
                      "kam_management.kam_demote_wizard_action",
                      "kam_management.action_server_kam_recompute_metrics"):
            action = self.env.ref(xmlid)
            self.assertEqual(action.binding_model_id.model, "res.partner")
        with self.assertRaises(AccessError):
            self.env["kam.promote.wizard"].with_user(self.salesman).create(
                {"kam_user_id": self.kam_pia.id, "reason": "no"}
            )


@tagged("post_install", "-at_install")
class TestIdentificationQuotations(KamIdentificationCommon):
    def _quotation(self, partner, **values):
        return self.env["sale.order"].create({
            "partner_id": partner.id,
            "order_line": [Command.create({
                "product_id": self.env.ref("product.product_product_4").id,
                "product_uom_qty": 1.0,
            })],
            **values,
        })

    def test_quotation_to_a_key_account_needs_a_validity_date(self):
        with self.assertRaisesRegex(ValidationError, "Keystone Industries.*expiration"):
            self._quotation(self.key_contact, validity_date=False)
        order = self._quotation(self.key_account, validity_date="2099-01-31")
        with self.assertRaises(ValidationError):
            order.validity_date = False
        self.assertEqual(str(order.validity_date), "2099-01-31")
        # Other clients may do without.
        self.assertFalse(self._quotation(self.ordinary, validity_date=False).validity_date)
        # Confirmed orders are no longer offers.
        order.action_confirm()
        order.validity_date = False

    def test_preparing_team_is_printed(self):
        self.kam_pia.partner_id.write({"function": "Key Account Manager", "phone": "+39 02 1234"})
        order = self._quotation(self.key_account, validity_date="2099-01-31",
                                kam_preparing_user_ids=[Command.set(self.kam_pia.ids)])
        html = self.env["ir.actions.report"]._render_qweb_html(
            "sale.action_report_saleorder", order.ids)[0].decode()
        self.assertIn("Prepared by", html)
        self.assertIn("Pia KAM", html)
        self.assertIn("Key Account Manager", html)
        self.assertIn("pia@example.com", html)
        self.assertIn("+39 02 1234", html)
        plain = self._quotation(self.ordinary)
        html = self.env["ir.actions.report"]._render_qweb_html(
            "sale.action_report_saleorder", plain.ids)[0].decode()
        self.assertNotIn("Prepared by", html)


@tagged("post_install", "-at_install")
class TestIdentificationAccess(KamIdentificationCommon):
    def test_salespeople_see_the_badge_not_the_figures(self):
        self._metric(self.key_account, 25.0, "critical")
        partner = self.key_account.with_user(self.salesman)
        self.assertEqual(partner.kam_status, "key")
        self.assertEqual(partner.kam_user_id, self.kam_pia)
        self.assertEqual(partner.kam_dependency_level, "critical")
        with self.assertRaises(AccessError):
            partner.read(["kam_share"])
        with self.assertRaises(AccessError):
            self.env["kam.partner.metric"].with_user(self.salesman).search([])

    def test_kam_users_see_the_figures_of_their_accounts(self):
        self._metric(self.key_account, 25.0, "critical")
        self._metric(self.ordinary, 12.0, "key")
        Partner = self.env["res.partner"].with_user(self.kam_pia)
        own, other = Partner.browse(self.key_account.id), Partner.browse(self.ordinary.id)
        self.assertAlmostEqual(own.kam_share, 25.0)
        self.assertAlmostEqual(other.kam_share, 0.0)
        self.assertEqual(other.kam_dependency_level, "key", "the badge is for everyone")
        metrics = self.env["kam.partner.metric"].with_user(self.kam_pia).search([])
        self.assertEqual(metrics.partner_id, self.key_account)
        manager_view = self.env["res.partner"].with_user(self.kam_manager).browse(self.ordinary.id)
        self.assertAlmostEqual(manager_view.kam_share, 12.0)

    def test_metrics_are_read_only_for_users(self):
        metric = self._metric(self.key_account, 25.0, "critical")
        with self.assertRaises(AccessError):
            metric.with_user(self.kam_manager).write({"basis_amount": 99.0})


@tagged("post_install", "-at_install")
class TestIdentificationSettings(KamIdentificationCommon):
    def test_bad_settings_are_refused_in_the_form(self):
        cases = (
            ({"kam_key_share": 150.0}, "between 0 and 100"),
            ({"kam_key_share": 25.0}, "key-account share ≤ critical"),
            ({"kam_mono_share": 15.0}, "key-account share ≤ critical"),
            ({"kam_window_months": 0}, "at least 1 month"),
        )
        for values, message in cases:
            with self.subTest(values=values), self.assertRaises(ValidationError) as caught:
                form = Form(self.env["res.config.settings"])
                for name, value in values.items():
                    setattr(form, name, value)
                form.save().execute()
            self.assertIn(message, str(caught.exception))
        self.company.invalidate_recordset()
        self.assertEqual(
            (self.company.kam_key_share, self.company.kam_critical_share,
             self.company.kam_mono_share, self.company.kam_window_months),
            (10.0, 20.0, 70.0, 12),
        )

    def test_recompute_button_is_in_the_settings(self):
        arch = self.env["res.config.settings"].get_view(
            self.env.ref("kam_management.res_config_settings_view_form").id, "form")["arch"]
        self.assertIn('name="action_kam_recompute_metrics"', arch)


@tagged("post_install", "-at_install")
class TestIdentificationXmlRpc(HttpCase):
    def test_bad_settings_are_refused_over_xmlrpc(self):
        company = self.env.ref("base.main_company")
        admin = self.env.ref("base.user_admin")
        db = self.env.cr.dbname
        with self.assertRaises(xmlrpc.client.Fault) as caught:
            self.xmlrpc_object.execute(
                db, admin.id, "admin", "res.company", "write", [company.id],
                {"kam_key_share": 25.0},
            )
        self.assertIn("key-account share ≤ critical dependency ≤ mono-client",
                      caught.exception.faultString)
        with self.assertRaises(xmlrpc.client.Fault) as caught:
            settings_id = self.xmlrpc_object.execute(
                db, admin.id, "admin", "res.config.settings", "create", {"kam_window_months": 0},
            )
            self.xmlrpc_object.execute(
                db, admin.id, "admin", "res.config.settings", "execute", [settings_id],
            )
        self.assertIn("trailing window must be at least 1 month", caught.exception.faultString)
        company.invalidate_recordset()
        self.assertEqual((company.kam_key_share, company.kam_window_months), (10.0, 12))


@tagged("post_install", "-at_install")
class TestIdentificationPipelineTour(HttpCase):
    def test_pipeline_shows_the_key_account_badge(self):
        admin = self.env.ref("base.user_admin")
        account = self.env["res.partner"].create({
            "name": "Tour Keystone", "is_company": True, "kam_status": "key",
            "kam_user_id": admin.id,
        })
        kam_metrics(self.env, admin.company_id, {account: 24.0}, dependency_level="critical")
        ordinary = self.env["res.partner"].create({"name": "Tour Ordinary", "is_company": True})
        self.env["crm.lead"].create([
            {"name": "KAM Tour Deal", "type": "opportunity", "partner_id": account.id,
             "user_id": admin.id},
            {"name": "Plain Tour Deal", "type": "opportunity", "partner_id": ordinary.id,
             "user_id": admin.id},
        ])
        self.start_tour("/odoo/action-crm.crm_lead_action_pipeline",
                        "kam_identification_pipeline_tour", login="admin")
