# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
import time
from contextlib import contextmanager
from datetime import timedelta

from psycopg2.extensions import ISOLATION_LEVEL_READ_COMMITTED

from odoo import api, fields, models, modules
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

INTERVAL_MINUTES = 15
INTERVAL = timedelta(minutes=INTERVAL_MINUTES)
# Repeat callers: a call is a repeat when its number called within this many days before.
REPEAT_DAYS = 7
# date_bin() origin: any midnight aligns the bins on the quarter hours.
BIN_ORIGIN = "2000-01-01"
# Intervals recomputed per statement: a month of quarter hours, small enough to keep
# the statement's memory bounded, big enough that a full rebuild is a few statements.
REFRESH_BATCH = 3000
# The cron stops taking new batches after this many seconds, leaving the rest to the next run.
CRON_TIME_BUDGET = 50
MARKS_KEY = "callcenter_reports.marks"
# Settings of the fact statements: big set-based statements that JIT compilation
# slows down by a second each, and whose aggregates spill to disk at the default work_mem.
FACT_SQL_SETTINGS = {"jit": "off", "work_mem": "64MB"}


def interval_floor_sql(expression):
    """SQL flooring a UTC timestamp expression to its 15-minute interval."""
    return SQL("date_bin(%s::interval, %s, %s::timestamp)",
               f"{INTERVAL_MINUTES} minutes", expression, BIN_ORIGIN)


