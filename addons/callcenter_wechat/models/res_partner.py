# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    wechat_follower_ids = fields.One2many(
        "callcenter.wechat.follower", "partner_id", string="WeChat Followers",
        groups="callcenter_base.group_callcenter_agent",
    )
    wechat_conversation_count = fields.Integer(
        compute="_compute_wechat_conversation_count",
        groups="callcenter_base.group_callcenter_agent",
    )

    def _compute_wechat_conversation_count(self):
        counts = dict(self.env["callcenter.wechat.conversation"]._read_group(
            [("partner_id", "in", self.ids)], ["partner_id"], ["__count"]
        ))
        for partner in self:
            partner.wechat_conversation_count = counts.get(partner, 0)

    def action_view_wechat_conversations(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "callcenter_wechat.callcenter_wechat_conversation_action"
        )
        action["domain"] = [("partner_id", "=", self.id)]
        action["context"] = {"default_partner_id": self.id}
        return action
