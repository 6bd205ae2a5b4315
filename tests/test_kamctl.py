# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""The driver's decisions before anything runs: Odoo first, then where the tools go.

`make test` must stop at once, installing nothing, on a machine without Odoo;
and on a Python that refuses pip installs (PEP 668: Odoo from Debian's own
package) it must put the project's tools in a virtual environment that still
imports that Odoo, instead of failing in pip.
"""

import glob
import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tools"))

from kam import deps  # noqa: E402


@pytest.mark.parametrize(("probe", "environ", "where"), [
    # A plain Python with pip (pyenv, a source build): the tools go into it.
    ({"in_venv": False, "marker": False, "has_pip": True}, {}, "system"),
    # Debian's /usr/bin/python3 with Odoo from the `odoo` package: PEP 668.
    ({"in_venv": False, "marker": True, "has_pip": True}, {}, "venv"),
    # ... unless the user consented to installing into it.
    ({"in_venv": False, "marker": True, "has_pip": True},
     {"PIP_BREAK_SYSTEM_PACKAGES": "1"}, "system"),
    # Debian's Python without python3-pip.
    ({"in_venv": False, "marker": True, "has_pip": False}, {}, "venv"),
    ({"in_venv": False, "marker": False, "has_pip": False}, {}, "venv"),
    # Already a virtual environment (the marker of its base does not apply).
    ({"in_venv": True, "marker": True, "has_pip": True}, {}, "system"),
    # Forced either way.
    ({"in_venv": False, "marker": False, "has_pip": True}, {"KAM_VENV": "1"}, "venv"),
    ({"in_venv": False, "marker": True, "has_pip": True}, {"KAM_VENV": "0"}, "system"),
])
def test_where_the_tools_go(probe, environ, where):
    decided, why = deps.decide_python(probe, environ)
    assert decided == where
    assert why


def test_this_python_is_probed():
    probe = deps.probe_python(sys.executable)
    assert set(probe) >= {"in_venv", "marker", "has_pip", "version"}
    assert probe["version"] == f"{sys.version_info[0]}.{sys.version_info[1]}"


def test_odoo_missing_stops_before_installing(tmp_path):
    """A Python without Odoo: a clear message, exit 2, no pip install, no venv."""
    python = tmp_path / "no-odoo" / "bin" / "python"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(python.parent.parent)],
                   check=True, timeout=120)
    stamps_before = set(glob.glob(os.path.join(ROOT, ".kam", "pip-*")))
    env = {k: v for k, v in os.environ.items() if k not in ("ODOO_PATH", "PYTHONPATH")}
    res = subprocess.run([str(python), os.path.join(ROOT, "tools", "kamctl.py"), "test"],
                         cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
                         check=False)
    assert res.returncode == 2, res.stdout + res.stderr
    assert "Odoo 18.0 was not found" in res.stderr
    assert "Nothing was run" in res.stderr
    assert "installing" not in res.stdout + res.stderr
    assert set(glob.glob(os.path.join(ROOT, ".kam", "pip-*"))) == stamps_before


def test_odoo_path_that_is_not_odoo_is_refused(tmp_path):
    env = dict(os.environ, ODOO_PATH=str(tmp_path))
    res = subprocess.run([sys.executable, os.path.join(ROOT, "tools", "kamctl.py"), "odoo-root"],
                         cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
                         check=False)
    assert res.returncode == 2
    assert "is not an Odoo source tree" in res.stderr


def test_the_venv_still_sees_this_odoo(tmp_path, monkeypatch):
    """Forced into a venv (as under PEP 668), the tools' Python imports the same Odoo."""
    pytest.importorskip("odoo", reason="this Python does not import odoo (ODOO_PATH setups)")
    monkeypatch.setattr(deps, "STATE", str(tmp_path))
    monkeypatch.setattr(deps, "VENV", str(tmp_path / "venv"))
    monkeypatch.setenv("KAM_VENV", "1")
    python = deps.tool_python(sys.executable)
    assert python == str(tmp_path / "venv" / "bin" / "python")
    res = subprocess.run(
        [python, "-c", "import sys, odoo; print(odoo.__file__); print(sys.prefix != sys.base_prefix)"],
        capture_output=True, text=True, timeout=120, check=True)
    odoo_file, in_venv = res.stdout.split()
    import odoo

    assert odoo_file == odoo.__file__
    assert in_venv == "True"
    assert deps.find_odoo(python)[0] == deps.find_odoo(sys.executable)[0]
