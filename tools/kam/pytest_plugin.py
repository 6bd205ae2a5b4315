# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""What Odoo's runner sets around each test and pytest-odoo 2.3 does not (Odoo 18).

Loaded explicitly next to pytest-odoo (``-p pytest_odoo -p kam.pytest_plugin``,
with tools/ on PYTHONPATH, as `make test-pytest-odoo` does): Odoo's runner marks
``odoo.modules.module.current_test`` while tests run, and code that commits in
batches (the communication cron) checks it so as not to commit inside a test.
"""

import threading

import pytest


@pytest.fixture(autouse=True)
def _kam_odoo_current_test(request):
    if not request.config.pluginmanager.has_plugin("odoo") and not \
            request.config.pluginmanager.has_plugin("pytest_odoo"):
        yield
        return
    from odoo.modules import module

    previous = module.current_test
    module.current_test = True
    threading.current_thread().testing = True
    try:
        yield
    finally:
        module.current_test = previous
