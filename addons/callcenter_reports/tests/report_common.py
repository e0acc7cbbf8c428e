# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A small hand-built set of calls and agent states with known report figures.

Everything happens on 2026-11-02 between 09:00 and 09:30 UTC, in two 15-minute
intervals A (09:00) and B (09:15). Other test modules import `ReportCommon` and
its EXPECTED_* dicts: keep the names and figures stable.

Queues (set here, whatever the defaults):
  Support: SL threshold 20 s, short abandon 5 s, SL formula "offered"
  Sales:   SL threshold 30 s, short abandon 5 s, SL formula "answered"

Teams: "Support Team" (lead: cc_lead; agents: cc_agent, cc_lead's agent),
       "Sales Team" (no lead; agent: cc_agent_sales).

Calls (wait = queue entry to answer or hangup; handle = talk + hold + wrap-up):
  Support, interval A
    c1  09:01 answered by agent       wait 10  talk 150 hold 30 wrapup 30 (handle 210)  number A
    c2  09:02 answered by agent_lead  wait 40  talk 240 hold  0 wrapup 20 (handle 260)  number B, transferred
    c3  09:05 abandoned               wait  3  -> short abandon                         number C
    c4  09:06 abandoned               wait 15  (abandoned within the 20 s threshold)    number D
    c5  09:07 abandoned               wait 60                                           number E
    c6  09:10 missed (rang agent)     wait 300 (timed out)                              number A -> repeat of c1
    c7  09:12 answered by agent       wait 20  talk 120 hold  0 wrapup 30 (handle 150)  number F -> repeat (F called 2026-10-30)
    c8  09:13 answered by agent_lead  wait  5  talk  30 hold  0 wrapup  0 (handle  30)  number G (G called 2026-10-20: 13 days, no repeat)
  Support, interval B
    c9  09:20 answered by agent       wait  8  talk 240 hold 60 wrapup 60 (handle 360)  number B -> repeat of c2
    c10 09:22 abandoned               wait  4  -> short abandon (a repeat of A, but short abandons are not counted)
  Sales, interval A
    s1  09:03 answered by agent_sales wait 25  talk 120 wrapup 20 (handle 140)          number I
    s2  09:08 answered by agent_sales wait 45  talk  60           (handle  60)          number J
    s3  09:09 abandoned               wait 10                                           number K
  No queue, interval A
    n1  09:11 inbound straight to agent_sales, no queue entry (wait 0), talk 60 (handle 60)  number L
  Outbound by agent, interval B
    o1  09:16 connected, talk 120 wrapup 30 (handle 150)
    o2  09:19 not answered (missed)
  Earlier calls (other intervals): F on 2026-10-30 10:00 and G on 2026-10-20 10:00, Support, missed.

Agent states (closed; split at interval bounds):
  agent:       09:00-09:05 available, 09:05-09:10 on_call, 09:10-09:20 paused,
               09:20-09:25 wrapup, 09:25-09:26 ringing, 09:26-09:30 available, 09:30-09:31 logged_out
               -> A: available 300 paused 300 busy 300; B: available 240 paused 300 busy 360
  agent_sales: 09:00-09:30 available -> A 900, B 900
  agent_lead:  08:55-09:20 paused -> 08:45: 300, A: 900, B: 300
"""
from datetime import datetime, timedelta

from odoo.addons.callcenter_base.tests.common import CallcenterCommon

DAY = datetime(2026, 11, 2)
INTERVAL_A = datetime(2026, 11, 2, 9, 0)
INTERVAL_B = datetime(2026, 11, 2, 9, 15)
INTERVAL_BEFORE = datetime(2026, 11, 2, 8, 45)

# Queue facts: (interval, queue key) -> figures. queue key None = calls without a queue.
EXPECTED_QUEUE = {
    (INTERVAL_A, "support"): {
        "offered": 8, "short_abandoned": 1, "offered_counted": 7, "answered": 4,
        "answered_in_sl": 3, "abandoned": 2, "abandoned_in_sl": 1, "unanswered": 1,
        "transferred": 1, "repeat_calls": 2, "waited": 6,
        "sl_numerator": 3, "sl_denominator": 7,
        "wait_answered_total": 75, "wait_total": 150, "wait_max": 60, "abandon_wait_total": 75,
        "talk_total": 540, "hold_total": 30, "wrapup_total": 80, "handle_total": 650,
        # ratios: 100*3/7, 100*4/7, 100*2/7, 75/4, 650/4, 540/4, 150/6, 75/2, 100*1/4, 100*2/7
        "service_level": 42.86, "answer_rate": 57.14, "abandon_rate": 28.57, "asa": 18.75,
        "aht": 162.5, "avg_talk": 135.0, "avg_wait": 25.0, "avg_abandon_time": 37.5,
        "transfer_rate": 25.0, "repeat_rate": 28.57,
    },
    (INTERVAL_B, "support"): {
        "offered": 2, "short_abandoned": 1, "offered_counted": 1, "answered": 1,
        "answered_in_sl": 1, "abandoned": 0, "abandoned_in_sl": 0, "unanswered": 0,
        "transferred": 0, "repeat_calls": 1, "waited": 1,
        "sl_numerator": 1, "sl_denominator": 1,
        "wait_answered_total": 8, "wait_total": 8, "wait_max": 8, "abandon_wait_total": 0,
        "talk_total": 240, "hold_total": 60, "wrapup_total": 60, "handle_total": 360,
        "service_level": 100.0, "answer_rate": 100.0, "abandon_rate": 0.0, "asa": 8.0,
        "aht": 360.0, "avg_talk": 240.0, "avg_wait": 8.0, "avg_abandon_time": 0.0,
        "transfer_rate": 0.0, "repeat_rate": 100.0,
    },
    (INTERVAL_A, "sales"): {
        "offered": 3, "short_abandoned": 0, "offered_counted": 3, "answered": 2,
        "answered_in_sl": 1, "abandoned": 1, "abandoned_in_sl": 1, "unanswered": 0,
        "transferred": 0, "repeat_calls": 0, "waited": 3,
        # formula "answered": answered in time / answered
        "sl_numerator": 1, "sl_denominator": 2,
        "wait_answered_total": 70, "wait_total": 80, "wait_max": 45, "abandon_wait_total": 10,
        "talk_total": 180, "hold_total": 0, "wrapup_total": 20, "handle_total": 200,
        "service_level": 50.0, "answer_rate": 66.67, "abandon_rate": 33.33, "asa": 35.0,
        "aht": 100.0, "avg_talk": 90.0, "avg_wait": 26.67, "avg_abandon_time": 10.0,
        "transfer_rate": 0.0, "repeat_rate": 0.0,
    },
    (INTERVAL_A, None): {
        "offered": 1, "short_abandoned": 0, "offered_counted": 1, "answered": 1,
        "answered_in_sl": 1, "abandoned": 0, "abandoned_in_sl": 0, "unanswered": 0,
        "transferred": 0, "repeat_calls": 0, "waited": 1,
        "sl_numerator": 1, "sl_denominator": 1,
        "wait_answered_total": 0, "wait_total": 0, "wait_max": 0, "abandon_wait_total": 0,
        "talk_total": 60, "hold_total": 0, "wrapup_total": 0, "handle_total": 60,
        "service_level": 100.0, "answer_rate": 100.0, "abandon_rate": 0.0, "asa": 0.0,
        "aht": 60.0, "avg_talk": 60.0, "avg_wait": 0.0, "avg_abandon_time": 0.0,
        "transfer_rate": 0.0, "repeat_rate": 0.0,
    },
}
# Support over A and B together, as a grouped read must give it (sums, not row averages):
# SL 4/8 = 50.0 (the average of the rows would be 71.43), ASA 83/5, AHT 1010/5.
EXPECTED_SUPPORT_TOTAL = {
    "offered": 10, "offered_counted": 8, "answered": 5, "abandoned": 2, "short_abandoned": 2,
    "repeat_calls": 3, "wait_max": 60,
    "service_level": 50.0, "asa": 16.6, "aht": 202.0, "abandon_rate": 25.0,
    "answer_rate": 62.5, "avg_wait": 22.57, "transfer_rate": 20.0, "repeat_rate": 37.5,
}
# The support interval A figures under each service-level formula (threshold 20 s):
# in time: answered 3 (c1, c7, c8), abandoned 1 (c4); counted 7, answered 4.
EXPECTED_SUPPORT_A_SL = {
    "offered": (3, 7, 42.86),
    "answered": (3, 4, 75.0),
    "abandon_in_time": (4, 7, 57.14),
}

# Agent facts: (interval, agent key) -> figures.
EXPECTED_AGENT = {
    (INTERVAL_A, "agent"): {
        "inbound_answered": 2, "outbound_calls": 0, "outbound_connected": 0, "handled": 2,
        "missed": 1, "transferred": 0,
        "talk_total": 270, "hold_total": 30, "wrapup_total": 60, "handle_total": 360,
        "available_seconds": 300, "paused_seconds": 300, "busy_seconds": 300,
        "logged_in_seconds": 900, "occupancy_base": 660,
        "aht": 180.0, "avg_talk": 135.0, "occupancy": 54.55, "transfer_rate": 0.0,
    },
    (INTERVAL_B, "agent"): {
        "inbound_answered": 1, "outbound_calls": 2, "outbound_connected": 1, "handled": 2,
        "missed": 0, "transferred": 0,
        "talk_total": 360, "hold_total": 60, "wrapup_total": 90, "handle_total": 510,
        "available_seconds": 240, "paused_seconds": 300, "busy_seconds": 360,
        "logged_in_seconds": 900, "occupancy_base": 750,
        "aht": 255.0, "avg_talk": 180.0, "occupancy": 68.0, "transfer_rate": 0.0,
    },
    (INTERVAL_A, "agent_lead"): {
        "inbound_answered": 2, "outbound_calls": 0, "outbound_connected": 0, "handled": 2,
        "missed": 0, "transferred": 1,
        "talk_total": 270, "hold_total": 0, "wrapup_total": 20, "handle_total": 290,
        "available_seconds": 0, "paused_seconds": 900, "busy_seconds": 0,
        "logged_in_seconds": 900, "occupancy_base": 290,
        "aht": 145.0, "avg_talk": 135.0, "occupancy": 100.0, "transfer_rate": 50.0,
    },
    (INTERVAL_B, "agent_lead"): {
        "inbound_answered": 0, "outbound_calls": 0, "outbound_connected": 0, "handled": 0,
        "missed": 0, "transferred": 0,
        "talk_total": 0, "hold_total": 0, "wrapup_total": 0, "handle_total": 0,
        "available_seconds": 0, "paused_seconds": 300, "busy_seconds": 0,
        "logged_in_seconds": 300, "occupancy_base": 0,
        "aht": 0.0, "avg_talk": 0.0, "occupancy": 0.0, "transfer_rate": 0.0,
    },
    (INTERVAL_BEFORE, "agent_lead"): {
        "handled": 0, "paused_seconds": 300, "logged_in_seconds": 300,
    },
    (INTERVAL_A, "agent_sales"): {
        "inbound_answered": 3, "outbound_calls": 0, "outbound_connected": 0, "handled": 3,
        "missed": 0, "transferred": 0,
        "talk_total": 240, "hold_total": 0, "wrapup_total": 20, "handle_total": 260,
        "available_seconds": 900, "paused_seconds": 0, "busy_seconds": 0,
        "logged_in_seconds": 900, "occupancy_base": 1160,
        "aht": 86.67, "avg_talk": 80.0, "occupancy": 22.41, "transfer_rate": 0.0,
    },
    (INTERVAL_B, "agent_sales"): {
        "inbound_answered": 0, "outbound_calls": 0, "outbound_connected": 0, "handled": 0,
        "missed": 0, "transferred": 0, "handle_total": 0,
        "available_seconds": 900, "paused_seconds": 0, "busy_seconds": 0,
        "logged_in_seconds": 900, "occupancy_base": 900, "occupancy": 0.0,
    },
}
# The agent over A and B: handle 870 / (870 + 540 idle) = 61.70 %, AHT 870/4.
EXPECTED_AGENT_TOTAL = {"handled": 4, "handle_total": 870, "occupancy": 61.7, "aht": 217.5}


def at(hour, minute, second=0, day=DAY):
    return day.replace(hour=hour, minute=minute, second=second)


class ReportCommon(CallcenterCommon):
    """CallcenterCommon plus two teams and the hand-built calls and states above.

    `cls.calls` maps the names above (c1..c10, s1..s3, n1, o1, o2, f_before, g_before)
    to records; `cls.queue_keys` / `cls.agent_keys` map the EXPECTED_* keys to records.
    The facts are built once in setUpClass (`_refresh`).
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.queue_support.write({"sl_threshold": 20, "short_abandon_threshold": 5,
                                 "sl_variant": "offered"})
        cls.queue_sales.write({"sl_threshold": 30, "short_abandon_threshold": 5,
                               "sl_variant": "answered"})
        Team = cls.env["callcenter.team"]
        cls.team_support = Team.create({"name": "Support Team", "leader_id": cls.user_lead.id})
        cls.team_sales = Team.create({"name": "Sales Team"})
        (cls.agent | cls.agent_lead).team_id = cls.team_support
        cls.agent_sales.team_id = cls.team_sales
        cls.queue_keys = {"support": cls.queue_support, "sales": cls.queue_sales, None: None}
        cls.agent_keys = {"agent": cls.agent, "agent_lead": cls.agent_lead,
                          "agent_sales": cls.agent_sales}
        cls.calls = cls._create_report_calls()
        cls.state_logs = cls._create_report_states()
        cls._refresh()

    # ------------------------------------------------------------
    # TOOLS
    # ------------------------------------------------------------

    @classmethod
    def _refresh(cls):
        """Bring the facts up to date with everything written so far, as the cron does."""
        cls.env.flush_all()
        Pending = cls.env["callcenter.report.pending.interval"]
        count = Pending._callcenter_refresh_facts()
        cls.env.invalidate_all()
        return count

    @classmethod
    def _inbound(cls, queue, agent, start, wait, state, number, talk=0, hold=0, wrapup=0,
                 queued=True, **values):
        """An inbound call that waited `wait` seconds, then was answered (state completed)
        and talked `talk` + `hold` seconds, or ended in `state` after the wait."""
        answered = state == "completed"
        stop = start + timedelta(seconds=wait)
        end = stop + timedelta(seconds=talk + hold) if answered else stop
        return cls._create_call(queue, agent, **{
            "started_at": start,
            "queue_entered_at": start if queued else False,
            "ring_started_at": start if agent else False,
            "answered_at": stop if answered else False,
            "ended_at": end,
            "wrapup_ended_at": end + timedelta(seconds=wrapup) if answered else False,
            "hold_duration": hold,
            "state": state,
            "caller_number_raw": number,
            **values,
        })

    @classmethod
    def _create_report_calls(cls):
        support, sales = cls.queue_support, cls.queue_sales
        agent, lead, agent_sales = cls.agent, cls.agent_lead, cls.agent_sales
        num = {key: f"1899990{index:04d}" for index, key in enumerate("ABCDEFGHIJKL", start=1)}
        inbound = cls._inbound
        calls = {
            "g_before": inbound(support, None, datetime(2026, 10, 20, 10, 0), 60, "missed", num["G"]),
            "f_before": inbound(support, None, datetime(2026, 10, 30, 10, 0), 60, "missed", num["F"]),
            "c1": inbound(support, agent, at(9, 1), 10, "completed", num["A"], talk=150, hold=30, wrapup=30),
            "c2": inbound(support, lead, at(9, 2), 40, "completed", num["B"], talk=240, wrapup=20,
                          transferred=True),
            "c3": inbound(support, None, at(9, 5), 3, "abandoned", num["C"]),
            "c4": inbound(support, None, at(9, 6), 15, "abandoned", num["D"]),
            "c5": inbound(support, None, at(9, 7), 60, "abandoned", num["E"]),
            "c6": inbound(support, agent, at(9, 10), 300, "missed", num["A"]),
            "c7": inbound(support, agent, at(9, 12), 20, "completed", num["F"], talk=120, wrapup=30),
            "c8": inbound(support, lead, at(9, 13), 5, "completed", num["G"], talk=30),
            "c9": inbound(support, agent, at(9, 20), 8, "completed", num["B"], talk=240, hold=60, wrapup=60),
            "c10": inbound(support, None, at(9, 22), 4, "abandoned", num["A"]),
            "s1": inbound(sales, agent_sales, at(9, 3), 25, "completed", num["I"], talk=120, wrapup=20),
            "s2": inbound(sales, agent_sales, at(9, 8), 45, "completed", num["J"], talk=60),
            "s3": inbound(sales, None, at(9, 9), 10, "abandoned", num["K"]),
            "n1": inbound(None, agent_sales, at(9, 11), 0, "completed", num["L"], talk=60, queued=False),
            "o1": cls._create_call(None, agent, **{
                "direction": "outbound", "state": "completed", "caller_number_raw": "1001",
                "callee_number_raw": "18999900101", "started_at": at(9, 16),
                "ring_started_at": at(9, 16), "answered_at": at(9, 16, 10), "ended_at": at(9, 18, 10),
                "wrapup_ended_at": at(9, 18, 40),
            }),
            "o2": cls._create_call(None, agent, **{
                "direction": "outbound", "state": "missed", "caller_number_raw": "1001",
                "callee_number_raw": "18999900102", "started_at": at(9, 19),
                "ring_started_at": at(9, 19), "ended_at": at(9, 19, 20),
            }),
        }
        return calls

    @classmethod
    def _create_report_states(cls):
        def log(agent, state, start, end):
            return {"agent_id": agent.id, "state": state, "date_start": start, "date_end": end}

        agent, lead, agent_sales = cls.agent, cls.agent_lead, cls.agent_sales
        return cls.env["callcenter.agent.state.log"].create([
            log(agent, "available", at(9, 0), at(9, 5)),
            log(agent, "on_call", at(9, 5), at(9, 10)),
            log(agent, "paused", at(9, 10), at(9, 20)),
            log(agent, "wrapup", at(9, 20), at(9, 25)),
            log(agent, "ringing", at(9, 25), at(9, 26)),
            log(agent, "available", at(9, 26), at(9, 30)),
            log(agent, "logged_out", at(9, 30), at(9, 31)),
            log(agent_sales, "available", at(9, 0), at(9, 30)),
            log(lead, "paused", at(8, 55), at(9, 20)),
        ])

    def _queue_fact(self, interval, queue_key):
        queue = self.queue_keys[queue_key]
        return self.env["callcenter.report.queue.interval"].search([
            ("interval_start", "=", interval),
            ("queue_id", "=", queue.id if queue else False),
            ("company_id", "=", self.env.company.id),
        ])

    def _agent_fact(self, interval, agent_key):
        return self.env["callcenter.report.agent.interval"].search([
            ("interval_start", "=", interval), ("agent_id", "=", self.agent_keys[agent_key].id),
        ])
