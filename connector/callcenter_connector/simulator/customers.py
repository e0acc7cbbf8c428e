"""The outside world's phones: how a number dialed through `[customers]` behaves.

On the reference PBX every customer rings 2 s, answers and talks 3 s, and
that stays the default (the click-to-dial transcript depends on it). A
dialer needs more: numbers that are busy, never answer, or fail in the
network. `Customers` decides per number, first from an exact table, then
from suffix rules (the longest suffix wins), then from a drawn model when
one is set (for demo traffic: a contact rate and realistic times), else the
default. The `[customers]` dialplan the phone runs for each outcome:

    exten => _+X.,1,NoOp(customer ${EXTEN} phone ringing)
     same => n,Ringing()
     same => n,Wait(<after>)
     same => n,Answer()            ; or Busy(), Congestion(); no answer: Wait on
     same => n,Wait(<talk>)
     same => n,Hangup()
"""

import math
import random
from dataclasses import dataclass

ANSWER, BUSY, NO_ANSWER, CONGESTION = "answer", "busy", "no_answer", "congestion"
OUTCOMES = (ANSWER, BUSY, NO_ANSWER, CONGESTION)


@dataclass(frozen=True)
class Outcome:
    """`kind` happens `after` seconds of ringing; an answering customer talks `talk`
    seconds, then hangs up (None: until the other side hangs up)."""

    kind: str = ANSWER
    after: float = 2.0
    talk: float | None = 3.0

    def __post_init__(self):
        if self.kind not in OUTCOMES:
            raise ValueError(f"unknown customer outcome {self.kind!r}")


REFERENCE = Outcome()


@dataclass(frozen=True)
class CustomerModel:
    """Demo traffic: a share of live answers after a lognormal time, interviews of a
    lognormal length; the others are busy, congested or ring out."""

    contact_rate: float = 0.35
    mean_answer: float = 8.0
    mean_talk: float = 150.0
    busy_share: float = 0.15
    congestion_share: float = 0.05
    seed: int = 1

    def draw(self, rng):
        if rng.random() < self.contact_rate:
            return Outcome(ANSWER, min(max(lognormal(rng, self.mean_answer, 0.5), 1.0), 14.0),
                           max(lognormal(rng, self.mean_talk, 0.6), 10.0))
        draw = rng.random()
        if draw < self.busy_share:
            return Outcome(BUSY, rng.uniform(1.0, 5.0), None)
        if draw < self.busy_share + self.congestion_share:
            return Outcome(CONGESTION, rng.uniform(0.2, 2.0), None)
        return Outcome(NO_ANSWER, 0.0, None)


class Customers:
    """The behaviour of every number the PBX can dial out to."""

    def __init__(self, default=REFERENCE):
        self.default = default
        self.numbers = {}
        self.suffixes = {}
        self.model = None
        self._rng = random.Random(0)

    def set_number(self, number, outcome):
        self.numbers[str(number)] = outcome

    def set_suffix(self, suffix, outcome):
        """Every number ending in `suffix` (the longest matching suffix wins)."""
        self.suffixes[str(suffix)] = outcome

    def use_model(self, model):
        """Numbers not in the table nor matched by a suffix draw their outcome."""
        self.model = model
        self._rng = random.Random(model.seed if model else 0)

    def outcome(self, number):
        number = str(number)
        if number in self.numbers:
            return self.numbers[number]
        for suffix in sorted(self.suffixes, key=len, reverse=True):
            if number.endswith(suffix):
                return self.suffixes[suffix]
        if self.model is not None:
            return self.model.draw(self._rng)
        return self.default


def lognormal(rng, mean, sigma):
    """A lognormal draw of the given mean (not median): mu = ln(mean) - sigma^2 / 2."""
    return rng.lognormvariate(math.log(mean) - sigma * sigma / 2, sigma)
