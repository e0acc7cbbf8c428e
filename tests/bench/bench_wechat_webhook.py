"""WeChat webhook under load: signed text messages at a fixed rate, open loop.

    python3 tests/bench/bench_wechat_webhook.py [--rate 200] [--duration 30]
                                 [--modes workers,threaded] [--http-workers 2]
                                 [--no-cron] [--fresh]

Creates (once, updated to the code at hand on later runs; --fresh drops it first) a
database `callcenter_wechat_bench` with callcenter_wechat and a plain-mode Official
Account, then for each mode starts a real Odoo HTTP server on it (`workers`:
`--workers=2`, two prefork HTTP workers and a cron worker; `threaded`: `--workers=0`
with a cron thread and ODOO_MAX_HTTP_THREADS=16) and, after a warm-up, fires --rate
signed text messages per second for --duration seconds from 500 followers. Requests
leave at their scheduled time whatever the answers (open loop: a slow server cannot
slow the load down), each on a connection of its own as WeChat's do, from one
asyncio loop; latency is counted from the scheduled time, so time spent queueing in
front of a busy server counts, and a request unanswered after 10 s is an error.
Prints answers per second, the latency distribution, errors, the messages stored
against those sent, and the CPU used by Odoo and by PostgreSQL; the processing cron
runs meanwhile as in production (conversations, routing), unless --no-cron.
Target: p99 under 100 ms at 200 requests/s.

The server is started with --database and no --db-filter: with a filter, Odoo lists
the databases on a new connection to `postgres` for every request without a session
cookie, which is every WeChat request. Beyond its capacity a prefork Odoo without a
proxy in front degrades sharply: its listen backlog is 8 connections per worker and
a worker waits 2 s on a connection whose request has not arrived yet; production
puts nginx in front, which queues complete requests instead.
"""

import argparse
import asyncio
import hashlib
import http.client
import os
import statistics
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_odoo import database_exists, prepare_database, psql  # noqa: E402
from odoo_env import ODOO_CONF, ensure_postgres, find_odoo, free_port  # noqa: E402

DB = "callcenter_wechat_bench"
TOKEN = "benchtoken"
APP_ID = "wxbench0000000001"
FOLLOWERS = 500
TARGET_P99_MS = 100
REQUEST_TIMEOUT = 10
HTTP_THREADS = 16
"""Threaded mode: at most this many requests at once (ODOO_MAX_HTTP_THREADS), so that
the database connection pool (64) is never exhausted: each request holds up to three."""


def install(odoo, fresh):
    """Install callcenter_wechat on the bench database, or update it to the code at hand."""
    if fresh and database_exists(DB):
        subprocess.run(["dropdb", "-h", "127.0.0.1", DB], check=True)
    prepare_database(odoo, DB, "callcenter_wechat", options=[f"--http-port={free_port()}"])


def seed_account():
    """The bench's plain-mode account (token known to the client), with no auto-reply
    and no calendar: every message is answered "success" and goes to a conversation."""
    account_id = psql(f"SELECT id FROM callcenter_wechat_account WHERE app_id = '{APP_ID}'", DB)
    if not account_id:
        account_id = psql(
            "INSERT INTO callcenter_wechat_account (name, active, company_id, app_id, app_secret, "
            "token, message_mode, api_base_url, create_uid, create_date, write_uid, write_date) "
            f"VALUES ('Bench', true, 1, '{APP_ID}', 'secret', '{TOKEN}', 'plain', "
            "'http://127.0.0.1:9/cgi-bin/', 1, now(), 1, now()) RETURNING id", DB)
        account_id = account_id.splitlines()[0]
    return int(account_id)


LAUNCHER = """\
import sys
import time

if sys.argv[1:2] == ["gevent"]:
    # The websocket worker a prefork server keeps alive: the webhook does not use it.
    while True:
        time.sleep(3600)
sys.path.insert(0, %r)
import odoo
odoo.cli.main()
"""


def server_command(odoo):
    """Odoo's command line, from a launcher file rather than `python -c`.

    A prefork server starts its websocket worker as `python <argv[0]> gevent` and
    starts it again whenever it exits: with `-c` it fails at once, and where gevent
    cannot start (zope.interface missing) it fails after importing Odoo; either
    way its restarts would use the CPU being measured. The launcher answers
    `gevent` with an idle process instead.
    """
    launcher = Path("/tmp/bench_wechat_webhook_odoo.py")
    launcher.write_text(LAUNCHER % str(odoo.package_dir.parent))
    return [odoo.python, str(launcher)]


