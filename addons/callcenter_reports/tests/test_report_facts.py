# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import threading
from datetime import datetime, timedelta

from freezegun import freeze_time
from psycopg2 import errors
from psycopg2.extensions import ISOLATION_LEVEL_READ_COMMITTED

from odoo import SUPERUSER_ID, api, fields, sql_db
from odoo.tests import BaseCase, tagged
from odoo.tests.common import get_db_name
from odoo.tools import SQL, mute_logger

from odoo.addons.callcenter_base.tests.common import run_at_once

from .report_common import INTERVAL_A, INTERVAL_B, ReportCommon, at

FACT_MODELS = ("callcenter.report.queue.interval", "callcenter.report.agent.interval")
KEYS = {
    "callcenter.report.queue.interval": ("interval_start", "company_id", "queue_id"),
    "callcenter.report.agent.interval": ("interval_start", "agent_id"),
}


def fact_snapshot(env, date_from, date_to):
    """Every fact row between the dates, by model and key, as plain values."""
    snapshot = {}
    for model in FACT_MODELS:
        Facts = env[model]
        Facts.flush_model()
        columns = [name for name, field in Facts._fields.items()
                   if field.store and name != "id"]
        env.cr.execute(SQL(
            "SELECT %s FROM %s WHERE interval_start >= %s AND interval_start < %s",
            SQL(", ").join(SQL.identifier(name) for name in columns), SQL.identifier(Facts._table),
            date_from, date_to))
        rows = {}
        for row in env.cr.dictfetchall():
            key = tuple(row[name] for name in KEYS[model])
            assert key not in rows, f"{model}: two rows for {key}"
            rows[key] = row
        snapshot[model] = rows
    return snapshot


