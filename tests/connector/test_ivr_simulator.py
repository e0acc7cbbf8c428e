"""The generated `[callcenter-ivr]` dialplan on the simulated Asterisk, with the connector's
IVR behind its FastAGI server: whole calls through menus, queues, direct dial, voicemail
and the resume loop; the AGI commands the runtime uses, as Asterisk 22 answers them; the
fallback when the FastAGI server is down; IVR traffic and the demo PBX's IVR lines."""

import asyncio
import base64
import re
import wave

from callcenter_connector.demo_pbx import ivr_lines
from callcenter_connector.simulator import SimulatorServer, TrafficModel, scenarios
from callcenter_connector.simulator.agi_app import CallerKeys
from callcenter_connector.simulator.traffic import TrafficDriver
from test_ivr_support import (
    NOW,
    FakeOdoo,
    flows_ready,
    run_async,
    running_connector,
    runtime,
    until,
)
from test_simulator import RawClient

SPEED = 20


def ivr_pbx(**options):
    pbx = SimulatorServer(speed=SPEED, **options)
    pbx.add_agent("1001", "Alice Martin", ring_seconds=1, talk_seconds=3)
    pbx.add_agent("1002", "Li Wei", ring_seconds=1, talk_seconds=3)
    pbx.add_queue("support", "ringall", ["1001"])
    pbx.add_queue("sales", "ringall", ["1002"])
    pbx.add_ivr_line("400", "support")
    return pbx


async def ivr_call(tmp_path, odoo, keys, hangup_after=60, clock=lambda: NOW, pbx=None,
                   **settings):
    """One caller on DID 400 pressing `keys`; returns (AMI messages, ivr facts, final call)."""
    pbx = pbx or ivr_pbx(monitor_dir=str(tmp_path))
    await pbx.start()
    client = await RawClient().connect(pbx.port)
    try:
        async with running_connector(tmp_path, odoo.url, pbx=pbx, clock=clock,
                                     **settings) as service:
            await flows_ready(service)
            linkedid = await pbx.place_inbound_call("400", "+8613800138000", "Zhang Wei",
                                                    hangup_after, ivr_digits=keys)
            await pbx.wait_idle(30)
            await client.sync()
            await until(lambda: any(f["type"] == "call" and f.get("final")
                                    and f["linkedid"] == linkedid for f in odoo.facts))
    finally:
        client.close()
        await pbx.stop()
    call = next(f["call"] for f in odoo.facts if f["type"] == "call" and f.get("final"))
    return client.messages, odoo.ivr_facts(), call


def trunk_apps(messages):
    return [(m["context"], m["priority"], m["application"]) for m in messages
            if m.get("event") == "Newexten" and m["channel"].endswith(";2")
            and m["channel"].startswith("Local/400@inbound")]


@run_async
async def test_menu_queue_agent_then_rating_through_the_resume_loop(tmp_path):
    with FakeOdoo() as odoo:
        messages, facts, call = await ivr_call(tmp_path, odoo, ["1", "", "5"])
    assert [(f["outcome"], f["resumed"], f["rating"]) for f in facts] == [
        ("queue", False, None), ("hangup", True, 5)]
    assert facts[0]["linkedid"] == facts[1]["linkedid"] == call["linkedid"]
    assert (call["state"], call["queue"], call["agent"]) == (
        "completed", "support", "Local/1001@agents")
    assert trunk_apps(messages) == [
        ("inbound", "1", "Goto"), ("callcenter-inbound", "1", "NoOp"),
        ("callcenter-inbound", "2", "Goto"), ("callcenter-ivr", "1", "Answer"),
        *[("callcenter-ivr", str(p), "Set") for p in range(2, 8)],
        ("callcenter-ivr", "8", "AGI"), ("callcenter-ivr", "9", "ExecIf"),
        ("callcenter-ivr", "10", "Gosub"), ("callcenter-ivr-queue", "1", "Queue"),
        ("callcenter-ivr-queue", "2", "Return"), ("callcenter-ivr", "11", "GotoIf"),
        ("callcenter-ivr", "8", "AGI"), ("callcenter-ivr", "9", "ExecIf"),
        ("callcenter-ivr", "10", "Gosub"), ("callcenter-ivr-hangup", "1", "Hangup")]
    agi = [m["appdata"] for m in messages if m.get("event") == "Newexten"
           and m["application"] == "AGI"]
    assert agi[0].endswith(f"/callcenter-ivr,400,,,,,{call['linkedid']}")
    assert agi[1].endswith(f"/callcenter-ivr,400,7,13,CONTINUE,,{call['linkedid']}")
    queue_data = [m["appdata"] for m in messages if m.get("event") == "Newexten"
                  and m["application"] == "Queue"]
    assert queue_data == ["support,tc,,,120"]
    dtmf = [m["digit"] for m in messages if m.get("event") == "DTMFEnd"]
    assert dtmf == ["1", "5"]
    status = [m["value"] for m in messages if m.get("event") == "VarSet"
              and m["variable"] == "AGISTATUS"]
    assert status == ["SUCCESS", "SUCCESS"]


