"""The IVR when things change or fail: a publish during a live call, Odoo never reached,
Odoo lost after start, a restart during an outage, a hung Odoo, hostile AGI input."""

import asyncio
import time

from test_ivr_simulator import ivr_pbx
from test_ivr_support import (
    NOW,
    AsteriskSide,
    FakeOdoo,
    flows_ready,
    main_menu,
    prompt,
    run_async,
    running_connector,
    until,
)


def final_calls(odoo):
    return {f["linkedid"]: f["call"] for f in odoo.facts if f["type"] == "call" and f.get("final")}


@run_async
async def test_a_publish_during_a_call_applies_to_the_next_call(tmp_path):
    """The live call ends on version 7 (its rating comes from 7), the next one runs 8."""
    odoo = FakeOdoo().start()
    version_8 = main_menu(8)
    version_8["nodes"]["16"]["prompt"] = prompt("rate-v8")
    pbx = ivr_pbx()
    pbx.pbx.agents["1001"].talk_seconds = 20
    await pbx.start()
    try:
        async with running_connector(tmp_path, odoo.url, pbx=pbx,
                                     clock=lambda: NOW) as service:
            await flows_ready(service)
            first = await pbx.place_inbound_call("400", "+8613800000001", "First", 120,
                                                 ivr_digits=["1", "", "5"])
            await until(lambda: any(f["outcome"] == "queue" for f in odoo.ivr_facts()))
            odoo.publish(8, version_8, "s2")
            service.ami.stop()
            await until(lambda: not service.ami.authenticated)
            refused = await service.dispatch("hangup", {"linkedid": first})
            assert not refused["ok"] and "not connected" in refused["error"]
            assert await service.dispatch("ivr_refresh", {}) == {"ok": True, "stamp": "s1"}
            await flows_ready(service, "s2")
            service.ami.start()
            assert service.flows.route("400")["version"] == 8
            second = await pbx.place_inbound_call("400", "+8613800000002", "Second", 120,
                                                  ivr_digits=["1", "", "4"])
            await pbx.wait_idle(30)
            await until(lambda: {first, second} <= set(final_calls(odoo)))
    finally:
        await pbx.stop()
        odoo.stop()
    sessions = {}
    for fact in odoo.ivr_facts():
        sessions.setdefault(fact["linkedid"], []).append((fact["version"], fact["rating"]))
    assert sessions[first] == [(7, None), (7, 5)]
    assert sessions[second] == [(8, None), (8, 4)]


@run_async
async def test_odoo_never_reached_the_caller_goes_to_the_safe_queue(tmp_path):
    dead_url = "http://127.0.0.1:9"
    pbx = ivr_pbx()
    await pbx.start()
    try:
        async with running_connector(tmp_path, dead_url, pbx=pbx, wait_start=False) as service:
            linkedid = await pbx.place_inbound_call("400", "+8613800000001", "Zhang", 10,
                                                    ivr_digits="1")
            await pbx.wait_idle(20)
            assert not service.starting.done(), "still waiting for Odoo"
            facts = list(service.outbox.pending.values())
    finally:
        await pbx.stop()
    assert [(f["type"], f["outcome"], f["target"], f["linkedid"]) for f in facts] == [
        ("ivr", "fallback", "", linkedid)], "spooled for when Odoo comes back"
    queue = pbx.pbx.queues["support"]
    assert queue.completed + queue.abandoned == 1, "the dialplan's safe queue took the call"


@run_async
async def test_odoo_lost_then_back_the_flows_run_from_memory(tmp_path):
    with FakeOdoo() as odoo:
        async with running_connector(tmp_path, odoo.url, clock=lambda: NOW) as service:
            await flows_ready(service)
            odoo.down = True
            began = time.monotonic()
            asterisk = await AsteriskSide(service.fastagi.port, keys=["1"]).run()
            assert time.monotonic() - began < 3.0, "the VIP lookup gives up at once"
            assert asterisk.variables["CC_IVR_TARGET"] == "support"
            assert asterisk.variables["QUEUE_PRIO"] == "1", "lookup failed: not a VIP"
            await asyncio.sleep(0.3)
            assert not odoo.ivr_facts() and service.outbox.pending
            odoo.down = False
            await until(lambda: len(odoo.ivr_facts()) == 1)
            assert odoo.ivr_facts()[0]["outcome"] == "queue"


