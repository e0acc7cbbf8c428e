# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class CallcenterStaffingPlan(models.Model):
    _name = "callcenter.staffing.plan"
    _description = "Staffing Plan"

    name = fields.Char()
