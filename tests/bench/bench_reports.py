"""Report facts benchmark: a year of calls, the month pivot, one day of new calls.

    python3 tests/bench/bench_reports.py [--calls 200000] [--days 365] [--agents 200]
                                         [--queues 10] [--state-agents 20]
                                         [--day-calls 50000] [--orm-calls 2000] [--reuse]

The full run of issue #7 is `--calls 5000000 --state-agents 50`; the default is a quick check.

Creates (once) a database `callcenter_bench_reports` with callcenter_reports and no
demo data: a PBX, `--queues` queues of different thresholds and service-level
formulas, `--agents` agents in teams of 20 (each queue served by its own share
of them), a call center manager in Shanghai. The calls are generated in
PostgreSQL (INSERT ... SELECT over generate_series) over `--days` days ending
2026-10-31: 08:00-20:00 Shanghai time with a morning and an afternoon peak, 90%
inbound, of which about 85% answered, 11% abandoned (a quarter of them short
abandons) and 4% missed, 5% of the answered transferred, about 12% from a number
that called a few hours before. The first `--state-agents` agents have a state
log for every day (available, on call, wrap-up in half-hour blocks, a paused
lunch). `--reuse` keeps the database and its calls and facts when it has them.

Timed and printed as a table:
- full rebuild of the facts of every interval (`_callcenter_rebuild_facts()`);
- the month pivot as the pivot view asks for it, as the manager: read_group with
  lazy=False of offered, service level, ASA, AHT, abandon rate (their view
  aggregators) for the total, by queue, by day and by queue x day over one month in
  Shanghai time; cold (first reads of a new registry and connection) and warm
  (best of 5); PostgreSQL's buffers are warm either way (the machine is shared);
- one day of `--day-calls` new calls and the states of that day: their intervals
  marked as the ORM hooks do it (one statement), then refreshed;
- `--orm-calls` calls created through the ORM (marking included) and refreshed,
  for the cost per call of the hooks.
Targets: pivot under 1 s, the day's refresh under 10 s.
"""

import argparse
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_odoo import open_registry, prepare_database, setup_call_center  # noqa: E402
from odoo_env import find_odoo  # noqa: E402

DB = "callcenter_bench_reports"
LAST_DAY = datetime(2026, 10, 31)
NEW_DAY = datetime(2026, 11, 1)
PIVOT_MONTH = (datetime(2026, 6, 1), datetime(2026, 7, 1))  # Shanghai dates
TZ = "Asia/Shanghai"
TZ_OFFSET = timedelta(hours=8)
BENCH_PBX = "Bench Reports PBX"
PREFIX = "bench_reports"  # of the bench's logins and queue names
MANAGER_LOGIN = f"{PREFIX}_manager"
CHUNK = 500_000
# Calls per hour of the Shanghai day (08:00-19:00): the morning and afternoon peaks.
HOUR_WEIGHTS = {8: 3, 9: 8, 10: 10, 11: 9, 12: 5, 13: 6, 14: 9, 15: 10, 16: 8, 17: 6, 18: 3, 19: 2}
PIVOT_MEASURES = ["offered", "answered", "service_level", "asa", "aht", "abandon_rate"]

