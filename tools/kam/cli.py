# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""The other commands: run, peers, pytest-odoo, screenshots, lint, bench, i18n."""

import glob
import os
import signal
import subprocess
import sys
import time
import uuid

from . import peers, stages
from .common import ADDON, DATA_DIR, LOGS, ROOT, die, log, run
from .deps import addons_path, prepare
from .odoo import Odoo
from .pg import session

RUN_DB = os.environ.get("KAM_DB", "kam_demo")
PYTEST_ODOO_DB = os.environ.get("KAM_PYTEST_DB", "kam_pytest")


def _install_or_update(odoo, pg, db, logname):
    """Install the addon with demo data on a new ``db``, or update it on an existing one."""
    logfile = os.path.join(LOGS, logname)
    if pg.module_state(db, ADDON) == "installed":
        log(f"reusing database {db}; updating {ADDON} (-u {ADDON}), its data is kept")
        ok = odoo.install(db, ADDON, logfile, update=True)
    else:
        template = os.environ.get("KAM_TEMPLATE_DB")
        log(f"creating database {db} with {ADDON} and its demo data"
            + (f" (a copy of {template})" if template else ""))
        pg.create_db(db, template=template)
        ok = odoo.install(db, ADDON, logfile)
    if not ok:
        die(f"Odoo could not install or update {ADDON} on {db}: see {os.path.relpath(logfile, ROOT)}")


def cmd_run(_args):
    tc = prepare()
    os.makedirs(LOGS, exist_ok=True)
    with session() as pg:
        odoo = Odoo(tc, pg)
        _install_or_update(odoo, pg, RUN_DB, "run-install.log")
        port = os.environ.get("KAM_HTTP_PORT", "8069")
        log(f"serving on http://localhost:{port} (login admin / password admin); Ctrl-C stops")
        proc = subprocess.Popen(odoo.cmd(RUN_DB, f"--http-port={port}",
                                         "--http-interface=127.0.0.1", "--db-filter",
                                         f"^{RUN_DB}$"), env=odoo.env())
        try:
            proc.wait()
        except KeyboardInterrupt:
            proc.send_signal(signal.SIGINT)
            proc.wait()


def cmd_lint(_args):
    tc = prepare()
    stage = stages.stage_lint(tc)
    sys.exit(0 if stage.ok else 1)


def cmd_peers(args):
    """`make test-peers-full` (and `peers` alone): base database, then the peer stage."""
    started = time.time()
    tc = prepare(debian=("chromium",))
    os.makedirs(LOGS, exist_ok=True)
    prefix = f"kam_p{uuid.uuid4().hex[:6]}"
    result = []
    with session() as pg:
        odoo = Odoo(tc, pg)
        try:
            result.append(stages.stage_base(odoo, pg, f"{prefix}_base"))
            if result[-1].ok:
                outcome = peers.run_peers(odoo, pg, f"{prefix}_base", prefix, full=args.full)
                result.append(stages.Stage("peers-full" if args.full else "peers",
                                           **stages._peer_counts(outcome)))
        finally:
            pg.drop_db(f"{prefix}_base")
    stages.summarize(result, started)


def cmd_screenshots(_args):
    """The browser tests that take the README's screenshots into docs/screenshots/."""
    started = time.time()
    tc = prepare(debian=("chromium",))
    os.makedirs(LOGS, exist_ok=True)
    os.environ.setdefault("KAM_SCREENSHOTS_DIR", os.path.join(ROOT, "docs", "screenshots"))
    with session() as pg:
        stage = stages.stage_addon(Odoo(tc, pg), pg, f"kam_s{uuid.uuid4().hex[:6]}",
                                   f"/{ADDON}:TestScreenshots",
                                   template=os.environ.get("KAM_TEMPLATE_DB"), name="screenshots")
    stages.summarize([stage], started)


