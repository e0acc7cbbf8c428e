"""The whole connector (real panoramisk, spool, outbox, commands) against the simulated Asterisk.

Odoo is replaced here by a recorder of ingested batches; the Odoo tier runs the
same path against a real Odoo (callcenter_base/tests/test_connector_e2e.py).
"""

import asyncio

from callcenter_connector.config import Config
from callcenter_connector.service import ConnectorService
from callcenter_connector.simulator import SimulatorServer

SPEED = 20
AGENTS = {"Local/1001@agents": {"wrapup_seconds": 0, "name": "Alice Martin", "extension": "1001"},
          "Local/1002@agents": {"wrapup_seconds": 0, "name": "Li Wei", "extension": "1002"}}


class RecordingOdoo:
    def __init__(self):
        self.facts = []
        self.last_seq = 0

    async def find_pbx(self):
        return 1

    async def connector_config(self, pbx_id):
        return {"pbx_id": pbx_id, "last_seq": self.last_seq, "agents": AGENTS, "queues": {}}

    async def ring(self, pbx_id, facts):
        self.facts.extend(facts)
        return {"rung": len(facts)}

    async def ingest(self, pbx_id, facts):
        fresh = [f for f in facts if f["seq"] > self.last_seq]
        self.facts.extend(fresh)
        if fresh:
            self.last_seq = max(f["seq"] for f in fresh)
        return {"applied": len(fresh), "last_seq": self.last_seq,
                "config": await self.connector_config(pbx_id)}

    def final_calls(self):
        return {f["call"]["linkedid"]: f["call"] for f in self.facts
                if f["type"] == "call" and f.get("final")}

    def call_states(self, linkedid):
        return [f["call"]["state"] for f in self.facts
                if f["type"] == "call" and f["call"]["linkedid"] == linkedid]


def with_pbx(test):
    def wrapper(tmp_path):
        async def scenario():
            pbx = SimulatorServer(speed=SPEED)
            pbx.add_agent("1001", "Alice Martin", ring_seconds=1, talk_seconds=None)
            pbx.add_agent("1002", "Li Wei", ring_seconds=1, talk_seconds=None)
            did = pbx.add_queue("support", "ringall", ["1001"])
            await pbx.start()
            odoo = RecordingOdoo()
            config = Config.from_mapping({
                "ami_port": pbx.port, "ami_secret": "odoo", "command_token": "t",
                "command_bind": "127.0.0.1:0", "fastagi_bind": "127.0.0.1:0",
                "spool_dir": str(tmp_path / "spool"), "pbx_id": 1, "ami_ping_seconds": 1,
                "batch_max_delay_ms": 20,
            })
            service = ConnectorService(config, odoo=odoo)
            await service.start()
            try:
                await _until(lambda: service.ami.authenticated)
                await test(pbx, did, service, odoo)
            finally:
                await service.stop()
                await pbx.stop()
        asyncio.run(asyncio.wait_for(scenario(), 60))
    wrapper.__name__, wrapper.__doc__ = test.__name__, test.__doc__
    return wrapper


async def _until(condition, timeout=10.0):
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.02)


@with_pbx
async def test_queue_call_reaches_odoo_complete(pbx, did, service, odoo):
    linkedid = await pbx.place_inbound_call(did, "+8613800138000", "Zhang Wei", hangup_after=20)
    await pbx.wait_idle(10)
    await _until(lambda: linkedid in odoo.final_calls())
    call = odoo.final_calls()[linkedid]
    assert (call["state"], call["queue"], call["agent"]) == ("completed", "support", "Local/1001@agents")
    assert call["caller"] == "+8613800138000" and call["caller_name"] == "Zhang Wei"
    assert 15 <= call["ended_at"] - call["answered_at"] <= 22
    rings = [f for f in odoo.facts if f["type"] == "ring"]
    assert [(r["agent"], r["linkedid"]) for r in rings] == [("Local/1001@agents", linkedid)]
    seqs = [f["seq"] for f in odoo.facts if f["type"] != "ring"]
    assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)


@with_pbx
async def test_reconnect_continues_live_calls_and_closes_ended_ones(pbx, did, service, odoo):
    long_call = await pbx.place_inbound_call(did, "+8613900000001", "Long Talker", hangup_after=200)
    await _until(lambda: "answered" in odoo.call_states(long_call))
    logins = service.ami.logins
    pbx.drop_clients()
    await _until(lambda: service.ami.logins > logins)
    await _until(lambda: service.tracker._snapshot is None and service.tracker.in_flight() >= 1)
    assert long_call in service.tracker.calls, "a call still up continues after the reconnect"
    await pbx.wait_idle(30)
    await _until(lambda: long_call in odoo.final_calls())
    call = odoo.final_calls()[long_call]
    assert call["state"] == "completed" and not call["reconciled"]


@with_pbx
async def test_call_ended_while_disconnected_is_closed_and_flagged(pbx, did, service, odoo):
    linkedid = await pbx.place_inbound_call(did, "+8613900000002", "Short", hangup_after=40)
    await _until(lambda: "answered" in odoo.call_states(linkedid))
    service.ami.stop()
    await pbx.wait_idle(30)
    service.ami.start()
    await _until(lambda: linkedid in odoo.final_calls())
    call = odoo.final_calls()[linkedid]
    assert call["reconciled"] and call["ended_at"]


@with_pbx
async def test_click_to_dial_and_agent_state_commands(pbx, did, service, odoo):
    answer = await service.dispatch("agent_state", {
        "interface": "Local/1002@agents/n", "state": "paused", "member_name": "Li Wei",
        "reason": "Lunch", "queues": [{"queue": "support", "penalty": 0}]})
    assert answer == {"ok": True}
    await _until(lambda: any(f["type"] == "agent" and f["agent"] == "Local/1002@agents"
                             and f["state"] == "paused" for f in odoo.facts))
    paused = [f for f in odoo.facts if f["type"] == "agent" and f["state"] == "paused"]
    assert paused[-1]["reason"] == "Lunch"
    answer = await service.dispatch("originate", {
        "interface": "Local/1001@agents/n", "number": "+8613800138000",
        "caller_id": '"Alice Martin" <1001>', "channel_id": "c2d-1", "other_channel_id": "c2d-2"})
    assert answer["ok"], answer
    await pbx.wait_idle(30)
    await _until(lambda: "c2d-1" in odoo.final_calls())
    call = odoo.final_calls()["c2d-1"]
    assert (call["direction"], call["callee"], call["agent"]) == (
        "outbound", "+8613800138000", "Local/1001@agents")
    assert not [f for f in odoo.facts if f["type"] == "ring" and f["linkedid"] == "c2d-1"]


@with_pbx
async def test_unknown_device_fails_fast_with_clear_message(pbx, did, service, odoo):
    started = asyncio.get_running_loop().time()
    answer = await service.dispatch("originate", {
        "interface": "Local/1999@agents/n", "number": "+8613800138000",
        "caller_id": "x <1999>", "channel_id": "bad-1", "other_channel_id": "bad-2"})
    assert asyncio.get_running_loop().time() - started < 2
    assert not answer["ok"] and "could not be reached" in answer["error"]
    await _until(lambda: "bad-1" in odoo.final_calls())
    assert odoo.final_calls()["bad-1"]["state"] == "failed"
