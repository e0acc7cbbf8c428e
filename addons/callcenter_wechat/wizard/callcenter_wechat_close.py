# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class CallcenterWechatClose(models.TransientModel):
    _name = "callcenter.wechat.close"
    _description = "Close a WeChat Conversation"

    conversation_id = fields.Many2one("callcenter.wechat.conversation", required=True)
    disposition_id = fields.Many2one("callcenter.call.disposition", required=True)
    note = fields.Text()
