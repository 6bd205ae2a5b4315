# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""The addon builds as a wheel (whool) that carries everything Odoo loads."""

import ast
import os
import subprocess
import sys
import zipfile

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ADDON = os.path.join(ROOT, "kam_management")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "-o", str(out), ADDON],
        check=True, capture_output=True, text=True, timeout=600,
    )
    (path,) = out.glob("*.whl")
    return path


def test_wheel_name_and_metadata(wheel):
    assert wheel.name.startswith("odoo_addon_kam_management-18.0.")
    with zipfile.ZipFile(wheel) as zf:
        metadata = next(n for n in zf.namelist() if n.endswith("METADATA"))
        text = zf.read(metadata).decode()
    assert "Name: odoo-addon-kam_management" in text
    assert "Requires-Dist: odoo==18.0.*" in text
    assert "License: LGPL-3" in text


def test_wheel_carries_every_manifest_file(wheel):
    manifest = ast.literal_eval(open(os.path.join(ADDON, "__manifest__.py")).read())
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
    prefix = "odoo/addons/kam_management/"
    for rel in manifest["data"] + manifest.get("demo", []):
        assert prefix + rel in names, f"{rel} is missing from the wheel"
    for rel in ("__manifest__.py", "__init__.py", "models/__init__.py",
                "static/description/icon.png", "static/description/index.html"):
        assert prefix + rel in names, f"{rel} is missing from the wheel"
    assert any(n.startswith(prefix + "i18n/") and n.endswith(".pot") for n in names)
    assert not any("/.kam/" in n or n.endswith(".pyc") for n in names)
