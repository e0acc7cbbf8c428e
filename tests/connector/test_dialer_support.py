"""What the CATI dialer tests share: a fake Odoo that hands out cases and keeps the
30-day counts from the `cati` facts it gets, and the whole stack (simulated
Asterisk with interviewers and customers, the connector with its real Odoo
client) around a campaign of connector/CATI.md."""

import contextlib
import itertools

from callcenter_connector.simulator import Outcome, SimulatorServer
from test_ivr_support import FakeOdoo, running_connector

SPEED = 20
QUEUE = "cati-12"
INTERVIEWERS = {"1001": "Alice Martin", "1002": "Li Wei", "1003": "Chen Jie"}
AGENTS = {f"Local/{ext}@agents": {"wrapup_seconds": 0, "name": name, "extension": ext}
          for ext, name in INTERVIEWERS.items()}
CAMPAIGN = {"name": "Household panel 2026", "mode": "progressive", "queue": QUEUE,
            "caller_id": '"Survey Centre" <4008001234>', "ring_seconds": 20,
            "connect_seconds": 2, "abandon_cap": 0.03, "abandoned_30d": 0, "live_30d": 0,
            "max_dial_ratio": 3.0, "abandon_sound": "cc-cati-abandon"}
#: How each test number behaves on the simulated PBX.
ANSWERS = "+8613800000100"
TALKS_LONG = "+8613800000101"
BUSY = "+8613800000102"
RINGS_OUT = "+8613800000103"
CONGESTED = "+8613800000104"
NO_ROUTE = "8613800000105"
OUTCOMES = {ANSWERS: Outcome("answer", 3.0, 12.0), TALKS_LONG: Outcome("answer", 3.0, 600.0),
            BUSY: Outcome("busy", 2.0), RINGS_OUT: Outcome("no_answer"),
            CONGESTED: Outcome("congestion", 0.5)}


class CatiOdoo(FakeOdoo):
    """Odoo with callcenter_cati: running campaigns, the scheduler's cases, dialer facts."""

    def __init__(self, campaigns=None, numbers=()):
        super().__init__()
        self.campaigns = {"12": dict(CAMPAIGN)} if campaigns is None else campaigns
        self.numbers = list(numbers)
        self.dial_requests = []
        self._cases = itertools.count(1)

    def config(self):
        config = super().config()
        config["agents"] = AGENTS
        config["cati"] = {"stamp": f"s{len(self.campaigns)}", "campaigns": {
            key: {**campaign, **self._counts(int(key))} for key, campaign in self.campaigns.items()}}
        return config

    def _counts(self, campaign_id):
        results = [fact["result"] for fact in self.facts if fact["type"] == "cati"
                   and fact["event"] == "ended" and fact["campaign_id"] == campaign_id]
        return {"abandoned_30d": results.count("abandoned"),
                "live_30d": results.count("abandoned") + results.count("connected")}

    def execute(self, method, args):
        if method != "callcenter_cati_dial_cases":
            return super().execute(method, args)
        _pbx, campaign_id, count = args
        self.dial_requests.append((campaign_id, count))
        if str(campaign_id) not in self.campaigns:
            return []
        cases = []
        while self.numbers and len(cases) < count:
            case = next(self._cases)
            cases.append({"case_id": 880 + case, "number_id": 1200 + case,
                          "number": self.numbers.pop(0), "campaign_id": campaign_id,
                          "attempt_id": 5530 + case})
        return cases

    def cati_facts(self, event=None):
        with self.lock:
            return [fact for fact in self.facts if fact["type"] == "cati"
                    and (event is None or fact["event"] == event)]

    def ended(self):
        return {fact["case_id"]: fact for fact in self.cati_facts("ended")}

    def requests(self):
        with self.lock:
            return list(self.dial_requests)


@contextlib.asynccontextmanager
async def cati_stack(tmp_path, *, members=("1001",), numbers=(), campaigns=None,
                     agent_ring=1.0, agent_talk=None, **settings):
    """The simulated PBX (interviewers in QUEUE, the numbers of OUTCOMES), a CatiOdoo
    and the connector started against both."""
    pbx = SimulatorServer(speed=SPEED)
    for index in range(max(len(INTERVIEWERS), len(members))):
        extension = f"{1001 + index}"
        pbx.add_agent(extension, INTERVIEWERS.get(extension, f"Interviewer {extension}"),
                      ring_seconds=agent_ring, talk_seconds=agent_talk)
    pbx.add_queue(QUEUE, "ringall", list(members))
    pbx.add_queue("support", "ringall", ["1003"])
    for number, outcome in OUTCOMES.items():
        pbx.customers.set_number(number, outcome)
    await pbx.start()
    try:
        with CatiOdoo(campaigns, numbers) as odoo:
            async with running_connector(tmp_path, odoo.url, pbx=pbx, **settings) as service:
                yield pbx, odoo, service
    finally:
        await pbx.stop()
