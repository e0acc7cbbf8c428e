"""Next-case pick at scale: 20 interviewers picking at once from a million cases.

    python3 tests/bench/bench_cati_pick.py [--cases 1000000] [--pickers 20] [--picks 100]

Creates (once) a database `callcenter_cati_bench` with callcenter_cati (updated
at each run), a running campaign with calling windows and 20 interviewers, and
--cases cases spread over
six time zones (one of them outside its window at the bench's clock), with
mixed priorities, retry times in the past and future, and 1% due appointments.
With --callable-only, the due appointments are cases to call again instead, so
that every pick goes through the calling windows and time zones.
Then --pickers processes (as Odoo's prefork workers are), each with its own
database connection, pick --picks cases each, one transaction per pick
(`_cati_pick` + commit), as the console does, in two runs:

- at once: --picks rounds in which all pickers pick at the same moment (a
  barrier), as interviewers pressing "Next" together; the round ends when the
  last one has its case;
- back to back: each picker picks again as soon as it has its case, so that
  all are always picking (Little's law: the latency is then about
  pickers x CPU per pick / cores), a load far above what interviewers make.

Prints for each the latency distribution, the CPU per pick of the pickers and
of their PostgreSQL backends, the queries sent per pick (a cursor wrapper
counts them, failed ones included), and checks that no case was handed out
twice.
"""

import argparse
import multiprocessing
import statistics
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_odoo import open_registry, prepare_database  # noqa: E402
from odoo_env import find_odoo  # noqa: E402

DB = "callcenter_cati_bench"
CLOCK = datetime(2026, 11, 23, 2, 0, 0)  # Monday 10:00 in Shanghai, 21:00 Sunday in New York
ZONES = ["Asia/Shanghai"] * 14 + ["Asia/Urumqi", "Asia/Hong_Kong", "America/New_York",
                                  "Europe/Berlin", "Asia/Tokyo", "Asia/Singapore"]


def seeded_state(n, callable_only=False):
    """The state the seed gives case number `n` (an SQL expression); due appointments
    are cases to call again when `callable_only`."""
    return f"""CASE WHEN mod({n}, 100) = 0 THEN '{"retry" if callable_only else "appointment"}'
                    WHEN mod({n}, 3) = 0 THEN 'retry'
                    WHEN mod({n}, 10) = 1 THEN 'done' ELSE 'new' END"""


def seed(odoo_pkg, registry, cases, callable_only=False):
    """The campaign and its cases, written with one INSERT ... SELECT: the import is
    measured by bench_cati_import.py, this bench measures picking. A database seeded
    before gets its cases back in their seeded states (the picks of the previous run
    undone), and is vacuumed, so that every run starts from the same state."""
    from odoo import SUPERUSER_ID, api
    from odoo.tools import SQL
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
        campaign = env["callcenter.cati.campaign"].search([("name", "=", "Bench pick")], limit=1)
        if campaign and campaign.case_count == cases:
            state = seeded_state("substr(reference, 2)::int", callable_only)
            cr.execute(SQL(f"UPDATE callcenter_cati_case SET state = {state}, "
                           "locked_agent_id = NULL, locked_at = NULL "
                           f"WHERE campaign_id = %s AND state != {state}", campaign.id))
            cr.commit()
            subprocess.run(["psql", "-h", "127.0.0.1", "-d", DB, "-qc",
                            "VACUUM ANALYZE callcenter_cati_case"], check=True)
            return campaign.id, campaign.agent_ids.ids
        campaign.unlink()
        pbx = env["callcenter.pbx"].search([], limit=1) or env["callcenter.pbx"].create(
            {"name": "Bench PBX", "default_region": "CN"})
        group = env.ref("callcenter_base.group_callcenter_agent")
        agents = env["callcenter.agent"]
        for index in range(20):
            login = f"interviewer_{index}"
            user = env["res.users"].search([("login", "=", login)]) or env["res.users"].create(
                {"name": f"Interviewer {index}", "login": login, "groups_id": [(6, 0, group.ids)]})
            agents |= agents.search([("user_id", "=", user.id)], limit=1) or agents.create(
                {"user_id": user.id, "pbx_id": pbx.id, "extension": str(2000 + index),
                 "interface": f"PJSIP/{2000 + index}"})
        campaign = env["callcenter.cati.campaign"].create({
            "name": "Bench pick",
            "agent_ids": [(6, 0, agents.ids)],
            "tz": "Asia/Shanghai",
            "window_ids": [(0, 0, {"weekday": str(day), "hour_from": 9, "hour_to": 21})
                           for day in range(7)],
        })
        print(f"seeding {cases:,} cases ...", flush=True)
        started = time.perf_counter()
        cr.execute(SQL(f"""
            INSERT INTO callcenter_cati_case
                (campaign_id, company_id, name, reference, data, state, priority, rank, quota_boost,
                 next_call, tz, call_count, create_uid, create_date, write_uid, write_date)
            SELECT %(campaign)s, %(company)s, 'Respondent ' || n, 'S' || n,
                   jsonb_build_object('region', CASE WHEN mod(n, 2) = 0 THEN 'north' ELSE 'south' END),
                   {seeded_state("n", callable_only)},
                   mod(n::bigint * 7919, 101)::int, mod(n::bigint * 7919, 101)::int, 0,
                   CASE WHEN mod(n, 100) = 0 THEN %(clock)s - interval '1 minute' * (mod(n, 50))
                        WHEN mod(n, 3) = 0 THEN %(clock)s + interval '1 minute' * ((mod(n, 240)) - 120)
                        ELSE '2000-01-01' END,
                   (%(zones)s::varchar[])[1 + mod(n, %(nzones)s)],
                   CASE WHEN mod(n, 3) = 0 THEN 1 + mod(n, 5) ELSE 0 END,
                   1, now(), 1, now()
              FROM generate_series(1, %(cases)s) AS n
        """, campaign=campaign.id, company=campaign.company_id.id, clock=CLOCK, zones=ZONES,
            nzones=len(ZONES), cases=cases))
        cr.execute("ANALYZE callcenter_cati_case")
        print(f"seeded in {time.perf_counter() - started:.1f} s", flush=True)
        return campaign.id, agents.ids


