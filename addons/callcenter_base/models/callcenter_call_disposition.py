# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class CallcenterCallDisposition(models.Model):
    _name = "callcenter.call.disposition"
    _description = "Call Disposition"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Char()
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    resolved = fields.Boolean(
        help="The customer's request was settled on this call (first-contact resolution)."
    )
    note_required = fields.Boolean(help="The agent must write a summary to use it.")
