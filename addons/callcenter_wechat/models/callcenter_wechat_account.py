# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from wechatpy.exceptions import WeChatClientException

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools.client import TOKEN_ERRORS, CallcenterWeChatClient, WeChatNetworkError
from ..tools.token_store import TokenStore

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

    # ------------------------------------------------------------------
    # ORM
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        accounts = super().create(vals_list)
        # A token left by an earlier account of this AppID may come from
        # another server or secret: start afresh.
        accounts._wechat_forget_token()
        return accounts

    def write(self, vals):
        if {"app_id", "app_secret", "api_base_url"} & set(vals):
            self._wechat_forget_token()
            result = super().write(vals)
            self._wechat_forget_token()
            return result
        return super().write(vals)

    @api.depends_context("uid")
    def _compute_webhook_url(self):
        base_url = self.env["ir.config_parameter"].sudo().get_param("web.base.url", "")
        for account in self:
            account_id = account._origin.id
            account.webhook_url = account_id and f"{base_url}/callcenter/wechat/{account_id}"

    def _compute_follower_count(self):
        counts = dict(self.env["callcenter.wechat.follower"]._read_group(
            [("account_id", "in", self.ids), ("subscribed", "=", True)], ["account_id"], ["__count"]
        ))
        for account in self:
            account.follower_count = counts.get(account, 0)

    # ------------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------------

    def action_wechat_test_connection(self):
        """Fetches a token and calls a harmless API, so that a wrong AppID,
        secret, IP whitelist or base URL shows up now rather than on the first
        customer message."""
        self.ensure_one()
        client = self._wechat_client()
        try:
            client.fetch_access_token()
            client.misc.get_wechat_ips()
        except WeChatClientException as exc:
            raise self._wechat_user_error(exc) from None
        return self._wechat_success_notification(
            self.env._("Connection OK"),
            self.env._("WeChat accepted the AppID and AppSecret of %(account)s.", account=self.name),
        )

    def action_wechat_view_followers(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Followers"),
            "res_model": "callcenter.wechat.follower",
            "view_mode": "list,form",
            "domain": [("account_id", "=", self.id)],
            "context": {"default_account_id": self.id, "search_default_subscribed": 1},
        }

    def action_wechat_push_menu(self):
        """Replaces the Official Account's custom menu by the one edited in Odoo
        (WeChat has no partial update); without buttons the menu is removed."""
        self.ensure_one()
        self.menu_button_ids._wechat_check_push()
        payload = self._wechat_menu_payload()
        client = self._wechat_client()
        try:
            if payload["button"]:
                client.menu.create(payload)
            else:
                client.menu.delete()
        except WeChatClientException as exc:
            raise self._wechat_user_error(exc) from None
        if payload["button"]:
            message = self.env._(
                "Followers of %(account)s will see the new menu within a few minutes.",
                account=self.name,
            )
        else:
            message = self.env._("The menu of %(account)s was removed.", account=self.name)
        return self._wechat_success_notification(self.env._("Menu published"), message)

    def _wechat_success_notification(self, title, message):
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {"type": "success", "title": title, "message": message},
        }

    # ------------------------------------------------------------------
    # BUSINESS
    # ------------------------------------------------------------------

    def _wechat_client(self):
        """The wechatpy client of this account, for any user allowed to act on it."""
        self.ensure_one()
        # sudo: the AppSecret and base URL are admin-only fields, but agents
        # replying to a follower need the client built from them; they never
        # see the values.
        account = self.sudo()
        store = TokenStore(self.env.cr.dbname, account.app_id, fetch=None)
        return CallcenterWeChatClient(
            account.app_id, account.app_secret or "", account.api_base_url, store
        )

    def _wechat_forget_token(self):
        """Drops the shared token of these accounts' AppIDs (in its own transaction).

        Not while data files load: the token table may not even be committed yet
        and no token can exist for an account being installed.
        """
        if self.env.context.get("install_filename"):
            return
        for app_id in set(self.mapped("app_id")):
            TokenStore(self.env.cr.dbname, app_id, fetch=None).clear()

    def _wechat_menu_payload(self):
        """The menu as WeChat's menu/create expects it, in the current language."""
        self.ensure_one()
        return {"button": [button._wechat_menu_json() for button in self.menu_button_ids]}

    # ------------------------------------------------------------------
    # TOOLS
    # ------------------------------------------------------------------

    def _wechat_user_error(self, exc):
        """A UserError saying in plain words what a WeChat failure means.

        :param exc: a ``WeChatClientException`` raised by :meth:`_wechat_client`'s
            client (network failures are ``WeChatNetworkError``)
        """
        _ = self.env._
        account = self[:1].name or _("the WeChat account")
        if isinstance(exc, WeChatNetworkError) or exc.errcode is None:
            response = getattr(exc, "response", None)
            if response is not None:
                return UserError(_(
                    "WeChat answered with an HTTP error (%(status)s). Try again later; if it "
                    "persists, check the API base URL of %(account)s.",
                    status=response.status_code, account=account,
                ))
            return UserError(_(
                "WeChat could not be reached (%(error)s). Check this server's Internet "
                "access and the API base URL of %(account)s.",
                error=exc.errmsg, account=account,
            ))
        code = exc.errcode
        messages = {
            45015: _(
                "The follower has not written for more than 48 hours or has unfollowed: "
                "WeChat only accepts replies within 48 hours of the follower's last message."
            ),
            45047: _(
                "WeChat accepts at most 20 replies in a row: wait until the follower "
                "writes again."
            ),
            40003: _("This follower's OpenID does not belong to %(account)s.", account=account),
            43004: _("The follower has unfollowed %(account)s.", account=account),
            48001: _(
                "%(account)s is not authorized to use this WeChat function (it needs a "
                "verified service account).", account=account,
            ),
            40013: _("WeChat does not know the AppID of %(account)s.", account=account),
            40125: _("WeChat refused the AppSecret of %(account)s.", account=account),
            40164: _(
                "This server's IP address is not in the IP whitelist of %(account)s "
                "(WeChat Official Accounts Platform, Basic Configuration).", account=account,
            ),
            45009: _("%(account)s has used up its daily WeChat API quota.", account=account),
            40007: _(
                "The media file is unknown or has expired (WeChat keeps temporary media "
                "three days)."
            ),
            44004: _("The message is empty."),
            45002: _("The message is too long for WeChat."),
            40037: _(
                "The template ID is not in the template library of %(account)s.",
                account=account,
            ),
            46003: _("%(account)s has no custom menu.", account=account),
        }
        for token_error in TOKEN_ERRORS:
            messages[token_error] = _(
                "WeChat refused the access token of %(account)s even after renewing it. "
                "Check the AppSecret, and that no other system fetches tokens for this AppID.",
                account=account,
            )
        for menu_error in range(40016, 40028):
            messages[menu_error] = _(
                "WeChat refused the menu: %(reason)s (error %(code)s).",
                reason=exc.errmsg, code=code,
            )
        message = messages.get(code) or _(
            "WeChat error %(code)s: %(reason)s", code=code, reason=exc.errmsg
        )
        return UserError(message)
