# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class CallcenterStaffingPlanLine(models.Model):
    _name = "callcenter.staffing.plan.line"
    _description = "Staffing Plan Interval"

    name = fields.Char()