class CallcenterReportPendingInterval(models.Model):
    """A 15-minute interval whose facts must be computed again.

    Calls and agent states mark the intervals they touch as they are written; the
    refresh cron recomputes only those, so history is never recomputed and every
    fact row always equals what a full recomputation would give.

    Marks from the ORM are gathered per transaction and written in one statement
    just before the commit (a connector batch of thousands of calls costs one
    INSERT), which also keeps the unique index entry locked for the shortest time.
    """

    _name = "callcenter.report.pending.interval"
    _description = "Call Center Report Interval to Refresh"
    _log_access = False
    _order = "interval_start"
    _rec_name = "interval_start"

    interval_start = fields.Datetime(required=True, readonly=True)

    _sql_constraints = [
        ("interval_start_unique", "UNIQUE(interval_start)", "An interval is pending once."),
    ]

    # ------------------------------------------------------------
    # MARKING
    # ------------------------------------------------------------

    @api.model
    def _callcenter_mark(self, datetimes):
        """Mark the intervals holding `datetimes` (naive UTC) for refresh, now."""
        datetimes = sorted({dt for dt in datetimes if dt})
        if not datetimes:
            return
        self.env.cr.execute(SQL("""
            INSERT INTO callcenter_report_pending_interval (interval_start)
            SELECT DISTINCT %(floor)s FROM unnest(%(times)s::timestamp[]) AS t(ts)
             ORDER BY 1
            ON CONFLICT (interval_start) DO NOTHING
        """, floor=interval_floor_sql(SQL("t.ts")), times=datetimes))

    @api.model
    def _callcenter_mark_span(self, start, end):
        """Mark every interval that [start, end] overlaps (end None: up to now)."""
        self._callcenter_mark_spans([(start, end)])

    @api.model
    def _callcenter_mark_spans(self, spans):
        """Mark every interval overlapped by each (start, end) of `spans`, in one statement."""
        spans = sorted({(start, end or None) for start, end in spans if start},
                       key=lambda span: (span[0], span[1] or span[0]))
        if not spans:
            return
        self.env.cr.execute(SQL("""
            INSERT INTO callcenter_report_pending_interval (interval_start)
            SELECT DISTINCT b.bin
              FROM unnest(%(starts)s::timestamp[], %(ends)s::timestamp[]) AS s(date_start, date_end),
                   generate_series(%(floor)s,
                                   GREATEST(COALESCE(s.date_end, %(now)s), s.date_start),
                                   %(step)s::interval) AS b(bin)
             ORDER BY 1
            ON CONFLICT (interval_start) DO NOTHING
        """, starts=[start for start, _end in spans], ends=[end for _start, end in spans],
            floor=interval_floor_sql(SQL("s.date_start")), now=fields.Datetime.now(),
            step=f"{INTERVAL_MINUTES} minutes"))

    @api.model
    def _callcenter_defer_marks(self, times=(), spans=(), numbers=()):
        """Gather marks until the transaction commits (or the next refresh in it).

        `times`: datetimes whose intervals changed; `spans`: (start, end) of agent
        states; `numbers`: (customer number, started_at) of inbound calls that
        appeared, vanished or moved: the later calls of that number within the
        repeat window change their repeat status, so their intervals are marked too.
        """
        precommit = self.env.cr.precommit
        marks = precommit.data.get(MARKS_KEY)
        if marks is None:
            marks = precommit.data[MARKS_KEY] = {"times": set(), "spans": set(), "numbers": set()}
            Pending = self.sudo()  # marking is bookkeeping, not an access to any record
            precommit.add(Pending._callcenter_flush_marks)
        marks["times"].update(dt for dt in times if dt)
        marks["spans"].update((start, end or None) for start, end in spans if start)
        marks["numbers"].update((number, start) for number, start in numbers if number and start)

    @api.model
    def _callcenter_flush_marks(self):
        """Write the marks gathered by _callcenter_defer_marks, in one statement."""
        marks = self.env.cr.precommit.data.pop(MARKS_KEY, None)
        if not marks or not any(marks.values()):
            return
        numbers = sorted(marks["numbers"])
        spans = sorted(marks["spans"], key=lambda span: (span[0], span[1] or span[0]))
        self.env["callcenter.call"].flush_model(["customer_number", "started_at", "direction"])
        self.env.cr.execute(SQL("""
            INSERT INTO callcenter_report_pending_interval (interval_start)
            SELECT DISTINCT bin FROM (
                SELECT %(floor_t)s AS bin FROM unnest(%(times)s::timestamp[]) AS t(ts)
                 UNION ALL
                SELECT b.bin
                  FROM unnest(%(starts)s::timestamp[], %(ends)s::timestamp[]) AS s(date_start, date_end),
                       generate_series(%(floor_s)s,
                                       GREATEST(COALESCE(s.date_end, %(now)s), s.date_start),
                                       %(step)s::interval) AS b(bin)
                 UNION ALL
                SELECT %(floor_c)s
                  FROM unnest(%(numbers)s::varchar[], %(number_starts)s::timestamp[]) AS n(num, ts)
                  JOIN callcenter_call c
                    ON c.customer_number = n.num AND c.direction = 'inbound'
                   AND c.started_at > n.ts AND c.started_at <= n.ts + %(repeat)s::interval
            ) AS bins
             ORDER BY 1
            ON CONFLICT (interval_start) DO NOTHING
        """, floor_t=interval_floor_sql(SQL("t.ts")), times=sorted(marks["times"]),
            starts=[start for start, _end in spans], ends=[end for _start, end in spans],
            floor_s=interval_floor_sql(SQL("s.date_start")), now=fields.Datetime.now(),
            step=f"{INTERVAL_MINUTES} minutes",
            numbers=[number for number, _ts in numbers], number_starts=[ts for _n, ts in numbers],
            floor_c=interval_floor_sql(SQL("c.started_at")), repeat=f"{REPEAT_DAYS} days"))

    # ------------------------------------------------------------
    # REFRESH
    # ------------------------------------------------------------

    @api.model
    def _callcenter_refresh_facts(self, limit=None):
        """Recompute the facts of the pending intervals, most recent first; returns how many.

        The current and the previous interval are always recomputed too, so agent
        states still open count up to now. Pending rows are taken with DELETE ...
        RETURNING over a FOR UPDATE SKIP LOCKED selection: two refreshes at once
        split the work instead of doing it twice. The cron runs it READ COMMITTED;
        in a REPEATABLE READ transaction (a web request) whose snapshot predates
        another refresh's commit it fails to serialize (and the request is retried)
        rather than count anything twice, thanks to the fact tables' unique keys.
        """
        self._callcenter_flush_marks()
        self.env.flush_all()
        now = fields.Datetime.now()
        current = now.replace(minute=now.minute - now.minute % INTERVAL_MINUTES, second=0,
                              microsecond=0)
        self._callcenter_mark([current - INTERVAL, current])
        self.env.cr.execute(SQL("""
            DELETE FROM callcenter_report_pending_interval
             WHERE id IN (SELECT id FROM callcenter_report_pending_interval
                           ORDER BY interval_start DESC
                           LIMIT %s
                           FOR UPDATE SKIP LOCKED)
            RETURNING interval_start
        """, limit))
        intervals = sorted(row[0] for row in self.env.cr.fetchall())
        with self._callcenter_fact_settings():
            for start in range(0, len(intervals), REFRESH_BATCH):
                batch = intervals[start:start + REFRESH_BATCH]
                self.env["callcenter.report.queue.interval"]._callcenter_compute_intervals(batch)
                self.env["callcenter.report.agent.interval"]._callcenter_compute_intervals(batch, now)
        self.env["callcenter.report.queue.interval"].invalidate_model()
        self.env["callcenter.report.agent.interval"].invalidate_model()
        return len(intervals)

    @contextmanager
    def _callcenter_fact_settings(self):
        """FACT_SQL_SETTINGS for the statements run inside, the caller's settings after."""
        cr = self.env.cr
        names = list(FACT_SQL_SETTINGS)
        cr.execute(SQL("SELECT %s", SQL(", ").join(SQL("current_setting(%s)", name) for name in names)))
        previous = dict(zip(names, cr.fetchone(), strict=True))
        cr.execute(SQL("SELECT %s", SQL(", ").join(
            SQL("set_config(%s, %s, true)", name, value) for name, value in FACT_SQL_SETTINGS.items())))
        yield
        # not in a finally: after an error the transaction is rolled back, settings included
        cr.execute(SQL("SELECT %s", SQL(", ").join(
            SQL("set_config(%s, %s, true)", name, value) for name, value in previous.items())))

    @api.model
    def _callcenter_rebuild_facts(self, date_from=None, date_to=None):
        """Recompute every interval holding calls, agent states or facts between
        `date_from` and `date_to` (all time by default); returns how many.

        For an install, a restore, or after a queue's thresholds changed and its
        history should follow: day to day the cron keeps the facts right on its own.
        """
        self.env.flush_all()
        date_from = date_from and fields.Datetime.to_datetime(date_from)
        date_to = date_to and fields.Datetime.to_datetime(date_to)
        low = date_from or fields.Datetime.to_datetime("1970-01-01")
        high = date_to or fields.Datetime.to_datetime("9999-01-01")
        self.env.cr.execute(SQL("""
            INSERT INTO callcenter_report_pending_interval (interval_start)
            SELECT DISTINCT bin FROM (
                SELECT %(floor_c)s AS bin FROM callcenter_call c
                 WHERE c.started_at >= %(low)s AND c.started_at < %(high)s
                 UNION ALL
                SELECT b.bin
                  FROM callcenter_agent_state_log l,
                       generate_series(%(floor_l)s,
                                       GREATEST(LEAST(COALESCE(l.date_end, %(now)s), %(high)s),
                                                l.date_start),
                                       %(step)s::interval) AS b(bin)
                 WHERE l.state != 'logged_out' AND l.date_start < %(high)s
                   AND COALESCE(l.date_end, %(now)s) >= %(low)s
                 UNION ALL
                SELECT interval_start FROM callcenter_report_queue_interval
                 WHERE interval_start >= %(low_bin)s AND interval_start < %(high)s
                 UNION ALL
                SELECT interval_start FROM callcenter_report_agent_interval
                 WHERE interval_start >= %(low_bin)s AND interval_start < %(high)s
            ) AS bins
             WHERE bin >= %(low_bin)s AND bin < %(high)s
             ORDER BY 1
            ON CONFLICT (interval_start) DO NOTHING
        """, floor_c=interval_floor_sql(SQL("c.started_at")),
            floor_l=interval_floor_sql(SQL("GREATEST(l.date_start, %s)", low)),
            low=low, high=high, low_bin=interval_floor_sql(SQL("%s::timestamp", low)),
            now=fields.Datetime.now(), step=f"{INTERVAL_MINUTES} minutes"))
        total = 0
        while True:
            count = self._callcenter_refresh_facts(limit=REFRESH_BATCH)
            total += count
            if count < REFRESH_BATCH:
                return total

    @api.model
    def _callcenter_cron_refresh_facts(self):
        """Cron: refresh the pending intervals in batches, each in a transaction of its own.

        Each batch runs READ COMMITTED so that a refresh started while another one
        committed sees its results rather than failing to serialize; a batch
        commits at once, so marks made meanwhile by the connector wait very little.
        """
        if modules.module.current_test:
            return self._callcenter_refresh_facts()
        deadline = time.monotonic() + CRON_TIME_BUDGET
        total = 0
        while time.monotonic() < deadline:
            with self.env.registry.cursor() as cr:
                cr.connection.set_isolation_level(ISOLATION_LEVEL_READ_COMMITTED)
                count = self.with_env(self.env(cr=cr))._callcenter_refresh_facts(limit=REFRESH_BATCH)
            total += count
            if count < REFRESH_BATCH:
                break
        _logger.debug("Refreshed the report facts of %s intervals", total)
        return total
