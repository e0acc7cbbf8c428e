"""Connector benchmarks that need no Odoo: parse and correlate rates, memory in flight, soak.

    python3 tests/bench/bench_connector.py [parse|memory|soak|all]

Traffic is built from the real Asterisk 22 transcripts with fresh ids and shifted
timestamps, so the event mix is that of real calls (CEL, VarSet, Newexten…).
"""

import argparse
import gc
import heapq
import os
import re
import sys
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "connector"))
TRANSCRIPTS = ROOT.parent / "shared" / "asterisk" / "transcripts"

from callcenter_connector.protocol.ami import AmiFramer, encode_message, read_transcript  # noqa: E402
from callcenter_connector.state.calls import CallTracker  # noqa: E402

TEMPLATES = ["01_inbound_queue_answered", "03_inbound_queue_ringnoanswer_then_answered",
             "08_blind_transfer", "11_recording", "02_inbound_queue_abandoned"]
AGENTS = ["Local/1001@agents/n", "Local/1002@agents/n", "Local/1003@agents/n"]
ID = re.compile(r"^\d{10}\.\d+$")
LOCAL = re.compile(r"-([0-9a-f]{8});")


def template_calls():
    """Each transcript as (events without responses, first timestamp)."""
    templates = []
    for name in TEMPLATES:
        _banner, messages = read_transcript((TRANSCRIPTS / f"{name}.ami").read_bytes())
        events = [m for m in messages if "event" in m and "actionid" not in m
                  and m["event"] not in ("FullyBooted", "SuccessfulAuth")]
        start = min(float(e["timestamp"]) for e in events if "timestamp" in e)
        templates.append((events, start))
    return templates


RUN = str(os.getpid())


def instantiate(template, index, start_at):
    """A copy of a transcript's events as call number `index` (ids unique to this run)."""
    events, first = template
    suffix = f"{index:08x}"
    out = []
    for event in events:
        copy = {}
        for key, value in event.items():
            if isinstance(value, str):
                if ID.match(value):
                    value = f"{value}.{index}.{RUN}"
                elif "@" in value and ";" in value:
                    value = LOCAL.sub(f"-{suffix};", value)
            copy[key] = value
        if "timestamp" in copy:
            copy["timestamp"] = f"{float(event['timestamp']) - first + start_at:.6f}"
        out.append(copy)
    return out


def traffic(calls, calls_per_second, start=1_800_000_000.0):
    """Interleaved events of `calls` calls arriving at a steady rate, in timestamp order."""
    templates = template_calls()
    streams = []
    for index in range(calls):
        events = instantiate(templates[index % len(templates)], index, start + index / calls_per_second)
        streams.append([(float(e.get("timestamp", 0)), index, n, e) for n, e in enumerate(events)])
    return [item[3] for item in heapq.merge(*streams)]


def rss_mb():
    return psutil.Process(os.getpid()).memory_info().rss / 1e6


def bench_parse(calls=400):
    events = traffic(calls, 50)
    stream = b"Asterisk Call Manager/11.0.0\r\n" + b"".join(
        encode_message({k.title(): v for k, v in e.items()}) for e in events)
    chunks = [stream[i:i + 4096] for i in range(0, len(stream), 4096)]

    from panoramisk.message import Message

    started = time.perf_counter()
    text = stream.decode("utf-8", "ignore")
    raw = [Message.from_line(frame.strip()) for frame in text.split("\r\n\r\n")[:-1]]
    panoramisk_rate = len(raw) / (time.perf_counter() - started)

    started = time.perf_counter()
    framer = AmiFramer()
    parsed = []
    for chunk in chunks:
        parsed.extend(framer.feed(chunk))
    framing_rate = len(parsed) / (time.perf_counter() - started)

    tracker = CallTracker(agent_devices=AGENTS)
    started = time.perf_counter()
    facts = 0
    for event in parsed:
        facts += len(tracker.handle(event))
    facts += len(tracker.flush())
    correlate_rate = len(parsed) / (time.perf_counter() - started)

    framer = AmiFramer()
    tracker = CallTracker(agent_devices=AGENTS)
    started = time.perf_counter()
    for chunk in chunks:
        for event in framer.feed(chunk):
            tracker.handle(event)
    both_rate = len(parsed) / (time.perf_counter() - started)
    print(f"parse+correlate: {len(parsed)} events of {calls} calls, {len(stream) / 1e6:.1f} MB")
    print(f"  panoramisk raw parse (Message.from_line):  {panoramisk_rate:10,.0f} events/s")
    print(f"  connector framing (AmiFramer):             {framing_rate:10,.0f} events/s")
    print(f"  connector correlation (CallTracker):       {correlate_rate:10,.0f} events/s")
    print(f"  connector framing + correlation:           {both_rate:10,.0f} events/s")
    print(f"  facts produced: {facts}")