def start_odoo(odoo, port, mode, log_path, cron, http_workers):
    workers = [f"--workers={http_workers}"] if mode == "workers" else ["--workers=0"]
    workers.append(f"--max-cron-threads={1 if cron else 0}")
    log = open(log_path, "w")  # noqa: SIM115 - closed with the server
    proc = subprocess.Popen(
        [*server_command(odoo), f"--config={ODOO_CONF}", f"--addons-path={odoo.addons_path()}",
         # --database without --db-filter: Odoo then serves that database without
         # listing the server's databases, which it would do (on a new connection
         # to `postgres`) for every request that comes without a session, as WeChat's do.
         f"--database={DB}", f"--http-port={port}",
         f"--gevent-port={free_port()}", "--http-interface=127.0.0.1", "--log-level=warn",
         "--limit-time-real=600", *workers],
        cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        env={**os.environ, "ODOO_MAX_HTTP_THREADS": str(HTTP_THREADS)},
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/web/health")
            if connection.getresponse().status == 200:
                return proc, log
        except OSError:
            pass
        if proc.poll() is not None:
            raise RuntimeError(f"Odoo exited with {proc.returncode}, see {log_path}")
        time.sleep(0.5)
    raise RuntimeError(f"Odoo did not answer on port {port} within 2 minutes, see {log_path}")


def stop_odoo(proc, log):
    os.killpg(proc.pid, 15)
    try:
        proc.wait(30)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, 9)
        proc.wait()
    log.close()


