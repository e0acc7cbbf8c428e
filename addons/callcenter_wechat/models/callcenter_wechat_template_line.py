# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import re

from odoo import api, fields, models
from odoo.exceptions import ValidationError

COLOR = re.compile(r"^#[0-9A-Fa-f]{6}$")
KEY = re.compile(r"^[A-Za-z0-9_]+$")


class CallcenterWechatTemplateLine(models.Model):
    """One keyword of a template message (first, keyword1…, remark) and its text."""

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

    _sql_constraints = [
        ("key_unique", "UNIQUE(template_id, key)", "Each keyword appears once in a template."),
    ]

    @api.constrains("key", "color")
    def _check_key_color(self):
        for line in self:
            if not KEY.match(line.key):
                raise ValidationError(self.env._(
                    "The keyword \"%(key)s\" may only hold letters, digits and underscores, "
                    "as in the WeChat template (e.g. keyword1).", key=line.key,
                ))
            if line.color and not COLOR.match(line.color):
                raise ValidationError(self.env._(
                    "The color \"%(color)s\" is not of the form #173177.", color=line.color
                ))