def cmd_pytest_odoo(args):
    """The addon's tests under pytest-odoo, on a database kept between runs.

    The first run creates KAM_PYTEST_DB (kam_pytest) with the addon and its
    demo data; later runs update the addon there (-u) and reuse it. HttpCase
    tests need --http (pytest-odoo's --odoo-http): without it pytest-odoo
    skips them, with its reason.
    """
    started = time.time()
    tc = prepare(debian=("chromium",) if args.http else ())
    os.makedirs(LOGS, exist_ok=True)
    with session() as pg:
        odoo = Odoo(tc, pg)
        db = PYTEST_ODOO_DB
        if args.drop:
            pg.drop_db(db)
            log(f"dropped {db}")
            return
        _install_or_update(odoo, pg, db, "pytest-odoo-install.log")
        odoo_args = [f"--odoo-database={db}", f"--odoo-addons-path={addons_path(tc.odoo_root)}",
                     "--odoo-log-level=critical", f"--odoo-extra=data-dir={DATA_DIR}",
                     *(f"--odoo-extra={a[2:]}" for a in pg.args())]
        if args.http:
            odoo_args.append("--odoo-http")
        extra = [a for a in (args.pytest_args or []) if a != "--"]
        if not any(os.path.exists(os.path.join(ROOT, a.split("::")[0])) for a in extra
                   if not a.startswith("-")):
            extra.append(f"{ADDON}/tests")  # no path given: all of the addon's tests
        tools = os.path.join(ROOT, "tools")
        pythonpath = os.pathsep.join(p for p in (tools, tc.env().get("PYTHONPATH")) if p)
        stage = stages.stage_pytest(tc, pg, "pytest-odoo",
                                    ["-p", "pytest_odoo", "-p", "kam.pytest_plugin",
                                     *odoo_args, *extra], {"PYTHONPATH": pythonpath})
    stages.summarize([stage], started)


def cmd_bench(args):
    """`bench-data`: fresh scratch database + generated data; `bench`: measure."""
    tc = prepare()
    with session() as pg:
        odoo = Odoo(tc, pg)
        # KAM_BENCH_DB names another scratch database (e.g. one per person)
        db = os.environ.get("KAM_BENCH_DB") or f"kam_bench_{args.scale}"
        bench = [tc.python, os.path.join(ROOT, "bench", "run.py")]
        common = ["--scale", args.scale, "--db", db, f"--addons-path={addons_path(tc.odoo_root)}",
                  "--odoo-args", " ".join(pg.args() + [f"--data-dir={DATA_DIR}"])]
        if args.cmd == "bench-data":
            log(f"creating scratch database {db} with {ADDON}")
            pg.create_db(db, os.environ.get("KAM_TEMPLATE_DB"))
            run(odoo.cmd(db, "-i", ADDON, "--stop-after-init", "--log-level=warn",
                         "--max-cron-threads=0"), env=odoo.env())
            log(f"generating {args.scale} data")
            run(bench + ["data", *common], env=odoo.env())
            return
        if not pg.db_exists(db):
            die(f"no database {db}: run `make bench-data SCALE={args.scale}` first")
        log(f"updating {ADDON} in {db}")
        run(odoo.cmd(db, "-u", ADDON, "--stop-after-init", "--log-level=warn",
                     "--max-cron-threads=0"), env=odoo.env())
        record = ["--record"] if args.record else []
        rc = run(bench + ["run", *common, *record], env=odoo.env(), check=False).returncode
    sys.exit(rc)


_MERGE_PO = """
import sys, polib
pot = polib.pofile(sys.argv[1])
for path in sys.argv[2:]:
    po = polib.pofile(path)
    po.merge(pot)
    for entry in po.obsolete_entries():
        po.remove(entry)
    po.save(path)
"""


def cmd_i18n(_args):
    """Export the addon's terms to i18n/kam_management.pot and merge them into the .po files.

    Existing translations are kept; new terms are added untranslated, so that
    the translation test points at what is left to translate.
    """
    tc = prepare()
    i18n = os.path.join(ROOT, ADDON, "i18n")
    pot = os.path.join(i18n, f"{ADDON}.pot")
    with session() as pg:
        odoo = Odoo(tc, pg)
        db = f"kam_i18n_{uuid.uuid4().hex[:8]}"
        try:
            pg.create_db(db, os.environ.get("KAM_TEMPLATE_DB"))
            run(odoo.cmd(db, "-i", ADDON, "--stop-after-init", "--log-level=warn"), env=odoo.env())
            os.makedirs(i18n, exist_ok=True)
            run(odoo.cmd(db, f"--i18n-export={pot}", f"--modules={ADDON}",
                         "--stop-after-init", "--log-level=warn"), env=odoo.env())
        finally:
            pg.drop_db(db)
    run([tc.python, "-c", _MERGE_PO, pot, *sorted(glob.glob(os.path.join(i18n, "*.po")))],
        env=odoo.env())
    log(f"exported {os.path.relpath(pot, ROOT)} and merged the .po files")


def cmd_odoo_root(_args):
    """Print the Odoo source root that will be used."""
    tc = prepare(install=False)
    print(tc.odoo_root)

