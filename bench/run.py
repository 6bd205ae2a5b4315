# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""Benchmark of kam_management: each operation next to its floor, in one run.

    make bench-data SCALE=large   # once: scratch database kam_bench_large
    make bench SCALE=large        # measure and print the table
    make bench SCALE=large RECORD=1   # ... and write it to bench/RESULTS.md

Called by tools/kamctl.py with the Odoo connection arguments. Ratios are
measured side by side in the same process, on the same rows, so that they
do not depend on how fast the machine is.

The daily recompute is measured against its honest floor: the addon's own
statement cut before the write (``kam.partner.metric._metrics_query``: the
same aggregates, totals, ranks, shares and levels from the same rows),
selected into a temporary table. Each case runs right after a floor, the
cases and the floors interleaved and repeated; every timing includes its
commit:

Between two runs the metrics table is vacuumed, untimed, as autovacuum does
between two daily runs (autovacuum may be off on a bench server).

    a   first run: no metrics, no client-base block yet (a new database)
    a'  the order-count settings changed (regular orders 3 <-> 2)
    b   a normal day: ``today`` moves one day, every share moves
    b'  a normal day: one invoice is added, every share moves
    c   nothing changed since the previous run

Stock Odoo's invoice analysis and sales analysis, grouped by customer over
the same window, are timed in the same loop as peers. The targets of the
recompute are set at the large scale and checked here (ok / NOT ok), never in
timed unit tests; the small and medium rows show how the cost grows.
"""

import argparse
import contextlib
import datetime
import functools
import json
import os
import platform
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

HEADER = """# Benchmark results

Written by `make bench SCALE=… RECORD=1` (`bench/run.py`).

The daily recompute is timed against its floor: the addon's own statement cut before
the write, with every figure users see (`kam.partner.metric._metrics_query` with
`with_pareto=True`: the same aggregates, totals, shares, Pareto ranks, cumulative shares
and levels from the same rows) selected into a temporary table. Each case runs right
after a floor, interleaved and repeated; the ratio is the median (and the min) of the
paired case / floor ratios, every timing including its commit. Between two runs the
metrics table is vacuumed, untimed, as autovacuum does between two nights (it is off on
the bench server). Stock Odoo's invoice and sales analyses, grouped by customer over the
same window, are timed in the same loop (ratio: peer / floor). The targets are set at the
large scale. For the cron: queries per batch; for the export: time without a memory
tracer and the growth of the peak resident memory of a process that only exports.

What the recompute does (`kam_partner_metric.py`, `kam_identification.py`):

