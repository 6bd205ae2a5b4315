# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

import datetime

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.osv import expression
from odoo.tools import is_html_empty

from ..rules.dmu import completeness, days_since, is_stale, stale_cutoff
from .kam_account_owned_mixin import kam_account_domain
from .kam_selections import DEPENDENCY_LEVELS

COMPANY_SIZES = [
    ("micro", "Micro (under 10 people)"),
    ("small", "Small (10–49)"),
    ("medium", "Medium (50–249)"),
    ("large", "Large (250–999)"),
    ("enterprise", "Enterprise (1000 and more)"),
]

OWNERSHIP = [
    ("private", "Private"),
    ("family", "Family-Owned"),
    ("listed", "Listed"),
    ("state", "State-Owned"),
    ("group", "Member of a Group"),
    ("foreign", "Foreign Subsidiary"),
    ("cooperative", "Cooperative"),
    ("other", "Other"),
]

# Digest §3.2: the client as a channel operator.
CLIENT_FORMATS = [
    ("manufacturer", "Manufacturer"),
    ("large_wholesale", "Large Wholesale"),
    ("wholesale", "Small / Medium Wholesale"),
    ("retail", "Retail"),
    ("services", "Services"),
    ("institution", "Public Institution"),
    ("other", "Other"),
]

# Fields of kam.partner.metric shown on the Analytics tab (as metric_<name>),
# with the value shown when the account has no metrics yet.
METRIC_FIELDS = {
    "share": 0.0, "margin_share": 0.0, "margin": 0.0, "invoiced_revenue": 0.0,
    "ordered_revenue": 0.0, "order_count": 0, "last_order_date": False,
    "avg_order_interval": 0.0, "pareto_rank": 0, "dependency_level": "none",
}

# Fields of the dossier a checklist item may require (kam.dossier.check): the
# business part of the card. The completeness compute depends on all of them.
CHECKABLE_FIELDS = (
    "industry_id", "company_size", "employee_count", "annual_revenue", "ownership",
    "ownership_details", "history", "goals_plans", "needs", "market_position", "resources",
    "client_channels", "client_format", "purchasing_process", "tender_calendar",
    "next_tender_date", "decision_factors", "evaluation_criteria", "region_notes",
)
# What the checklist reads: completeness and missing items depend on the same.
CHECK_DEPENDS = (
    *CHECKABLE_FIELDS, "company_id", "dmu_member_ids", "dmu_member_ids.active",
    "dmu_member_ids.role_ids", "competitor_ids",
)


