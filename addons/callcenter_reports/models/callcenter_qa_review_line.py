# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class CallcenterQaReviewLine(models.Model):
    _name = "callcenter.qa.review.line"
    _description = "Quality Review Score"

    name = fields.Char()
