"""The CATI dialer in the running connector: real panoramisk against the simulated
Asterisk, Odoo a fake over real JSON-RPC (test_dialer_support.CatiOdoo).

Each test runs a campaign of connector/CATI.md and checks what reaches Odoo:
the cases asked for, the `cati` facts, and that the rest of the connector
keeps working whatever Odoo's dialer RPC does.
"""

import time

from test_dialer_support import (
    ANSWERS,
    BUSY,
    CAMPAIGN,
    CONGESTED,
    NO_ROUTE,
    RINGS_OUT,
    TALKS_LONG,
    cati_stack,
)
from test_ivr_support import run_async, until

PREDICTIVE_CAMPAIGN = {"12": {**CAMPAIGN, "mode": "predictive"}}


def final_calls(odoo):
    with odoo.lock:
        return {f["linkedid"]: f["call"] for f in odoo.facts if f["type"] == "call"
                and f.get("final")}


@run_async
async def test_progressive_places_one_call_per_free_interviewer(tmp_path):
    async with cati_stack(tmp_path, members=("1001", "1002", "1003"),
                          numbers=[TALKS_LONG] * 6) as (pbx, odoo, service):
        await until(lambda: len(odoo.cati_facts("connected")) == 3, timeout=15)
        assert odoo.requests()[0] == (12, 3)
        assert service.dialer.placed == 3
        service.dialer.tick(service._pbx_now())
        assert service.dialer.placed == 3, "every interviewer is on a call: no line ahead"
        agents = sorted(fact["agent"] for fact in odoo.cati_facts("connected"))
        assert agents == ["Local/1001@agents", "Local/1002@agents", "Local/1003@agents"]


@run_async
async def test_a_connected_call_gives_connected_then_ended_with_its_interviewer(tmp_path):
    async with cati_stack(tmp_path, members=("1002",), numbers=[ANSWERS]) as (pbx, odoo, service):
        await until(lambda: odoo.ended(), timeout=15)
        connected, = odoo.cati_facts("connected")
        ended = odoo.ended()[connected["case_id"]]
        assert (connected["campaign_id"], connected["agent"]) == (12, "Local/1002@agents")
        assert connected["linkedid"] == ended["linkedid"] and connected["seq"] < ended["seq"]
        assert (ended["result"], ended["agent"], ended["attempt_id"]) == (
            "connected", "Local/1002@agents", connected["attempt_id"])
        assert ended["dialed_at"] <= ended["answered_at"] <= ended["connected_at"] == connected["at"]
        assert 10 <= ended["ended_at"] - ended["connected_at"] <= 14, "the respondent talks 12 s"
        assert ended["connected_at"] - ended["answered_at"] < 1.0, "the phone answers by itself"
        await until(lambda: ended["linkedid"] in final_calls(odoo))
        final = final_calls(odoo)[ended["linkedid"]]
        assert (final["direction"], final["callee"], final["agent"]) == (
            "outbound", ANSWERS, "Local/1002@agents")


@run_async
async def test_nobody_in_time_is_an_abandon_counted_against_the_cap(tmp_path):
    async with cati_stack(tmp_path, members=("1001",), agent_ring=None,
                          numbers=[ANSWERS]) as (pbx, odoo, service):
        await until(lambda: odoo.ended(), timeout=15)
        ended, = odoo.ended().values()
        assert ended["result"] == "abandoned" and ended["answered_at"] and not ended["connected_at"]
        assert not odoo.cati_facts("connected")
        await until(lambda: odoo.config()["cati"]["campaigns"]["12"]["abandoned_30d"] == 1)
        await until(lambda: not service.dialer.unconfirmed)
        snapshot = service.dialer.snapshot(service.dialer.campaigns[12], service._pbx_now())
        assert (snapshot.abandoned, snapshot.live) == (1, 1), "counted once: Odoo's count"


@run_async
async def test_a_call_that_ends_while_the_pbx_link_is_down_is_closed_at_the_reconnect(tmp_path):
    async with cati_stack(tmp_path, members=("1001",), numbers=[ANSWERS]) as (pbx, odoo, service):
        await until(lambda: odoo.cati_facts("connected"), timeout=15)
        service.ami.stop()
        await pbx.wait_idle(30)
        service.ami.start()
        await until(lambda: odoo.ended(), timeout=15)
        end, = odoo.ended().values()
        assert end["result"] == "connected" and end["agent"] == "Local/1001@agents"
        assert service.dialer.placed == 1 and not service.dialer.calls


@run_async
async def test_busy_no_answer_and_congestion(tmp_path):
    async with cati_stack(tmp_path, members=("1001", "1002", "1003"),
                          numbers=[BUSY, RINGS_OUT, CONGESTED]) as (pbx, odoo, service):
        await until(lambda: len(odoo.ended()) == 3, timeout=20)
        results = {fact["case_id"]: fact["result"] for fact in odoo.ended().values()}
        assert sorted(results.values()) == ["busy", "congestion", "no_answer"]
        rang_out, = [f for f in odoo.ended().values() if f["result"] == "no_answer"]
        assert rang_out["ended_at"] - rang_out["dialed_at"] >= 19, "rang its 20 s"
        assert not service.dialer.unconfirmed, "no live call, nothing for the cap"


