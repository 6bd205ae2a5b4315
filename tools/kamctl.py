#!/usr/bin/env python3
# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""Project driver behind `make run`, `make test` and the other Makefile targets.

Standard library only, so that it works before anything is installed. The
work is done by the modules of tools/kam/ (see tools/kam/__init__.py):
Odoo is looked for first (``import odoo`` for this Python, or ``ODOO_PATH``
pointing to an Odoo 18.0 source tree) and nothing is installed when it is
absent; then the project's tools are installed with pip (into .kam/venv when
this Python refuses pip installs, PEP 668) and the Debian programs with apt-get.
"""

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from kam import cli, stages


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="cmd", required=True)
    sub.add_parser("run", help="serve Odoo with the addon and demo data")
    test = sub.add_parser("test", help="lint, base, the addon's Odoo tests, peers, black-box")
    test.add_argument("--tags", help="Odoo --test-tags: lint and only those Odoo tests")
    test.add_argument("--full-peers", action="store_true",
                      help="the peer stage with sale, calendar and mail's activity tests")
    peer = sub.add_parser("peers", help="Odoo's own suites with and without the addon")
    peer.add_argument("--full", action="store_true",
                      help="add sale, calendar and mail's activity tests")
    pto = sub.add_parser("pytest-odoo", help="the addon's tests under pytest-odoo "
                         "(database kept between runs)")
    pto.add_argument("--http", action="store_true",
                     help="start Odoo's HTTP server (--odoo-http) so that HttpCase tests run")
    pto.add_argument("--drop", action="store_true", help="drop the kept database and stop")
    pto.add_argument("pytest_args", nargs=argparse.REMAINDER,
                     help="passed to pytest (after --), e.g. -- -k TestDmu")
    sub.add_parser("screenshots", help="the README's screenshots into docs/screenshots/")
    sub.add_parser("lint", help="ruff and pylint-odoo")
    sub.add_parser("i18n", help="export the .pot and merge it into the .po files")
    for name in ("bench", "bench-data"):
        bench = sub.add_parser(name, help="benchmark (bench-data fills the scratch database)")
        bench.add_argument("--scale", default=os.environ.get("SCALE", "small"),
                           choices=["small", "medium", "large"])
        bench.add_argument("--record", action="store_true",
                           default=os.environ.get("RECORD") in ("1", "yes", "true"),
                           help="write the results to bench/RESULTS.md (RECORD=1)")
    sub.add_parser("odoo-root", help="print the Odoo source root that will be used")
    args = parser.parse_args()
    handlers = {
        "run": cli.cmd_run,
        "test": stages.cmd_test,
        "peers": cli.cmd_peers,
        "pytest-odoo": cli.cmd_pytest_odoo,
        "screenshots": cli.cmd_screenshots,
        "lint": cli.cmd_lint,
        "i18n": cli.cmd_i18n,
        "bench": cli.cmd_bench,
        "bench-data": cli.cmd_bench,
        "odoo-root": cli.cmd_odoo_root,
    }
    handlers[args.cmd](args)


if __name__ == "__main__":
    main()
