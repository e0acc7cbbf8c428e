# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging

from wechatpy.exceptions import WeChatClientException
from werkzeug.exceptions import NotFound

from odoo import http
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal

_logger = logging.getLogger(__name__)


class WechatPortal(CustomerPortal):
    """/my/wechat: the customer scans a QR code to link their WeChat to their contact.

    Every route acts on the logged-in user's own partner only; nothing here
    takes a partner or code from the request.
    """

    def _prepare_portal_layout_values(self):
        values = super()._prepare_portal_layout_values()
        values["wechat_portal_available"] = bool(self._wechat_account())
        return values

    def _wechat_account(self):
        """The Official Account customers of the user's companies bind to."""
        # sudo: accounts are call-center records; the portal only learns
        # whether one exists and uses it to create the user's own code.
        return request.env["callcenter.wechat.account"].sudo().search(
            [("company_id", "in", request.env.user.company_ids.ids)], limit=1
        )

    def _wechat_binding_qr(self, account):
        """The user's own binding code, or None when WeChat cannot make one now."""
        try:
            return request.env["callcenter.wechat.qrcode"]._wechat_binding_qr(
                request.env.user.partner_id, account
            )
        except WeChatClientException as exc:
            _logger.warning("WeChat binding code for user %s failed: %s", request.env.uid, exc)
            return None

    @http.route("/my/wechat", type="http", auth="user", website=True)
    def portal_my_wechat(self, **kw):
        values = self._prepare_portal_layout_values()
        account = self._wechat_account()
        partner = request.env.user.partner_id
        values.update({
            "page_name": "wechat",
            "wechat_account": account,
            "wechat_qrcode": account and self._wechat_binding_qr(account),
            # sudo: followers are call-center records; these are the ones bound
            # to the user's own partner.
            "wechat_followers": request.env["callcenter.wechat.follower"].sudo().search([
                ("partner_id", "=", partner.id), ("account_id", "in", account.ids),
            ]),
        })
        return request.render("callcenter_wechat.portal_my_wechat", values)

    @http.route("/my/wechat/qr.png", type="http", auth="user", website=True)
    def portal_my_wechat_qr(self, **kw):
        account = self._wechat_account()
        code = account and self._wechat_binding_qr(account)
        if not code:
            raise NotFound()
        return request.make_response(code._wechat_png(), headers=[
            ("Content-Type", "image/png"),
            ("Cache-Control", "private, no-store"),
        ])
