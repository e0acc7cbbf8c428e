# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class CallcenterQaReview(models.Model):
    _name = "callcenter.qa.review"
    _description = "Quality Review"

    name = fields.Char()
