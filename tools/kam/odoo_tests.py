# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""Run Odoo's own command line and record every test's outcome as JSON lines.

    python tools/kam/odoo_tests.py --results FILE [--all-post-install] -- <odoo arguments>

This file runs in Odoo's Python (it imports odoo); it is not imported by the
driver. It patches Odoo's test result class so that each test id gets one
line per event in FILE (``start``, ``pass``, ``fail``, ``error``, ``skip``),
written as it happens, so that a crash still leaves what ran.

``--all-post-install`` runs the selected ``at_install`` tests together with
the ``post_install`` ones, after the registry is fully loaded, and none while
the modules load. The peer stage uses it so that every stock test of a module
the addon extends runs with the addon's overrides in the registry: loaded in
graph order, a module's ``at_install`` tests only ever see the modules below it.
"""

import json
import os
import re
import sys
import time
import traceback

# This folder holds the driver's own odoo.py: it must not shadow Odoo's package.
_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or os.curdir) != _HERE]

_SETUP_RE = re.compile(r"^(setUpClass|tearDownClass|setUpModule|tearDownModule) \((.+)\)$")


def _test_id(test):
    """Stable id of a test, a subtest (its parent) or a class-level error holder."""
    parent = getattr(test, "test_case", None)
    if parent is not None:  # unittest's _SubTest
        test = parent
    tid = test.id()
    m = _SETUP_RE.match(tid)
    if m:
        tid = f"{m.group(2)}.{m.group(1)}"
    return tid


def _install_recorder(path):
    from odoo.tests import result as odoo_result

    handle = open(path, "a", buffering=1, encoding="utf-8")
    cls = odoo_result.OdooTestResult
    started = {}

    def emit(event, test, reason=""):
        tid = _test_id(test)
        row = {"id": tid, "event": event}
        if reason:
            row["reason"] = reason[-4000:]
        if event != "start" and tid in started:
            row["time"] = round(time.time() - started[tid], 3)
        handle.write(json.dumps(row) + "\n")

    def wrap(name, event, reason_of=None):
        original = getattr(cls, name)

        def method(self, test, *args):
            try:
                if event == "start":
                    started[_test_id(test)] = time.time()
                reason = reason_of(args) if reason_of else ""
                if event in ("fail", "error") and getattr(self, "_soft_fail", False):
                    # An attempt Odoo retries (ODOO_TEST_FAILURE_RETRIES): only the
                    # last try counts; this one is kept as a "retried" note.
                    emit("retried", test, reason)
                else:
                    emit(event, test, reason)
            except Exception:  # never break the run for the record
                traceback.print_exc()
            return original(self, test, *args)

        setattr(cls, name, method)

    def err_text(args):
        exc_type, value, tb = args[0]
        return "".join(traceback.format_exception(exc_type, value, tb))

    wrap("startTest", "start")
    wrap("addSuccess", "pass")
    wrap("addFailure", "fail", err_text)
    wrap("addError", "error", err_text)
    wrap("addSkip", "skip", lambda args: str(args[0]))
    # Failing subtests reach addFailure/addError with the subtest: recorded
    # under their parent test's id.


def _all_tests_after_loading():
    from odoo.tests import loader
    from odoo.tests.suite import OdooSuite

    original = loader.make_suite

    def make_suite(module_names, position="at_install"):
        if position == "at_install":
            return OdooSuite([])
        tests = list(original(module_names, "at_install")) + list(original(module_names, position))
        return OdooSuite(tests)

    loader.make_suite = make_suite


def main(argv):
    if "--" not in argv:
        sys.exit("usage: odoo_tests.py --results FILE [--all-post-install] -- <odoo args>")
    split = argv.index("--")
    own, odoo_args = argv[:split], argv[split + 1:]
    results = own[own.index("--results") + 1]
    os.environ["TZ"] = "UTC"
    time.tzset()
    import odoo

    _install_recorder(results)
    if "--all-post-install" in own:
        _all_tests_after_loading()
    sys.argv = ["odoo", *odoo_args]
    odoo.cli.main()


if __name__ == "__main__":
    main(sys.argv[1:])
