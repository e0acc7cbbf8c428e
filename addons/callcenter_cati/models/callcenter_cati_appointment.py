# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

from ..tools.timezones import local_time


class CallcenterCatiAppointment(models.Model):
    """A callback the respondent agreed to, at their local time."""

    _name = "callcenter.cati.appointment"
    _description = "CATI Appointment"
    _order = "scheduled_at"

    case_id = fields.Many2one("callcenter.cati.case", required=True, index=True, ondelete="cascade")
    campaign_id = fields.Many2one(related="case_id.campaign_id", store=True, index=True)
    company_id = fields.Many2one(related="case_id.company_id", store=True)
    scheduled_at = fields.Datetime(string="When", required=True)
    respondent_time = fields.Char(compute="_compute_respondent_time",
                                  help="The time as the respondent said it, in their zone.")
    agent_id = fields.Many2one("callcenter.agent", string="Interviewer",
                               help="Empty: any interviewer of the campaign.")
    note = fields.Text()
    state = fields.Selection([("pending", "Pending"), ("done", "Done"), ("cancelled", "Cancelled")],
                             default="pending", required=True)

    @api.depends("scheduled_at", "case_id.tz")
    def _compute_respondent_time(self):
        for appointment in self:
            zone = appointment.case_id.tz
            appointment.respondent_time = "%s (%s)" % (
                local_time(zone, appointment.scheduled_at).strftime("%Y-%m-%d %H:%M"), zone,
            ) if appointment.scheduled_at and zone else ""
