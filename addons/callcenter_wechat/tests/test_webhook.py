# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64
import time
from unittest.mock import patch
from urllib.parse import urlencode

import xmltodict
from wechatpy.crypto import PrpCrypto, WeChatCrypto

from odoo.tests import BaseCase, HttpCase, tagged

from odoo.addons.callcenter_wechat.controllers import callcenter as webhook
from odoo.addons.callcenter_wechat.tools.wechat_xml import (
    XmlRefused,
    check_xml,
    decode_body,
    wechat_signature,
)

from .test_inbound import (
    AES_KEY,
    APP_ID,
    OPENID,
    ORIGINAL_ID,
    TOKEN,
    create_account,
    event_xml,
    text_xml,
)

# WeChat's documented sample (the message encryption guide and its WXBizMsgCrypt demo):
# token "spamtest", EncodingAESKey "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG",
# AppID "wx2c2769f8efd9abc2", a text "abcdteT" sent at 1409735668.
SAMPLE_TIMESTAMP = "1409735669"
SAMPLE_NONCE = "1320562132"
SAMPLE_SIGNATURE = "16120ec1b8dbb870f510d87ce6bc2463eae6ca1a"
SAMPLE_MSG_SIGNATURE = "5d197aaffba7e9b25a30732f161a50dee96bd5fa"
SAMPLE_ENCRYPT = (
    "hyzAe4OzmOMbd6TvGdIOO6uBmdJoD0Fk53REIHvxYtJlE2B655HuD0m8KUePWB3+LrPXo87wzQ1QLvbeUgmBM4x6F8PGHQHFVA"
    "FmOD2LdJF9FrXpbUAh0B5GIItb52sn896wVsMSHGuPE328HnRGBcrS7C41IzDWyWNlZkyyXwon8T332jisa+h6tEDYsVticbSn"
    "yU8dKOIbgU6ux5VTjg3yt+WGzjlpKn6NPhRjpA912xMezR4kw6KWwMrCVKSVCZciVGCgavjIQ6X8tCOp3yZbGpy0VxpAe+77Tsz"
    "TfRd5RJSVO/HTnifJpXgCSUdUue1v6h0EIBYYI1BD1DlD+C0CR8e6OewpusjZ4uBl9FyJvnhvQl+q5rv1ixrcpCumEPo5MJSgM"
    "9ehVsNPfUM669WuMyVWQLCzpu9GhglF2PE="
)
# The encryption vector of WeChat's Java WXBizMsgCrypt tests (random prefix fixed).
JAVA_SAMPLE_APP_ID = "wxb11529c136998cb6"
JAVA_SAMPLE_RANDOM = "aaaabbbbccccdddd"
JAVA_SAMPLE_TEXT = "我是中文abcd123"
JAVA_SAMPLE_ENCRYPTED = "jn1L23DB+6ELqJ+6bruv21Y6MD7KeIfP82D6gU39rmkgczbWwt5+3bnyg5K55bgVtVzd832WzZGMhkP72vVOfg=="

XXE = (
    '<?xml version="1.0"?>\n<!DOCTYPE xml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
    f"<xml><ToUserName><![CDATA[{ORIGINAL_ID}]]></ToUserName><FromUserName><![CDATA[{OPENID}]]>"
    "</FromUserName><CreateTime>%d</CreateTime><MsgType><![CDATA[text]]></MsgType>"
    "<Content>&xxe;</Content><MsgId>4242</MsgId></xml>"
)
BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
    f"<xml><FromUserName>{OPENID}</FromUserName><CreateTime>%d</CreateTime>"
    "<MsgType>text</MsgType><Content>&lol3;</Content><MsgId>4343</MsgId></xml>"
)
LOGGER = "odoo.addons.callcenter_wechat.controllers.callcenter"
ENVELOPE = (f"<xml><ToUserName><![CDATA[{ORIGINAL_ID}]]></ToUserName>"
            "<Encrypt><![CDATA[{encrypt}]]></Encrypt></xml>")


