# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64
import json
from datetime import datetime, timezone

from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from odoo.addons.mail.tests.common import MailCase

from .common import CallcenterCommon

T0 = datetime(2026, 11, 2, 9, 0, 0, tzinfo=timezone.utc).timestamp()


def call_fact(seq, linkedid="1795320280.232", **values):
    call = {
        "linkedid": linkedid, "uniqueid": linkedid, "direction": "inbound", "state": "queued",
        "caller": "+86 136 6666 1234", "caller_name": "Zhang Wei", "callee": "4001",
        "queue": "support", "started_at": T0, "queue_entered_at": T0 + 1, "legs": [],
    }
    call.update(values)
    return {"seq": seq, "type": "call", "linkedid": linkedid, "call": call}


@tagged("callcenter")
class TestConnectorIngest(CallcenterCommon, MailCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.connector_user = new_test_user(
            cls.env, "cc_connector", groups="base.group_user,callcenter_base.group_callcenter_connector")
        cls.agent.wrapup_seconds = 10
        cls.pbx_as_connector = cls.pbx.with_user(cls.connector_user)

    def _ingest(self, facts):
        return self.pbx_as_connector.callcenter_ingest(facts)

    def _call(self, linkedid="1795320280.232"):
        return self.env["callcenter.call"].search([("linkedid", "=", linkedid)])

    def test_answered_call_lifecycle(self):
        result = self._ingest([call_fact(1)])
        self.assertEqual(result["applied"], 1)
        call = self._call()
        self.assertEqual((call.state, call.queue_id, call.partner_id), ("queued", self.queue_support, self.partner))
        legs = [{"uniqueid": "1795320280.234", "channel": "PJSIP/1001-0001", "agent": "PJSIP/1001",
                 "queue": "support", "result": "completed", "started_at": T0 + 3,
                 "answered_at": T0 + 5, "ended_at": T0 + 65}]
        self._ingest([call_fact(2, state="completed", agent="PJSIP/1001", ring_started_at=T0 + 3,
                                answered_at=T0 + 5, ended_at=T0 + 65, hold_seconds=10,
                                hangup_by="customer", hangup_cause=16, legs=legs)])
        call.invalidate_recordset()
        self.assertEqual(call.state, "completed")
        self.assertEqual(call.agent_id, self.agent)
        self.assertEqual((call.wait_duration, call.ring_duration, call.talk_duration,
                          call.hold_duration, call.wrapup_duration), (4, 2, 50, 10, 10))
        self.assertEqual(call.leg_ids.agent_id, self.agent)
        self.assertEqual(len(self.env["callcenter.call"].search([("pbx_id", "=", self.pbx.id)])), 1)

    def test_replayed_batch_changes_nothing(self):
        batch = [call_fact(10), call_fact(11, state="completed", agent="PJSIP/1001",
                                          answered_at=T0 + 5, ended_at=T0 + 20)]
        self._ingest(batch)
        call = self._call()
        call.summary = "agent notes"
        write_date = call.write_date
        result = self._ingest(batch)
        self.assertEqual((result["applied"], result["skipped"]), (0, 2))
        self.assertEqual(call.summary, "agent notes")
        self.assertEqual(call.write_date, write_date)
        self.assertEqual(result["last_seq"], 11)

    def test_unknown_agent_and_queue_are_kept_as_text(self):
        self._ingest([call_fact(1, queue="unknown-queue", agent="PJSIP/9999", state="completed",
                                answered_at=T0 + 2, ended_at=T0 + 9)])
        call = self._call()
        self.assertFalse(call.queue_id)
        self.assertFalse(call.agent_id)
        self.assertEqual(call.talk_duration, 7)

    def test_agent_states_and_logs(self):
        at = T0
        facts = [
            {"seq": 1, "type": "agent", "agent": "PJSIP/1001", "state": "available", "at": at},
            {"seq": 2, "type": "agent", "agent": "PJSIP/1001", "state": "ringing", "at": at + 10},
            {"seq": 3, "type": "agent", "agent": "PJSIP/1001", "state": "on_call", "at": at + 12},
            {"seq": 4, "type": "agent", "agent": "PJSIP/1001", "state": "wrapup", "at": at + 72},
            {"seq": 5, "type": "agent", "agent": "PJSIP/1001", "state": "paused", "reason": "Auto-Pause",
             "at": at + 82},
            {"seq": 6, "type": "agent", "agent": "PJSIP/1001", "state": "paused", "reason": "Coffee",
             "at": at + 90},
        ]
        self._ingest(facts)
        logs = self.env["callcenter.agent.state.log"].search([("agent_id", "=", self.agent.id)],
                                                              order="date_start, id")
        self.assertEqual(logs.mapped("state"), ["available", "ringing", "on_call", "wrapup", "paused", "paused"])
        self.assertEqual(logs.mapped("duration")[:5], [10, 2, 60, 10, 8])
        self.assertEqual(logs[4].pause_reason_id, self.env.ref("callcenter_base.callcenter_pause_reason_auto"))
        self.assertEqual(logs[5].pause_reason_id.name, "Coffee")
        self.assertEqual(self.agent.state, "paused")

    def test_ring_pops_screen_for_that_agent_only(self):
        self._ingest([call_fact(1, state="ringing", agent="PJSIP/1001")])
        with self.mock_bus():
            self._ingest([{"seq": 2, "type": "ring", "agent": "PJSIP/1001",
                           "linkedid": "1795320280.232", "at": T0 + 3}])
            self.env.cr.precommit.run()
        notifications = self.env["bus.bus"].sudo().search([("message", "like", "callcenter.call/ringing")])
        self.assertEqual(len(notifications), 1)
        self.assertEqual(json.loads(notifications.channel)[1:], ["res.partner", self.user_agent.partner_id.id])
        payload = json.loads(notifications.message)["payload"]
        self.assertEqual(payload["partners"][0]["name"], "赵磊")
        self.assertEqual(payload["caller_name"], "Zhang Wei")

    def test_member_and_queue_facts(self):
        self._ingest([
            {"seq": 1, "type": "member", "queue": "support", "agent": "PJSIP/1001", "event": "added",
             "paused": False, "at": T0},
            {"seq": 2, "type": "member", "queue": "support", "agent": "PJSIP/1001", "event": "paused",
             "reason": "Lunch", "at": T0 + 1},
            {"seq": 3, "type": "queue", "queue": "support", "waiting": 3, "longest_since": T0 + 2},
        ])
        member = self.queue_support.member_ids
        self.assertTrue(member.logged_in)
        self.assertTrue(member.paused)
        self.assertEqual(self.queue_support.live_waiting, 3)
        data = self.queue_support.with_user(self.user_lead).callcenter_wallboard_data()
        self.assertEqual([q["name"] for q in data["queues"]], ["Support"])
        self.assertEqual(data["queues"][0]["waiting"], 3)

    def test_recording_attached_and_protected(self):
        self._ingest([call_fact(1, state="completed", agent="PJSIP/1001", answered_at=T0 + 5,
                                ended_at=T0 + 20, recording_file="/var/spool/asterisk/monitor/in-1.wav"),
                      {"seq": 2, "type": "recording", "linkedid": "1795320280.232",
                       "filename": "/var/spool/asterisk/monitor/in-1.wav",
                       "content_b64": base64.b64encode(b"RIFFxxxxWAVE").decode()}])
        call = self._call()
        self.assertEqual(call.recording_attachment_id.name, "in-1.wav")
        self.assertEqual(base64.b64decode(call.recording_attachment_id.datas), b"RIFFxxxxWAVE")
        with self.assertRaises(AccessError):
            call.recording_attachment_id.with_user(self.user_agent_sales).read(["datas"])
        call.recording_attachment_id.with_user(self.user_agent).read(["datas"])

    def test_only_connector_may_ingest(self):
        with self.assertRaises(AccessError):
            self.pbx.with_user(self.user_manager).callcenter_ingest([call_fact(1)])

    def test_config_for_connector(self):
        config = self.pbx_as_connector.callcenter_connector_config()
        self.assertEqual(config["agents"]["PJSIP/1001"]["wrapup_seconds"], 10)
        self.assertIn("support", config["queues"])

    def test_recordings_purged_after_queue_retention(self):
        self.queue_support.recording_retention_days = 30
        old = self._create_call(self.queue_support, self.agent, linkedid="old.1",
                                started_at=datetime(2020, 1, 1, 9, 0))
        recent = self._create_call(self.queue_support, self.agent, linkedid="new.1",
                                   started_at=datetime.now())
        for call in old | recent:
            call.recording_attachment_id = self.env["ir.attachment"].create({
                "name": "r.wav", "res_model": "callcenter.call", "res_id": call.id, "raw": b"RIFF"})
        old_attachment = old.recording_attachment_id
        self.assertEqual(self.env["callcenter.call"]._callcenter_purge_recordings(), 1)
        self.assertFalse(old.recording_attachment_id)
        self.assertFalse(old_attachment.exists())
        self.assertTrue(recent.recording_attachment_id)

    def test_pop_survives_reload_through_softphone_state(self):
        self._ingest([
            call_fact(1, state="ringing"),
            {"seq": 2, "type": "agent", "agent": "PJSIP/1001", "state": "ringing", "at": T0 + 3,
             "linkedid": "1795320280.232"},
            {"seq": 3, "type": "ring", "agent": "PJSIP/1001", "linkedid": "1795320280.232", "at": T0 + 3},
        ])
        state = self.env["callcenter.agent"].with_user(self.user_agent).callcenter_softphone_state()
        self.assertEqual(state["agent"]["state"], "ringing")
        self.assertEqual(state["pop"]["linkedid"], "1795320280.232")
        self.assertEqual(state["pop"]["partners"][0]["id"], self.partner.id)
        self._ingest([{"seq": 4, "type": "agent", "agent": "PJSIP/1001", "state": "available",
                       "at": T0 + 9, "linkedid": ""}])
        state = self.env["callcenter.agent"].with_user(self.user_agent).callcenter_softphone_state()
        self.assertFalse(state["pop"])

    def test_ring_lane_pops_known_calls_only(self):
        self._ingest([call_fact(1, linkedid="lane.1", state="ringing")])
        with self.mock_bus():
            result = self.pbx_as_connector.callcenter_ring([
                {"type": "ring", "agent": "PJSIP/1001", "linkedid": "lane.1", "at": T0},
                {"type": "ring", "agent": "PJSIP/1001", "linkedid": "unknown.1", "at": T0}])
            self.env.cr.precommit.run()
        self.assertEqual(result, {"rung": 2})
        self.assertEqual(self.pbx.last_fact_seq, 1, "rings do not move the fact sequence")
        pops = self.env["bus.bus"].sudo().search([("message", "like", "callcenter.call/ringing")])
        self.assertEqual([json.loads(p.message)["payload"]["linkedid"] for p in pops], ["lane.1"])
        with self.assertRaises(AccessError):
            self.pbx.with_user(self.user_agent).callcenter_ring([])
