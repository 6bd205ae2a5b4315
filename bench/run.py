"""Benchmark of kam_management: each operation next to its floor, in one run.

    make bench-data SCALE=large   # once: scratch database kam_bench_large
    make bench SCALE=large        # measure and print the table
    make bench SCALE=large RECORD=1   # ... and write it to bench/RESULTS.md

Called by tools/kamctl.py with the Odoo connection arguments. Ratios are
measured side by side in the same process, on the same rows, so that they
do not depend on how fast the machine is.
"""

import argparse
import datetime
import os
import platform
import statistics
import sys
import time
import tracemalloc

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)


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


def timed(func, repeat=3):
    """Median wall time of ``repeat`` calls (and the last result)."""
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def count_queries(env, func):
    before = env.cr.sql_log_count
    result = func()
    return env.cr.sql_log_count - before, result


# ----------------------------------------------------------------- operations

def bench_recompute(env):
    """Metrics recompute for all partners vs the plain SQL aggregate (the floor)."""
    company = env.company
    window_start = datetime.date.today() - datetime.timedelta(days=30 * company.kam_window_months)
    cr = env.cr

    def floor():
        # The same rows as the addon reads: posted customer invoice and refund
        # product lines of the window, by commercial partner; confirmed orders.
        cr.execute(
            """
            SELECT am.commercial_partner_id, SUM(-l.balance)
              FROM account_move_line l
              JOIN account_move am ON am.id = l.move_id
             WHERE l.parent_state = 'posted' AND l.display_type = 'product'
               AND am.move_type IN ('out_invoice', 'out_refund')
               AND l.company_id = %s AND l.date >= %s
             GROUP BY am.commercial_partner_id
            """, [company.id, window_start])
        invoiced = cr.fetchall()
        cr.execute(
            """
            SELECT o.partner_id, SUM(o.amount_untaxed), SUM(o.margin), COUNT(*)
              FROM sale_order o
             WHERE o.state = 'sale' AND o.company_id = %s AND o.date_order >= %s
             GROUP BY o.partner_id
            """, [company.id, window_start])
        return len(invoiced), len(cr.fetchall())

    def addon():
        env["res.partner"]._kam_recompute_metrics()
        env.invalidate_all()

    addon()  # warm caches the same way for both
    floor()
    t_floor, _ = timed(floor)
    t_addon, _ = timed(addon)
    cr.execute("SELECT count(*) FROM account_move_line WHERE display_type = 'product'")
    lines = cr.fetchone()[0]
    cr.execute("SELECT count(*) FROM res_partner")
    partners = cr.fetchone()[0]
    return {
        "operation": f"Metrics recompute ({partners:,} partners, {lines:,} invoice lines)",
        "floor": f"plain SQL SUM … GROUP BY: {t_floor:.2f} s",
        "addon": f"{t_addon:.2f} s",
        "ratio": t_addon / t_floor,
        "target": "≤ 2×",
        "ok": t_addon / t_floor <= 2.0,
    }


def bench_comm_cron(env):
    """Daily communication cron over the key accounts with plans."""
    scheduler = env.get("kam.comm.scheduler")
    if scheduler is None:
        return None
    cr = env.cr
    cr.execute("SELECT count(*) FROM res_partner WHERE kam_status = 'key'")
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


def bench_pipeline(env):
    """Pipeline kanban web_search_read of 80 leads, with vs without the addon's fields."""
    lead = env["crm.lead"]
    view = env.ref("crm.crm_case_kanban_view_leads")
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
    t_plain, _ = timed(lambda: read(spec_plain), repeat=5)
    t_kam, _ = timed(lambda: read(spec_kam), repeat=5)
    del view
    return {
        "operation": f"Pipeline kanban read, 80 leads (+{len(kam_fields)} KAM fields)",
        "floor": f"without KAM fields: {q_plain} queries, {t_plain * 1000:.0f} ms",
        "addon": f"with KAM fields: {q_kam} queries, {t_kam * 1000:.0f} ms",
        "ratio": t_kam / t_plain,
        "target": "queries equal within a constant",
        "ok": q_kam - q_plain <= 6,
    }