@tagged("callcenter")
class TestReportFacts(ReportCommon):
    """The facts kept up to date call by call equal a recomputation from scratch."""

    DATE_FROM = datetime(2026, 10, 1)
    DATE_TO = datetime(2026, 11, 10)

    def assertIncrementalEqualsRebuild(self):
        self._refresh()
        incremental = fact_snapshot(self.env, self.DATE_FROM, self.DATE_TO)
        # A fresh copy: no fact row at all in the range, then everything recomputed.
        for model in FACT_MODELS:
            self.env.cr.execute(SQL("DELETE FROM %s WHERE interval_start >= %s AND interval_start < %s",
                                    SQL.identifier(self.env[model]._table), self.DATE_FROM, self.DATE_TO))
        self.env["callcenter.report.pending.interval"]._callcenter_rebuild_facts(self.DATE_FROM, self.DATE_TO)
        rebuilt = fact_snapshot(self.env, self.DATE_FROM, self.DATE_TO)
        for model in FACT_MODELS:
            self.assertEqual(incremental[model], rebuilt[model], model)
        return incremental

    def _pending(self):
        Pending = self.env["callcenter.report.pending.interval"]
        Pending._callcenter_flush_marks()
        return set(Pending.search([]).mapped("interval_start"))

    def test_marks(self):
        Pending = self.env["callcenter.report.pending.interval"]
        self._refresh()
        Pending.search([]).unlink()
        Pending._callcenter_mark([at(9, 7, 30), at(9, 14, 59), None, at(9, 15)])
        self.assertEqual(self._pending(), {INTERVAL_A, INTERVAL_B})
        Pending._callcenter_mark_span(at(9, 20), at(10, 0))
        self.assertEqual(self._pending(), {INTERVAL_A, INTERVAL_B, at(9, 30), at(9, 45), at(10, 0)})
        Pending.search([]).unlink()
        # Marking the same intervals twice is harmless.
        Pending._callcenter_mark([at(9, 1), at(9, 2)])
        Pending._callcenter_mark([at(9, 1)])
        self.assertEqual(self._pending(), {INTERVAL_A})

    def test_writes_that_matter_mark(self):
        Pending = self.env["callcenter.report.pending.interval"]
        self._refresh()
        Pending.search([]).unlink()
        call = self.calls["c1"]
        call.summary = "Asked about the invoice."
        self.assertEqual(self._pending(), set(), "notes do not change any figure")
        call.started_at = datetime(2026, 11, 3, 14, 5)
        # the old and the new interval, and B: c10 is a later call of the same number (repeats)
        self.assertEqual(self._pending(), {INTERVAL_A, datetime(2026, 11, 3, 14, 0), INTERVAL_B})
        Pending.search([]).unlink()
        self.state_logs[0].date_end = at(9, 20)
        self.assertEqual(self._pending(), {INTERVAL_A, INTERVAL_B})

    def test_new_calls_and_states(self):
        self._inbound(self.queue_support, self.agent, at(9, 16), 12, "completed", "18999900501",
                      talk=50, wrapup=10)
        self._inbound(self.queue_sales, None, at(9, 40), 2, "abandoned", "18999900502")
        self._inbound(self.queue_sales, None, datetime(2026, 11, 5, 23, 59), 90, "missed", "18999900503")
        self.env["callcenter.agent.state.log"].create([
            {"agent_id": self.agent_sales.id, "state": "paused",
             "date_start": at(9, 30), "date_end": at(10, 10)},
        ])
        snapshot = self.assertIncrementalEqualsRebuild()
        queue_facts = snapshot["callcenter.report.queue.interval"]
        self.assertEqual(queue_facts[(INTERVAL_B, self.env.company.id, self.queue_support.id)]["offered"], 3)
        self.assertEqual(queue_facts[(at(9, 30), self.env.company.id, self.queue_sales.id)]["short_abandoned"], 1)

    def test_state_changes(self):
        """A call followed from ringing to completed, as the connector writes it."""
        call = self._create_call(self.queue_support, None, started_at=at(9, 17), state="ringing",
                                 caller_number_raw="18999900601")
        self._refresh()
        self.assertEqual(self._queue_fact(INTERVAL_B, "support").unanswered, 1)
        call.write({"state": "queued", "queue_entered_at": at(9, 17)})
        call.write({"state": "answered", "agent_id": self.agent.id, "answered_at": at(9, 17, 30)})
        self._refresh()
        fact = self._queue_fact(INTERVAL_B, "support")
        self.assertEqual((fact.answered, fact.answered_in_sl, fact.asa), (2, 1, 19.0))
        call.write({"state": "completed", "ended_at": at(9, 19), "wrapup_ended_at": at(9, 19, 30)})
        self.assertIncrementalEqualsRebuild()
        self.assertEqual(self._agent_fact(INTERVAL_B, "agent").handled, 3)

    def test_moves_and_unlinks(self):
        calls = self.calls
        calls["c1"].started_at = datetime(2026, 11, 3, 14, 5)          # to another day
        calls["c2"].queue_id = self.queue_sales                          # to another queue
        calls["c8"].agent_id = self.agent                                # to another agent
        calls["s3"].unlink()
        calls["c4"].direction = "internal"
        calls["n1"].company_id = self.env.company                        # no change at all
        self.state_logs[-1].unlink()
        self.state_logs[0].write({"state": "paused"})
        self.state_logs[1].agent_id = self.agent_sales
        snapshot = self.assertIncrementalEqualsRebuild()
        queue_facts = snapshot["callcenter.report.queue.interval"]
        support_a = queue_facts[(INTERVAL_A, self.env.company.id, self.queue_support.id)]
        self.assertEqual((support_a["offered"], support_a["answered"]), (5, 2))
        self.assertFalse(self._agent_fact(INTERVAL_A, "agent_lead").paused_seconds)

    def test_agent_changes_team(self):
        """The team (and user) of the agent fact rows follow the agent, history included,
        as a recomputation would give them."""
        self.agent.team_id = self.team_sales
        self.assertEqual(self._agent_fact(INTERVAL_A, "agent").team_id, self.team_sales)
        self.assertEqual(self._agent_fact(INTERVAL_B, "agent").team_id, self.team_sales)
        self.assertIncrementalEqualsRebuild()

    def test_repeat_callers_follow_earlier_calls(self):
        """A call inserted, moved or deleted before another of its number changes the later
        call's repeat status, in its own interval."""
        self._refresh()
        self.assertEqual(self._queue_fact(INTERVAL_A, "sales").repeat_calls, 0)
        number = self.calls["s1"].caller_number_raw
        earlier = self._inbound(self.queue_support, None, datetime(2026, 10, 28, 8, 0), 9, "abandoned",
                                number)
        self._refresh()
        self.assertEqual(self._queue_fact(INTERVAL_A, "sales").repeat_calls, 1)
        earlier.started_at = datetime(2026, 10, 20, 8, 0)
        self._refresh()
        self.assertEqual(self._queue_fact(INTERVAL_A, "sales").repeat_calls, 0)
        earlier.started_at = datetime(2026, 11, 1, 8, 0)
        self.assertIncrementalEqualsRebuild()
        self.assertEqual(self._queue_fact(INTERVAL_A, "sales").repeat_calls, 1)
        earlier.unlink()
        self._refresh()
        self.assertEqual(self._queue_fact(INTERVAL_A, "sales").repeat_calls, 0)
        # c2's number changes: c9 (same old number, interval B) is no longer a repeat.
        self.calls["c2"].caller_number_raw = "18999900701"
        self.assertIncrementalEqualsRebuild()
        self.assertEqual(self._queue_fact(INTERVAL_B, "support").repeat_calls, 0)

    def test_open_state_counts_up_to_now(self):
        """An open state counts up to now; the previous and the current interval are
        recomputed at every refresh, so it keeps counting without any write."""
        log = self.env["callcenter.agent.state.log"].create({
            "agent_id": self.agent_sales.id, "state": "available", "date_start": at(9, 40),
        })
        with freeze_time(at(10, 7)):
            self._refresh()
            self.assertEqual(self._agent_fact(at(9, 30), "agent_sales").available_seconds, 300)
            self.assertEqual(self._agent_fact(at(9, 45), "agent_sales").available_seconds, 900)
            self.assertEqual(self._agent_fact(at(10, 0), "agent_sales").available_seconds, 420)
        with freeze_time(at(10, 20)):
            self._refresh()
            self.assertEqual(self._agent_fact(at(10, 0), "agent_sales").available_seconds, 900)
            self.assertEqual(self._agent_fact(at(10, 15), "agent_sales").available_seconds, 300)
            log.date_end = at(10, 16)
            self._refresh()
            self.assertEqual(self._agent_fact(at(10, 15), "agent_sales").available_seconds, 60)
            self.assertIncrementalEqualsRebuild()

    def test_refresh_limit_takes_latest_first(self):
        Pending = self.env["callcenter.report.pending.interval"]
        self._refresh()
        Pending._callcenter_mark([INTERVAL_A, INTERVAL_B, datetime(2026, 10, 1)])
        now = fields.Datetime.now()
        current = now.replace(minute=now.minute - now.minute % 15, second=0, microsecond=0)
        self.assertEqual(Pending._callcenter_refresh_facts(limit=3), 3)  # current, previous, B
        self.assertEqual(self._pending(), {datetime(2026, 10, 1), INTERVAL_A})
        self.assertNotIn(current, self._pending())
        self.assertEqual(Pending._callcenter_refresh_facts(), 4)

    def test_cron(self):
        self._inbound(self.queue_sales, self.agent_sales, at(9, 25), 3, "completed", "18999900801", talk=40)
        self.env.ref("callcenter_reports.ir_cron_callcenter_report_refresh").method_direct_trigger()
        self.env.invalidate_all()
        fact = self._queue_fact(INTERVAL_B, "sales")
        self.assertEqual((fact.offered, fact.answered, fact.aht), (1, 1, 40.0))
        self.assertFalse(self._pending() & {INTERVAL_A, INTERVAL_B})


