# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class CallcenterWechatFollower(models.Model):
    _name = "callcenter.wechat.follower"
    _description = "WeChat Follower"
    _order = "last_inbound_at desc, id desc"
    _rec_names_search = ["nickname", "openid", "partner_id"]

    name = fields.Char(compute="_compute_name", store=True)
    account_id = fields.Many2one(
        "callcenter.wechat.account", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="account_id.company_id", store=True, index=True)
    openid = fields.Char(string="OpenID", required=True, readonly=True)
    unionid = fields.Char(string="UnionID", index="btree_not_null")
    nickname = fields.Char()
    partner_id = fields.Many2one("res.partner", string="Contact", index="btree_not_null", tracking=True)
    subscribed = fields.Boolean(readonly=True)
    subscribe_time = fields.Datetime(readonly=True)
    unsubscribe_time = fields.Datetime(readonly=True)
    subscribe_scene = fields.Char(readonly=True, help="The QR scene or source of the last follow.")
    last_inbound_at = fields.Datetime(
        readonly=True, help="The follower's last message or event: it opens WeChat's 48-hour reply window."
    )
    latitude = fields.Float(digits=(10, 6), readonly=True)
    longitude = fields.Float(digits=(10, 6), readonly=True)
    conversation_ids = fields.One2many("callcenter.wechat.conversation", "follower_id")
    conversation_count = fields.Integer(compute="_compute_conversation_count")

    _sql_constraints = [
        ("openid_unique", "UNIQUE(account_id, openid)", "This follower already exists."),
    ]

    @api.depends("nickname", "openid")
    def _compute_name(self):
        for follower in self:
            follower.name = follower.nickname or follower.openid

    def _compute_conversation_count(self):
        counts = dict(self.env["callcenter.wechat.conversation"]._read_group(
            [("follower_id", "in", self.ids)], ["follower_id"], ["__count"]
        ))
        for follower in self:
            follower.conversation_count = counts.get(follower, 0)
