# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class CallcenterWechatTransfer(models.TransientModel):
    _name = "callcenter.wechat.transfer"
    _description = "Transfer a WeChat Conversation"

    conversation_id = fields.Many2one("callcenter.wechat.conversation", required=True)
    target = fields.Selection([("agent", "An agent"), ("queue", "A queue")], default="agent", required=True)
    agent_id = fields.Many2one("callcenter.agent")
    queue_id = fields.Many2one("callcenter.queue")
    reason = fields.Char()
