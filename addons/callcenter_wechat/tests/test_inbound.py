# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
import time
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from unittest.mock import patch

from freezegun import freeze_time
from wechatpy import parse_message

from odoo import SUPERUSER_ID, api, sql_db
from odoo.modules.registry import Registry
from odoo.tests import BaseCase, TransactionCase, tagged
from odoo.tests.common import get_db_name

from odoo.addons.callcenter_base.tests.common import run_at_once

OPENID = "oyORnuP8q7ou2gfYjqLzSIWZf0rs"
ORIGINAL_ID = "gh_10f6c3c3ac5a"
TOKEN = "spamtest"
AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
APP_ID = "wx2c2769f8efd9abc2"
NOW = datetime(2026, 11, 23, 2, 0, 0)  # a Monday, 10:00 in Shanghai
NOW_TS = int(NOW.replace(tzinfo=UTC).timestamp())

_sequence = iter(range(1, 10**9))
MODEL_LOGGER = "odoo.addons.callcenter_wechat.models.callcenter_wechat_message"
# logging.INFO, not "INFO": Odoo names its level 25 "INFO" too, which assertLogs would take.


def wechat_xml(msg_type, openid=OPENID, create_time=NOW_TS, **fields):
    """A message as WeChat delivers it: text in CDATA, numbers bare."""
    items = [("ToUserName", ORIGINAL_ID), ("FromUserName", openid), ("CreateTime", create_time),
             ("MsgType", msg_type), *fields.items()]
    elements = "".join(
        f"<{name}><![CDATA[{value}]]></{name}>" if isinstance(value, str) else f"<{name}>{value}</{name}>"
        for name, value in items
    )
    return f"<xml>{elements}</xml>"


def text_xml(content, msg_id=None, **kwargs):
    return wechat_xml("text", Content=content, MsgId=msg_id or next(_sequence), **kwargs)


def event_xml(event, key=None, **kwargs):
    fields = {"Event": event}
    if key is not None:
        fields["EventKey"] = key
    return wechat_xml("event", **fields, **kwargs)


def create_account(env, **values):
    return env["callcenter.wechat.account"].create({
        "name": "Support Official Account",
        "app_id": APP_ID,
        "app_secret": "45658c05647671e481d75b6fa23e6add",
        "token": TOKEN,
        "encoding_aes_key": AES_KEY,
        "message_mode": "plain",
        **values,
    })


def office_calendar(env):
    """Monday to Friday 9:00-18:00 in Shanghai."""
    return env["resource.calendar"].create({
        "name": "Shanghai office",
        "tz": "Asia/Shanghai",
        "attendance_ids": [(5, 0, 0)] + [
            (0, 0, {"name": f"Day {day}", "dayofweek": str(day), "hour_from": 9, "hour_to": 18,
                    "day_period": "morning"})
            for day in range(5)
        ],
    })


class WechatInboundCommon(TransactionCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True, mail_create_nolog=True))
        cls.account = create_account(cls.env, welcome_message="Welcome!",
                                     out_of_hours_message="We are closed, back at 9:00.")
        cls.Message = cls.env["callcenter.wechat.message"]
        cls.cron = cls.env.ref("callcenter_wechat.ir_cron_callcenter_wechat_process")

    def receive(self, xml):
        return self.Message._wechat_receive(self.account.sudo(), parse_message(xml))

    def messages(self, **domain):
        return self.Message.search([("account_id", "=", self.account.id)]
                                   + [(name, "=", value) for name, value in domain.items()])

    def follower(self, openid=OPENID):
        return self.env["callcenter.wechat.follower"].search(
            [("account_id", "=", self.account.id), ("openid", "=", openid)])

    def cron_triggers(self):
        return self.env["ir.cron.trigger"].search_count([("cron_id", "=", self.cron.id)])


