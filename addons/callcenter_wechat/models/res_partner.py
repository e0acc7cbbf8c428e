# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    wechat_follower_ids = fields.One2many("callcenter.wechat.follower", "partner_id", string="WeChat Followers")
    wechat_conversation_count = fields.Integer(compute="_compute_wechat_conversation_count")

    def _compute_wechat_conversation_count(self):
        counts = dict(self.env["callcenter.wechat.conversation"]._read_group(
            [("partner_id", "in", self.ids)], ["partner_id"], ["__count"]
        ))
        for partner in self:
            partner.wechat_conversation_count = counts.get(partner, 0)
