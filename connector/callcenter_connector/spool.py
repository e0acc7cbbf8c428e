"""Write-ahead spool of facts on local disk.

Every fact is written here (handed to the kernel) before it is sent, so a
`kill -9` of the connector loses nothing the spool accepted, and facts keep
their order while Odoo is unreachable. `sync()` makes them durable against a
machine crash too; the outbox calls it before each batch it sends, so fsync
costs once per batch instead of once per event. Odoo acknowledges by sequence number; acknowledged
segments are deleted. On start the unacknowledged facts are read back in order.

Files: `NNNNNNNNNN.jsonl` segments (one JSON fact per line, rotated by size)
and `ack` (the highest sequence Odoo confirmed). A torn last line from a crash
mid-write is ignored: its fact had not been accepted.
"""

import json
import logging
import os
from pathlib import Path

_logger = logging.getLogger(__name__)

SEGMENT_MAX_BYTES = 16 * 1024 * 1024


class Spool:
    def __init__(self, directory, fsync=True, segment_max_bytes=SEGMENT_MAX_BYTES):
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.fsync = fsync
        self.segment_max_bytes = segment_max_bytes
        self.acked = self._read_ack()
        self._handle = None
        self._segment = None
        self._segment_last_seq = {}
        self._unsynced = False

    # ------------------------------------------------------------------ writing

    def append(self, facts):
        """Add facts (each with its `seq`) to the spool; they survive the process from here on."""
        if not facts:
            return
        handle = self._writable()
        data = "".join(json.dumps(fact, separators=(",", ":"), ensure_ascii=False) + "\n"
                       for fact in facts).encode("utf-8")
        handle.write(data)
        handle.flush()
        self._unsynced = True
        self._segment_last_seq[self._segment] = max(
            self._segment_last_seq.get(self._segment, 0), max(f["seq"] for f in facts))

    def sync(self):
        """Make what was appended durable on disk (against power loss, not only kill -9)."""
        if self.fsync and self._unsynced and self._handle:
            os.fsync(self._handle.fileno())
        self._unsynced = False

    def acknowledge(self, seq):
        """Odoo applied every fact up to `seq`: remember it and drop spent segments."""
        if seq <= self.acked:
            return
        self.acked = seq
        tmp = self.directory / "ack.tmp"
        tmp.write_text(str(seq))
        if self.fsync:
            with open(tmp, "rb") as handle:
                os.fsync(handle.fileno())
        os.replace(tmp, self.directory / "ack")
        for segment in self._segments():
            if segment == self._segment:
                continue
            last = self._segment_last_seq.get(segment)
            if last is None:
                last = max((f["seq"] for f in self._read_segment(segment)), default=0)
                self._segment_last_seq[segment] = last
            if last <= seq:
                segment.unlink(missing_ok=True)
                self._segment_last_seq.pop(segment, None)

    def close(self):
        if self._handle:
            self.sync()
            self._handle.close()
            self._handle = None

    # ------------------------------------------------------------------ reading

    def pending(self):
        """Facts not yet acknowledged, in order."""
        facts = []
        for segment in self._segments():
            facts.extend(f for f in self._read_segment(segment) if f["seq"] > self.acked)
        return facts

    def last_seq(self):
        last = self.acked
        for segment in self._segments():
            for fact in self._read_segment(segment):
                last = max(last, fact["seq"])
        return last

    def size_bytes(self):
        return sum(segment.stat().st_size for segment in self._segments())

    # ------------------------------------------------------------------ files

    def _segments(self):
        return sorted(self.directory.glob("*.jsonl"))

    def _read_segment(self, segment):
        facts = []
        with open(segment, "rb") as handle:
            for number, line in enumerate(handle, 1):
                if not line.endswith(b"\n"):
                    _logger.warning("spool %s: ignoring torn last line %d", segment.name, number)
                    break
                try:
                    facts.append(json.loads(line))
                except ValueError:
                    _logger.error("spool %s: line %d is not JSON, skipped", segment.name, number)
        return facts

    def _writable(self):
        if self._handle and self._handle.tell() < self.segment_max_bytes:
            return self._handle
        if self._handle:
            self.sync()
            self._handle.close()
        existing = self._segments()
        number = int(existing[-1].stem) + 1 if existing else 1
        self._segment = self.directory / f"{number:010d}.jsonl"
        self._handle = open(self._segment, "ab")
        return self._handle

    def _read_ack(self):
        try:
            return int((self.directory / "ack").read_text().strip() or 0)
        except (FileNotFoundError, ValueError):
            return 0
