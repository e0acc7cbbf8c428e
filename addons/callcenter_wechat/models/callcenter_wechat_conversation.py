# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import api, fields, models

CONVERSATION_STATES = [
    ("waiting", "Waiting"),
    ("open", "Open"),
    ("closed", "Closed"),
]
REPLY_WINDOW = timedelta(hours=48)


class CallcenterWechatConversation(models.Model):
    _name = "callcenter.wechat.conversation"
    _description = "WeChat Conversation"
    _inherit = ["mail.thread"]
    _order = "last_message_at desc, id desc"

    name = fields.Char(related="follower_id.name")
    account_id = fields.Many2one(
        "callcenter.wechat.account", required=True, index=True, ondelete="cascade", readonly=True
    )
    company_id = fields.Many2one(related="account_id.company_id", store=True, index=True)
    follower_id = fields.Many2one(
        "callcenter.wechat.follower", required=True, index=True, ondelete="cascade", readonly=True
    )
    partner_id = fields.Many2one(related="follower_id.partner_id", store=True, index="btree_not_null")
    queue_id = fields.Many2one("callcenter.queue", index=True, tracking=True, readonly=True)
    agent_id = fields.Many2one("callcenter.agent", index=True, tracking=True, readonly=True)
    user_id = fields.Many2one(related="agent_id.user_id", store=True, index=True, string="Agent User")
    state = fields.Selection(
        CONVERSATION_STATES, default="waiting", required=True, index=True, tracking=True,
        readonly=True,
    )
    started_at = fields.Datetime(default=fields.Datetime.now, required=True, readonly=True)
    assigned_at = fields.Datetime(readonly=True)
    first_response_at = fields.Datetime(readonly=True)
    first_response_seconds = fields.Integer(
        readonly=True, aggregator="avg",
        help="From the conversation's first message to the agent's first reply.",
    )
    last_inbound_at = fields.Datetime(readonly=True)
    last_message_at = fields.Datetime(readonly=True, index=True)
    closed_at = fields.Datetime(readonly=True)
    disposition_id = fields.Many2one("callcenter.call.disposition", readonly=True, tracking=True)
    close_note = fields.Text(readonly=True)
    wechat_message_ids = fields.One2many(
        "callcenter.wechat.message", "conversation_id", string="WeChat Messages"
    )
    unread_count = fields.Integer(readonly=True, help="Customer messages since the agent's last reply.")
    window_expires_at = fields.Datetime(compute="_compute_window", string="Reply Window Ends")
    window_open = fields.Boolean(compute="_compute_window")

    @api.depends("last_inbound_at")
    @api.depends_context("uid")
    def _compute_window(self):
        now = fields.Datetime.now()
        for conversation in self:
            ends = conversation.last_inbound_at and conversation.last_inbound_at + REPLY_WINDOW
            conversation.window_expires_at = ends
            conversation.window_open = bool(ends and ends > now)