@tagged("callcenter", "post_install", "-at_install")
@freeze_time(NOW)
class TestWechatReceive(WechatInboundCommon):
    """_wechat_receive: what the webhook stores and answers, kind by kind."""

    def test_text_stored_once_with_its_follower(self):
        self.Message._wechat_consume_triggers(auto_commit=False)  # no run announced
        triggers = self.cron_triggers()
        self.assertEqual(self.receive(text_xml("你好", msg_id=6054768590064713728)), "")
        message = self.messages()
        self.assertRecordValues(message, [{
            "kind": "text", "direction": "in", "body": "你好", "msg_id": "6054768590064713728",
            "dedup_key": "6054768590064713728", "state": "received", "wechat_time": NOW,
            "company_id": self.account.company_id.id, "event": False,
        }])
        self.assertRecordValues(message.follower_id, [{
            "openid": OPENID, "name": OPENID, "subscribed": True, "last_inbound_at": NOW,
            "account_id": self.account.id,
        }])
        self.assertEqual(self.cron_triggers(), triggers + 1)

        # WeChat's retry of the same delivery: answered again, stored once, no new trigger.
        with self.assertLogs(MODEL_LOGGER, logging.INFO) as logs:
            self.receive(text_xml("你好", msg_id=6054768590064713728))
        self.assertIn("redelivered", logs.output[0])
        self.assertEqual(len(self.messages()), 1)
        self.assertEqual(self.cron_triggers(), triggers + 1)

    def test_every_message_kind(self):
        cases = [
            (wechat_xml("image", PicUrl="http://mmbiz.qpic.cn/x.jpg", MediaId="img-1", MsgId=101),
             {"kind": "image", "media_id": "img-1", "url": "http://mmbiz.qpic.cn/x.jpg"}),
            (wechat_xml("voice", MediaId="voice-1", Format="amr", Recognition="我想退货", MsgId=102),
             {"kind": "voice", "media_id": "voice-1", "media_format": "amr", "recognition": "我想退货"}),
            (wechat_xml("voice", MediaId="voice-2", Format="speex", MsgId=103),
             {"kind": "voice", "media_id": "voice-2", "media_format": "speex", "recognition": False}),
            (wechat_xml("video", MediaId="video-1", ThumbMediaId="thumb-1", MsgId=104),
             {"kind": "video", "media_id": "video-1", "thumb_media_id": "thumb-1"}),
            (wechat_xml("shortvideo", MediaId="short-1", ThumbMediaId="thumb-2", MsgId=105),
             {"kind": "shortvideo", "media_id": "short-1", "thumb_media_id": "thumb-2"}),
            (wechat_xml("location", Location_X="23.134521", Location_Y="113.358803", Scale=20,
                        Label="广州市天河区", MsgId=106),
             {"kind": "location", "latitude": 23.134521, "longitude": 113.358803, "scale": 20,
              "label": "广州市天河区"}),
            (wechat_xml("link", Title="订单", Description="订单详情", Url="https://example.com/o/1",
                        MsgId=107),
             {"kind": "link", "title": "订单", "description": "订单详情",
              "url": "https://example.com/o/1"}),
        ]
        for xml, expected in cases:
            with self.subTest(kind=expected["kind"]):
                self.receive(xml)
                message = self.Message.search([("account_id", "=", self.account.id)], order="id desc",
                                              limit=1)
                self.assertRecordValues(message, [{**expected, "direction": "in", "state": "received"}])
                self.assertTrue(message.msg_id)
        self.assertEqual(len(self.messages()), len(cases))
        self.assertEqual(len(self.messages().follower_id), 1)

    def test_every_event(self):
        cases = [
            (event_xml("subscribe", create_time=NOW_TS - 60), {"event": "subscribe", "event_key": False}),
            (event_xml("subscribe", "qrscene_bind:Zq3", Ticket="gQH47joAAAA", create_time=NOW_TS - 50),
             {"event": "subscribe", "event_key": "bind:Zq3"}),
            (event_xml("SCAN", "bind:Zq4", Ticket="gQH47joAAAB", create_time=NOW_TS - 40),
             {"event": "scan", "event_key": "bind:Zq4"}),
            (event_xml("CLICK", "support_sales", create_time=NOW_TS - 30),
             {"event": "click", "event_key": "support_sales"}),
            (event_xml("VIEW", "https://example.com/shop", create_time=NOW_TS - 20),
             {"event": "view", "event_key": "https://example.com/shop", "url": "https://example.com/shop"}),
            (wechat_xml("event", Event="LOCATION", Latitude="23.137466", Longitude="113.352425",
                        Precision="119.385040", create_time=NOW_TS - 10),
             {"event": "location", "latitude": 23.137466, "longitude": 113.352425}),
            (event_xml("unsubscribe", create_time=NOW_TS), {"event": "unsubscribe"}),
        ]
        for xml, expected in cases:
            with self.subTest(event=expected["event"]):
                self.receive(xml)
                message = self.Message.search([("account_id", "=", self.account.id)], order="id desc",
                                              limit=1)
                self.assertRecordValues(message, [{**expected, "kind": "event", "msg_id": False,
                                                   "state": "received"}])
                self.assertRegex(message.dedup_key, rf"^{OPENID}:\d+:{expected['event']}$")
        self.assertEqual(len(self.messages()), len(cases))

    def test_events_deduplicated_by_sender_time_and_event(self):
        self.receive(event_xml("subscribe", create_time=NOW_TS))
        self.receive(event_xml("subscribe", create_time=NOW_TS))
        self.assertEqual(self.messages().mapped("dedup_key"), [f"{OPENID}:{NOW_TS}:subscribe"])
        # Another event in the same second, or the same event from someone else, is new.
        self.receive(event_xml("CLICK", "menu", create_time=NOW_TS))
        self.receive(event_xml("subscribe", openid="oOther", create_time=NOW_TS))
        self.assertEqual(len(self.messages()), 3)

    def test_kinds_not_handled_are_answered_not_stored(self):
        with self.assertLogs(MODEL_LOGGER, logging.INFO) as logs:
            self.assertEqual(self.receive(wechat_xml("miniprogrampage", Title="t", MsgId=1)), "")
            self.assertEqual(self.receive(wechat_xml(
                "event", Event="TEMPLATESENDJOBFINISH", MsgID=200163836, Status="success")), "")
        self.assertEqual(len(logs.output), 2)
        self.assertFalse(self.messages())
        self.assertFalse(self.follower())

    def test_last_inbound_at_only_moves_forward_and_only_for_window_events(self):
        earlier = NOW - timedelta(hours=1)
        self.receive(text_xml("first", create_time=NOW_TS - 3600))
        self.assertEqual(self.follower().last_inbound_at, earlier)
        # Events that do not open the 48-hour window leave it as it is.
        self.receive(event_xml("VIEW", "https://example.com", create_time=NOW_TS - 60))
        self.receive(wechat_xml("event", Event="LOCATION", Latitude="1", Longitude="2",
                                create_time=NOW_TS - 50))
        self.assertEqual(self.follower().last_inbound_at, earlier)
        self.receive(event_xml("CLICK", "k", create_time=NOW_TS))
        self.assertEqual(self.follower().last_inbound_at, NOW)
        # A late delivery of an older message does not move it back; a clock ahead of
        # ours does not move it into the future.
        self.receive(text_xml("late", create_time=NOW_TS - 7200))
        self.assertEqual(self.follower().last_inbound_at, NOW)
        self.receive(text_xml("ahead", create_time=NOW_TS + 3600))
        self.assertEqual(self.follower().last_inbound_at, NOW)

    def test_first_event_unsubscribe_creates_an_unsubscribed_follower(self):
        self.receive(event_xml("unsubscribe"))
        self.assertRecordValues(self.follower(), [{"subscribed": False, "last_inbound_at": False}])

    def test_keyword_autoreplies(self):
        Autoreply = self.env["callcenter.wechat.autoreply"]
        hours, refund, _archived = Autoreply.create([
            {"account_id": self.account.id, "sequence": 2, "keyword": "Hours", "match_mode": "exact",
             "reply": "9:00-18:00"},
            {"account_id": self.account.id, "sequence": 1, "keyword": "退货", "match_mode": "contains",
             "reply": "退货请点菜单", "route_to_agent": True},
            {"account_id": self.account.id, "sequence": 0, "keyword": "hours", "match_mode": "exact",
             "reply": "archived", "active": False},
        ])
        Autoreply.create({"account_id": create_account(self.env, app_id="wxother").id,
                          "keyword": "hours", "reply": "another account"})
        self.assertEqual(self.receive(text_xml("  HOURS ")), "9:00-18:00")
        self.assertEqual(self.messages(autoreply_id=hours.id).reply_body, "9:00-18:00")
        self.assertEqual(self.receive(text_xml("what are your hours?")), "")
        self.assertEqual(self.receive(text_xml("我要退货，谢谢")), "退货请点菜单")
        # A voice message is matched on WeChat's recognition of it.
        self.assertEqual(self.receive(wechat_xml("voice", MediaId="m", Format="amr",
                                                 Recognition="我想退货。", MsgId=900)), "退货请点菜单")
        self.assertEqual(len(self.messages(autoreply_id=refund.id)), 2)
        # Sequence decides between two matches.
        hours.sequence = 0
        self.assertEqual(self.receive(text_xml("hours 退货")), "退货请点菜单")
        refund.match_mode = "exact"
        self.assertEqual(self.receive(text_xml("hours")), "9:00-18:00")

    def test_welcome_on_follow(self):
        self.assertEqual(self.receive(event_xml("subscribe")), "Welcome!")
        self.assertEqual(self.receive(event_xml("subscribe", "qrscene_bind:x", create_time=NOW_TS + 1)),
                         "Welcome!")
        self.assertEqual(self.messages(event="subscribe").mapped("reply_body"), ["Welcome!"] * 2)
        self.assertEqual(self.receive(event_xml("SCAN", "bind:y")), "")
        self.account.welcome_message = False
        self.assertEqual(self.receive(event_xml("subscribe", create_time=NOW_TS + 2)), "")

    def test_out_of_hours_in_the_calendar_time_zone(self):
        self.account.resource_calendar_id = office_calendar(self.env)
        closed = "We are closed, back at 9:00."
        # 10:00 in Shanghai (02:00 UTC, outside 9-18 if read as UTC): open.
        self.assertEqual(self.receive(text_xml("hello")), "")
        # 18:30 in Shanghai (10:30 UTC, inside 9-18 if read as UTC): closed.
        with freeze_time(NOW + timedelta(hours=8, minutes=30)):
            self.assertEqual(self.receive(text_xml("hello")), closed)
            self.assertEqual(self.receive(wechat_xml("image", MediaId="m", PicUrl="u", MsgId=77)), closed)
            self.assertEqual(self.receive(event_xml("CLICK", "k", create_time=NOW_TS + 1)), closed)
            # Events that are not the customer asking for something get no reply.
            self.assertEqual(self.receive(event_xml("VIEW", "https://e.com", create_time=NOW_TS + 2)), "")
            self.assertEqual(self.receive(event_xml("subscribe", create_time=NOW_TS + 3)), "Welcome!")
            # A keyword auto-reply answers rather than the out-of-hours message.
            self.env["callcenter.wechat.autoreply"].create({
                "account_id": self.account.id, "keyword": "hours", "reply": "9:00-18:00"})
            self.assertEqual(self.receive(text_xml("hours")), "9:00-18:00")
        # Saturday 11:00 in Shanghai: closed.
        with freeze_time(NOW + timedelta(days=5, hours=1)):
            self.assertEqual(self.receive(text_xml("hello")), closed)
        self.account.out_of_hours_message = False
        with freeze_time(NOW + timedelta(days=5, hours=1)):
            self.assertEqual(self.receive(text_xml("hello")), "")

    def test_out_of_hours_on_a_public_holiday(self):
        calendar = office_calendar(self.env)
        self.account.resource_calendar_id = calendar
        self.env["resource.calendar.leaves"].create({
            "name": "Public holiday", "calendar_id": calendar.id, "resource_id": False,
            "date_from": NOW - timedelta(hours=4), "date_to": NOW + timedelta(hours=12),
        })
        self.assertEqual(self.receive(text_xml("hello")), "We are closed, back at 9:00.")


