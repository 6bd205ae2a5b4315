# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""`make test`: its stages, each with its counts and time, and the summary line.

    lint      ruff and pylint-odoo
    base      a fresh database with the addon's dependencies and demo data, the
              starting point that the next stages copy (built once per run)
    odoo      the addon's Odoo tests, installed on a copy of base (screenshots excluded)
    peers     Odoo's own suites of crm, sale_management, sale_margin, sale_crm and
              base's partner tests, with and without the addon (peers.py)
    blackbox  pytest tests/: pure rules, install/upgrade/uninstall, RPC, the wheel

`--tags` (the developers' loop) runs lint and the selected Odoo tests only,
on a fresh database, or a copy of KAM_TEMPLATE_DB when it is set.
"""

import concurrent.futures
import glob
import os
import re
import shutil
import sys
import time
import uuid
from xml.etree import ElementTree

from . import peers
from .common import ADDON, DATA_DIR, DEPENDS, LOGS, ROOT, log, run
from .deps import prepare
from .odoo import Odoo, echo_addon_progress, short_reason
from .pg import Postgres

# The addon's tests in `make test`: all but the screenshots (`make screenshots`).
ADDON_TAGS = f"/{ADDON},-kam_screenshots"
# Every pytest run selects its plugins itself: none is auto-loaded from the
# machine's site-packages (pytest-odoo, pytest-benchmark, ... stay out).
PYTEST_ENV = {"PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}
PYTEST_ARGS = ["-p", "no:cacheprovider"]
DEBIAN = ("chromium", "wkhtmltopdf", "pdftotext")
# oca-odoo-pre-commit-hooks, run with the toolchain's Python (its console
# scripts may not be on PATH), with the project's .oca_hooks.cfg.
OCA_HOOK = "import sys; from oca_pre_commit_hooks.{} import main; sys.exit(main())"
OCA_ARGS = ("--no-verbose", "--config", os.path.join(ROOT, ".oca_hooks.cfg"))


class Stage:
    def __init__(self, name, ok, passed=0, failed=0, skipped=0, seconds=0.0, note=""):
        self.name, self.ok, self.note = name, ok, note
        self.passed, self.failed, self.skipped, self.seconds = passed, failed, skipped, seconds
        if not ok and failed == 0:
            self.failed = 1  # a stage that failed without a failing test still counts once

    def line(self):
        counts = f"{self.passed} passed, {self.failed} failed"
        if self.skipped:
            counts += f", {self.skipped} skipped"
        note = f" — {self.note}" if self.note else ""
        return (f"{self.name:<9} {'ok' if self.ok else 'FAILED':<6} {counts} "
                f"in {_duration(self.seconds)}{note}")


def _duration(seconds):
    seconds = int(round(seconds))
    return f"{seconds // 60} min {seconds % 60:02d} s" if seconds >= 60 else f"{seconds} s"


# ---------------------------------------------------------------- stages

def stage_lint(tc):
    started = time.time()
    checks = [
        ("ruff", [tc.python, "-m", "ruff", "check", ROOT]),
        ("pylint-odoo", [tc.python, "-m", "pylint", "--rcfile", os.path.join(ROOT, ".pylintrc"),
                         os.path.join(ROOT, ADDON)]),
        # OCA's checks of the addon (manifest, data, views) and of its
        # translations: the hooks of .pre-commit-config.yaml, a few seconds.
        ("oca-checks-odoo-module", [tc.python, "-c", OCA_HOOK.format("cli"), *OCA_ARGS,
                                    os.path.join(ROOT, ADDON)]),
        ("oca-checks-po", [tc.python, "-c", OCA_HOOK.format("cli_po"), *OCA_ARGS,
                           *sorted(glob.glob(os.path.join(ROOT, ADDON, "i18n", "*.po*")))]),
    ]
    passed = failed = 0
    for name, cmd in checks:
        log(f"lint: {name}")
        if run(cmd, check=False, env=tc.env()).returncode == 0:
            passed += 1
        else:
            failed += 1
    return Stage("lint", failed == 0, passed, failed, 0, time.time() - started)


def stage_base(odoo, pg, db):
    started = time.time()
    log(f"base: fresh database {db} with {DEPENDS} and demo data")
    pg.create_db(db)
    ok = odoo.install(db, DEPENDS, os.path.join(LOGS, "base-install.log"))
    return Stage("base", ok, 1 if ok else 0, 0 if ok else 1, 0, time.time() - started,
                 "the database the next stages copy")


def stage_addon(odoo, pg, db, tags, template=None, name="odoo"):
    """Install the addon (demo data included) on ``db`` and run its tests."""
    started = time.time()
    pg.create_db(db, template=template)
    origin = f"a copy of {template}" if template else "an empty database"
    log(f"{name}: -i {ADDON} --test-tags={tags} on {db} ({origin})")
    logfile = os.path.join(LOGS, "odoo-tests.log")
    # Per database: several runs may share the working tree.
    results = os.path.join(LOGS, f"odoo-tests-{db}.jsonl")
    try:
        result = odoo.test(db, tags, logfile, results, install=ADDON, echo=echo_addon_progress)
    finally:
        pg.drop_db(db)
        if os.path.exists(results):
            os.remove(results)
    for tid in result.ids("skipped"):
        log(f"  skipped {_short_id(tid)}: {result.results[tid]['reason']}")
    for tid in result.ids("failed"):
        log(f"  FAILED {_short_id(tid)}: {short_reason(result.results[tid]['reason'])}")
    for line in result.errors:
        log(f"  ERROR logged outside a test's failure: {line[:300]}")
    failed = result.failed + len(result.errors)
    total = result.passed + result.failed + result.skipped
    ok = result.rc == 0 and failed == 0 and total > 0
    note = f"log: {os.path.relpath(logfile, ROOT)}"
    if total == 0:
        note = "no test ran; " + note
    elif result.rc != 0 and failed == 0:
        note = f"Odoo exited with {result.rc}; " + note
    return Stage(name, ok, result.passed, failed, result.skipped, time.time() - started, note)


def _short_id(tid):
    return re.sub(r"^odoo\.addons\.[\w]+\.tests\.", "", tid)


def stage_pytest(tc, pg, name, args, extra_env=None):
    """A pytest run with explicitly chosen plugins; counts from its junit file."""
    started = time.time()
    junit = os.path.join(LOGS, f"{name}.xml")
    if os.path.exists(junit):
        os.remove(junit)
    env = tc.env(**PYTEST_ENV, KAM_DB_ARGS=" ".join(pg.args()), KAM_ODOO_ROOT=tc.odoo_root,
                 **(extra_env or {}))
    cmd = [tc.python, "-m", "pytest", *PYTEST_ARGS, "-q", "-rs", f"--junitxml={junit}", *args]
    log(f"{name}: {' '.join(['pytest', *cmd[3:]])}")
    rc = run(cmd, check=False, env=env, cwd=ROOT).returncode
    tests, failed, skipped = junit_counts(junit)
    ok = rc == 0 and tests > 0
    note = "" if tests else "no test ran"
    return Stage(name, ok, tests - failed - skipped, failed, skipped, time.time() - started, note)


def junit_counts(path):
    """(tests, failed, skipped) of a junit file, one per test case.

    Subtests are not counted as tests (pytest's testsuite totals include them):
    a test with a failing subtest is one failed test.
    """
    if not os.path.exists(path):
        return 0, 0, 0
    try:
        tree = ElementTree.parse(path)
    except ElementTree.ParseError:
        return 0, 0, 0
    tests = failed = skipped = 0
    for case in tree.iter("testcase"):
        tests += 1
        if case.find("failure") is not None or case.find("error") is not None:
            failed += 1
        elif case.find("skipped") is not None:
            skipped += 1
    return tests, failed, skipped


# ---------------------------------------------------------------- make test

def cmd_test(args):
    started = time.time()
    tc = prepare(debian=DEBIAN)
    os.makedirs(LOGS, exist_ok=True)
    pg = Postgres().start()
    odoo = Odoo(tc, pg)
    prefix = f"kam_t{uuid.uuid4().hex[:6]}"
    base = f"{prefix}_base"
    try:
        if args.tags:
            stages = [stage_lint(tc)]
            stages.append(stage_addon(odoo, pg, f"{prefix}_addon", args.tags,
                                      template=os.environ.get("KAM_TEMPLATE_DB")))
        else:
            # Lint meanwhile the base database installs: two processes, two cores.
            with concurrent.futures.ThreadPoolExecutor(1) as pool:
                building = pool.submit(stage_base, odoo, pg, base)
                stages = [stage_lint(tc)]
                stages.append(building.result())
            if stages[-1].ok:
                stages.append(stage_addon(odoo, pg, f"{prefix}_addon", ADDON_TAGS, template=base))
                stages.append(Stage("peers", **_peer_counts(
                    peers.run_peers(odoo, pg, base, prefix, full=args.full_peers))))
            extra_env = {"KAM_RUN_PREFIX": prefix}
            if stages[1].ok:
                extra_env["KAM_BASE_DB"] = base
            stages.append(stage_pytest(tc, pg, "blackbox", ["tests"], extra_env))
    finally:
        # Every database of this run (the black-box tests' too: KAM_RUN_PREFIX)
        # and its filestore, even when a stage crashed.
        for name in _databases(pg, prefix):
            pg.drop_db(name)
        for path in glob.glob(os.path.join(DATA_DIR, "filestore", f"{prefix}_*")):
            shutil.rmtree(path, ignore_errors=True)
        pg.stop()
    summarize(stages, started)


def _peer_counts(result):
    return {k: result[k] for k in ("ok", "passed", "failed", "skipped", "seconds", "note")}


def _databases(pg, prefix):
    res = pg.psql(f"select datname from pg_database where datname like '{prefix}%'", check=False)
    return [name for name in res.stdout.split() if name]


def summarize(stages, started):
    print(flush=True)
    for stage in stages:
        log(stage.line())
    log(f"total: {_duration(time.time() - started)}")
    passed = sum(s.passed for s in stages)
    failed = sum(s.failed for s in stages)
    skipped = sum(s.skipped for s in stages)
    line = f"{passed} passed, {failed} failed"
    if skipped:
        line += f", {skipped} skipped"
    print(line, flush=True)
    sys.exit(0 if failed == 0 and all(s.ok for s in stages) else 1)
