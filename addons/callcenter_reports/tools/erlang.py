# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Erlang C staffing: how many agents answer a given traffic in time.

Pure functions, no Odoo import (the pure-Python test tier loads this file by path).

The textbook form of Erlang C uses A**n / n! and overflows a float past about
170 agents. Erlang B has a recurrence whose every step stays in [0, 1]:

    B(0) = 1,   B(n) = A·B(n-1) / (n + A·B(n-1))

and Erlang C follows from it without powers or factorials:

    C(n) = n·B(n) / (n − A·(1 − B(n)))        (n > A)

so thousands of agents cost a few thousand multiplications and never overflow.

Units: `traffic` in erlangs (calls × handle time / interval length), `aht` and
`target_seconds` in seconds, service level, occupancy, shrinkage and the
probability of waiting as ratios in [0, 1].
"""

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class ErlangResult:
    """What `agents` productive agents give on `traffic` erlangs."""

    traffic: float
    agents: int
    probability_waiting: float
    service_level: float
    asa: float
    occupancy: float


# ------------------------------------------------------------
# VALIDATION
# ------------------------------------------------------------


def _check_traffic(traffic):
    if traffic is None or math.isnan(traffic) or math.isinf(traffic) or traffic < 0:
        raise ValueError(f"Traffic must be a finite number of erlangs >= 0, not {traffic!r}.")


def _check_agents(agents):
    if isinstance(agents, bool) or not isinstance(agents, int) or agents < 0:
        raise ValueError(f"Agents must be a whole number >= 0, not {agents!r}.")


def _check_aht(aht):
    if aht is None or math.isnan(aht) or math.isinf(aht) or aht <= 0:
        raise ValueError(f"Average handle time must be a number of seconds > 0, not {aht!r}.")


def _check_target_seconds(target_seconds):
    if target_seconds is None or math.isnan(target_seconds) or target_seconds < 0:
        raise ValueError(f"Target answer time must be >= 0 seconds, not {target_seconds!r}.")


# ------------------------------------------------------------
# FORMULAS
# ------------------------------------------------------------


def traffic_intensity(calls, interval_seconds, aht):
    """Offered load in erlangs: calls × AHT / interval length."""
    if calls is None or math.isnan(calls) or math.isinf(calls) or calls < 0:
        raise ValueError(f"Calls must be a number >= 0, not {calls!r}.")
    if interval_seconds is None or not interval_seconds > 0 or math.isinf(interval_seconds):
        raise ValueError(
            f"Interval length must be a number of seconds > 0, not {interval_seconds!r}.")
    _check_aht(aht)
    return calls * aht / interval_seconds


def erlang_b(traffic, agents):
    """Blocking probability of `agents` servers, by the stable recurrence."""
    _check_traffic(traffic)
    _check_agents(agents)
    blocking = 1.0
    for n in range(1, agents + 1):
        blocking = traffic * blocking / (n + traffic * blocking)
    return blocking


def _erlang_c_from_b(traffic, agents, blocking):
    return agents * blocking / (agents - traffic * (1.0 - blocking))


def erlang_c(traffic, agents):
    """Probability that a call waits: 1.0 when agents <= traffic (the queue
    grows without end), 0.0 when there is no traffic at all."""
    _check_traffic(traffic)
    _check_agents(agents)
    if traffic == 0:
        return 0.0
    if agents <= traffic:
        return 1.0
    return _erlang_c_from_b(traffic, agents, erlang_b(traffic, agents))


def _service_level(traffic, agents, aht, target_seconds, wait_probability):
    if traffic == 0:
        return 1.0
    if agents <= traffic:
        return 0.0
    return max(0.0, 1.0 - wait_probability * math.exp(-(agents - traffic) * target_seconds / aht))


def service_level(traffic, agents, aht, target_seconds):
    """Share of calls answered within `target_seconds`."""
    _check_aht(aht)
    _check_target_seconds(target_seconds)
    return _service_level(traffic, agents, aht, target_seconds, erlang_c(traffic, agents))


def _asa(traffic, agents, aht, wait_probability):
    if traffic == 0:
        return 0.0
    if agents <= traffic:
        return math.inf
    return wait_probability * aht / (agents - traffic)


def asa(traffic, agents, aht):
    """Average speed of answer in seconds (math.inf when agents <= traffic)."""
    _check_aht(aht)
    return _asa(traffic, agents, aht, erlang_c(traffic, agents))


def occupancy(traffic, agents):
    """Share of the agents' time spent handling calls: traffic / agents, at most 1."""
    _check_traffic(traffic)
    _check_agents(agents)
    if traffic == 0:
        return 0.0
    if agents <= traffic:
        return 1.0
    return traffic / agents