@tagged("callcenter", "post_install", "-at_install")
class TestWechatXml(BaseCase):
    """The checks every body goes through before an XML parser sees it."""

    def test_declarations_refused(self):
        for xml in (XXE, BILLION_LAUGHS, "<!doctype xml><xml/>", "<xml><!ENTITY a 'b'></xml>",
                    '<!-- <![CDATA[ --><!DOCTYPE x [<!ENTITY e SYSTEM "file:///">]><!-- ]]> --><xml/>',
                    '<?xml version="1.0" encoding="UTF-7"?><xml>+ADw-!DOCTYPE</xml>',
                    '<?xml version="1.0" encoding="utf-16"?><xml/>'):
            with self.subTest(xml=xml[:60]), self.assertRaises(XmlRefused):
                check_xml(xml)

    def test_wechat_xml_accepted(self):
        for xml in (text_xml("hello"), '<?xml version="1.0" encoding="UTF-8"?>' + text_xml("x"),
                    text_xml("<!DOCTYPE html> is what I typed"), "<xml><!-- note --><a>1</a></xml>",
                    "<xml><a><![CDATA[unterminated"):
            with self.subTest(xml=xml[:60]):
                check_xml(xml)

    def test_body_decoding(self):
        self.assertEqual(decode_body("\ufeff<xml/>".encode()), "<xml/>")
        for body in ("<xml/>".encode("utf-16"), b"<xml>\xff</xml>", b"<xml>\x00</xml>"):
            with self.subTest(body=body), self.assertRaises(XmlRefused):
                decode_body(body)

    def test_wechat_documented_vectors(self):
        """The signature and the AES scheme the webhook relies on give WeChat's own
        sample results (decryption of the guide's message, the Java SDK's ciphertext)."""
        self.assertEqual(wechat_signature(TOKEN, SAMPLE_TIMESTAMP, SAMPLE_NONCE), SAMPLE_SIGNATURE)
        self.assertEqual(wechat_signature(TOKEN, SAMPLE_TIMESTAMP, SAMPLE_NONCE, SAMPLE_ENCRYPT),
                         SAMPLE_MSG_SIGNATURE)
        crypto = WeChatCrypto(TOKEN, AES_KEY, APP_ID)
        plain = crypto.decrypt_message({"Encrypt": SAMPLE_ENCRYPT}, SAMPLE_MSG_SIGNATURE,
                                       SAMPLE_TIMESTAMP, SAMPLE_NONCE)
        self.assertIn("<Content><![CDATA[abcdteT]]></Content>", plain)
        prp = PrpCrypto(base64.b64decode(AES_KEY + "="))
        with patch.object(PrpCrypto, "get_random_string", return_value=JAVA_SAMPLE_RANDOM):
            self.assertEqual(prp.encrypt(JAVA_SAMPLE_TEXT, JAVA_SAMPLE_APP_ID).decode(),
                             JAVA_SAMPLE_ENCRYPTED)


