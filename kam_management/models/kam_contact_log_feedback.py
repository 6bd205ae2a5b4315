# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import fields, models


class KamContactLog(models.Model):
    """The feedback a contact brought (digest §5.7)."""

    _inherit = "kam.contact.log"

    feedback_ids = fields.One2many("kam.feedback", "log_id", string="Feedback")
