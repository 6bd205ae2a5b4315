# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""The peer stage: Odoo's own suites of the modules the addon extends.

The same stock tests run twice, on two copies of one database: once with
kam_management installed (and its demo data: the demo's partners become key
accounts) and once without it. Every selected test, ``at_install`` ones
included, runs after the registry is fully loaded (see odoo_tests.py), so that
each one meets the addon's overrides. The results are compared per test id:
the stage fails only for a test that fails with the addon and passes without
it; a test that fails on both sides is listed once, with its reason, and
counted as skipped (it says nothing about the addon).
"""

import concurrent.futures
import json
import os
import re
import time

from .common import ADDON, LOGS, ROOT, log
from .odoo import short_reason

# The quick part, in `make test`: crm, sale_management, sale_margin, sale_crm
# (installed with the addon's dependencies: it is auto_install on crm + sale)
# and base's partner tests.
BASE_PARTNER_CLASSES = ("TestPartner", "TestPartnerAddressCompany", "TestPartnerForm",
                        "TestPartnerRecursion", "TestMergePartner", "TestResPartnerBank")
QUICK_TAGS = ["/crm", "/sale_management", "/sale_margin", "/sale_crm",
              *(f"/base:{name}" for name in BASE_PARTNER_CLASSES)]
# The full part adds sale, calendar and mail's activity tests. Most of mail's
# activity tests live in Odoo's test_mail module (test models), installed on
# both sides for them.
MAIL_ACTIVITY_CLASSES = ("TestActivityRights", "TestActivityFlow", "TestActivityMixin",
                         "TestActivitySystray", "TestActivityViewHelpers", "TestORM", "TestTours",
                         "TestActivitySchedule")
FULL_TAGS = [*QUICK_TAGS, "/sale", "/calendar", "/mail:TestMailActivityChatter",
             *(f"/test_mail:{name}" for name in MAIL_ACTIVITY_CLASSES)]
FULL_MODULES = "test_mail"

# A failed stock test is run once more, on both sides, before it counts (Odoo's
# own ODOO_TEST_FAILURE_RETRIES): a browser tour can fail once for reasons of
# neither side (e.g. a thread race in CPython 3.11's parser). Retried tests are listed.
RETRIES = int(os.environ.get("KAM_PEERS_RETRIES", "1"))

_CLASS_LEVEL = re.compile(r"^(?P<cls>.+)\.(setUpClass|tearDownClass)$")


def run_peers(odoo, pg, base_db, prefix, full=False):
    """Return a stage result dict (ok, passed, failed, skipped, seconds, note).

    The run without the addon starts as soon as its database is ready; the
    addon is installed on the other copy meanwhile and its run follows, so
    that both sides share the machine's cores (KAM_PEERS_PARALLEL=0: one
    after the other).
    """
    started = time.time()
    tags = ",".join(FULL_TAGS if full else QUICK_TAGS)
    name = "peers-full" if full else "peers"
    without, with_addon = f"{prefix}_peer_wo", f"{prefix}_peer_kam"
    logs = {side: os.path.join(LOGS, f"{name}-{side}.log") for side in ("with", "without")}
    results = {side: os.path.join(LOGS, f"{name}-{side}.jsonl") for side in ("with", "without")}
    parallel = os.environ.get("KAM_PEERS_PARALLEL", "1") != "0" and (os.cpu_count() or 1) > 1
    runs = {}

    def side_without():
        runs["without"] = odoo.test(without, tags, logs["without"], results["without"],
                                    all_post_install=True, retries=RETRIES)
        _log_side(name, "without", runs["without"])

    def side_with():
        if not odoo.install(with_addon, ADDON, os.path.join(LOGS, f"{name}-install.log")):
            return
        runs["with"] = odoo.test(with_addon, tags, logs["with"], results["with"],
                                 all_post_install=True, retries=RETRIES)
        _log_side(name, "with", runs["with"])

    try:
        pg.create_db(without, template=base_db)
        if full and not odoo.install(without, FULL_MODULES, os.path.join(LOGS, f"{name}-prep.log")):
            return _broken(started, f"installing {FULL_MODULES} failed")
        pg.create_db(with_addon, template=without)
        log(f"{name}: Odoo's own tests {tags}, with {ADDON} ({with_addon}) and without it "
            f"({without}){', side by side' if parallel else ''}")
        if parallel:
            with concurrent.futures.ThreadPoolExecutor(2) as pool:
                for future in [pool.submit(side_without), pool.submit(side_with)]:
                    future.result()
        else:
            side_without()
            side_with()
    finally:
        pg.drop_db(with_addon)
        pg.drop_db(without)
    if "with" not in runs:
        return _broken(started, f"installing {ADDON} failed")
    report = compare(runs["with"].results, runs["without"].results)
    report["tags"] = tags
    report["seconds"] = {side: round(run.seconds) for side, run in runs.items()}
    path = os.path.join(LOGS, f"{name}.json")
    with open(path, "w") as handle:
        json.dump(report, handle, indent=1, sort_keys=True)
    _print(name, report, path)
    failed = len(report["regressions"])
    crashed = not runs["with"].results or not runs["without"].results
    if crashed:
        log(f"{name}: a side ran no test: see {os.path.relpath(logs['with'], ROOT)} and "
            f"{os.path.relpath(logs['without'], ROOT)}")
    return {
        "ok": failed == 0 and not crashed,
        "passed": report["counts"]["passed"],
        "failed": failed + (1 if crashed else 0),
        "skipped": report["counts"]["skipped"] + len(report["both"]),
        "seconds": time.time() - started,
        "note": (f"{report['counts']['run']} stock tests run on both sides: "
                 f"{failed} failed with the addon only; failed with it: "
                 f"{report['counts']['failed_with']}, without it: "
                 f"{report['counts']['failed_without']}"),
    }


def _log_side(name, side, run):
    log(f"{name}: {side} {ADDON}: {run.passed} passed, {run.failed} failed, "
        f"{run.skipped} skipped in {run.seconds:.0f} s")


def _broken(started, why):
    log(f"peers: {why}")
    return {"ok": False, "passed": 0, "failed": 1, "skipped": 0,
            "seconds": time.time() - started, "note": why}


def _status(results, tid):
    """Status of ``tid`` on one side, reading class-level errors for absent tests."""
    if tid in results:
        return results[tid]["status"], results[tid]["reason"]
    cls, _, _method = tid.rpartition(".")
    for hook in ("setUpClass", "tearDownClass"):
        holder = results.get(f"{cls}.{hook}")
        if holder and holder["status"] == "failed":
            return "failed", holder["reason"]
    m = _CLASS_LEVEL.match(tid)
    if m and any(other.startswith(m.group("cls") + ".") for other in results):
        return "passed", ""  # the class set up fine on this side
    return "missing", "did not run"


def compare(with_addon, without):
    """Per test id: regressions (fail with, pass without), failures on both sides."""
    ids = sorted(set(with_addon) | set(without))
    regressions, both, skipped, retried, counts = [], [], [], [], {
        "run": 0, "passed": 0, "skipped": 0, "failed_with": 0, "failed_without": 0}
    for tid in ids:
        s_with, r_with = _status(with_addon, tid)
        s_without, r_without = _status(without, tid)
        counts["run"] += 1
        for side, results in (("with", with_addon), ("without", without)):
            if results.get(tid, {}).get("retried") and results[tid]["status"] == "passed":
                retried.append({"id": tid, "side": side,
                                "reason": short_reason(results[tid]["retried"])})
        if s_with == "failed":
            counts["failed_with"] += 1
        if s_without == "failed":
            counts["failed_without"] += 1
        if s_with == "passed":
            counts["passed"] += 1
        elif s_with == "skipped":
            counts["skipped"] += 1
            skipped.append({"id": tid, "reason": (r_with or "no reason given").strip()[:200]})
        if s_with in ("failed", "missing") and s_without == "failed":
            both.append({"id": tid, "reason": short_reason(r_without or r_with)})
        elif s_with in ("failed", "missing") and s_without != "failed":
            regressions.append({"id": tid, "with": s_with, "without": s_without,
                                "reason": short_reason(r_with)})
    return {"counts": counts, "regressions": regressions, "both": both, "skipped": skipped,
            "retried": retried}


def _print(name, report, path):
    c = report["counts"]
    log(f"{name}: {c['run']} stock tests compared: {c['passed']} passed with {ADDON}, "
        f"{len(report['regressions'])} failed with the addon only, "
        f"{c['failed_with']} failed with it, {c['failed_without']} failed without it "
        f"({os.path.relpath(path, ROOT)})")
    for item in report["retried"]:
        log(f"  passed on its retry ({item['side']} {ADDON}): {item['id']}: {item['reason']}")
    for item in report["skipped"]:
        log(f"  skipped {item['id']}: {item['reason']}")
    for item in report["both"]:
        log(f"  fails with and without {ADDON} (not counted): {item['id']}: {item['reason']}")
    for item in report["regressions"]:
        log(f"  FAILS WITH {ADDON} ONLY: {item['id']} ({item['with']} with, {item['without']} "
            f"without): {item['reason']}")
