# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

import datetime

import pytz

from odoo import models

from ..rules.cadence import next_working_day


class ResourceCalendar(models.Model):
    _inherit = "resource.calendar"

    def _kam_next_working_day(self, day, company):
        """The first working day after ``day`` in this working calendar of ``company``.

        A working day is a day of the calendar's working hours (its attendances,
        two-week calendars included) with working time left once the leaves of
        the calendar and of the company (public holidays, closures) are taken
        out. Without a calendar, or in one with no working hours at all,
        Monday to Friday.
        """
        if not self:
            return next_working_day(day)
        self.ensure_one()
        calendar = self.sudo()
        tz = pytz.timezone(calendar.tz or "UTC")
        start = tz.localize(datetime.datetime.combine(
            day + datetime.timedelta(days=1), datetime.time.min
        ))
        end = calendar.plan_days(1, start, compute_leaves=True, domain=[
            ("time_type", "=", "leave"), ("company_id", "in", [False, company.id]),
        ])
        return end.astimezone(tz).date() if end else next_working_day(day)
