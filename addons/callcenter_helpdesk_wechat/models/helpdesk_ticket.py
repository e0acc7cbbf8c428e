# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

    callcenter_wechat_conversation_ids = fields.Many2many(
        "callcenter.wechat.conversation", "callcenter_wechat_conversation_helpdesk_ticket_rel",
        "ticket_id", "conversation_id", string="WeChat Conversations", copy=False,
    )
    callcenter_wechat_conversation_count = fields.Integer(
        compute="_compute_callcenter_wechat_conversation_count", string="Conversation Count",
    )

    @api.depends("callcenter_wechat_conversation_ids")
    def _compute_callcenter_wechat_conversation_count(self):
        for ticket in self:
            ticket.callcenter_wechat_conversation_count = len(
                ticket.callcenter_wechat_conversation_ids)

    def action_view_callcenter_wechat_conversations(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "callcenter_wechat.callcenter_wechat_conversation_action")
        action["domain"] = [("id", "in", self.callcenter_wechat_conversation_ids.ids)]
        action["context"] = {"create": False}
        return action