@run_async
async def test_a_call_the_pbx_cannot_place_fails_and_is_released(tmp_path):
    async with cati_stack(tmp_path, numbers=[NO_ROUTE, ""]) as (pbx, odoo, service):
        await until(lambda: len(odoo.ended()) == 2, timeout=15)
        assert {fact["result"] for fact in odoo.ended().values()} == {"failed"}
        assert service.dialer.stats[12].dials == 0, "a call never placed teaches nothing"


@run_async
async def test_a_campaign_removed_from_the_configuration_stops_dialing(tmp_path):
    async with cati_stack(tmp_path, members=("1001", "1002"),
                          numbers=[ANSWERS, RINGS_OUT] + [ANSWERS] * 4) as (pbx, odoo, service):
        await until(lambda: service.dialer.placed == 2)
        with odoo.lock:
            odoo.campaigns = {}
        answer = await service.dispatch("cati_refresh", {})
        assert answer["ok"]
        await until(lambda: not service.dialer.campaigns)
        asked = len(odoo.requests())
        await until(lambda: len(odoo.ended()) == 2, timeout=20)
        ended = sorted(fact["result"] for fact in odoo.ended().values())
        assert ended in (["connected", "no_answer"], ["no_answer"] * 2)
        assert service.dialer.placed == 2 and len(odoo.requests()) == asked


@run_async
async def test_cati_refresh_needs_no_pbx_and_starts_a_campaign(tmp_path):
    async with cati_stack(tmp_path, campaigns={}, numbers=[ANSWERS]) as (pbx, odoo, service):
        service.ami.stop()
        with odoo.lock:
            odoo.campaigns = {"12": dict(CAMPAIGN)}
        assert (await service.dispatch("cati_refresh", {}))["ok"]
        await until(lambda: 12 in service.dialer.campaigns)
        assert not odoo.requests(), "nothing is dialed without the PBX"
        service.ami.start()
        await until(lambda: odoo.ended(), timeout=15)


@run_async
async def test_a_slow_or_failing_odoo_does_not_hold_up_the_pbx_events(tmp_path):
    """Cases take 1.2 s to come (the lane's timeout is 2 s): meanwhile a queue call's
    events are followed and its facts reach Odoo; then the RPC fails: a back-off."""
    async with cati_stack(tmp_path, numbers=[ANSWERS]) as (pbx, odoo, service):
        odoo.delays["callcenter_cati_dial_cases"] = 1.2
        await until(lambda: 12 in service.dialer.fetching)
        linkedid = await pbx.place_inbound_call(pbx.pbx.line_for_queue("support"),
                                                "+8613900000001", "Wang Fang", hangup_after=2)
        answered_while_fetching = []

        def answered():
            with odoo.lock:
                states = [f["call"]["state"] for f in odoo.facts
                          if f["type"] == "call" and f["linkedid"] == linkedid]
            if "answered" in states:
                answered_while_fetching.append(12 in service.dialer.fetching)
            return bool(answered_while_fetching)

        await until(answered, timeout=5)
        assert answered_while_fetching == [True], "the call reached Odoo during the request"
        await until(lambda: odoo.ended(), timeout=15)
        odoo.unavailable.add("callcenter_cati_dial_cases")
        await until(lambda: 12 not in service.dialer.fetching)
        placed = service.dialer.placed
        service.dialer.backoff_until[12] = 0.0
        with odoo.lock:
            odoo.numbers.append(ANSWERS)
        await until(lambda: service.dialer.backoff_until.get(12, 0) > time.monotonic() + 5)
        assert service.dialer.backoff_until[12] - time.monotonic() <= 10
        assert service.dialer.placed == placed and not service.dialer.calls


@run_async
async def test_an_empty_answer_backs_off_for_30_seconds(tmp_path):
    async with cati_stack(tmp_path, numbers=[]) as (pbx, odoo, service):
        await until(lambda: len(odoo.requests()) == 1)
        await until(lambda: 12 not in service.dialer.fetching)
        assert 25 <= service.dialer.backoff_until[12] - time.monotonic() <= 30
        for _ in range(8):
            service.dialer.tick(service._pbx_now())
        assert len(odoo.requests()) == 1, "not asked again within the back-off"
        with odoo.lock:
            odoo.numbers.append(ANSWERS)
        service.dialer.backoff_until[12] = time.monotonic()
        await until(lambda: len(odoo.requests()) == 2)
        await until(lambda: odoo.ended(), timeout=15)


@run_async
async def test_predictive_dials_ahead_of_free_interviewers(tmp_path):
    """Eight interviewers and an audience that does not answer: once the contact rate
    measured falls, predictive keeps more lines than free interviewers."""
    members = tuple(f"{1001 + index}" for index in range(8))
    numbers = [RINGS_OUT] * 40 + [ANSWERS] * 4
    async with cati_stack(tmp_path, members=members, campaigns=PREDICTIVE_CAMPAIGN,
                          numbers=numbers) as (pbx, odoo, service):
        campaign = service.dialer.campaigns[12]

        def ahead():
            snapshot = service.dialer.snapshot(campaign, service._pbx_now())
            return snapshot.in_progress > snapshot.free > 0

        await until(ahead, timeout=20)
        assert service.dialer.stats[12].contact_rate < 0.5, "measured, below the prior"
        with odoo.lock:
            odoo.numbers.clear()
        await until(lambda: not service.dialer.calls, timeout=20)
        await until(lambda: len(odoo.ended()) == service.dialer.placed)
        connected = {fact["case_id"] for fact in odoo.cati_facts("connected")}
        assert connected == {case for case, fact in odoo.ended().items()
                             if fact["result"] == "connected"}
