"""Call-center traffic for demos, soaks and benchmarks.

`TrafficModel` describes the load: Poisson arrivals per queue (calls per
hour), and to the IVR lines (`ivr`, calls per hour spread over them, each
caller pressing random keys), callers' patience (exponential: a caller who
is not answered in time abandons), talk time (lognormal), and the share of
calls the agent puts on hold or transfers. `TrafficDriver` applies a model to a PBX entirely in
virtual time, drawing every random number from the model's seed, so a run is
reproducible whether it is played by `scenarios`-style pure code or by the
live server at any speed. Agents answer by their own behaviour and only as
logged-in, unpaused queue members chosen by the queue's strategy.
"""

import logging
import random
from dataclasses import dataclass, field

from . import operations
from .customers import lognormal

_logger = logging.getLogger(__name__)

IVR = "ivr"

DEFAULT_CALLERS = (
    ("+8613800138000", "Zhang Wei"), ("+34612345678", "María García"),
    ("+14155550123", "John Smith"), ("+4915112345678", "Hans Müller"),
    ("+447700900123", "Olivia Brown"), ("+33698765432", "Pierre Lefèvre"),
    ("+393471234567", "Isabella Rossi"), ("+48501234567", "Łukasz Nowak"),
    ("+201001234567", "Ahmed Hassan"), ("+61412345678", "Emma Wilson"),
    ("+5215512345678", "Carlos Mendoza"), ("+819012345678", "Sato Yuki"),
)


@dataclass(frozen=True)
class TrafficModel:
    """Load per queue in calls per hour, and the callers' and agents' habits."""

    queues: dict
    mean_talk: float = 180.0
    mean_patience: float = 60.0
    seed: int = 1
    talk_sigma: float = 0.5
    hold_probability: float = 0.1
    mean_hold: float = 20.0
    transfer_probability: float = 0.05
    callers: tuple = DEFAULT_CALLERS
    ivr: float = 0.0
    ivr_keys: str = "123456789"
    ivr_silence_probability: float = 0.15
    ivr_answers: int = 6

    def ivr_digits(self, rng):
        """A caller's answers to an IVR: random keys, now and then a silence."""
        return [("" if rng.random() < self.ivr_silence_probability else rng.choice(self.ivr_keys))
                for _ in range(self.ivr_answers)]

    def talk_seconds(self, rng):
        """Lognormal with mean `mean_talk`: mu = ln(mean) - sigma^2 / 2."""
        return max(1.0, lognormal(rng, self.mean_talk, self.talk_sigma))


@dataclass
class QueueTally:
    offered: int = 0
    answered: int = 0
    abandoned: int = 0
    held: int = 0
    transferred: int = 0


@dataclass
class TrafficReport:
    """What happened to the calls a driver placed (ended calls only)."""

    by_queue: dict = field(default_factory=dict)

    @property
    def offered(self):
        return sum(tally.offered for tally in self.by_queue.values())

    @property
    def answered(self):
        return sum(tally.answered for tally in self.by_queue.values())

    @property
    def abandoned(self):
        return sum(tally.abandoned for tally in self.by_queue.values())


class TrafficDriver:
    """Places a model's calls on a PBX and records their outcome (no I/O)."""

    def __init__(self, pbx, model):
        self.pbx = pbx
        self.model = model
        self.rng = random.Random(model.seed)
        self.until = None
        self.stopped = False
        self.report_data = TrafficReport({name: QueueTally() for name in model.queues})
        self._queue_of = {}
        self._timers = []

    def start(self, duration=None):
        now = self.pbx.now()
        self.until = None if duration is None else now + duration
        self.pbx.observers.append(self)
        for queue, per_hour in self.model.queues.items():
            if queue not in self.pbx.queues:
                raise ValueError(f"traffic for unknown queue {queue}")
            if per_hour > 0:
                self._schedule_arrival(queue, per_hour)
        if self.model.ivr > 0:
            if not self.pbx.ivr_lines:
                raise ValueError("IVR traffic without an IVR line")
            self.report_data.by_queue[IVR] = QueueTally()
            self._schedule_arrival(IVR, self.model.ivr)

    def stop(self):
        """No more arrivals; calls in progress go on."""
        self.stopped = True
        for timer in self._timers:
            timer.cancel()
        self._timers.clear()

    def _schedule_arrival(self, queue, per_hour):
        delay = self.rng.expovariate(per_hour / 3600.0)
        if self.until is not None and self.pbx.now() + delay > self.until:
            return
        self._timers.append(self.pbx.later(delay, self._arrival, queue, per_hour))

    def _arrival(self, queue, per_hour):
        if self.stopped:
            return
        self._timers = [timer for timer in self._timers if not timer.cancelled]
        model, rng = self.model, self.rng
        number, name = rng.choice(model.callers)
        patience = rng.expovariate(1.0 / model.mean_patience)
        talk = model.talk_seconds(rng)
        options = {}
        if queue == IVR:
            did = rng.choice(sorted(self.pbx.ivr_lines))
            options["ivr_digits"] = model.ivr_digits(rng)
        else:
            did = self.pbx.line_for_queue(queue)
        call = operations.place_inbound_call(self.pbx, did, number, name, None,
                                             patience=patience, talk_seconds=talk, **options)
        self._queue_of[call] = queue
        self.report_data.by_queue[queue].offered += 1
        _logger.debug("traffic call %s for %s (patience %.0fs, talk %.0fs)",
                      call.linkedid, queue, patience, talk)
        self._schedule_arrival(queue, per_hour)

    # --- PBX observer -------------------------------------------------------------

    def call_connected(self, call):
        queue = self._queue_of.get(call)
        if queue is None:
            return
        model, rng = self.model, self.rng
        talk = call.talk_seconds or model.mean_talk
        if rng.random() < model.hold_probability:
            seconds = min(rng.expovariate(1.0 / model.mean_hold), talk / 2)
            self.pbx.later(rng.uniform(0.1, 0.4) * talk, self._hold, call, seconds)
        if rng.random() < model.transfer_probability:
            self.pbx.later(rng.uniform(0.5, 0.8) * talk, self._transfer, call)

    def _hold(self, call, seconds):
        if not call.ended and operations.hold(self.pbx, call.linkedid, seconds):
            self.report_data.by_queue[self._queue_of[call]].held += 1

    def _transfer(self, call):
        """Blind transfer of the answering member to another free agent."""
        if call.ended:
            return
        operation = call.dialplan.operation if call.dialplan else None
        member_leg = getattr(operation, "connected", None)
        if member_leg is None or getattr(operation, "state", "") != "bridged":
            return
        free = [agent for agent in self.pbx.agents.values()
                if not agent.busy and agent is not member_leg.agent]
        if not free:
            return
        target = self.rng.choice(free)
        if operations.blind_transfer(self.pbx, member_leg.one.name, "internal", target.extension):
            self.report_data.by_queue[self._queue_of[call]].transferred += 1

    def call_ended(self, call):
        queue = self._queue_of.pop(call, None)
        if queue is None:
            return
        tally = self.report_data.by_queue[queue]
        if call.connected:
            tally.answered += 1
        else:
            tally.abandoned += 1

    def report(self):
        return self.report_data
