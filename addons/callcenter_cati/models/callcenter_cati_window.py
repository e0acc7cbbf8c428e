# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

WEEKDAYS = [("0", "Monday"), ("1", "Tuesday"), ("2", "Wednesday"), ("3", "Thursday"),
            ("4", "Friday"), ("5", "Saturday"), ("6", "Sunday")]


class CallcenterCatiWindow(models.Model):
    """A weekday's calling hours, in the respondent's local time."""

    _name = "callcenter.cati.window"
    _description = "CATI Calling Window"
    _order = "weekday, hour_from"

    campaign_id = fields.Many2one("callcenter.cati.campaign", required=True, index=True,
                                  ondelete="cascade")
    weekday = fields.Selection(WEEKDAYS, required=True, default="0")
    hour_from = fields.Float(required=True, default=9.0)
    hour_to = fields.Float(required=True, default=21.0)

    @api.model_create_multi
    def create(self, vals_list):
        windows = super().create(vals_list)
        self._cati_clear_schedules()
        return windows

    def write(self, vals):
        result = super().write(vals)
        self._cati_clear_schedules()
        return result

    def unlink(self):
        result = super().unlink()
        self._cati_clear_schedules()
        return result

    def _cati_clear_schedules(self):
        """Campaigns cache their windows for the scheduler
        (`callcenter.cati.campaign._cati_schedule`)."""
        self.env.registry.clear_cache()

    @api.constrains("hour_from", "hour_to")
    def _check_hours(self):
        for window in self:
            if not 0 <= window.hour_from < window.hour_to <= 24:
                raise ValidationError(_("A calling window must start before it ends, within the day."))
