# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class CallcenterWechatQrcode(models.Model):
    """A parametric QR code that binds whoever scans it to a contact."""

    _name = "callcenter.wechat.qrcode"
    _description = "WeChat Binding QR Code"
    _order = "id desc"

    account_id = fields.Many2one(
        "callcenter.wechat.account", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="account_id.company_id", store=True)
    partner_id = fields.Many2one("res.partner", required=True, index=True, ondelete="cascade")
    scene = fields.Char(required=True, index=True, readonly=True)
    ticket = fields.Char(readonly=True)
    url = fields.Char(readonly=True, help="What the QR code encodes.")
    expires_at = fields.Datetime(readonly=True)

    _sql_constraints = [
        ("scene_unique", "UNIQUE(account_id, scene)", "This QR scene is already used."),
    ]