def bench_memory(in_flight=5000):
    gc.collect()
    baseline = rss_mb()
    tracker = CallTracker(agent_devices=AGENTS)
    templates = template_calls()
    for index in range(in_flight):
        events, first = templates[0]
        call = instantiate((events, first), index, 1_800_000_000.0 + index * 0.01)
        for event in call:
            if event["event"] in ("Hangup", "HangupRequest", "SoftHangupRequest", "AgentComplete",
                                  "BridgeLeave", "QueueCallerLeave"):
                break
            tracker.handle(event)
    gc.collect()
    print(f"memory: {tracker.in_flight()} calls in flight, {len(tracker.channels)} channels: "
          f"RSS {rss_mb():.1f} MB (process baseline {baseline:.1f} MB, "
          f"{(rss_mb() - baseline) * 1000 / max(in_flight, 1):.1f} kB per call)")


def bench_soak(hours=1.0, calls_per_second=3.0):
    """An hour of PBX time at a steady arrival rate, events merged in time order on a heap."""
    tracker = CallTracker(agent_devices=AGENTS)
    templates = template_calls()
    total = int(hours * 3600 * calls_per_second)
    start = 1_800_000_000.0
    heap, order = [], 0
    samples, events = [], 0
    sample_every = int(600 * calls_per_second)
    started = time.perf_counter()
    for index in range(total + 1):
        now = start + index / calls_per_second
        while heap and heap[0][0] <= now:
            _ts, _n, event = heapq.heappop(heap)
            tracker.handle(event)
            events += 1
        tracker.tick(now)
        if index % sample_every == 0:
            gc.collect()
            samples.append((index / calls_per_second / 60, rss_mb(), tracker.in_flight()))
        if index < total:
            for event in instantiate(templates[index % len(templates)], index, now):
                order += 1
                heapq.heappush(heap, (float(event.get("timestamp", now)), order, event))
    while heap:
        tracker.handle(heapq.heappop(heap)[2])
        events += 1
    tracker.flush()
    gc.collect()
    elapsed = time.perf_counter() - started
    print(f"soak: {hours:g} h of PBX time, {total} calls at {calls_per_second}/s, {events} events, "
          f"ran in {elapsed:.0f} s")
    for minute, rss, flight in samples:
        print(f"  t={minute:5.0f} min  RSS {rss:6.1f} MB  calls in flight {flight}")
    print(f"  after the last call: RSS {rss_mb():.1f} MB, calls in flight {tracker.in_flight()}, "
          f"channels {len(tracker.channels)}")
    warm = [rss for minute, rss, _f in samples if minute >= 10]
    if len(warm) > 1:
        print(f"  growth once warm (10 min to the end): {warm[-1] - warm[0]:+.1f} MB")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", nargs="?", default="all", choices=("parse", "memory", "soak", "all"))
    args = parser.parse_args()
    if args.what in ("parse", "all"):
        bench_parse()
    if args.what in ("memory", "all"):
        bench_memory()
    if args.what in ("soak", "all"):
        bench_soak()


if __name__ == "__main__":
    main()
