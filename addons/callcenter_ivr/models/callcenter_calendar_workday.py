from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class CallcenterCalendarWorkday(models.Model):
    """A day off in the weekly hours that is worked this time (调休: the weekend
    made up around Chinese public holidays). Public holidays themselves are the
    calendar's global time off."""

    _name = "callcenter.calendar.workday"
    _description = "Special Working Day"
    _order = "date desc"

    name = fields.Char(string="Reason")
    calendar_id = fields.Many2one("resource.calendar", required=True, ondelete="cascade", index=True)
    date = fields.Date(required=True)
    hour_from = fields.Float(string="From", required=True, default=9.0)
    hour_to = fields.Float(string="To", required=True, default=18.0)

    @api.constrains("hour_from", "hour_to")
    def _check_hours(self):
        for day in self:
            if not 0 <= day.hour_from < day.hour_to <= 24:
                raise ValidationError(_("The working hours of %(date)s must run from an earlier "
                                        "to a later time within the day.", date=day.date))
