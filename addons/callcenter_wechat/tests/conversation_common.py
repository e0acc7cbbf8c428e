# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import itertools
import json

from odoo import fields
from odoo.tests import new_test_user

from odoo.addons.callcenter_base.tests.common import AGENT_GROUPS, CallcenterCommon
from odoo.addons.callcenter_wechat.tools.token_store import TokenStore

from .wechat_fake import WeChatFake

_serial = itertools.count(1)


class ConversationCommon(CallcenterCommon):
    """The base module's queues and agents, an Official Account routed to Support
    (whose two agents answer two conversations each) and three followers. Every
    agent starts logged out; tests log them in."""

    app_id = "wx_conversation_test"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user_agent2 = new_test_user(cls.env, "cc_agent2", groups=AGENT_GROUPS,
                                        name="Agent Support 2")
        cls.agent2 = cls.env["callcenter.agent"].create({
            "user_id": cls.user_agent2.id, "pbx_id": cls.pbx.id,
            "extension": "1003", "interface": "PJSIP/1003",
        })
        cls.queue_support.member_ids = [(0, 0, {"agent_id": cls.agent2.id})]
        (cls.agent | cls.agent2 | cls.agent_sales).chat_capacity = 2
        cls.account = cls.env["callcenter.wechat.account"].create({
            "name": "Customer Service", "app_id": cls.app_id, "app_secret": "secret",
            "token": "webhook-token", "queue_id": cls.queue_support.id,
        })
        Follower = cls.env["callcenter.wechat.follower"]
        cls.follower, cls.follower2, cls.follower3 = Follower.create([
            {"account_id": cls.account.id, "openid": f"o_customer_{index}",
             "nickname": name, "subscribed": True}
            for index, name in enumerate(("小王", "Li Na", "陈先生"), start=1)
        ])
        cls.Conversation = cls.env["callcenter.wechat.conversation"]
        cls.pause_reason = cls.env["callcenter.pause.reason"].create({"name": "Lunch"})

    # ------------------------------------------------------------
    # helpers
    # ------------------------------------------------------------

    def _message(self, follower=None, kind="text", at=None, **values):
        """A customer message as the webhook stores it, not yet processed."""
        follower = follower or self.follower
        serial = str(next(_serial))
        at = at or fields.Datetime.now()
        if kind == "text":
            values.setdefault("body", f"message {serial}")
        follower.sudo().write({"last_inbound_at": max(filter(None, (follower.last_inbound_at, at)))})
        return self.env["callcenter.wechat.message"].create({
            "account_id": follower.account_id.id,
            "follower_id": follower.id,
            "direction": "in",
            "kind": kind,
            "msg_id": serial if kind != "event" else False,
            "dedup_key": serial,
            "wechat_time": at,
            "state": "received",
            **values,
        })

    def _receive(self, follower=None, kind="text", at=None, **values):
        """A customer message attached to its conversation; returns the conversation."""
        message = self._message(follower, kind=kind, at=at, **values)
        self.Conversation._wechat_attach_inbound(message)
        return message.conversation_id

    def _log_in(self, *agents, state="available"):
        for agent in agents:
            agent._callcenter_set_state(state)

    def _bus(self, user, event=None):
        """The conversation updates sent to `user` in this transaction."""
        self.env.cr.precommit.run()
        channel = json.dumps([self.env.cr.dbname, "res.partner", user.partner_id.id],
                             separators=(",", ":"))
        messages = [json.loads(n.message) for n in self.env["bus.bus"].sudo().search(
            [("channel", "=", channel)], order="id")]
        return [m["payload"] for m in messages
                if m["type"] == "callcenter.wechat.conversation/update"
                and (event is None or m["payload"]["event"] == event)]


class ConversationFakeCommon(ConversationCommon):
    """ConversationCommon with the account's API pointed at a loopback fake of WeChat."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.fake = WeChatFake()
        cls.addClassCleanup(cls.fake.close)
        cls.account.api_base_url = cls.fake.base_url

    def setUp(self):
        super().setUp()
        self.fake.reset()
        store = TokenStore(self.env.cr.dbname, self.app_id, fetch=None)
        store.clear()
        self.addCleanup(store.clear)
