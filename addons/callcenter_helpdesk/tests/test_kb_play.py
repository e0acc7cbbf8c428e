# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64
import hashlib
import json
from datetime import datetime, timedelta

from odoo.exceptions import UserError
from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.callcenter_base.tests.test_ui import AGENT_GROUPS, LoopbackConnector

from .test_kb import TINY_WAV, KbCommon


class TestKbPlay(KbCommon):
    """"Play to caller": the checks in Odoo and the command the connector receives."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.connector = LoopbackConnector()
        cls.addClassCleanup(cls.connector.close)
        cls.pbx.write({"connector_url": cls.connector.url, "connector_token": "kb-token"})
        now = datetime.now()
        cls.call = cls._create_call(
            queue=cls.queue_support, agent=cls.agent, state="answered", linkedid="kb.1",
            uniqueid="kb.1", started_at=now - timedelta(seconds=40),
            answered_at=now - timedelta(seconds=30))
        cls.Article = cls.env["callcenter.kb.article"].with_user(cls.user_agent)

    def setUp(self):
        super().setUp()
        self.connector.commands.clear()

    def test_play_sends_playback(self):
        article = self.Article.browse(self.article_return.id)
        self.assertTrue(article.action_callcenter_kb_play(self.clip.id, self.call.id))
        checksum = hashlib.sha1(TINY_WAV).hexdigest()
        sound = f"callcenter/kb-{self.clip.id}-{checksum[:12]}"
        # The loopback connector never has the clip: status, one chunk, then playback.
        self.assertEqual(self.connector.actions(), ["sound_status", "sound_upload", "playback"])
        status, upload, playback = (command["params"] for command in self.connector.commands)
        self.assertEqual(status, {"sound": sound, "sha1": checksum})
        self.assertEqual((upload["sound"], upload["sha1"], upload["offset"], upload["total"]),
                         (sound, checksum, 0, len(TINY_WAV)))
        self.assertEqual(base64.b64decode(upload["data"]), TINY_WAV)
        self.assertEqual(playback, {"linkedid": "kb.1", "interface": "PJSIP/1001",
                                    "sound": sound})
        self.assertEqual(self.article_return.use_count, 1)

    def test_long_clip_goes_in_chunks(self):
        frames = b"\x01\x00" * 200_000  # 25 s at 8 kHz: 400 KB
        header = bytearray(TINY_WAV[:44])
        header[4:8] = (36 + len(frames)).to_bytes(4, "little")
        header[40:44] = len(frames).to_bytes(4, "little")
        long_clip = self.env["ir.attachment"].create({
            "name": "long.wav", "raw": bytes(header) + frames, "mimetype": "audio/x-wav"})
        self.article_return.clip_ids = [(4, long_clip.id)]
        self.Article.browse(self.article_return.id).action_callcenter_kb_play(
            long_clip.id, self.call.id)
        uploads = [c["params"] for c in self.connector.commands if c["action"] == "sound_upload"]
        self.assertEqual([u["offset"] for u in uploads], [0, 160 * 1024, 320 * 1024])
        self.assertEqual(b"".join(base64.b64decode(u["data"]) for u in uploads),
                         long_clip.raw)
        self.assertLess(max(len(json.dumps(c)) for c in self.connector.commands), 256 * 1024)

    def test_play_refused_when_call_is_over(self):
        self.call.write({"state": "completed", "ended_at": datetime.now()})
        with self.assertRaisesRegex(UserError, "The call is over"):
            self.Article.browse(self.article_return.id).action_callcenter_kb_play(
                self.clip.id, self.call.id)
        self.assertFalse(self.connector.commands)

    def test_play_refused_to_another_agent(self):
        article = self.env["callcenter.kb.article"].with_user(self.user_agent_sales).browse(
            self.article_return.id)
        with self.assertRaisesRegex(UserError, "You are not on this call"):
            article.action_callcenter_kb_play(self.clip.id, self.call.id)
        with self.assertRaisesRegex(UserError, "You are not on this call"):
            article.action_callcenter_kb_play(self.clip.id, 0)
        self.assertFalse(self.connector.commands)

    def test_play_refused_for_a_foreign_clip(self):
        with self.assertRaisesRegex(UserError, "does not belong"):
            self.Article.browse(self.article_invoice.id).action_callcenter_kb_play(
                self.clip.id, self.call.id)

    def test_play_refuses_an_unplayable_clip(self):
        mp3 = self.env["ir.attachment"].create({
            "name": "policy.mp3", "raw": b"ID3\x03\x00" + b"\x00" * 64, "mimetype": "audio/mpeg"})
        stereo = self.env["ir.attachment"].create({
            "name": "stereo.wav", "mimetype": "audio/x-wav",
            "raw": TINY_WAV[:22] + (2).to_bytes(2, "little") + TINY_WAV[24:]})
        self.article_return.clip_ids = [(4, mp3.id), (4, stereo.id)]
        article = self.Article.browse(self.article_return.id)
        for clip in (mp3, stereo):
            with self.assertRaisesRegex(UserError, "16-bit mono PCM at 8 kHz"):
                article.action_callcenter_kb_play(clip.id, self.call.id)
        self.assertFalse(self.connector.commands)

    def test_connector_error_is_shown(self):
        self.pbx.connector_url = "http://127.0.0.1:9"
        with self.assertRaisesRegex(UserError, "not reachable"):
            self.Article.browse(self.article_return.id).action_callcenter_kb_play(
                self.clip.id, self.call.id)


@tagged("post_install", "-at_install", "callcenter")
class TestKbUi(HttpCase):
    """The systray search and the screen pop section in a real browser."""

    def setUp(self):
        super().setUp()
        self.connector = LoopbackConnector()
        self.addCleanup(self.connector.close)
        env = self.env(context=dict(self.env.context, tracking_disable=True,
                                    mail_create_nolog=True))
        self.pbx = env["callcenter.pbx"].create({
            "name": "KB PBX", "default_region": "CN",
            "connector_url": self.connector.url, "connector_token": "kb-token",
        })
        self.user_agent = new_test_user(env, "cc_kb_agent", groups=AGENT_GROUPS,
                                        name="KB Agent", tz="Asia/Shanghai")
        self.agent = env["callcenter.agent"].create({
            "user_id": self.user_agent.id, "pbx_id": self.pbx.id,
            "extension": "1001", "interface": "PJSIP/1001"})
        Article = env["callcenter.kb.article"]
        Article.search([]).active = False  # the demo articles would compete in the rankings
        self.article = Article.create({
            "name": "退换货政策", "is_published": True, "keywords": "退货 refund",
            "body": "<p>7 天内无理由退货，发票需一并寄回。</p>",
        })
        Article.create({"name": "发票开具", "is_published": True, "body": "<p>电子发票</p>"})
        Article.create({"name": "退货新规（草稿）", "is_published": False, "body": "<p>退货</p>"})
        self.article._callcenter_demo_voice_clip("退换货政策.wav", seconds=0.2)

    def test_systray_search_chinese(self):
        self.start_tour("/odoo", "callcenter_kb_systray_tour", login="cc_kb_agent")
        self.assertEqual(self.article.use_count, 1)
        self.assertFalse(self.connector.commands)

    def test_screen_pop_search_and_play(self):
        now = datetime.now()
        self.env["callcenter.call"].create({
            "pbx_id": self.pbx.id, "direction": "inbound", "state": "answered",
            "caller_number_raw": "+8613666661234", "callee_number_raw": "4001",
            "agent_id": self.agent.id, "linkedid": "kb.tour", "uniqueid": "kb.tour",
            "started_at": now - timedelta(seconds=20), "answered_at": now - timedelta(seconds=10),
        })
        self.start_tour("/odoo", "callcenter_kb_screen_pop_tour", login="cc_kb_agent")
        self.assertEqual(self.connector.actions(), ["sound_status", "sound_upload", "playback"])
        params = self.connector.commands[-1]["params"]
        self.assertEqual((params["linkedid"], params["interface"]), ("kb.tour", "PJSIP/1001"))
        self.assertTrue(params["sound"].startswith(f"callcenter/kb-{self.article.clip_ids.id}-"))
