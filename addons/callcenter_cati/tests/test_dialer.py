# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import time
from unittest.mock import patch

from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import CatiCommon


@tagged("callcenter")
class TestDialerContract(CatiCommon):
    """Odoo's side of connector/CATI.md: configuration, cases to dial, outcome facts."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.connector_user = new_test_user(
            cls.env, "cc_connector_cati",
            groups="base.group_user,callcenter_base.group_callcenter_connector")
        cls.campaign.write({"state": "paused"})
        cls.campaign.dial_mode = "predictive"
        cls.campaign._cati_sync_queue()
        cls.campaign.state = "running"
        cls.connector_pbx = cls.pbx.with_user(cls.connector_user)
        cls.seq = 1000

    def facts(self, *facts):
        batch = []
        for fact in facts:
            type(self).seq += 1
            batch.append({"type": "cati", "seq": self.seq, **fact})
        return self.connector_pbx.callcenter_ingest(batch)

    def dial(self, count=1):
        # The windows are checked against the wall clock here: open them all day.
        self.campaign.window_ids.write({"hour_from": 0.0, "hour_to": 24.0})
        return self.connector_pbx.callcenter_cati_dial_cases(self.campaign.id, count)

    def test_queue_holds_the_interviewers(self):
        queue = self.campaign.queue_id
        self.assertEqual(queue.asterisk_name, f"cati-{self.campaign.id}")
        self.assertEqual(queue.member_ids.agent_id, self.agent | self.agent_sales)
        self.campaign.agent_ids = [(3, self.agent_sales.id)]
        self.assertEqual(queue.member_ids.agent_id, self.agent)

    def test_configuration(self):
        config = self.connector_pbx.callcenter_connector_config()["cati"]
        entry = config["campaigns"][str(self.campaign.id)]
        self.assertEqual(entry["mode"], "predictive")
        self.assertEqual(entry["queue"], self.campaign.queue_id.asterisk_name)
        self.assertEqual(entry["ring_seconds"], 20)
        self.assertAlmostEqual(entry["abandon_cap"], 0.03)
        self.assertEqual((entry["abandoned_30d"], entry["live_30d"]), (0, 0))
        self.campaign.action_pause()
        self.assertEqual(self.connector_pbx.callcenter_connector_config()["cati"]["campaigns"], {})

    def test_only_the_connector_asks_for_cases(self):
        with self.assertRaises(AccessError):
            self.pbx.with_user(self.user_manager).callcenter_cati_dial_cases(self.campaign.id, 1)

    def test_cases_to_dial_are_locked_with_an_attempt(self):
        cases = self._case() | self._case()
        answer = self.dial(5)
        self.assertEqual({row["case_id"] for row in answer}, set(cases.ids))
        self.assertEqual(set(cases.mapped("state")), {"locked"})
        attempts = self.env["callcenter.cati.attempt"].browse([row["attempt_id"] for row in answer])
        self.assertEqual(set(attempts.mapped("mode")), {"predictive"})
        self.assertEqual(self.dial(5), [], "nothing left")

    def test_blacklisted_number_is_skipped(self):
        case = self._case(numbers=2)
        self.env["callcenter.blacklist"].create({
            "number": case.number_ids[0].number, "direction": "outbound", "reason": "DNC"})
        answer = self.dial(1)
        self.assertEqual(answer[0]["number_id"], case.number_ids[1].id)
        self.assertEqual(case.number_ids[0].state, "blocked")

    def test_connected_call_goes_to_the_interviewer(self):
        case = self._case()
        row = self.dial(1)[0]
        now = time.time()
        with patch.object(type(self.env["res.users"]), "_bus_send") as bus:
            self.facts({"event": "connected", "attempt_id": row["attempt_id"], "case_id": case.id,
                        "campaign_id": self.campaign.id, "agent": "PJSIP/1001", "linkedid": "L1",
                        "at": now})
        self.assertEqual(case.locked_agent_id, self.agent)
        bus.assert_called_once()
        self.assertEqual(bus.call_args.args[0], "callcenter.cati/case")
        self.facts({"event": "ended", "attempt_id": row["attempt_id"], "result": "connected",
                    "agent": "PJSIP/1001", "dialed_at": now - 10, "answered_at": now - 2,
                    "connected_at": now, "ended_at": now + 120})
        attempt = self.env["callcenter.cati.attempt"].browse(row["attempt_id"])
        self.assertEqual(attempt.result, "connected")
        self.assertEqual(attempt.talk_seconds, 120)
        self.assertEqual(case.state, "locked", "the interviewer gives the disposition")

    def test_unanswered_outcomes_get_the_dialer_disposition(self):
        expected = {"no_answer": "no_answer", "busy": "busy", "congestion": "technical",
                    "abandoned": "abandoned"}
        for result, key in expected.items():
            case = self._case()
            row = self.dial(1)[0]
            self.facts({"event": "ended", "attempt_id": row["attempt_id"], "result": result,
                        "ended_at": time.time()})
            self.assertEqual(case.state, "retry", result)
            self.assertEqual(case.call_count, 1)
            self.assertEqual(case.attempt_ids.disposition_id, self.disposition(key), result)

    def test_abandoned_calls_count_against_the_cap(self):
        for result in ("abandoned", "connected", "connected", "no_answer"):
            self._case()
            row = self.dial(1)[0]
            self.facts({"event": "ended", "attempt_id": row["attempt_id"], "result": result,
                        "agent": "PJSIP/1001"})
            if result == "connected":
                case = self.env["callcenter.cati.case"].browse(row["case_id"])
                attempt = self.env["callcenter.cati.attempt"].browse(row["attempt_id"])
                case._cati_apply_outcome(attempt, self.disposition("complete"))
        entry = self.connector_pbx.callcenter_connector_config()["cati"]["campaigns"][str(self.campaign.id)]
        self.assertEqual((entry["abandoned_30d"], entry["live_30d"]), (1, 3))

    def test_failed_originate_releases_uncounted(self):
        case = self._case()
        row = self.dial(1)[0]
        self.facts({"event": "ended", "attempt_id": row["attempt_id"], "result": "failed"})
        self.assertEqual(case.state, "new")
        self.assertEqual(case.call_count, 0)

    def test_hostile_facts_change_nothing(self):
        case = self._case()
        row = self.dial(1)[0]
        self.facts({"event": "ended", "attempt_id": "x"},
                   {"event": "ended", "attempt_id": 999999999, "result": "busy"},
                   {"event": "ended", "attempt_id": row["attempt_id"], "result": "exploded"})
        self.assertEqual(case.state, "locked")
