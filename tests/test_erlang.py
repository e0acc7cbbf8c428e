"""Erlang C staffing tools of callcenter_reports, without Odoo.

The module is loaded by its path: importing the addon package would import odoo.
"""

import importlib.util
import math
from pathlib import Path

import pytest

ERLANG_PATH = (Path(__file__).resolve().parent.parent
               / "addons" / "callcenter_reports" / "tools" / "erlang.py")
_spec = importlib.util.spec_from_file_location("callcenter_reports_erlang", ERLANG_PATH)
erlang = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(erlang)


def _textbook_erlang_c(traffic, agents):
    """The factorial form: overflows past ~170 agents, fine to check small ones."""
    top = traffic ** agents / math.factorial(agents) * agents / (agents - traffic)
    bottom = sum(traffic ** k / math.factorial(k) for k in range(agents)) + top
    return top / bottom


# ------------------------------------------------------------
# The check figures
# ------------------------------------------------------------


def test_check_figures():
    traffic = erlang.traffic_intensity(100, 1800, 180)
    assert traffic == pytest.approx(10.0)
    assert round(erlang.erlang_c(traffic, 14), 4) == 0.1741
    assert round(erlang.service_level(traffic, 14, 180, 20), 4) == 0.8884
    assert round(erlang.asa(traffic, 14, 180), 2) == 7.84
    assert erlang.occupancy(traffic, 14) == pytest.approx(10 / 14)


def test_evaluate_gives_the_same_figures():
    result = erlang.evaluate(10.0, 14, 180, 20)
    assert isinstance(result, erlang.ErlangResult)
    assert result.agents == 14 and result.traffic == 10.0
    assert round(result.probability_waiting, 4) == 0.1741
    assert round(result.service_level, 4) == 0.8884
    assert round(result.asa, 2) == 7.84
    assert result.occupancy == pytest.approx(0.7143, abs=1e-4)


# ------------------------------------------------------------
# Against the textbook formula and known tables
# ------------------------------------------------------------


@pytest.mark.parametrize("traffic, agents", [
    (0.5, 1), (2.0, 3), (2.0, 5), (10.0, 11), (10.0, 14), (25.3, 30), (80.0, 95), (120.0, 140),
])
def test_erlang_c_matches_the_factorial_form(traffic, agents):
    assert erlang.erlang_c(traffic, agents) == pytest.approx(
        _textbook_erlang_c(traffic, agents), rel=1e-9)


def test_hand_computed_small_cases():
    # A = 2, n = 3: C = (8/6 · 3) / (1 + 2 + 2 + 4) = 4/9.
    assert erlang.erlang_c(2.0, 3) == pytest.approx(4 / 9)
    # One agent: C = A (M/M/1), ASA = A·AHT/(1 − A).
    assert erlang.erlang_c(0.25, 1) == pytest.approx(0.25)
    assert erlang.asa(0.25, 1, 100) == pytest.approx(0.25 * 100 / 0.75)
    # Erlang B, one server: A / (1 + A).
    assert erlang.erlang_b(3.0, 1) == pytest.approx(0.75)
    assert erlang.erlang_b(3.0, 0) == 1.0


@pytest.mark.parametrize("calls, interval, aht, sl, seconds, expected", [
    # 100 calls / 30 min, 180 s, 80/20: 13 agents give 79.6 %, 14 give 88.8 %.
    (100, 1800, 180, 0.80, 20, 14),
    (100, 1800, 180, 0.90, 20, 15),
    (100, 1800, 180, 0.70, 20, 13),
    # 360 calls / hour, 240 s (24 erlangs), 80/20: 28 give 76.1 %, 29 give 84.0 %.
    (360, 3600, 240, 0.80, 20, 29),
    # A quiet interval: 5 calls / 30 min, 300 s (0.83 erlang), 80/20: 2 give 77.3 %.
    (5, 1800, 300, 0.80, 20, 3),
])
def test_agents_needed_textbook_cases(calls, interval, aht, sl, seconds, expected):
    traffic = erlang.traffic_intensity(calls, interval, aht)
    needed = erlang.agents_needed(traffic, aht, sl, seconds)
    assert needed == expected
    assert erlang.service_level(traffic, needed, aht, seconds) >= sl
    assert erlang.service_level(traffic, needed - 1, aht, seconds) < sl


def test_agents_needed_with_occupancy_cap():
    # 10 erlangs at 80/20 need 14 agents (71 % busy); a 70 % cap asks for 15.
    assert erlang.agents_needed(10.0, 180, 0.8, 20) == 14
    assert erlang.agents_needed(10.0, 180, 0.8, 20, max_occupancy=0.75) == 14
    assert erlang.agents_needed(10.0, 180, 0.8, 20, max_occupancy=0.70) == 15
    # The cap alone decides a large queue: 400 erlangs at 85 % -> 471 agents.
    assert erlang.agents_needed(400.0, 180, 0.8, 20, max_occupancy=0.85) == 471
    assert erlang.occupancy(400.0, 471) <= 0.85 < erlang.occupancy(400.0, 470)


def test_shrinkage():
    assert erlang.with_shrinkage(14, 0.0) == 14
    assert erlang.with_shrinkage(14, 0.3) == 20  # 14 / 0.7 is 20.000000000000004 in floats
    assert erlang.with_shrinkage(14, 0.25) == 19
    assert erlang.with_shrinkage(0, 0.5) == 0
    assert erlang.productive_agents(20, 0.3) == 14  # 20 × 0.7 is 13.999999999999998
    for agents in range(0, 200):
        for shrinkage in (0.1, 0.15, 0.3, 0.35, 0.42):
            scheduled = erlang.with_shrinkage(agents, shrinkage)
            assert erlang.productive_agents(scheduled, shrinkage) >= agents
            assert scheduled == 0 or erlang.productive_agents(scheduled - 1, shrinkage) < agents


