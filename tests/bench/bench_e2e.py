"""End-to-end benchmarks against a real Odoo 18 server: ingestion throughput and screen-pop latency.

    python3 tests/bench/bench_e2e.py [--calls 1500] [--pops 200]

Creates (once) a database `callcenter_bench` with callcenter_base, a PBX, queues,
three agents and a connector user with an API key; starts Odoo on a free port;
then runs the connector's real pipeline in this process (state machine →
spool → outbox → JSON-RPC) on traffic built from the Asterisk transcripts:

- throughput: events/s from the first event to the last committed row;
- screen pop: from handing the AgentCalled event to the state machine to the
  `callcenter.call/ringing` notification arriving on the agent's websocket,
  idle and under ~1,000 events/s of other traffic (p50/p95/p99).
"""

import argparse
import asyncio
import json
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests
import websocket

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "connector"))
sys.path.insert(0, str(ROOT / "tools"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_connector import AGENTS, traffic  # noqa: E402
from bench_odoo import database_exists, psql  # noqa: E402
from odoo_env import ODOO_CONF, ensure_postgres, find_odoo, free_port  # noqa: E402

from callcenter_connector.adapters.odoo import OdooClient  # noqa: E402
from callcenter_connector.outbox import Outbox  # noqa: E402
from callcenter_connector.spool import Spool  # noqa: E402
from callcenter_connector.state.calls import CallTracker  # noqa: E402

DB = "callcenter_bench"
QUEUE_WAIT_SECONDS = 0.5  # a caller waits in the queue before a member's phone rings
SETUP = """
import json
env["res.company"].browse(1).country_id = env.ref("base.cn")
pbx = env["callcenter.pbx"].create({"name": "Bench PBX", "ami_secret": "x", "default_region": "CN"})
agents = env["callcenter.agent"]
for ext, login in (("1001", "alice_b"), ("1002", "bob_b"), ("1003", "chen_b")):
    user = env["res.users"].create({"name": login, "login": login, "password": login,
        "groups_id": [(6, 0, [env.ref("base.group_user").id, env.ref("callcenter_base.group_callcenter_agent").id])]})
    agents |= agents.create({"user_id": user.id, "pbx_id": pbx.id, "extension": ext,
                             "interface": "Local/%s@agents/n" % ext, "wrapup_seconds": 5})
for name in ("support", "sales"):
    env["callcenter.queue"].create({"name": name, "asterisk_name": name, "pbx_id": pbx.id,
        "member_ids": [(0, 0, {"agent_id": a.id}) for a in agents]})
connector = env["res.users"].create({"name": "connector", "login": "connector_b",
    "groups_id": [(6, 0, [env.ref("base.group_user").id, env.ref("callcenter_base.group_callcenter_connector").id])]})
key = env["res.users.apikeys"].with_user(connector).sudo()._generate(None, "bench", None)
env.cr.commit()
print("BENCH " + json.dumps({"key": key, "pbx_id": pbx.id}))
"""


def prepare(odoo):
    state_file = ROOT / "var" / "bench.json"
    exists = database_exists(DB)
    options = [f"--config={ODOO_CONF}", f"--addons-path={odoo.addons_path()}", f"--database={DB}"]
    if exists and state_file.exists():
        subprocess.run([*odoo.command(), *options, "--update=callcenter_base", "--stop-after-init",
                        "--log-level=warn"], check=True, cwd=ROOT)
        return json.loads(state_file.read_text())
    if exists:
        subprocess.run(["dropdb", "-h", "127.0.0.1", DB], check=True)
    subprocess.run([*odoo.command(), *options, "--init=callcenter_base", "--without-demo=all",
                    "--stop-after-init", "--log-level=warn"], check=True, cwd=ROOT)
    out = subprocess.run([*odoo.command(), "shell", *options, "--no-http", "--log-level=warn"],
                         input=SETUP, capture_output=True, text=True, cwd=ROOT).stdout
    state = json.loads(next(x for x in out.splitlines() if x.startswith("BENCH "))[6:])
    state_file.parent.mkdir(exist_ok=True)
    state_file.write_text(json.dumps(state))
    return state


def start_odoo(odoo, port):
    proc = subprocess.Popen(
        [*odoo.command(), f"--config={ODOO_CONF}", f"--addons-path={odoo.addons_path()}",
         f"--database={DB}", f"--db-filter=^{DB}$", f"--http-port={port}", "--workers=0",
         "--max-cron-threads=0", "--log-level=warn"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(120):
        try:
            requests.get(f"http://127.0.0.1:{port}/web/login", timeout=2)
            return proc
        except requests.RequestException:
            time.sleep(1)
    proc.kill()
    raise SystemExit("Odoo did not start")


class Pipeline:
    """The connector's real path from AMI event to Odoo, without the AMI socket."""

    def __init__(self, url, key, pbx_id, spool_dir):
        self.tracker = CallTracker(agent_devices=AGENTS, wrapup_seconds={})
        self.client = OdooClient(url, DB, "connector_b", key, timeout=60)
        self.outbox = Outbox(Spool(spool_dir), self.client, pbx_id)
        self.stop = asyncio.Event()

    def feed(self, event):
        self.submit(self.tracker.handle(event))

    def submit(self, facts):
        if facts:
            self.outbox.submit(facts, urgent=any(f["type"] == "ring" for f in facts))


async def bench_throughput(url, state, calls):
    events = traffic(calls, 20)
    before = int(psql("SELECT count(*) FROM callcenter_call", DB))
    with tempfile.TemporaryDirectory() as spool:
        pipe = Pipeline(url, state["key"], state["pbx_id"], spool)
        runner = asyncio.create_task(pipe.outbox.run(pipe.stop))
        started = time.perf_counter()
        for index, event in enumerate(events):
            pipe.feed(event)
            if index % 200 == 0:
                await asyncio.sleep(0)
        pipe.submit(pipe.tracker.flush())
        await pipe.outbox.drained(600)
        elapsed = time.perf_counter() - started
        pipe.stop.set()
        await runner
    rows = int(psql("SELECT count(*) FROM callcenter_call", DB)) - before
    print(f"end-to-end: {len(events)} AMI events of {calls} calls → {rows} calls committed in Odoo "
          f"in {elapsed:.1f} s: {len(events) / elapsed:,.0f} events/s "
          f"({pipe.outbox.sent_batches} JSON-RPC batches, {pipe.outbox.sent_facts} facts)")


def agent_websocket(url, login):
    session = requests.Session()
    session.post(f"{url}/web/session/authenticate", json={"jsonrpc": "2.0", "params": {
        "db": DB, "login": login, "password": login}}).raise_for_status()
    cookie = "; ".join(f"{k}={v}" for k, v in session.cookies.items())
    ws = websocket.create_connection(url.replace("http", "ws") + "/websocket", cookie=cookie,
                                     header=[f"Origin: {url}"], timeout=10)
    ws.send(json.dumps({"event_name": "subscribe", "data": {"channels": [], "last": 0}}))
    return ws


def ring_call(index, agent="Local/1001@agents/n"):
    linkedid = f"pop.{index}.{time.time_ns()}"
    now = f"{time.time():.6f}"
    channel = f"Local/4001@inbound-{index:08x};2"
    return linkedid, [
        {"event": "Newchannel", "timestamp": now, "channel": channel.replace(";2", ";1"),
         "uniqueid": linkedid, "linkedid": linkedid, "context": "inbound", "exten": "4001",
         "calleridnum": "+8613800138000", "calleridname": "Pop Caller"},
        {"event": "QueueCallerJoin", "timestamp": now, "queue": "support", "channel": channel,
         "uniqueid": linkedid + "b", "linkedid": linkedid},
        {"event": "Newchannel", "timestamp": now, "channel": f"Local/1001@agents-{index:08x};1",
         "uniqueid": linkedid + "c", "linkedid": linkedid, "context": "agents", "exten": "1001"},
    ], {"event": "AgentCalled", "timestamp": now, "queue": "support", "interface": agent,
        "channel": channel, "uniqueid": linkedid + "b", "linkedid": linkedid,
        "destchannel": f"Local/1001@agents-{index:08x};1", "destuniqueid": linkedid + "c"}


async def bench_pops(url, state, pops, background_rate):
    background_events = traffic(int(background_rate * pops * 0.1 / 100) + 50, background_rate / 170) \
        if background_rate else []
    ws = agent_websocket(url, "alice_b")
    received = {}

    def listen():
        while True:
            try:
                data = json.loads(ws.recv())
            except Exception:
                return
            for item in data if isinstance(data, list) else [data]:
                message = item.get("message", {})
                if message.get("type") == "callcenter.call/ringing":
                    received.setdefault(message["payload"]["linkedid"], time.perf_counter())

    threading.Thread(target=listen, daemon=True).start()
    with tempfile.TemporaryDirectory() as spool:
        pipe = Pipeline(url, state["key"], state["pbx_id"], spool)
        runner = asyncio.create_task(pipe.outbox.run(pipe.stop))
        noise = None
        if background_rate:
            noise = asyncio.create_task(_background(pipe, background_rate, background_events))
        await asyncio.sleep(1.0)
        latencies = []
        for index in range(pops):
            linkedid, setup, ring = ring_call(index)
            for event in setup:
                pipe.feed(event)
            await asyncio.sleep(QUEUE_WAIT_SECONDS)
            sent = time.perf_counter()
            pipe.feed(ring)
            while linkedid not in received and time.perf_counter() - sent < 5:
                await asyncio.sleep(0.001)
            if linkedid in received:
                latencies.append((received[linkedid] - sent) * 1000)
            await asyncio.sleep(0.05)
        if noise:
            noise.cancel()
        backlog = len(pipe.outbox.pending)
        await pipe.outbox.drained(300)
        pipe.stop.set()
        await runner
    ws.close()
    if background_rate:
        print(f"  (background: {pipe.outbox.sent_facts} facts in {pipe.outbox.sent_batches} batches; "
              f"{backlog} facts queued when the last pop was measured)")
    latencies.sort()
    label = f"under {background_rate} events/s of other traffic" if background_rate else "idle"
    if not latencies:
        print(f"screen pop {label}: no notification received")
        return
    q = statistics.quantiles(latencies, n=100)
    print(f"screen pop {label}: {len(latencies)}/{pops} received, p50 {q[49]:.0f} ms, "
          f"p95 {q[94]:.0f} ms, p99 {q[98]:.0f} ms, max {latencies[-1]:.0f} ms")


async def _background(pipe, rate, events):
    shift = time.time() - float(events[0].get("timestamp", time.time()))
    started = time.perf_counter()
    for index, event in enumerate(events):
        target = started + index / rate
        delay = target - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        if "timestamp" in event:
            event = {**event, "timestamp": f"{float(event['timestamp']) + shift:.6f}"}
        pipe.feed(event)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=1500)
    parser.add_argument("--pops", type=int, default=200)
    parser.add_argument("--background-rate", type=int, default=1000)
    parser.add_argument("--only", choices=("throughput", "pops", "load"))
    args = parser.parse_args()
    ensure_postgres()
    odoo = find_odoo()
    state = prepare(odoo)
    port = free_port()
    proc = start_odoo(odoo, port)
    url = f"http://127.0.0.1:{port}"
    try:
        if args.only in (None, "throughput"):
            asyncio.run(bench_throughput(url, state, args.calls))
        if args.only in (None, "pops"):
            asyncio.run(bench_pops(url, state, args.pops, 0))
        if args.only in (None, "load"):
            asyncio.run(bench_pops(url, state, args.pops, args.background_rate))
    finally:
        proc.terminate()
        proc.wait(30)


if __name__ == "__main__":
    main()
