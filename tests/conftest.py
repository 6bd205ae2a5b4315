# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""Black-box tests: no Odoo registry in this process.

`load_rules("thresholds")` imports a pure module of kam_management/rules by
path, without importing the addon (and so without Odoo), which is how the
business arithmetic is tested without a database.
"""

import importlib.util
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
RULES = ROOT / "kam_management" / "rules"


def load_rules(name):
    spec = importlib.util.spec_from_file_location(f"kam_rules_{name}", RULES / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def rules():
    return load_rules
