# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The webhook WeChat's servers call for every message and event of an Official Account.

WeChat waits 5 seconds for an answer, then retries twice and gives up, so the route
answers in milliseconds whatever happens behind it: it checks the request, decrypts
it, stores it through one model method and answers "success" or a passive reply.
Conversations, routing and media downloads happen later in the processing cron.
Every refusal is logged at WARNING with its reason and answered with a short body.
"""

import binascii
import logging
import struct
import time
from xml.parsers.expat import ExpatError

import xmltodict
from psycopg2 import errors as pg_errors
from wechatpy import create_reply, parse_message
from wechatpy.crypto import WeChatCrypto
from wechatpy.exceptions import InvalidAppIdException, InvalidSignatureException

from odoo import http
from odoo.http import request
from odoo.tools import SQL

from ..tools.wechat_xml import (
    XmlRefused,
    check_xml,
    decode_body,
    signature_matches,
    wechat_signature,
)

_logger = logging.getLogger(__name__)

MAX_BODY_BYTES = 64 * 1024
"""WeChat's messages are a few kilobytes; a larger body is refused unread."""
MAX_CLOCK_SKEW = 300
"""Seconds between WeChat's timestamp and ours: a signed request older than this is a
replay, refused; within it, a redelivered message is stored once."""
WEBHOOK_FIELDS = ["token", "encoding_aes_key", "app_id", "message_mode", "company_id",
                  "welcome_message", "out_of_hours_message", "resource_calendar_id"]
LOCK_TIMEOUT = "500ms"
"""How long the webhook waits for a row another transaction holds (the follower, while
the cron processes their messages) before answering 503 so that WeChat retries."""


def _clock():
    """Now, in seconds since the epoch (a function so tests can move it)."""
    return time.time()


