"""How many calls a CATI campaign places now: pure functions of a snapshot.

Progressive keeps the lines in progress (ringing, or answered and waiting for
an interviewer) at the number of free interviewers, so every respondent who
answers has an interviewer waiting. Predictive dials ahead, up to
`max_dial_ratio` lines per free interviewer: it places as many lines as it
can while each one's expected abandons stay under its share of the cap.

The expectation looks at the next `ring_seconds` in steps of the connect
window: in each step the lines (ringing ones by how long they have rung, new
ones from zero) bring answers, binomial with the measured contact rate and
time to answer, and interviewers come free (wrap-ups ending, calls ending).
Interviewers freed in a step first take the respondents still waiting from
the step before, who are abandoned if there are too few; the step's answers
then take the idle interviewers. That balance is carried as a normal law,
whose variance is what makes a small team dial more carefully than a large
one (`Outlook`). Each line must bring less than its share of the cap in
abandons, so lines likely to be abandoned cannot ride on safe ones. When the
abandon ratio (Odoo's 30 days plus this session) is over the cap, or the
lines ahead would take it over, predictive falls back to progressive until
the ratio is back under.

`DialStats` keeps what a campaign paces on (contact rate, handle time, the
time-to-answer distribution) over its recent calls, starting from a cautious
prior: a high contact rate and a long handle time, both of which mean fewer
lines.
"""

import bisect
import math
from collections import Counter, deque
from dataclasses import dataclass

PROGRESSIVE, PREDICTIVE = "progressive", "predictive"
DEFAULT_ABANDON_CAP = 0.03
DEFAULT_MAX_DIAL_RATIO = 3.0
DEFAULT_RING_SECONDS = 20
DEFAULT_CONNECT_SECONDS = 2.0
#: The share of the cap a line placed ahead may risk; the rest absorbs the model's
#: simplifications and chance.
PLANNED_SHARE_OF_CAP = 0.75
PRIOR_CONTACT_RATE = 0.5
PRIOR_HANDLE_SECONDS = 300.0
PRIOR_ANSWER_SECONDS = 10.0
PRIOR_ANSWER_SIGMA = 0.6
PRIOR_WEIGHT = 20
STATS_WINDOW = 300
INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)
INV_SQRT_2 = 1.0 / math.sqrt(2.0)


@dataclass(frozen=True)
class Snapshot:
    """One campaign at one moment, and what it has measured.

    `ringing` holds how long each line in progress and not yet answered has
    rung; `waiting` counts respondents who answered and wait for an
    interviewer; `wrapups` holds the wrap-up seconds left of each interviewer
    in wrap-up; `talking` counts interviewers on a call. `answer_cdf[k]` is the
    share of answered calls answered within k seconds, k = 0..ring_seconds.
    """

    mode: str
    free: int
    talking: int = 0
    wrapups: tuple = ()
    ringing: tuple = ()
    waiting: int = 0
    contact_rate: float = PRIOR_CONTACT_RATE
    handle_seconds: float = PRIOR_HANDLE_SECONDS
    wrapup_seconds: float = 0.0
    answer_cdf: tuple = ()
    abandoned: int = 0
    live: int = 0
    abandon_cap: float = DEFAULT_ABANDON_CAP
    max_dial_ratio: float = DEFAULT_MAX_DIAL_RATIO
    ring_seconds: int = DEFAULT_RING_SECONDS
    connect_seconds: float = DEFAULT_CONNECT_SECONDS

    @property
    def in_progress(self):
        return len(self.ringing) + self.waiting

    @property
    def staffed(self):
        return self.free + self.talking + len(self.wrapups)


@dataclass(frozen=True)
class Plan:
    """`dial` new calls; `fallback` when predictive pacing stood back to progressive."""

    dial: int
    mode: str
    fallback: bool = False
    expected_abandons: float = 0.0
    expected_live: float = 0.0


def progressive_lines(snapshot):
    """Free interviewers not yet covered by a line in progress."""
    return max(0, snapshot.free - snapshot.in_progress)


def lines_to_dial(snapshot):
    return plan(snapshot).dial


