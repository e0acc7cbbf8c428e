# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Deterministic demo history: a month of calls and agent states that add up.

A small queueing simulation rather than random rows, so that waits, abandons,
handle times and busy/idle intervals are consistent with each other and every
report has believable content. The same seed always gives the same history.
"""

import math
import random
from dataclasses import dataclass, field
from datetime import timedelta

OPEN_HOUR = 8
CLOSE_HOUR = 20
MEAN_PATIENCE_SECONDS = 75
MEAN_TALK_SECONDS = 170
OUTBOUND_PER_AGENT_DAY = 3
LUNCH_MINUTES = 45
HOURLY_PROFILE = {8: 0.6, 9: 1.1, 10: 1.4, 11: 1.3, 12: 0.8, 13: 0.9,
                  14: 1.2, 15: 1.3, 16: 1.1, 17: 0.9, 18: 0.6, 19: 0.4}


@dataclass
class DemoQueue:
    id: int
    calls_per_hour: float
    agent_ids: list


@dataclass
class DemoAgent:
    id: int
    wrapup_seconds: int
    lunch_offset_minutes: int
    free_at: object = None
    intervals: list = field(default_factory=list)


def _talk_seconds(rng):
    sigma = 0.6
    mu = math.log(MEAN_TALK_SECONDS) - sigma * sigma / 2
    return max(int(rng.lognormvariate(mu, sigma)), 15)


def _poisson_times(rng, start, hours_rate):
    """Arrival instants of a non-homogeneous Poisson process over the opening hours."""
    times = []
    for hour in range(OPEN_HOUR, CLOSE_HOUR):
        rate = hours_rate * HOURLY_PROFILE.get(hour, 1.0) / 3600.0
        if rate <= 0:
            continue
        t = 0.0
        while True:
            t += rng.expovariate(rate)
            if t >= 3600:
                break
            times.append(start + timedelta(hours=hour, seconds=int(t)))
    return times


def _lunch(agent, day_start):
    begin = day_start + timedelta(hours=12, minutes=agent.lunch_offset_minutes)
    return begin, begin + timedelta(minutes=LUNCH_MINUTES)


def _available_from(agent, at, day_start):
    start = max(at, agent.free_at)
    lunch_begin, lunch_end = _lunch(agent, day_start)
    if lunch_begin <= start < lunch_end:
        start = lunch_end
    return start


def generate(day_starts, queues, agents, customer_numbers, unknown_numbers, seed=2026):
    """Returns (calls, state_logs) as lists of value dicts, sorted by time.

    `day_starts` are naive UTC datetimes at midnight; `queues` DemoQueue;
    `agents` {id: DemoAgent}; numbers are raw strings as a PBX would send them.
    """
    rng = random.Random(seed)
    calls, logs = [], []
    for day_start in day_starts:
        for agent in agents.values():
            agent.free_at = day_start + timedelta(hours=OPEN_HOUR)
            agent.intervals = []
        events = [
            (when, 0, queue.id, queue) for queue in queues
            for when in _poisson_times(rng, day_start, queue.calls_per_hour)
        ]
        events.extend(
            (day_start + timedelta(seconds=int(rng.uniform(OPEN_HOUR + 1, CLOSE_HOUR - 1) * 3600)),
             1, agent.id, agent)
            for agent in agents.values() for _n in range(OUTBOUND_PER_AGENT_DAY)
        )
        events.sort(key=lambda event: event[:3])
        for when, kind, _id, target in events:
            if kind == 0:
                calls.append(_inbound_call(rng, when, target, agents, day_start,
                                           customer_numbers, unknown_numbers))
            else:
                calls.append(_outbound_call(rng, when, target, day_start, customer_numbers))
        for agent in agents.values():
            logs.extend(_state_logs(agent, day_start))
    calls.sort(key=lambda c: c["started_at"])
    return calls, logs


def _inbound_call(rng, when, queue, agents, day_start, customer_numbers, unknown_numbers):
    known = rng.random() < 0.7
    number = rng.choice(customer_numbers if known and customer_numbers else unknown_numbers)
    call = {
        "direction": "inbound", "caller_number_raw": number, "callee_number_raw": "4001",
        "queue_id": queue.id, "started_at": when, "queue_entered_at": when,
    }
    patience = rng.expovariate(1.0 / MEAN_PATIENCE_SECONDS)
    candidates = [agents[a] for a in queue.agent_ids if a in agents]
    if not candidates:
        return {**call, "state": "abandoned", "ended_at": when + timedelta(seconds=int(patience)),
                "hangup_by": "customer"}
    agent = min(candidates, key=lambda a: (_available_from(a, when, day_start), a.id))
    ring = rng.randint(2, 9)
    ring_start = _available_from(agent, when, day_start)
    answer = ring_start + timedelta(seconds=ring)
    if (answer - when).total_seconds() > patience:
        return {**call, "state": "abandoned", "hangup_by": "customer",
                "ended_at": when + timedelta(seconds=max(int(patience), 1))}
    hold = rng.randint(10, 90) if rng.random() < 0.2 else 0
    end = answer + timedelta(seconds=_talk_seconds(rng) + hold)
    wrapup_end = end + timedelta(seconds=agent.wrapup_seconds + rng.randint(0, 20))
    agent.free_at = wrapup_end
    agent.intervals.append((ring_start, answer, end, wrapup_end))
    return {
        **call, "state": "completed", "agent_id": agent.id, "ring_started_at": ring_start,
        "answered_at": answer, "ended_at": end, "wrapup_ended_at": wrapup_end,
        "hold_duration": hold, "hangup_by": rng.choice(("customer", "customer", "agent")),
        "hangup_cause": 16, "hangup_cause_text": "Normal Clearing",
    }


def _outbound_call(rng, when, agent, day_start, customer_numbers):
    start = _available_from(agent, when, day_start)
    number = rng.choice(customer_numbers) if customer_numbers else "+8613800138000"
    call = {"direction": "outbound", "caller_number_raw": "1001", "callee_number_raw": number,
            "agent_id": agent.id, "started_at": start, "ring_started_at": start}
    ring = rng.randint(3, 20)
    if rng.random() < 0.3:
        end = start + timedelta(seconds=ring)
        agent.free_at = end
        agent.intervals.append((start, None, end, end))
        return {**call, "state": "missed", "ended_at": end, "hangup_by": "system",
                "hangup_cause": 19, "hangup_cause_text": "No Answer"}
    answer = start + timedelta(seconds=ring)
    end = answer + timedelta(seconds=_talk_seconds(rng))
    wrapup_end = end + timedelta(seconds=agent.wrapup_seconds)
    agent.free_at = wrapup_end
    agent.intervals.append((start, answer, end, wrapup_end))
    return {**call, "state": "completed", "answered_at": answer, "ended_at": end,
            "wrapup_ended_at": wrapup_end, "hangup_by": "agent", "hangup_cause": 16,
            "hangup_cause_text": "Normal Clearing"}


def _state_logs(agent, day_start):
    """Contiguous intervals for one agent-day: available between calls, paused at lunch."""
    segments = []
    for ring_start, answer, end, wrapup_end in agent.intervals:
        segments.append((ring_start, answer or end, "ringing"))
        if answer:
            segments.append((answer, end, "on_call"))
        if wrapup_end > end:
            segments.append((end, wrapup_end, "wrapup"))
    lunch_begin, lunch_end = _lunch(agent, day_start)
    segments.append((lunch_begin, lunch_end, "paused"))
    segments.sort()
    logs = []
    cursor = day_start + timedelta(hours=OPEN_HOUR)
    for start, end, state in segments:
        start = max(start, cursor)
        if end <= start:
            continue
        if start > cursor:
            logs.append((cursor, start, "available"))
        logs.append((start, end, state))
        cursor = end
    closing = max(cursor, day_start + timedelta(hours=CLOSE_HOUR))
    if closing > cursor:
        logs.append((cursor, closing, "available"))
    return [
        {"agent_id": agent.id, "state": state, "date_start": start, "date_end": end}
        for start, end, state in logs
    ]
