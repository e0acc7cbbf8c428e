# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64
from datetime import timedelta

from wechatpy.exceptions import WeChatClientException

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged
from odoo.tools import mute_logger

from .conversation_common import ConversationFakeCommon

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)
AMR = b"#!AMR\n" + bytes(range(32))
CONVERSATION_LOGGER = "odoo.addons.callcenter_wechat.models.callcenter_wechat_conversation"


@tagged("callcenter", "post_install", "-at_install")
class TestConversation(ConversationFakeCommon):
    """A follower's conversation from the first message to its close, against the fake."""

    def setUp(self):
        super().setUp()
        self.disposition = self.env["callcenter.call.disposition"].create({"name": "Solved"})
        self.disposition_note = self.env["callcenter.call.disposition"].create(
            {"name": "Complaint", "note_required": True})

    def _open(self, follower=None, agent=None, at=None):
        """A conversation answered by `agent` (the Support agent by default)."""
        agent = agent or self.agent
        self._log_in(agent)
        conversation = self._receive(follower, at=at)
        self.assertEqual(conversation.agent_id, agent)
        return conversation

    # ------------------------------------------------------------
    # inbound
    # ------------------------------------------------------------

    def test_messages_join_the_open_conversation(self):
        first = self._message(at=fields.Datetime.now() - timedelta(minutes=3))
        conversation = self.Conversation._wechat_attach_inbound(first)
        second = self._message()
        self.assertEqual(self.Conversation._wechat_attach_inbound(second), conversation)
        self.assertEqual(conversation.wechat_message_ids, first | second)
        self.assertEqual(conversation.unread_count, 2)
        self.assertEqual(conversation.started_at, first.wechat_time)
        self.assertEqual(conversation.last_inbound_at, second.wechat_time)
        self.assertEqual(conversation.last_message_at, second.wechat_time)
        self.assertEqual(conversation.queue_id, self.queue_support)
        self.assertTrue(conversation.window_open)
        self.assertEqual(conversation.name, "小王")
        self.assertEqual(self.Conversation._wechat_attach_inbound(second), self.Conversation,
                         "an attached message is not attached again")

    def test_processing_hands_messages_over(self):
        """Through the inbound processing (the cron's work): the customer's text and
        photo join one conversation, routed at once; a photo WeChat no longer has
        stays in the thread with its download error."""
        self._log_in(self.agent)
        text = self._message()
        photo = self._message(kind="image", media_id="MEDIA_GONE")
        with mute_logger(CONVERSATION_LOGGER):
            self.env["callcenter.wechat.message"]._wechat_process()
        self.assertEqual((text | photo).mapped("state"), ["processed", "processed"])
        conversation = text.conversation_id
        self.assertEqual(photo.conversation_id, conversation)
        self.assertEqual(conversation.agent_id, self.agent)
        self.assertEqual(conversation.unread_count, 2)
        self.assertTrue(photo.media_error)
        self.assertTrue(conversation.media_missing)

    def test_message_after_close_opens_a_new_conversation(self):
        conversation = self._open()
        conversation.with_user(self.user_agent)._wechat_close(self.disposition)
        self.assertEqual(conversation.state, "closed")
        later = self._receive()
        self.assertNotEqual(later, conversation)
        self.assertEqual(later.state, "open")
        self.assertEqual(len(conversation.wechat_message_ids), 1)
        self.assertEqual(self.follower.conversation_count, 2)

    def test_new_waiting_conversation_told_to_queue(self):
        conversation = self._receive()
        payload = {"conversation_id": conversation.id, "event": "new", "state": "waiting",
                   "user_id": False}
        self.assertEqual(self._bus(self.user_agent), [payload])
        self.assertEqual(self._bus(self.user_lead), [payload])
        self.assertEqual(self._bus(self.user_agent_sales), [])

    def test_message_told_to_agent(self):
        conversation = self._open()
        self._receive()
        self.assertEqual(self._bus(self.user_agent, "message"), [{
            "conversation_id": conversation.id, "event": "message", "state": "open",
            "user_id": self.user_agent.id}])
        self.assertEqual(self._bus(self.user_lead, "message"), [],
                         "team leads follow the waiting list, not every message")

    # ------------------------------------------------------------
    # media
    # ------------------------------------------------------------

    def test_image_downloaded_into_attachment(self):
        self.fake.add_media("MEDIA_PHOTO", PNG, "image/png", "photo.png")
        conversation = self._receive(kind="image", media_id="MEDIA_PHOTO")
        message = conversation.wechat_message_ids
        attachment = message.attachment_id
        self.assertEqual(attachment.raw, PNG)
        self.assertEqual(attachment.mimetype, "image/png")
        self.assertEqual(attachment.name, "photo.png")
        self.assertEqual((attachment.res_model, attachment.res_id), (conversation._name, conversation.id))
        self.assertEqual(self.fake.requests("media/get")[0][0]["media_id"], "MEDIA_PHOTO")
        self.assertFalse(conversation.media_missing)

    def test_voice_kept_with_format_and_recognition(self):
        self.fake.add_media("MEDIA_VOICE", AMR, "audio/amr", "MEDIA_VOICE")
        conversation = self._receive(kind="voice", media_id="MEDIA_VOICE", media_format="amr",
                                     recognition="我想查一下订单")
        attachment = conversation.wechat_message_ids.attachment_id
        self.assertEqual(attachment.raw, AMR)
        self.assertEqual(attachment.mimetype, "audio/amr")
        self.assertEqual(attachment.name, "MEDIA_VOICE.amr")
        thread = conversation.with_user(self.user_agent).wechat_thread()
        self.assertEqual(thread[0]["recognition"], "我想查一下订单")
        self.assertEqual(thread[0]["attachment_id"], attachment.id)
        self.assertEqual(thread[0]["mimetype"], "audio/amr")
        inbox = self.Conversation.with_user(self.user_agent).wechat_inbox()
        self.assertEqual(inbox["conversations"][0]["preview"], "[Voice] 我想查一下订单")

    def test_download_failure_kept_and_retried(self):
        with mute_logger(CONVERSATION_LOGGER):
            conversation = self._receive(kind="image", media_id="MEDIA_LATE")
        message = conversation.wechat_message_ids
        self.assertFalse(message.attachment_id)
        self.assertIn("expired", message.media_error)
        self.assertTrue(conversation.media_missing)
        thread = conversation.with_user(self.user_agent).wechat_thread()
        self.assertEqual(thread[0]["error"], message.media_error)

        self.fake.fail_next("media/get", status=502)
        self.fake.add_media("MEDIA_LATE", PNG, "image/png")
        with mute_logger(CONVERSATION_LOGGER), self.assertRaisesRegex(UserError, "HTTP error"):
            conversation.with_user(self.user_agent).action_wechat_retry_media()

        conversation.with_user(self.user_agent).action_wechat_retry_media()
        self.assertEqual(message.attachment_id.raw, PNG)
        self.assertFalse(message.media_error)
        self.assertFalse(conversation.media_missing)

    def test_network_outage_keeps_the_message(self):
        self.account.api_base_url = "http://127.0.0.1:9/cgi-bin/"
        with mute_logger(CONVERSATION_LOGGER):
            conversation = self._receive(kind="image", media_id="MEDIA_X")
        self.assertEqual(len(conversation.wechat_message_ids), 1)
        self.assertIn("could not be reached", conversation.wechat_message_ids.media_error)

    # ------------------------------------------------------------
    # replies
    # ------------------------------------------------------------

    def test_reply_text(self):
        conversation = self._open()
        payload = conversation.with_user(self.user_agent).action_wechat_send_text("  您好，请稍等。 ")
        sent = self.fake.requests("message/custom/send")
        self.assertEqual(len(sent), 1)
        self.assertEqual(sent[0][1], {"touser": "o_customer_1", "msgtype": "text",
                                      "text": {"content": "您好，请稍等。"}})
        message = conversation.wechat_message_ids.filtered(lambda m: m.direction == "out")
        self.assertEqual(message.body, "您好，请稍等。")
        self.assertEqual((message.kind, message.state, message.author_id),
                         ("text", "sent", self.user_agent))
        self.assertEqual(payload["id"], message.id)
        self.assertEqual(payload["author"], [self.user_agent.id, self.user_agent.name])
        self.assertEqual(conversation.unread_count, 0)

    def test_reply_image(self):
        conversation = self._open()
        attachment = self.env["ir.attachment"].with_user(self.user_agent).create({
            "name": "map.png", "raw": PNG, "mimetype": "image/png",
            "res_model": conversation._name, "res_id": conversation.id,
        })
        conversation.with_user(self.user_agent).action_wechat_send_image(attachment.id)
        uploads = self.fake.requests("media/upload")
        self.assertEqual(len(uploads), 1)
        self.assertEqual(uploads[0][0]["type"], "image")
        self.assertEqual(uploads[0][1]["media"], ("map.png", "image/png", PNG))
        sent = self.fake.requests("message/custom/send")
        uploaded_id = sent[0][1]["image"]["media_id"]
        self.assertEqual(self.fake.media(uploaded_id)[0], PNG)
        self.assertEqual(sent[0][1], {"touser": "o_customer_1", "msgtype": "image",
                                      "image": {"media_id": uploaded_id}})
        message = conversation.wechat_message_ids.filtered(lambda m: m.direction == "out")
        self.assertEqual((message.kind, message.attachment_id, message.media_id),
                         ("image", attachment, uploaded_id))

    def test_reply_image_checks(self):
        conversation = self._open()
        other = self._open(self.follower2)
        elsewhere = self.env["ir.attachment"].create({
            "name": "x.png", "raw": PNG, "res_model": other._name, "res_id": other.id,
        })
        as_agent = conversation.with_user(self.user_agent)
        with self.assertRaisesRegex(UserError, "Attach the image"):
            as_agent.action_wechat_send_image(elsewhere.id)
        text = self.env["ir.attachment"].create({
            "name": "notes.txt", "raw": b"hello", "mimetype": "text/plain",
            "res_model": conversation._name, "res_id": conversation.id,
        })
        with self.assertRaisesRegex(UserError, "JPEG, PNG"):
            as_agent.action_wechat_send_image(text.id)
        self.assertEqual(self.fake.requests("media/upload"), [])

    def test_48_hour_window_checked_before_calling_wechat(self):
        long_ago = fields.Datetime.now() - timedelta(hours=49)
        conversation = self._open(at=long_ago)
        self.follower.last_inbound_at = long_ago
        self.assertFalse(conversation.window_open)
        with self.assertRaises(UserError) as caught:
            conversation.with_user(self.user_agent).action_wechat_send_text("还在吗？")
        self.assertEqual(self.fake.requests("message/custom/send"), [])
        self.assertEqual(self.fake.requests("token"), [], "WeChat was not even asked for a token")
        expected = self.account._wechat_user_error(WeChatClientException(45015, "")).args[0]
        self.assertEqual(caught.exception.args[0], expected)
        self.assertIn("48 hours", expected)

    def test_45015_from_wechat_shown_the_same_way(self):
        conversation = self._open()
        self.fake.set_last_inbound("o_customer_1", fields.Datetime.now() - timedelta(hours=50))
        with self.assertRaises(UserError) as caught:
            conversation.with_user(self.user_agent).action_wechat_send_text("您好")
        self.assertEqual(len(self.fake.requests("message/custom/send")), 1)
        expected = self.account._wechat_user_error(WeChatClientException(45015, "")).args[0]
        self.assertEqual(caught.exception.args[0], expected)

    def test_first_response_time(self):
        conversation = self._open(at=fields.Datetime.now() - timedelta(seconds=90))
        self.assertFalse(conversation.first_response_seconds)
        conversation.with_user(self.user_agent).action_wechat_send_text("您好")
        first_at = conversation.first_response_at
        self.assertEqual(conversation.first_response_seconds,
                         int((first_at - conversation.started_at).total_seconds()))
        self.assertGreaterEqual(conversation.first_response_seconds, 90)
        conversation.with_user(self.user_agent).action_wechat_send_text("还有别的问题吗？")
        self.assertEqual(conversation.first_response_at, first_at, "only the first reply counts")

    def test_only_the_assigned_agent_replies(self):
        conversation = self._open()
        with self.assertRaisesRegex(AccessError, "Agent Support answers"):
            conversation.with_user(self.user_agent2).action_wechat_send_text("我来")
        self.agent.chat_capacity = 1
        waiting = self._receive(self.follower2)
        with self.assertRaisesRegex(AccessError, "Take this conversation"):
            waiting.with_user(self.user_agent).action_wechat_send_text("hello")
        self.assertEqual(self.fake.requests("message/custom/send"), [])

    # ------------------------------------------------------------
    # take, read, link
    # ------------------------------------------------------------

    def test_take(self):
        conversation = self._receive()
        self.assertEqual(conversation.state, "waiting")
        conversation.with_user(self.user_agent2).action_wechat_take()
        self.assertEqual(conversation.agent_id, self.agent2)
        self.assertEqual(conversation.state, "open")
        with self.assertRaisesRegex(UserError, "already answers"):
            conversation.with_user(self.user_agent).action_wechat_take()
        with self.assertRaises(AccessError):
            conversation.with_user(self.user_agent_sales).action_wechat_take()

    def test_take_respects_capacity(self):
        self.agent.chat_capacity = 1
        self._open()
        waiting = self._receive(self.follower2)
        self.assertEqual(waiting.state, "waiting")
        with self.assertRaisesRegex(UserError, "chat capacity"):
            waiting.with_user(self.user_agent).action_wechat_take()

    def test_mark_read(self):
        conversation = self._open()
        self._receive()
        self.assertEqual(conversation.unread_count, 2)
        conversation.with_user(self.user_agent).action_wechat_mark_read()
        self.assertEqual(conversation.unread_count, 0)

    def test_link_partner(self):
        conversation = self._open()
        result = conversation.with_user(self.user_agent).action_wechat_link_partner(self.partner.id)
        self.assertEqual(result, {"partner": [self.partner.id, self.partner.display_name]})
        self.assertEqual(self.follower.partner_id, self.partner)
        self.assertEqual(conversation.partner_id, self.partner)
        self.assertIn(self.partner.name, conversation.message_ids[0].body)
        self.assertEqual(self.partner.with_user(self.user_agent).wechat_conversation_count, 1)
        action = conversation.with_user(self.user_agent).action_wechat_link_partner()
        self.assertEqual(action["res_model"], "callcenter.wechat.link")
        wizard = Form(self.env["callcenter.wechat.link"].with_user(self.user_agent).with_context(
            action["context"]))
        self.assertEqual(wizard.partner_id, self.partner)

    def test_inbox_and_thread(self):
        self.agent.chat_capacity = 1
        mine = self._open()
        waiting = self._receive(self.follower2, kind="location", label="上海市徐汇区",
                                latitude=31.18, longitude=121.43)
        other = self._receive(self.follower3)
        inbox = self.Conversation.with_user(self.user_agent).wechat_inbox()
        self.assertEqual(inbox["waiting_count"], 2)
        by_id = {c["id"]: c for c in inbox["conversations"]}
        self.assertEqual(set(by_id), {mine.id, waiting.id, other.id})
        self.assertEqual(by_id[mine.id]["agent"], [self.agent.id, self.agent.name])
        self.assertEqual(by_id[mine.id]["state"], "open")
        self.assertTrue(by_id[mine.id]["window_open"])
        self.assertEqual(by_id[waiting.id]["preview"], "[Location] 上海市徐汇区")
        self.assertEqual(by_id[waiting.id]["queue"], [self.queue_support.id, "Support"])

        self.assertEqual(self.Conversation.with_user(self.user_agent_sales).wechat_inbox(),
                         {"conversations": [], "waiting_count": 0})

        as_agent = mine.with_user(self.user_agent)
        first = as_agent.wechat_thread()
        self.assertEqual([m["direction"] for m in first], ["in"])
        as_agent.action_wechat_send_text("您好")
        later = as_agent.wechat_thread(after_id=first[-1]["id"])
        self.assertEqual([(m["direction"], m["body"]) for m in later], [("out", "您好")])
        self.assertEqual(as_agent.wechat_thread(after_id=later[-1]["id"]), [])

    def test_unlink_partner(self):
        self.follower.partner_id = self.partner
        conversation = self._open()
        conversation.with_user(self.user_agent).action_wechat_link_partner(False)
        self.assertFalse(self.follower.partner_id)
        self.assertIn(self.partner.name, conversation.message_ids[0].body)

    def test_views_load(self):
        for user in (self.user_agent, self.user_lead):
            views = self.Conversation.with_user(user).get_views(
                [(False, kind) for kind in ("list", "form", "search", "pivot", "graph")])
            self.assertIn("wechat_message_ids", views["views"]["form"]["arch"])
        partner_form = self.env["res.partner"].with_user(self.user_agent).get_views([(False, "form")])
        self.assertIn("action_view_wechat_conversations", partner_form["views"]["form"]["arch"])
        plain_form = self.env["res.partner"].with_user(self.user_plain).get_views([(False, "form")])
        self.assertNotIn("wechat_follower_ids", plain_form["views"]["form"]["arch"])
        self.env["callcenter.wechat.follow.report"].with_user(self.user_lead).get_views(
            [(False, kind) for kind in ("list", "search", "pivot", "graph")])

    def test_inbox_needs_an_agent(self):
        with self.assertRaisesRegex(UserError, "Only call center agents"):
            self.Conversation.with_user(self.user_plain).wechat_inbox()

    # ------------------------------------------------------------
    # transfer and close
    # ------------------------------------------------------------

    def _transfer(self, conversation, user, **values):
        action = conversation.with_user(user).action_wechat_transfer()
        wizard = Form(self.env[action["res_model"]].with_user(user).with_context(action["context"]))
        for name, value in values.items():
            setattr(wizard, name, value)
        return wizard.save().action_confirm()

    def test_transfer_to_agent_with_history(self):
        conversation = self._open()
        self._log_in(self.agent2)
        self._transfer(conversation, self.user_agent, target="agent", agent_id=self.agent2,
                       reason="客户要求英文服务")
        self.assertEqual(conversation.agent_id, self.agent2)
        self.assertEqual(conversation.state, "open")
        self.assertIn("客户要求英文服务", conversation.message_ids[0].body)
        self.assertIn(self.agent2.name, conversation.message_ids[0].body)
        payload = {"conversation_id": conversation.id, "event": "transferred", "state": "open",
                   "user_id": self.user_agent2.id}
        self.assertEqual(self._bus(self.user_agent, "transferred"), [payload])
        self.assertEqual(self._bus(self.user_agent2, "transferred"), [payload])
        with self.assertRaises(AccessError):
            conversation.with_user(self.user_agent).action_wechat_send_text("还是我")

    def test_transfer_to_agent_refused_when_unavailable_or_full(self):
        conversation = self._open()
        with self.assertRaisesRegex(UserError, "not available"):
            self._transfer(conversation, self.user_agent, target="agent", agent_id=self.agent2)
        self._log_in(self.agent2)
        self.agent2.chat_capacity = 0
        with self.assertRaisesRegex(UserError, "as many conversations"):
            self._transfer(conversation, self.user_agent, target="agent", agent_id=self.agent2)
        self.assertEqual(conversation.agent_id, self.agent)

    def test_transfer_to_queue(self):
        conversation = self._open()
        self._log_in(self.agent_sales)
        self._transfer(conversation, self.user_agent, target="queue", queue_id=self.queue_sales,
                       reason="Wants to buy")
        self.assertEqual(conversation.queue_id, self.queue_sales)
        self.assertEqual(conversation.agent_id, self.agent_sales)
        self.assertIn("Wants to buy", conversation.message_ids[0].body)

    def test_transfer_to_queue_not_back_to_sender(self):
        conversation = self._open()
        self._transfer(conversation, self.user_agent, target="queue", queue_id=self.queue_support)
        self.assertEqual(conversation.state, "waiting", "agent2 is logged out, the sender skipped")
        self._log_in(self.agent2)
        self.assertEqual(conversation.agent_id, self.agent2)

    def test_transfer_frees_room_for_waiting(self):
        self.agent.chat_capacity = 1
        conversation = self._open()
        waiting = self._receive(self.follower2)
        self._log_in(self.agent_sales)
        self._transfer(conversation, self.user_agent, target="queue", queue_id=self.queue_sales)
        self.assertEqual(waiting.agent_id, self.agent)

    def test_close_with_disposition(self):
        conversation = self._open()
        action = conversation.with_user(self.user_agent).action_wechat_close()
        wizard = Form(self.env[action["res_model"]].with_user(self.user_agent).with_context(
            action["context"]))
        wizard.disposition_id = self.disposition
        wizard.save().action_confirm()
        self.assertEqual(conversation.state, "closed")
        self.assertEqual(conversation.disposition_id, self.disposition)
        self.assertTrue(conversation.closed_at)
        self.assertIn("Solved", conversation.message_ids[0].body)
        self.assertEqual(self._bus(self.user_agent, "closed")[0]["conversation_id"], conversation.id)
        with self.assertRaisesRegex(UserError, "closed"):
            conversation.with_user(self.user_agent).action_wechat_send_text("再见")

    def test_close_note_required(self):
        conversation = self._open()
        wizard = self.env["callcenter.wechat.close"].with_user(self.user_agent).create({
            "conversation_id": conversation.id, "disposition_id": self.disposition_note.id,
        })
        with self.assertRaisesRegex(UserError, "needs a note"):
            wizard.action_confirm()
        self.assertEqual(conversation.state, "open")
        wizard.note = "  Refund promised by Friday  "
        wizard.action_confirm()
        self.assertEqual(conversation.close_note, "Refund promised by Friday")
        self.assertIn("Refund promised", conversation.message_ids[0].body)

    def test_closed_stays_closed(self):
        conversation = self._open()
        conversation.with_user(self.user_agent)._wechat_close(self.disposition)
        with self.assertRaisesRegex(UserError, "cannot become"):
            conversation.state = "open"

    # ------------------------------------------------------------
    # access
    # ------------------------------------------------------------

    def test_agent_cannot_read_another_queues_conversation(self):
        conversation = self._open()
        as_sales = conversation.with_user(self.user_agent_sales)
        with self.assertRaises(AccessError):
            as_sales.check_access("read")
        with self.assertRaises(AccessError):
            as_sales.wechat_thread()
        with self.assertRaises(AccessError):
            as_sales.action_wechat_send_text("hello")
        self.assertFalse(self.env["callcenter.wechat.message"].with_user(
            self.user_agent_sales).search([("conversation_id", "=", conversation.id)]))
        self.assertEqual(self.fake.requests("message/custom/send"), [])

    def test_team_lead_sees_their_queues(self):
        support = self._open()
        self._log_in(self.agent_sales)
        self.env["callcenter.wechat.menu.button"].create({
            "account_id": self.account.id, "name": "Buy", "key": "SALES",
            "queue_id": self.queue_sales.id,
        })
        sales = self._receive(self.follower2, kind="event", event="click", event_key="SALES")
        self.assertEqual(sales.queue_id, self.queue_sales)
        click = sales.with_user(self.user_agent_sales).wechat_thread()[0]
        self.assertEqual((click["event"], click["event_key"]), ("click", "Buy"))
        mine = [("account_id", "=", self.account.id)]
        Lead = self.Conversation.with_user(self.user_lead)
        self.assertEqual(Lead.search(mine), support)
        with self.assertRaises(AccessError):
            sales.with_user(self.user_lead).check_access("read")
        self.assertEqual(len(support.with_user(self.user_lead).wechat_thread()), 1)
        self.assertEqual(self.Conversation.with_user(self.user_manager).search(mine),
                         support | sales)
        # the team lead supervises: they may close their queue's conversation
        support.with_user(self.user_lead)._wechat_close(self.disposition)
        self.assertEqual(support.state, "closed")
