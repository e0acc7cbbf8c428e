# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class CallcenterWechatLink(models.TransientModel):
    _name = "callcenter.wechat.link"
    _description = "Link a WeChat Follower to a Contact"

    conversation_id = fields.Many2one("callcenter.wechat.conversation", required=True)
    follower_name = fields.Char(related="conversation_id.name")
    partner_id = fields.Many2one("res.partner", string="Contact", required=True)

    def action_confirm(self):
        self.ensure_one()
        self.conversation_id.action_wechat_link_partner(self.partner_id.id)
        return {"type": "ir.actions.act_window_close"}
