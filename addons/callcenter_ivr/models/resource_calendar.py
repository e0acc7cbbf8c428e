from datetime import datetime, time, timedelta

import pytz

from odoo import fields, models
from odoo.addons.resource.models.utils import Intervals

HORIZON_DAYS = 60


class ResourceCalendar(models.Model):
    _inherit = "resource.calendar"

    callcenter_workday_ids = fields.One2many(
        "callcenter.calendar.workday", "calendar_id", string="Special Working Days",
        groups="callcenter_base.group_callcenter_supervisor")

    def _callcenter_open_intervals(self, start, days=HORIZON_DAYS):
        """Open intervals as sorted [start, end] epoch seconds from `start` (aware UTC)
        for `days`: the weekly hours minus global time off (public holidays), plus
        the special working days. The connector decides from these alone, without
        asking Odoo during a call."""
        self.ensure_one()
        end = start + timedelta(days=days)
        work = self._work_intervals_batch(start, end)[False]
        tz = pytz.timezone(self.tz or "UTC")
        extra = []
        for day in self.callcenter_workday_ids:
            opens = tz.localize(datetime.combine(day.date, time()) + timedelta(hours=day.hour_from))
            closes = tz.localize(datetime.combine(day.date, time()) + timedelta(hours=day.hour_to))
            if closes > start and opens < end:
                extra.append((max(opens, start), min(closes, end), self.env["resource.calendar"]))
        merged = work | Intervals(extra)
        return [[begin.timestamp(), stop.timestamp()] for begin, stop, _record in merged]
