# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""The project driver behind the Makefile (standard library only).

common  paths, logging, subprocess helpers
deps    Odoo discovery, the tools' Python (a venv under PEP 668), pip and apt-get
pg      PostgreSQL: reuse a server or start a private cluster; databases and filestores
odoo    Odoo command lines, installs, test runs recorded per test id
odoo_tests     runs in Odoo's Python: Odoo's CLI with each test's outcome as JSON lines
pytest_plugin  what Odoo's runner sets around tests, for pytest-odoo (-p kam.pytest_plugin)
stages  the stages of `make test` (lint, base, odoo, peers, black-box) and their summary
peers   Odoo's own suites of the extended modules, with and without the addon
cli     `make run`, `make bench`, `make i18n`, `make screenshots`, pytest-odoo
"""
