# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class CallcenterAgent(models.Model):
    _inherit = "callcenter.agent"

    team_id = fields.Many2one("callcenter.team", index=True, check_company=True)