# One row per call g in [first, last]: the day follows g, so that a number repeated
# from a call a few thousand calls before called a few hours before.
GENERATE_CALLS = """
INSERT INTO callcenter_call (
    company_id, pbx_id, direction, state, started_at, queue_entered_at, ring_started_at,
    answered_at, ended_at, wrapup_ended_at, agent_id, user_id, queue_id,
    caller_number_raw, caller_number, callee_number_raw, callee_number, customer_number,
    wait_duration, ring_duration, hold_duration, talk_duration, wrapup_duration,
    handle_duration, total_duration, transferred, linkedid, uniqueid,
    create_uid, write_uid, create_date, write_date)
SELECT %(company)s, %(pbx)s, c.direction, c.state, c.started_at,
       CASE WHEN c.inbound THEN c.started_at END,
       CASE WHEN c.agent IS NOT NULL THEN c.started_at + make_interval(secs => GREATEST(c.wait - 5, 0)) END,
       c.answered_at, c.ended_at,
       CASE WHEN c.answered THEN c.ended_at + make_interval(secs => c.wrapup) END,
       c.agent, (%(agent_users)s::int[])[c.agent_index],
       c.queue,
       CASE WHEN c.inbound THEN c.number ELSE '8001' END,
       CASE WHEN c.inbound THEN c.number ELSE '8001' END,
       CASE WHEN c.inbound THEN '4001' ELSE c.number END,
       CASE WHEN c.inbound THEN '4001' ELSE c.number END,
       c.number,
       CASE WHEN c.inbound THEN c.wait ELSE 0 END,
       CASE WHEN c.answered THEN 5 ELSE 0 END,
       c.hold, c.talk, c.wrapup, c.talk + c.hold + c.wrapup,
       EXTRACT(EPOCH FROM c.ended_at - c.started_at)::int,
       c.answered AND c.r2 < 0.05,
       %(prefix)s || c.g, %(prefix)s || c.g, 1, 1, now() at time zone 'UTC', now() at time zone 'UTC'
  FROM (
    SELECT o.*,
           CASE WHEN o.answered THEN o.started_at + make_interval(secs => o.wait) END AS answered_at,
           o.started_at + make_interval(secs => o.wait + CASE WHEN o.answered
                                                          THEN o.talk + o.hold ELSE 0 END) AS ended_at,
           CASE WHEN o.answered OR (o.state = 'missed' AND o.r2 < 0.5)
                THEN (%(agents)s::int[])[o.agent_index] END AS agent
      FROM (
        SELECT s.*,
               CASE WHEN NOT s.inbound THEN (CASE WHEN s.r1 < 0.7 THEN 'completed' ELSE 'missed' END)
                    WHEN s.r1 < 0.85 THEN 'completed'
                    WHEN s.r1 < 0.96 THEN 'abandoned'
                    ELSE 'missed' END AS state,
               s.r1 < CASE WHEN s.inbound THEN 0.85 ELSE 0.7 END AS answered,
               CASE WHEN NOT s.inbound THEN 0
                    WHEN s.r1 < 0.85 THEN ((s.h3 %% 90) ^ 2 / 90)::int    -- answered: 0-89 s, mostly short
                    WHEN s.r1 < 0.8875 THEN (s.h3 %% 5)::int               -- short abandons
                    WHEN s.r1 < 0.96 THEN 5 + (s.h3 %% 235)::int           -- abandons
                    ELSE 300 END AS wait,                                   -- timed out
               CASE WHEN s.inbound THEN (%(queue_agents)s::int[])[s.queue_index] + (s.h4 %% %(per_queue)s)::int
                    ELSE 1 + (s.h4 %% %(agent_count)s)::int END AS agent_index
          FROM (
            SELECT g, h.r1, h.r2, h.h3, h.h4, h.h2 %% 10 != 0 AS inbound,
                   CASE WHEN h.h2 %% 10 != 0 THEN 'inbound' ELSE 'outbound' END AS direction,
                   %(first_day)s::timestamp
                       + make_interval(days => ((g - 1) * %(days)s / %(total)s)::int)
                       + make_interval(hours => (%(hours)s::int[])[1 + (h.h1 %% %(hour_count)s)::int])
                       + make_interval(secs => ((h.h1 / 1000) %% 3600)::int) AS started_at,
                   30 + (h.h3 %% 400)::int AS talk,
                   CASE WHEN h.h4 %% 5 = 0 THEN (h.h4 %% 90)::int ELSE 0 END AS hold,
                   (h.h1 %% 45)::int AS wrapup,
                   1 + (h.h1 %% %(queue_count)s)::int AS queue_index,
                   CASE WHEN h.h2 %% 10 != 0
                        THEN (%(queues)s::int[])[1 + (h.h1 %% %(queue_count)s)::int] END AS queue,
                   '+86 13' || lpad((((hashint8extended(
                       CASE WHEN h.r2 > 0.88 THEN GREATEST(g - 1 - h.h4 %% 3000, 1) ELSE g END,
                       7) & 9223372036854775807) %% 1000000000))::text, 9, '0') AS number
              FROM generate_series(%(first)s::bigint, %(last)s::bigint) AS g,
                   LATERAL (SELECT (hashint8extended(g, 1) & 1048575) / 1048576.0 AS r1,
                                   (hashint8extended(g, 2) & 1048575) / 1048576.0 AS r2,
                                   hashint8extended(g, 3) & 9223372036854775807 AS h1,
                                   hashint8extended(g, 4) & 9223372036854775807 AS h2,
                                   hashint8extended(g, 5) & 9223372036854775807 AS h3,
                                   hashint8extended(g, 6) & 9223372036854775807 AS h4) AS h
          ) AS s
      ) AS o
  ) AS c
"""

