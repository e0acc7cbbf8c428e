# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class CallcenterWechatClose(models.TransientModel):
    _name = "callcenter.wechat.close"
    _description = "Close a WeChat Conversation"

    conversation_id = fields.Many2one("callcenter.wechat.conversation", required=True)
    disposition_id = fields.Many2one("callcenter.call.disposition", required=True)
    note_required = fields.Boolean(related="disposition_id.note_required")
    note = fields.Text()

    def action_confirm(self):
        self.ensure_one()
        self.conversation_id._wechat_close(self.disposition_id, self.note)
        return {"type": "ir.actions.act_window_close"}
