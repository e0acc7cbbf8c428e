# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import io
import logging
import secrets
from datetime import timedelta

import qrcode
from qrcode.image.pil import PilImage

from odoo import api, fields, models

_logger = logging.getLogger(__name__)

SCENE_PREFIX = "bind:"
SUBSCRIBE_PREFIX = "qrscene_"
QR_LIFETIME = timedelta(days=7)
"""How long a binding code stays valid; WeChat allows at most 30 days for a
temporary QR code, a shorter life limits what a leaked screenshot can do."""
QR_REUSE_MARGIN = timedelta(hours=1)
"""A code shown to the customer keeps at least this long; older codes are replaced."""


class CallcenterWechatQrcode(models.Model):
    """A parametric QR code that binds whoever scans it to a contact.

    The scene carries a random token rather than the partner's id, so nobody
    can bind their WeChat to somebody else's contact by guessing a code.
    """

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
    url = fields.Char(string="URL", readonly=True, help="What the QR code encodes.")
    expires_at = fields.Datetime(readonly=True)

    _sql_constraints = [
        ("scene_unique", "UNIQUE(account_id, scene)", "This QR scene is already used."),
    ]

    # ------------------------------------------------------------------
    # BUSINESS
    # ------------------------------------------------------------------

    @api.model
    def _wechat_binding_qr(self, partner, account):
        """The partner's current binding code for ``account``, created on WeChat if needed.

        Callers check that the current user may bind ``partner`` (the portal
        only ever passes the user's own partner).

        :raise WeChatClientException: when WeChat refuses to create the code
        """
        partner.ensure_one()
        account.ensure_one()
        # sudo: binding codes are managers' records; the caller checked that the
        # current user acts for ``partner``.
        QrCode = self.sudo()
        code = QrCode.search([
            ("account_id", "=", account.id),
            ("partner_id", "=", partner.id),
            ("expires_at", ">", fields.Datetime.now() + QR_REUSE_MARGIN),
        ], limit=1, order="expires_at desc")
        if code:
            return code
        scene = SCENE_PREFIX + secrets.token_urlsafe(24)
        result = account._wechat_client().qrcode.create({
            "expire_seconds": int(QR_LIFETIME.total_seconds()),
            "action_name": "QR_STR_SCENE",
            "action_info": {"scene": {"scene_str": scene}},
        })
        expire_seconds = int(result.get("expire_seconds") or QR_LIFETIME.total_seconds())
        return QrCode.create({
            "account_id": account.id,
            "partner_id": partner.id,
            "scene": scene,
            "ticket": result["ticket"],
            "url": result["url"],
            "expires_at": fields.Datetime.now() + timedelta(seconds=expire_seconds),
        })

    def _wechat_png(self):
        """The code as a PNG image: WeChat's showqrcode page is not for embedding."""
        self.ensure_one()
        image = qrcode.make(self.url, image_factory=PilImage, box_size=8, border=2)
        output = io.BytesIO()
        image.save(output, format="PNG")
        return output.getvalue()

    @api.model
    def _wechat_bind(self, follower, scene):
        """Binds ``follower`` to the contact of the code it scanned.

        :param scene: the event's scene: ``qrscene_bind:…`` on subscribe,
            ``bind:…`` on SCAN; scenes of other codes are ignored
        :return: the bound partner, or an empty recordset when the scene is not a
            valid binding code of the follower's account
        """
        partner = self.env["res.partner"]
        if not scene:
            return partner
        if scene.startswith(SUBSCRIBE_PREFIX):
            scene = scene[len(SUBSCRIBE_PREFIX):]
        if not scene.startswith(SCENE_PREFIX):
            return partner
        # sudo: called while processing WeChat's signed event, without a user.
        code = self.sudo().search([
            ("account_id", "=", follower.account_id.id), ("scene", "=", scene),
        ], limit=1)
        if not code:
            _logger.info("WeChat follower %s scanned an unknown binding code", follower.id)
            return partner
        if code.expires_at <= fields.Datetime.now():
            _logger.info("WeChat follower %s scanned an expired binding code", follower.id)
            return partner
        if follower.partner_id != code.partner_id:
            follower.sudo().partner_id = code.partner_id
        return code.partner_id