- a metrics row holds what the client's own orders and invoices make (amounts, order
  count and dates) and the levels its share reaches (dependency, candidate, block
  earned by orders); the shares, the Pareto rank and the cumulative share, which move
  every day with the window and the company's totals, are derived from the company's
  rows when they are read, searched, grouped or sorted (`_field_to_sql`: one pass over
  the company's rows per query); on a normal day only the clients whose own figures
  moved (an order or invoice entering or leaving the window) are written;
- the figures are compared with the stored rows in one join (`_diff_query`), kept in
  memory for the statement that writes them (no temporary table): only the rows that
  changed are written, none on a day when nothing changed;
- changed rows are updated in place (`_write_query`): pages are kept nearly full
  (fillfactor 90: the readers scan the company's rows), with room for a row's new
  version on its page (a HOT update); the index duplicating the unique (partner,
  company) index and the full index of dependency levels are gone (a partial index
  keeps the few dependent rows); the ranks of a page are read from the top of the
  company's curve down to the page's last row; the rows
  have no create/write user and date (written only by the recompute): two foreign keys
  fewer to check when the first run inserts every row (the columns of databases
  installed before are dropped, as are the columns the derived figures had);
- the client-base block earned by orders stays in the metrics rows (`order_block`):
  the block shown on the partner is derived when it is read, searched, grouped or
  ordered (`res_partner_lifecycle.py`, the block a person chose wins as before), so the
  recompute writes no `res_partner` row; on key accounts, candidates and former key
  accounts a move of the block shown is tracked in the chatter, all of them with one
  insert of notes and tracking values;
- the portfolio alert sums the shares of the key accounts through the (partner, company)
  index, over the company's totals;
- a client with a negative basis (a loss) is kept out of the totals, shares and Pareto
  curve (`rules.shares.counts_in_shares`), so the cumulative share ends at 100 %.

The first run is bounded by PostgreSQL's work: one insert per client with its
foreign-key checks and its index entries.

"""

REPEAT = {"small": 7, "medium": 5, "large": 3}
# Targets of the recompute: paired ratio to the floor (median of the repeats).
TARGETS = {"a": 3.0, "a'": 3.0, "b": 1.3, "b'": 1.3, "c": 1.1}
CASES = {
    "a": "first run (no metrics, no blocks yet)",
    "a'": "order-count settings changed",
    "b": "normal day: today + 1 day",
    "b'": "normal day: one invoice added",
    "c": "nothing changed",
}
EXPORT_SIZES = (10_000, 50_000)


def open_env(args):
    import odoo
    from odoo.tools import config

    config.parse_config(["-d", args.db, f"--addons-path={args.addons_path}",
                         *args.odoo_args.split(), "--log-level=warn"])
    odoo.service.server.load_server_wide_modules()
    registry = odoo.modules.registry.Registry.new(args.db)
    cr = registry.cursor()
    env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {"lang": "en_US"})
    return env


def count_queries(env, func):
    before = env.cr.sql_log_count
    result = func()
    return env.cr.sql_log_count - before, result


def stopwatch(func):
    start = time.perf_counter()
    func()
    return time.perf_counter() - start


def summary(times):
    return min(times), statistics.median(times)


def fmt_s(seconds):
    return f"{seconds:.3f} s" if seconds < 10 else f"{seconds:.1f} s"


# ----------------------------------------------------------------- recompute

class Recompute:
    """The recompute, its floor, the peers and the states the cases start from."""

    def __init__(self, env, args):
        from odoo import fields

        self.env = env
        self.cr = env.cr
        self.args = args
        self.companies = env["res.company"].search([])
        self.company = env.ref("base.main_company")
        self.Partner = env["res.partner"]
        self.Metric = env["kam.partner.metric"]
        self.today = fields.Date.context_today(self.Partner)
        self.invoice = None  # the invoice case b' adds, and removes after

    # -- the operations timed

    def run(self, today):
        """The whole daily recompute as the cron runs it, then its commit."""
        self.env["kam.identification"]._recompute(isolate=True, today=today)
        self.cr.commit()
        self.env.invalidate_all()

    def floor(self, today, with_pareto=True):
        """The same figures from the same rows, selected into a temporary table:
        the aggregates, totals and levels the recompute writes, and the shares,
        Pareto ranks and cumulative shares the readers derive from them (without
        ``with_pareto``: only what the recompute writes)."""
        from odoo.addons.kam_management.rules.shares import window_bounds
        from odoo.tools import SQL

        self.env.flush_all()
        for company in self.companies:
            date_from, date_to = window_bounds(today, company.kam_window_months)
            with self.Metric._refresh_settings():
                self.cr.execute(SQL(
                    "CREATE TEMP TABLE kam_bench_floor AS %s",
                    self.Metric._metrics_query(company, date_from, date_to, with_pareto=with_pareto),
                ))
            self.cr.execute("DROP TABLE kam_bench_floor")
        self.cr.commit()

    def read_page(self):
        """One page of the metrics list as the web client reads it: 80 rows in
        Pareto order with their shares, ranks and cumulative shares."""
        self.env.invalidate_all()
        records = self.Metric.search_fetch(
            [("company_id", "=", self.company.id)],
            ["partner_id", "basis_amount", "share", "margin_share", "pareto_rank", "cumulative_share"],
            order="pareto_rank", limit=80,
        )
        return sum(record.cumulative_share + record.share for record in records)

    def peers(self, today):
        """Stock Odoo: invoice analysis and sales analysis grouped by customer."""
        from odoo.addons.kam_management.rules.shares import window_bounds

        date_from, date_to = window_bounds(today, self.company.kam_window_months)
        invoices = self.env["account.invoice.report"]
        sales = self.env["sale.report"]
        times = {}
        self.env.invalidate_all()
        times["invoice"] = stopwatch(lambda: invoices._read_group(
            [("state", "=", "posted"), ("move_type", "in", ("out_invoice", "out_refund")),
             ("invoice_date", ">=", date_from), ("invoice_date", "<=", date_to)],
            ["commercial_partner_id"], ["price_subtotal:sum"],
        ))
        times["sale"] = stopwatch(lambda: sales._read_group(
            [("state", "=", "sale"), ("date", ">=", date_from),
             ("date", "<", date_to + datetime.timedelta(days=1))],
            ["partner_id"], ["price_subtotal:sum", "margin:sum"],
        ))
        self.cr.rollback()
        return times

    # -- the states the cases start from (not timed)

    def vacuum(self, *tables):
        """VACUUM (ANALYZE) outside the transaction, as autovacuum would; returns
        what VACUUM VERBOSE says of the tuples of each table."""
        import odoo

        # The bench's own cursor (repeatable read) would hold its snapshot, and
        # with it the oldest transaction running on the server: nothing the
        # last run replaced could be removed, unlike between two nightly runs.
        self.cr.rollback()
        said = []
        with odoo.sql_db.db_connect(self.args.db).cursor() as cr:
            cr._cnx.autocommit = True
            for table in tables:
                del cr._cnx.notices[:]
                cr.execute(f"VACUUM (VERBOSE, ANALYZE) {table}")
                said += [f"{table}: {line.strip()}" for notice in cr._cnx.notices
                         for line in notice.splitlines() if line.startswith("tuples:")][:1]
        return said

    def reset_first_run(self):
        """No metrics, no candidates, no block earned by orders: a new database."""
        # The block earned by orders lives in the metrics rows (the block
        # people chose, on the partner, is kept as a new database would have it).
        self.cr.execute("TRUNCATE kam_partner_metric")
        # A new database has no identity rows: drop those the recompute made
        # (a candidate status, nothing a person decided), and their notes.
        self.cr.execute(
            """
            WITH gone AS (
                DELETE FROM kam_account a
                 WHERE a.kam_status IN ('none', 'candidate') AND a.kam_user_id IS NULL
                   AND a.kam_key_since IS NULL AND NOT COALESCE(a.kam_is_vip, FALSE)
                   AND a.kam_level_team_id IS NULL AND a.kam_level_department IS NULL
                   AND NOT EXISTS (SELECT FROM kam_account_team_user_rel r WHERE r.account_id = a.id)
                   AND NOT EXISTS (SELECT FROM kam_account_account_type_rel r WHERE r.account_id = a.id)
             RETURNING a.id
            )
            DELETE FROM mail_message WHERE model = 'kam.account' AND res_id IN (SELECT id FROM gone)
            """
        )
        self.cr.commit()
        self.env.invalidate_all()
        self.vacuum("kam_partner_metric")

    def toggle_regular_orders(self):
        company = self.company
        company.kam_regular_orders = 2 if company.kam_regular_orders == 3 else 3
        self.cr.commit()

    def add_invoice(self, today):
        """One posted customer invoice of today for a mid-ranked client."""
        self.cr.execute(
            """
            SELECT partner_id FROM kam_partner_metric
             WHERE company_id = %s AND basis_amount >= 0
             ORDER BY basis_amount DESC, partner_id
            OFFSET (SELECT count(*) / 2 FROM kam_partner_metric) LIMIT 1
            """, [self.company.id])
        [(partner_id,)] = self.cr.fetchall()
        journal = self.env["account.journal"].search(
            [("type", "=", "sale"), ("company_id", "=", self.company.id)], limit=1)
        self.cr.execute(
            """
            INSERT INTO account_move (name, move_type, state, date, invoice_date, partner_id,
                                      commercial_partner_id, company_id, journal_id,
                                      currency_id, auto_post, amount_untaxed,
                                      amount_untaxed_signed, amount_total, amount_total_signed,
                                      create_date, write_date, create_uid, write_uid)
            VALUES ('BENCH/ADDED', 'out_invoice', 'posted', %s, %s, %s, %s, %s, %s, %s, 'no',
                    1234.5, 1234.5, 1234.5, 1234.5, now(), now(), 1, 1)
            RETURNING id
            """,
            [today, today, partner_id, partner_id, self.company.id, journal.id,
             self.company.currency_id.id])
        self.invoice = self.cr.fetchone()[0]
        self.cr.commit()

    def remove_invoice(self):
        if self.invoice:
            self.cr.execute("DELETE FROM account_move WHERE id = %s", [self.invoice])
            self.cr.commit()
            self.invoice = None

    # -- what was written

    def rows(self):
        self.cr.execute("SELECT count(*) FROM kam_partner_metric")
        return self.cr.fetchone()[0]

    def clock(self):
        """The next transaction id: the rows a run writes carry it or a later one."""
        self.cr.execute("SELECT pg_current_xact_id()::text::bigint")
        [(xid,)] = self.cr.fetchall()
        self.cr.rollback()
        return xid

    def written_since(self, xid):
        self.cr.execute(
            "SELECT count(*) FROM kam_partner_metric WHERE xmin::text::bigint > %s",
            [xid % 2**32])
        return self.cr.fetchone()[0]

    def hot_counters(self):
        self.cr.execute(
            "SELECT n_tup_upd, n_tup_hot_upd FROM pg_stat_xact_user_tables"
            " WHERE relname = 'kam_partner_metric'")
        return self.cr.fetchone() or (0, 0)


# The steps of the recompute whose time the notes break down, by model.
STEPS = {
    "kam.partner.metric": ["_refresh_company"],
    "kam.identification": ["_update_candidates", "_raise_alerts"],
    "res.partner": ["_kam_track_block_moves"],
}


@contextlib.contextmanager
def recompute_steps(env, totals):
    """Accumulate the time of each step of the recompute (``STEPS``) in ``totals``."""
    with contextlib.ExitStack() as stack:
        for model, names in STEPS.items():
            stack.enter_context(step_timer(env[model], names, totals))
        yield totals


@contextlib.contextmanager
def step_timer(model, names, totals):
    """Accumulate the time spent in the ``names`` methods of ``model``'s class."""
    cls = type(model)
    originals = {name: getattr(cls, name) for name in names}

    def wrap(name, method):
        def timed(*args, **kwargs):
            start = time.perf_counter()
            try:
                return method(*args, **kwargs)
            finally:
                totals[name] = totals.get(name, 0.0) + time.perf_counter() - start
        return timed

    for name, method in originals.items():
        setattr(cls, name, wrap(name, method))
    try:
        yield totals
    finally:
        for name, method in originals.items():
            setattr(cls, name, method)


def bench_recompute(env, args):
    """Daily recompute (cases a, a', b, b', c) against the floor, interleaved."""
    rc = Recompute(env, args)
    today = rc.today
    repeat = args.repeat or REPEAT[args.scale]
    times = {name: [] for name in ("floor", *CASES, "invoice", "sale", "floor_written", "page")}
    ratios = {name: [] for name in (*CASES, "invoice", "sale")}
    written = {}
    steps = {}
    steps_a = {}

    def pair(case, day, prepare=None):
        """One floor, then the recompute of ``day`` in the state ``prepare`` leaves."""
        if prepare:
            prepare()
        # what autovacuum does between two daily runs (it is off on the bench
        # server): the previous versions of the rewritten rows are removed
        rc.vacuum("kam_partner_metric")
        floor = stopwatch(functools.partial(rc.floor, day))
        times["floor"].append(floor)
        start = rc.clock()
        elapsed = stopwatch(functools.partial(rc.run, day))
        times[case].append(elapsed)
        ratios[case].append(elapsed / floor)
        written[case] = rc.written_since(start)

    # warm up: the caches and the state of the day before the first repeat
    rc.run(today)
    rc.floor(today)
    day = today
    for i in range(repeat):
        print(f"   repeat {i + 1}/{repeat}", flush=True)
        with recompute_steps(env, steps_a):
            pair("a", day, prepare=rc.reset_first_run)
        pair("c", day)
        day = day + datetime.timedelta(days=1)
        with recompute_steps(env, steps):
            pair("b", day)
        pair("b'", day, prepare=functools.partial(rc.add_invoice, day))
        rc.remove_invoice()
        pair("a'", day, prepare=rc.toggle_regular_orders)
        floor = stopwatch(functools.partial(rc.floor, day))
        peers = rc.peers(day)
        times["floor"].append(floor)
        times["floor_written"].append(stopwatch(functools.partial(rc.floor, day, with_pareto=False)))
        times["page"].append(stopwatch(rc.read_page))
        for name, elapsed in peers.items():
            times[name].append(elapsed)
            ratios[name].append(elapsed / floor)
    if rc.company.kam_regular_orders != 3:
        rc.toggle_regular_orders()
        rc.run(day)
    explain = explain_normal_day(rc, day, args)

    env.cr.execute("SELECT count(*) FROM account_move_line WHERE display_type = 'product'")
    lines = env.cr.fetchone()[0]
    env.cr.execute("SELECT count(*) FROM res_partner")
    partners = env.cr.fetchone()[0]
    metric_rows = rc.rows()
    floor_min, floor_med = summary(times["floor"])
    result = []
    head = (f"Daily recompute ({partners:,} partners, {lines:,} invoice lines, "
            f"{metric_rows:,} metric rows), {repeat} repeats")
    result.append({
        "operation": f"{head}: floor (the statement's SELECT into a temp table)",
        "floor": "—",
        "addon": f"min {fmt_s(floor_min)}, median {fmt_s(floor_med)}",
        "ratio": None, "target": "—", "ok": None,
    })
    for case, label in CASES.items():
        c_min, c_med = summary(times[case])
        r_min, r_med = summary(ratios[case])
        result.append({
            "operation": f"case {case}: {label} ({written[case]:,} rows written)",
            "floor": f"median {fmt_s(statistics.median(times['floor']))}",
            "addon": f"min {fmt_s(c_min)}, median {fmt_s(c_med)}",
            "ratio": r_med, "ratio_min": r_min,
            # the targets are set at the large scale; smaller ones show how cost grows
            "target": f"≤ {TARGETS[case]}×" + ("" if args.scale == "large" else " at large"),
            "ok": r_med <= TARGETS[case] if args.scale == "large" else None,
        })
    for name, label in (("invoice", "stock invoice analysis `_read_group` by customer"),
                        ("sale", "stock sales analysis (with margin) `_read_group` by customer")):
        p_min, p_med = summary(times[name])
        r_min, r_med = summary(ratios[name])
        result.append({
            "operation": f"peer: {label}",
            "floor": f"median {fmt_s(floor_med)}",
            "addon": f"min {fmt_s(p_min)}, median {fmt_s(p_med)}",
            "ratio": r_med, "ratio_min": r_min, "target": "(peer)", "ok": None,
        })
    notes = []
    for case, totals in (("a", steps_a), ("b", steps)):
        runs = len(times[case])
        breakdown = ", ".join(f"{name.lstrip('_')} {total / runs:.3f} s"
                              for name, total in totals.items())
        notes.append(f"case {case}, mean per run: {breakdown}")
    written_med = statistics.median(times["floor_written"])
    notes.append(
        "the statement cut before its write without the derived figures (what the recompute "
        f"writes, no shares, ranks or cumulative shares): median {fmt_s(written_med)}; case b "
        f"against it: {statistics.median(times['b']) / written_med:.2f}×"
    )
    notes.append(
        "the derived figures when read: a page of 80 metrics rows in Pareto order with their "
        f"shares, ranks and cumulative shares, median {statistics.median(times['page']) * 1000:.0f} ms"
    )
    notes.append(explain)
    return result, notes


def explain_normal_day(rc, day, args):
    """EXPLAIN (ANALYZE, BUFFERS) of the statement of case b, into bench/explain_<scale>.txt."""
    from odoo.addons.kam_management.rules.shares import window_bounds
    from odoo.tools import SQL

    next_day = day + datetime.timedelta(days=1)
    date_from, date_to = window_bounds(next_day, rc.company.kam_window_months)
    vacuumed = rc.vacuum("kam_partner_metric")
    rc.env.flush_all()
    plans = []
    with rc.Metric._refresh_settings():
        hot_before = rc.hot_counters()
        for title, query in (
            ("the figures against the stored rows, and the writes, in one statement",
             rc.Metric._write_query(rc.company, date_from, date_to)),
        ):
            rc.cr.execute(SQL("EXPLAIN (ANALYZE, BUFFERS, WAL) %s", query))
            plans.append(f"-- {title}\n" + "\n".join(row[0] for row in rc.cr.fetchall()))
        hot_after = rc.hot_counters()
    rc.cr.commit()
    updated = hot_after[0] - hot_before[0]
    hot = hot_after[1] - hot_before[1]
    path = os.path.join(HERE, f"explain_{args.scale}.txt")
    with open(path, "w") as f:
        f.write(f"-- case b (normal day: today {day} -> {next_day}), scale {args.scale}, "
                f"company {rc.company.name}\n")
        f.write(f"-- rows updated: {updated:,}, of which HOT: {hot:,}\n")
        f.write("".join(f"-- before, VACUUM (as autovacuum): {line}\n" for line in vacuumed) + "\n")
        f.write("\n\n".join(plans) + "\n")
    return (f"EXPLAIN (ANALYZE, BUFFERS) of case b in bench/{os.path.basename(path)}: "
            f"{updated:,} rows updated, {hot:,} HOT")


# ----------------------------------------------------------------- other operations

def bench_comm_cron(env, args):
    """Daily communication cron over the key accounts with plans."""
    scheduler = env.get("kam.comm.scheduler")
    if scheduler is None:
        return None
    cr = env.cr
    cr.execute("SELECT count(*) FROM kam_account WHERE kam_status = 'key'")
    accounts = cr.fetchone()[0]
    batch = 500
    start = time.perf_counter()
    queries, _ = count_queries(env, lambda: scheduler.with_context(kam_no_commit=True)
                               ._cron_run(batch_size=batch))
    elapsed = time.perf_counter() - start
    batches = max(1, -(-accounts // batch))
    per_batch = queries / batches
    cr.rollback()
    return {
        "operation": f"Daily communication cron ({accounts:,} key accounts, batches of {batch})",
        "floor": f"{queries:,} queries in {batches} batches",
        "addon": f"{elapsed:.2f} s, {per_batch:.0f} queries/batch",
        "ratio": per_batch,
        "target": "bounded queries per batch",
        "ok": per_batch < 200,
    }


def bench_pipeline(env, args):
    """Pipeline kanban web_search_read of 80 leads, with vs without the addon's fields."""
    lead = env["crm.lead"]
    spec_plain = {name: {} for name in ("name", "partner_id", "expected_revenue", "user_id",
                                        "stage_id", "probability", "priority", "activity_state")}
    kam_fields = [f for f in ("kam_partner_status", "kam_dependency_level",
                              "kam_account_user_id", "kam_dmu_coverage",
                              "kam_compliance_rate") if f in lead._fields]
    spec_kam = dict(spec_plain, **{f: {} for f in kam_fields})
    domain = [("type", "=", "opportunity")]

    def read(spec):
        env.invalidate_all()
        return lead.web_search_read(domain, spec, limit=80)

    read(spec_plain)
    read(spec_kam)
    q_plain, _ = count_queries(env, lambda: read(spec_plain))
    q_kam, _ = count_queries(env, lambda: read(spec_kam))
    t_plain = statistics.median(stopwatch(lambda: read(spec_plain)) for _ in range(5))
    t_kam = statistics.median(stopwatch(lambda: read(spec_kam)) for _ in range(5))
    env.cr.rollback()
    return {
        "operation": f"Pipeline kanban read, 80 leads (+{len(kam_fields)} KAM fields)",
        "floor": f"without KAM fields: {q_plain} queries, {t_plain * 1000:.0f} ms",
        "addon": f"with KAM fields: {q_kam} queries, {t_kam * 1000:.0f} ms",
        "ratio": t_kam / t_plain,
        "target": "queries equal within a constant",
        "ok": q_kam - q_plain <= 6,
    }


def _rss_kib(field):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def bench_export(env, args):
    """Portfolio Excel export: time, and the process's peak resident memory growth."""
    if env.get("kam.export") is None:
        return None
    env.cr.execute("SELECT count(*) FROM res_partner WHERE is_company")
    companies = env.cr.fetchone()[0]
    sizes = sorted({min(size, companies) for size in EXPORT_SIZES})
    result = []
    for size in sizes:
        # each size in a process of its own: its peak resident memory is the export's
        command = [sys.executable, os.path.abspath(__file__), "export", "--size", str(size),
                   "--scale", args.scale, "--db", args.db, "--addons-path", args.addons_path,
                   "--odoo-args", args.odoo_args]
        output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
        measure = json.loads(output.strip().splitlines()[-1])
        result.append({
            "operation": f"Portfolio Excel export ({measure['accounts']:,} accounts, "
                         f"{measure['bytes'] / 1e6:.1f} MB xlsx)",
            "floor": "—",
            "addon": f"{measure['seconds']:.2f} s, peak RSS +{measure['rss_mib']:.0f} MiB",
            "ratio": None,
            "target": "seconds; RSS growth < 256 MiB",
            "ok": measure["seconds"] < 60 and measure["rss_mib"] < 256,
        })
    return result


def cmd_export(args):
    """One portfolio export of ``args.size`` accounts, in this process: prints its
    time (no memory tracer) and the growth of the process's peak resident memory."""
    env = open_env(args)
    try:
        export = env["kam.export"]
        # ``size`` accounts in the portfolio: the first companies, marked key in
        # this transaction only (rolled back after the measure)
        env.cr.execute(
            """
            INSERT INTO kam_account (partner_id, company_id, kam_status, kam_level,
                                     create_date, write_date, create_uid, write_uid)
            SELECT id, COALESCE(company_id, %s), 'key', 'company', now(), now(), 1, 1
              FROM res_partner WHERE is_company ORDER BY id LIMIT %s
            ON CONFLICT (partner_id, company_id) DO UPDATE SET kam_status = 'key'
             WHERE kam_account.kam_status != 'key'
            """, [env.ref("base.main_company").id, args.size])
        env.invalidate_all()
        domain = [("kam_status", "=", "key")]
        accounts = env["kam.portfolio.report"].search_count(domain)
        # the peak from here on (Linux: 5 in clear_refs resets VmHWM to VmRSS)
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        rss_before = _rss_kib("VmRSS")
        start = time.perf_counter()
        data = export._kam_build_portfolio_workbook(domain)
        seconds = time.perf_counter() - start
        growth = max(0, _rss_kib("VmHWM") - rss_before) / 1024
        print(json.dumps({"accounts": accounts, "seconds": seconds, "rss_mib": growth,
                          "bytes": len(data)}))
    finally:
        env.cr.rollback()
        env.cr.close()
    return 0


# ----------------------------------------------------------------- commands

def cmd_data(args):
    from generate import generate

    env = open_env(args)
    try:
        counts = generate(env, args.scale)
        env.cr.commit()
        print(f"generated {args.scale}: {counts}")
    finally:
        env.cr.close()


def _cell_ratio(row):
    if row["ratio"] is None:
        return "—"
    if "ratio_min" in row:
        return f"{row['ratio']:.2f} (min {row['ratio_min']:.2f})"
    return f"{row['ratio']:.2f}"


def _cell_ok(row):
    return "—" if row["ok"] is None else ("ok" if row["ok"] else "NOT ok")


def cmd_run(args):
    env = open_env(args)
    rows, notes = [], []
    try:
        print(f"… {bench_recompute.__doc__.splitlines()[0]}", flush=True)
        recompute, notes = bench_recompute(env, args)
        rows += recompute
        for bench in (bench_comm_cron, bench_pipeline, bench_export):
            print(f"… {bench.__doc__.splitlines()[0]}", flush=True)
            result = bench(env, args)
            env.cr.rollback()
            if isinstance(result, dict):
                result = [result]
            rows += result or []
        env.cr.execute("SHOW server_version")
        pg_version = env.cr.fetchone()[0]
    finally:
        env.cr.close()
    table = [
        "| operation | floor | kam_management | ratio (median of pairs) | target | ok |",
        "|---|---|---|---|---|---|",
    ]
    for row in rows:
        table.append(f"| {row['operation']} | {row['floor']} | {row['addon']} | "
                     f"{_cell_ratio(row)} | {row['target']} | {_cell_ok(row)} |")
    header = (f"Scale `{args.scale}`, measured {datetime.date.today()} on {os.cpu_count()} CPUs "
              f"({platform.machine()}), PostgreSQL {pg_version}, Python {platform.python_version()}"
              f"; load average before the run {args.load}.")
    body = [header, "", *table, "", *(f"- {note}" for note in notes)]
    print("\n" + "\n".join(body))
    checked = [row for row in rows if row["ok"] is not None]
    ok = all(row["ok"] for row in checked)
    for row in checked:
        print(f"{'ok' if row['ok'] else 'NOT ok'}: {row['operation']} "
              f"({_cell_ratio(row) if row['ratio'] is not None else row['addon']}, "
              f"target {row['target']})")
    if not args.record:
        print("\nnot recorded: `make bench RECORD=1` writes these results to bench/RESULTS.md")
        return 0 if ok else 1
    out = os.path.join(HERE, "RESULTS.md")
    sections = {}
    if os.path.exists(out):
        current = None
        for line in open(out).read().splitlines():
            if line.startswith("## Scale "):
                current = line
                sections[current] = []
            elif current:
                sections[current].append(line)
    sections[f"## Scale {args.scale}"] = ["", *body, ""]
    order = {"small": 0, "medium": 1, "large": 2}
    with open(out, "w") as f:
        f.write(HEADER)
        for title, body_lines in sorted(
            sections.items(), key=lambda item: order.get(item[0].split()[-1], 9)
        ):
            f.write(title + "\n" + "\n".join(body_lines).rstrip() + "\n\n")
    print(f"\nwritten to {os.path.relpath(out)}")
    return 0 if ok else 1


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("command", choices=["data", "run", "export"])
    parser.add_argument("--scale", default="small", choices=["small", "medium", "large"])
    parser.add_argument("--db", required=True)
    parser.add_argument("--addons-path", required=True)
    parser.add_argument("--odoo-args", default="")
    parser.add_argument("--repeat", type=int, default=0,
                        help="repeats of the interleaved recompute cases (default by scale)")
    parser.add_argument("--size", type=int, default=10_000,
                        help="export: the number of accounts of the portfolio")
    parser.add_argument("--record", action="store_true",
                        help="write the results to bench/RESULTS.md (make bench RECORD=1)")
    args = parser.parse_args()
    args.load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    if args.command == "data":
        cmd_data(args)
        return 0
    if args.command == "export":
        return cmd_export(args)
    return cmd_run(args)


if __name__ == "__main__":
    sys.exit(main())
