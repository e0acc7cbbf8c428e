# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import datetime, timedelta

from odoo.tests import tagged

from .report_common import (
    DAY,
    EXPECTED_AGENT,
    EXPECTED_AGENT_TOTAL,
    EXPECTED_QUEUE,
    EXPECTED_SUPPORT_A_SL,
    EXPECTED_SUPPORT_TOTAL,
    INTERVAL_A,
    INTERVAL_B,
    ReportCommon,
    at,
)


@tagged("callcenter")
class TestReportKpi(ReportCommon):
    """Every figure of both fact models against the hand-computed ones of report_common."""

    def assertFigures(self, record, expected, label):
        self.assertEqual(len(record), 1, f"{label}: one fact row")
        for fname, value in expected.items():
            self.assertEqual(record[fname], value, f"{label}: {fname}")

    def test_queue_facts(self):
        for (interval, queue_key), expected in EXPECTED_QUEUE.items():
            self.assertFigures(self._queue_fact(interval, queue_key), expected, f"{interval} {queue_key}")

    def test_agent_facts(self):
        for (interval, agent_key), expected in EXPECTED_AGENT.items():
            fact = self._agent_fact(interval, agent_key)
            self.assertFigures(fact, expected, f"{interval} {agent_key}")
            agent = self.agent_keys[agent_key]
            self.assertEqual(fact.user_id, agent.user_id)
            self.assertEqual(fact.team_id, agent.team_id)
            self.assertEqual(fact.company_id, agent.company_id)

    def test_no_fact_without_activity(self):
        """Logged-out time and intervals without calls leave no rows."""
        Agent = self.env["callcenter.report.agent.interval"]
        self.assertFalse(Agent.search([("agent_id", "=", self.agent.id),
                                       ("interval_start", ">=", at(9, 30))]))
        self.assertFalse(self._agent_fact(INTERVAL_B - timedelta(minutes=30), "agent_sales"))
        self.assertFalse(self._queue_fact(INTERVAL_B, "sales"))

    def test_stored_ratios_match_python_definition(self):
        """Every stored ratio is the mixin's `_ratio` of its own row."""
        for model in ("callcenter.report.queue.interval", "callcenter.report.agent.interval"):
            Facts = self.env[model]
            rows = Facts.search([("interval_start", "in", [INTERVAL_A, INTERVAL_B])])
            self.assertTrue(rows)
            for row in rows:
                values = row.read()[0]
                for fname in Facts._ratio_measures:
                    self.assertEqual(row[fname], Facts._ratio(fname, values), f"{model} {fname}")

    def test_grouped_ratios_are_ratios_of_sums(self):
        """Grouped reads give SUM(numerator) / SUM(denominator), not an average of rows."""
        Facts = self.env["callcenter.report.queue.interval"]
        domain = [("queue_id", "=", self.queue_support.id),
                  ("interval_start", "in", [INTERVAL_A, INTERVAL_B])]
        measures = [f"{fname}:{'max' if fname == 'wait_max' else 'sum'}"
                    for fname in EXPECTED_SUPPORT_TOTAL]
        [values] = Facts._read_group(domain, [], measures)
        self.assertEqual(dict(zip(EXPECTED_SUPPORT_TOTAL, values, strict=True)), EXPECTED_SUPPORT_TOTAL)
        # The default aggregator of a ratio (avg) is a ratio of sums too, as the pivot reads it.
        [group] = Facts.read_group(domain, ["service_level", "asa", "aht", "abandon_rate"],
                                   ["queue_id"])
        self.assertEqual((group["service_level"], group["asa"], group["aht"], group["abandon_rate"]),
                         (50.0, 16.6, 202.0, 25.0))
        sums = dict(zip(["sl_numerator", "sl_denominator"], Facts._read_group(
            domain, [], ["sl_numerator:sum", "sl_denominator:sum"])[0], strict=True))
        self.assertEqual(Facts._ratio("service_level", sums), 50.0)
        # Grouped by hour (both intervals are in 09:00), the same ratio of sums.
        by_hour = Facts._read_group(domain, ["interval_start:hour"], ["service_level:avg"])
        self.assertEqual([value for _hour, value in by_hour], [50.0])

    def test_grouped_agent_ratios(self):
        Facts = self.env["callcenter.report.agent.interval"]
        domain = [("agent_id", "=", self.agent.id), ("interval_start", "in", [INTERVAL_A, INTERVAL_B])]
        [values] = Facts._read_group(domain, [], [f"{fname}:sum" for fname in EXPECTED_AGENT_TOTAL])
        self.assertEqual(dict(zip(EXPECTED_AGENT_TOTAL, values, strict=True)), EXPECTED_AGENT_TOTAL)
        by_team = dict(Facts._read_group(
            [("interval_start", "=", INTERVAL_A), ("team_id", "!=", False),
             ("agent_id", "in", [self.agent.id, self.agent_lead.id, self.agent_sales.id])],
            ["team_id"], ["handled:sum"]))
        self.assertEqual(by_team, {self.team_support: 4, self.team_sales: 3})

    def test_answered_ranking(self):
        """The answered-calls ranking (接听排名) is a read grouped by agent, ordered."""
        Facts = self.env["callcenter.report.agent.interval"]
        ranking = Facts._read_group(
            [("interval_start", "in", [INTERVAL_A, INTERVAL_B]),
             ("agent_id", "in", [self.agent.id, self.agent_lead.id, self.agent_sales.id])],
            ["agent_id"], ["inbound_answered:sum"], order="inbound_answered:sum desc, agent_id")
        self.assertEqual([count for _agent, count in ranking], [3, 3, 2])
        self.assertEqual(ranking[-1][0], self.agent_lead)

    def test_service_level_variants(self):
        """Each formula on the support queue's interval A (threshold 20 s)."""
        for variant, (numerator, denominator, service_level) in EXPECTED_SUPPORT_A_SL.items():
            self.queue_support.sl_variant = variant
            self.env["callcenter.report.pending.interval"]._callcenter_rebuild_facts(
                DAY, DAY + timedelta(days=1))
            fact = self._queue_fact(INTERVAL_A, "support")
            self.assertEqual((fact.sl_numerator, fact.sl_denominator, fact.service_level),
                             (numerator, denominator, service_level), variant)

    def test_sl_threshold(self):
        """A longer threshold takes the 40 s answer (c2) and the 60 s abandon (c5) in time."""
        self.queue_support.write({"sl_threshold": 60, "sl_variant": "abandon_in_time"})
        self.env["callcenter.report.pending.interval"]._callcenter_rebuild_facts(DAY, DAY + timedelta(days=1))
        fact = self._queue_fact(INTERVAL_A, "support")
        self.assertEqual((fact.answered_in_sl, fact.abandoned_in_sl, fact.service_level),
                         (4, 2, 85.71))

    def test_short_abandons(self):
        """Raising the short-abandon threshold to 16 s makes c4 (15 s) short too: it leaves
        the offered, abandoned, wait and service-level figures."""
        self.queue_support.short_abandon_threshold = 16
        self.env["callcenter.report.pending.interval"]._callcenter_rebuild_facts(DAY, DAY + timedelta(days=1))
        fact = self._queue_fact(INTERVAL_A, "support")
        self.assertFigures(fact, {
            "offered": 8, "short_abandoned": 2, "offered_counted": 6, "abandoned": 1,
            "abandoned_in_sl": 0, "waited": 5, "wait_total": 135, "abandon_wait_total": 60,
            "sl_numerator": 3, "sl_denominator": 6, "service_level": 50.0, "abandon_rate": 16.67,
        }, "short 16 s")
        # No threshold at all: nothing is short.
        self.queue_support.short_abandon_threshold = 0
        self.env["callcenter.report.pending.interval"]._callcenter_rebuild_facts(DAY, DAY + timedelta(days=1))
        fact = self._queue_fact(INTERVAL_A, "support")
        self.assertEqual((fact.short_abandoned, fact.abandoned, fact.offered_counted), (0, 3, 8))

    def test_repeat_callers_window(self):
        """A call exactly 7 days after the number's previous call is a repeat; one second
        more is not; an outbound call to the number does not count."""
        numbers = {"M": "18999900201", "N": "18999900202", "O": "18999900203"}
        self._inbound(self.queue_support, None, at(9, 14) - timedelta(days=7), 30, "missed", numbers["M"])
        self._inbound(self.queue_support, None, at(9, 14) - timedelta(days=7, seconds=1), 30, "missed",
                     numbers["N"])
        self._create_call(None, self.agent, direction="outbound", state="completed",
                          caller_number_raw="1001", callee_number_raw=numbers["O"],
                          started_at=at(8, 0), answered_at=at(8, 0, 5), ended_at=at(8, 1))
        for number in numbers.values():
            self._inbound(self.queue_support, None, at(9, 14), 30, "missed", number)
        self._refresh()
        fact = self._queue_fact(INTERVAL_A, "support")
        self.assertEqual((fact.offered, fact.repeat_calls), (11, 3))

    def test_calls_in_progress(self):
        """A call still waiting is offered and not yet answered nor abandoned."""
        self._inbound(self.queue_support, None, at(9, 21), 0, "queued", "18999900301", ended_at=False)
        self._refresh()
        fact = self._queue_fact(INTERVAL_B, "support")
        self.assertFigures(fact, {"offered": 3, "offered_counted": 2, "unanswered": 1, "answered": 1,
                                  "waited": 1, "service_level": 50.0}, "queued call")

    def test_internal_calls_left_out(self):
        self._create_call(self.queue_support, self.agent, direction="internal", state="completed",
                          started_at=at(9, 4), answered_at=at(9, 4, 2), ended_at=at(9, 5))
        self._refresh()
        self.assertFigures(self._queue_fact(INTERVAL_A, "support"), EXPECTED_QUEUE[(INTERVAL_A, "support")],
                           "internal")
        self.assertFigures(self._agent_fact(INTERVAL_A, "agent"), EXPECTED_AGENT[(INTERVAL_A, "agent")],
                           "internal")

    def test_interval_is_utc_quarter_hour(self):
        """A call at 09:14:59 counts in 09:00, one at 09:15:00 in 09:15."""
        self._inbound(self.queue_sales, None, datetime(2026, 11, 2, 9, 14, 59), 1, "abandoned", "18999900401")
        self._inbound(self.queue_sales, None, datetime(2026, 11, 2, 9, 15, 0), 1, "abandoned", "18999900402")
        self._refresh()
        self.assertEqual(self._queue_fact(INTERVAL_A, "sales").short_abandoned, 1)
        self.assertEqual(self._queue_fact(INTERVAL_B, "sales").short_abandoned, 1)
