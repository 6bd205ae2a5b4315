#!/usr/bin/env python3
# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""Print (or write) the access matrix of kam_management as a Markdown table.

The matrix lives in ``kam_management/tests/access_matrix.py``, where the Odoo
test that checks every cell reads it; this script loads that file by path
(standard library only, no Odoo) and renders it.

    python3 tools/access_matrix_md.py                 # print the table
    python3 tools/access_matrix_md.py --write         # (re)write docs/access_matrix.md
"""

import argparse
import importlib.util
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
MATRIX = ROOT / "kam_management" / "tests" / "access_matrix.py"
DOC = ROOT / "docs" / "access_matrix.md"
INTRO = """## Access matrix

Who may read (R), write (W), create (C) and delete (U) each kind of KAM record,
and read or write the sensitive fields, as checked cell by cell by
`kam_management/tests/test_access_matrix.py` (through the ORM as each user, and
a representative subset over XML-RPC). Generated from
`kam_management/tests/access_matrix.py` by `tools/access_matrix_md.py`.

"""


def load_matrix():
    spec = importlib.util.spec_from_file_location("kam_access_matrix", MATRIX)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def render_table():
    """The marked Markdown table, as pasted in the README."""
    matrix = load_matrix()
    return f"{matrix.MARKER}\n{matrix.render_markdown()}{matrix.MARKER}\n"


def render_document():
    return INTRO + render_table()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help=f"write {DOC.relative_to(ROOT)}")
    args = parser.parse_args(argv)
    if args.write:
        DOC.write_text(render_document(), encoding="utf-8")
    else:
        sys.stdout.write(render_document())
    return 0


if __name__ == "__main__":
    sys.exit(main())
