# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

MESSAGE_KINDS = [
    ("text", "Text"),
    ("image", "Image"),
    ("voice", "Voice"),
    ("video", "Video"),
    ("shortvideo", "Short Video"),
    ("location", "Location"),
    ("link", "Link"),
    ("event", "Event"),
    ("template", "Template Message"),
]
EVENTS = [
    ("subscribe", "Follow"),
    ("unsubscribe", "Unfollow"),
    ("scan", "QR Scan"),
    ("click", "Menu Click"),
    ("view", "Menu Link"),
    ("location", "Location Report"),
]
MESSAGE_STATES = [
    ("received", "Received"),
    ("processed", "Processed"),
    ("sent", "Sent"),
    ("failed", "Failed"),
]


class CallcenterWechatMessage(models.Model):
    _name = "callcenter.wechat.message"
    _description = "WeChat Message"
    _order = "id"
    _rec_name = "kind"

    account_id = fields.Many2one(
        "callcenter.wechat.account", required=True, index=True, ondelete="cascade", readonly=True
    )
    company_id = fields.Many2one(related="account_id.company_id", store=True)
    follower_id = fields.Many2one(
        "callcenter.wechat.follower", required=True, index=True, ondelete="cascade", readonly=True
    )
    conversation_id = fields.Many2one(
        "callcenter.wechat.conversation", index="btree_not_null", ondelete="cascade", readonly=True
    )
    direction = fields.Selection([("in", "Received"), ("out", "Sent")], required=True, readonly=True)
    kind = fields.Selection(MESSAGE_KINDS, required=True, readonly=True)
    event = fields.Selection(EVENTS, readonly=True)
    event_key = fields.Char(readonly=True)
    msg_id = fields.Char(string="MsgId", readonly=True)
    dedup_key = fields.Char(
        readonly=True,
        help="MsgId, or for events the sender and CreateTime: WeChat retries a delivery "
        "three times and each must be stored once.",
    )
    wechat_time = fields.Datetime(string="Sent At", readonly=True, help="WeChat's CreateTime.")
    body = fields.Text(readonly=True)
    media_id = fields.Char(readonly=True)
    thumb_media_id = fields.Char(readonly=True)
    media_format = fields.Char(readonly=True)
    attachment_id = fields.Many2one("ir.attachment", readonly=True)
    recognition = fields.Text(readonly=True, help="WeChat's speech recognition of a voice message.")
    latitude = fields.Float(digits=(10, 6), readonly=True)
    longitude = fields.Float(digits=(10, 6), readonly=True)
    scale = fields.Integer(readonly=True)
    label = fields.Char(readonly=True)
    url = fields.Char(readonly=True)
    title = fields.Char(readonly=True)
    description = fields.Text(readonly=True)
    author_id = fields.Many2one("res.users", readonly=True, help="The agent who sent it.")
    state = fields.Selection(MESSAGE_STATES, required=True, readonly=True, index=True)
    error = fields.Text(readonly=True)

    _sql_constraints = [
        ("dedup_unique", "UNIQUE(account_id, dedup_key)", "This WeChat message is already stored."),
    ]
