# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import SUPERUSER_ID, api, fields, sql_db
from odoo.tests import BaseCase, tagged
from odoo.tests.common import get_db_name

from odoo.addons.callcenter_base.tests.common import run_at_once

from .conversation_common import ConversationCommon


@tagged("callcenter", "post_install", "-at_install")
class TestRouting(ConversationCommon):
    """Who gets a new conversation: Support's two agents, two conversations each."""

    def test_least_loaded_first(self):
        self._log_in(self.agent, self.agent2)
        self.agent2.wechat_last_assigned_at = fields.Datetime.now() - timedelta(hours=2)
        first = self._receive(self.follower)
        second = self._receive(self.follower2)
        self.assertEqual(first.agent_id, self.agent, "never assigned before: idle longest")
        self.assertEqual(second.agent_id, self.agent2, "the least loaded agent")
        self.assertEqual((first | second).mapped("state"), ["open", "open"])
        self.assertTrue(first.assigned_at)

    def test_equal_load_longest_idle_first(self):
        self._log_in(self.agent, self.agent2)
        now = fields.Datetime.now()
        self.agent.wechat_last_assigned_at = now - timedelta(minutes=5)
        self.agent2.wechat_last_assigned_at = now - timedelta(hours=1)
        self.assertEqual(self._receive().agent_id, self.agent2)

    def test_capacity_beside_calls(self):
        """A call does not count against the chat capacity: an agent on a call still
        gets conversations, up to the capacity."""
        self.agent.chat_capacity = 1
        self._log_in(self.agent, state="on_call")
        first = self._receive(self.follower)
        second = self._receive(self.follower2)
        self.assertEqual(first.agent_id, self.agent)
        self.assertEqual(second.state, "waiting")
        self.assertFalse(second.agent_id)

    def test_skills_required(self):
        mandarin = self.env["callcenter.skill"].create({"name": "Mandarin"})
        self.queue_support.required_skill_ids = mandarin
        self.env["callcenter.agent.skill"].create({"agent_id": self.agent2.id,
                                                   "skill_id": mandarin.id})
        self._log_in(self.agent, self.agent2)
        self.agent2.wechat_last_assigned_at = fields.Datetime.now()
        first = self._receive(self.follower)
        second = self._receive(self.follower2)
        third = self._receive(self.follower3)
        self.assertEqual((first | second).agent_id, self.agent2)
        self.assertEqual(third.state, "waiting", "agent2 is full, agent lacks the skill")

    def test_paused_and_logged_out_skipped(self):
        self.agent._callcenter_set_state("paused", self.pause_reason)
        conversation = self._receive()
        self.assertEqual(conversation.state, "waiting")
        self.assertEqual(self.Conversation._wechat_route_waiting(), self.Conversation)

    def test_waiting_routed_when_agent_available(self):
        conversation = self._receive()
        self.assertEqual(conversation.state, "waiting")
        self.agent2._callcenter_set_state("paused", self.pause_reason)
        self.assertEqual(conversation.state, "waiting")
        self.agent2._callcenter_set_state("available")
        self.assertEqual(conversation.agent_id, self.agent2)
        self.assertEqual(conversation.state, "open")
        assigned = self._bus(self.user_agent2, "assigned")
        self.assertEqual(assigned, [{"conversation_id": conversation.id, "event": "assigned",
                                     "state": "open", "user_id": self.user_agent2.id}])

    def test_state_change_between_routable_states_does_not_reroute(self):
        self._log_in(self.agent)
        self.agent.chat_capacity = 1
        self._receive(self.follower)
        waiting = self._receive(self.follower2)
        self._log_in(self.agent, state="on_call")
        self._log_in(self.agent, state="available")
        self.assertEqual(waiting.state, "waiting", "still at capacity")

    def test_capacity_increase_routes(self):
        self._log_in(self.agent)
        self.agent.chat_capacity = 1
        self._receive(self.follower)
        waiting = self._receive(self.follower2)
        self.assertEqual(waiting.state, "waiting")
        self.agent.chat_capacity = 2
        self.assertEqual(waiting.agent_id, self.agent)

    def test_closing_routes_waiting(self):
        self._log_in(self.agent)
        self.agent.chat_capacity = 1
        first = self._receive(self.follower)
        waiting = self._receive(self.follower2)
        disposition = self.env["callcenter.call.disposition"].create({"name": "Answered"})
        first.with_user(self.user_agent)._wechat_close(disposition)
        self.assertEqual(waiting.agent_id, self.agent)

    def test_one_pass_never_exceeds_capacity(self):
        """Messages of three followers processed together, one agent with room for one."""
        self._log_in(self.agent)
        self.agent.chat_capacity = 1
        messages = self._message(self.follower) | self._message(self.follower2) \
            | self._message(self.follower3)
        conversations = self.Conversation._wechat_attach_inbound(messages)
        self.assertEqual(len(conversations), 3)
        self.assertEqual(conversations.filtered("agent_id").agent_id, self.agent)
        self.assertEqual(len(conversations.filtered(lambda c: c.state == "open")), 1)
        self.assertEqual(conversations.filtered(lambda c: c.state == "open").follower_id,
                         self.follower, "the oldest first")

    def test_queue_priority_then_oldest(self):
        """An agent freed in two queues takes the higher-priority queue's conversation."""
        self.queue_sales.member_ids = [(0, 0, {"agent_id": self.agent2.id})]
        self.queue_sales.priority = 5
        older = self._receive(self.follower)
        self.env["callcenter.wechat.menu.button"].create({
            "account_id": self.account.id, "name": "Buy", "key": "SALES",
            "queue_id": self.queue_sales.id,
        })
        sales = self._receive(self.follower2, kind="event", event="click", event_key="SALES")
        self.assertEqual(sales.queue_id, self.queue_sales)
        self.agent2.chat_capacity = 1
        self._log_in(self.agent2)
        self.assertEqual(sales.agent_id, self.agent2)
        self.assertEqual(older.state, "waiting")

    def test_no_queue_waits(self):
        self.account.queue_id = False
        self._log_in(self.agent)
        conversation = self._receive()
        self.assertEqual(conversation.state, "waiting")
        self.assertFalse(conversation.queue_id)


