"""Excel export benchmark: 100,000 call-detail rows and fact reports of many rows.

    python3 tests/bench/bench_reports_xlsx.py [--calls 100000] [--days 30] [--agents 200]
                                              [--queues 20] [--reuse]

Creates (once) a database `callcenter_bench_xlsx` with callcenter_reports and no
demo data: a PBX, queues, agents in teams, a call center manager in Shanghai.
The calls are generated in PostgreSQL (INSERT ... SELECT over generate_series,
with a seeded random()) over `--days` days from 2026-01-05, 08:00-20:00 Shanghai
time; the facts are then rebuilt by the module's own refresh. `--reuse` keeps the database and its
calls as they are (no module update, no new calls) when it has them already.

Each export then runs in a process of its own, as an Odoo worker would: the
registry is loaded, the manager's wizard is created and its Export button
pressed (the file is built and stored as an attachment). Printed per export:
rows, file size, wall time of the export, and the process's RSS before it, its
peak during it (sampled every 20 ms) and ru_maxrss. Targets: 100,000 call rows
in under 30 s, the process under 500 MB.
"""

import argparse
import io
import json
import re
import resource
import subprocess
import sys
import time
import zipfile
from datetime import date, timedelta
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_odoo import PeakRss, open_registry, prepare_database, setup_call_center  # noqa: E402
from odoo_env import find_odoo  # noqa: E402

DB = "callcenter_bench_xlsx"
FIRST_DAY = date(2026, 1, 5)
TZ = "Asia/Shanghai"
BENCH_PBX = "Bench XLSX PBX"
PREFIX = "bench_xlsx"  # of the bench's logins and queue names
MANAGER_LOGIN = f"{PREFIX}_manager"
PARTNERS = 2_000
MB = 1024 * 1024
EXPORTS = [
    # (label, wizard values)
    ("call details", {"report_kind": "calls"}),
    ("agent performance by 15 min", {"report_kind": "agent", "granularity": "interval"}),
    ("queue performance by 15 min", {"report_kind": "queue", "granularity": "interval"}),
]

