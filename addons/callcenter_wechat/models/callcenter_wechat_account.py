# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

WECHAT_API_BASE_URL = "https://api.weixin.qq.com/cgi-bin/"
MESSAGE_MODES = [
    ("plain", "Plain Text"),
    ("compatible", "Compatible"),
    ("safe", "Safe (encrypted)"),
]


class CallcenterWechatAccount(models.Model):
    _name = "callcenter.wechat.account"
    _description = "WeChat Official Account"
    _order = "name, id"

    name = fields.Char(required=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    app_id = fields.Char(string="AppID", required=True)
    app_secret = fields.Char(string="AppSecret", groups="base.group_system")
    token = fields.Char(
        groups="base.group_system",
        help="The Token entered in the Official Account's server configuration; "
        "it signs every request WeChat sends to the webhook.",
    )
    encoding_aes_key = fields.Char(
        string="EncodingAESKey", groups="base.group_system",
        help="43 characters, from the server configuration; needed in compatible and safe modes.",
    )
    message_mode = fields.Selection(MESSAGE_MODES, default="plain", required=True)
    api_base_url = fields.Char(
        string="API Base URL", required=True, default=WECHAT_API_BASE_URL,
        groups="base.group_system",
    )
    webhook_url = fields.Char(compute="_compute_webhook_url", string="Server URL")
    queue_id = fields.Many2one(
        "callcenter.queue", string="Queue", check_company=True,
        help="Conversations are routed to this queue's agents unless a menu button names another.",
    )
    resource_calendar_id = fields.Many2one(
        "resource.calendar", string="Business Hours",
        help="Outside these hours followers get the out-of-hours reply.",
    )
    welcome_message = fields.Text(translate=True)
    out_of_hours_message = fields.Text(translate=True)
    follower_ids = fields.One2many("callcenter.wechat.follower", "account_id")
    follower_count = fields.Integer(compute="_compute_follower_count")
    autoreply_ids = fields.One2many("callcenter.wechat.autoreply", "account_id", string="Auto-replies")
    menu_button_ids = fields.One2many(
        "callcenter.wechat.menu.button", "account_id", string="Menu",
        domain=[("parent_id", "=", False)],
    )
    template_ids = fields.One2many("callcenter.wechat.template", "account_id", string="Templates")

    _sql_constraints = [
        ("app_id_unique", "UNIQUE(app_id)", "This AppID already has an account."),
    ]

    @api.depends_context("uid")
    def _compute_webhook_url(self):
        base_url = self.env["ir.config_parameter"].sudo().get_param("web.base.url", "")
        for account in self:
            account.webhook_url = account.id and f"{base_url}/callcenter/wechat/{account.id}"

    def _compute_follower_count(self):
        counts = dict(self.env["callcenter.wechat.follower"]._read_group(
            [("account_id", "in", self.ids), ("subscribed", "=", True)], ["account_id"], ["__count"]
        ))
        for account in self:
            account.follower_count = counts.get(account, 0)
