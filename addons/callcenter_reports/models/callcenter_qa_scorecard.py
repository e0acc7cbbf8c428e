# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class CallcenterQaScorecard(models.Model):
    _name = "callcenter.qa.scorecard"
    _description = "Quality Scorecard"

    name = fields.Char()