class Load:
    """Open-loop load on one asyncio loop: request i leaves at start + i / rate on a
    connection of its own, whatever happened to the earlier ones. (A thread per
    request would spend the cores the server needs on this busy machine.)"""

    def __init__(self, port, account_id, run_tag):
        self.port, self.account_id, self.run_tag = port, account_id, run_tag
        self.results = []  # (latency ms, 200 or what went wrong)

    def request_bytes(self, index):
        timestamp, nonce = str(int(time.time())), str(index)
        signature = hashlib.sha1("".join(sorted([TOKEN, timestamp, nonce])).encode()).hexdigest()
        query = urllib.parse.urlencode({"signature": signature, "timestamp": timestamp,
                                        "nonce": nonce, "openid": f"obench{index % FOLLOWERS:04d}"})
        body = (
            f"<xml><ToUserName><![CDATA[gh_bench]]></ToUserName>"
            f"<FromUserName><![CDATA[obench{index % FOLLOWERS:04d}]]></FromUserName>"
            f"<CreateTime>{timestamp}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
            f"<Content><![CDATA[bench message {index}]]></Content>"
            f"<MsgId>{self.run_tag}{index:06d}</MsgId></xml>"
        ).encode()
        head = (f"POST /callcenter/wechat/{self.account_id}?{query} HTTP/1.1\r\n"
                f"Host: 127.0.0.1:{self.port}\r\nContent-Type: text/xml\r\n"
                f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n")
        return head.encode() + body

    async def fire(self, index, scheduled):
        try:
            reader, writer = await asyncio.wait_for(
                asyncio.open_connection("127.0.0.1", self.port), REQUEST_TIMEOUT)
            writer.write(self.request_bytes(index))
            response = await asyncio.wait_for(reader.read(), REQUEST_TIMEOUT)
            writer.close()
            status = response.split(b" ", 2)[1:2]
            ok = status == [b"200"] and response.endswith(b"\r\n\r\nsuccess")
            outcome = 200 if ok else f"HTTP {status[0].decode() if status else '?'}"
        except (TimeoutError, OSError) as exc:
            outcome = type(exc).__name__
        self.results.append(((time.perf_counter() - scheduled) * 1000, outcome))

    async def _run(self, rate, duration):
        total, tasks = int(rate * duration), set()
        start = time.perf_counter() + 0.2
        for index in range(total):
            scheduled = start + index / rate
            delay = scheduled - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            task = asyncio.create_task(self.fire(index, scheduled))
            tasks.add(task)
            task.add_done_callback(tasks.discard)
        while tasks:
            await asyncio.wait(set(tasks))
        return total

    def run(self, rate, duration):
        return asyncio.run(self._run(rate, duration))


def cpu_seconds(proc):
    """CPU seconds used so far by the Odoo server (all its processes) and by the
    PostgreSQL backends serving the bench database."""
    def total(processes):
        seconds = 0.0
        for process in processes:
            try:
                times = process.cpu_times()
                seconds += times.user + times.system
            except psutil.Error:
                pass
        return seconds

    server = psutil.Process(proc.pid)
    backends = [p for p in psutil.process_iter(["name", "cmdline"])
                if p.info["name"] == "postgres" and DB in " ".join(p.info["cmdline"] or ())]
    return total([server, *server.children(recursive=True)]), total(backends)


def listen_overflows():
    """The kernel's count of connections dropped because a listen queue was full
    (Linux), or None."""
    try:
        lines = [line.split() for line in Path("/proc/net/netstat").read_text().splitlines()
                 if line.startswith("TcpExt:")]
        return int(dict(zip(lines[0], lines[1], strict=True))["ListenOverflows"])
    except (OSError, IndexError, KeyError, ValueError):
        return None


def bench_mode(odoo, mode, account_id, rate, duration, cron, http_workers):
    port = free_port()
    log_path = Path(f"/tmp/bench_wechat_webhook_{mode}.log")
    proc, log = start_odoo(odoo, port, mode, log_path, cron, http_workers)
    try:
        run_tag = int(time.time()) % 100000
        # Every worker loads its routing map and caches on its first requests.
        Load(port, account_id, f"9{run_tag}").run(rate=40, duration=5)
        time.sleep(3)
        before_id = int(psql("SELECT coalesce(max(id), 0) FROM callcenter_wechat_message", DB))
        load = Load(port, account_id, f"1{run_tag}")
        load_before, (odoo_before, pg_before) = os.getloadavg()[0], cpu_seconds(proc)
        overflows_before = listen_overflows()
        started = time.perf_counter()
        sent = load.run(rate, duration)
        elapsed = time.perf_counter() - started
        odoo_after, pg_after = cpu_seconds(proc)
        cpu, pg_cpu = odoo_after - odoo_before, pg_after - pg_before
        load_after = os.getloadavg()[0]
        overflows = listen_overflows()
        overflows = None if overflows is None else overflows - overflows_before
        time.sleep(2)  # requests a client gave up on may still be served
        stored = int(psql("SELECT count(*) FROM callcenter_wechat_message "
                          f"WHERE id > {before_id}", DB))
        waited, processed = 0, 0
        while cron and waited < 60:
            processed = int(psql("SELECT count(*) FROM callcenter_wechat_message "
                                 f"WHERE id > {before_id} AND state <> 'received'", DB))
            if processed >= stored:
                break
            time.sleep(2)
            waited += 2
        stored = int(psql("SELECT count(*) FROM callcenter_wechat_message "
                          f"WHERE id > {before_id}", DB))
        conversations = psql("SELECT count(DISTINCT conversation_id) FROM callcenter_wechat_message "
                             f"WHERE id > {before_id}", DB)
    finally:
        stop_odoo(proc, log)
    errors_logged = sum(1 for line in log_path.read_text().splitlines() if " ERROR " in line)
    latencies = sorted(latency for latency, _outcome in load.results)
    ok = sum(1 for _latency, outcome in load.results if outcome == 200)
    failures = {}
    for _latency, outcome in load.results:
        if outcome != 200:
            failures[outcome] = failures.get(outcome, 0) + 1
    quantiles = statistics.quantiles(latencies, n=100)
    label = (f"--workers={http_workers} (prefork)" if mode == "workers"
             else f"--workers=0 (threaded, ODOO_MAX_HTTP_THREADS={HTTP_THREADS})")
    label += ", processing cron on" if cron else ", processing cron off"
    print(f"\nwebhook, {label}: {sent:,} signed text messages at {rate}/s for {duration} s, "
          f"500 followers, one connection each", flush=True)
    print(f"  answered: {ok:,} 'success' in {elapsed:.1f} s = {ok / elapsed:.0f} answers/s; "
          f"errors {sent - ok}{' ' + str(failures) if failures else ''}")
    print(f"  latency ms: p50 {quantiles[49]:.1f}  p95 {quantiles[94]:.1f}  p99 {quantiles[98]:.1f}  "
          f"max {latencies[-1]:.1f}  (target p99 < {TARGET_P99_MS} ms: "
          f"{'met' if quantiles[98] < TARGET_P99_MS else 'NOT met'})")
    print(f"  stored {stored:,} of {sent:,} sent" + (
        f"; processed by the cron {processed:,} ({waited} s after the last request), "
        f"{conversations} conversations" if cron else ""))
    print(f"  CPU over {elapsed:.0f} s: Odoo {cpu:.1f} s ({100 * cpu / elapsed:.0f}% of one core), "
          f"PostgreSQL {pg_cpu:.1f} s ({100 * pg_cpu / elapsed:.0f}%); "
          f"load average {load_before:.2f} -> {load_after:.2f} on {os.cpu_count()} cores; "
          f"ERROR lines in the Odoo log: {errors_logged} ({log_path})", flush=True)
    if overflows is not None:
        print(f"  connections dropped by a full listen queue (kernel ListenOverflows): {overflows:,}",
              flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rate", type=int, default=200)
    parser.add_argument("--duration", type=int, default=30)
    parser.add_argument("--modes", default="workers,threaded")
    parser.add_argument("--fresh", action="store_true", help="drop and recreate the database")
    parser.add_argument("--http-workers", type=int, default=2,
                        help="prefork HTTP workers in the `workers` mode")
    parser.add_argument("--no-cron", action="store_true",
                        help="no processing cron: the webhook alone")
    args = parser.parse_args()
    ensure_postgres()
    odoo = find_odoo()
    print(f"preparing database {DB} ...", flush=True)
    install(odoo, args.fresh)
    account_id = seed_account()
    for mode in args.modes.split(","):
        bench_mode(odoo, mode, account_id, args.rate, args.duration, not args.no_cron,
                   args.http_workers)


if __name__ == "__main__":
    main()