# The states of each agent of the subset, each day from %(first_day)s for %(days)s days:
# sixteen half-hour blocks from 08:00 Shanghai time, each available, then on a call, then
# in wrap-up; the ninth block is a paused lunch.
GENERATE_STATES = """
INSERT INTO callcenter_agent_state_log (agent_id, user_id, company_id, state, date_start,
                                        date_end, duration, create_uid, write_uid,
                                        create_date, write_date)
SELECT a.agent, a.user_id, %(company)s, p.state, p.date_start, p.date_end,
       EXTRACT(EPOCH FROM p.date_end - p.date_start)::int, 1, 1,
       now() at time zone 'UTC', now() at time zone 'UTC'
  FROM unnest(%(agents)s::int[], %(agent_users)s::int[]) AS a(agent, user_id),
       generate_series(0, %(days)s - 1) AS d,
       generate_series(0, 15) AS b,
       LATERAL (SELECT %(first_day)s::timestamp + make_interval(days => d, hours => 8, mins => 30 * b)
                       AS start,
                       60 + (hashint8extended(a.agent * 100000 + d * 16 + b, 9) & 1023) %% 600
                       AS idle,
                       300 + (hashint8extended(a.agent * 100000 + d * 16 + b, 10) & 1023) %% 800
                       AS talk) AS x,
       LATERAL (VALUES
           (CASE WHEN b = 8 THEN 'paused' ELSE 'available' END, x.start,
            x.start + make_interval(secs => CASE WHEN b = 8 THEN 1800 ELSE x.idle END)),
           ('on_call', x.start + make_interval(secs => x.idle),
            x.start + make_interval(secs => x.idle + x.talk)),
           ('wrapup', x.start + make_interval(secs => x.idle + x.talk),
            x.start + make_interval(secs => 1800))
       ) AS p(state, date_start, date_end)
 WHERE b != 8 OR p.state = 'paused'
"""


# ------------------------------------------------------------
# SETUP
# ------------------------------------------------------------

def queue_formulas(index):
    """Queue `index`'s thresholds and service-level formula: each in turn over the queues."""
    return {
        "sl_threshold": (20, 30, 60)[index % 3],
        "short_abandon_threshold": (5, 10)[index % 2],
        "sl_variant": ("offered", "answered", "abandon_in_time")[index % 3],
    }


