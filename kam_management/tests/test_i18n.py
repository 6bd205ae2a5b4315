# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

import os

import polib

from odoo.tests import TransactionCase, tagged
from odoo.tools.translate import TranslationModuleReader


@tagged("post_install", "-at_install")
class TestI18nTemplate(TransactionCase):
    def test_pot_holds_every_term(self):
        """Every translatable term of the addon is in i18n/kam_management.pot."""
        pot_path = os.path.join(os.path.dirname(os.path.dirname(__file__)), "i18n",
                                "kam_management.pot")
        pot_ids = {entry.msgid for entry in polib.pofile(pot_path)}
        reader = TranslationModuleReader(self.env.cr, modules=["kam_management"])
        sources = {source for module, _type, _name, _res_id, source, _value, _comments in reader
                   if module == "kam_management"}
        missing = sorted(sources - pot_ids)
        self.assertFalse(missing, f"{len(missing)} terms are missing from the .pot (run "
                         f"`make i18n`), e.g. {missing[:5]}")
