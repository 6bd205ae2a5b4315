# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import api, fields, models
from odoo.tools import SQL

from ..models.kam_selections import DEPENDENCY_LEVELS, KAM_STATUS, RISK_LEVELS
from ..rules.shares import portfolio_state


class KamPortfolioReport(models.Model):
    """The KAM dashboard: one row per account and company.

    Rows are the clients with metrics in the company (the whole Pareto curve)
    and every key, candidate or former key account visible in it, with their
    metrics, plan compliance, dossier completeness and risk. Read through the
    record rules like the accounts themselves: a KAM sees their own accounts,
    the head of KAM the whole team.
    """

    _name = "kam.portfolio.report"
    _description = "Key Account Portfolio"
    _inherit = ["kam.account.member.mixin"]
    _auto = False
    _rec_name = "partner_id"
    _order = "company_id, pareto_rank, basis_amount desc, id"
    _depends = {
        "res.partner": ["company_id", "active", "commercial_partner_id"],
        "kam.account": ["partner_id", "company_id", "kam_status", "kam_user_id", "kam_is_vip"],
        "res.company": ["currency_id", "kam_dossier_stale_days"],
        "kam.partner.metric": [
            "partner_id", "company_id", "invoiced_revenue", "ordered_revenue", "margin",
            "basis_amount", "share", "margin_share", "cumulative_share", "pareto_rank",
            "dependency_level", "order_count", "last_order_date",
        ],
        "kam.dossier": ["partner_id", "company_id", "completeness", "last_update", "active"],
        "kam.account.health": [
            "partner_id", "company_id", "risk_score", "risk_level", "compliance_rate",
            "ending_warning", "decision",
        ],
        "kam.account.plan": ["partner_id", "company_id", "state", "progress"],
    }

    partner_id = fields.Many2one("res.partner", string="Account", readonly=True)
    company_id = fields.Many2one("res.company", string="Company", readonly=True)
    currency_id = fields.Many2one("res.currency", string="Currency", readonly=True)
    kam_user_id = fields.Many2one("res.users", string="Key Account Manager", readonly=True)
    kam_status = fields.Selection(KAM_STATUS, string="Key-Account Status", readonly=True)
    kam_is_vip = fields.Boolean(string="VIP", readonly=True)
    is_key = fields.Boolean(string="Key Account", readonly=True)
    invoiced_revenue = fields.Monetary(string="Invoiced Revenue", readonly=True)
    ordered_revenue = fields.Monetary(string="Ordered Revenue", readonly=True)
    margin = fields.Monetary(string="Gross Margin", readonly=True)
    basis_amount = fields.Monetary(string="Basis", readonly=True)
    share = fields.Float(string="Share (%)", readonly=True, digits=(16, 2))
    margin_share = fields.Float(string="Margin Share (%)", readonly=True, digits=(16, 2))
    cumulative_share = fields.Float(
        string="Cumulative Share (%)", readonly=True, digits=(16, 2), aggregator="max",
    )
    pareto_rank = fields.Integer(string="Pareto Rank", readonly=True, aggregator="min")
    dependency_level = fields.Selection(DEPENDENCY_LEVELS, string="Dependency", readonly=True)
    order_count = fields.Integer(string="Orders", readonly=True)
    last_order_date = fields.Date(string="Last Order", readonly=True)
    compliance_rate = fields.Float(
        string="Plan Compliance (%)", readonly=True, aggregator="avg", digits=(16, 1),
    )
    completeness = fields.Float(
        string="Dossier Completeness (%)", readonly=True, aggregator="avg", digits=(16, 0),
    )
    dossier_stale = fields.Boolean(string="Stale Dossier", readonly=True)
    risk_score = fields.Integer(string="Risk Score", readonly=True, aggregator="avg")
    risk_level = fields.Selection(RISK_LEVELS, string="Risk", readonly=True)
    ending_warning = fields.Boolean(string="Decide Quickly", readonly=True)
    decision = fields.Selection(
        [("continue", "Continue"), ("change_conditions", "Change Conditions"),
         ("terminate", "Terminate")],
        string="Decision", readonly=True,
    )
    plan_progress = fields.Float(
        string="Plan Progress (%)", readonly=True, aggregator="avg", digits=(16, 1),
    )

    @property
    def _table_query(self):
        # The shares, ranks and cumulative shares as the metrics derive them.
        Metric = self.env["kam.partner.metric"]
        return SQL(
            """
            WITH accounts AS (
                SELECT partner_id, company_id FROM kam_partner_metric
                 UNION
                SELECT partner.id, account.company_id
                  FROM kam_account account
                  JOIN res_partner partner ON partner.id = account.partner_id
                 WHERE account.kam_status IN ('key', 'candidate', 'former')
                   AND partner.active
                   AND partner.id = partner.commercial_partner_id
            )
            SELECT ROW_NUMBER() OVER (ORDER BY a.company_id, a.partner_id) AS id,
                   a.partner_id,
                   a.company_id,
                   c.currency_id,
                   ka.kam_user_id,
                   COALESCE(ka.kam_status, 'none') AS kam_status,
                   COALESCE(ka.kam_is_vip, FALSE) AS kam_is_vip,
                   COALESCE(ka.kam_status = 'key', FALSE) AS is_key,
                   COALESCE(m.invoiced_revenue, 0) AS invoiced_revenue,
                   COALESCE(m.ordered_revenue, 0) AS ordered_revenue,
                   COALESCE(m.margin, 0) AS margin,
                   COALESCE(m.basis_amount, 0) AS basis_amount,
                   COALESCE(%(share)s, 0) AS share,
                   COALESCE(%(margin_share)s, 0) AS margin_share,
                   %(cumulative_share)s AS cumulative_share,
                   pr.pareto_rank,
                   COALESCE(m.dependency_level, 'none') AS dependency_level,
                   COALESCE(m.order_count, 0) AS order_count,
                   m.last_order_date,
                   h.compliance_rate,
                   d.completeness,
                   COALESCE(
                       d.last_update < (NOW() AT TIME ZONE 'UTC')
                           - make_interval(days => c.kam_dossier_stale_days),
                       FALSE
                   ) AS dossier_stale,
                   COALESCE(h.risk_score, 0) AS risk_score,
                   h.risk_level,
                   COALESCE(h.ending_warning, FALSE) AS ending_warning,
                   h.decision,
                   plan.progress AS plan_progress
              FROM accounts a
              JOIN res_partner p ON p.id = a.partner_id
              JOIN res_company c ON c.id = a.company_id
         LEFT JOIN kam_account ka
                ON ka.partner_id = a.partner_id AND ka.company_id = a.company_id
         LEFT JOIN kam_partner_metric m
                ON m.partner_id = a.partner_id AND m.company_id = a.company_id
         LEFT JOIN %(totals)s t ON t.company_id = m.company_id
         LEFT JOIN %(ranking)s pr ON pr.id = m.id
         LEFT JOIN kam_dossier d
                ON d.partner_id = a.partner_id AND d.company_id = a.company_id AND d.active
         LEFT JOIN kam_account_health h
                ON h.partner_id = a.partner_id AND h.company_id = a.company_id
         LEFT JOIN LATERAL (
                   SELECT pl.progress
                     FROM kam_account_plan pl
                    WHERE pl.partner_id = a.partner_id
                      AND pl.company_id = a.company_id
                      AND pl.state = 'active'
                 ORDER BY pl.date_to DESC, pl.id DESC
                    LIMIT 1
                   ) plan ON TRUE
            """,
            share=Metric._share_sql(SQL("m.basis_amount"), SQL("t.total_basis")),
            margin_share=Metric._share_sql(SQL("m.margin"), SQL("t.total_margin")),
            cumulative_share=Metric._share_sql(
                SQL("pr.running_basis"), SQL("t.total_basis"), SQL("m.basis_amount")
            ),
            totals=Metric._totals_sql(),
            ranking=Metric._ranking_sql(),
        )

    def action_open_partner(self):
        self.ensure_one()
        return self.partner_id._kam_form_action()

    def action_export_portfolio(self):
        """The portfolio workbook of the selected rows, or of all when none is."""
        action = self.env["kam.export.wizard"]._action_open("portfolio", self.partner_id)
        if self and not all(self.mapped("is_key")):
            action["context"]["default_key_only"] = False
        return action


