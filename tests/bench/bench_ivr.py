"""IVR benchmark: new calls per second and concurrent sessions of one connector process.

    python3 tests/bench/bench_ivr.py [--rates 100,200,300] [--seconds 10] [--concurrent 1000]

Three processes, as in production: the connector (its real ConnectorService: FastAGI
server, flow cache, lookup lane, outbox, spool), a separate process playing
Asterisk that opens FastAGI connections over TCP at a fixed rate and answers
every command as Asterisk 22 does (prompts take their time, the caller presses a
key during the menu), and this one, which serves a fake Odoo over JSON-RPC with a
few milliseconds of latency per call (caller lookups, ingest of the facts).

The flow is what a call center runs: welcome prompt, opening hours, caller
lookup in Odoo (VIP check), a menu answered by a key during its prompt, a queue
with the VIP priority; one `ivr` fact per session into Odoo.

Printed: new calls/s offered and completed, session setup latency (TCP connect
to the first AGI command) and the lookup step (the reply to the welcome prompt
to the menu's command, Odoo's round trip included) at p50/p95/p99, the peak of
concurrent sessions, the connector's RSS, and whether every fact reached Odoo.
"""

import argparse
import asyncio
import logging
import multiprocessing
import shlex
import socket
import sys
import tempfile
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "connector"))
sys.path.insert(0, str(ROOT / "tests" / "connector"))

from test_ivr_support import FakeOdoo, open_calendar, prompt  # noqa: E402

ODOO_LATENCY_SECONDS = 0.003
MENU_KEY_AFTER_SECONDS = 1.0
RATE_PROMPT_SECONDS = 2.0
HOLD_PROMPT_SECONDS = 12.0

FLOW = {
    "id": 1, "ivr": 1, "name": "Bench", "start": "welcome", "default_language": "en",
    "fallback_queue": "support", "nodes": {
        "welcome": {"id": "welcome", "kind": "play", "prompt": prompt("welcome"), "say": None,
                    "next": "hours"},
        "hours": {"id": "hours", "kind": "time", "calendar": "1", "open": "who",
                  "closed": "support"},
        "who": {"id": "who", "kind": "lookup", "timeout_ms": 1000, "known": "menu",
                "unknown": "menu", "vip": "vip", "blacklisted": None},
        "menu": {"id": "menu", "kind": "menu", "prompt": prompt("menu"), "timeout_ms": 4000,
                 "digit_timeout_ms": 2000, "max_digits": 1, "attempts": 2,
                 "invalid_prompt": prompt("invalid"), "timeout_prompt": prompt("timeout"),
                 "options": {"1": "support", "2": "sales"}, "direct_dial": False,
                 "extension_length": 0, "failure": "support"},
        "vip": {"id": "vip", "kind": "queue", "queue": "vip", "priority": 9, "vip_priority": 9,
                "lookup_timeout_ms": 1000, "max_wait": 300, "next": None, "failure": None},
        "support": {"id": "support", "kind": "queue", "queue": "support", "priority": 1,
                    "vip_priority": 5, "lookup_timeout_ms": 1000, "max_wait": 300,
                    "next": "rate", "failure": None},
        "sales": {"id": "sales", "kind": "queue", "queue": "sales", "priority": 0,
                  "vip_priority": None, "lookup_timeout_ms": 1000, "max_wait": 300,
                  "next": None, "failure": None},
        "rate": {"id": "rate", "kind": "rating", "prompt": prompt("rate"),
                 "thanks_prompt": prompt("thanks"), "timeout_ms": 3000, "attempts": 1,
                 "next": None},
    }}
RUNTIME = {"stamp": "bench", "fallback": {"queue": "support", "timeout": 300},
           "routes": {"400": {"type": "ivr", "ivr": 1, "version": 1, "fallback_queue": "support"}},
           "calendars": {"1": open_calendar(time.time())}, "sounds": {}}


# --- the connector process ----------------------------------------------------------------------

def connector_process(odoo_url, spool_dir, ready, stop, peak_sessions):
    logging.basicConfig(level=logging.ERROR)
    asyncio.run(_serve(odoo_url, spool_dir, ready, stop, peak_sessions))


