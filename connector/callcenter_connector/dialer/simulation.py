"""A seeded discrete-event simulation of one CATI campaign, paced by `pacing`.

It answers the questions a campaign manager asks before trusting a dialer —
how many respondents hear the abandon message, how busy the interviewers
are, how many interviews an hour — without a PBX and in no real time. The
dialer decides with the same `pacing.plan` and `DialStats` as the connector,
on the same kind of snapshot, every `tick_seconds` (a second; the connector
ticks four times a second, which only dials sooner).

The world: `interviewers` who talk (lognormal) and then wrap up (fixed, the
connector's own wrap-up timer), numbers that answer live with probability
`contact_rate` after a lognormal time to answer (shorter than the ring time),
and otherwise ring out after `ring_seconds`, or are busy or congested within
a few seconds. An answered respondent who finds no free interviewer within
`connect_seconds` is abandoned: the connector plays the abandon message.
Dial outcomes and talk times come from two streams seeded from `seed`, so the
n-th number dialed and the n-th interview are the same whatever the mode
(common random numbers: progressive and predictive are compared on the same
audience, not on luck); events are ordered by a heap with a sequence number,
so a run is reproducible to the last call.
"""

import heapq
import itertools
import random
from collections import deque
from dataclasses import dataclass

from ..simulator.customers import lognormal
from .pacing import PREDICTIVE, DialStats, Snapshot, plan

TICK, RESOLVED, TIMEOUT, TALK_END, WRAP_END = range(5)


@dataclass(frozen=True)
class Campaign:
    """The team, the audience and the dialer's settings of one simulated run."""

    interviewers: int = 10
    contact_rate: float = 0.3
    mode: str = PREDICTIVE
    hours: float = 8.0
    seed: int = 1
    ring_seconds: float = 20.0
    connect_seconds: float = 2.0
    mean_answer: float = 8.0
    answer_sigma: float = 0.5
    mean_talk: float = 240.0
    talk_sigma: float = 0.6
    wrapup_seconds: float = 20.0
    busy_share: float = 0.15
    congestion_share: float = 0.05
    abandon_cap: float = 0.03
    max_dial_ratio: float = 3.0
    abandoned_30d: int = 0
    live_30d: int = 0
    tick_seconds: float = 1.0


@dataclass
class Report:
    """What happened in a run; rates are over the campaign's `hours`."""

    campaign: Campaign
    dialed: int = 0
    connected: int = 0
    abandoned: int = 0
    no_answer: int = 0
    busy: int = 0
    congestion: int = 0
    occupied_seconds: float = 0.0
    ticks: int = 0
    fallback_ticks: int = 0

    @property
    def live(self):
        return self.connected + self.abandoned

    @property
    def abandon_rate(self):
        """Abandoned over live answered calls, as the cap counts them."""
        return self.abandoned / self.live if self.live else 0.0

    @property
    def occupancy(self):
        """Talk and wrap-up time over logged-in time."""
        logged = self.campaign.interviewers * self.campaign.hours * 3600.0
        return self.occupied_seconds / logged if logged else 0.0

    @property
    def calls_per_hour(self):
        return self.connected / self.campaign.hours

    @property
    def calls_per_hour_per_interviewer(self):
        n = self.campaign.interviewers
        return self.calls_per_hour / n if n else 0.0

    @property
    def dial_ratio(self):
        """Calls placed per interview."""
        return self.dialed / self.connected if self.connected else 0.0


