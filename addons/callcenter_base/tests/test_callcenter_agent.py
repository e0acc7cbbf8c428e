# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import datetime, timedelta

from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import CallcenterCommon

T0 = datetime(2026, 11, 2, 9, 0, 0)


@tagged("callcenter")
class TestCallcenterAgent(CallcenterCommon):
    def _logs(self, agent):
        return self.env["callcenter.agent.state.log"].search(
            [("agent_id", "=", agent.id)], order="date_start, id"
        )

    def test_state_log_intervals(self):
        lunch = self.env.ref("callcenter_base.callcenter_pause_reason_lunch")
        self.agent._callcenter_set_state("available", at=T0)
        self.agent._callcenter_set_state("on_call", at=T0 + timedelta(seconds=60))
        self.agent._callcenter_set_state("wrapup", at=T0 + timedelta(seconds=200))
        self.agent._callcenter_set_state("paused", lunch, at=T0 + timedelta(seconds=215))
        logs = self._logs(self.agent)
        self.assertEqual(logs.mapped("state"), ["available", "on_call", "wrapup", "paused"])
        self.assertEqual(logs.mapped("duration"), [60, 140, 15, 0])
        self.assertFalse(logs[-1].date_end)
        self.assertEqual(logs[-1].pause_reason_id, lunch)
        self.assertEqual(self.agent.state, "paused")
        self.assertEqual(self.agent.pause_reason_id, lunch)
        self.assertEqual(self.agent.state_since, T0 + timedelta(seconds=215))

    def test_repeated_state_does_not_split_interval(self):
        self.agent._callcenter_set_state("available", at=T0)
        changed = self.agent._callcenter_set_state("available", at=T0 + timedelta(seconds=30))
        self.assertFalse(changed)
        self.assertEqual(len(self._logs(self.agent)), 1)

    def test_changing_pause_reason_opens_new_interval(self):
        break_ = self.env.ref("callcenter_base.callcenter_pause_reason_break")
        meeting = self.env.ref("callcenter_base.callcenter_pause_reason_meeting")
        self.agent._callcenter_set_state("paused", break_, at=T0)
        self.agent._callcenter_set_state("paused", meeting, at=T0 + timedelta(minutes=10))
        logs = self._logs(self.agent)
        self.assertEqual(logs.pause_reason_id, break_ | meeting)
        self.assertEqual(logs[0].duration, 600)

    def test_batch_state_change(self):
        agents = self.agent | self.agent_sales
        agents._callcenter_set_state("available", at=T0)
        self.agent._callcenter_set_state("on_call", at=T0 + timedelta(seconds=5))
        agents._callcenter_set_state("logged_out", at=T0 + timedelta(seconds=65))
        self.assertEqual(self._logs(self.agent).mapped("duration"), [5, 60, 0])
        self.assertEqual(self._logs(self.agent_sales).mapped("duration"), [65, 0])

    def test_invalid_states(self):
        lunch = self.env.ref("callcenter_base.callcenter_pause_reason_lunch")
        with self.assertRaises(UserError):
            self.agent._callcenter_set_state("dancing")
        with self.assertRaises(UserError):
            self.agent._callcenter_set_state("available", lunch)

    def test_interface_must_be_asterisk_interface(self):
        with self.assertRaisesRegex(ValidationError, "not an Asterisk interface"):
            self.agent.interface = "1001"

    def test_skill_levels(self):
        skill = self.env["callcenter.skill"].create({"name": "Cantonese"})
        self.agent.skill_ids = [(0, 0, {"skill_id": skill.id, "level": 10})]
        with self.assertRaises(Exception), mute_logger("odoo.sql_db"), self.env.cr.savepoint():
            self.agent_sales.skill_ids = [(0, 0, {"skill_id": skill.id, "level": 11})]
            self.env.flush_all()

    def test_add_skilled_agents(self):
        skill = self.env["callcenter.skill"].create({"name": "Billing Test"})
        self.agent_sales.skill_ids = [(0, 0, {"skill_id": skill.id, "level": 7})]
        queue = self.env["callcenter.queue"].create({
            "name": "Billing", "asterisk_name": "billing", "pbx_id": self.pbx.id,
            "required_skill_ids": [(6, 0, skill.ids)],
        })
        queue.action_add_skilled_agents()
        self.assertEqual(queue.agent_ids, self.agent_sales)
        queue.action_add_skilled_agents()
        self.assertEqual(len(queue.member_ids), 1)
