# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..rules.cadence import cadence_errors
from .kam_contact_log import CHANNELS, PERSONAL_CHANNELS

KINDS = [
    ("contact", "Keep in Touch (any contact)"),
    ("call", "Call"),
    ("meeting", "Meeting / Visit"),
    ("message", "Message"),
    ("greeting", "Greeting"),
    ("printed", "Printed Materials / Souvenirs"),
    ("event_invitation", "Event Invitation"),
    ("gift", "Gift"),
    ("feedback", "Feedback Request"),
    ("news", "News / Information"),
    ("tender", "Tender Preparation"),
]
# Purposes of a communication (digest §5.2.2).
PURPOSES = [
    ("remind", "Remind About Us"),
    ("inform", "Inform"),
    ("feedback", "Get Feedback"),
    ("solution", "Work Out a Solution"),
    ("attention", "Show Attention"),
    ("gratitude", "Express Gratitude"),
]
CADENCES = [
    ("interval", "Every N Days"),
    ("per_quarter", "N Times per Quarter"),
    ("per_year", "N Times per Year"),
    ("yearly_dates", "Fixed Yearly Dates"),
    ("once", "Once"),
]
DATE_SOURCES = [
    ("fixed", "Fixed Dates"),
    ("professional_day", "Client's Professional Holiday"),
    ("company_birthday", "Client Company's Birthday"),
]


class KamCommCadenceMixin(models.AbstractModel):
    """What is planned and how often: shared by template lines and plan lines."""

    _name = "kam.comm.cadence.mixin"
    _inherit = ["kam.bounds.mixin"]
    _description = "Communication Cadence"

    kind = fields.Selection(KINDS, required=True, default="call")
    channel = fields.Selection(CHANNELS, default="phone")
    is_personal = fields.Boolean(
        string="Personal",
        compute="_compute_is_personal",
        store=True,
        readonly=False,
        help="Face-to-face contact: shifted past a cool-down of its responsible user.",
    )
    purpose = fields.Selection(PURPOSES)
    cadence_kind = fields.Selection(CADENCES, string="Cadence", required=True, default="per_quarter")
    interval_days = fields.Integer(string="Every (days)", default=30)
    times = fields.Integer(string="Times", default=1, help="Contacts per quarter or per year.")
    yearly_dates = fields.Char(
        string="Dates",
        help="Month-day pairs separated by commas, e.g. 01-01, 02-23, 03-08.",
    )
    date_source = fields.Selection(
        DATE_SOURCES,
        string="Dates From",
        default="fixed",
        required=True,
        help="Fixed dates, or a date kept on the account (its professional holiday or "
        "its foundation date, year ignored).",
    )
    positive_only = fields.Boolean(
        string="Positive Contact",
        help="Only a positive contact fulfils this line (the positive-contact rule).",
    )
    lead_days = fields.Integer(
        string="Remind (days before)",
        default=0,
        help="The reminder is created this many days before the due date. Greetings use "
        "the company's greeting lead time.",
    )
    note = fields.Text()
    cadence_display = fields.Char(
        string="How Often",
        compute="_compute_cadence_display",
        help="The cadence in words: every 10 days, twice a quarter, every year on 03-08…",
    )

    @api.depends("channel")
    def _compute_is_personal(self):
        for line in self:
            line.is_personal = line.channel in PERSONAL_CHANNELS

    @api.depends("cadence_kind", "interval_days", "times", "yearly_dates", "date_source")
    def _compute_cadence_display(self):
        sources = dict(self._fields["date_source"]._description_selection(self.env))
        for line in self:
            line.cadence_display = line._kam_cadence_words(sources)

    def _kam_cadence_words(self, sources):
        self.ensure_one()
        kind = self.cadence_kind
        if kind == "interval":
            if self.interval_days == 1:
                return self.env._("every day")
            return self.env._("every %(days)s days", days=self.interval_days)
        if kind in ("per_quarter", "per_year"):
            if self.times == 1:
                return self.env._("once a quarter") if kind == "per_quarter" else self.env._("once a year")
            if kind == "per_quarter":
                return self.env._("%(times)s times a quarter", times=self.times)
            return self.env._("%(times)s times a year", times=self.times)
        if kind == "yearly_dates":
            dates = [self.yearly_dates] if self.yearly_dates else []
            if self.date_source != "fixed":
                dates.append(sources.get(self.date_source, ""))
            return self.env._("every year on %(dates)s", dates=", ".join(dates))
        if kind == "once":
            return self.env._("once")
        return ""

    @api.constrains("cadence_kind", "interval_days", "times", "yearly_dates", "date_source", "lead_days")
    def _check_cadence(self):
        messages = self._kam_cadence_messages()
        for line in self:
            codes = cadence_errors(
                line.cadence_kind,
                interval_days=line.interval_days,
                times=line.times,
                dates_text=line.yearly_dates,
                has_account_dates=line.date_source != "fixed",
            )
            if line.lead_days < 0:
                codes.append("lead_days")
            if codes:
                raise ValidationError("\n".join(messages.get(code, code) for code in codes))
            # Upper bounds: a count of days or contacts the scheduler's date
            # arithmetic can still add up (a lead time of 999 999 999 days cannot).
            line._kam_check_bounds(["interval_days", "times", "lead_days"])

    def _kam_cadence_messages(self):
        return {
            "kind": self.env._("Unknown cadence."),
            "negative": self.env._("The number of days and of contacts of a cadence cannot be negative."),
            "interval_days": self.env._("A cadence of every N days needs N of at least 1."),
            "times_quarter": self.env._("Contacts per quarter must be between 1 and 90."),
            "times_year": self.env._("Contacts per year must be between 1 and 365."),
            "dates_format": self.env._(
                "Yearly dates must be month-day pairs separated by commas, e.g. 01-01, 03-08."
            ),
            "dates_missing": self.env._("Fixed yearly dates need at least one date."),
            "lead_days": self.env._("The reminder lead time cannot be negative."),
        }
