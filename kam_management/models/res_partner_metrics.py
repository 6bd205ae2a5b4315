# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.osv import expression

from .kam_selections import DEPENDENCY_LEVELS
from .res_partner_identity import KAM_USER_GROUP


class ResPartner(models.Model):
    """The identification metrics of a client in the current company.

    Shown from its ``kam.partner.metric`` row (share, margin, revenue, orders,
    Pareto rank, dependency level): one query for a whole page of partners.
    The dependency badge is for every internal user; the figures for the KAM
    groups only."""

    _inherit = "res.partner"

    # Identification metrics of the current company (kam.partner.metric).
    # The dependency badge is for every internal user; the figures are for
    # the KAM groups only (and, through the record rules of the metrics, a KAM
    # user sees the figures of their own accounts).
    kam_metric_ids = fields.One2many(
        "kam.partner.metric", "partner_id", string="Key-Account Metrics",
        groups=KAM_USER_GROUP,
    )
    kam_dependency_level = fields.Selection(
        DEPENDENCY_LEVELS,
        string="Dependency",
        compute="_compute_kam_dependency_level",
        search="_search_kam_dependency_level",
        help="How much the current company depends on this client: key (share at or "
        "above the key-account share), critical (above the critical share), "
        "mono-client (above the mono-client share).",
    )
    kam_currency_id = fields.Many2one(
        "res.currency", string="KAM Currency", compute="_compute_kam_currency_id"
    )
    kam_metric_id = fields.Many2one(
        "kam.partner.metric", string="Metrics", compute="_compute_kam_metrics",
        groups=KAM_USER_GROUP,
    )
    kam_share = fields.Float(
        string="Share (%)", compute="_compute_kam_metrics", digits=(16, 2),
        groups=KAM_USER_GROUP,
    )
    kam_margin_share = fields.Float(
        string="Margin Share (%)", compute="_compute_kam_metrics", digits=(16, 2),
        groups=KAM_USER_GROUP,
    )
    kam_invoiced_revenue = fields.Monetary(
        string="Invoiced Revenue", compute="_compute_kam_metrics",
        currency_field="kam_currency_id", groups=KAM_USER_GROUP,
    )
    kam_ordered_revenue = fields.Monetary(
        string="Ordered Revenue", compute="_compute_kam_metrics",
        currency_field="kam_currency_id", groups=KAM_USER_GROUP,
    )
    kam_margin = fields.Monetary(
        string="Gross Margin", compute="_compute_kam_metrics",
        currency_field="kam_currency_id", groups=KAM_USER_GROUP,
    )
    kam_order_count = fields.Integer(
        string="Orders in Window", compute="_compute_kam_metrics", groups=KAM_USER_GROUP
    )
    kam_last_order_date = fields.Date(
        string="Last Order", compute="_compute_kam_metrics", groups=KAM_USER_GROUP
    )
    # Its own compute: the rank is derived from all the clients of the company,
    # read only where it is shown.
    kam_pareto_rank = fields.Integer(
        string="Pareto Rank", compute="_compute_kam_pareto_rank", groups=KAM_USER_GROUP
    )

    @api.depends_context("company")
    def _compute_kam_currency_id(self):
        self.kam_currency_id = self.env.company.currency_id

    @api.depends_context("company")
    @api.depends("commercial_partner_id")
    def _compute_kam_dependency_level(self):
        """The badge every internal user sees: read as superuser, one query."""
        metrics = self._kam_current_metrics(["dependency_level"], sudo=True)
        for partner in self:
            metric = metrics.get(partner.commercial_partner_id.id)
            partner.kam_dependency_level = metric.dependency_level if metric else "none"

    def _search_kam_dependency_level(self, operator, value):
        if operator in ("=", "!="):
            levels = {value}
        elif operator in ("in", "not in"):
            levels = set(value)
        else:
            raise UserError(self.env._("Operation not supported on the dependency level."))
        wanted = sorted(level for level in levels if level and level != "none")
        domain = [("id", "in", self._kam_dependency_subquery(wanted))]
        if "none" in levels or False in levels:
            others = [code for code, _label in DEPENDENCY_LEVELS if code != "none"]
            domain = expression.OR(
                [domain, [("id", "not in", self._kam_dependency_subquery(others))]]
            )
        if operator in ("!=", "not in"):
            domain = ["!", *expression.normalize_domain(domain)]
        return domain

    @api.depends_context("company", "uid")
    @api.depends("commercial_partner_id")
    def _compute_kam_metrics(self):
        """Figures of the current company, read with the user's rights, one query."""
        metrics = self._kam_current_metrics([
            "share", "margin_share", "invoiced_revenue", "ordered_revenue", "margin",
            "order_count", "last_order_date",
        ])
        empty = self.env["kam.partner.metric"]
        for partner in self:
            metric = metrics.get(partner.commercial_partner_id.id, empty)
            partner.kam_metric_id = metric
            partner.kam_share = metric.share
            partner.kam_margin_share = metric.margin_share
            partner.kam_invoiced_revenue = metric.invoiced_revenue
            partner.kam_ordered_revenue = metric.ordered_revenue
            partner.kam_margin = metric.margin
            partner.kam_order_count = metric.order_count
            partner.kam_last_order_date = metric.last_order_date

    @api.depends_context("company", "uid")
    @api.depends("commercial_partner_id")
    def _compute_kam_pareto_rank(self):
        # The rows of the page's metrics: their ranks in one query.
        for partner in self:
            partner.kam_pareto_rank = partner.kam_metric_id.pareto_rank

    def action_kam_recompute_metrics(self):
        """Server action: refresh the metrics of the selected partners in the
        companies the user works in, then their candidates and alerts."""
        if not self.env.user.has_group(KAM_USER_GROUP):
            raise AccessError(self.env._("Only key account managers can recompute the metrics."))
        partners = self.commercial_partner_id
        self.env["kam.identification"].sudo()._recompute(companies=self.env.companies, partners=partners)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self.env._(
                    "Key-account metrics recomputed for %(count)s partner(s).",
                    count=len(partners),
                ),
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def action_kam_open_metrics(self):
        # The metrics are computed, not entered: no default account for a new row.
        return self._kam_account_action("kam_management.kam_partner_metric_action", defaults=False)