@run_async
async def test_direct_dial_rings_the_agent_and_comes_back(tmp_path):
    with FakeOdoo() as odoo:
        messages, facts, call = await ivr_call(tmp_path, odoo, "1002")
    assert [(f["outcome"], f["target"]) for f in facts] == [
        ("dial", "Local/1002@agents/n"), ("hangup", "")]
    assert [v["branch"] for v in facts[1]["visits"]] == ["next"], "ANSWER, and no next"
    dials = [m["appdata"] for m in messages if m.get("event") == "Newexten"
             and m["application"] == "Dial"]
    assert dials == ["Local/1002@agents/n,30,tg"]
    assert call["agent"] == "Local/1002@agents" and call["state"] == "completed"
    assert [m["value"] for m in messages if m.get("event") == "VarSet"
            and m["variable"] == "DIALSTATUS"][-1] == "ANSWER"


@run_async
async def test_voicemail_is_recorded_and_reaches_odoo_with_its_audio(tmp_path):
    with FakeOdoo() as odoo:
        messages, facts, _call = await ivr_call(
            tmp_path, odoo, ["#"], clock=lambda: NOW + 2 * 3600,
            voicemail_path=str(tmp_path), recordings_dir=str(tmp_path))
    fact = facts[0]
    assert fact["outcome"] == "voicemail"
    voicemail = fact["voicemail"]
    assert voicemail["filename"] == f"{tmp_path}/vm-{fact['uniqueid']}.wav"
    assert voicemail["duration"] == 3.0 and voicemail["queue"] == 2
    assert voicemail["mimetype"] == "audio/wav"
    audio = base64.b64decode(voicemail["content_b64"])
    with wave.open(str(tmp_path / f"vm-{fact['uniqueid']}.wav")) as recorded:
        assert (recorded.getnchannels(), recorded.getframerate(), recorded.getsampwidth()) == (
            1, 8000, 2)
        assert recorded.getnframes() == 3 * 8000
    assert audio[:4] == b"RIFF"
    ends = [m for m in messages if m.get("event") == "AGIExecEnd"
            and m["command"].startswith("RECORD FILE")]
    assert ends and ends[0]["resultcode"] == "200"


@run_async
async def test_a_vip_joins_the_queue_ahead(tmp_path):
    odoo = FakeOdoo().start()
    odoo.lookup_answers["+8613900000009"] = {"known": True, "vip": True}
    pbx = ivr_pbx()
    pbx.pbx.agents["1001"].ring_seconds = None
    await pbx.start()
    try:
        async with running_connector(tmp_path, odoo.url, pbx=pbx,
                                     clock=lambda: NOW) as service:
            await flows_ready(service)
            await pbx.place_inbound_call("400", "+8613800000001", "First", 60,
                                         ivr_digits="1")
            await until(lambda: len(pbx.pbx.queues["support"].callers) == 1)
            await pbx.place_inbound_call("400", "+8613900000009", "Vip", 60, ivr_digits="1")
            await until(lambda: len(pbx.pbx.queues["support"].callers) == 2)
            callers = pbx.pbx.queues["support"].callers
            assert [(c.caller.caller_num, c.priority, c.position) for c in callers] == [
                ("+8613900000009", 5, 1), ("+8613800000001", 1, 1)]
    finally:
        await pbx.stop()
        odoo.stop()


@run_async
async def test_unreachable_fastagi_server_sends_the_caller_to_the_safe_queue():
    pbx = ivr_pbx(fastagi_address=("127.0.0.1", 9))
    await pbx.start()
    client = await RawClient().connect(pbx.port)
    try:
        await pbx.place_inbound_call("400", "+331", "Jean", 8)
        await pbx.wait_idle(10)
        await client.sync()
    finally:
        client.close()
        await pbx.stop()
    assert [e["value"] for e in client.events("VarSet") if e["variable"] == "AGISTATUS"] == [
        "FAILURE"]
    assert [e["appdata"] for e in client.events("Newexten") if e["application"] in (
        "ExecIf", "Queue", "GotoIf") and e["channel"].startswith("Local/400@")] == [
        "1?Set(CC_IVR_RESUME=)", "support,tc,,,300", "0?run"]
    assert [e["queue"] for e in client.events("QueueCallerJoin")] == ["support"]