class Simulation:
    def __init__(self, campaign):
        self.c = campaign
        self.rng = random.Random(campaign.seed)
        self.talks = random.Random(campaign.seed * 7919 + 1)
        self.stats = DialStats()
        self.report = Report(campaign)
        self.now = 0.0
        self.end = campaign.hours * 3600.0
        self._heap = []
        self._order = itertools.count()
        self.since = [0.0] * campaign.interviewers
        self.free = list(range(campaign.interviewers))
        self.talking = 0
        self.wrapup_ends = {}
        self.ringing = {}
        self.waiting = deque()
        self.pending = {}
        self.session_abandoned = 0
        self.session_live = 0
        self._calls = itertools.count(1)
        self._lines = itertools.count(1)

    def run(self):
        self._at(0.0, TICK)
        while self._heap:
            self.now, _order, kind, payload = heapq.heappop(self._heap)
            if kind == TICK:
                self._tick()
            elif kind == RESOLVED:
                self._resolved(*payload)
            elif kind == TIMEOUT:
                self._timeout(payload)
            elif kind == TALK_END:
                self._talk_end(*payload)
            else:
                self._wrap_end(payload)
        return self.report

    def _at(self, when, kind, payload=None):
        heapq.heappush(self._heap, (when, next(self._order), kind, payload))

    # --- the dialer ---------------------------------------------------------------------

    def snapshot(self):
        c, stats, now = self.c, self.stats, self.now
        return Snapshot(
            mode=c.mode, free=len(self.free), talking=self.talking,
            wrapups=tuple(end - now for end in self.wrapup_ends.values()),
            ringing=tuple(now - placed for placed in self.ringing.values()),
            waiting=len(self.pending), contact_rate=stats.contact_rate,
            handle_seconds=stats.handle_seconds, wrapup_seconds=c.wrapup_seconds,
            answer_cdf=stats.answer_cdf(c.ring_seconds),
            abandoned=c.abandoned_30d + self.session_abandoned,
            live=c.live_30d + self.session_live, abandon_cap=c.abandon_cap,
            max_dial_ratio=c.max_dial_ratio, ring_seconds=int(c.ring_seconds),
            connect_seconds=c.connect_seconds)

    def _tick(self):
        if self.now >= self.end:
            return
        self.report.ticks += 1
        decision = plan(self.snapshot())
        if decision.fallback:
            self.report.fallback_ticks += 1
        for _ in range(decision.dial):
            self._dial()
        self._at(self.now + self.c.tick_seconds, TICK)

    def _dial(self):
        c, rng = self.c, self.rng
        self.report.dialed += 1
        line = next(self._lines)
        self.ringing[line] = self.now
        if rng.random() < c.contact_rate:
            self._at(self.now + self._answer_delay(), RESOLVED, ("answered", line))
            return
        draw = rng.random()
        if draw < c.busy_share:
            self._at(self.now + rng.uniform(1.0, 5.0), RESOLVED, ("busy", line))
        elif draw < c.busy_share + c.congestion_share:
            self._at(self.now + rng.uniform(0.2, 2.0), RESOLVED, ("congestion", line))
        else:
            self._at(self.now + c.ring_seconds, RESOLVED, ("no_answer", line))

    def _answer_delay(self):
        """Lognormal with mean `mean_answer`, redrawn until it falls within the ring time."""
        c = self.c
        while True:
            delay = lognormal(self.rng, c.mean_answer, c.answer_sigma)
            if 0.5 <= delay < c.ring_seconds:
                return delay

    # --- calls ----------------------------------------------------------------------------

    def _resolved(self, outcome, line):
        dialed_at = self.ringing.pop(line)
        answered = outcome == "answered"
        self.stats.dialed(answered, self.now - dialed_at if answered else None)
        if not answered:
            setattr(self.report, outcome, getattr(self.report, outcome) + 1)
            return
        if self.free:
            self._connect(self.free.pop())
            return
        call = next(self._calls)
        self.pending[call] = self.now
        self.waiting.append(call)
        self._at(self.now + self.c.connect_seconds, TIMEOUT, call)

    def _timeout(self, call):
        if self.pending.pop(call, None) is None:
            return
        self.report.abandoned += 1
        self.session_abandoned += 1
        self.session_live += 1

    def _connect(self, agent):
        self.report.connected += 1
        self.session_live += 1
        self.talking += 1
        self.since[agent] = self.now
        talk = max(5.0, lognormal(self.talks, self.c.mean_talk, self.c.talk_sigma))
        self._at(self.now + talk, TALK_END, (agent, self.now))

    def _talk_end(self, agent, connected_at):
        self._occupied(self.since[agent])
        self.talking -= 1
        self.since[agent] = self.now
        self.wrapup_ends[agent] = self.now + self.c.wrapup_seconds
        self._at(self.now + self.c.wrapup_seconds, WRAP_END, (agent, connected_at))

    def _wrap_end(self, payload):
        agent, connected_at = payload
        self._occupied(self.since[agent])
        self.stats.handled(self.now - connected_at)
        del self.wrapup_ends[agent]
        while self.waiting:
            call = self.waiting.popleft()
            if self.pending.pop(call, None) is not None:
                self._connect(agent)
                return
        self.free.append(agent)

    def _occupied(self, start):
        """Talk or wrap-up time within the campaign's hours (calls run on after the end)."""
        self.report.occupied_seconds += max(0.0, min(self.now, self.end) - min(start, self.end))


def simulate(campaign=None, **settings):
    """Runs one campaign (a `Campaign`, or its fields) to the end of its last call."""
    return Simulation(campaign or Campaign(**settings)).run()
