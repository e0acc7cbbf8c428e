"""Virtual time and identifiers of the simulated PBX.

The PBX never reads the wall clock: it lives in virtual epoch seconds and runs
timed callbacks in order. A pure scenario runs the agenda to completion in no
real time; the server advances the same agenda as (scaled) real time passes,
so both produce the same events with the same Timestamps.
"""

import heapq
import itertools
import random
import uuid


class Timer:
    __slots__ = ("when", "callback", "args", "cancelled")

    def __init__(self, when, callback, args):
        self.when = when
        self.callback = callback
        self.args = args
        self.cancelled = False

    def cancel(self):
        self.cancelled = True


class Scheduler:
    """A time-ordered agenda of callbacks over virtual time."""

    def __init__(self, start):
        self.now = float(start)
        self._heap = []
        self._order = itertools.count()

    def call_at(self, when, callback, *args):
        timer = Timer(max(when, self.now), callback, args)
        heapq.heappush(self._heap, (timer.when, next(self._order), timer))
        return timer

    def call_later(self, delay, callback, *args):
        return self.call_at(self.now + delay, callback, *args)

    def next_deadline(self):
        while self._heap and self._heap[0][2].cancelled:
            heapq.heappop(self._heap)
        return self._heap[0][0] if self._heap else None

    def run_until(self, moment):
        """Runs every callback due at or before `moment`, then sets the clock there."""
        while True:
            deadline = self.next_deadline()
            if deadline is None or deadline > moment:
                break
            _, _, timer = heapq.heappop(self._heap)
            self.now = max(self.now, timer.when)
            timer.callback(*timer.args)
        self.now = max(self.now, moment)

    def run_all(self, horizon=86400.0):
        """Runs the agenda until it is empty (or `horizon` seconds have passed)."""
        limit = self.now + horizon
        while True:
            deadline = self.next_deadline()
            if deadline is None or deadline > limit:
                return
            self.run_until(deadline)


class IdFactory:
    """Uniqueids `<epoch>.<n>`, Local channel suffixes and bridge ids.

    Asterisk takes the epoch part of a Uniqueid from the channel's creation
    time and `n` from one process-wide counter; Local channel names carry a
    second counter in hex. Bridge ids are UUIDs, drawn from a seeded generator
    so that a scenario is reproducible.
    """

    def __init__(self, first_unique=1, first_local=1, seed=0):
        self._unique = itertools.count(first_unique)
        self._local = itertools.count(first_local)
        self._random = random.Random(seed)

    def uniqueid(self, now):
        return f"{int(now)}.{next(self._unique)}"

    def local_suffix(self):
        return f"{next(self._local):08x}"

    def bridge_id(self):
        return str(uuid.UUID(int=self._random.getrandbits(128), version=4))

    def command_id(self):
        return self._random.randrange(100000000, 2147483647)
