# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class CallcenterQaCriterion(models.Model):
    _name = "callcenter.qa.criterion"
    _description = "Quality Criterion"

    name = fields.Char()