class KamDossier(models.Model):
    """The client card of a key account in one company (SPEC §2, digest §3.1.4).

    Four parts: business information, contacts and DMU, analytics (the
    account's metrics and risk), and the history of work with the client.
    """

    _name = "kam.dossier"
    _description = "Key-Account Dossier"
    _inherit = [
        "mail.thread", "mail.activity.mixin", "kam.account.owned.mixin",
        "kam.derived.fields.mixin", "kam.bounds.mixin",
    ]
    _order = "last_update desc, id desc"
    _rec_names_search = ["partner_id.name"]
    _check_company_auto = True
    # The stale flag follows the last update: a KAM must not reset it by hand.
    _kam_derived_fields = ("completeness", "last_update")

    partner_id = fields.Many2one(
        "res.partner",
        string="Key Account",
        required=True,
        index=True,
        ondelete="cascade",
        tracking=True,
        check_company=True,
        domain=kam_account_domain,
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    active = fields.Boolean(default=True)
    kam_status = fields.Selection(related="kam_account_id.kam_status")
    kam_user_id = fields.Many2one(related="kam_account_id.kam_user_id", string="Key Account Manager")
    kam_team_user_ids = fields.Many2many(related="kam_account_id.kam_team_user_ids")
    image_128 = fields.Image(related="partner_id.image_128")

    # Business information (digest §3.2)
    industry_id = fields.Many2one(related="partner_id.industry_id", readonly=False)
    company_size = fields.Selection(COMPANY_SIZES, string="Size", tracking=True)
    employee_count = fields.Integer(string="Employees")
    annual_revenue = fields.Monetary(
        string="Client's Annual Revenue", currency_field="currency_id",
        help="The client's own turnover, in our company currency.",
    )
    ownership = fields.Selection(OWNERSHIP, tracking=True)
    ownership_details = fields.Char(string="Owners / Group")
    history = fields.Html(string="History of the Company")
    goals_plans = fields.Html(string="Goals and Plans")
    needs = fields.Html(string="Needs and Problems")
    market_position = fields.Html(string="Market Position and Opportunities")
    resources = fields.Html()
    client_channels = fields.Html(
        string="Client's Channels", help="How the client itself sells: its channels and customers."
    )
    client_format = fields.Selection(CLIENT_FORMATS, string="Client's Format", tracking=True)
    purchasing_process = fields.Html()
    tender_calendar = fields.Html()
    next_tender_date = fields.Date(tracking=True)
    decision_factors = fields.Html()
    evaluation_criteria = fields.Html()
    region_notes = fields.Html(
        string="Region Passport",
        help="Economic, political and social situation of the client's region and market.",
    )

    # Contacts and DMU
    dmu_member_ids = fields.One2many("kam.dmu.member", "dossier_id", string="DMU Members")
    dmu_member_count = fields.Integer(compute="_compute_dmu_stats")
    has_decision_maker = fields.Boolean(compute="_compute_dmu_stats")
    competitor_ids = fields.One2many(
        "kam.competitor.presence", "dossier_id", string="Competitors at the Account"
    )

    # Analytics: the identification metrics of the account for this company
    metric_share = fields.Float(string="Share (%)", compute="_compute_metrics", digits=(16, 2))
    metric_margin_share = fields.Float(
        string="Margin Share (%)", compute="_compute_metrics", digits=(16, 2)
    )
    metric_margin = fields.Monetary(
        string="Margin", compute="_compute_metrics", currency_field="currency_id"
    )
    metric_invoiced_revenue = fields.Monetary(
        string="Invoiced Revenue", compute="_compute_metrics", currency_field="currency_id"
    )
    metric_ordered_revenue = fields.Monetary(
        string="Ordered Revenue", compute="_compute_metrics", currency_field="currency_id"
    )
    metric_order_count = fields.Integer(string="Orders", compute="_compute_metrics")
    metric_last_order_date = fields.Date(string="Last Order", compute="_compute_metrics")
    metric_avg_order_interval = fields.Float(
        string="Days Between Orders", compute="_compute_metrics", digits=(16, 1)
    )
    metric_pareto_rank = fields.Integer(string="Pareto Rank", compute="_compute_metrics")
    metric_dependency_level = fields.Selection(
        DEPENDENCY_LEVELS, string="Dependency", compute="_compute_metrics"
    )
    has_metrics = fields.Boolean(compute="_compute_metrics")
    risk_score = fields.Integer(compute="_compute_risk")
    risk_reasons = fields.Text(compute="_compute_risk")
    has_risk = fields.Boolean(compute="_compute_risk")

    # History
    opportunity_count = fields.Integer(compute="_compute_history_counts")
    sale_order_count = fields.Integer(compute="_compute_history_counts")
    opportunity_ids = fields.Many2many(
        "crm.lead", compute="_compute_opportunity_ids", string="Open Opportunities"
    )

    # Upkeep
    completeness = fields.Float(
        compute="_compute_completeness", store=True, digits=(16, 0), aggregator="avg",
        help="Share of the items of the dossier checklist that are filled in.",
    )
    missing_check_ids = fields.Many2many(
        "kam.dossier.check", compute="_compute_missing_check_ids", string="Missing Items"
    )
    last_update = fields.Datetime(
        default=fields.Datetime.now, readonly=True, copy=False, index=True,
        help="Latest change of the dossier, its DMU members or its competitors.",
    )
    stale_days = fields.Integer(related="company_id.kam_dossier_stale_days")
    days_since_update = fields.Integer(compute="_compute_is_stale")
    # Not stored: a stored flag needs a daily cron rewriting every dossier and is
    # wrong between runs; as a search it is a date comparison per company.
    is_stale = fields.Boolean(
        string="Stale", compute="_compute_is_stale", search="_search_is_stale",
        help="Not updated for the number of days set in the company's settings.",
    )

    _sql_constraints = [
        (
            "partner_company_unique",
            "UNIQUE(partner_id, company_id)",
            "This key account already has a dossier in this company.",
        ),
    ]

    @api.depends("partner_id")
    def _compute_display_name(self):
        for dossier in self:
            dossier.display_name = dossier.partner_id.display_name or self.env._("New Dossier")

    @api.depends("dmu_member_ids", "dmu_member_ids.is_decision_maker")
    def _compute_dmu_stats(self):
        for dossier in self:
            dossier.dmu_member_count = len(dossier.dmu_member_ids)
            dossier.has_decision_maker = any(dossier.dmu_member_ids.mapped("is_decision_maker"))

    @api.depends("partner_id", "company_id")
    def _compute_metrics(self):
        metrics = {}
        # The metric model belongs to the identification area; the dossier
        # shows its figures when it is installed and refreshed.
        if "kam.partner.metric" in self.env and self.partner_id:
            for metric in self.env["kam.partner.metric"].sudo().search([
                ("partner_id", "in", self.partner_id.ids),
                ("company_id", "in", self.company_id.ids),
            ]):
                metrics[metric.partner_id.id, metric.company_id.id] = metric
        for dossier in self:
            metric = metrics.get((dossier.partner_id.id, dossier.company_id.id))
            dossier.has_metrics = bool(metric)
            for name, empty in METRIC_FIELDS.items():
                value = metric[name] if metric and name in metric._fields else empty
                dossier[f"metric_{name}"] = value or empty

    @api.depends("partner_id", "company_id")
    def _compute_risk(self):
        healths = {}
        if "kam.account.health" in self.env and self.partner_id:
            Health = self.env["kam.account.health"].sudo()
            if {"partner_id", "company_id", "risk_score"} <= set(Health._fields):
                for health in Health.search([
                    ("partner_id", "in", self.partner_id.ids),
                    ("company_id", "in", self.company_id.ids),
                ]):
                    healths[health.partner_id.id, health.company_id.id] = health
        for dossier in self:
            health = healths.get((dossier.partner_id.id, dossier.company_id.id))
            dossier.has_risk = bool(health)
            dossier.risk_score = health.risk_score if health else 0
            reasons = health and "risk_reasons" in health._fields and health.risk_reasons
            dossier.risk_reasons = reasons or False

    @api.depends("partner_id", "company_id")
    def _compute_history_counts(self):
        domain = [
            ("partner_id", "child_of", self.partner_id.ids),
            ("company_id", "in", [*self.company_id.ids, False]),
        ]
        counts = {"crm.lead": {}, "sale.order": {}}
        for model, extra in (("crm.lead", [("type", "=", "opportunity")]), ("sale.order", [])):
            for partner, count in self.env[model]._read_group(
                domain + extra, ["partner_id"], ["__count"]
            ):
                account = partner.commercial_partner_id
                counts[model][account] = counts[model].get(account, 0) + count
        for dossier in self:
            dossier.opportunity_count = counts["crm.lead"].get(dossier.partner_id, 0)
            dossier.sale_order_count = counts["sale.order"].get(dossier.partner_id, 0)

    @api.depends("partner_id", "company_id")
    def _compute_opportunity_ids(self):
        for dossier in self:
            dossier.opportunity_ids = self.env["crm.lead"].search([
                ("partner_id", "child_of", dossier.partner_id.id),
                ("type", "=", "opportunity"),
                ("company_id", "in", [dossier.company_id.id, False]),
            ], limit=20)

    @api.depends(*CHECK_DEPENDS)
    def _compute_completeness(self):
        checks = self._kam_active_checks()
        for dossier in self:
            items = dossier._kam_check_results(checks)
            dossier.completeness = completeness(items.values())

    @api.depends(*CHECK_DEPENDS)
    def _compute_missing_check_ids(self):
        checks = self._kam_active_checks()
        for dossier in self:
            results = dossier._kam_check_results(checks)
            dossier.missing_check_ids = [check.id for check, done in results.items() if not done]

    @api.depends("last_update", "company_id.kam_dossier_stale_days")
    def _compute_is_stale(self):
        today = fields.Date.today()
        for dossier in self:
            last = dossier.last_update and dossier.last_update.date()
            dossier.is_stale = is_stale(last, today, dossier.company_id.kam_dossier_stale_days or 90)
            dossier.days_since_update = days_since(last, today)

    def _search_is_stale(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Stale dossiers can only be searched as true or false."))
        want_stale = (operator == "=") == value
        today = fields.Date.today()
        domains = []
        for company in self.env["res.company"].sudo().search([]):
            cutoff = stale_cutoff(today, company.kam_dossier_stale_days or 90)
            boundary = datetime.datetime.combine(
                cutoff + datetime.timedelta(days=1), datetime.time.min
            )
            if want_stale:
                domains.append([
                    ("company_id", "=", company.id),
                    "|", ("last_update", "=", False), ("last_update", "<", boundary),
                ])
            else:
                domains.append([("company_id", "=", company.id), ("last_update", ">=", boundary)])
        return expression.OR(domains) if domains else expression.FALSE_DOMAIN

    @api.constrains("partner_id")
    def _check_partner_is_account(self):
        for dossier in self:
            if dossier.partner_id.commercial_partner_id != dossier.partner_id:
                raise ValidationError(self.env._(
                    "A dossier is kept on the key account %(account)s, not on its contact %(contact)s.",
                    account=dossier.partner_id.commercial_partner_id.display_name,
                    contact=dossier.partner_id.display_name,
                ))

    @api.constrains("employee_count", "annual_revenue")
    def _check_figures(self):
        for dossier in self:
            if dossier.employee_count < 0 or dossier.annual_revenue < 0:
                raise ValidationError(self.env._(
                    "The employees and the annual revenue of %(account)s cannot be negative.",
                    account=dossier.partner_id.display_name,
                ))
        self._kam_check_bounds(["employee_count", "annual_revenue"])

    @api.model_create_multi
    def create(self, vals_list):
        dossiers = super().create(vals_list)
        dossiers._kam_link_items()
        return dossiers

    def write(self, vals):
        result = super().write(vals)
        # The superuser may give the date itself (data files, imports as admin).
        if set(vals) & self._kam_content_fields() and not (self.env.su and "last_update" in vals):
            self._kam_touch()
        if {"partner_id", "company_id"} & set(vals):
            self._kam_link_items()
        return result

    def action_open_relationship_map(self):
        self.ensure_one()
        return self.partner_id._kam_relationship_map_action()

    def action_view_opportunities(self):
        self.ensure_one()
        action = self.env["ir.actions.actions"]._for_xml_id("crm.crm_lead_opportunities")
        action["domain"] = [
            ("partner_id", "child_of", self.partner_id.id), ("type", "=", "opportunity"),
        ]
        action["context"] = {"default_partner_id": self.partner_id.id, "default_type": "opportunity"}
        return action

    def action_view_sale_orders(self):
        self.ensure_one()
        action = self.env["ir.actions.actions"]._for_xml_id("sale.action_orders")
        action["domain"] = [("partner_id.commercial_partner_id", "=", self.partner_id.id)]
        action["context"] = {"default_partner_id": self.partner_id.id}
        return action

    def action_view_dmu_members(self):
        self.ensure_one()
        action = self.env["ir.actions.actions"]._for_xml_id("kam_management.kam_dmu_member_action")
        action["domain"] = [
            ("partner_id", "=", self.partner_id.id), ("company_id", "=", self.company_id.id),
        ]
        action["context"] = {
            "default_partner_id": self.partner_id.id,
            "default_company_id": self.company_id.id,
        }
        return action

    def action_mark_reviewed(self):
        """The KAM checked the dossier and it is still right: it is fresh again.

        Whoever may edit the dossier may say so; the date is the code's.
        """
        self.check_access("write")
        self._kam_touch()
        for dossier in self:
            dossier.message_post(body=self.env._("Dossier reviewed: still up to date."))
        return True

    def _kam_touch(self):
        """Mark dossiers as updated now (their content or an item of theirs changed)."""
        if self:
            self.sudo().write({"last_update": fields.Datetime.now()})

    def _kam_derived_source(self):
        return self.env._(
            "the completeness follows the checklist, and the last update is the date the "
            "dossier, its DMU or its competitors changed or the dossier was marked as reviewed"
        )

    @api.model
    def _kam_content_fields(self):
        """Fields whose change is an update of the dossier's content."""
        return set(CHECKABLE_FIELDS) | {"dmu_member_ids", "competitor_ids", "partner_id"}

    @api.model
    def _kam_get_or_create(self, partner, company=None):
        """The dossier of ``partner`` (a commercial entity) in ``company``, created if missing."""
        company = company or self.env.company
        account = partner.commercial_partner_id
        dossier = self.with_context(active_test=False).search(
            [("partner_id", "=", account.id), ("company_id", "=", company.id)], limit=1
        )
        return dossier or self.create({"partner_id": account.id, "company_id": company.id})

    def _kam_link_items(self):
        """File the members and competitors entered before the dossier existed."""
        for model in ("kam.dmu.member", "kam.competitor.presence"):
            items = self.env[model].sudo().with_context(active_test=False).search([
                ("partner_id", "in", self.partner_id.ids),
                ("company_id", "in", self.company_id.ids),
            ])
            for dossier in self:
                items.filtered(
                    lambda item, dossier=dossier: item.partner_id == dossier.partner_id
                    and item.company_id == dossier.company_id
                    and item.dossier_id != dossier
                ).write({"dossier_id": dossier.id})

    @api.model
    def _kam_active_checks(self):
        return self.env["kam.dossier.check"].sudo().search([])

    def _kam_check_results(self, checks):
        """{check: filled} for the checks that apply to this dossier's company."""
        self.ensure_one()
        members = self.dmu_member_ids
        return {
            check: check._kam_is_filled(self, members)
            for check in checks
            if not check.company_id or check.company_id == self.company_id
        }

    @api.model
    def _kam_value_is_filled(self, field_name, value):
        if self._fields[field_name].type == "html":
            return not is_html_empty(value)
        return bool(value)
