# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import datetime

from odoo.tests import Form, tagged

from odoo.addons.callcenter_helpdesk.tests.common import HelpdeskCommon


@tagged("callcenter")
class TestTicketWechat(HelpdeskCommon):
    """Tickets from WeChat conversations; conversations on tickets and in the history."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.account = cls.env["callcenter.wechat.account"].create({
            "name": "Customer Service", "app_id": "wx_helpdesk_test", "app_secret": "secret",
            "token": "webhook-token", "queue_id": cls.queue_support.id,
        })
        cls.follower = cls.env["callcenter.wechat.follower"].create({
            "account_id": cls.account.id, "openid": "o_helpdesk_1", "nickname": "小王",
            "subscribed": True, "partner_id": cls.partner.id,
        })
        cls.conversation = cls.env["callcenter.wechat.conversation"].create({
            "account_id": cls.account.id, "follower_id": cls.follower.id,
            "queue_id": cls.queue_support.id, "agent_id": cls.agent.id,
            "started_at": datetime(2026, 11, 3, 9, 0),
        })
        Message = cls.env["callcenter.wechat.message"]
        for index, body in enumerate(("我的路由器一直重启", "已经三天了"), start=1):
            Message.create({
                "account_id": cls.account.id, "follower_id": cls.follower.id,
                "conversation_id": cls.conversation.id, "direction": "in", "kind": "text",
                "body": body, "msg_id": f"hd-{index}", "dedup_key": f"hd-{index}",
                "state": "received",
            })

    def test_new_ticket_from_conversation(self):
        action = self.conversation.with_user(self.user_agent).action_new_helpdesk_ticket()
        form = Form(self.env["helpdesk.ticket"].with_user(self.user_agent)
                    .with_context(**action["context"]))
        self.assertEqual(form.partner_id, self.partner)
        self.assertEqual(form.team_id, self.team_support)
        self.assertEqual(form.name, "我的路由器一直重启")
        ticket = form.save()
        self.assertIn("已经三天了", ticket.description)
        self.assertEqual(ticket.callcenter_wechat_conversation_ids, self.conversation)
        self.assertEqual(self.conversation.helpdesk_ticket_ids, ticket)
        self.assertEqual(ticket.callcenter_wechat_conversation_count, 1)
        action = ticket.action_view_callcenter_wechat_conversations()
        self.assertEqual(self.env[action["res_model"]].search(action["domain"]),
                         self.conversation)

    def test_conversation_in_contact_history(self):
        call = self._create_call(queue=self.queue_support, agent=self.agent,
                                 partner_id=self.partner.id,
                                 started_at=datetime(2026, 11, 2, 9, 0))
        ticket = self.conversation._callcenter_create_ticket()
        History = self.env["callcenter.contact.history"].with_user(self.user_agent)
        rows = History.search([("partner_id", "child_of", self.partner.id)])
        self.assertEqual(rows.mapped("kind"), ["ticket", "wechat", "call"])
        self.assertEqual(rows[1].wechat_conversation_id, self.conversation)
        self.assertEqual(rows[1].name, "我的路由器一直重启")
        self.assertEqual((rows[0].ticket_id, rows[2].call_id), (ticket, call))
        opened = rows[1].action_open_record()
        self.assertEqual((opened["res_model"], opened["res_id"]),
                         ("callcenter.wechat.conversation", self.conversation.id))
        # another agent outside the queue does not see the conversation
        other = History.with_user(self.user_agent_sales).search(
            [("partner_id", "=", self.partner.id)])
        self.assertNotIn(self.conversation, other.wechat_conversation_id)

    def test_conversation_access_per_role(self):
        """Agents and team leads work conversations (tickets included) but neither
        create nor delete them, managers do everything, others nothing."""
        Conversation = self.env["callcenter.wechat.conversation"]
        expected = {
            self.user_agent: (True, True, False, False),
            self.user_lead: (True, True, False, False),
            self.user_manager: (True, True, True, True),
            self.user_plain: (False, False, False, False),
        }
        for user, rights in expected.items():
            granted = tuple(Conversation.with_user(user).has_access(operation)
                            for operation in ("read", "write", "create", "unlink"))
            self.assertEqual(granted, rights, user.login)
