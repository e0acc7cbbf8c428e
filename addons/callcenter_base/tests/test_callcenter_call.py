# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import datetime, timedelta

from psycopg2.errors import UniqueViolation

from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import CallcenterCommon

T0 = datetime(2026, 11, 2, 9, 0, 0)


def at(seconds):
    return T0 + timedelta(seconds=seconds)


@tagged("callcenter")
class TestCallcenterCall(CallcenterCommon):
    def test_numbers_normalized_and_raw_kept(self):
        call = self._create_call(caller_number_raw="0086-136-6666-1234")
        self.assertEqual(call.caller_number_raw, "0086-136-6666-1234")
        self.assertEqual(call.caller_number, "+8613666661234")
        self.assertEqual(call.callee_number, "4001")
        self.assertEqual(call.customer_number, "+8613666661234")
        self.assertEqual(call.partner_id, self.partner)

    def test_outbound_customer_is_callee(self):
        call = self._create_call(direction="outbound", caller_number_raw="1001",
                                 callee_number_raw="136 6666 1234")
        self.assertEqual(call.customer_number, "+8613666661234")
        self.assertEqual(call.partner_id, self.partner)

    def test_unknown_caller_has_no_partner(self):
        call = self._create_call(caller_number_raw="+86 139 9999 0000")
        self.assertFalse(call.partner_id)
        self.assertIn("+8613999990000", call.display_name)

    def test_explicit_partner_is_kept(self):
        other = self.env["res.partner"].create({"name": "Other"})
        call = self._create_call(partner_id=other.id)
        self.assertEqual(call.partner_id, other)

    def test_durations_answered_queue_call(self):
        call = self._create_call(
            self.queue_support, self.agent, started_at=at(0), queue_entered_at=at(3),
            ring_started_at=at(20), answered_at=at(25), ended_at=at(205),
            wrapup_ended_at=at(225), hold_duration=30, state="completed",
        )
        self.assertEqual(call.wait_duration, 22)
        self.assertEqual(call.ring_duration, 5)
        self.assertEqual(call.talk_duration, 150)
        self.assertEqual(call.hold_duration, 30)
        self.assertEqual(call.wrapup_duration, 20)
        self.assertEqual(call.handle_duration, 200)
        self.assertEqual(call.total_duration, 205)

    def test_durations_abandoned_call(self):
        call = self._create_call(self.queue_support, started_at=at(0), queue_entered_at=at(2),
                                 ended_at=at(47), state="abandoned")
        self.assertEqual(call.wait_duration, 45)
        self.assertEqual((call.ring_duration, call.talk_duration, call.wrapup_duration,
                          call.handle_duration), (0, 0, 0, 0))

    def test_durations_follow_timestamps(self):
        call = self._create_call(self.queue_support, self.agent, started_at=at(0),
                                 queue_entered_at=at(0), answered_at=at(10))
        self.assertEqual(call.talk_duration, 0)
        call.write({"ended_at": at(70), "state": "answered"})
        self.assertEqual(call.talk_duration, 60)
        call.hold_duration = 15
        self.assertEqual(call.talk_duration, 45)
        self.assertEqual(call.handle_duration, 60)

    def test_state_transitions(self):
        call = self._create_call(self.queue_support, state="queued")
        call.state = "ringing"
        call.state = "queued"
        call.state = "answered"
        call.state = "completed"
        with self.assertRaisesRegex(UserError, "cannot go from Completed to Answered"):
            call.state = "answered"
        abandoned = self._create_call(self.queue_support, state="queued",
                                      linkedid="x-2")
        abandoned.state = "abandoned"
        with self.assertRaises(UserError):
            abandoned.state = "answered"

    def test_linkedid_unique_per_pbx(self):
        self._create_call(linkedid="1700000000.1")
        with self.assertRaises(UniqueViolation), mute_logger("odoo.sql_db"), self.env.cr.savepoint():
            self._create_call(linkedid="1700000000.1")
            self.env.flush_all()

    def test_partner_history(self):
        self._create_call(self.queue_support, self.agent, started_at=at(0))
        last = self._create_call(self.queue_support, self.agent, started_at=at(3600))
        self.assertEqual(self.partner.callcenter_call_count, 2)
        self.assertEqual(self.partner.callcenter_last_call_at, last.started_at)
        action = self.partner.action_view_callcenter_calls()
        self.assertEqual(self.env["callcenter.call"].search(action["domain"]).partner_id, self.partner)

    def test_legs(self):
        call = self._create_call(self.queue_support, self.agent, started_at=at(0), answered_at=at(5))
        self.env["callcenter.call.leg"].create([
            {"call_id": call.id, "agent_id": self.agent.id, "uniqueid": "1.2", "started_at": at(1),
             "answered_at": at(5), "ended_at": at(65), "result": "transferred", "transfer_kind": "blind"},
            {"call_id": call.id, "agent_id": self.agent_sales.id, "uniqueid": "1.3", "started_at": at(65),
             "answered_at": at(70), "ended_at": at(130), "result": "completed"},
        ])
        self.assertEqual(call.leg_count, 2)
        self.assertEqual(call.leg_ids.mapped("talk_duration"), [60, 60])
        self.assertEqual(call.leg_ids.mapped("ring_duration"), [4, 5])

    def test_create_partner_action_prefills_number(self):
        call = self._create_call(caller_number_raw="+86 139 9999 0000", caller_name="Wang")
        action = call.action_create_partner()
        self.assertEqual(action["context"]["default_phone"], "+8613999990000")
        self.assertEqual(action["context"]["default_name"], "Wang")