@tagged("callcenter", "post_install", "-at_install")
class TestConcurrentRefresh(BaseCase):
    """Refreshes on their own connections while the connector writes calls: every
    interval is computed by one of them at a time and no call counts twice."""

    DAYS = 3
    CALLS_PER_BATCH = 40
    BATCHES = 6
    REFRESHERS = 3

    def setUp(self):
        super().setUp()
        self.db = sql_db.db_connect(get_db_name())
        self.start = datetime(2025, 3, 3)
        with self.db.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
            self.queue_id = env["callcenter.queue"].create({
                "name": "Concurrency", "asterisk_name": "concurrency_reports",
            }).id
            env["callcenter.call"].create([self._call_values(index, -1) for index in range(300)])
            # a call now, for the interval every refresh recomputes
            env["callcenter.call"].create({**self._call_values(0, -1), "started_at": fields.Datetime.now()})
            cr.commit()
        self.addCleanup(self._drop)

    def _call_values(self, index, batch):
        minutes = (index * 37 + batch * 11) % (self.DAYS * 24 * 60)
        return {
            "direction": "inbound", "state": "abandoned", "queue_id": self.queue_id,
            "caller_number_raw": f"1770000{index % 50:04d}",
            "started_at": self.start + timedelta(minutes=minutes),
            "queue_entered_at": self.start + timedelta(minutes=minutes),
            "ended_at": self.start + timedelta(minutes=minutes, seconds=30),
        }

    def _drop(self):
        with self.db.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            env["callcenter.call"].search([("queue_id", "=", self.queue_id)]).unlink()
            env["callcenter.report.pending.interval"]._callcenter_refresh_facts()
            env["callcenter.queue"].browse(self.queue_id).unlink()
            cr.commit()

    def test_concurrent_refresh_and_ingest(self):
        done = threading.Event()

        def refresher(env, barrier):
            env.cr.connection.set_isolation_level(ISOLATION_LEVEL_READ_COMMITTED)
            Pending = env["callcenter.report.pending.interval"]
            barrier.wait()
            while not done.is_set():
                Pending._callcenter_refresh_facts(limit=25)
                env.cr.commit()

        def writer(env, barrier):
            barrier.wait()
            try:
                for batch in range(self.BATCHES):
                    env["callcenter.call"].with_context(tracking_disable=True).create(
                        [self._call_values(index, batch) for index in range(self.CALLS_PER_BATCH)])
                    env.cr.commit()
            finally:
                done.set()

        errors = run_at_once(self.db, lambda env, barrier, work: work(env, barrier),
                             [(refresher,)] * self.REFRESHERS + [(writer,)], timeout=120)
        self.assertEqual(errors, [])
        with self.db.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            env["callcenter.report.pending.interval"]._callcenter_refresh_facts()
            cr.execute(SQL("""
                SELECT interval_start, count(*), sum(offered)
                  FROM callcenter_report_queue_interval WHERE queue_id = %s
              GROUP BY interval_start
            """, self.queue_id))
            facts = {start: (rows, offered) for start, rows, offered in cr.fetchall()}
            cr.execute(SQL("""
                SELECT date_bin('15 minutes', started_at, '2000-01-01'), count(*)
                  FROM callcenter_call WHERE queue_id = %s GROUP BY 1
            """, self.queue_id))
            calls = {start: (1, count) for start, count in cr.fetchall()}
            self.assertEqual(facts, calls)
            self.assertEqual(sum(offered for _rows, offered in facts.values()),
                             301 + self.BATCHES * self.CALLS_PER_BATCH)
            # and what the refreshes left equals a recomputation
            incremental = fact_snapshot(env, self.start, self.start + timedelta(days=self.DAYS + 1))
            env["callcenter.report.pending.interval"]._callcenter_rebuild_facts(
                self.start, self.start + timedelta(days=self.DAYS + 1))
            self.assertEqual(incremental, fact_snapshot(
                env, self.start, self.start + timedelta(days=self.DAYS + 1)))
            cr.rollback()

    def test_stale_snapshot_fails_to_serialize(self):
        """A refresh in a REPEATABLE READ transaction (a web request) whose snapshot predates
        another refresh's commit fails to serialize, to be retried, rather than count twice."""
        with self.db.cursor() as late, self.db.cursor() as early:
            late.execute("SELECT 1")  # takes its snapshot
            env = api.Environment(early, SUPERUSER_ID, {})
            env["callcenter.report.pending.interval"]._callcenter_refresh_facts()
            early.commit()
            late_env = api.Environment(late, SUPERUSER_ID, {})
            with mute_logger("odoo.sql_db"), self.assertRaises(errors.SerializationFailure):
                late_env["callcenter.report.pending.interval"]._callcenter_refresh_facts()
            late.rollback()
            early.execute(SQL("""
                SELECT interval_start, count(*) FROM callcenter_report_queue_interval
                 WHERE queue_id = %s GROUP BY 1 HAVING count(*) > 1
            """, self.queue_id))
            self.assertEqual(early.fetchall(), [])
