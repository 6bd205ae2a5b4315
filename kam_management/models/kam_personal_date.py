from odoo import api, fields, models

from ..rules.dmu import next_occurrence


class KamPersonalDate(models.Model):
    """A personal holiday of a person of a key account (name day, anniversary…).

    Personal data (digest §3.3): readable by the KAM groups only. The
    communication plan greets people on these dates, as on birthdays.
    """

    _name = "kam.personal.date"
    _description = "Personal Date"
    _order = "partner_id, date, id"

    partner_id = fields.Many2one(
        "res.partner", string="Person", required=True, index=True, ondelete="cascade"
    )
    # The person's company, as for res.partner.bank: the data follows the person.
    company_id = fields.Many2one(related="partner_id.company_id", store=True, index=True)
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