def evaluate(traffic, agents, aht, target_seconds):
    """Every figure of `agents` productive agents on `traffic`, in one pass."""
    _check_aht(aht)
    _check_target_seconds(target_seconds)
    wait_probability = erlang_c(traffic, agents)
    return ErlangResult(
        traffic=traffic,
        agents=agents,
        probability_waiting=wait_probability,
        service_level=_service_level(traffic, agents, aht, target_seconds, wait_probability),
        asa=_asa(traffic, agents, aht, wait_probability),
        occupancy=occupancy(traffic, agents),
    )


def agents_needed(traffic, aht, target_sl, target_seconds, max_occupancy=None):
    """Smallest number of productive agents that answers `target_sl` of the calls
    within `target_seconds` and, when given, keeps occupancy <= `max_occupancy`.

    Service level rises with n, so the first n that meets the targets is the
    answer. Erlang B is carried from n to n + 1 by the recurrence, so the whole
    search costs O(n) however large n is.
    """
    _check_traffic(traffic)
    _check_aht(aht)
    _check_target_seconds(target_seconds)
    if target_sl is None or not 0 < target_sl < 1:
        raise ValueError(
            f"Service level target must be strictly between 0 and 1, not {target_sl!r}.")
    if max_occupancy is not None and not 0 < max_occupancy <= 1:
        raise ValueError(f"Maximum occupancy must be in (0, 1], not {max_occupancy!r}.")
    if traffic == 0:
        return 0
    # The first n above the traffic; occupancy asks for n >= traffic / max_occupancy.
    agents = math.floor(traffic) + 1
    if max_occupancy is not None:
        agents = max(agents, math.ceil(traffic / max_occupancy - 1e-9))
    blocking = erlang_b(traffic, agents)
    while True:
        wait_probability = _erlang_c_from_b(traffic, agents, blocking)
        if _service_level(traffic, agents, aht, target_seconds, wait_probability) >= target_sl:
            return agents
        agents += 1
        blocking = traffic * blocking / (agents + traffic * blocking)


def with_shrinkage(agents, shrinkage):
    """Agents to schedule so that `agents` remain once `shrinkage` (breaks,
    training, absence: a ratio in [0, 1)) is taken off: ceil(n / (1 − s))."""
    _check_agents(agents)
    if shrinkage is None or math.isnan(shrinkage) or not 0 <= shrinkage < 1:
        raise ValueError(f"Shrinkage must be in [0, 1), not {shrinkage!r}.")
    # The epsilon keeps 14 / 0.7 = 20.000000000000004 from scheduling 21.
    return math.ceil(agents / (1.0 - shrinkage) - 1e-9)


def productive_agents(scheduled, shrinkage):
    """Agents left on the phones out of `scheduled` once shrinkage is taken off:
    floor(n × (1 − s)), the inverse of `with_shrinkage`."""
    _check_agents(scheduled)
    if shrinkage is None or math.isnan(shrinkage) or not 0 <= shrinkage < 1:
        raise ValueError(f"Shrinkage must be in [0, 1), not {shrinkage!r}.")
    # The epsilon keeps 20 × 0.7 = 13.999999999999998 from losing an agent.
    return math.floor(scheduled * (1.0 - shrinkage) + 1e-9)
