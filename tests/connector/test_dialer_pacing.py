"""CATI pacing (dialer/pacing.py) and its discrete-event simulation (dialer/simulation.py).

The long runs are the acceptance test of the pacing: predictive keeps the
abandon rate under the cap for small and large teams and for hard (15 %) and
easy (40 %) audiences, and buys occupancy with it. They run in virtual time,
so they assert outcomes, never durations.
"""

import functools

import pytest

from callcenter_connector.dialer.pacing import (
    PREDICTIVE,
    PROGRESSIVE,
    DialStats,
    Outlook,
    Snapshot,
    lines_to_dial,
    lognormal_cdf,
    plan,
)
from callcenter_connector.dialer.simulation import Campaign, simulate

CAP = 0.03
TEAMS = (10, 50, 200)
#: Simulated hours per team: enough interviews (over 700) for the rates to mean something.
HOURS = {10: 6.0, 50: 4.0, 200: 2.0}
CONTACT_RATES = (0.15, 0.40)


@functools.lru_cache(maxsize=None)
def run(interviewers, contact_rate, mode, seed=1):
    return simulate(interviewers=interviewers, contact_rate=contact_rate, mode=mode,
                    hours=HOURS[interviewers], seed=seed)


def snapshot(**fields):
    values = {"mode": PREDICTIVE, "free": 5, "contact_rate": 0.3, "handle_seconds": 240.0,
              "wrapup_seconds": 20.0, "answer_cdf": lognormal_cdf(8.0, 0.5, 20)}
    values.update(fields)
    return Snapshot(**values)


# --- pacing -------------------------------------------------------------------------------


def test_progressive_places_one_line_per_free_interviewer_not_yet_covered():
    assert lines_to_dial(snapshot(mode=PROGRESSIVE, free=4)) == 4
    assert lines_to_dial(snapshot(mode=PROGRESSIVE, free=4, ringing=(3.0, 12.0))) == 2
    assert lines_to_dial(snapshot(mode=PROGRESSIVE, free=4, ringing=(1.0,) * 3, waiting=1)) == 0
    assert lines_to_dial(snapshot(mode=PROGRESSIVE, free=0, talking=9, wrapups=(1.0,))) == 0


def test_nobody_logged_in_means_no_call():
    for mode in (PROGRESSIVE, PREDICTIVE):
        assert lines_to_dial(snapshot(mode=mode, free=0)) == 0


def test_predictive_dials_ahead_of_free_interviewers_within_the_ratio():
    decision = plan(snapshot(free=8, talking=20, contact_rate=0.3))
    assert decision.mode == PREDICTIVE and not decision.fallback
    assert 8 < decision.dial <= 3.0 * 8 + 1
    assert decision.expected_abandons <= CAP * decision.expected_live


def test_predictive_counts_lines_already_ringing():
    fresh = plan(snapshot(free=8, talking=20)).dial
    assert fresh > 8
    assert plan(snapshot(free=8, talking=20, ringing=(1.0,) * fresh)).dial == 0


def test_predictive_counts_on_wrap_ups_about_to_end_but_needs_a_free_interviewer():
    """At most `max_dial_ratio` lines per free interviewer: nobody free, no line."""
    alone = lines_to_dial(snapshot(free=3, talking=20))
    assert lines_to_dial(snapshot(free=3, talking=20, wrapups=(3.0, 4.0, 6.0))) > alone
    assert lines_to_dial(snapshot(free=0, talking=20, wrapups=(3.0, 4.0, 6.0))) == 0


def test_a_low_contact_rate_dials_more_lines():
    low = lines_to_dial(snapshot(free=6, talking=30, contact_rate=0.15))
    high = lines_to_dial(snapshot(free=6, talking=30, contact_rate=0.6))
    assert low > high >= 6


def test_max_dial_ratio_bounds_the_lines():
    easy = snapshot(free=10, talking=0, contact_rate=0.02, max_dial_ratio=1.5)
    assert lines_to_dial(easy) == 15


def test_fallback_when_the_30_day_ratio_is_over_the_cap():
    decision = plan(snapshot(free=4, talking=20, ringing=(2.0,), abandoned=40, live=1000))
    assert decision.fallback and decision.mode == PROGRESSIVE and decision.dial == 3


