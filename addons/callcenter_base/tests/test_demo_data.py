# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import fields
from odoo.tests import TransactionCase, tagged


@tagged("callcenter")
class TestDemoData(TransactionCase):
    def setUp(self):
        super().setUp()
        if not self.env.ref("callcenter_base.callcenter_pbx_demo", raise_if_not_found=False):
            self.skipTest("database installed without demo data")

    def test_demo_month_of_calls(self):
        Call = self.env["callcenter.call"]
        calls = Call.search([])
        self.assertGreater(len(calls), 1000)
        first = min(calls.mapped("started_at"))
        self.assertLessEqual(first, fields.Datetime.now() - timedelta(days=29))
        self.assertEqual(set(calls.mapped("state")), {"completed", "abandoned", "missed"})
        self.assertTrue(calls.filtered("partner_id"))
        self.assertTrue(calls.filtered(lambda c: c.direction == "outbound"))
        answered = calls.filtered("answered_at")
        self.assertTrue(all(c.talk_duration > 0 and c.agent_id for c in answered))

    def test_demo_agents_queues_and_state_logs(self):
        agents = self.env["callcenter.agent"].search([])
        self.assertGreaterEqual(len(agents), 5)
        support = self.env.ref("callcenter_base.callcenter_queue_support_demo")
        self.assertTrue(support.member_ids)
        self.assertTrue(support.team_lead_ids)
        Log = self.env["callcenter.agent.state.log"]
        for agent in agents:
            logs = Log.search([("agent_id", "=", agent.id)], order="date_start, id")
            self.assertTrue(logs)
            self.assertEqual(len(logs.filtered(lambda log: not log.date_end)), 1)
            for previous, current in zip(logs, logs[1:]):
                self.assertLessEqual(previous.date_end, current.date_start)

    def test_demo_users_can_log_in(self):
        alice = self.env.ref("callcenter_base.user_alice_demo")
        self.assertTrue(alice.has_group("callcenter_base.group_callcenter_agent"))
        self.assertEqual(alice.callcenter_agent_id.interface, "Local/1001@agents/n")