GENERATE_CALLS = """
INSERT INTO callcenter_call (
    company_id, pbx_id, direction, state, started_at, queue_entered_at, ring_started_at,
    answered_at, ended_at, wrapup_ended_at, agent_id, user_id, queue_id, partner_id,
    caller_number_raw, caller_number, callee_number_raw, callee_number, customer_number,
    wait_duration, ring_duration, hold_duration, talk_duration, wrapup_duration,
    handle_duration, total_duration, transferred, hangup_by, disposition_id, linkedid,
    uniqueid, create_uid, write_uid, create_date, write_date)
SELECT %(company)s, %(pbx)s, c.direction, c.state, c.started_at,
       CASE WHEN c.inbound THEN c.started_at END,
       CASE WHEN c.agent IS NOT NULL THEN c.started_at + make_interval(secs => c.wait) END,
       c.answered_at, c.ended_at,
       CASE WHEN c.answered_at IS NOT NULL
            THEN c.ended_at + make_interval(secs => c.wrapup) END,
       c.agent, CASE WHEN c.agent IS NOT NULL THEN (%(agent_users)s::int[])[c.agent_index] END,
       c.queue, c.partner,
       c.number, c.number, '4001', '4001', c.number,
       CASE WHEN c.inbound THEN c.wait ELSE 0 END,
       CASE WHEN c.answered_at IS NOT NULL THEN 5 ELSE 0 END,
       c.hold, c.talk, c.wrapup, c.talk + c.hold + c.wrapup,
       EXTRACT(EPOCH FROM c.ended_at - c.started_at)::int,
       c.answered_at IS NOT NULL AND c.g %% 23 = 0,
       CASE WHEN c.g %% 2 = 0 THEN 'customer' ELSE 'agent' END,
       CASE WHEN c.answered_at IS NOT NULL
            THEN (%(dispositions)s::int[])[(1 + c.g %% %(disposition_count)s)::int] END,
       'xlsx-' || c.g, 'xlsx-' || c.g, 1, 1, now() at time zone 'UTC', now() at time zone 'UTC'
  FROM (
    SELECT o.*,
           CASE WHEN o.answered THEN o.started_at + make_interval(secs => o.wait + 5) END
               AS answered_at,
           o.started_at + make_interval(secs => o.wait + CASE WHEN o.answered
                                                          THEN 5 + o.talk + o.hold ELSE 0 END)
               AS ended_at,
           CASE WHEN o.answered OR o.state = 'missed'
                THEN (%(agents)s::int[])[o.agent_index] END AS agent
      FROM (
        SELECT s.*,
               CASE WHEN NOT s.inbound
                    THEN (CASE WHEN s.r1 < 0.7 THEN 'completed' ELSE 'missed' END)
                    WHEN s.r1 < 0.82 THEN 'completed'
                    WHEN s.r1 < 0.95 THEN 'abandoned'
                    ELSE 'missed' END AS state,
               s.r1 < CASE WHEN s.inbound THEN 0.82 ELSE 0.7 END AS answered
          FROM (
            SELECT g, g %% 10 != 0 AS inbound,
                   CASE WHEN g %% 10 != 0 THEN 'inbound' ELSE 'outbound' END AS direction,
                   %(first_day)s::timestamp
                       + make_interval(days => floor(random() * %(days)s)::int)
                       + make_interval(secs => floor(random() * 43200)) AS started_at,
                   random() AS r1,
                   floor(random() * 240)::int AS wait,
                   30 + floor(random() * 570)::int AS talk,
                   CASE WHEN random() < 0.15 THEN floor(random() * 90)::int ELSE 0 END AS hold,
                   floor(random() * 60)::int AS wrapup,
                   1 + floor(random() * %(agent_count)s)::int AS agent_index,
                   CASE WHEN g %% 10 != 0
                        THEN (%(queues)s::int[])[1 + floor(random() * %(queue_count)s)::int] END
                       AS queue,
                   CASE WHEN random() < 0.2
                        THEN (%(partners)s::int[])[1 + floor(random() * %(partner_count)s)::int] END
                       AS partner,
                   '+86138' || lpad(floor(random() * 60000)::text, 8, '0') AS number
              FROM generate_series(1::bigint, %(calls)s::bigint) AS g
          ) AS s
      ) AS o
  ) AS c
"""


# ------------------------------------------------------------
# SETUP (parent process)
# ------------------------------------------------------------

def setup_call_center_with_partners(env, agent_count, queue_count):
    """The call center (bench_odoo.setup_call_center) and, when it is new, the customers
    that a fifth of the calls come from."""
    pbx, new = setup_call_center(env, BENCH_PBX, PREFIX, agent_count, queue_count,
                                 first_extension=2000, tz=TZ)
    if new:
        env["res.partner"].create([{
            "name": "客户 %04d" % index, "mobile": "+86138%08d" % (index * 7),
        } for index in range(PARTNERS)])
    return pbx


def generate_calls(env, pbx, calls, days):
    """Replace the bench calls by `calls` new ones, then rebuild the facts."""
    cr = env.cr
    cr.execute("DELETE FROM callcenter_call WHERE pbx_id = %s", [pbx.id])
    agents = env["callcenter.agent"].search([("pbx_id", "=", pbx.id)], order="id")
    queues = env["callcenter.queue"].search([("pbx_id", "=", pbx.id)], order="id")
    partners = env["res.partner"].search([("name", "=like", "客户 %")], order="id")
    dispositions = env["callcenter.call.disposition"].search([], order="id")
    started = time.monotonic()
    cr.execute("SELECT setseed(0.2026)")  # the same calls every time
    cr.execute(GENERATE_CALLS, {
        "company": env.company.id, "pbx": pbx.id, "calls": calls, "days": days,
        "first_day": FIRST_DAY.isoformat(),  # 00:00 UTC is 08:00 in Shanghai
        "agents": agents.ids, "agent_users": agents.mapped("user_id").ids,
        "agent_count": len(agents), "queues": queues.ids, "queue_count": len(queues),
        "partners": partners.ids, "partner_count": len(partners),
        "dispositions": dispositions.ids or [None], "disposition_count": len(dispositions) or 1,
    })
    inserted = time.monotonic()
    cr.execute("ANALYZE callcenter_call")
    env.invalidate_all()
    intervals = env["callcenter.report.pending.interval"]._callcenter_rebuild_facts()
    rebuilt = time.monotonic()
    print(f"generated {calls:,} calls over {days} days in {inserted - started:.1f} s; "
          f"facts of {intervals:,} intervals rebuilt in {rebuilt - inserted:.1f} s", flush=True)