@tagged("callcenter", "post_install", "-at_install")
@freeze_time(NOW)
class TestWechatProcess(WechatInboundCommon):
    """_wechat_process: the cron's work after the webhook answered. Binding (W1) and
    conversations (W3) are replaced by recorders: this checks what is handed to them."""

    def setUp(self):
        super().setUp()
        self.attached, self.bound = [], []
        self.attach_fails_for, self.bind_fails_for = set(), set()

        def attach(model, messages):
            if set(messages.mapped("body")) & self.attach_fails_for:
                raise ValueError("queue is gone")
            self.attached.append(messages)

        def bind(model, follower, scene):
            if scene in self.bind_fails_for:
                raise ValueError("bad scene")
            self.bound.append((follower, scene))
            return self.env["res.partner"]

        for model, method, fake in (("callcenter.wechat.conversation", "_wechat_attach_inbound", attach),
                                    ("callcenter.wechat.qrcode", "_wechat_bind", bind)):
            patcher = patch.object(type(self.env[model]), method, fake, create=True)
            patcher.start()
            self.addCleanup(patcher.stop)

    def test_follow_state_location_binding_and_conversations(self):
        self.receive(event_xml("subscribe", "qrscene_bind:Zq3", create_time=NOW_TS - 100))
        self.receive(text_xml("hello", create_time=NOW_TS - 90))
        self.receive(event_xml("VIEW", "https://e.com", create_time=NOW_TS - 80))
        self.receive(wechat_xml("event", Event="LOCATION", Latitude="23.1", Longitude="113.3",
                                create_time=NOW_TS - 70))
        self.receive(event_xml("CLICK", "sales", create_time=NOW_TS - 60))
        self.receive(event_xml("SCAN", "bind:Zq4", create_time=NOW_TS - 50))
        self.receive(wechat_xml("image", MediaId="m", PicUrl="u", MsgId=555, create_time=NOW_TS - 40))
        self.receive(event_xml("unsubscribe", create_time=NOW_TS - 30))
        self.assertEqual(self.Message._wechat_process(), 8)

        follower = self.follower()
        self.assertRecordValues(follower, [{
            "subscribed": False, "subscribe_time": NOW - timedelta(seconds=100),
            "subscribe_scene": "bind:Zq3", "unsubscribe_time": NOW - timedelta(seconds=30),
            "latitude": 23.1, "longitude": 113.3,
        }])
        self.assertEqual(self.bound, [(follower, "bind:Zq3"), (follower, "bind:Zq4")])
        self.assertEqual(len(self.attached), 1)
        self.assertEqual(self.attached[0].mapped(lambda m: m.body or m.event or m.kind),
                         ["hello", "click", "image"])
        self.assertEqual(set(self.messages().mapped("state")), {"processed"})

        # Idempotent: nothing left to do, nothing done twice.
        self.assertEqual(self.Message._wechat_process(), 0)
        self.assertEqual(len(self.attached), 1)
        self.assertEqual(len(self.bound), 2)

    def test_latest_follow_event_wins_whatever_the_processing_order(self):
        self.receive(event_xml("unsubscribe", create_time=NOW_TS))
        self.Message._wechat_process()
        self.receive(event_xml("subscribe", create_time=NOW_TS - 10))  # delivered late
        self.Message._wechat_process()
        self.assertRecordValues(self.follower(), [{
            "subscribed": False, "subscribe_time": NOW - timedelta(seconds=10), "unsubscribe_time": NOW,
        }])
        self.receive(event_xml("subscribe", create_time=NOW_TS + 10))
        self.Message._wechat_process()
        self.assertTrue(self.follower().subscribed)

    def test_messages_settled_by_an_autoreply_open_no_conversation(self):
        self.env["callcenter.wechat.autoreply"].create([
            {"account_id": self.account.id, "keyword": "hours", "reply": "9-18"},
            {"account_id": self.account.id, "keyword": "refund", "reply": "Menu > Refund",
             "route_to_agent": True},
        ])
        self.receive(text_xml("hours"))
        self.receive(text_xml("refund"))
        self.Message._wechat_process()
        self.assertEqual(self.attached[0].mapped("body"), ["refund"])
        self.assertEqual(set(self.messages().mapped("state")), {"processed"})

    def test_settled_message_joins_a_conversation_under_way(self):
        self.env["callcenter.wechat.autoreply"].create(
            {"account_id": self.account.id, "keyword": "hours", "reply": "9-18"})
        self.receive(text_xml("hello"))
        follower = self.follower()
        self.env["callcenter.wechat.conversation"].create(
            {"account_id": self.account.id, "follower_id": follower.id, "state": "open"})
        self.receive(text_xml("hours"))
        self.Message._wechat_process()
        self.assertEqual(self.attached[0].mapped("body"), ["hello", "hours"])

    def test_a_failing_message_does_not_block_the_others(self):
        self.receive(event_xml("SCAN", "bind:broken", create_time=NOW_TS - 30))
        self.receive(text_xml("poison", create_time=NOW_TS - 20))
        self.receive(text_xml("fine", create_time=NOW_TS - 10))
        self.receive(event_xml("SCAN", "bind:ok", create_time=NOW_TS))
        self.bind_fails_for.add("bind:broken")
        self.attach_fails_for.add("poison")
        with self.assertLogs(MODEL_LOGGER, "WARNING") as logs:
            self.Message._wechat_process()
        self.assertEqual(len([line for line in logs.output if line.startswith("WARNING")]), 2)
        by_key = {m.event_key or m.body: m for m in self.messages()}
        self.assertRecordValues(by_key["bind:broken"], [{"state": "failed", "error": "bad scene"}])
        self.assertRecordValues(by_key["poison"], [{"state": "failed", "error": "queue is gone"}])
        self.assertEqual(by_key["fine"].state, "processed")
        self.assertEqual(by_key["bind:ok"].state, "processed")
        self.assertEqual([m.mapped("body") for m in self.attached], [["fine"]])
        self.assertEqual([scene for _follower, scene in self.bound], ["bind:ok"])

        # Once fixed, a manager processes them again.
        self.bind_fails_for.clear()
        self.attach_fails_for.clear()
        failed = by_key["bind:broken"] | by_key["poison"]
        failed.action_wechat_retry()
        self.assertEqual(set(failed.mapped("state")), {"received"})
        self.Message._wechat_process()
        self.assertRecordValues(failed, [{"state": "processed", "error": False}] * 2)

    def test_batches(self):
        for index in range(7):
            self.receive(text_xml(f"m{index}", create_time=NOW_TS - 10 + index))
        self.assertEqual(self.Message._wechat_process(batch_size=3), 7)
        self.assertEqual([len(batch) for batch in self.attached], [3, 3, 1])


