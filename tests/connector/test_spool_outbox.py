"""The spool keeps every accepted fact across crashes; the outbox batches, coalesces and retries."""

import asyncio
import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from callcenter_connector.adapters.odoo import OdooRejected, OdooUnavailable
from callcenter_connector.outbox import Outbox
from callcenter_connector.spool import Spool

CONNECTOR = Path(__file__).resolve().parents[2] / "connector"


class RecordingOdoo:
    """Stands in for Odoo's ingestion endpoint, applying facts the way it does (by seq)."""

    def __init__(self):
        self.batches = []
        self.rings = []
        self.last_seq = 0
        self.down = False
        self.reject_seq = set()

    async def ring(self, pbx_id, facts):
        if self.down:
            raise OdooUnavailable("connection refused")
        self.rings.extend(facts)
        return {"rung": len(facts)}

    async def ingest(self, pbx_id, facts):
        if self.down:
            raise OdooUnavailable("connection refused")
        if any(f["seq"] in self.reject_seq for f in facts):
            raise OdooRejected("ValidationError: bad fact")
        fresh = [f for f in facts if f["seq"] > self.last_seq]
        self.batches.append(facts)
        if fresh:
            self.last_seq = max(f["seq"] for f in fresh)
        return {"applied": len(fresh), "last_seq": self.last_seq}


def call(linkedid, state):
    return {"type": "call", "linkedid": linkedid, "call": {"linkedid": linkedid, "state": state}}


def test_spool_pending_ack_and_torn_line(tmp_path):
    spool = Spool(tmp_path)
    spool.append([{"seq": 1, "type": "agent"}, {"seq": 2, "type": "agent"}])
    spool.acknowledge(1)
    spool.close()
    with open(next(tmp_path.glob("*.jsonl")), "ab") as handle:
        handle.write(b'{"seq": 3, "type": "ag')
    reopened = Spool(tmp_path)
    assert [f["seq"] for f in reopened.pending()] == [2]
    reopened.append([{"seq": 4, "type": "agent"}])
    assert [f["seq"] for f in Spool(tmp_path).pending()] == [2, 4]


def test_spool_drops_acknowledged_segments(tmp_path):
    spool = Spool(tmp_path, segment_max_bytes=100)
    for seq in range(1, 30):
        spool.append([{"seq": seq, "type": "agent", "pad": "x" * 40}])
    before = len(list(tmp_path.glob("*.jsonl")))
    spool.acknowledge(25)
    assert len(list(tmp_path.glob("*.jsonl"))) < before
    assert [f["seq"] for f in spool.pending()] == [26, 27, 28, 29]


def test_kill_9_loses_nothing_the_spool_accepted(tmp_path):
    script = textwrap.dedent(f"""
        import sys, os
        sys.path.insert(0, {str(CONNECTOR)!r})
        from callcenter_connector.spool import Spool
        spool = Spool({str(tmp_path)!r})
        seq = 0
        while True:
            seq += 1
            spool.append([{{"seq": seq, "type": "agent"}}])
            if seq == 200:
                print("ready", flush=True)
    """)
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "ready"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    seqs = [f["seq"] for f in Spool(tmp_path).pending()]
    assert len(seqs) >= 200
    assert seqs == list(range(1, len(seqs) + 1))


async def _run_until_drained(outbox, odoo, timeout=5):
    stop = asyncio.Event()
    task = asyncio.create_task(outbox.run(stop))
    try:
        await outbox.drained(timeout)
    finally:
        stop.set()
        await asyncio.wait_for(task, 5)


def test_batches_by_size_and_keeps_order(tmp_path):
    async def scenario():
        odoo = RecordingOdoo()
        outbox = Outbox(Spool(tmp_path, fsync=False), odoo, 1, max_facts=10, max_delay=0.05)
        outbox.submit([{"type": "agent", "n": n} for n in range(25)])
        await _run_until_drained(outbox, odoo)
        return odoo
    odoo = asyncio.run(scenario())
    assert [len(b) for b in odoo.batches] == [10, 10, 5]
    seqs = [f["seq"] for b in odoo.batches for f in b]
    assert seqs == sorted(seqs)
    assert [f["n"] for b in odoo.batches for f in b] == list(range(25))