# ------------------------------------------------------------
# Stability: thousands of agents
# ------------------------------------------------------------


@pytest.mark.parametrize("traffic", [950.0, 2000.0, 4500.5, 4900.0])
def test_stable_for_thousands_of_agents(traffic):
    needed = erlang.agents_needed(traffic, 180, 0.8, 20)
    assert traffic < needed < traffic * 1.05
    previous = -1.0
    for agents in range(int(traffic) + 1, min(int(traffic) + 200, 5001)):
        result = erlang.evaluate(traffic, agents, 180, 20)
        for value in (result.probability_waiting, result.service_level, result.occupancy):
            assert math.isfinite(value) and 0.0 <= value <= 1.0
        assert math.isfinite(result.asa) and result.asa >= 0
        assert result.service_level >= previous
        previous = result.service_level
    assert previous > 0.99


def test_five_thousand_agents():
    result = erlang.evaluate(4950.0, 5000, 180, 20)
    assert 0.0 < result.probability_waiting < 1.0
    assert result.service_level > 0.99
    assert result.occupancy == pytest.approx(0.99)
    # Far more agents than traffic: Erlang B underflows to 0, nothing breaks.
    assert erlang.erlang_c(10.0, 5000) == 0.0
    assert erlang.service_level(10.0, 5000, 180, 20) == 1.0
    assert erlang.asa(10.0, 5000, 180) == 0.0


def test_service_level_rises_with_agents_and_answer_time():
    levels = [erlang.service_level(24.0, n, 240, 20) for n in range(25, 40)]
    assert levels == sorted(levels)
    by_time = [erlang.service_level(24.0, 28, 240, t) for t in (0, 10, 20, 60, 300)]
    assert by_time == sorted(by_time)
    assert by_time[0] == pytest.approx(1 - erlang.erlang_c(24.0, 28))


# ------------------------------------------------------------
# Edge cases and bad input
# ------------------------------------------------------------


def test_no_more_agents_than_traffic():
    assert erlang.erlang_c(10.0, 10) == 1.0
    assert erlang.erlang_c(10.0, 3) == 1.0
    assert erlang.erlang_c(10.0, 0) == 1.0
    assert erlang.service_level(10.0, 10, 180, 20) == 0.0
    assert erlang.asa(10.0, 10, 180) == math.inf
    assert erlang.occupancy(10.0, 8) == 1.0


def test_no_traffic():
    assert erlang.traffic_intensity(0, 1800, 180) == 0.0
    assert erlang.erlang_c(0.0, 0) == 0.0
    assert erlang.erlang_c(0.0, 3) == 0.0
    assert erlang.agents_needed(0.0, 180, 0.8, 20) == 0
    result = erlang.evaluate(0.0, 0, 180, 20)
    assert (result.service_level, result.asa, result.occupancy) == (1.0, 0.0, 0.0)


def test_fractional_traffic_and_zero_answer_time():
    assert erlang.agents_needed(0.01, 180, 0.8, 20) == 1
    assert erlang.agents_needed(10.0, 180, 0.8, 0) == erlang.agents_needed(10.0, 180, 0.8, 0.0)
    # Answer at once: SL = 1 − C.
    n = erlang.agents_needed(10.0, 180, 0.8, 0)
    assert 1 - erlang.erlang_c(10.0, n) >= 0.8 > 1 - erlang.erlang_c(10.0, n - 1)


@pytest.mark.parametrize("call, message", [
    (lambda: erlang.traffic_intensity(-1, 1800, 180), "Calls"),
    (lambda: erlang.traffic_intensity(10, 0, 180), "Interval"),
    (lambda: erlang.traffic_intensity(10, 1800, 0), "handle time"),
    (lambda: erlang.traffic_intensity(10, 1800, -5), "handle time"),
    (lambda: erlang.traffic_intensity(float("nan"), 1800, 180), "Calls"),
    (lambda: erlang.erlang_c(-1.0, 5), "Traffic"),
    (lambda: erlang.erlang_c(float("inf"), 5), "Traffic"),
    (lambda: erlang.erlang_c(5.0, -1), "Agents"),
    (lambda: erlang.erlang_c(5.0, 6.5), "Agents"),
    (lambda: erlang.service_level(5.0, 7, 0, 20), "handle time"),
    (lambda: erlang.service_level(5.0, 7, 180, -1), "answer time"),
    (lambda: erlang.asa(5.0, 7, -180), "handle time"),
    (lambda: erlang.agents_needed(5.0, 180, 0.0, 20), "Service level target"),
    (lambda: erlang.agents_needed(5.0, 180, 1.0, 20), "Service level target"),
    (lambda: erlang.agents_needed(5.0, 180, 80, 20), "Service level target"),
    (lambda: erlang.agents_needed(5.0, 0, 0.8, 20), "handle time"),
    (lambda: erlang.agents_needed(5.0, 180, 0.8, 20, max_occupancy=0), "occupancy"),
    (lambda: erlang.agents_needed(5.0, 180, 0.8, 20, max_occupancy=1.2), "occupancy"),
    (lambda: erlang.with_shrinkage(10, 1.0), "Shrinkage"),
    (lambda: erlang.with_shrinkage(10, -0.1), "Shrinkage"),
    (lambda: erlang.with_shrinkage(-1, 0.3), "Agents"),
    (lambda: erlang.productive_agents(10, 1.5), "Shrinkage"),
])
def test_bad_input_is_a_clear_value_error(call, message):
    with pytest.raises(ValueError, match=message):
        call()