def picker(index, campaign_id, agent_id, picks, barrier, results, at_once):
    import odoo
    from odoo import SUPERUSER_ID, api, sql_db
    registry = odoo.modules.registry.Registry(DB)
    queries = [0]
    execute = sql_db.Cursor.execute

    def counted(cursor, *args, **kwargs):
        queries[0] += 1
        return execute(cursor, *args, **kwargs)

    sql_db.Cursor.execute = counted
    timings, ids = [], []
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        campaign = env["callcenter.cati.campaign"].browse(campaign_id)
        agent = env["callcenter.agent"].browse(agent_id)
        Case = env["callcenter.cati.case"]
        cr.execute("SELECT pg_backend_pid()")
        backend = psutil.Process(cr.fetchone()[0])
        cr.commit()
        barrier.wait()
        python_cpu, backend_cpu = time.process_time(), sum(backend.cpu_times()[:2])
        statements = queries[0]
        for _i in range(picks):
            if at_once:
                barrier.wait()
            started = time.perf_counter()
            case = Case._cati_pick(campaign, agent, now=CLOCK)
            cr.commit()
            timings.append((time.perf_counter() - started) * 1000)
            ids.extend(case.ids)
            env.invalidate_all()
        costs = (time.process_time() - python_cpu, sum(backend.cpu_times()[:2]) - backend_cpu,
                 queries[0] - statements)
    results.put((index, timings, ids, costs))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--pickers", type=int, default=20)
    parser.add_argument("--picks", type=int, default=100)
    parser.add_argument("--callable-only", action="store_true",
                        help="no due appointments: every pick walks the callable cases of the "
                        "time zones in their calling window")
    args = parser.parse_args()
    odoo = find_odoo()
    # the database with callcenter_cati, updated to this checkout's version of it
    prepare_database(odoo, DB, "callcenter_cati")
    odoo_pkg, registry = open_registry(odoo, DB)
    campaign_id, agent_ids = seed(odoo_pkg, registry, args.cases, args.callable_only)
    odoo_pkg.sql_db.close_all()
    seen = set()
    for at_once in (True, False):
        run(args, campaign_id, agent_ids, at_once, seen)


def run(args, campaign_id, agent_ids, at_once, seen):
    """One run of the pickers, reported; `seen` gathers the cases of all runs."""
    context = multiprocessing.get_context("fork")
    barrier, results = context.Barrier(args.pickers), context.Queue()
    workers = [context.Process(target=picker, args=(index, campaign_id, agent_ids[index % len(agent_ids)],
                                                     args.picks, barrier, results, at_once))
               for index in range(args.pickers)]
    started = time.perf_counter()
    for worker in workers:
        worker.start()
    collected = [results.get() for _worker in workers]
    elapsed = time.perf_counter() - started
    for worker in workers:
        worker.join()
    timings = sorted(t for _index, series, _ids, _costs in collected for t in series)
    ids = [case_id for _index, _series, picked, _costs in collected for case_id in picked]
    python_cpu, backend_cpu, statements = (sum(costs[i] for *_rest, costs in collected)
                                           for i in range(3))
    quantiles = statistics.quantiles(timings, n=100)
    how = "at once, in rounds" if at_once else "back to back"
    print(f"next-case pick: {args.cases:,} cases, {args.pickers} pickers {how}, "
          f"{len(timings):,} picks in {elapsed:.1f} s")
    print(f"  latency ms: p50 {quantiles[49]:.1f}  p95 {quantiles[94]:.1f}  p99 {quantiles[98]:.1f}  "
          f"max {timings[-1]:.1f}  (target p95 < 20 ms)")
    print(f"  CPU per pick: pickers {python_cpu / len(timings) * 1000:.2f} ms, their PostgreSQL "
          f"backends {backend_cpu / len(timings) * 1000:.2f} ms; {statements / len(timings):.2f} "
          f"queries per pick besides the commit; machine load {psutil.getloadavg()[0]:.1f} "
          f"on {psutil.cpu_count()} CPUs")
    twice = len(ids) - len(set(ids)) + len(seen & set(ids))
    seen.update(ids)
    print(f"  cases handed out: {len(ids):,}, twice: {twice}")


if __name__ == "__main__":
    main()