def bench_export(env):
    """Portfolio Excel export of 10 000 accounts: time and peak Python memory."""
    export = env.get("kam.export")
    if export is None:
        return None
    cr = env.cr
    # 10 000 accounts in the portfolio: the biggest customers, marked key in
    # this transaction only (rolled back after the measure).
    cr.execute(
        """
        UPDATE res_partner SET kam_status = 'key'
         WHERE id IN (SELECT id FROM res_partner WHERE is_company ORDER BY id LIMIT 10000)
           AND kam_status = 'none'
        """
    )
    env["res.partner"]._kam_recompute_metrics()
    env.invalidate_all()
    domain = [("kam_status", "=", "key")]
    accounts = env["kam.portfolio.report"].search_count(domain)
    tracemalloc.start()
    start = time.perf_counter()
    data = export._kam_build_portfolio_workbook(domain)
    elapsed = time.perf_counter() - start
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    cr.rollback()
    return {
        "operation": f"Portfolio Excel export ({accounts:,} accounts, {len(data) / 1e6:.1f} MB xlsx)",
        "floor": "—",
        "addon": f"{elapsed:.2f} s, peak {peak / 2**20:.0f} MiB (tracemalloc)",
        "ratio": peak / 2**20,
        "target": "seconds, bounded memory",
        "ok": elapsed < 60 and peak < 512 * 2**20,
    }


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


def cmd_run(args):
    env = open_env(args)
    rows = []
    try:
        for bench in (bench_recompute, bench_comm_cron, bench_pipeline, bench_export):
            print(f"… {bench.__doc__.splitlines()[0]}", flush=True)
            row = bench(env)
            env.cr.rollback()
            if row:
                rows.append(row)
                print(f"   {row['addon']}  (floor: {row['floor']})", flush=True)
        env.cr.execute("SHOW server_version")
        pg_version = env.cr.fetchone()[0]
    finally:
        env.cr.close()
    table = [
        "| operation | floor | kam_management | ratio | target | ok |",
        "|---|---|---|---|---|---|",
    ]
    for row in rows:
        table.append(f"| {row['operation']} | {row['floor']} | {row['addon']} | "
                     f"{row['ratio']:.2f} | {row['target']} | {'yes' if row['ok'] else 'NO'} |")
    header = (f"Scale `{args.scale}`, measured {datetime.date.today()} on {os.cpu_count()} CPUs "
              f"({platform.machine()}), PostgreSQL {pg_version}, Python {platform.python_version()}.")
    print("\n" + header + "\n\n" + "\n".join(table))
    ok = all(row["ok"] for row in rows)
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
    sections[f"## Scale {args.scale}"] = ["", header, "", *table, ""]
    with open(out, "w") as f:
        f.write("# Benchmark results\n\nWritten by `make bench`; ratios are addon time / floor "
                "time measured side by side in one run (for the cron: queries per batch; for "
                "the export: peak MiB).\n\n")
        for title, body in sorted(sections.items()):
            f.write(title + "\n" + "\n".join(body).rstrip() + "\n\n")
    print(f"\nwritten to {os.path.relpath(out)}")
    return 0 if ok else 1


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("command", choices=["data", "run"])
    parser.add_argument("--scale", default="small", choices=["small", "medium", "large"])
    parser.add_argument("--db", required=True)
    parser.add_argument("--addons-path", required=True)
    parser.add_argument("--odoo-args", default="")
    parser.add_argument("--record", action="store_true",
                        help="write the results to bench/RESULTS.md (make bench RECORD=1)")
    args = parser.parse_args()
    if args.command == "data":
        cmd_data(args)
        return 0
    return cmd_run(args)


if __name__ == "__main__":
    sys.exit(main())