@run_async
async def test_a_restart_during_an_outage_serves_the_cached_flows(tmp_path):
    with FakeOdoo() as odoo:
        async with running_connector(tmp_path, odoo.url, clock=lambda: NOW) as service:
            await flows_ready(service)
        odoo.down = True
        async with running_connector(tmp_path, odoo.url, clock=lambda: NOW,
                                     wait_start=False) as service:
            assert service.flows.stamp == "s1" and service.flows.cached_pbx_id == 1
            asterisk = await AsteriskSide(service.fastagi.port, keys=["2"]).run()
            assert asterisk.variables["CC_IVR_TARGET"] == "sales"
            resumed = await AsteriskSide(service.fastagi.port, version="7", resume="13",
                                         queue_status="CONTINUE", keys=["3"]).run()
            assert resumed.variables["CC_IVR_DEST"] == "hangup"
            odoo.down = False
            await asyncio.wait_for(service.starting, 10)
            await until(lambda: len(odoo.ivr_facts()) == 2)
    assert [(f["outcome"], f["rating"]) for f in odoo.ivr_facts()] == [
        ("queue", None), ("hangup", 3)]


@run_async
async def test_a_hung_odoo_holds_the_lookup_lane_not_the_outbox(tmp_path):
    with FakeOdoo() as odoo:
        odoo.lookup_delay = 4.0
        async with running_connector(tmp_path, odoo.url, clock=lambda: NOW,
                                     ivr_lookup_threads=2) as service:
            await flows_ready(service)
            began = time.monotonic()
            sides = [AsteriskSide(service.fastagi.port, keys=["1"], caller=f"+861380000{i:04d}",
                                  uniqueid=f"1790000000.{i}") for i in range(12)]
            await asyncio.gather(*(side.run() for side in sides))
            assert time.monotonic() - began < 4.0, "bounded by the node's 1.5 s timeout"
            assert all(side.variables["QUEUE_PRIO"] == "1" for side in sides)
            await until(lambda: len(odoo.ivr_facts()) == 12, timeout=3.0)
            assert time.monotonic() - began < 4.0, "facts reached Odoo past the hung lookups"
            assert service.lookups.breaker.failures >= 3


@run_async
async def test_hostile_agi_input_ends_in_the_fallback_queue(tmp_path):
    with FakeOdoo() as odoo:
        async with running_connector(tmp_path, odoo.url, clock=lambda: NOW) as service:
            await flows_ready(service)
            cases = [dict(version="7", resume="nope"), dict(version="../../etc", resume="13"),
                     dict(version="7", resume="13", queue_status="X" * 5000),
                     dict(did="400\x01", caller="unknown")]
            for case in cases:
                side = await AsteriskSide(service.fastagi.port, **case).run()
                assert side.variables.get("CC_IVR_DEST") in ("queue", "hangup"), case
            garbage = await asyncio.open_connection("127.0.0.1", service.fastagi.port)
            garbage[1].write(b"\xff\xfe not agi\n" * 500 + b"\n")
            await garbage[1].drain()
            assert await asyncio.wait_for(garbage[0].read(), 5) == b""
            await until(lambda: len(odoo.ivr_facts()) == 4)
            assert [f["outcome"] for f in odoo.ivr_facts()] == [
                "fallback", "fallback", "hangup", "fallback"]
            side = await AsteriskSide(service.fastagi.port, keys=["2"]).run()
            assert side.variables["CC_IVR_TARGET"] == "sales", "the service stays up"


@run_async
async def test_the_stamp_in_ingest_results_triggers_a_refresh(tmp_path):
    with FakeOdoo() as odoo:
        async with running_connector(tmp_path, odoo.url, clock=lambda: NOW) as service:
            await flows_ready(service, "s1")
            odoo.publish(8, main_menu(8), "s2")
            await AsteriskSide(service.fastagi.port, keys=["2"]).run()
            await flows_ready(service, "s2")
            assert service.flows.route("400")["version"] == 8
