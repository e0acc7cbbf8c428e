# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError

# WeChat's custom menu rules (Official Account docs, "Creating a custom menu").
MAX_TOP_BUTTONS = 3
MAX_SUB_BUTTONS = 5
MAX_TOP_NAME_BYTES = 16
MAX_SUB_NAME_BYTES = 60
MAX_KEY_BYTES = 128
MAX_URL_BYTES = 1024


class CallcenterWechatMenuButton(models.Model):
    """A button of the Official Account's custom menu, pushed to WeChat as a whole.

    WeChat counts name lengths in UTF-8 bytes: a top button holds 16 bytes
    (five Chinese characters are too many), a sub-button 60.
    """

    _name = "callcenter.wechat.menu.button"
    _description = "WeChat Custom Menu Button"
    _order = "sequence, id"

    account_id = fields.Many2one(
        "callcenter.wechat.account", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="account_id.company_id", store=True)
    parent_id = fields.Many2one(
        "callcenter.wechat.menu.button", index=True, ondelete="cascade", string="Parent Button",
        domain="[('account_id', '=', account_id), ('parent_id', '=', False)]",
    )
    child_ids = fields.One2many("callcenter.wechat.menu.button", "parent_id", string="Sub-buttons")
    sequence = fields.Integer(default=10)
    name = fields.Char(required=True, translate=True)
    kind = fields.Selection(
        [("click", "Send a key"), ("view", "Open a web page"), ("menu", "Open sub-buttons")],
        default="click", required=True,
    )
    key = fields.Char(help="Sent back in the CLICK event.")
    url = fields.Char(string="URL")
    queue_id = fields.Many2one(
        "callcenter.queue", string="Route to Queue",
        help="A click on this button opens a conversation in this queue.",
    )

    _sql_constraints = [
        ("key_unique", "UNIQUE(account_id, key)",
         "Each button of a menu needs its own key: the CLICK event only carries the key."),
    ]

    # ------------------------------------------------------------------
    # CONSTRAINTS
    # ------------------------------------------------------------------

    @api.constrains("parent_id", "account_id", "kind")
    def _check_structure(self):
        _ = self.env._
        for button in self:
            parent = button.parent_id
            if parent.parent_id:
                raise ValidationError(_(
                    "WeChat menus have two levels: \"%(button)s\" cannot go under a sub-button.",
                    button=button.name,
                ))
            if parent and parent.account_id != button.account_id:
                raise ValidationError(_(
                    "A sub-button belongs to the account of its parent button."
                ))
            if parent and parent.kind != "menu":
                raise ValidationError(_(
                    "\"%(parent)s\" must open sub-buttons to hold \"%(button)s\".",
                    parent=parent.name, button=button.name,
                ))
        self._wechat_check_menu_rules()

    @api.constrains("name", "kind", "key", "url", "parent_id")
    def _check_wechat_rules(self):
        _ = self.env._
        for button in self:
            is_sub = bool(button.parent_id)
            limit = MAX_SUB_NAME_BYTES if is_sub else MAX_TOP_NAME_BYTES
            if len(button.name.encode()) > limit:
                raise ValidationError(_(
                    "\"%(button)s\" is too long: WeChat allows %(limit)s bytes for a "
                    "%(level)s name (a Chinese character takes 3).",
                    button=button.name, limit=limit,
                    level=_("sub-button") if is_sub else _("top button"),
                ))
            if button.kind == "menu":
                if is_sub:
                    raise ValidationError(_(
                        "\"%(button)s\" is a sub-button: it cannot open more sub-buttons.",
                        button=button.name,
                    ))
            elif button.kind == "click":
                if not button.key:
                    raise ValidationError(_(
                        "\"%(button)s\" sends a key: enter the key.", button=button.name
                    ))
                if len(button.key.encode()) > MAX_KEY_BYTES:
                    raise ValidationError(_(
                        "The key of \"%(button)s\" is longer than %(limit)s bytes.",
                        button=button.name, limit=MAX_KEY_BYTES,
                    ))
            else:
                if not button.url:
                    raise ValidationError(_(
                        "\"%(button)s\" opens a web page: enter its URL.", button=button.name
                    ))
                if not button.url.startswith(("http://", "https://")):
                    raise ValidationError(_(
                        "The URL of \"%(button)s\" must start with http:// or https://.",
                        button=button.name,
                    ))
                if len(button.url.encode()) > MAX_URL_BYTES:
                    raise ValidationError(_(
                        "The URL of \"%(button)s\" is longer than %(limit)s bytes.",
                        button=button.name, limit=MAX_URL_BYTES,
                    ))

    def _wechat_check_menu_rules(self):
        """At most 3 top buttons per account and 5 sub-buttons per button."""
        _ = self.env._
        for button in self.filtered(lambda b: b.kind != "menu" and b.child_ids):
            raise ValidationError(_(
                "\"%(button)s\" has sub-buttons: it must open them.", button=button.name
            ))
        accounts = self.account_id
        if accounts:
            counts = self._read_group(
                [("account_id", "in", accounts.ids), ("parent_id", "=", False)],
                ["account_id"], ["__count"],
            )
            for account, count in counts:
                if count > MAX_TOP_BUTTONS:
                    raise ValidationError(_(
                        "The menu of %(account)s has %(count)s top buttons; WeChat allows "
                        "%(limit)s.", account=account.name, count=count, limit=MAX_TOP_BUTTONS,
                    ))
        parents = self.parent_id
        if parents:
            counts = self._read_group(
                [("parent_id", "in", parents.ids)], ["parent_id"], ["__count"]
            )
            for parent, count in counts:
                if count > MAX_SUB_BUTTONS:
                    raise ValidationError(_(
                        "\"%(button)s\" has %(count)s sub-buttons; WeChat allows %(limit)s.",
                        button=parent.name, count=count, limit=MAX_SUB_BUTTONS,
                    ))

    # ------------------------------------------------------------------
    # BUSINESS
    # ------------------------------------------------------------------

    def _wechat_check_push(self):
        """What can only be checked once the menu is complete, just before pushing."""
        empty = self.filtered(lambda button: button.kind == "menu" and not button.child_ids)
        if empty:
            raise ValidationError(self.env._(
                "\"%(button)s\" opens sub-buttons but has none: add some or change its type.",
                button=empty[0].name,
            ))
        self._wechat_check_menu_rules()

    def _wechat_menu_json(self):
        """This button as menu/create expects it; a button with sub-buttons has no type."""
        self.ensure_one()
        if self.kind == "menu":
            return {
                "name": self.name,
                "sub_button": [child._wechat_menu_json() for child in self.child_ids],
            }
        if self.kind == "view":
            return {"type": "view", "name": self.name, "url": self.url}
        return {"type": "click", "name": self.name, "key": self.key}
