# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ResUsers(models.Model):
    _inherit = "res.users"

    callcenter_agent_ids = fields.One2many("callcenter.agent", "user_id", string="Agent Profiles")
    callcenter_agent_id = fields.Many2one(
        "callcenter.agent", compute="_compute_callcenter_agent_id", string="Call Center Agent"
    )

    def _compute_callcenter_agent_id(self):
        for user in self:
            user.callcenter_agent_id = user.callcenter_agent_ids[:1]