class KamPortfolioSummary(models.Model):
    """The key accounts' total share per company against the normal band.

    Normal 30–55 % of sales, over 75 % mono-dependence (digest §10 rule 4);
    with the Pareto concentration (share of the top 20 % of clients, rule 5)
    and the KAM load (rule 6).
    """

    _name = "kam.portfolio.summary"
    _description = "Key Account Portfolio Summary"
    _auto = False
    _rec_name = "company_id"
    _order = "company_id"
    _depends = {
        "res.company": [
            "kam_portfolio_band_low", "kam_portfolio_band_high", "kam_portfolio_mono_share",
            "kam_max_accounts_per_kam", "currency_id",
        ],
    }

    company_id = fields.Many2one("res.company", string="Company", readonly=True)
    currency_id = fields.Many2one("res.currency", string="Currency", readonly=True)
    key_count = fields.Integer(string="Key Accounts", readonly=True)
    client_count = fields.Integer(string="Clients With Sales", readonly=True)
    key_share = fields.Float(string="Key Accounts' Share (%)", readonly=True, digits=(16, 1))
    key_basis_amount = fields.Monetary(string="Key Accounts' Basis", readonly=True)
    total_basis_amount = fields.Monetary(string="Company Basis", readonly=True)
    top20_share = fields.Float(
        string="Top 20 % Clients' Share (%)", readonly=True, digits=(16, 1),
        help="Share of the basis brought by the first fifth of the clients by Pareto rank; "
        "the sources expect about 80 %.",
    )
    band_low = fields.Float(string="Band From (%)", readonly=True)
    band_high = fields.Float(string="Band To (%)", readonly=True)
    mono_share = fields.Float(string="Mono-Dependence (%)", readonly=True)
    kam_count = fields.Integer(string="KAMs", readonly=True)
    max_accounts_per_kam = fields.Integer(string="Max Accounts per KAM", readonly=True)
    overloaded_kam_count = fields.Integer(string="Overloaded KAMs", readonly=True)
    band_status = fields.Selection(
        [("below", "Below the Band"), ("normal", "Normal"), ("above", "Above the Band"),
         ("mono", "Mono-Dependence")],
        string="Status", compute="_compute_band_status",
    )

    @property
    def _table_query(self):
        report = self.env["kam.portfolio.report"].sudo()
        return SQL(
            """
            WITH portfolio AS %(report)s,
            per_company AS (
                SELECT company_id,
                       COUNT(*) FILTER (WHERE is_key) AS key_count,
                       COUNT(*) FILTER (WHERE basis_amount > 0) AS client_count,
                       SUM(share) FILTER (WHERE is_key) AS key_share,
                       SUM(basis_amount) FILTER (WHERE is_key) AS key_basis_amount,
                       SUM(basis_amount) FILTER (WHERE basis_amount > 0) AS total_basis_amount
                  FROM portfolio
              GROUP BY company_id
            ),
            top_fifth AS (
                SELECT r.company_id, SUM(r.share) AS top20_share
                  FROM portfolio r
                  JOIN per_company pc ON pc.company_id = r.company_id
                 WHERE r.pareto_rank <= CEIL(0.2 * pc.client_count)
              GROUP BY r.company_id
            ),
            kam_load AS (
                SELECT company_id, kam_user_id, COUNT(*) AS accounts
                  FROM portfolio
                 WHERE is_key AND kam_user_id IS NOT NULL
              GROUP BY company_id, kam_user_id
            )
            SELECT c.id AS id,
                   c.id AS company_id,
                   c.currency_id,
                   COALESCE(pc.key_count, 0) AS key_count,
                   COALESCE(pc.client_count, 0) AS client_count,
                   COALESCE(pc.key_share, 0) AS key_share,
                   COALESCE(pc.key_basis_amount, 0) AS key_basis_amount,
                   COALESCE(pc.total_basis_amount, 0) AS total_basis_amount,
                   COALESCE(tf.top20_share, 0) AS top20_share,
                   c.kam_portfolio_band_low AS band_low,
                   c.kam_portfolio_band_high AS band_high,
                   c.kam_portfolio_mono_share AS mono_share,
                   COALESCE(kl.kam_count, 0) AS kam_count,
                   c.kam_max_accounts_per_kam AS max_accounts_per_kam,
                   COALESCE(kl.overloaded_kam_count, 0) AS overloaded_kam_count
              FROM res_company c
         LEFT JOIN per_company pc ON pc.company_id = c.id
         LEFT JOIN top_fifth tf ON tf.company_id = c.id
         LEFT JOIN (
                   SELECT kam_load.company_id,
                          COUNT(*) AS kam_count,
                          COUNT(*) FILTER (
                              WHERE kam_load.accounts > company.kam_max_accounts_per_kam
                          ) AS overloaded_kam_count
                     FROM kam_load
                     JOIN res_company company ON company.id = kam_load.company_id
                 GROUP BY kam_load.company_id
                   ) kl ON kl.company_id = c.id
            """,
            report=report._table_sql,  # the report query, flushing its dependencies
        )

    @api.depends("key_share", "band_low", "band_high", "mono_share")
    def _compute_band_status(self):
        for summary in self:
            summary.band_status = portfolio_state(
                summary.key_share, summary.band_low, summary.band_high, summary.mono_share,
            )

    def action_open_key_accounts(self):
        return self._kam_open("kam_management.kam_portfolio_report_action")

    def action_open_pareto(self):
        return self._kam_open("kam_management.kam_portfolio_pareto_action")

    def action_open_load(self):
        return self._kam_open("kam_management.kam_portfolio_load_action")

    def _kam_open(self, xmlid):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(xmlid)
        action["domain"] = [("company_id", "=", self.company_id.id)]
        return action
