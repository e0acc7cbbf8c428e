# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.exceptions import AccessError
from odoo.tests import tagged, users
from odoo.tools import mute_logger

from .common import CallcenterCommon


@tagged("callcenter")
class TestSecurity(CallcenterCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.call_support = cls._create_call(cls.queue_support, cls.agent, linkedid="sup.1")
        cls.call_sales = cls._create_call(cls.queue_sales, cls.agent_sales, linkedid="sal.1")
        cls.call_direct_sales = cls._create_call(None, cls.agent_sales, linkedid="dir.1",
                                                 direction="internal")
        cls.recording_support = cls._attach_recording(cls.call_support)
        cls.recording_sales = cls._attach_recording(cls.call_sales)

    def _visible_calls(self):
        return self.env["callcenter.call"].search([("linkedid", "in", ["sup.1", "sal.1", "dir.1"])])

    @users("cc_agent")
    def test_agent_sees_own_queue_only(self):
        self.assertEqual(self._visible_calls().mapped("linkedid"), ["sup.1"])
        with self.assertRaises(AccessError):
            self.call_sales.with_env(self.env).read(["state"])

    @users("cc_agent")
    @mute_logger("odoo.models")
    def test_agent_cannot_hear_other_queue_recording(self):
        self.recording_support.with_env(self.env).read(["datas"])
        with self.assertRaises(AccessError):
            self.recording_sales.with_env(self.env).read(["datas"])
        with self.assertRaises(AccessError):
            self.call_sales.with_env(self.env).recording_attachment_id.read(["datas"])

    @users("cc_agent_sales")
    def test_agent_sees_own_direct_calls(self):
        self.assertEqual(sorted(self._visible_calls().mapped("linkedid")), ["dir.1", "sal.1"])

    @users("cc_agent")
    def test_agent_writes_notes_but_cannot_delete(self):
        call = self.call_support.with_env(self.env)
        call.summary = "Customer asked for a refund"
        with self.assertRaises(AccessError):
            call.unlink()
        with self.assertRaises(AccessError):
            self.call_sales.with_env(self.env).write({"summary": "nope"})

    @users("cc_lead")
    def test_team_lead_sees_led_queue(self):
        self.assertEqual(self._visible_calls().mapped("linkedid"), ["sup.1"])
        self.recording_support.with_env(self.env).read(["datas"])
        with self.assertRaises(AccessError):
            self.recording_sales.with_env(self.env).read(["datas"])

    @users("cc_lead")
    def test_team_lead_manages_only_led_queue_members(self):
        self.queue_support.with_env(self.env).member_ids = [(0, 0, {"agent_id": self.agent_sales.id})]
        with self.assertRaises(AccessError):
            self.queue_sales.with_env(self.env).member_ids = [(0, 0, {"agent_id": self.agent.id})]

    @users("cc_manager")
    def test_manager_sees_all(self):
        self.assertEqual(len(self._visible_calls()), 3)
        self.recording_sales.with_env(self.env).read(["datas"])
        self.call_sales.with_env(self.env).unlink()

    @users("cc_plain")
    def test_non_callcenter_user_sees_nothing(self):
        with self.assertRaises(AccessError):
            self.env["callcenter.call"].search([])
        partner = self.partner.with_env(self.env)
        self.assertEqual(partner.name, "赵磊")
        partner.mobile = "139 0000 1111"
        self.assertEqual(partner.callcenter_mobile_key, "+8613900001111")

    @users("cc_agent")
    def test_agent_state_logs_are_private(self):
        self.agent_sales.sudo()._callcenter_set_state("available")
        self.agent.sudo()._callcenter_set_state("available")
        logs = self.env["callcenter.agent.state.log"].search([])
        self.assertEqual(logs.agent_id, self.agent)

    @users("cc_lead")
    def test_team_lead_sees_led_agents_states(self):
        self.agent_sales.sudo()._callcenter_set_state("available")
        self.agent.sudo()._callcenter_set_state("available")
        logs = self.env["callcenter.agent.state.log"].search([])
        self.assertEqual(logs.agent_id, self.agent)