async def _serve(odoo_url, spool_dir, ready, stop, peak_sessions):
    from callcenter_connector.config import Config
    from callcenter_connector.service import ConnectorService

    config = Config.from_mapping({
        "ami_port": _closed_port(), "ami_secret": "x", "command_token": "t",
        "command_bind": "127.0.0.1:0", "fastagi_bind": "127.0.0.1:0", "spool_dir": spool_dir,
        "pbx_id": 1, "odoo_url": odoo_url, "odoo_api_key": "k", "batch_max_delay_ms": 50,
        "ami_reconnect_max_seconds": 60})
    service = ConnectorService(config)
    await service.start()
    while service.flows.runtime is None:
        await asyncio.sleep(0.05)
    ready.put(service.fastagi.port)
    while not stop.is_set():
        peak_sessions.value = max(peak_sessions.value, len(service.ivr.sessions))
        await asyncio.sleep(0.02)
    await service.stop()


def _closed_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# --- the Asterisk process --------------------------------------------------------------------------

def asterisk_process(port, rate, count, welcome_seconds, results):
    results.put(asyncio.run(_drive(port, rate, count, welcome_seconds)))


async def _drive(port, rate, count, welcome_seconds):
    loop = asyncio.get_running_loop()
    state = {"active": 0, "peak": 0}
    started = loop.time()
    tasks = []
    for index in range(count):
        delay = started + index / rate - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.ensure_future(_call(port, index, welcome_seconds, state)))
    offered_in = loop.time() - started
    calls = await asyncio.gather(*tasks)
    return {"offered_in": offered_in, "done_in": loop.time() - started, "peak": state["peak"],
            "calls": calls}


async def _call(port, index, welcome_seconds, state):
    """One AGI() of the generated dialplan: (setup s, lookup step s, ok)."""
    loop = asyncio.get_running_loop()
    began = loop.time()
    state["active"] += 1
    state["peak"] = max(state["peak"], state["active"])
    setup = step = None
    variables = {}
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        env = {"agi_network": "yes", "agi_network_script": "callcenter-ivr",
               "agi_request": f"agi://127.0.0.1:{port}/callcenter-ivr",
               "agi_channel": f"Local/400@inbound-{index:08x};2", "agi_language": "en",
               "agi_uniqueid": f"1790000000.{2 * index + 1}",
               "agi_callerid": f"+86138{index % 100000:08d}", "agi_arg_1": "400",
               "agi_arg_2": "", "agi_arg_3": "", "agi_arg_4": "", "agi_arg_5": "",
               "agi_arg_6": f"1790000000.{2 * index}"}
        writer.write("".join(f"{k}: {v}\n" for k, v in env.items()).encode() + b"\n")
        await writer.drain()
        welcomed = None
        while line := await reader.readline():
            now = loop.time()
            setup = now - began if setup is None else setup
            if welcomed is not None and step is None:
                step = now - welcomed
            words = shlex.split(line.decode())
            if words[:2] == ["STREAM", "FILE"] and "welcome" in words[2]:
                await asyncio.sleep(welcome_seconds)
                welcomed = loop.time()
                reply = "200 result=0 endpos=16000"
            elif words[:2] == ["STREAM", "FILE"] and words[3:4] and "1" in words[3]:
                await asyncio.sleep(MENU_KEY_AFTER_SECONDS)
                reply = f"200 result={ord('1')} endpos=8000"
            elif words[:2] == ["SET", "VARIABLE"]:
                variables[words[2]] = words[3]
                reply = "200 result=1"
            else:
                reply = "200 result=0"
            writer.write(reply.encode() + b"\n")
            await writer.drain()
        writer.close()
    except OSError:
        pass
    finally:
        state["active"] -= 1
    return setup, step, variables.get("CC_IVR_DEST") == "queue"


# --- the run -----------------------------------------------------------------------------------------

def run_phase(context, port, rate, count, welcome_seconds, connector, peak_sessions):
    peak_sessions.value = 0
    results = context.Queue()
    process = context.Process(target=asterisk_process,
                              args=(port, rate, count, welcome_seconds, results))
    rss_peak = 0
    cpu_before, began = sum(connector.cpu_times()[:2]), time.monotonic()
    process.start()
    while process.is_alive() and results.empty():
        rss_peak = max(rss_peak, connector.memory_info().rss)
        time.sleep(0.05)
    outcome = results.get()
    process.join()
    outcome["cpu"] = (sum(connector.cpu_times()[:2]) - cpu_before) / (time.monotonic() - began)
    return outcome, rss_peak


