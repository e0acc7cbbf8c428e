# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class CallcenterReportExport(models.TransientModel):
    _name = "callcenter.report.export"
    _description = "Export Call Center Report"

    name = fields.Char()
