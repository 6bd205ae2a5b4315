# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import fields, models


class KamAccount(models.Model):
    """A reference client, per company (digest §7.7): a known client that
    agreed to be named to prospects, who will ask what we did for it."""

    _inherit = "kam.account"  # pylint: disable=consider-merging-classes-inherited

    kam_reference_client = fields.Boolean(
        string="Reference Client", tracking=True,
        help="The client agreed to be named to prospects (and maybe called by them).",
    )
    kam_reference_note = fields.Text(
        string="What We Did for Them",
        help="The story prospects will ask about: what we delivered, the results, the figures "
        "we may quote.",
    )