def plan(snapshot):
    """The number of calls to place now, and why.

    Predictive adds lines one by one while the abandons each one adds stay
    under its share of the cap (a planned share of the cap times the live
    answers it brings): judging each line on its own, not the batch on
    average, keeps lines that would mostly be abandoned from riding on the
    safe ones already ringing.
    """
    if snapshot.staffed <= 0:
        return Plan(0, snapshot.mode)
    progressive = progressive_lines(snapshot)
    if snapshot.mode != PREDICTIVE:
        return Plan(progressive, PROGRESSIVE)
    cap = snapshot.abandon_cap
    if snapshot.live and snapshot.abandoned > cap * snapshot.live:
        return Plan(progressive, PROGRESSIVE, fallback=True)
    limit = math.floor(snapshot.max_dial_ratio * snapshot.free + 1e-9)
    room = max(limit - snapshot.in_progress, progressive)
    if room <= progressive:
        return Plan(progressive, PREDICTIVE)
    outlook = Outlook(snapshot)
    allowed = cap * PLANNED_SHARE_OF_CAP * outlook.contact
    dial = progressive
    abandons, live = outlook.expected(dial)
    while dial < room:
        more, more_live = outlook.expected(dial + 1)
        if more - abandons > allowed:
            break
        dial, abandons, live = dial + 1, more, more_live
    if dial > progressive and snapshot.abandoned + abandons > cap * (snapshot.live + live):
        abandons, live = outlook.expected(progressive)
        return Plan(progressive, PROGRESSIVE, True, abandons, live)
    return Plan(dial, PREDICTIVE, False, abandons, live)


class Outlook:
    """Answers and interviewers over the next seconds, in steps of the connect window;
    the part that does not depend on the new lines is computed once, `expected(n)`
    adds them.

    The balance of each step (idle interviewers minus waiting respondents)
    follows Lindley's recursion: interviewers freed in a step first take the
    respondents left waiting by the previous step, who hang up unserved if
    there are too few, then the step's answers take the idle ones and the
    rest wait. Each balance is kept as a normal law (mean and variance,
    matched through the clipping at zero), which follows the path of the
    shortfall rather than its worst moment and stays slightly pessimistic
    against a Monte Carlo of the same model.
    """

    def __init__(self, snapshot):
        ring = max(int(snapshot.ring_seconds), 1)
        step = max(int(round(snapshot.connect_seconds)), 1)
        edges = list(range(0, ring + step + 1, step))
        cdf = list(answer_cdf(snapshot, ring)) + [1.0] * (ring + step + 1)
        p = min(max(snapshot.contact_rate, 1e-6), 1.0)
        wrapup = max(snapshot.wrapup_seconds, 0.0)
        talk = max(snapshot.handle_seconds - wrapup, 1.0)
        self.contact = p
        self.start = float(snapshot.free - snapshot.waiting)
        rung = {}
        for second, count in Counter(map(int, snapshot.ringing)).items():
            second = min(max(second, 0), ring)
            rung[second] = rung.get(second, 0) + count
        # A line that rang `second` s unanswered is answered later with p / P(unanswered).
        lines = [(second, count, p / max(1.0 - p * cdf[second], 1e-9))
                 for second, count in rung.items()]
        self.live_base = snapshot.waiting + sum(count * scale * (1.0 - cdf[second])
                                                for second, count, scale in lines)
        wrapups = sorted(max(left, 0.0) for left in snapshot.wrapups)
        self.steps = []
        for begin, end in zip(edges, edges[1:]):
            arrivals = variance = 0.0
            for second, count, scale in lines:
                q = scale * (cdf[second + end] - cdf[second + begin])
                arrivals += count * q
                variance += count * q * (1.0 - q)
            done = (math.exp(-max(begin - wrapup, 0.0) / talk)
                    - math.exp(-max(end - wrapup, 0.0) / talk))
            ready = bisect.bisect_left(wrapups, end) - bisect.bisect_left(wrapups, begin)
            share = p * (cdf[end] - cdf[begin])
            self.steps.append((arrivals, variance, share, share * (1.0 - share),
                               ready + snapshot.talking * done,
                               snapshot.talking * done * (1.0 - done)))

    def expected(self, new_lines):
        """(expected abandons, expected live answers) with `new_lines` more calls."""
        mean, variance, abandons = self.start, 0.0, 0.0
        for arrivals, arrivals_var, share, share_var, supply, supply_var in self.steps:
            mean += supply
            variance += supply_var
            abandons += _positive_part(-mean, variance)[0]
            mean, variance = _positive_part(mean, variance)
            mean -= arrivals + new_lines * share
            variance += arrivals_var + new_lines * share_var
        abandons += _positive_part(-mean, variance)[0]
        return abandons, self.live_base + new_lines * self.contact


