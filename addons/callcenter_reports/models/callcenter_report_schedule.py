# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class CallcenterReportSchedule(models.Model):
    _name = "callcenter.report.schedule"
    _description = "Scheduled Call Center Report"

    name = fields.Char()
