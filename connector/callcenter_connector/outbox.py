"""Numbered, spooled, coalesced and batched delivery of facts to Odoo.

`submit` is synchronous and cheap: it numbers facts, writes them to the spool
and queues them. `run` sends batches of at most `max_facts`, as soon as the
oldest queued fact is `max_delay` old. Rings (screen pops) take a lane of
their own, in parallel with the batches: a ring goes out at once when Odoo
already has its call, or right after the batch that brings the call, which is
then sent without waiting. Rings are not spooled: a pop for a call that rang
minutes ago helps nobody. While Odoo is down, facts wait and later call
snapshots replace earlier ones of the same call (each snapshot is complete),
so memory holds calls in flight rather than every event of the outage.
"""

import asyncio
import logging
import time
from collections import OrderedDict

from .adapters.odoo import OdooRejected, OdooUnavailable

_logger = logging.getLogger(__name__)

RETRY_MIN_SECONDS = 0.5
RING_RETRY_SECONDS = 0.2
RING_GIVE_UP_SECONDS = 10.0
RETRY_MAX_SECONDS = 30.0
COALESCED_TYPES = {"call": "linkedid", "queue": "queue"}


def coalesce_key(fact):
    field = COALESCED_TYPES.get(fact["type"])
    return (fact["type"], fact[field]) if field else ("seq", fact["seq"])


class Outbox:
    def __init__(self, spool, client, pbx_id, max_facts=500, max_delay=0.1, clock=time.monotonic,
                 on_result=None, dead_letter=None):
        self.spool, self.client, self.pbx_id = spool, client, pbx_id
        self.max_facts, self.max_delay, self.clock = max_facts, max_delay, clock
        self.on_result = on_result
        self.dead_letter = dead_letter
        self.pending = OrderedDict()
        self.seq = spool.last_seq()
        self.sent_facts = 0
        self.sent_batches = 0
        self.rings = []
        self.sent_rings = 0
        self.known_calls = set()
        self.ring_client = client.lane() if hasattr(client, "lane") else client
        self._ring_wake = asyncio.Event()
        self._oldest = None
        self._urgent = False
        self._wake = asyncio.Event()
        self._idle = asyncio.Event()
        self._idle.set()
        for fact in spool.pending():
            self._queue(fact)

    def next_seq(self):
        self.seq = max(self.seq + 1, time.time_ns() // 1000)
        return self.seq

    def submit(self, facts, urgent=False):
        """Spool and queue facts (dicts without `seq`); returns them numbered."""
        rings = [fact for fact in facts if fact["type"] == "ring"]
        if rings:
            received = self.clock()
            self.rings.extend({**ring, "_received": received} for ring in rings)
            self._ring_wake.set()
            facts = [fact for fact in facts if fact["type"] != "ring"]
            urgent = urgent or any(r["linkedid"] not in self.known_calls for r in rings)
        if not facts:
            return []
        numbered = [{**fact, "seq": self.next_seq()} for fact in facts]
        self.spool.append(numbered)
        for fact in numbered:
            self._queue(fact)
        self._urgent = self._urgent or urgent
        self._wake.set()
        return numbered

    def _queue(self, fact):
        key = coalesce_key(fact)
        self.pending.pop(key, None)
        self.pending[key] = fact
        if self._oldest is None:
            self._oldest = self.clock()
        self._idle.clear()

    async def drained(self, timeout=None):
        """Wait until Odoo has every queued fact."""
        await asyncio.wait_for(self._idle.wait(), timeout)

    async def run(self, stop):
        ring_lane = asyncio.create_task(self._run_rings(stop))
        try:
            await self._run_batches(stop)
        finally:
            ring_lane.cancel()

    async def _run_rings(self, stop):
        while not stop.is_set():
            if not self.rings:
                self._ring_wake.clear()
                await _wait_any(self._ring_wake, stop)
                continue
            now = self.clock()
            ready = [r for r in self.rings if r["linkedid"] in self.known_calls]
            waiting = [r for r in self.rings if r["linkedid"] not in self.known_calls
                       and now - r["_received"] < RING_GIVE_UP_SECONDS]
            self.rings = waiting
            if not ready:
                self._ring_wake.clear()
                await _wait_any(self._ring_wake, stop, timeout=RING_RETRY_SECONDS)
                continue
            try:
                await self.ring_client.ring(
                    self.pbx_id, [{k: v for k, v in r.items() if k != "_received"} for r in ready])
                self.sent_rings += len(ready)
            except (OdooUnavailable, OdooRejected) as exc:
                _logger.warning("screen pop not delivered (%s); retrying", exc)
                self.rings = ready + self.rings
                await _wait_any(stop, timeout=RING_RETRY_SECONDS)

    async def _run_batches(self, stop):
        retry = RETRY_MIN_SECONDS
        batch_size = self.max_facts
        while not (stop.is_set() and not self.pending):
            if not self.pending:
                self._idle.set()
                self._wake.clear()
                await _wait_any(self._wake, stop)
                continue
            wait = 0 if self._urgent or len(self.pending) >= self.max_facts else (
                self.max_delay - (self.clock() - (self._oldest or self.clock())))
            if wait > 0 and not stop.is_set():
                self._wake.clear()
                await _wait_any(self._wake, stop, timeout=wait)
                continue
            batch = list(self.pending.values())[:batch_size]
            self.spool.sync()
            try:
                result = await self.client.ingest(self.pbx_id, batch)
            except OdooUnavailable as exc:
                _logger.warning("Odoo unavailable (%s); %d facts spooled, retry in %.1fs",
                                exc, len(self.pending), retry)
                if stop.is_set():
                    return
                await _wait_any(stop, timeout=retry)
                retry = min(retry * 2, RETRY_MAX_SECONDS)
                continue
            except OdooRejected as exc:
                if len(batch) > 1:
                    batch_size = max(len(batch) // 2, 1)
                    _logger.warning("Odoo refused a batch of %d facts (%s); retrying in halves",
                                    len(batch), exc)
                    continue
                _logger.error("Odoo refused fact %s (%s); moved to the dead-letter file",
                              batch[0].get("seq"), exc)
                if self.dead_letter:
                    self.dead_letter(batch[0], str(exc))
                result = None
            retry = RETRY_MIN_SECONDS
            batch_size = self.max_facts
            self._remove(batch)
            self.spool.acknowledge(max(f["seq"] for f in batch))
            self._note_calls(batch)
            self.sent_facts += len(batch)
            self.sent_batches += 1
            if self.on_result and result is not None:
                # After the batch left `pending`: what the answer says includes it.
                self.on_result(result)

    def _note_calls(self, batch):
        """Remember which calls Odoo has, so that their rings can go straight out."""
        for fact in batch:
            if fact["type"] == "call":
                if fact.get("final"):
                    self.known_calls.discard(fact["linkedid"])
                else:
                    self.known_calls.add(fact["linkedid"])
        if self.rings:
            self._ring_wake.set()

    def _remove(self, batch):
        for fact in batch:
            key = coalesce_key(fact)
            if self.pending.get(key) is fact:
                del self.pending[key]
        self._urgent = False
        self._oldest = self.clock() if self.pending else None


async def _wait_any(*events, timeout=None):
    waiters = [asyncio.ensure_future(event.wait()) for event in events]
    try:
        await asyncio.wait(waiters, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for waiter in waiters:
            waiter.cancel()