def _positive_part(mean, variance):
    """Mean and variance of max(X, 0) for X normal (mean, variance)."""
    if variance <= 1e-12:
        return max(mean, 0.0), 0.0
    sigma = math.sqrt(variance)
    z = mean / sigma
    if z < -8.0:
        return 0.0, 0.0
    if z > 8.0:
        return mean, variance
    density = math.exp(-0.5 * z * z) * INV_SQRT_2PI
    below = 0.5 * math.erfc(-z * INV_SQRT_2)
    first = mean * below + sigma * density
    second = (mean * mean + variance) * below + mean * sigma * density
    return max(first, 0.0), max(second - first * first, 0.0)


def answer_cdf(snapshot, ring):
    """The snapshot's time-to-answer distribution at whole seconds 0..ring, the prior's
    when it has none; the last value is 1 (an answered call answered within the ring)."""
    cdf = snapshot.answer_cdf
    if len(cdf) < ring + 1:
        cdf = lognormal_cdf(PRIOR_ANSWER_SECONDS, PRIOR_ANSWER_SIGMA, ring)
    return cdf


def lognormal_cdf(mean, sigma, ring):
    """P(answer within k s), k = 0..ring, for a lognormal time to answer cut at the ring."""
    mu = math.log(max(mean, 0.1)) - sigma * sigma / 2
    raw = [0.0] + [0.5 * math.erfc(-(math.log(k) - mu) / (sigma * math.sqrt(2.0)))
                   for k in range(1, ring + 1)]
    total = raw[-1] or 1.0
    return tuple(value / total for value in raw)


class DialStats:
    """A campaign's recent dials and connects, blended with a prior while they are few.

    Each measure is a rolling mean of the last `window` samples, pulled towards
    its prior with the weight of `prior_weight` samples, so a new campaign paces
    cautiously and a campaign whose audience changes follows within a window.
    The time to answer is kept as a distribution (sorted samples), since when
    answers come matters as much as how many.
    """

    def __init__(self, window=STATS_WINDOW, prior_contact=PRIOR_CONTACT_RATE,
                 prior_handle=PRIOR_HANDLE_SECONDS, prior_answer=PRIOR_ANSWER_SECONDS,
                 prior_weight=PRIOR_WEIGHT):
        self._contacts = _Rolling(window, prior_contact, prior_weight)
        self._handles = _Rolling(window, prior_handle, prior_weight)
        self._answers = _Rolling(window, prior_answer, prior_weight)
        self._sorted_answers = []
        self._cdf_cache = {}

    def dialed(self, answered, answer_seconds=None):
        """A dial reached its outcome: answered live or not (busy, no answer…)."""
        self._contacts.add(1.0 if answered else 0.0)
        if answered and answer_seconds is not None:
            value = max(float(answer_seconds), 0.0)
            dropped = self._answers.add(value)
            if dropped is not None:
                del self._sorted_answers[bisect.bisect_left(self._sorted_answers, dropped)]
            bisect.insort(self._sorted_answers, value)
            self._cdf_cache.clear()

    def handled(self, seconds):
        """An interviewer is free again `seconds` after a respondent was connected."""
        self._handles.add(max(seconds, 0.0))

    @property
    def contact_rate(self):
        return self._contacts.mean

    @property
    def handle_seconds(self):
        return self._handles.mean

    @property
    def answer_seconds(self):
        return self._answers.mean

    @property
    def dials(self):
        return self._contacts.count

    def answer_cdf(self, ring_seconds):
        """P(answered within k s), k = 0..ring_seconds: the samples, blended with the
        prior's lognormal with the prior's weight."""
        ring = max(int(ring_seconds), 1)
        cached = self._cdf_cache.get(ring)
        if cached is not None:
            return cached
        prior = lognormal_cdf(PRIOR_ANSWER_SECONDS, PRIOR_ANSWER_SIGMA, ring)
        samples, weight = self._sorted_answers, self._answers.weight
        total = len(samples) + weight
        cdf = tuple((bisect.bisect_right(samples, k) + weight * prior[k]) / total
                    for k in range(ring))
        cdf += (1.0,)
        self._cdf_cache[ring] = cdf
        return cdf


class _Rolling:
    def __init__(self, window, prior, weight):
        self.samples = deque(maxlen=window)
        self.total = 0.0
        self.prior = prior
        self.weight = weight

    def add(self, value):
        """Adds a sample; returns the one that left the window, if any."""
        dropped = None
        if len(self.samples) == self.samples.maxlen:
            dropped = self.samples[0]
            self.total -= dropped
        self.samples.append(value)
        self.total += value
        return dropped

    @property
    def count(self):
        return len(self.samples)

    @property
    def mean(self):
        return (self.total + self.prior * self.weight) / (len(self.samples) + self.weight)
