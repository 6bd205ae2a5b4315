# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""Odoo command lines, installs and test runs recorded per test id."""

import json
import os
import re
import subprocess
import sys
import time

from .common import ADDON, DATA_DIR, ROOT, free_port, log
from .deps import addons_path, odoo_script

RECORDER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "odoo_tests.py")

# "<date> <time> <pid> LEVEL <db> <logger>: <message>"
LOG_LINE = re.compile(r"^\S+ \S+ \d+ (?P<level>[A-Z]+) \S+ (?P<logger>[\w.]+): (?P<msg>.*)$")
RESULT_RE = re.compile(r"(\d+) failed, (\d+) error\(s\) of (\d+) tests")


class Odoo:
    """Odoo's command line for one PostgreSQL server and one Toolchain."""

    def __init__(self, toolchain, pg):
        self.tc = toolchain
        self.pg = pg

    def env(self):
        return self.tc.env()

    def _common(self, db):
        return [f"--addons-path={addons_path(self.tc.odoo_root)}", f"--data-dir={DATA_DIR}",
                "-d", db, *self.pg.args()]

    def cmd(self, db, *extra):
        script = odoo_script(self.tc.odoo_root)
        head = [self.tc.python, script] if script else [
            self.tc.python, "-c", "import sys, odoo; sys.argv[0] = 'odoo'; odoo.cli.main()"]
        return [*head, *self._common(db), *extra]

    def recorded_cmd(self, results, db, *extra, all_post_install=False):
        own = ["--results", results] + (["--all-post-install"] if all_post_install else [])
        return [self.tc.python, RECORDER, *own, "--", *self._common(db), *extra]

    def install(self, db, modules, logfile, update=False):
        """``-i`` (or ``-u``) ``modules`` without tests; True when Odoo exited cleanly
        without logging an error."""
        cmd = self.cmd(db, "-u" if update else "-i", modules, "--stop-after-init", "--log-level=info",
                       "--max-cron-threads=0", "--http-port", str(free_port()))
        rc, _lines, errors = _run_logged(cmd, self.env(), logfile, echo=_echo_errors)
        if rc != 0 or errors:
            log(f"installing {modules} on {db} failed (rc={rc}), see {os.path.relpath(logfile, ROOT)}")
            return False
        return True

    def test(self, db, tags, logfile, results, install=None, all_post_install=False,
             echo=None, retries=None):
        """Run the tests selected by ``tags`` (installing ``install`` first, if given).

        ``retries``: Odoo's own retry of a failed test (ODOO_TEST_FAILURE_RETRIES;
        None leaves the environment's value, by default no retry).
        """
        if os.path.exists(results):
            os.remove(results)
        extra = ["--test-enable", f"--test-tags={tags}", "--stop-after-init",
                 "--log-level=test", "--http-port", str(free_port()), "--max-cron-threads=0"]
        if install:
            extra = ["-i", install, *extra]
        cmd = self.recorded_cmd(results, db, *extra, all_post_install=all_post_install)
        started = time.time()
        env = self.env()
        if retries is not None:
            env["ODOO_TEST_FAILURE_RETRIES"] = str(retries)
        rc, lines, errors = _run_logged(cmd, env, logfile, echo=echo)
        run = TestRun(read_results(results), rc, lines, errors)
        run.seconds = time.time() - started
        return run


def _echo_errors(line):
    m = LOG_LINE.match(line)
    return bool(m and m.group("level") in ("ERROR", "CRITICAL"))


def echo_addon_progress(line):
    """What the addon's stage shows while it runs: failures and the result lines."""
    m = LOG_LINE.match(line)
    if not m:
        return False
    if m.group("level") in ("ERROR", "CRITICAL"):
        return True
    return m.group("logger") == "odoo.tests.result" or (
        m.group("logger") == "odoo.tests.stats" and ADDON in m.group("msg"))


def _run_logged(cmd, env, logfile, echo=None):
    """Run ``cmd``, log to ``logfile``; return (rc, lines, unattributed error lines)."""
    os.makedirs(os.path.dirname(logfile), exist_ok=True)
    lines = []
    with open(logfile, "w") as out:
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                text=True, errors="replace")
        for line in proc.stdout:
            out.write(line)
            lines.append(line.rstrip("\n"))
            if echo and echo(line):
                sys.stdout.write(line)
                sys.stdout.flush()
        rc = proc.wait()
    return rc, lines, unattributed_errors(lines)


def unattributed_errors(lines):
    """ERROR/CRITICAL log lines that are neither a test's failure nor a result summary."""
    bad = []
    for line in lines:
        m = LOG_LINE.match(line)
        if not m or m.group("level") not in ("ERROR", "CRITICAL"):
            continue
        msg, logger = m.group("msg"), m.group("logger")
        if re.match(r"(FAIL|ERROR): ", msg):
            continue  # a test's failure, counted per test
        if logger == "odoo.tests.result" or "at least one error occurred in a test" in msg \
                or re.search(r"\d+ failures?, \d+ errors? of \d+ tests", msg) \
                or re.search(r"Module \S+: \d+ failures?, \d+ errors?", msg):
            continue  # summaries of the above
        bad.append(line)
    return bad


def read_results(path):
    """{test id: {"status": passed|failed|skipped, "reason": str, "time": s}}."""
    out = {}
    if not os.path.exists(path):
        return out
    with open(path, encoding="utf-8") as handle:
        for raw in handle:
            try:
                row = json.loads(raw)
            except ValueError:
                continue
            entry = out.setdefault(row["id"], {"status": "started", "reason": "", "time": 0.0,
                                               "retried": ""})
            event = row["event"]
            if event == "retried":
                entry["retried"] = row.get("reason", "")
            elif event in ("fail", "error"):
                if entry["status"] != "failed":
                    entry["reason"] = row.get("reason", "")
                entry["status"] = "failed"
            elif event == "skip" and entry["status"] != "failed":
                entry["status"] = "skipped"
                entry["reason"] = row.get("reason", "")
            elif event == "pass" and entry["status"] == "started":
                entry["status"] = "passed"
            if "time" in row:
                entry["time"] = row["time"]
    for entry in out.values():
        if entry["status"] == "started":  # started, never finished: the run died in it
            entry["status"] = "failed"
            entry["reason"] = entry["reason"] or "the test started and never finished"
    return out


def short_reason(reason, width=220):
    """The last meaningful line of a traceback (the exception and its message)."""
    lines = [line.strip() for line in (reason or "").strip().splitlines() if line.strip()]
    if not lines:
        return "no reason given"
    for line in reversed(lines):
        if re.match(r"^[\w.]+(Error|Exception|Failure|Warning|Exit)\b|^AssertionError", line) \
                or ": " in line and not line.startswith("File "):
            return line[:width]
    return lines[-1][:width]


class TestRun:
    """The outcome of one recorded Odoo test run."""

    def __init__(self, results, rc, lines, errors):
        self.results = results
        self.rc = rc
        self.lines = lines
        self.errors = errors
        self.seconds = 0.0

    def ids(self, status):
        return sorted(tid for tid, r in self.results.items() if r["status"] == status)

    @property
    def passed(self):
        return len(self.ids("passed"))

    @property
    def failed(self):
        return len(self.ids("failed"))

    @property
    def skipped(self):
        return len(self.ids("skipped"))

    def odoo_summary(self):
        """Odoo's own "N failed, N error(s) of N tests" of the last database load."""
        text = "\n".join(self.lines)
        found = RESULT_RE.findall(text)
        return tuple(int(x) for x in found[-1]) if found else None
