# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import api, fields, models

from ..rules.dmu import next_occurrence


class KamPersonalDate(models.Model):
    """A personal holiday of a person of a key account (name day, anniversary…).

    Personal data (digest §3.3): part of the person's profile, whose record
    rules it follows. The communication plan greets people on these dates,
    as on birthdays.
    """

    _name = "kam.personal.date"
    _description = "Personal Date"
    _inherit = ["kam.derived.fields.mixin"]
    _order = "partner_id, date, id"

    profile_id = fields.Many2one(
        "kam.person.profile", string="Personal Profile", required=True, index=True,
        ondelete="cascade",
    )
    # Deleted with the person as with the profile (see kam.account.plan.review).
    partner_id = fields.Many2one(
        related="profile_id.partner_id", string="Person", store=True, index=True, ondelete="cascade",
    )
    name = fields.Char(string="Occasion", required=True)
    date = fields.Date(required=True)
    yearly = fields.Boolean(default=True, help="The date comes back every year.")
    next_date = fields.Date(
        compute="_compute_next_date",
        help="Next time this date comes, today included.",
    )
    notes = fields.Char()

    @api.depends("date", "yearly")
    def _compute_next_date(self):
        today = fields.Date.context_today(self)
        for personal_date in self:
            personal_date.next_date = next_occurrence(personal_date.date, today, personal_date.yearly)