def percentiles(values):
    values = sorted(v for v in values if v is not None)
    if not values:
        return "n/a"
    pick = lambda q: values[min(len(values) - 1, int(q * len(values)))]  # noqa: E731
    return (f"p50 {pick(0.50) * 1000:6.1f} ms  p95 {pick(0.95) * 1000:6.1f} ms  "
            f"p99 {pick(0.99) * 1000:6.1f} ms")


def report(title, rate, count, outcome, rss_peak, sessions_peak):
    calls = outcome["calls"]
    ok = sum(1 for _setup, _step, good in calls if good)
    print(f"{title}: {count} calls offered at {rate}/s")
    print(f"  offered      {count / outcome['offered_in']:8.1f} new calls/s "
          f"({outcome['offered_in']:.1f} s)")
    print(f"  completed    {ok} of {count} routed to a queue, all done in "
          f"{outcome['done_in']:.1f} s")
    print(f"  setup        {percentiles([setup for setup, _s, _g in calls])}")
    print(f"  lookup step  {percentiles([step for _s, step, _g in calls])}")
    print(f"  concurrent   {sessions_peak} sessions in the connector at the peak "
          f"({outcome['peak']} open on the Asterisk side)")
    print(f"  connector    RSS {rss_peak / 1e6:.1f} MB at the peak, CPU {outcome['cpu']:.0%} "
          f"of one core on average")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rates", default="100,200,300", help="new calls per second to offer")
    parser.add_argument("--seconds", type=float, default=10.0, help="length of each rate step")
    parser.add_argument("--concurrent", type=int, default=1000,
                        help="sessions held at once in the concurrency step")
    args = parser.parse_args()
    context = multiprocessing.get_context("spawn")
    odoo = FakeOdoo(definitions={1: FLOW}, runtime_config=RUNTIME)
    odoo.latency = ODOO_LATENCY_SECONDS
    odoo.lookup_answers.update({f"+86138{i:08d}": {"known": True, "vip": i % 10 == 0}
                                for i in range(0, 100000, 7)})
    odoo.start()
    ready, stop = context.Queue(), context.Event()
    peak_sessions = context.Value("i", 0)
    with tempfile.TemporaryDirectory() as spool:
        process = context.Process(target=connector_process,
                                  args=(odoo.url, spool, ready, stop, peak_sessions))
        process.start()
        port = ready.get(timeout=30)
        connector = psutil.Process(process.pid)
        print(f"connector pid {process.pid} on FastAGI port {port}; RSS at rest "
              f"{connector.memory_info().rss / 1e6:.1f} MB; fake Odoo latency "
              f"{ODOO_LATENCY_SECONDS * 1000:.0f} ms per call; {psutil.cpu_count()} CPUs")
        total = 0
        for rate in (int(r) for r in args.rates.split(",")):
            count = int(rate * args.seconds)
            outcome, rss = run_phase(context, port, rate, count, RATE_PROMPT_SECONDS, connector,
                                     peak_sessions)
            report("rate", rate, count, outcome, rss, peak_sessions.value)
            total += count
        rate = 200
        outcome, rss = run_phase(context, port, rate, args.concurrent, HOLD_PROMPT_SECONDS,
                                 connector, peak_sessions)
        report("concurrency", rate, args.concurrent, outcome, rss, peak_sessions.value)
        total += args.concurrent
        deadline = time.monotonic() + 30
        while len(odoo.ivr_facts()) < total and time.monotonic() < deadline:
            time.sleep(0.1)
        print(f"facts in Odoo: {len(odoo.ivr_facts())} of {total} sessions "
              f"({odoo.called('callcenter_ivr_lookup')} caller lookups, "
              f"{odoo.called('callcenter_ingest')} ingest batches)")
        stop.set()
        process.join(30)
    odoo.stop()


if __name__ == "__main__":
    main()
