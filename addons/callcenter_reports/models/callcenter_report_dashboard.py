# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class CallcenterReportDashboard(models.AbstractModel):
    _name = "callcenter.report.dashboard"
    _description = "Call Center Dashboard"

    name = fields.Char()
