# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class CallcenterWechatTemplate(models.Model):
    _name = "callcenter.wechat.template"
    _description = "WeChat Template Message"
    _order = "name, id"

    name = fields.Char(required=True, translate=True)
    active = fields.Boolean(default=True)
    account_id = fields.Many2one(
        "callcenter.wechat.account", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="account_id.company_id", store=True)
    template_id = fields.Char(
        string="WeChat Template ID", required=True,
        help="The template's ID in the Official Account's template library.",
    )
    event_code = fields.Char(
        required=True, index=True,
        help="The event that sends it, raised by another module, e.g. helpdesk.ticket.stage.",
    )
    url = fields.Char(string="URL", help="Opened when the follower taps the message; may use {placeholders}.")
    line_ids = fields.One2many("callcenter.wechat.template.line", "template_id", string="Fields")
