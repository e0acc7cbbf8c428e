# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class CallcenterWechatTemplateLine(models.Model):
    _name = "callcenter.wechat.template.line"
    _description = "WeChat Template Message Field"
    _order = "sequence, id"

    template_id = fields.Many2one(
        "callcenter.wechat.template", required=True, index=True, ondelete="cascade"
    )
    sequence = fields.Integer(default=10)
    key = fields.Char(required=True, help="The template's keyword, e.g. first, keyword1, remark.")
    value = fields.Char(
        required=True, translate=True,
        help="Text with {placeholders} filled from the event's values.",
    )
    color = fields.Char(help="Hex color, e.g. #173177.")