@tagged("callcenter", "post_install", "-at_install")
class TestWechatProcessConcurrency(BaseCase):
    """Two cron workers at once, each on its own connection and transaction: every
    message is processed exactly once (FOR UPDATE SKIP LOCKED), and neither waits."""

    MESSAGES = 60

    def setUp(self):
        super().setUp()
        self.db = sql_db.db_connect(get_db_name())
        with self.db.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            account = create_account(env, app_id="wxconcurrency", welcome_message=False)
            self.account_id = account.id
            Message = env["callcenter.wechat.message"]
            for index in range(self.MESSAGES):
                Message._wechat_receive(account, parse_message(
                    text_xml(f"m{index}", openid=f"o{index % 5}", create_time=int(time.time()))))
            cr.commit()
        self.addCleanup(self._drop)

    def _drop(self):
        with self.db.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            env["callcenter.wechat.account"].browse(self.account_id).unlink()
            self._triggers(env).unlink()
            cr.commit()

    def _triggers(self, env):
        cron = env.ref("callcenter_wechat.ir_cron_callcenter_wechat_process")
        return env["ir.cron.trigger"].search([("cron_id", "=", cron.id)])

    def _committed(self, function):
        with self.db.cursor() as cr:
            result = function(api.Environment(cr, SUPERUSER_ID, {}))
            cr.commit()
        return result

    @contextmanager
    def _recording_attach(self, attached):
        def attach(model, messages):
            time.sleep(0.01)  # long enough for the other worker to come by
            attached.extend(messages.ids)

        registry = Registry(get_db_name())
        with patch.object(registry["callcenter.wechat.conversation"], "_wechat_attach_inbound",
                          attach, create=True), \
             patch.object(registry["callcenter.wechat.qrcode"], "_wechat_bind",
                          lambda model, follower, scene: None, create=True):
            yield

    def test_cron_woken_once_per_run(self):
        """One trigger (and its NOTIFY) per run of the cron, not one per message: a
        webhook request after a trigger relies on the run it announces."""
        def receive(env, content):
            account = env["callcenter.wechat.account"].browse(self.account_id)
            env["callcenter.wechat.message"]._wechat_receive(account, parse_message(
                text_xml(content, create_time=int(time.time()))))

        def process(env):
            return env["callcenter.wechat.message"]._wechat_process(auto_commit=True)

        attached = []
        with self._recording_attach(attached):
            self._committed(process)
            self.assertEqual(len(attached), self.MESSAGES)
            triggers = self._committed(lambda env: len(self._triggers(env)))
            for content in ("a", "b", "c"):
                self._committed(lambda env, content=content: receive(env, content))
            self.assertEqual(self._committed(lambda env: len(self._triggers(env))), triggers + 1)
            self._committed(process)
            self.assertEqual(len(attached), self.MESSAGES + 3)
            self._committed(lambda env: receive(env, "d"))
            self.assertEqual(self._committed(lambda env: len(self._triggers(env))), triggers + 2)

    def test_two_workers_process_each_message_once(self):
        attached = []

        def worker(env, barrier):
            barrier.wait()
            env["callcenter.wechat.message"]._wechat_process(batch_size=4, auto_commit=True)
            env.cr.commit()

        with self._recording_attach(attached):
            errors = run_at_once(self.db, worker, [(), ()])
        self.assertFalse(errors)
        self.assertEqual(len(attached), self.MESSAGES)
        self.assertEqual(len(set(attached)), self.MESSAGES)
        with self.db.cursor() as cr:
            cr.execute("SELECT state, count(*) FROM callcenter_wechat_message "
                       "WHERE account_id = %s GROUP BY state", [self.account_id])
            self.assertEqual(dict(cr.fetchall()), {"processed": self.MESSAGES})
