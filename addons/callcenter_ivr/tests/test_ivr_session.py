import base64
import time

from odoo.tests import tagged

from .common import IvrCommon, silence_wav


@tagged("callcenter")
class TestIvrSessions(IvrCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.version.action_publish()
        cls.seq = 0

    def _fact(self, linkedid="1700000000.1", **values):
        type(self).seq += 1
        now = time.time()
        return {"type": "ivr", "seq": self.seq, "linkedid": linkedid, "uniqueid": linkedid,
                "ivr": self.flow.id, "version": self.version.id, "did": "400",
                "caller": "+8613666661234", "started": now - 20, "ended": now,
                "resumed": False, "language": "en", "outcome": "queue", "target": "support",
                "rating": None, "variables": {}, "visits": [], "voicemail": None, **values}

    def _visits(self, *steps):
        return [{"node": str(node.id), "at": time.time(), "result": result, **extra}
                for node, result, extra in steps]

    def _ingest(self, facts):
        self.env.invalidate_all()
        return self.pbx.with_user(self.user_connector).callcenter_ingest(facts)

    def test_session_and_node_statistics(self):
        call = self._create_call(queue=self.queue_support, linkedid="1700000000.1")
        visits = self._visits((self.welcome, "enter", {}), (self.menu, "enter", {}),
                              (self.menu, "timeout", {}), (self.menu, "invalid", {"key": "7"}),
                              (self.menu, "key", {"key": "1"}), (self.support, "enter", {}),
                              (self.support, "transfer", {}))
        self._ingest([self._fact(visits=visits)])
        session = self.env["callcenter.ivr.session"].search([("linkedid", "=", "1700000000.1")])
        self.assertEqual(session.call_id, call)
        self.assertEqual(session.partner_id, self.partner)
        self.assertEqual((session.outcome, session.target, session.self_served),
                         ("queue", "support", False))
        self.assertEqual(session.path, "Welcome › Menu [1] › Support")
        self.assertEqual(len(session.visit_ids), 7)
        stats = {(node.name, result, key): count for node, result, key, count in
                 self.env["callcenter.ivr.visit"]._read_group(
                     [("ivr_id", "=", self.flow.id)], ["node_id", "result", "key"], ["__count"])}
        self.assertEqual(stats[("Menu", "timeout", False)], 1)
        self.assertEqual(stats[("Menu", "invalid", "7")], 1)
        self.assertEqual(stats[("Menu", "key", "1")], 1)
        self.assertEqual(stats[("Support", "transfer", False)], 1)
        self.assertEqual(self.menu.visit_count, 1)

        # The call comes back to the flow after the agent hangs up: the rating.
        rating = self._visits((self.rating, "enter", {}), (self.rating, "key", {"key": "4"}))
        self._ingest([self._fact(resumed=True, outcome="hangup", target="", rating=4, visits=rating)])
        self.assertEqual(len(session.visit_ids), 9)
        self.assertEqual((session.outcome, session.rating), ("queue", 4))
        self.assertEqual(call.ivr_rating, 4)
        self.assertEqual(call.ivr_path, "Welcome › Menu [1] › Support › Rating [4]")

    def test_both_segments_in_one_batch_keep_their_order(self):
        first = self._visits((self.welcome, "enter", {}), (self.menu, "enter", {}),
                             (self.menu, "key", {"key": "1"}), (self.support, "enter", {}),
                             (self.support, "transfer", {}))
        second = self._visits((self.support, "branch", {"branch": "answered"}),
                              (self.rating, "enter", {}), (self.rating, "key", {"key": "3"}))
        self._ingest([self._fact("6.1", visits=first),
                      self._fact("6.1", resumed=True, outcome="hangup", rating=3, visits=second)])
        session = self.env["callcenter.ivr.session"].search([("linkedid", "=", "6.1")])
        self.assertEqual(session.visit_ids.sorted("sequence").mapped("sequence"), list(range(1, 9)))
        self.assertEqual(session.path, "Welcome › Menu [1] › Support › Rating [3]")
        self.assertEqual(self.support.with_context(active_test=False).visit_count, 1)

    def test_self_service_rate(self):
        served = self._visits((self.welcome, "enter", {}), (self.menu, "enter", {}),
                              (self.menu, "key", {"key": "2"}))
        gave_up = self._visits((self.welcome, "enter", {}), (self.welcome, "hangup", {}))
        self._ingest([
            self._fact("1.1", outcome="hangup", visits=served),
            self._fact("1.2", outcome="caller_hangup", visits=gave_up),
            self._fact("1.3", outcome="queue", visits=served),
            self._fact("1.4", outcome="fallback", visits=[]),
        ])
        sessions = self.env["callcenter.ivr.session"].search([("ivr_id", "=", self.flow.id)])
        self.assertEqual(sorted(sessions.mapped("self_served")), [False, False, False, True])
        self.assertEqual(self.flow.session_count, 4)
        self.assertAlmostEqual(self.flow.self_service_rate, 25.0)

    def test_session_before_its_call(self):
        self._ingest([self._fact("2.1", rating=5, outcome="hangup")])
        session = self.env["callcenter.ivr.session"].search([("linkedid", "=", "2.1")])
        self.assertFalse(session.call_id)
        call = self._create_call(linkedid="2.1")
        self.assertEqual(session.call_id, call)
        self.assertEqual(call.ivr_rating, 5)

    def test_hostile_facts_are_contained(self):
        other = self.env["callcenter.pbx"].create({"name": "Other", "ami_host": "h"})
        foreign = self.env["callcenter.ivr"].create({
            "name": "Foreign", "pbx_id": other.id,
            "fallback_queue_id": self.env["callcenter.queue"].create(
                {"name": "Q", "asterisk_name": "q", "pbx_id": other.id}).id})
        self._ingest([
            self._fact("3.1", ivr=foreign.id),
            self._fact("3.2", ivr="nope"),
            self._fact("3.3", outcome="weird", rating=9, started="x",
                       variables={"k" * 80: "v" * 500},
                       visits=[{"node": "999999", "result": "key", "key": "12345678901"},
                               {"node": str(self.menu.id), "result": "exploded"}]),
        ])
        sessions = self.env["callcenter.ivr.session"].search([("linkedid", "like", "3.")])
        self.assertEqual(sessions.mapped("linkedid"), ["3.3"])
        self.assertEqual((sessions.outcome, sessions.rating), ("error", 0))
        self.assertEqual(len(sessions.visit_ids), 1)
        self.assertFalse(sessions.visit_ids.node_id)
        self.assertEqual(len(sessions.visit_ids.key), 8)
        self.assertEqual(list(sessions.variables.values()), ["v" * 128])

    def test_replayed_batch_changes_nothing(self):
        fact = self._fact("4.1", visits=self._visits((self.welcome, "enter", {})))
        self._ingest([fact])
        self._ingest([fact])
        session = self.env["callcenter.ivr.session"].search([("linkedid", "=", "4.1")])
        self.assertEqual(len(session.visit_ids), 1)

    def test_voicemail_is_stored_and_announced(self):
        content = base64.b64encode(silence_wav()).decode()
        self._ingest([self._fact("5.1", outcome="voicemail", voicemail={
            "filename": "/var/spool/asterisk/monitor/vm-5.1.wav", "duration": 7.5,
            "agent": self.agent.id, "queue": None, "content_b64": content, "mimetype": "audio/wav"})])
        voicemail = self.env["callcenter.voicemail"].search([("linkedid", "=", "5.1")])
        self.assertEqual((voicemail.agent_id, voicemail.partner_id, voicemail.duration),
                         (self.agent, self.partner, 7.5))
        self.assertEqual(voicemail.audio_attachment_id.res_model, "callcenter.voicemail")
        self.assertEqual(voicemail.audio_attachment_id.raw, base64.b64decode(content))
        self.assertEqual(voicemail.activity_ids.user_id, self.user_agent)
        self.assertIn(self.user_agent.partner_id, voicemail.message_partner_ids)
        voicemail.with_user(self.user_agent).action_mark_heard()
        self.assertEqual(voicemail.state, "heard")
        self.assertFalse(voicemail.activity_ids)