class ScriptedServer:
    """A FastAGI server sending fixed commands, to read the simulator's replies."""

    def __init__(self, commands):
        self.commands = commands
        self.replies = []
        self.env = {}
        self.server = None

    async def start(self):
        self.server = await asyncio.start_server(self.handle, "127.0.0.1", 0)
        return self.server.sockets[0].getsockname()[1]

    async def handle(self, reader, writer):
        while (line := (await reader.readline()).decode().rstrip("\n")):
            key, _sep, value = line.partition(": ")
            self.env[key] = value
        for command in self.commands:
            writer.write(f"{command}\n".encode())
            reply = (await reader.readline()).decode().strip()
            self.replies.append(reply)
            if "(hangup)" in reply:
                self.replies.append((await reader.readline()).decode().strip())
                break
        writer.close()

    async def stop(self):
        self.server.close()
        await self.server.wait_closed()


@run_async
async def test_the_agi_commands_of_the_runtime_answer_as_asterisk(tmp_path):
    agi = ScriptedServer([
        "GET VARIABLE CHANNEL(linkedid)", "SET VARIABLE CHANNEL(language) zh",
        'STREAM FILE callcenter/ivr-menu-zh "123"', "WAIT FOR DIGIT 3000",
        "WAIT FOR DIGIT 1000", 'SAY NUMBER 120 ""', 'SAY DIGITS 4005 ""', 'SAY ALPHA ab ""',
        'STREAM FILE callcenter/ivr-hello-zh ""',
        f'RECORD FILE {tmp_path}/vm-x wav "#" 20000 0 BEEP s=5',
        f'RECORD FILE {tmp_path}/vm-y wav "#" 60000 0 BEEP s=5'])
    port = await agi.start()
    pbx = ivr_pbx(fastagi_address=("127.0.0.1", port), monitor_dir=str(tmp_path))
    await pbx.start()
    client = await RawClient().connect(pbx.port)
    try:
        linkedid = await pbx.place_inbound_call("400", "+331", "Jean", 20,
                                                ivr_digits=["2", "7", ""])
        await pbx.wait_idle(15)
        await client.sync()
    finally:
        client.close()
        await pbx.stop()
        await agi.stop()
    assert [agi.env[f"agi_arg_{i}"] for i in range(1, 7)] == ["400", "", "", "", "", linkedid]
    assert agi.replies[:9] == [
        f"200 result=1 ({linkedid})", "200 result=1", "200 result=50 endpos=4400",
        "200 result=55", "200 result=0", "200 result=0", "200 result=0", "200 result=0",
        "200 result=0 endpos=8000"]
    assert agi.replies[9] == "200 result=0 (timeout) endpos=32000", "silence ends it"
    assert re.fullmatch(r"200 result=-1 \(hangup\) endpos=\d+", agi.replies[10])
    assert agi.replies[11:] == ["HANGUP"], "the hangup's reply, then HANGUP"
    assert {e["language"] for e in client.events("AGIExecEnd")[2:]} == {"zh"}
    assert (tmp_path / "vm-x.wav").exists() and (tmp_path / "vm-y.wav").exists()


def test_caller_keys_answer_one_request_at_a_time():
    keys = CallerKeys(["1", "", "1001", "#"])
    assert keys.take_if("123") == "1"
    assert keys.take_if("123") == "" and keys.take() == ""
    assert keys.take_if("0123456789") == "1" and keys.take(4) == "001"
    assert keys.take_if("0123456789") == "" and keys.take() == "#" and keys.take() == ""
    assert [CallerKeys("12").take() for _ in range(1)] == ["1"]


def test_ivr_traffic_walks_the_lines_with_random_keys():
    messages = []
    pbx = scenarios.reference_pbx(messages.append)
    pbx.add_ivr_line("400", "support")
    driver = TrafficDriver(pbx, TrafficModel(queues={"support": 30}, ivr=120, seed=4,
                                             mean_talk=20))
    driver.start(600)
    pbx.clock.run_all(4000)
    report = driver.report()
    assert report.by_queue["ivr"].offered > 5 and report.by_queue["support"].offered > 0
    assert not pbx.calls and not pbx.channels
    assert sum(1 for m in messages if m.get("Event") == "AGIExecStart") > 5


def test_demo_pbx_takes_every_ivr_route_with_a_number():
    config = runtime(**{"401": {"type": "ivr", "version": 7, "fallback_queue": "sales"}})
    assert ivr_lines(config) == [("400", "support"), ("401", "sales")]
    only_default = {"fallback": {"queue": "support"},
                    "routes": {"": {"type": "ivr", "version": 7}, "4005": {"type": "queue"}}}
    assert ivr_lines(only_default) == [("400", "support")]
    assert ivr_lines(None) == []