def test_ring_follows_its_call_at_once_then_skips_the_queue(tmp_path):
    async def scenario():
        odoo = RecordingOdoo()
        outbox = Outbox(Spool(tmp_path, fsync=False), odoo, 1, max_facts=500, max_delay=10.0)
        stop = asyncio.Event()
        task = asyncio.create_task(outbox.run(stop))
        outbox.submit([call("A", "queued"), {"type": "ring", "agent": "PJSIP/1001", "linkedid": "A"}])
        spooled = Spool(tmp_path).pending()
        for _ in range(100):
            if odoo.rings:
                break
            await asyncio.sleep(0.01)
        first = (len(odoo.batches), [r["linkedid"] for r in odoo.rings])
        outbox.submit([call("A", "ringing"), {"type": "ring", "agent": "PJSIP/1002", "linkedid": "A"}])
        for _ in range(100):
            if len(odoo.rings) == 2:
                break
            await asyncio.sleep(0.01)
        second = (len(odoo.batches), [r["agent"] for r in odoo.rings])
        stop.set()
        await task
        return spooled, first, second
    spooled, first, second = asyncio.run(scenario())
    assert [f["type"] for f in spooled] == ["call"], "rings are not spooled"
    assert first == (1, ["A"]), "the unknown call's batch went out at once, then its ring"
    assert second == (1, ["PJSIP/1001", "PJSIP/1002"]), "a known call's ring skips the batch"


def test_outage_coalesces_calls_and_replays_in_order(tmp_path):
    async def scenario():
        odoo = RecordingOdoo()
        odoo.down = True
        outbox = Outbox(Spool(tmp_path, fsync=False), odoo, 1, max_facts=100, max_delay=0.01)
        stop = asyncio.Event()
        task = asyncio.create_task(outbox.run(stop))
        for state in ("ringing", "queued", "answered", "completed"):
            outbox.submit([call("A", state), {"type": "agent", "state": state}])
            await asyncio.sleep(0.02)
        assert len(outbox.pending) == 5, "one snapshot for call A plus every agent change"
        odoo.down = False
        await outbox.drained(5)
        stop.set()
        await task
        return odoo
    odoo = asyncio.run(scenario())
    delivered = [f for b in odoo.batches for f in b]
    assert [f["call"]["state"] for f in delivered if f["type"] == "call"] == ["completed"]
    assert [f["state"] for f in delivered if f["type"] == "agent"] == [
        "ringing", "queued", "answered", "completed"]
    assert [f["seq"] for f in delivered] == sorted(f["seq"] for f in delivered)


def test_restart_replays_unacknowledged_facts_once(tmp_path):
    async def first_run():
        odoo = RecordingOdoo()
        odoo.down = True
        outbox = Outbox(Spool(tmp_path), odoo, 1)
        outbox.submit([call("B", "queued"), {"type": "agent", "state": "ringing"}])
        return outbox.seq

    async def second_run():
        odoo = RecordingOdoo()
        outbox = Outbox(Spool(tmp_path), odoo, 1, max_delay=0.01)
        await _run_until_drained(outbox, odoo)
        again = Outbox(Spool(tmp_path), odoo, 1)
        return odoo, len(again.pending)
    last_seq = asyncio.run(first_run())
    odoo, pending_after = asyncio.run(second_run())
    assert [f["type"] for b in odoo.batches for f in b] == ["call", "agent"]
    assert odoo.last_seq == last_seq
    assert pending_after == 0


def test_rejected_fact_is_isolated_into_dead_letter(tmp_path):
    dead = []

    async def scenario():
        odoo = RecordingOdoo()
        outbox = Outbox(Spool(tmp_path, fsync=False), odoo, 1, max_facts=8, max_delay=0.01,
                        dead_letter=lambda fact, reason: dead.append((fact["n"], reason)))
        numbered = outbox.submit([{"type": "agent", "n": n} for n in range(8)])
        odoo.reject_seq = {numbered[5]["seq"]}
        await _run_until_drained(outbox, odoo)
        return odoo
    odoo = asyncio.run(scenario())
    delivered = sorted(f["n"] for b in odoo.batches for f in b)
    assert delivered == [0, 1, 2, 3, 4, 6, 7]
    assert dead == [(5, "ValidationError: bad fact")]


def test_sequence_survives_lost_spool(tmp_path):
    first = Outbox(Spool(tmp_path / "a"), RecordingOdoo(), 1)
    seq = first.submit([{"type": "agent"}])[0]["seq"]
    second = Outbox(Spool(tmp_path / "b"), RecordingOdoo(), 1)
    assert second.submit([{"type": "agent"}])[0]["seq"] > seq


@pytest.mark.parametrize("line", [b"not json\n"])
def test_spool_skips_corrupt_lines(tmp_path, line):
    (tmp_path / "0000000001.jsonl").write_bytes(json.dumps({"seq": 1, "type": "agent"}).encode()
                                                + b"\n" + line)
    assert [f["seq"] for f in Spool(tmp_path).pending()] == [1]