# ------------------------------------------------------------
# ONE EXPORT (child process)
# ------------------------------------------------------------

def run_export(odoo, values, days):
    odoo_package, registry = open_registry(odoo, DB)
    api = odoo_package.api
    with registry.cursor() as cr:
        env = api.Environment(cr, odoo_package.SUPERUSER_ID, {})
        manager = env["res.users"].search([("login", "=", MANAGER_LOGIN)])
        env = env(user=manager.id, context={"tz": TZ, "lang": "en_US"})
        wizard = env["callcenter.report.export"].create({
            "period": "custom", "date_from": FIRST_DAY,
            "date_to": FIRST_DAY + timedelta(days=days - 1), "tz": TZ, **values})
        cr.commit()
        env.invalidate_all()
        rss_before = psutil.Process().memory_info().rss
        cpu_before = time.process_time()
        with PeakRss() as peak:
            started = time.monotonic()
            action = wizard.action_export()
            cr.commit()
            wall = time.monotonic() - started
        attachment = env["ir.attachment"].browse(
            int(action["url"].split("/web/content/")[1].split("?")[0]))
        result = {
            "wall": wall, "cpu": time.process_time() - cpu_before, "rss_before": rss_before,
            "peak": peak.peak, "maxrss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
            "size": attachment.file_size, "name": attachment.name,
            "rows": data_rows(attachment.raw),
        }
    print("RESULT " + json.dumps(result), flush=True)


def data_rows(content):
    """Data rows of the report sheet, read from its autofilter range (header to last row)."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml")
    first, last = re.search(rb'<autoFilter ref="[A-Z]+(\d+):[A-Z]+(\d+)"', xml).groups()
    return int(last) - int(first)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=100_000)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--agents", type=int, default=200)
    parser.add_argument("--queues", type=int, default=20)
    parser.add_argument("--reuse", action="store_true",
                        help="keep the database and its calls when it has some")
    parser.add_argument("--export", type=int, help=argparse.SUPPRESS)  # child: EXPORTS index
    args = parser.parse_args()

    odoo = find_odoo()
    if args.export is not None:
        return run_export(odoo, EXPORTS[args.export][1], args.days)

    prepare_database(odoo, DB, "callcenter_reports", reuse=args.reuse)
    odoo_package, registry = open_registry(odoo, DB)
    with registry.cursor() as cr:
        env = odoo_package.api.Environment(cr, odoo_package.SUPERUSER_ID,
                                           {"tracking_disable": True, "mail_create_nolog": True})
        pbx = setup_call_center_with_partners(env, args.agents, args.queues)
        have = env["callcenter.call"].search_count([("pbx_id", "=", pbx.id)])
        if not (args.reuse and have):
            generate_calls(env, pbx, args.calls, args.days)
        else:
            print(f"reusing {have:,} calls of {DB}", flush=True)
        cr.commit()
    for index, (label, _values) in enumerate(EXPORTS):
        child = subprocess.run(
            [sys.executable, __file__, "--export", str(index), "--days", str(args.days)],
            capture_output=True, text=True, cwd=ROOT)
        lines = [line for line in child.stdout.splitlines() if line.startswith("RESULT ")]
        if child.returncode or not lines:
            print(f"{label}: failed\n{child.stdout[-2000:]}{child.stderr[-4000:]}", flush=True)
            continue
        result = json.loads(lines[-1][len("RESULT "):])
        print(f"{label}: {result['rows']:,} rows, {result['size'] / MB:.1f} MB; export "
              f"{result['wall']:.1f} s wall, {result['cpu']:.1f} s CPU in Odoo; RSS "
              f"{result['rss_before'] / MB:.0f} MB before, peak {result['peak'] / MB:.0f} MB "
              f"(ru_maxrss {result['maxrss'] / MB:.0f} MB)", flush=True)


if __name__ == "__main__":
    main()
