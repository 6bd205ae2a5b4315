from odoo import api, fields, models
from odoo.tools import SQL, create_index

from ..rules.shares import dependency_bands, window_bounds

DEPENDENCY_LEVELS = [
    ("none", "None"),
    ("key", "Key"),
    ("critical", "Critical"),
    ("mono", "Mono-Client"),
]

# Columns written by the recompute statement, in the order of its SELECT list.
_METRIC_COLUMNS = (
    "invoiced_revenue", "ordered_revenue", "margin", "basis_amount",
    "order_count", "first_order_date", "last_order_date",
    "avg_order_interval", "share", "margin_share", "revenue_share",
    "pareto_rank", "cumulative_share", "dependency_level", "is_candidate", "order_block",
)

# The comparison operators the rules module may use in its dependency bands.
_OPERATORS = {">": SQL(">"), ">=": SQL(">=")}

# Where the basis of the share comes from in the aggregate (company setting).
_BASIS_COLUMNS = {"margin": "margin", "invoiced": "invoiced", "ordered": "ordered"}


class KamPartnerMetric(models.Model):
    """What one commercial partner brings one company over the trailing window.

    Rows are never edited by hand: ``_refresh_company`` rewrites them with one
    set-based SQL statement per company, which is what keeps the daily
    recompute within a small factor of a plain aggregate at 100 000 partners.
    """

    _name = "kam.partner.metric"
    _description = "Key-Account Metrics"
    _inherit = ["kam.account.member.mixin"]
    _order = "company_id, pareto_rank, id"
    _rec_name = "partner_id"

    partner_id = fields.Many2one(
        "res.partner", string="Partner", required=True, readonly=True,
        index=True, ondelete="cascade",
    )
    company_id = fields.Many2one(
        "res.company", string="Company", required=True, readonly=True,
        index=True, ondelete="cascade",
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    kam_status = fields.Selection(related="kam_account_id.kam_status")
    kam_user_id = fields.Many2one(related="kam_account_id.kam_user_id")

    invoiced_revenue = fields.Monetary(
        readonly=True,
        help="Untaxed amount of the posted customer invoices net of refunds, by accounting "
        "date over the window.",
    )
    ordered_revenue = fields.Monetary(
        readonly=True, help="Untaxed amount of the confirmed sale orders of the window."
    )
    margin = fields.Monetary(
        string="Gross Margin", readonly=True,
        help="Margin of the confirmed sale orders of the window.",
    )
    basis_amount = fields.Monetary(
        string="Basis", readonly=True,
        help="The amount the share is measured on (the company's basis of share).",
    )
    order_count = fields.Integer(
        string="Orders", readonly=True,
        help="Confirmed orders of the window; they place the client in the working or "
        "regular block.",
    )
    first_order_date = fields.Date(string="First Order", readonly=True)
    last_order_date = fields.Date(string="Last Order", readonly=True)
    avg_order_interval = fields.Float(
        string="Days Between Orders", readonly=True, aggregator="avg"
    )
    # Ratios are float8 columns (no digits): computed once in SQL, compared
    # exactly at the next recompute, displayed with two decimals.
    share = fields.Float(
        string="Share (%)", readonly=True,
        help="Share of the company's basis over the window.",
    )
    margin_share = fields.Float(string="Margin Share (%)", readonly=True)
    revenue_share = fields.Float(string="Revenue Share (%)", readonly=True)
    pareto_rank = fields.Integer(readonly=True, aggregator="min")
    cumulative_share = fields.Float(
        string="Cumulative Share (%)", readonly=True, aggregator="max",
        help="Share of the basis brought by this client and all clients ranked before it.",
    )
    dependency_level = fields.Selection(
        DEPENDENCY_LEVELS, readonly=True, default="none", required=True, index=True
    )
    is_candidate = fields.Boolean(
        string="Meets the Key-Account Rules", readonly=True,
        help="Share at or above the key-account share, or yearly basis above the "
        "absolute threshold when enabled.",
    )
    order_block = fields.Selection(
        [("working", "Working"), ("regular", "Regular")],
        string="Block Earned by Orders", readonly=True,
        help="The client-base block the orders of the window earn with the company's "
        "working and regular order counts.",
    )

    _sql_constraints = [
        (
            "partner_company_uniq",
            "unique(partner_id, company_id)",
            "A partner has one row of key-account metrics per company.",
        ),
    ]

    def init(self):
        # Candidates are a handful of rows among all the clients: the daily
        # candidate update reads them through this partial index.
        create_index(
            self.env.cr, "kam_partner_metric_candidate_idx", self._table, ["partner_id"],
            where="is_candidate",
        )

    @api.model
    def _refresh_company(self, company, partner_ids=None, today=None):
        """Rewrite the metrics of ``company`` in one statement.

        Totals, shares and ranks are always computed over all the company's
        clients; ``partner_ids`` (commercial partners) only limits the rows
        written. Rows of clients without any activity left are deleted.
        Returns the ids of the partners whose row was written.
        """
        today = today or fields.Date.context_today(self)
        date_from, date_to = window_bounds(today, company.kam_window_months)
        self.env.flush_all()
        cr = self.env.cr
        # For this statement only: no JIT (the planner cannot estimate the join
        # of two aggregates, overestimates it by far and compiles for longer
        # than the statement runs), and enough memory to aggregate a million
        # invoice lines without spilling to disk.
        [(jit, work_mem)] = self.env.execute_query(
            SQL("SELECT current_setting('jit'), current_setting('work_mem')")
        )
        cr.execute(SQL("SET LOCAL jit = off; SET LOCAL work_mem = '64MB'"))
        changed = [partner_id for (partner_id,) in self.env.execute_query(
            self._refresh_query(company, date_from, date_to, partner_ids)
        )]
        cr.execute(SQL(
            "SELECT set_config('jit', %s, true), set_config('work_mem', %s, true)", jit, work_mem
        ))
        self.env.invalidate_all()
        return changed

    @api.model
    def _refresh_query(self, company, date_from, date_to, partner_ids=None):
        """The statement: aggregates of posted invoice lines and of confirmed
        orders by commercial partner (one pass over each table), totals, Pareto
        ranks and shares with window functions, then only the rows that changed
        are written (their partners are returned) and the rows of partners
        without activity deleted."""
        start = fields.Datetime.to_datetime(date_from)
        end = fields.Datetime.to_datetime(fields.Date.add(date_to, days=1))
        basis = SQL.identifier(_BASIS_COLUMNS[company.kam_share_basis])
        dependency = SQL(
            "CASE %s ELSE 'none' END",
            SQL(" ").join(
                SQL("WHEN share > 0 AND share %s %s THEN %s", _OPERATORS[operator], threshold, level)
                for level, operator, threshold in dependency_bands(
                    company.kam_key_share, company.kam_critical_share, company.kam_mono_share
                )
            ),
        )
        candidate = SQL(
            "(basis > 0 AND (share >= %s OR (%s AND basis * 12.0 / %s >= %s)))",
            company.kam_key_share,
            company.kam_absolute_threshold_enabled,
            company.kam_window_months,
            company.kam_absolute_threshold or 0.0,
        )
        scope = SQL("TRUE")
        metric_scope = SQL("TRUE")
        if partner_ids is not None:
            scope = SQL("c.partner_id = ANY(%s)", list(partner_ids))
            metric_scope = SQL("m.metric_partner_id = ANY(%s)", list(partner_ids))
        columns = SQL(", ").join(SQL.identifier(name) for name in _METRIC_COLUMNS)
        new_values = SQL(", ").join(SQL.identifier("c", name) for name in _METRIC_COLUMNS)
        old_values = SQL(", ").join(SQL.identifier("m", name) for name in _METRIC_COLUMNS)
        updates = SQL(", ").join(
            SQL("%s = EXCLUDED.%s", SQL.identifier(name), SQL.identifier(name))
            for name in _METRIC_COLUMNS
        )
        return SQL(
            """
            WITH inv AS (
                -- Odoo stores each invoice's untaxed amount in company currency,
                -- signed (refunds negative): one row per invoice, not per line.
                SELECT am.commercial_partner_id AS partner_id,
                       SUM(am.amount_untaxed_signed) AS invoiced
                  FROM account_move am
                 WHERE am.company_id = %(company)s
                   AND am.state = 'posted'
                   AND am.move_type IN ('out_invoice', 'out_refund')
                   AND am.date BETWEEN %(date_from)s AND %(date_to)s
                   AND am.commercial_partner_id IS NOT NULL
                 GROUP BY am.commercial_partner_id
            ), ord AS (
                SELECT p.commercial_partner_id AS partner_id,
                       -- order currency to company currency (most orders: rate 1)
                       SUM(CASE WHEN so.currency_rate IN (0, 1) OR so.currency_rate IS NULL
                                THEN so.amount_untaxed
                                ELSE so.amount_untaxed / so.currency_rate::numeric END) AS ordered,
                       SUM(CASE WHEN so.currency_rate IN (0, 1) OR so.currency_rate IS NULL
                                THEN so.margin
                                ELSE so.margin / so.currency_rate::numeric END) AS margin,
                       COUNT(*) AS order_count,
                       MIN(so.date_order) AS first_order,
                       MAX(so.date_order) AS last_order
                  FROM sale_order so
                  JOIN res_partner p ON p.id = so.partner_id
                 WHERE so.company_id = %(company)s
                   AND so.state = 'sale'
                   AND so.date_order >= %(start)s
                   AND so.date_order < %(end)s
                 GROUP BY p.commercial_partner_id
            ), agg AS (
                SELECT COALESCE(inv.partner_id, ord.partner_id) AS partner_id,
                       COALESCE(inv.invoiced, 0) AS invoiced,
                       COALESCE(ord.ordered, 0) AS ordered,
                       COALESCE(ord.margin, 0) AS margin,
                       COALESCE(ord.order_count, 0)::int AS order_count,
                       ord.first_order::date AS first_order_date,
                       ord.last_order::date AS last_order_date
                  FROM inv
                  FULL OUTER JOIN ord ON ord.partner_id = inv.partner_id
            ), totals AS (
                SELECT SUM(%(basis)s) AS total_basis,
                       SUM(margin) AS total_margin,
                       SUM(invoiced) AS total_invoiced
                  FROM agg
            ), ranked AS (
                SELECT agg.*,
                       agg.%(basis)s AS basis,
                       ROW_NUMBER() OVER w AS pareto_rank,
                       SUM(agg.%(basis)s) OVER (w ROWS UNBOUNDED PRECEDING) AS running_basis
                  FROM agg
                WINDOW w AS (ORDER BY agg.%(basis)s DESC, agg.partner_id)
            ), shared AS (
                -- float8 as the columns are: an unchanged row compares equal
                SELECT r.*,
                       CASE WHEN t.total_basis > 0
                            THEN 100 * r.basis::float8 / t.total_basis::float8 ELSE 0 END AS share,
                       CASE WHEN t.total_margin > 0
                            THEN 100 * r.margin::float8 / t.total_margin::float8 ELSE 0 END AS margin_share,
                       CASE WHEN t.total_invoiced > 0
                            THEN 100 * r.invoiced::float8 / t.total_invoiced::float8
                            ELSE 0 END AS revenue_share,
                       CASE WHEN t.total_basis > 0
                            THEN 100 * r.running_basis::float8 / t.total_basis::float8
                            ELSE 0 END AS cumulative_share,
                       CASE WHEN r.order_count > 1
                            THEN (r.last_order_date - r.first_order_date)::float8 / (r.order_count - 1)
                            ELSE 0 END AS avg_order_interval
                  FROM ranked r
                 CROSS JOIN totals t
            ), computed AS (
                SELECT partner_id,
                       invoiced AS invoiced_revenue, ordered AS ordered_revenue, margin,
                       basis AS basis_amount, order_count,
                       first_order_date, last_order_date, avg_order_interval, share,
                       margin_share, revenue_share, pareto_rank::int AS pareto_rank,
                       cumulative_share, (%(dependency)s)::varchar AS dependency_level,
                       %(candidate)s AS is_candidate,
                       (CASE WHEN order_count >= %(regular_orders)s THEN 'regular'
                             WHEN order_count >= %(working_orders)s THEN 'working'
                        END)::varchar AS order_block
                  FROM shared
            ), diff AS (
                -- computed rows against the stored ones, in one join: new, changed,
                -- unchanged (left alone: no row lock, no bloat) and gone rows
                SELECT c.*, m.id AS metric_id, m.partner_id AS metric_partner_id,
                       (m.id IS NULL OR (%(old_values)s) IS DISTINCT FROM (%(new_values)s))
                           AS is_changed
                  FROM computed c
                  FULL JOIN (SELECT * FROM kam_partner_metric WHERE company_id = %(company)s) m
                    ON m.partner_id = c.partner_id
            ), upsert AS (
                INSERT INTO kam_partner_metric (
                       partner_id, company_id, create_uid, create_date, write_uid, write_date,
                       %(columns)s)
                SELECT c.partner_id, %(company)s, %(uid)s, NOW() AT TIME ZONE 'UTC',
                       %(uid)s, NOW() AT TIME ZONE 'UTC', %(new_values)s
                  FROM diff c
                 WHERE c.partner_id IS NOT NULL AND c.is_changed AND %(scope)s
                ON CONFLICT (partner_id, company_id) DO UPDATE
                   SET %(updates)s,
                       write_uid = EXCLUDED.write_uid,
                       write_date = EXCLUDED.write_date
                RETURNING partner_id
            ), gone AS (
                DELETE FROM kam_partner_metric
                 WHERE id IN (SELECT metric_id FROM diff m
                               WHERE m.partner_id IS NULL AND %(metric_scope)s)
            )
            SELECT partner_id FROM upsert
            """,
            company=company.id,
            working_orders=company.kam_working_orders,
            regular_orders=company.kam_regular_orders,
            date_from=date_from,
            date_to=date_to,
            start=start,
            end=end,
            basis=basis,
            columns=columns,
            uid=self.env.uid,
            dependency=dependency,
            candidate=candidate,
            scope=scope,
            metric_scope=metric_scope,
            updates=updates,
            old_values=old_values,
            new_values=new_values,
        )
