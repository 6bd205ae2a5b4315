"""Read views as the web client renders them, to test what a user sees."""

import re

from lxml import etree

from odoo.tools.safe_eval import safe_eval

IDENTIFIER = re.compile(r"\b[a-z_][a-z0-9_]*\b")


class ViewReader:
    """Read a view as a user's browser gets it, and what it shows for a record."""

    def _view(self, model, user, view_type="form"):
        arch = self.env[model].with_user(user).get_view(view_type=view_type)["arch"]
        return etree.fromstring(arch)

    def _shown(self, node, record):
        """Evaluate the ``invisible`` expressions of the node and its parents on ``record``
        (read as its user)."""
        expressions = [
            element.get("invisible") for element in (node, *node.iterancestors())
            if element.get("invisible") not in (None, "0", "False")
        ]
        if not expressions:
            return True
        names = {
            name for expression in expressions for name in IDENTIFIER.findall(expression)
            if name in record._fields
        }
        values = {"uid": record.env.uid}
        for name, value in record.read(sorted(names))[0].items():
            values[name] = value[0] if isinstance(value, tuple) else value
        return not any(safe_eval(expression, values) for expression in expressions)


class PartnerFormReader(ViewReader):
    """The partner form: which stat buttons a user sees on an account, in order."""

    def _form(self, user):
        return self._view("res.partner", user)

    def visible_buttons(self, user, record):
        form = self._form(user)
        record = record.with_user(user)
        return [
            button.get("name") for button in form.xpath("//div[@name='button_box']/button")
            if self._shown(button, record)
        ]
