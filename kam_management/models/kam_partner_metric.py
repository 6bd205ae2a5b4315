# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from contextlib import contextmanager

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, create_index
from odoo.tools.query import Query
from odoo.tools.sql import column_exists, drop_index

from ..rules.shares import counts_in_shares, dependency_bands, window_bounds
from .kam_selections import DEPENDENCY_LEVELS

# Columns written by the recompute statement, in the order of its SELECT list:
# what the client's own orders and invoices make, and the levels its share
# reaches. They move when the client's own figures move, not every day.
_METRIC_COLUMNS = (
    "invoiced_revenue", "ordered_revenue", "margin", "basis_amount",
    "order_count", "first_order_date", "last_order_date",
    "avg_order_interval", "dependency_level", "is_candidate", "order_block",
)

# The same columns in the order the recompute compares a stored row with its
# new values: the cheap ones before the numeric amounts.
_COMPARED_COLUMNS = (
    "dependency_level", "is_candidate", "order_block", "order_count", "last_order_date",
    "first_order_date", "avg_order_interval", "margin", "basis_amount", "ordered_revenue",
    "invoiced_revenue",
)

# Derived when read (``_field_to_sql``): each moves with the company's totals
# or with every other client, so storing them would rewrite every row every
# day. {field: (the amount it is a share of, the company total it is a share of)}
_SHARE_FIELDS = {
    "share": ("basis_amount", "total_basis"),
    "margin_share": ("margin", "total_margin"),
    "revenue_share": ("invoiced_revenue", "total_invoiced"),
}
_PARETO_FIELDS = ("pareto_rank", "cumulative_share")

# Columns of the dropped stored versions of the derived fields.
_DERIVED_COLUMNS = (*_SHARE_FIELDS, *_PARETO_FIELDS)

# The comparison operators the rules module may use in its dependency bands.
_OPERATORS = {">": SQL(">"), ">=": SQL(">=")}

# Where the basis of the share comes from in the aggregate (company setting).
_BASIS_COLUMNS = {"margin": "margin", "invoiced": "invoiced", "ordered": "ordered"}

# A normal day rewrites about one row in a hundred: pages are kept nearly
# full (the readers scan the company's rows to derive the shares and ranks),
# with some room for the new version of a row on its page (a HOT update).
_FILLFACTOR = 90


