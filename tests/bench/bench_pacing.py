"""CATI pacing benchmark: what predictive dialing buys, and what it costs in abandons.

    python3 tests/bench/bench_pacing.py [--hours 8] [--teams 10,50,200] [--contact 0.15,0.4]
                                        [--seed 1]

Runs the seeded discrete-event simulation of connector/callcenter_connector/dialer
(the connector's own pacing code deciding every second) for each team size and
contact rate, in progressive and in predictive mode, over a working day of
simulated time. Interviews last 4 min on average (lognormal), wrap-up 20 s,
respondents answer after 8 s on average, numbers ring 20 s, the connect window
is 2 s and the abandon cap 3 % with at most 3 lines per interviewer.

Printed per run: abandon rate (abandoned / live answered), interviewer
occupancy (talk + wrap-up over logged-in time), interviews per hour per
interviewer, calls placed per interview, the share of seconds predictive spent
fallen back to progressive, and the run's wall-clock time.
"""

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "connector"))

from callcenter_connector.dialer.pacing import PREDICTIVE, PROGRESSIVE  # noqa: E402
from callcenter_connector.dialer.simulation import Campaign, simulate  # noqa: E402

HEADER = (f"{'team':>5} {'contact':>7} {'mode':<12} {'abandon':>8} {'occupancy':>9} "
          f"{'calls/h/int':>11} {'dials/int.':>10} {'fallback':>8} {'wall':>6}")


def numbers(text, kind):
    return tuple(kind(item) for item in text.split(",") if item.strip())


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hours", type=float, default=8.0)
    parser.add_argument("--teams", default="10,50,200")
    parser.add_argument("--contact", default="0.15,0.4")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    print(f"{args.hours:g} simulated hours per run, seed {args.seed}\n")
    print(HEADER)
    print("-" * len(HEADER))
    for team in numbers(args.teams, int):
        for contact in numbers(args.contact, float):
            for mode in (PROGRESSIVE, PREDICTIVE):
                began = time.perf_counter()
                report = simulate(Campaign(interviewers=team, contact_rate=contact, mode=mode,
                                           hours=args.hours, seed=args.seed))
                wall = time.perf_counter() - began
                fallback = report.fallback_ticks / report.ticks if report.ticks else 0.0
                print(f"{team:>5} {contact:>7.0%} {mode:<12} {report.abandon_rate:>8.2%} "
                      f"{report.occupancy:>9.1%} {report.calls_per_hour_per_interviewer:>11.2f} "
                      f"{report.dial_ratio:>10.2f} {fallback:>8.1%} {wall:>5.1f}s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