@tagged("callcenter", "post_install", "-at_install")
class TestWechatWebhook(HttpCase):
    """Real HTTP requests to the webhook of the running test server."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.account = create_account(cls.env, welcome_message="Welcome!",
                                     out_of_hours_message="We are closed.")
        cls.Message = cls.env["callcenter.wechat.message"]
        cls.crypto = WeChatCrypto(TOKEN, AES_KEY, APP_ID)

    # -- helpers --------------------------------------------------------

    def post(self, body, account=None, timestamp=None, nonce="1320562132", params=None,
             signature=None, headers=None):
        account = account or self.account
        timestamp = str(int(time.time()) if timestamp is None else timestamp)
        query = {
            "signature": signature or wechat_signature(TOKEN, timestamp, nonce),
            "timestamp": timestamp, "nonce": nonce, "openid": OPENID, **(params or {}),
        }
        return self.url_open(
            f"/callcenter/wechat/{account.id}?{urlencode(query)}",
            data=body.encode() if isinstance(body, str) else body,
            headers={"Content-Type": "text/xml", **(headers or {})},
        )

    def post_encrypted(self, xml, account=None, crypto=None, msg_signature=None, envelope=None,
                       timestamp=None, nonce="461056294"):
        timestamp = str(int(time.time()) if timestamp is None else timestamp)
        encrypted = xmltodict.parse((crypto or self.crypto).encrypt_message(xml, nonce, timestamp))["xml"]
        body = (envelope or ENVELOPE).format(encrypt=encrypted["Encrypt"])
        return self.post(body, account=account, timestamp=timestamp, nonce=nonce, params={
            "encrypt_type": "aes", "msg_signature": msg_signature or encrypted["MsgSignature"]})

    def stored(self, account=None):
        return self.Message.search([("account_id", "=", (account or self.account).id)])

    def assertRefused(self, response, status, reason):
        self.assertEqual(response.status_code, status)
        self.assertEqual(response.text, reason)
        self.assertFalse(self.stored())
        self.assertFalse(self.env["callcenter.wechat.follower"].search(
            [("account_id", "=", self.account.id)]))

    def decrypt_reply(self, response):
        """The reply of an encrypted exchange, after checking its own signature."""
        envelope = xmltodict.parse(response.text)["xml"]
        self.assertEqual(envelope["MsgSignature"], wechat_signature(
            TOKEN, envelope["TimeStamp"], envelope["Nonce"], envelope["Encrypt"]))
        return xmltodict.parse(self.crypto.decrypt_message(
            {"Encrypt": envelope["Encrypt"]}, envelope["MsgSignature"], envelope["TimeStamp"],
            envelope["Nonce"]))["xml"]

    # -- verification ---------------------------------------------------

    def test_get_verification_with_wechat_sample(self):
        url = f"/callcenter/wechat/{self.account.id}?" + urlencode({
            "signature": SAMPLE_SIGNATURE, "timestamp": SAMPLE_TIMESTAMP, "nonce": SAMPLE_NONCE,
            "echostr": "shr5ch"})
        with patch.object(webhook, "_clock", return_value=int(SAMPLE_TIMESTAMP) + 1):
            response = self.url_open(url)
            self.assertEqual((response.status_code, response.text), (200, "shr5ch"))
            with self.assertLogs(LOGGER, "WARNING") as logs:
                response = self.url_open(url.replace("shr5ch", "x").replace(SAMPLE_NONCE, "1"))
        self.assertEqual((response.status_code, response.text), (403, "invalid signature"))
        self.assertIn("invalid signature", logs.output[0])
        # The sample is from 2014: today it is a replay.
        with self.assertLogs(LOGGER, "WARNING"):
            self.assertEqual(self.url_open(url).status_code, 403)

    # -- plain mode -----------------------------------------------------

    def test_plain_text_stored_once_and_answered_success(self):
        xml = text_xml("你好", msg_id=6054768590064713728, create_time=int(time.time()))
        response = self.post(xml)
        self.assertEqual((response.status_code, response.text), (200, "success"))
        self.assertRecordValues(self.stored(), [{"kind": "text", "body": "你好", "state": "received"}])
        # A replayed (redelivered) request: same answer, stored once.
        response = self.post(xml)
        self.assertEqual((response.status_code, response.text), (200, "success"))
        self.assertEqual(len(self.stored()), 1)

    def test_redelivered_event_stored_once(self):
        xml = event_xml("CLICK", "sales", create_time=int(time.time()))
        self.assertEqual(self.post(xml).status_code, 200)
        self.assertEqual(self.post(xml, nonce="other").status_code, 200)
        self.assertRecordValues(self.stored(), [{"kind": "event", "event": "click", "event_key": "sales"}])

    def test_every_kind_through_http(self):
        now = int(time.time())
        bodies = [
            text_xml("hi", create_time=now),
            text_xml("I typed <!DOCTYPE html> and &lt;b&gt;", create_time=now),
            event_xml("subscribe", "qrscene_bind:abc", Ticket="t", create_time=now),
            event_xml("SCAN", "bind:abc", Ticket="t", create_time=now + 1),
            event_xml("VIEW", "https://example.com", create_time=now),
            event_xml("unsubscribe", create_time=now + 2),
        ]
        for body in bodies:
            with self.subTest(body=body[100:160]):
                self.assertEqual(self.post(body).status_code, 200)
        self.assertEqual(sorted(self.stored().mapped(lambda m: m.event or m.kind)),
                         ["scan", "subscribe", "text", "text", "unsubscribe", "view"])
        self.assertIn("I typed <!DOCTYPE html> and &lt;b&gt;", self.stored().mapped("body"))

    def test_plain_replies(self):
        self.env["callcenter.wechat.autoreply"].create(
            {"account_id": self.account.id, "keyword": "hours", "reply": "9:00-18:00"})
        response = self.post(text_xml("Hours", create_time=int(time.time())))
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.headers["Content-Type"].startswith("application/xml"))
        reply = xmltodict.parse(response.text)["xml"]
        self.assertEqual((reply["ToUserName"], reply["FromUserName"], reply["MsgType"], reply["Content"]),
                         (OPENID, ORIGINAL_ID, "text", "9:00-18:00"))
        reply = xmltodict.parse(self.post(event_xml("subscribe", create_time=int(time.time()))).text)["xml"]
        self.assertEqual(reply["Content"], "Welcome!")
        self.account.resource_calendar_id = self.env["resource.calendar"].create(
            {"name": "Never open", "attendance_ids": [(5, 0, 0)]})
        reply = xmltodict.parse(self.post(text_xml("anyone?", create_time=int(time.time()))).text)["xml"]
        self.assertEqual(reply["Content"], "We are closed.")

    # -- safe and compatible modes ----------------------------------------

    def test_safe_mode_with_wechat_sample(self):
        self.account.message_mode = "safe"
        body = (f"<xml><ToUserName><![CDATA[{ORIGINAL_ID}]]></ToUserName>"
                f"<Encrypt><![CDATA[{SAMPLE_ENCRYPT}]]></Encrypt></xml>")
        with patch.object(webhook, "_clock", return_value=int(SAMPLE_TIMESTAMP)):
            response = self.post(body, timestamp=SAMPLE_TIMESTAMP, nonce=SAMPLE_NONCE, params={
                "encrypt_type": "aes", "msg_signature": SAMPLE_MSG_SIGNATURE})
        self.assertEqual((response.status_code, response.text), (200, "success"))
        self.assertRecordValues(self.stored(), [{
            "kind": "text", "body": "abcdteT", "msg_id": "6054768590064713728",
        }])
        self.assertEqual(self.stored().follower_id.openid, "oyORnuP8q7ou2gfYjqLzSIWZf0rs")

    def test_safe_mode_replies_encrypted(self):
        self.account.message_mode = "safe"
        self.env["callcenter.wechat.autoreply"].create(
            {"account_id": self.account.id, "keyword": "hours", "reply": "9:00-18:00"})
        response = self.post_encrypted(text_xml("hours", create_time=int(time.time())))
        self.assertEqual(response.status_code, 200)
        reply = self.decrypt_reply(response)
        self.assertEqual((reply["ToUserName"], reply["Content"]), (OPENID, "9:00-18:00"))
        self.assertEqual(self.decrypt_reply(self.post_encrypted(
            event_xml("subscribe", create_time=int(time.time()))))["Content"], "Welcome!")
        self.account.resource_calendar_id = self.env["resource.calendar"].create(
            {"name": "Never open", "attendance_ids": [(5, 0, 0)]})
        self.assertEqual(self.decrypt_reply(self.post_encrypted(
            text_xml("anyone?", create_time=int(time.time()))))["Content"], "We are closed.")
        self.assertEqual(len(self.stored()), 3)

    def test_compatible_mode(self):
        self.account.message_mode = "compatible"
        now = int(time.time())
        # Plain half only (encrypt_type absent): read as is, answered in plain.
        self.assertEqual(self.post(text_xml("plain", create_time=now)).text, "success")
        # Both halves: the encrypted one is authoritative.
        plain = text_xml("from the encrypted half", create_time=now)
        envelope = (text_xml("from the plain half", create_time=now).removesuffix("</xml>")
                    + "<Encrypt><![CDATA[{encrypt}]]></Encrypt></xml>")
        self.assertEqual(self.post_encrypted(plain, envelope=envelope).status_code, 200)
        self.assertEqual(sorted(self.stored().mapped("body")), ["from the encrypted half", "plain"])

    def test_safe_mode_refusals(self):
        self.account.message_mode = "safe"
        now = int(time.time())
        with self.assertLogs(LOGGER, "WARNING") as logs:
            self.assertRefused(self.post(text_xml("plain", create_time=now)), 403, "unencrypted message")
            self.assertRefused(self.post_encrypted(text_xml("x", create_time=now), msg_signature="0" * 40),
                               403, "invalid msg_signature")
            other_app = WeChatCrypto(TOKEN, AES_KEY, "wxanotherapp00000")
            self.assertRefused(self.post_encrypted(text_xml("x", create_time=now), crypto=other_app),
                               403, "message for another AppID")
            self.assertRefused(self.post_encrypted(XXE % now), 400, "XML refused")
            self.assertRefused(self.post_encrypted("<xml><a>unclosed</xml>"), 400, "malformed XML")
        self.assertEqual(len(logs.output), 5)
        self.assertTrue(all(line.startswith("WARNING") for line in logs.output))

    # -- refusals -------------------------------------------------------

    def test_wrong_signature(self):
        with self.assertLogs(LOGGER, "WARNING") as logs:
            response = self.post(text_xml("x", create_time=int(time.time())), signature="0" * 40)
        self.assertRefused(response, 403, "invalid signature")
        self.assertIn("invalid signature (HTTP 403", logs.output[0])
        # Signed with another token.
        with self.assertLogs(LOGGER, "WARNING"):
            timestamp = str(int(time.time()))
            response = self.post(text_xml("x"), timestamp=timestamp,
                                 signature=wechat_signature("other", timestamp, "n"), nonce="n")
        self.assertRefused(response, 403, "invalid signature")

    def test_stale_and_future_timestamps(self):
        for offset in (-301, -86400, 301):
            timestamp = int(time.time()) + offset
            with self.subTest(offset=offset), self.assertLogs(LOGGER, "WARNING") as logs:
                self.assertRefused(self.post(text_xml("x", create_time=timestamp), timestamp=timestamp),
                                   403, "stale timestamp")
            self.assertIn("s off", logs.output[0])
        with self.assertLogs(LOGGER, "WARNING"):
            self.assertRefused(self.post(text_xml("x"), timestamp="soon"), 403, "invalid timestamp")

    def test_malformed_xml(self):
        now = int(time.time())
        for body in ("not xml at all", "<xml><Content>unclosed</xml>",
                     "<xml><FromUserName>o</FromUserName><CreateTime>1</CreateTime></xml>",
                     "<root><MsgType>text</MsgType></root>",
                     text_xml("x", create_time=now).replace(f"<![CDATA[{OPENID}]]>", ""),
                     text_xml("x", create_time=now).replace(str(now), "yesterday"),
                     text_xml("x", create_time=now).replace("<Content>", "<Content><b>1</b>"),
                     b"<xml>\xff\xfe</xml>"):
            with self.subTest(body=body), self.assertLogs(LOGGER, "WARNING"):
                response = self.post(body)
                self.assertEqual(response.status_code, 400)
                self.assertIn(response.text, ("malformed XML", "XML refused"))
        self.assertFalse(self.stored())

    def test_xml_external_entity_refused(self):
        now = int(time.time())
        for payload in (XXE % now, BILLION_LAUGHS % now):
            with self.subTest(payload=payload[:50]), self.assertLogs(LOGGER, "WARNING") as logs:
                response = self.post(payload)
            self.assertRefused(response, 400, "XML refused")
            self.assertIn("DOCTYPE", logs.output[0])
            self.assertNotIn("root:", response.text)
        self.assertFalse(self.Message.search([("body", "ilike", "root:")]))

    def test_oversized_body(self):
        padding = "x" * (webhook.MAX_BODY_BYTES + 1)
        with self.assertLogs(LOGGER, "WARNING") as logs:
            response = self.post(text_xml(padding, create_time=int(time.time())))
        self.assertRefused(response, 413, "body too large")
        self.assertIn("body too large", logs.output[0])
        # Without a Content-Length (chunked), the size is unknown: refused unread.
        body = text_xml(padding, create_time=int(time.time())).encode()
        chunks = (body[index:index + 8192] for index in range(0, len(body), 8192))
        with self.assertLogs(LOGGER, "WARNING"):
            self.assertRefused(self.post(chunks), 411, "length required")

    def test_unknown_or_archived_account(self):
        with self.assertLogs(LOGGER, "WARNING") as logs:
            response = self.post(text_xml("x"), account=self.account.browse(999999))
        self.assertEqual((response.status_code, response.text), (404, "unknown account"))
        self.assertIn("unknown account", logs.output[0])
        self.account.active = False
        with self.assertLogs(LOGGER, "WARNING"):
            self.assertEqual(self.post(text_xml("x")).status_code, 404)

    def test_account_without_token_refuses_everything(self):
        self.account.token = False
        with self.assertLogs(LOGGER, "WARNING") as logs:
            self.assertRefused(self.post(text_xml("x")), 403, "invalid signature")
        self.assertIn("no token configured", logs.output[0])
