# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import io
import itertools
from unittest.mock import patch

from PIL import Image

from odoo import fields
from odoo.tests import new_test_user, tagged

from odoo.addons.callcenter_base.tests.test_ui import BusHttpCase
from odoo.addons.callcenter_wechat.tools.token_store import TokenStore

from .wechat_fake import WeChatFake

AGENT_GROUPS = "base.group_user,callcenter_base.group_callcenter_agent"
INBOX_URL = "/odoo/action-callcenter_wechat.inbox"
# The tours sign their webhook requests with this token and find the account by AppID.
APP_ID = "wx_tour_inbox"
WEBHOOK_TOKEN = "tour-webhook-token"
OPENID = "o_tour_customer"

_serial = itertools.count(1)


def jpeg_bytes():
    """A small photo, as a follower's phone would send it."""
    buffer = io.BytesIO()
    Image.new("RGB", (96, 64), (220, 80, 60)).save(buffer, "JPEG")
    return buffer.getvalue()


@tagged("post_install", "-at_install", "callcenter")
class TestWechatInboxUi(BusHttpCase):
    """The agent's inbox in a real browser, against a loopback fake of WeChat.

    A follower's text and photo go through the real processing (routing to the
    agent, the photo downloaded from the fake); what the agent sends reaches the
    fake's customer-service API. New messages come through the real webhook,
    signed like WeChat's, and reach the open inbox by the bus.
    """

    def setUp(self):
        super().setUp()
        env = self._tour_pbx()
        self.fake = WeChatFake()
        self.addCleanup(self.fake.close)
        store = TokenStore(env.cr.dbname, APP_ID, fetch=None)
        store.clear()
        self.addCleanup(store.clear)

        self.user_agent = new_test_user(env, "cc_wechat_tour_agent", groups=AGENT_GROUPS,
                                        name="Tour WeChat Agent", tz="Asia/Shanghai")
        self.agent = env["callcenter.agent"].create({
            "user_id": self.user_agent.id, "pbx_id": self.pbx.id,
            "extension": "1101", "interface": "PJSIP/1101",
        })
        self.queue = env["callcenter.queue"].create({
            "name": "Tour WeChat Support", "asterisk_name": "wechat_tour", "pbx_id": self.pbx.id,
            "member_ids": [(0, 0, {"agent_id": self.agent.id})],
        })
        self.account = env["callcenter.wechat.account"].create({
            "name": "Tour Official Account", "app_id": APP_ID, "app_secret": "tour-secret",
            "token": WEBHOOK_TOKEN, "api_base_url": self.fake.base_url,
            "queue_id": self.queue.id,
        })
        self.follower = env["callcenter.wechat.follower"].create({
            "account_id": self.account.id, "openid": OPENID, "nickname": "小周",
            "subscribed": True,
        })
        self.Message = env["callcenter.wechat.message"]
        self.agent._callcenter_set_state("available")

        # The webhook hands messages to the processing cron; here they are processed
        # in the webhook's own request, so that the tour sees them at once.
        cron = env.ref("callcenter_wechat.ir_cron_callcenter_wechat_process")
        Cron = type(env["ir.cron"])
        trigger = Cron._trigger

        def _trigger(crons, at=None):
            if crons.ids == cron.ids:
                crons.env["callcenter.wechat.message"].sudo()._wechat_process()
                return None
            return trigger(crons, at)

        self.startPatcher(patch.object(Cron, "_trigger", _trigger))

    def _receive(self, kind, **values):
        """A message of the follower as the webhook stores it, then processed."""
        serial = f"tour-{next(_serial)}"
        now = fields.Datetime.now()
        message = self.Message.create({
            "account_id": self.account.id, "follower_id": self.follower.id,
            "direction": "in", "kind": kind, "msg_id": serial, "dedup_key": serial,
            "wechat_time": now, "state": "received", **values,
        })
        self.follower.last_inbound_at = now
        self.Message.sudo()._wechat_process()
        return message

    def _customer_writes(self):
        self._receive("text", body="我的订单还没到，能帮我查一下吗？")
        self.fake.add_media("tour-photo", jpeg_bytes(), "image/jpeg", "parcel.jpg")
        photo = self._receive("image", media_id="tour-photo", url="http://mmbiz.qpic.cn/tour.jpg")
        conversation = photo.conversation_id
        self.assertEqual((conversation.state, conversation.agent_id), ("open", self.agent))
        self.assertEqual(photo.attachment_id.raw, jpeg_bytes())
        self.assertEqual(conversation.unread_count, 2)
        return conversation

    def test_agent_answers_and_closes(self):
        conversation = self._customer_writes()
        self.start_tour(INBOX_URL, "callcenter_wechat_inbox_tour", login=self.user_agent.login)
        sent = self.fake.requests("message/custom/send")
        self.assertEqual(len(sent), 1)
        self.assertEqual(sent[0][1]["touser"], OPENID)
        self.assertEqual(sent[0][1]["msgtype"], "text")
        self.assertEqual(sent[0][1]["text"]["content"], "您好，包裹已经在派送中，预计今天送达。")
        reply = conversation.wechat_message_ids.filtered(lambda m: m.direction == "out")
        self.assertEqual((reply.author_id, reply.state), (self.user_agent, "sent"))
        self.assertEqual(conversation.state, "closed")
        self.assertEqual(conversation.disposition_id,
                         self.env.ref("callcenter_base.callcenter_call_disposition_resolved"))

    def test_messages_arrive_by_the_bus(self):
        conversation = self._customer_writes()
        self.start_tour(INBOX_URL, "callcenter_wechat_inbox_bus_tour", login=self.user_agent.login)
        texts = conversation.wechat_message_ids.filtered(lambda m: m.kind == "text").mapped("body")
        self.assertIn("还在吗？我想改一下收货地址。", texts)
        # The agent was looking at the thread: what arrived is read.
        self.assertEqual(conversation.unread_count, 0)
        newcomer = self.env["callcenter.wechat.conversation"].search(
            [("follower_id.openid", "=", "o_tour_newcomer")])
        self.assertEqual((newcomer.state, newcomer.agent_id), ("open", self.agent))
        self.assertFalse(self.fake.requests("message/custom/send"))