def test_fallback_when_dialing_ahead_would_pass_the_cap():
    """3.00 % now, and three respondents wait for two interviewers: the third will be
    abandoned; with the lines ahead (for the wrap-ups ending in 6 s) the ratio would
    pass the cap."""
    busy = {"free": 2, "talking": 20, "waiting": 3, "wrapups": (6.0,) * 4,
            "answer_cdf": lognormal_cdf(14.0, 0.3, 20)}
    ahead = plan(snapshot(**busy, abandoned=200, live=10000))
    assert ahead.mode == PREDICTIVE and ahead.dial > 0
    decision = plan(snapshot(**busy, abandoned=300, live=10000))
    assert decision.fallback and decision.dial == 0


def test_outlook_follows_the_path_of_the_shortfall():
    """Answers before the wrap-ups end are abandoned even if the interviewers come later."""
    early = Outlook(snapshot(free=0, talking=0, wrapups=(18.0, 18.0), ringing=(0.0,) * 6,
                             contact_rate=0.9))
    late = Outlook(snapshot(free=2, talking=0, ringing=(0.0,) * 6, contact_rate=0.9))
    assert early.expected(0)[0] > late.expected(0)[0] + 0.5


def test_stats_start_from_a_cautious_prior_and_follow_the_calls():
    stats = DialStats(window=100)
    assert stats.contact_rate == 0.5 and stats.handle_seconds == 300.0
    for index in range(400):
        stats.dialed(index % 5 == 0, answer_seconds=6.0 if index % 5 == 0 else None)
        stats.handled(200.0)
    assert stats.contact_rate == pytest.approx(0.2 * 100 / 120 + 0.5 * 20 / 120)
    assert stats.handle_seconds == pytest.approx((200.0 * 100 + 300.0 * 20) / 120)
    cdf = stats.answer_cdf(20)
    assert len(cdf) == 21 and cdf[-1] == 1.0 and cdf[5] < cdf[6] <= cdf[20]


# --- simulation ---------------------------------------------------------------------------


def test_simulation_is_reproducible():
    first = simulate(interviewers=10, contact_rate=0.3, hours=1.0, seed=7)
    second = simulate(interviewers=10, contact_rate=0.3, hours=1.0, seed=7)
    assert first == second and first.dialed > 0
    assert simulate(interviewers=10, contact_rate=0.3, hours=1.0, seed=8) != first


@pytest.mark.parametrize("interviewers", TEAMS)
@pytest.mark.parametrize("contact_rate", CONTACT_RATES)
def test_progressive_never_abandons(interviewers, contact_rate):
    """A line for a free interviewer only: the interviewer is still free when it answers
    (nobody pauses or logs out in the simulation)."""
    report = run(interviewers, contact_rate, PROGRESSIVE)
    assert report.abandoned == 0 and report.connected > 0


@pytest.mark.parametrize("interviewers", TEAMS)
@pytest.mark.parametrize("contact_rate", CONTACT_RATES)
def test_predictive_keeps_abandons_under_the_cap_and_beats_progressive(interviewers,
                                                                       contact_rate):
    predictive = run(interviewers, contact_rate, PREDICTIVE)
    progressive = run(interviewers, contact_rate, PROGRESSIVE)
    assert predictive.live > 700
    assert predictive.abandon_rate <= CAP
    assert predictive.occupancy > progressive.occupancy


def test_predictive_stays_progressive_while_the_30_day_ratio_is_over_the_cap():
    report = simulate(Campaign(interviewers=10, contact_rate=0.3, hours=1.0,
                               abandoned_30d=60, live_30d=1000))
    assert report.abandoned == 0 and report.fallback_ticks == report.ticks


def test_predictive_recovers_once_the_ratio_is_back_under_the_cap():
    """3.2 % at the start: progressive until enough clean interviews, then predictive."""
    report = simulate(Campaign(interviewers=20, contact_rate=0.3, hours=2.0,
                               abandoned_30d=32, live_30d=1000))
    assert 0 < report.fallback_ticks < report.ticks
    assert (32 + report.abandoned) / (1000 + report.live) <= CAP


def test_no_interviewer_no_call():
    report = simulate(interviewers=0, contact_rate=0.3, hours=1.0)
    assert report.dialed == 0 and report.occupancy == 0.0
