# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""The access matrix in the documentation is the one the Odoo tests check.

``kam_management/tests/access_matrix.py`` is the single source of truth: the
Odoo test ``test_access_matrix.py`` checks every cell, and
``tools/access_matrix_md.py`` renders it. Once the README carries the table
(between two ``<!-- access-matrix -->`` markers) it is checked there; until
then ``docs/access_matrix.md`` is.
"""

import importlib.util
import pathlib

ROOT = pathlib.Path(__file__).resolve().parent.parent


def _load(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


tool = _load("access_matrix_md", ROOT / "tools" / "access_matrix_md.py")
matrix = tool.load_matrix()


def _documented_table():
    readme = ROOT / "README.md"
    text = readme.read_text(encoding="utf-8") if readme.exists() else ""
    source = readme if matrix.MARKER in text else ROOT / "docs" / "access_matrix.md"
    text = source.read_text(encoding="utf-8")
    parts = text.split(matrix.MARKER)
    assert len(parts) == 3, f"{source.name}: the table must sit between two {matrix.MARKER} markers"
    return source, f"{matrix.MARKER}{parts[1]}{matrix.MARKER}\n"


def test_documented_matrix_is_the_generated_one():
    source, table = _documented_table()
    assert table == tool.render_table(), (
        f"{source.relative_to(ROOT)} is out of date: paste the output of "
        "`python3 tools/access_matrix_md.py` (or run it with --write)"
    )


def test_matrix_cells_are_well_formed():
    width = len(matrix.COLUMNS)
    for model, (cells, _note) in matrix.MODELS.items():
        assert model.startswith("kam."), model
        assert len(cells) == width, model
        for cell in cells:
            assert set(cell) <= set("RWCU"), (model, cell)
            # Creating alone is fine (generating one's own workbook); writing
            # or deleting what one cannot read is not.
            assert not set(cell) & set("WU") or "R" in cell, (
                f"{model}: whoever writes or deletes must read ({cell})"
            )
    assert matrix.TRANSIENT_MODELS <= set(matrix.MODELS)
    for (model, fname), (cells, _note) in matrix.FIELDS.items():
        assert len(cells) == width, fname
        for cell in cells:
            assert set(cell) <= set("RrW") and not {"R", "r"} <= set(cell), (fname, cell)
        if (model, fname) in matrix.COMPUTED_FIELDS:
            assert not any("W" in cell for cell in cells), f"{fname} is computed"
        if (model, fname) in matrix.DERIVED_FIELDS:
            assert not any("W" in cell for cell in cells), f"{fname} is derived: nobody writes it"
    assert matrix.DERIVED_FIELDS <= set(matrix.FIELDS)


def test_table_has_one_row_per_entry():
    rows = [line for line in tool.render_table().splitlines() if line.startswith("| `")]
    assert len(rows) == len(matrix.MODELS) + len(matrix.FIELDS)