@tagged("callcenter", "post_install", "-at_install")
class TestConcurrentRouting(BaseCase):
    """Routers on their own connections and transactions, all at once, each with a
    conversation of its own and one agent with room for one: the agent gets exactly
    one conversation, nobody fails."""

    ROUTERS = 4

    def setUp(self):
        super().setUp()
        self.db = sql_db.db_connect(get_db_name())
        with self.db.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True,
                                                     "mail_create_nolog": True})
            user = env["res.users"].create({
                "name": "Concurrent Agent", "login": "cc_wechat_concurrent",
                "groups_id": [(6, 0, env.ref("callcenter_base.group_callcenter_agent").ids)],
            })
            agent = env["callcenter.agent"].create({"user_id": user.id, "chat_capacity": 1})
            queue = env["callcenter.queue"].create({
                "name": "Concurrent", "asterisk_name": "cc_wechat_concurrent",
                "member_ids": [(0, 0, {"agent_id": agent.id})],
            })
            account = env["callcenter.wechat.account"].create({
                "name": "Concurrent", "app_id": "wx_concurrent_routing", "queue_id": queue.id,
            })
            followers = env["callcenter.wechat.follower"].create([
                {"account_id": account.id, "openid": f"o_concurrent_{index}"}
                for index in range(self.ROUTERS)
            ])
            conversations = env["callcenter.wechat.conversation"].create([
                {"account_id": account.id, "follower_id": follower.id, "queue_id": queue.id}
                for follower in followers
            ])
            env.cr.execute("UPDATE callcenter_agent SET state = 'available' WHERE id = %s",
                           [agent.id])
            self.ids = {"user": user.id, "agent": agent.id, "queue": queue.id,
                        "account": account.id, "conversations": conversations.ids}
            cr.commit()
        self.addCleanup(self._drop)

    def _drop(self):
        with self.db.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            env["callcenter.wechat.account"].browse(self.ids["account"]).unlink()
            env["callcenter.queue"].browse(self.ids["queue"]).unlink()
            env["callcenter.agent"].browse(self.ids["agent"]).unlink()
            env["res.users"].browse(self.ids["user"]).unlink()
            cr.commit()

    def test_agent_never_over_capacity(self):
        def router(env, barrier, conversation_id):
            conversation = env["callcenter.wechat.conversation"].browse(conversation_id)
            conversation.state  # noqa: B018 (starts the transaction's snapshot)
            barrier.wait()
            conversation._wechat_route()
            env.cr.commit()

        errors = run_at_once(self.db, router, [(cid,) for cid in self.ids["conversations"]],
                             context={"tracking_disable": True})
        self.assertEqual(errors, [])
        with self.db.cursor() as cr:
            cr.execute("SELECT count(*) FROM callcenter_wechat_conversation "
                       "WHERE agent_id = %s AND state = 'open'", [self.ids["agent"]])
            self.assertEqual(cr.fetchone()[0], 1)
