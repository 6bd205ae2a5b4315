# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""Russian and Italian translations are complete and keep every placeholder.

That the .pot itself is current (every term of the code and data in it) is
checked by the addon's Odoo test `test_i18n`, which needs a database.
"""

import os
import re

import polib
import pytest

I18N = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                    "kam_management", "i18n")
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sdf]|%[sd]|\{[a-z_0-9]*\}")


def test_pot_exists_and_is_not_empty():
    pot = polib.pofile(os.path.join(I18N, "kam_management.pot"))
    assert len(pot) > 100


@pytest.mark.parametrize("lang", ["ru", "it"])
def test_every_term_is_translated(lang):
    pot = polib.pofile(os.path.join(I18N, "kam_management.pot"))
    po = polib.pofile(os.path.join(I18N, f"{lang}.po"))
    translated = {(e.msgctxt, e.msgid): e for e in po if e.msgstr and not e.fuzzy}
    missing = [e.msgid for e in pot if (e.msgctxt, e.msgid) not in translated]
    assert not missing, f"{len(missing)} terms untranslated in {lang}.po, e.g. {missing[:5]}"
    assert po.metadata.get("Language") == lang


@pytest.mark.parametrize("lang", ["ru", "it"])
def test_placeholders_are_kept(lang):
    po = polib.pofile(os.path.join(I18N, f"{lang}.po"))
    wrong = [
        e.msgid for e in po
        if e.msgstr and sorted(PLACEHOLDER.findall(e.msgid)) != sorted(PLACEHOLDER.findall(e.msgstr))
    ]
    assert not wrong, f"placeholders differ in {lang}.po: {wrong[:5]}"