class KamPartnerMetric(models.Model):
    """What one commercial partner brings one company over the trailing window.

    Rows are never edited by hand: ``_refresh_company`` rewrites them with
    set-based SQL per company, which is what keeps the daily recompute within
    a small factor of a plain aggregate at 100 000 partners. A row holds what
    the client's own orders and invoices make; its shares, rank and cumulative
    share are derived from all the rows of its company when they are read,
    searched, grouped or sorted (``_field_to_sql``): the window moves every
    day, the totals with it, and the rows of the clients whose own figures
    did not move are not rewritten.
    """

    _name = "kam.partner.metric"
    _description = "Key-Account Metrics"
    _inherit = ["kam.account.member.mixin"]
    _order = "company_id, pareto_rank, id"
    _rec_name = "partner_id"
    # Written only by the recompute, as the cron's user: who and when would be
    # the same on every row. Without these columns the first recompute inserts
    # without checking two more foreign keys per row, and the daily rewrite
    # writes narrower rows.
    _log_access = False

    # Indexed by the unique (partner_id, company_id) constraint: no index of its own.
    partner_id = fields.Many2one(
        "res.partner", string="Partner", required=True, readonly=True, ondelete="cascade",
    )
    # Not indexed: a company holds most of the rows (a scan reads them as fast),
    # and the first run of a database would maintain the index for every row.
    company_id = fields.Many2one(
        "res.company", string="Company", required=True, readonly=True, ondelete="cascade",
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
    # Derived from the rows of the company when read (see ``_field_to_sql``).
    share = fields.Float(
        string="Share (%)", compute="_compute_shares", search="_search_share",
        help="Share of the company's basis over the window.",
    )
    margin_share = fields.Float(
        string="Margin Share (%)", compute="_compute_shares", search="_search_margin_share",
    )
    revenue_share = fields.Float(
        string="Revenue Share (%)", compute="_compute_shares", search="_search_revenue_share",
    )
    pareto_rank = fields.Integer(
        compute="_compute_pareto", search="_search_pareto_rank", aggregator="min",
        help="Rank of the client by its basis in the company (1: the largest).",
    )
    cumulative_share = fields.Float(
        string="Cumulative Share (%)", compute="_compute_pareto", search="_search_cumulative_share",
        aggregator="max",
        help="Share of the basis brought by this client and all clients ranked before it.",
    )
    # Indexed for the few rows that are not 'none' (see ``init``).
    dependency_level = fields.Selection(
        DEPENDENCY_LEVELS, readonly=True, default="none", required=True
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
    negative_basis = fields.Boolean(
        string="Negative Basis", compute="_compute_negative_basis",
        search="_search_negative_basis",
        help="The client's basis (the gross margin by default) is negative over the "
        "window: a loss-making client is shown apart, outside the shares and the Pareto "
        "curve, so that the shares of the others add up to 100 %.",
    )

    _sql_constraints = [
        (
            "partner_company_uniq",
            "unique(partner_id, company_id)",
            "A partner has one row of key-account metrics per company.",
        ),
    ]

    def init(self):
        cr = self.env.cr
        [(options,)] = self.env.execute_query(SQL(
            "SELECT reloptions FROM pg_class WHERE oid = %s::regclass", self._table
        ))
        if f"fillfactor={_FILLFACTOR}" not in (options or ()):
            cr.execute(SQL(
                "ALTER TABLE %s SET (fillfactor = %s)", SQL.identifier(self._table), _FILLFACTOR
            ))
        # Databases installed when the rows had a create/write user and date
        # keep these columns (Odoo never drops its magic columns): their
        # foreign keys would still be checked on every row the first run inserts.
        # So do databases installed when the shares, ranks and cumulative
        # shares were stored: their rows would stay wider than needed.
        stale = [name for name in ("create_uid", "write_uid", "create_date", "write_date",
                                   *_DERIVED_COLUMNS)
                 if column_exists(cr, self._table, name)]
        if stale:
            cr.execute(SQL("ALTER TABLE %s %s", SQL.identifier(self._table), SQL(", ").join(
                SQL("DROP COLUMN %s", SQL.identifier(name)) for name in stale
            )))
        # The unique (partner_id, company_id) index serves the partner's
        # lookups; an index of every level would be maintained for nothing.
        drop_index(cr, "kam_partner_metric__partner_id_index", self._table)
        drop_index(cr, "kam_partner_metric__dependency_level_index", self._table)
        drop_index(cr, "kam_partner_metric__company_id_index", self._table)
        # Candidates are a handful of rows among all the clients: the daily
        # candidate update reads them through this partial index.
        create_index(
            cr, "kam_partner_metric_candidate_idx", self._table, ["partner_id"],
            where="is_candidate",
        )
        # So are the dependent clients (badge filters, alerts).
        create_index(
            cr, "kam_partner_metric_dependency_idx", self._table,
            ["company_id", "dependency_level"], where="dependency_level != 'none'",
        )

    @api.depends("basis_amount")
    def _compute_negative_basis(self):
        for metric in self:
            metric.negative_basis = not counts_in_shares(metric.basis_amount)

    def _search_negative_basis(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Operation not supported on the negative basis."))
        negative = (operator == "=") == value
        return [("basis_amount", "<" if negative else ">=", 0)]

    @api.depends("basis_amount", "margin", "invoiced_revenue", "company_id")
    def _compute_shares(self):
        """The shares of these rows in one query, with the SQL of searches and
        groups (``_field_to_sql``). They depend on the other rows of the company
        too: the recompute, which writes them, invalidates the whole model."""
        fnames = list(_SHARE_FIELDS)
        ids = [metric_id for metric_id in self._origin.ids if metric_id]
        values = {}
        if ids:
            query = Query(self.env, self._table, self._table_sql)
            query.add_where(SQL("%s = ANY(%s)", SQL.identifier(self._table, "id"), ids))
            values = {row[0]: row[1:] for row in self.env.execute_query(query.select(
                SQL.identifier(self._table, "id"),
                *(self._field_to_sql(self._table, fname, query) for fname in fnames),
            ))}
        for metric in self:
            row = values.get(metric._origin.id) or (None,) * len(fnames)
            for fname, value in zip(fnames, row, strict=True):
                metric[fname] = value or 0

    @api.depends("basis_amount", "partner_id", "company_id")
    def _compute_pareto(self):
        """The ranks of these rows from the top of their companies' curves down
        to the last of them only, in one query. (An index of the curve would
        spare the sort, but every row the first run inserts would maintain it.)"""
        ids = [metric_id for metric_id in self._origin.ids if metric_id]
        values = {}
        if ids:
            values = {row[0]: row[1:] for row in self.env.execute_query(SQL(
                """
                WITH wanted AS (
                    SELECT id, company_id, partner_id, basis_amount
                      FROM kam_partner_metric%(flushed)s
                     WHERE id = ANY(%(ids)s)
                ), last_wanted AS (
                    SELECT DISTINCT ON (company_id) company_id, basis_amount, partner_id
                      FROM wanted
                     WHERE basis_amount >= 0
                  ORDER BY company_id, basis_amount, partner_id DESC
                )
                SELECT w.id, r.pareto_rank, %(cumulative_share)s
                  FROM wanted w
             LEFT JOIN %(ranking)s r ON r.id = w.id
             LEFT JOIN %(totals)s t ON t.company_id = w.company_id
                """,
                flushed=self._flushed("company_id", "partner_id", "basis_amount"),
                ids=ids,
                ranking=self._ranking_sql(last=SQL("last_wanted")),
                cumulative_share=self._share_sql(
                    SQL("r.running_basis"), SQL("t.total_basis"), SQL("w.basis_amount")
                ),
                totals=self._totals_sql(self.company_id.ids),
            ))}
        for metric in self:
            rank, cumulative = values.get(metric._origin.id) or (None, None)
            metric.pareto_rank = rank or 0
            metric.cumulative_share = cumulative or 0

    def _search_share(self, operator, value):
        return self._search_derived("share", operator, value)

    def _search_margin_share(self, operator, value):
        return self._search_derived("margin_share", operator, value)

    def _search_revenue_share(self, operator, value):
        return self._search_derived("revenue_share", operator, value)

    def _search_pareto_rank(self, operator, value):
        return self._search_derived("pareto_rank", operator, value)

    def _search_cumulative_share(self, operator, value):
        return self._search_derived("cumulative_share", operator, value)

    def _search_derived(self, fname, operator, value):
        # Compared in SQL through ``_field_to_sql``, as a stored column would be.
        query = Query(self.env, self._table, self._table_sql)
        query.add_where(self._condition_to_sql(self._table, fname, operator, value, query))
        return [("id", "in", query)]

    # ------------------------------------------------------------------
    # Derived figures in SQL
    # ------------------------------------------------------------------

    def _field_to_sql(self, alias, fname, query=None, flush=True):
        """The shares from the company's totals, the Pareto rank and the
        cumulative share from the ranking of the company's rows: each a join on
        one pass over these rows, shared by all the derived fields of a query."""
        if fname in _SHARE_FIELDS:
            amount, total = _SHARE_FIELDS[fname]
            totals = self._derived_join(alias, query, "kam_totals", self._totals_sql(), "company_id")
            return self._share_sql(
                self._column_sql(alias, amount, flush), SQL.identifier(totals, total)
            )
        if fname in _PARETO_FIELDS:
            ranking = self._derived_join(alias, query, "kam_pareto", self._ranking_sql(), "id")
            if fname == "pareto_rank":
                return SQL.identifier(ranking, "pareto_rank")
            totals = self._derived_join(alias, query, "kam_totals", self._totals_sql(), "company_id")
            return self._share_sql(
                SQL.identifier(ranking, "running_basis"), SQL.identifier(totals, "total_basis"),
                self._column_sql(alias, "basis_amount", flush),
            )
        return super()._field_to_sql(alias, fname, query, flush)

    def _order_field_to_sql(self, alias, field_name, direction, nulls, query):
        """The rank and the cumulative share follow the basis (largest first,
        then the partner): sorted on the row's own columns, without ranking the
        company. The clients kept out of the shares (a negative basis) have no
        rank and sort as nulls do."""
        if field_name not in _PARETO_FIELDS:
            return super()._order_field_to_sql(alias, field_name, direction, nulls, query)
        descending = direction.code == "DESC"
        nulls_first = nulls.code == "NULLS FIRST" or (descending and nulls.code != "NULLS LAST")
        basis = self._column_sql(alias, "basis_amount")
        return SQL(
            "(%(basis)s %(outside)s 0), %(basis)s %(basis_order)s, %(partner)s %(partner_order)s",
            basis=basis,
            outside=SQL(">=") if nulls_first else SQL("<"),
            basis_order=SQL("ASC") if descending else SQL("DESC"),
            partner=self._column_sql(alias, "partner_id"),
            partner_order=SQL("DESC") if descending else SQL("ASC"),
        )

    def _column_sql(self, alias, fname, flush=True):
        return SQL.identifier(alias, fname, to_flush=self._fields[fname] if flush else None)

    def _derived_join(self, alias, query, link, table, column):
        """Left join ``table`` on ``column`` to ``alias`` once per query, and
        return the alias of the join. The joined table is one pass over the
        company's rows: without a query to join it to, it would be one pass
        per row, so the derived fields refuse to be converted then."""
        if query is None:
            raise ValueError(f"Cannot derive the fields of {self._name!r} without a query")
        joined = query.make_alias(alias, link)
        query.add_join("LEFT JOIN", joined, table, SQL(
            "%s = %s", SQL.identifier(joined, column), SQL.identifier(alias, column),
        ))
        return joined

    def _flushed(self, *fnames):
        """An empty SQL that flushes ``fnames`` of the metrics before it runs."""
        return SQL("").join(SQL("", to_flush=self._fields[fname]) for fname in fnames)

    @api.model
    def _totals_sql(self, company_ids=None):
        """What the shares of each company (of ``company_ids``, all when None)
        are measured on: the sums of the amounts that are not negative
        (``rules.shares.counts_in_shares``)."""
        return SQL(
            """(SELECT company_id,
                       SUM(basis_amount) FILTER (WHERE basis_amount >= 0) AS total_basis,
                       SUM(margin) FILTER (WHERE margin >= 0) AS total_margin,
                       SUM(invoiced_revenue) FILTER (WHERE invoiced_revenue >= 0) AS total_invoiced
                  FROM kam_partner_metric%s
                 WHERE %s
                 GROUP BY company_id)""",
            self._flushed("company_id", "basis_amount", "margin", "invoiced_revenue"),
            SQL("company_id = ANY(%s)", list(company_ids)) if company_ids is not None else SQL("TRUE"),
        )

    @api.model
    def _ranking_sql(self, last=None):
        """The Pareto curve of each company: the clients that count in the
        shares by basis, largest first (ties by partner), with the basis
        reached up to each (``rules.shares.pareto``). With ``last``, a relation
        of the last row wanted in each company (its ``company_id``,
        ``basis_amount`` and ``partner_id``): the curve from its top down to
        that row only."""
        bound = SQL()
        if last is not None:
            bound = SQL(
                """JOIN %s l ON l.company_id = m.company_id AND m.basis_amount >= l.basis_amount
                            AND (m.basis_amount > l.basis_amount OR m.partner_id <= l.partner_id)""",
                last,
            )
        return SQL(
            """(SELECT m.id,
                       ROW_NUMBER() OVER w AS pareto_rank,
                       SUM(m.basis_amount) OVER (w ROWS UNBOUNDED PRECEDING) AS running_basis
                  FROM kam_partner_metric m%s %s
                 WHERE m.basis_amount >= 0
                WINDOW w AS (PARTITION BY m.company_id ORDER BY m.basis_amount DESC, m.partner_id))""",
            self._flushed("company_id", "partner_id", "basis_amount"),
            bound,
        )

    @api.model
    def _refresh_company(self, company, partner_ids=None, today=None):
        """Rewrite the metrics of ``company``.

        Rows of clients without any activity left are deleted.
        ``partner_ids`` (commercial partners) limits the rows updated and
        deleted; the clients without a row get theirs, so that the shares and
        ranks, derived from all the company's rows, measure the whole company.
        Returns ``(partner id, company id, previous order block)`` of the rows
        whose block earned by orders moved (new, changed or deleted rows) on
        the accounts followed in key-account management.

        One statement: the figures against the stored rows, in one join
        (``_diff_query``: none when nothing changed), kept in memory for the
        statement; then these rows are updated in place, inserted or deleted
        (``_write_query``). On a normal day only the clients whose own orders
        or invoices moved in or out of the window are written: their shares,
        ranks and cumulative shares are derived when read.
        """
        today = today or fields.Date.context_today(self)
        date_from, date_to = window_bounds(today, company.kam_window_months)
        self.env.flush_all()
        with self._refresh_settings():
            rows = self.env.execute_query(
                self._write_query(company, date_from, date_to, partner_ids)
            )
        self.invalidate_model()
        return rows

    @contextmanager
    def _refresh_settings(self):
        """For the statement only: no JIT (the planner cannot estimate the join
        of two aggregates, overestimates it by far and compiles for longer
        than the statement runs), and enough memory to aggregate a million
        invoice lines without spilling to disk. When the statements fail, the
        rollback (of the transaction or of its savepoint) restores them."""
        cr = self.env.cr
        [(jit, work_mem)] = self.env.execute_query(
            SQL("SELECT current_setting('jit'), current_setting('work_mem')")
        )
        cr.execute(SQL("SET LOCAL jit = off; SET LOCAL work_mem = '64MB'"))
        yield
        cr.execute(SQL(
            "SELECT set_config('jit', %s, true), set_config('work_mem', %s, true)",
            jit, work_mem,
        ))

    @api.model
    def _metrics_query(self, company, date_from, date_to, with_pareto=False):
        """The figures of every client of ``company`` with activity in the window,
        one row per commercial partner: ``partner_id`` and ``_METRIC_COLUMNS``;
        with ``with_pareto``, also the shares, the Pareto rank and the
        cumulative share, as they are derived when read (every figure users
        see, from the same rows: the benchmark's floor)."""
        return SQL(
            "WITH %s SELECT * FROM computed",
            self._metrics_ctes(company, date_from, date_to, with_pareto),
        )

    @api.model
    def _metrics_ctes(self, company, date_from, date_to, with_pareto=False):
        """The CTEs of ``_metrics_query``, the last one ``computed``.

        Aggregates of the posted invoices and of the confirmed orders (one pass
        over each table), the company's totals, and the levels each client's
        share reaches. A client whose amount is negative is kept out of the
        total of that amount and gets no share of it
        (``rules.shares.counts_in_shares``): the shares of the others add up
        to 100 %.
        """
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
        pareto_columns = pareto_window = pareto_output = SQL()
        if with_pareto:
            # negative bases sort last: the ranks and running totals of the
            # others are those of the clients that count
            pareto_columns = SQL(
                """, %(margin_share)s AS margin_share, %(revenue_share)s AS revenue_share,
                   (CASE WHEN agg.%(basis)s >= 0 THEN ROW_NUMBER() OVER w END)::int AS pareto_rank,
                   %(cumulative_share)s AS cumulative_share""",
                basis=basis,
                margin_share=self._share_sql(SQL("agg.margin"), SQL("t.total_margin")),
                revenue_share=self._share_sql(SQL("agg.invoiced"), SQL("t.total_invoiced")),
                cumulative_share=self._share_sql(
                    SQL("SUM(agg.%s) OVER (w ROWS UNBOUNDED PRECEDING)", basis),
                    SQL("t.total_basis"), SQL("agg.%s", basis),
                ),
            )
            pareto_window = SQL("WINDOW w AS (ORDER BY agg.%s DESC, agg.partner_id)", basis)
            pareto_output = SQL(
                ", share, margin_share, revenue_share, pareto_rank, cumulative_share"
            )
        return SQL(
            """
            inv AS (
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
                -- what shares are measured on: the amounts that are not negative
                SELECT SUM(%(basis)s) FILTER (WHERE %(basis)s >= 0) AS total_basis,
                       SUM(margin) FILTER (WHERE margin >= 0) AS total_margin,
                       SUM(invoiced) FILTER (WHERE invoiced >= 0) AS total_invoiced
                  FROM agg
            ), computed AS (
                SELECT partner_id,
                       invoiced AS invoiced_revenue, ordered AS ordered_revenue, margin,
                       basis AS basis_amount, order_count, first_order_date, last_order_date,
                       CASE WHEN order_count > 1
                            THEN (last_order_date - first_order_date)::float8 / (order_count - 1)
                            ELSE 0 END AS avg_order_interval,
                       (%(dependency)s)::varchar AS dependency_level,
                       %(candidate)s AS is_candidate,
                       (CASE WHEN order_count >= %(regular_orders)s THEN 'regular'
                             WHEN order_count >= %(working_orders)s THEN 'working'
                        END)::varchar AS order_block
                       %(pareto_output)s
                  FROM (
                      -- float8 as the derived fields are: the same share
                      SELECT agg.*, agg.%(basis)s AS basis, %(share)s AS share
                             %(pareto_columns)s
                        FROM agg CROSS JOIN totals t
                      %(pareto_window)s
                  ) shared
            )
            """,
            company=company.id,
            working_orders=company.kam_working_orders,
            regular_orders=company.kam_regular_orders,
            date_from=date_from,
            date_to=date_to,
            start=start,
            end=end,
            basis=basis,
            share=self._share_sql(SQL("agg.%s", basis), SQL("t.total_basis")),
            dependency=dependency,
            candidate=candidate,
            pareto_columns=pareto_columns,
            pareto_window=pareto_window,
            pareto_output=pareto_output,
        )

    @api.model
    def _share_sql(self, amount, total, counted=None):
        """``rules.shares.client_share`` in SQL: the percentage of ``total``
        ``amount`` is, none when ``counted`` (by default the amount) is
        negative, 0 without a positive total."""
        return SQL(
            """CASE WHEN %(counted)s < 0 THEN NULL
                    WHEN %(total)s > 0 THEN 100 * (%(amount)s::float8 / %(total)s::float8)
                    ELSE 0 END""",
            amount=amount, total=total, counted=counted or amount,
        )

    @api.model
    def _diff_query(self, company):
        """The figures of ``computed`` (``_metrics_ctes``) against the stored
        rows of the company, in one join: the rows to insert (no
        ``metric_id``), to update (both) and to delete (no ``partner_id``).
        Unchanged rows are left out: they are not written (no row lock, no new
        row version)."""
        new_values = SQL(", ").join(SQL.identifier("c", name) for name in _COMPARED_COLUMNS)
        old_values = SQL(", ").join(SQL.identifier("m", name) for name in _COMPARED_COLUMNS)
        stored = SQL(", ").join(SQL.identifier(name) for name in _COMPARED_COLUMNS)
        return SQL(
            """
            SELECT c.*, m.id AS metric_id, m.partner_id AS metric_partner_id,
                   m.order_block AS old_order_block,
                   m.order_block IS DISTINCT FROM c.order_block AS block_moved
              FROM computed c
              FULL JOIN (SELECT id, partner_id, %(stored)s FROM kam_partner_metric
                          WHERE company_id = %(company)s) m
                ON m.partner_id = c.partner_id
             WHERE m.id IS NULL OR c.partner_id IS NULL
                OR (%(old_values)s) IS DISTINCT FROM (%(new_values)s)
            """,
            company=company.id,
            stored=stored,
            old_values=old_values,
            new_values=new_values,
        )

    @api.model
    def _write_query(self, company, date_from, date_to, partner_ids=None):
        """Write the rows that changed (``_diff_query``) of ``partner_ids``
        (all when None): changed rows updated in place (their row's page keeps
        room for it: a HOT update), rows of partners without activity deleted.
        New rows are inserted for every client: the shares and ranks of the
        selected ones are derived from all the clients of the company. Returns the partner, company and
        previous order block of the rows whose block earned by orders moved,
        for the accounts followed in key-account management (key, candidate or
        former in a company)."""
        scope = SQL("TRUE")
        metric_scope = SQL("TRUE")
        if partner_ids is not None:
            scope = SQL("d.partner_id = ANY(%s)", list(partner_ids))
            metric_scope = SQL("d.metric_partner_id = ANY(%s)", list(partner_ids))
        columns = SQL(", ").join(SQL.identifier(name) for name in _METRIC_COLUMNS)
        values = SQL(", ").join(SQL.identifier("d", name) for name in _METRIC_COLUMNS)
        updates = SQL(", ").join(
            SQL("%s = d.%s", SQL.identifier(name), SQL.identifier(name))
            for name in _METRIC_COLUMNS
        )
        excluded = SQL(", ").join(
            SQL("%s = EXCLUDED.%s", SQL.identifier(name), SQL.identifier(name))
            for name in _METRIC_COLUMNS
        )
        return SQL(
            """
            WITH %(ctes)s, kam_partner_metric_diff AS MATERIALIZED (%(diff)s),
            updated AS (
                UPDATE kam_partner_metric m
                   SET %(updates)s
                  FROM kam_partner_metric_diff d
                 WHERE m.id = d.metric_id AND d.partner_id IS NOT NULL AND %(scope)s
            ), inserted AS (
                -- a concurrent recompute may have inserted the row meanwhile
                INSERT INTO kam_partner_metric (partner_id, company_id, %(columns)s)
                SELECT d.partner_id, %(company)s, %(values)s
                  FROM kam_partner_metric_diff d
                 WHERE d.metric_id IS NULL
                ON CONFLICT (partner_id, company_id) DO UPDATE SET %(excluded)s
            ), gone AS (
                DELETE FROM kam_partner_metric
                 WHERE id IN (SELECT d.metric_id FROM kam_partner_metric_diff d
                               WHERE d.partner_id IS NULL AND %(metric_scope)s)
            )
            SELECT COALESCE(d.partner_id, d.metric_partner_id), %(company)s, d.old_order_block
              FROM kam_partner_metric_diff d
             WHERE d.block_moved
               AND (%(scope)s OR d.metric_id IS NULL OR d.partner_id IS NULL AND %(metric_scope)s)
               -- only the accounts followed in key-account management have
               -- their block moves told in their chatter
               AND EXISTS (SELECT FROM kam_account a
                            WHERE a.partner_id = COALESCE(d.partner_id, d.metric_partner_id)
                              AND a.kam_status != 'none')
            """,
            company=company.id,
            ctes=self._metrics_ctes(company, date_from, date_to),
            diff=self._diff_query(company),
            columns=columns,
            scope=scope,
            metric_scope=metric_scope,
            updates=updates,
            excluded=excluded,
            values=values,
        )