def call_parameters(env, pbx, first_day, days, total):
    agents = env["callcenter.agent"].search([("pbx_id", "=", pbx.id)], order="id")
    queues = env["callcenter.queue"].search([("pbx_id", "=", pbx.id)], order="id")
    per_queue = max(len(agents) // len(queues), 1)
    hours = [hour for hour, weight in HOUR_WEIGHTS.items() for _n in range(weight)]
    return {
        "company": env.company.id, "pbx": pbx.id, "first_day": first_day, "days": days,
        "total": total, "agents": agents.ids, "agent_users": agents.mapped("user_id").ids,
        "agent_count": len(agents), "queues": queues.ids, "queue_count": len(queues),
        "queue_agents": [1 + index * per_queue for index in range(len(queues))],
        "per_queue": per_queue, "hours": hours, "hour_count": len(hours),
    }


def generate(env, pbx, calls, days, state_agents):
    """Replace the bench calls and states by new ones: `calls` over `days` days to LAST_DAY."""
    cr = env.cr
    cr.execute("DELETE FROM callcenter_call WHERE pbx_id = %s", [pbx.id])
    cr.execute("DELETE FROM callcenter_agent_state_log WHERE agent_id IN "
               "(SELECT id FROM callcenter_agent WHERE pbx_id = %s)", [pbx.id])
    cr.execute("TRUNCATE callcenter_report_queue_interval, callcenter_report_agent_interval, "
               "callcenter_report_pending_interval")
    first_day = LAST_DAY - timedelta(days=days - 1) - TZ_OFFSET
    params = call_parameters(env, pbx, first_day, days, calls)
    started = time.monotonic()
    for first in range(1, calls + 1, CHUNK):
        cr.execute(GENERATE_CALLS, {**params, "prefix": "rep-", "first": first,
                                    "last": min(first + CHUNK - 1, calls)})
        print(f"  {min(first + CHUNK - 1, calls):,} calls", flush=True)
    agents = env["callcenter.agent"].search([("pbx_id", "=", pbx.id)], order="id", limit=state_agents)
    cr.execute(GENERATE_STATES, {"company": env.company.id, "agents": agents.ids,
                                 "agent_users": agents.mapped("user_id").ids, "days": days,
                                 "first_day": first_day})
    cr.execute("SELECT count(*) FROM callcenter_agent_state_log")
    states = cr.fetchone()[0]
    cr.execute("ANALYZE callcenter_call")
    cr.execute("ANALYZE callcenter_agent_state_log")
    env.invalidate_all()
    return time.monotonic() - started, states


# ------------------------------------------------------------
# MEASURES
# ------------------------------------------------------------

def time_rebuild(env):
    started = time.monotonic()
    intervals = env["callcenter.report.pending.interval"]._callcenter_rebuild_facts()
    env.cr.commit()
    seconds = time.monotonic() - started
    # as autovacuum would soon after such a load (not timed)
    env.cr.execute("ANALYZE callcenter_report_queue_interval")
    env.cr.execute("ANALYZE callcenter_report_agent_interval")
    env.cr.commit()
    return seconds, intervals


def pivot_reads(env):
    """The read_group calls of the pivot view (rows: queue, columns: day) for the month."""
    manager = env["res.users"].search([("login", "=", MANAGER_LOGIN)])
    Facts = env["callcenter.report.queue.interval"].with_user(manager).with_context(
        tz=TZ, lang="en_US")
    month_from, month_to = (day - TZ_OFFSET for day in PIVOT_MONTH)
    domain = [("interval_start", ">=", month_from.strftime("%Y-%m-%d %H:%M:%S")),
              ("interval_start", "<", month_to.strftime("%Y-%m-%d %H:%M:%S"))]
    measures = [f"{name}:{Facts._fields[name].aggregator}" for name in PIVOT_MEASURES]
    started = time.monotonic()
    results = [Facts.read_group(domain, measures, groupby, lazy=False)
               for groupby in ([], ["queue_id"], ["interval_start:day"],
                               ["queue_id", "interval_start:day"])]
    return time.monotonic() - started, results


def time_day_refresh(env, pbx, day_calls, state_agents):
    """NEW_DAY's calls and states inserted, then marked as the ORM hooks mark, then refreshed."""
    cr = env.cr
    first_day = NEW_DAY - TZ_OFFSET
    cr.execute("DELETE FROM callcenter_call WHERE pbx_id = %s AND started_at >= %s",
               [pbx.id, first_day])
    cr.execute("DELETE FROM callcenter_agent_state_log WHERE date_start >= %s", [first_day])
    params = call_parameters(env, pbx, first_day, 1, day_calls)
    cr.execute(GENERATE_CALLS, {**params, "prefix": "day-", "first": 1, "last": day_calls})
    agents = env["callcenter.agent"].search([("pbx_id", "=", pbx.id)], order="id", limit=state_agents)
    cr.execute(GENERATE_STATES, {"company": env.company.id, "agents": agents.ids,
                                 "agent_users": agents.mapped("user_id").ids, "days": 1,
                                 "first_day": first_day})
    cr.execute("""SELECT started_at, customer_number, direction FROM callcenter_call
                   WHERE pbx_id = %s AND started_at >= %s""", [pbx.id, first_day])
    calls = cr.fetchall()
    cr.execute("SELECT date_start, date_end FROM callcenter_agent_state_log WHERE date_start >= %s",
               [first_day])
    spans = cr.fetchall()
    cr.commit()
    Pending = env["callcenter.report.pending.interval"]
    started = time.monotonic()
    Pending._callcenter_defer_marks(
        times=[start for start, _number, _direction in calls],
        spans=spans,
        numbers=[(number, start) for start, number, direction in calls if direction == "inbound"])
    Pending._callcenter_flush_marks()
    cr.commit()
    marked = time.monotonic()
    cr.execute("SELECT count(*) FROM callcenter_report_pending_interval")
    pending = cr.fetchone()[0]
    intervals = Pending._callcenter_refresh_facts()
    cr.commit()
    refreshed = time.monotonic()
    return len(calls), len(spans), pending, marked - started, refreshed - marked, intervals


def time_orm_calls(env, pbx, count):
    """`count` calls created by the ORM, as the connector's ingestion does, then refreshed."""
    agents = env["callcenter.agent"].search([("pbx_id", "=", pbx.id)], order="id", limit=20)
    queue = env["callcenter.queue"].search([("pbx_id", "=", pbx.id)], order="id", limit=1)
    start = NEW_DAY - TZ_OFFSET + timedelta(hours=3)
    values = [{
        "pbx_id": pbx.id, "direction": "inbound", "state": "completed", "queue_id": queue.id,
        "agent_id": agents[index % len(agents)].id, "caller_number_raw": f"1390000{index:04d}",
        "callee_number_raw": "4001", "started_at": start + timedelta(seconds=index * 7),
        "queue_entered_at": start + timedelta(seconds=index * 7),
        "answered_at": start + timedelta(seconds=index * 7 + 12),
        "ended_at": start + timedelta(seconds=index * 7 + 200),
        "linkedid": f"orm-{index}",
    } for index in range(count)]
    Call = env["callcenter.call"].with_context(callcenter_ingest=True, tracking_disable=True)
    started = time.monotonic()
    Call.create(values)
    env.flush_all()
    created = time.monotonic()
    env.cr.flush()  # runs the precommit marks, as the commit would
    marked = time.monotonic()
    env["callcenter.report.pending.interval"]._callcenter_refresh_facts()
    refreshed = time.monotonic()
    env.cr.rollback()
    return created - started, marked - created, refreshed - marked


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=200_000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--agents", type=int, default=200)
    parser.add_argument("--queues", type=int, default=10)
    parser.add_argument("--state-agents", type=int, default=20)
    parser.add_argument("--day-calls", type=int, default=50_000)
    parser.add_argument("--orm-calls", type=int, default=2_000)
    parser.add_argument("--reuse", action="store_true",
                        help="keep the database, its calls and facts when it has calls")
    parser.add_argument("--rebuild", action="store_true",
                        help="with --reuse, time the full rebuild of the facts all the same")
    parser.add_argument("--pivot-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()

    odoo = find_odoo()
    if args.pivot_only:  # child process: the cold pivot in a new registry and connection
        odoo_package, registry = open_registry(odoo, DB)
        with registry.cursor() as cr:
            env = odoo_package.api.Environment(cr, odoo_package.SUPERUSER_ID, {})
            seconds, _results = pivot_reads(env)
        print(f"RESULT {seconds:.4f}", flush=True)
        return

    prepare_database(odoo, DB, "callcenter_reports", reuse=args.reuse)
    odoo_package, registry = open_registry(odoo, DB)
    rows = []
    with registry.cursor() as cr:
        env = odoo_package.api.Environment(cr, odoo_package.SUPERUSER_ID,
                                           {"tracking_disable": True, "mail_create_nolog": True})
        pbx, _new = setup_call_center(env, BENCH_PBX, PREFIX, args.agents, args.queues,
                                      first_extension=3000, tz=TZ, queue_values=queue_formulas)
        cr.commit()
        cr.execute("SELECT count(*) FROM callcenter_call WHERE pbx_id = %s AND started_at < %s",
                   [pbx.id, NEW_DAY - TZ_OFFSET])
        have = cr.fetchone()[0]
        if args.reuse and have:
            print(f"reusing {have:,} calls of {DB}", flush=True)
            calls = have
            if args.rebuild:
                seconds, intervals = time_rebuild(env)
                rows.append((f"full rebuild of the facts ({intervals:,} intervals)", seconds, ""))
        else:
            print(f"generating {args.calls:,} calls over {args.days} days", flush=True)
            seconds, states = generate(env, pbx, args.calls, args.days, args.state_agents)
            cr.commit()
            calls = args.calls
            rows.append((f"generate {calls:,} calls, {states:,} states (SQL)", seconds, ""))
            seconds, intervals = time_rebuild(env)
            rows.append((f"full rebuild of the facts ({intervals:,} intervals)", seconds, ""))
        cr.execute("SELECT count(*) FROM callcenter_report_queue_interval")
        queue_rows = cr.fetchone()[0]
        cr.execute("SELECT count(*) FROM callcenter_report_agent_interval")
        agent_rows = cr.fetchone()[0]
        print(f"{calls:,} calls; {queue_rows:,} queue and {agent_rows:,} agent fact rows", flush=True)

    child = subprocess.run([sys.executable, __file__, "--pivot-only"],
                           capture_output=True, text=True, cwd=ROOT)
    lines = [line for line in child.stdout.splitlines() if line.startswith("RESULT ")]
    if child.returncode or not lines:
        print(f"cold pivot failed\n{child.stdout[-2000:]}{child.stderr[-4000:]}", flush=True)
    else:
        rows.append(("month pivot, queue x day, cold (4 read_group)", float(lines[-1].split()[1]),
                     "< 1 s"))
    with registry.cursor() as cr:
        env = odoo_package.api.Environment(cr, odoo_package.SUPERUSER_ID, {})
        timings = []
        for _run in range(5):
            seconds, results = pivot_reads(env)
            timings.append(seconds)
            env.invalidate_all()
        total, by_queue, by_day, cells = results
        rows.append((f"month pivot, queue x day, warm (best of 5; {len(by_queue)} queues, "
                     f"{len(by_day)} days, {len(cells)} cells)", min(timings), "< 1 s"))
        month = total[0]
        print("month: offered {offered:,}, SL {service_level} %, ASA {asa} s, AHT {aht} s, "
              "abandons {abandon_rate} %".format(**month), flush=True)

        day_calls, day_states, pending, mark_s, refresh_s, intervals = time_day_refresh(
            env, pbx, args.day_calls, args.state_agents)
        rows.append((f"mark one day: {day_calls:,} calls, {day_states:,} states "
                     f"({pending} intervals)", mark_s, ""))
        rows.append((f"refresh that day ({intervals} intervals)", refresh_s, ""))
        rows.append(("mark + refresh, one day", mark_s + refresh_s, "< 10 s"))
        if args.orm_calls:
            create_s, mark_s, refresh_s = time_orm_calls(env, pbx, args.orm_calls)
            rows.append((f"ORM create of {args.orm_calls:,} calls (hooks included)", create_s, ""))
            rows.append(("  their marks at commit (one statement)", mark_s, ""))
            rows.append(("  their refresh", refresh_s, ""))

    width = max(len(label) for label, _s, _t in rows)
    print()
    print(f"{'step'.ljust(width)}  {'seconds':>9}  target")
    print(f"{'-' * width}  {'-' * 9}  ------")
    for label, seconds, target in rows:
        print(f"{label.ljust(width)}  {seconds:9.3f}  {target}")


if __name__ == "__main__":
    main()
