# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

COLUMN_ROLES = [
    ("skip", "Do Not Import"),
    ("reference", "Reference"),
    ("name", "Respondent"),
    ("phone", "Phone Number"),
    ("priority", "Priority"),
    ("agent", "Interviewer"),
    ("tz", "Time Zone"),
    ("field", "Sample Field"),
]
SINGLE_ROLES = ("reference", "name", "priority", "agent", "tz")


class CallcenterCatiImportColumn(models.TransientModel):
    """One column of the uploaded sample and what it becomes in the cases.

    Several columns may hold numbers (home, mobile, work): each becomes one of
    the case's numbers, labelled with the column's header.
    """

    _name = "callcenter.cati.import.column"
    _description = "CATI Sample Import Column"
    _order = "index"

    wizard_id = fields.Many2one("callcenter.cati.import", required=True, ondelete="cascade")
    campaign_id = fields.Many2one(related="wizard_id.campaign_id")
    index = fields.Integer(required=True, help="Position of the column in the file, from 0.")
    name = fields.Char(string="Column", readonly=True)
    example = fields.Char(string="Examples", readonly=True)
    role = fields.Selection(COLUMN_ROLES, string="Import As", required=True, default="skip")
    field_id = fields.Many2one(
        "callcenter.cati.field", string="Sample Field",
        domain="[('campaign_id', '=', campaign_id)]")

    @api.onchange("role")
    def _onchange_role(self):
        for column in self:
            if column.role != "field":
                column.field_id = False
