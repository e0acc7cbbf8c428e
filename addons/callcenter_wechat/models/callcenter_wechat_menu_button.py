# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class CallcenterWechatMenuButton(models.Model):
    _name = "callcenter.wechat.menu.button"
    _description = "WeChat Custom Menu Button"
    _order = "sequence, id"

    account_id = fields.Many2one(
        "callcenter.wechat.account", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="account_id.company_id", store=True)
    parent_id = fields.Many2one(
        "callcenter.wechat.menu.button", index=True, ondelete="cascade", string="Parent Button"
    )
    child_ids = fields.One2many("callcenter.wechat.menu.button", "parent_id", string="Sub-buttons")
    sequence = fields.Integer(default=10)
    name = fields.Char(required=True, translate=True)
    kind = fields.Selection(
        [("click", "Send a key"), ("view", "Open a web page")], default="click", required=True
    )
    key = fields.Char(help="Sent back in the CLICK event.")
    url = fields.Char(string="URL")
    queue_id = fields.Many2one(
        "callcenter.queue", string="Route to Queue",
        help="A click on this button opens a conversation in this queue.",
    )