class CallcenterWechatWebhook(http.Controller):

    # readonly=False: auth="none" routes default to a read-only cursor, and this one writes.
    @http.route("/callcenter/wechat/<int:account_id>", type="http", auth="none",
                methods=["GET", "POST"], csrf=False, save_session=False, readonly=False)
    def callcenter_wechat_webhook(self, account_id, **params):
        """GET: WeChat's server URL verification (echoes `echostr`); POST: a message."""
        httprequest = request.httprequest
        if httprequest.method == "POST":
            # WeChat always sends a Content-Length; without one (chunked) the size of
            # the body is unknown until it has been read: refused unread.
            if httprequest.content_length is None:
                return self._wechat_refuse(account_id, 411, "length required")
            if httprequest.content_length > MAX_BODY_BYTES:
                return self._wechat_refuse(account_id, 413, "body too large",
                                           f"{httprequest.content_length} bytes")
        account = self._wechat_account(account_id)
        if not account:
            return self._wechat_refuse(account_id, 404, "unknown account")
        refusal = self._wechat_check_signature(account, params)
        if refusal:
            return refusal
        if httprequest.method == "GET":
            return request.make_response(
                params.get("echostr", ""), [("Content-Type", "text/plain; charset=utf-8")]
            )
        return self._wechat_post(account, params, httprequest.get_data())

    # ------------------------------------------------------------------
    # TOOLS
    # ------------------------------------------------------------------

    def _wechat_account(self, account_id):
        """The active account, as superuser: the route has no user (WeChat is not one),
        and the account's token and keys are admin-only fields."""
        if not request.db:
            return None
        # auth="none" skips the session machinery WeChat has no use for; the public
        # user gives the ORM a company and a language.
        request.update_env(
            user=request.env["ir.model.data"]._xmlid_to_res_id("base.public_user"))
        # One query for the account and every field the request reads.
        return request.env["callcenter.wechat.account"].sudo().search_fetch(
            [("id", "=", account_id)], WEBHOOK_FIELDS, limit=1
        )

    def _wechat_check_signature(self, account, params):
        """The URL's `signature` (SHA-1 of the token, timestamp and nonce) is checked
        for every request, plain or encrypted, then the timestamp's age."""
        token = account.token
        if not token:
            return self._wechat_refuse(account.id, 403, "invalid signature", "no token configured")
        timestamp, nonce = params.get("timestamp", ""), params.get("nonce", "")
        if not signature_matches(wechat_signature(token, timestamp, nonce), params.get("signature")):
            return self._wechat_refuse(account.id, 403, "invalid signature")
        try:
            skew = abs(_clock() - int(timestamp))
        except ValueError:
            return self._wechat_refuse(account.id, 403, "invalid timestamp")
        if skew > MAX_CLOCK_SKEW:
            return self._wechat_refuse(account.id, 403, "stale timestamp", f"{skew:.0f} s off")
        return None

    def _wechat_post(self, account, params, body):
        encrypted = params.get("encrypt_type") == "aes"
        if not encrypted and account.message_mode == "safe":
            return self._wechat_refuse(account.id, 403, "unencrypted message",
                                       "the account is in safe mode")
        try:
            text = decode_body(body)
            check_xml(text)
        except XmlRefused as exc:
            return self._wechat_refuse(account.id, 400, "XML refused", str(exc))
        crypto = None
        if encrypted:
            if not account.encoding_aes_key:
                return self._wechat_refuse(account.id, 400, "encrypted message",
                                           "no EncodingAESKey configured")
            crypto = WeChatCrypto(account.token, account.encoding_aes_key, account.app_id)
            text, refusal = self._wechat_decrypt(account, crypto, params, text)
            if refusal:
                return refusal
        try:
            message = parse_message(text)
            # wechatpy converts fields when they are read (int() of CreateTime, MsgId).
            if not isinstance(message.source, str) or not message.source:
                raise ValueError("no FromUserName")
            if not isinstance(message.time, int) or not isinstance(message.id, int):
                raise ValueError("no CreateTime")
        except (ExpatError, KeyError, TypeError, ValueError, AttributeError) as exc:
            return self._wechat_refuse(account.id, 400, "malformed XML",
                                       str(exc) or type(exc).__name__)
        cr = request.env.cr
        try:
            cr.execute(SQL("SET LOCAL lock_timeout = %s", LOCK_TIMEOUT))
            reply = request.env["callcenter.wechat.message"].sudo()._wechat_receive(
                account, message
            )
        except ValueError as exc:
            # _wechat_receive's refusal of a field WeChat never sends that way.
            cr.rollback()
            return self._wechat_refuse(account.id, 400, "malformed XML", str(exc))
        except pg_errors.LockNotAvailable:
            cr.rollback()
            return self._wechat_refuse(account.id, 503, "busy, retry", "a row stayed locked")
        if not reply:
            return request.make_response("success", [("Content-Type", "text/plain; charset=utf-8")])
        xml = create_reply(reply, message, render=True)
        if crypto:
            xml = crypto.encrypt_message(xml, params.get("nonce", ""), str(int(_clock())))
        return request.make_response(xml, [("Content-Type", "application/xml; charset=utf-8")])

    def _wechat_decrypt(self, account, crypto, params, text):
        """(plain XML, None) or (None, refusal) for an encrypted body (safe mode, or
        compatible mode's encrypted half)."""
        try:
            encrypt = xmltodict.parse(text)["xml"]["Encrypt"]
            if not isinstance(encrypt, str):
                raise ValueError("no Encrypt")
        except (ExpatError, KeyError, TypeError, ValueError) as exc:
            return None, self._wechat_refuse(account.id, 400, "malformed XML", str(exc))
        try:
            plain = crypto.decrypt_message(
                {"Encrypt": encrypt}, params.get("msg_signature", ""),
                params.get("timestamp", ""), params.get("nonce", ""),
            )
        except InvalidSignatureException:
            return None, self._wechat_refuse(account.id, 403, "invalid msg_signature")
        except InvalidAppIdException:
            return None, self._wechat_refuse(account.id, 403, "message for another AppID")
        except (ValueError, IndexError, struct.error, binascii.Error, UnicodeDecodeError) as exc:
            return None, self._wechat_refuse(account.id, 400, "cannot decrypt",
                                             str(exc) or type(exc).__name__)
        try:
            check_xml(plain)
        except XmlRefused as exc:
            return None, self._wechat_refuse(account.id, 400, "XML refused", str(exc))
        return plain, None

    def _wechat_refuse(self, account_id, status, reason, detail=""):
        _logger.warning(
            "WeChat webhook %s: %s%s (HTTP %s from %s)", account_id, reason,
            detail and f": {detail}", status, request.httprequest.remote_addr,
        )
        # The body may be left unread: the connection cannot carry another request.
        return request.make_response(reason, [("Content-Type", "text/plain; charset=utf-8"),
                                              ("Connection", "close")], status=status)
