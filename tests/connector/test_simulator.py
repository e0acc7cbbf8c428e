"""The simulated Asterisk over the wire: sessions, actions, events, FastAGI, CLI.

Servers run at SPEED (one virtual second in 10 ms), so a call of a few seconds
takes a few tens of milliseconds while its Timestamps still span seconds.
"""

import asyncio
import functools
import os
import re
import signal
import subprocess
import sys

import panoramisk
import pytest
from callcenter_connector.protocol.ami import AmiFramer, encode_action, read_transcript
from callcenter_connector.simulator.__main__ import config_from_args
from callcenter_connector.simulator.server import SimulatorServer
from conftest import ROOT, TRANSCRIPTS

SPEED = 100
START = 1795320280.0
TIMEOUT = 5.0


def run_async(test):
    @functools.wraps(test)
    def wrapper(*args, **kwargs):
        return asyncio.run(asyncio.wait_for(test(*args, **kwargs), 15))
    return wrapper


def reference_server(**options):
    """The recordings' PBX: agents 1001-1003, queues support and sales."""
    options.setdefault("speed", SPEED)
    options.setdefault("start_time", START)
    server = SimulatorServer(**options)
    server.add_agent("1001", "Alice Martin", ring_seconds=1, talk_seconds=None)
    server.add_agent("1002", "Bob Dupont", ring_seconds=1, talk_seconds=None)
    server.add_agent("1003", "Chen Jie", ring_seconds=1, talk_seconds=None)
    server.add_queue("support", "ringall", ["1001"], timeout=15, retry=2)
    server.add_queue("sales", "leastrecent", ["1002", "1003"], timeout=5, retry=1,
                     autopause=True)
    return server


class RawClient:
    """A bare AMI client on a socket, reading with the connector's framer."""

    def __init__(self):
        self.framer = AmiFramer()
        self.messages = []
        self.reader = self.writer = None

    async def connect(self, port, login=True, events="on"):
        self.reader, self.writer = await asyncio.open_connection("127.0.0.1", port)
        if login:
            self.send({"Action": "Login", "ActionID": "login", "Username": "odoo",
                       "Secret": "odoo", "Events": events})
            await self.wait_for(lambda m: m.get("actionid") == "login")
        return self

    def send(self, fields):
        self.writer.write(encode_action(fields))

    def send_raw(self, data):
        self.writer.write(data)

    async def wait_for(self, predicate, timeout=TIMEOUT):
        """Reads until a message matches; returns it."""
        checked = 0
        async with asyncio.timeout(timeout):
            while True:
                for message in self.messages[checked:]:
                    if predicate(message):
                        return message
                checked = len(self.messages)
                data = await self.reader.read(65536)
                if not data:
                    raise ConnectionError("closed by the server")
                self.messages.extend(self.framer.feed(data))

    async def sync(self):
        """Everything emitted before now has arrived once a Ping is answered."""
        self.send({"Action": "Ping", "ActionID": "sync"})
        await self.wait_for(lambda m: m.get("actionid") == "sync" and "response" in m)
        self.messages.pop()

    async def wait_closed(self, timeout=TIMEOUT):
        async with asyncio.timeout(timeout):
            while data := await self.reader.read(65536):
                self.messages.extend(self.framer.feed(data))

    def events(self, name=None):
        return [m for m in self.messages if "event" in m and (name is None or m["event"] == name)]

    def close(self):
        self.writer.close()


# --- sessions and panoramisk ------------------------------------------------------------


@run_async
async def test_panoramisk_manager_logs_in_gets_responses_and_events():
    server = await reference_server().start()
    logged_in = asyncio.Event()
    manager = panoramisk.Manager(host="127.0.0.1", port=server.port, username="odoo",
                                 secret="odoo", ping_delay=60,
                                 on_login=lambda _manager: logged_in.set())
    events = []
    manager.register_event("*", lambda _manager, event: events.append(event))
    try:
        await manager.connect()
        await asyncio.wait_for(logged_in.wait(), TIMEOUT)
        pong = await manager.send_action({"Action": "Ping"})
        assert pong.success and pong.ping == "Pong" and float(pong.timestamp) >= START
        status = await manager.send_action({"Action": "QueueStatus", "Queue": "support"})
        assert [m.event for m in status[1:]] == ["QueueParams", "QueueMember",
                                                 "QueueStatusComplete"]
        assert status[2].location == "Local/1001@agents/n"
        linkedid = await server.place_inbound_call("4001", "+8613800138000", "Zhang Wei", 3)
        await server.wait_idle(TIMEOUT)
        originate = await manager.send_action({
            "Action": "Originate", "Channel": "Local/1002@agents", "Context": "outbound",
            "Exten": "+8613800138000", "Priority": "1", "CallerID": '"Bob Dupont" <1002>',
            "Async": "true", "ChannelId": "c2d-1", "OtherChannelId": "c2d-2"})
        assert originate[0].message == "Originate successfully queued"
        assert originate[-1].event == "OriginateResponse"
        assert originate[-1].response == "Success" and originate[-1].uniqueid == "c2d-1"
        await server.wait_idle(TIMEOUT)
    finally:
        manager.close()
        await server.stop()
    names = [e.event for e in events if getattr(e, "linkedid", None) == linkedid]
    for expected in ("Newchannel", "QueueCallerJoin", "AgentCalled", "AgentConnect",
                     "BridgeEnter", "AgentComplete", "Hangup"):
        assert expected in names
    assert {e.linkedid for e in events if getattr(e, "uniqueid", "") == "c2d-2"} == {"c2d-1"}


@run_async
async def test_login_failure_is_refused_and_closed():
    server = await reference_server().start()
    try:
        client = await RawClient().connect(server.port, login=False)
        client.send({"Action": "Ping", "ActionID": "early"})
        refused = await client.wait_for(lambda m: m.get("actionid") == "early")
        assert refused == {"response": "Error", "actionid": "early",
                           "message": "Permission denied"}
        client.send({"Action": "Login", "ActionID": "bad", "Username": "odoo",
                     "Secret": "wrong"})
        await client.wait_closed()
        assert client.messages[-1] == {"response": "Error", "actionid": "bad",
                                       "message": "Authentication failed"}
        assert client.framer.banner == "11.0.0"
    finally:
        await server.stop()


@run_async
async def test_login_greets_like_asterisk_and_logoff_says_goodbye():
    server = await reference_server().start()
    try:
        client = await RawClient().connect(server.port)
        await client.wait_for(lambda m: m.get("event") == "SuccessfulAuth")
        assert [m.get("event") or m["message"] for m in client.messages[:3]] == [
            "Authentication accepted", "FullyBooted", "SuccessfulAuth"]
        client.send({"Action": "Logoff", "ActionID": "bye"})
        await client.wait_closed()
        assert client.messages[-1] == {"response": "Goodbye", "actionid": "bye",
                                       "message": "Thanks for all the fish."}
    finally:
        await server.stop()


@run_async
async def test_events_can_be_switched_off_and_on():
    server = await reference_server().start()
    try:
        quiet = await RawClient().connect(server.port, events="off")
        loud = await RawClient().connect(server.port)
        await server.place_inbound_call("4001", "+331", "Jean", 1)
        await server.wait_idle(TIMEOUT)
        quiet.send({"Action": "Ping", "ActionID": "p"})
        await quiet.wait_for(lambda m: m.get("actionid") == "p")
        assert quiet.events() == []
        await loud.wait_for(lambda m: m.get("event") == "QueueMemberStatus"
                            and m.get("status") == "1")
        quiet.send({"Action": "Events", "ActionID": "on", "EventMask": "on"})
        reply = await quiet.wait_for(lambda m: m.get("actionid") == "on")
        assert reply == {"response": "Success", "actionid": "on", "events": "On"}
        await server.place_inbound_call("4001", "+331", "Jean", 1)
        await quiet.wait_for(lambda m: m.get("event") == "Newchannel")
    finally:
        await server.stop()


@run_async
async def test_bad_input_gets_errors_and_the_server_keeps_serving():
    server = await reference_server().start()
    try:
        bad = await RawClient().connect(server.port)
        good = await RawClient().connect(server.port)
        bad.send_raw(b"this is not AMI\r\n\r\n")
        await bad.wait_for(lambda m: m.get("message") == "Missing action in request")
        bad.send_raw(b"Action: Ping\r\nActionID: x\r\nHeader: " + b"A" * 20000 + b"\r\n\r\n")
        await bad.wait_for(lambda m: m.get("message") == "Header line too long")
        bad.send_raw(b"Action: Ping\r\nNoBlankLine: " + b"B" * 70000)
        await bad.wait_for(lambda m: m.get("message") == "Message too long")
        bad.send_raw(b"\r\n\r\nAction: \xff\xfe\r\nActionID: u\r\n\r\n")
        await bad.wait_for(lambda m: m.get("actionid") == "u"
                           and m.get("message") == "Invalid/unknown command")
        bad.send({"Action": "Hangup", "ActionID": "h", "Channel": "Local/nobody-1;1"})
        await bad.wait_for(lambda m: m.get("actionid") == "h"
                           and m.get("message") == "No such channel")
        good.send({"Action": "Ping", "ActionID": "still"})
        assert (await good.wait_for(lambda m: m.get("actionid") == "still"))["ping"] == "Pong"
        bad.send({"Action": "Ping", "ActionID": "alive"})
        await bad.wait_for(lambda m: m.get("actionid") == "alive")
    finally:
        await server.stop()


# --- transcripts 12 and 13 over the wire -------------------------------------------------


def recorded(name):
    _, messages = read_transcript((TRANSCRIPTS / f"{name}.ami").read_bytes())
    return messages


def shape(message):
    """What must be equal: kind, name, ordered header names, stable values."""
    timing = {"timestamp", "logintime", "lastpause", "lastcall", "uptime", "lastreload",
              "eventtv", "sessiontv", "sessionid", "localaddress", "remoteaddress"}
    return [(key, "*" if key in timing else value) for key, value in message.items()]


@run_async
async def test_queue_member_operations_match_transcript_12():
    """Every action of transcript 12, sent as recorded, gets the recorded answer."""
    server = await reference_server().start()
    try:
        client = await RawClient().connect(server.port, login=False)
        client.send_raw((TRANSCRIPTS / "12_queue_member_ops.sent").read_bytes())
        await client.wait_closed()
    finally:
        await server.stop()
    expected = [shape(m) for m in recorded("12_queue_member_ops")]
    assert [shape(m) for m in client.messages] == expected


@run_async
async def test_reconnect_snapshot_lists_match_transcript_13():
    """A session logging in mid-call sees the lists of transcript 13 (at a lower
    speed, so that the login's real-time latency stays below a virtual second)."""
    server = await reference_server(speed=20).start()
    try:
        await server.place_inbound_call("4001", "+201001234567", "Ahmed Hassan", 20)
        await server.sleep_virtual(2)
        await server.place_inbound_call("4001", "+61412345678", "Emma Wilson", 35)
        await server.sleep_virtual(3)
        client = await RawClient().connect(server.port, login=False)
        sent = (TRANSCRIPTS / "13_reconnect_snapshot.sent").read_bytes()
        client.send_raw(sent.split(b"Action: Logoff")[0])
        await client.wait_for(lambda m: m.get("event") == "StatusComplete")
    finally:
        await server.stop()

    def lists(messages):
        return [m for m in messages if "timestamp" not in m and "event" in m
                and m["event"] not in ("FullyBooted",)]

    want, got = lists(recorded("13_reconnect_snapshot")), lists(client.messages)
    assert sorted(m["event"] for m in got) == sorted(m["event"] for m in want)
    assert {tuple(m) for m in got} == {tuple(m) for m in want}
    entry = next(m for m in got if m["event"] == "QueueEntry")
    assert entry["calleridnum"] == "+61412345678" and 3 <= int(entry["wait"]) <= 5
    bridged = [m for m in got if m["event"] == "CoreShowChannel" and m["bridgeid"]]
    assert {m["application"] for m in bridged} == {"AppQueue", "Queue"}
    complete = next(m for m in got if m["event"] == "StatusComplete")
    assert (complete["listitems"], complete["items"]) == ("6", "6")


# --- actions on live calls -------------------------------------------------------------


@run_async
async def test_originate_to_unknown_or_busy_device_fails_quickly():
    server = await reference_server().start()
    try:
        client = await RawClient().connect(server.port)
        client.send({"Action": "Originate", "ActionID": "unknown", "Channel": "PJSIP/9999",
                     "Context": "outbound", "Exten": "+331", "Priority": "1", "Async": "true"})
        failure = await client.wait_for(lambda m: m.get("event") == "OriginateResponse")
        assert (failure["response"], failure["reason"], failure["uniqueid"]) == (
            "Failure", "0", "<unknown>")
        await server.place_inbound_call("4001", "+331", "Jean", 5)
        await client.wait_for(lambda m: m.get("event") == "AgentConnect")
        client.send({"Action": "Originate", "ActionID": "busy", "Channel": "Local/1001@agents",
                     "Context": "outbound", "Exten": "+331", "Priority": "1", "Async": "true"})
        busy = await client.wait_for(lambda m: m.get("event") == "OriginateResponse"
                                     and m.get("actionid") == "busy")
        assert (busy["response"], busy["reason"]) == ("Failure", "5")
        client.send({"Action": "Originate", "ActionID": "no-target", "Channel": "Local/1002@agents"})
        error = await client.wait_for(lambda m: m.get("actionid") == "no-target")
        assert error["response"] == "Error"
    finally:
        await server.stop()


@run_async
async def test_hangup_action_ends_a_live_call():
    server = await reference_server().start()
    try:
        client = await RawClient().connect(server.port)
        linkedid = await server.place_inbound_call("4001", "+331", "Jean")
        connect = await client.wait_for(lambda m: m.get("event") == "AgentConnect")
        client.send({"Action": "Hangup", "ActionID": "h", "Channel": connect["channel"]})
        reply = await client.wait_for(lambda m: m.get("actionid") == "h")
        assert reply["message"] == "Channel Hungup"
        await server.wait_idle(TIMEOUT)
        complete = next(e for e in client.events("AgentComplete"))
        assert complete["reason"] == "caller" and complete["linkedid"] == linkedid
        assert server.calls_in_progress() == []
    finally:
        await server.stop()


@run_async
async def test_blind_and_attended_transfers_over_the_wire():
    server = await reference_server().start()
    try:
        client = await RawClient().connect(server.port)
        first = await server.place_inbound_call("4001", "+331", "Jean", 10)
        connect = await client.wait_for(lambda m: m.get("event") == "AgentConnect")
        client.send({"Action": "BlindTransfer", "ActionID": "bt",
                     "Channel": connect["destchannel"], "Context": "internal", "Exten": "1002"})
        assert (await client.wait_for(lambda m: m.get("actionid") == "bt"))["message"] == (
            "Transfer succeeded")
        transfer = await client.wait_for(lambda m: m.get("event") == "BlindTransfer")
        assert transfer["transfereelinkedid"] == first
        await server.wait_idle(TIMEOUT)
        second = await server.place_inbound_call("4001", "+332", "Marie", 12)
        connect = await client.wait_for(lambda m: m.get("event") == "AgentConnect"
                                        and m["linkedid"] == second)
        client.send({"Action": "Atxfer", "ActionID": "at", "Channel": connect["destchannel"],
                     "Context": "internal", "Exten": "1003"})
        attended = await client.wait_for(lambda m: m.get("event") == "AttendedTransfer")
        await server.wait_idle(TIMEOUT)
        await client.sync()
    finally:
        await server.stop()
    assert attended["origtransfererchannel"] == attended["secondtransfererchannel"]
    assert attended["transfertargetchannel"].startswith("Local/1003@internal-")
    assert {attended[k] for k in attended if k.endswith("linkedid")} == {second}
    reasons = [e["reason"] for e in client.events("AgentComplete")]
    assert reasons == ["transfer", "transfer"]
    enters = [e["channel"] for e in client.events("BridgeEnter") if e["linkedid"] == second]
    assert any(name.startswith("Local/1003@agents-") for name in enters)


@run_async
async def test_redirect_takes_a_waiting_caller_out_of_the_queue():
    server = await reference_server().start()
    try:
        server.pbx.agents["1001"].ring_seconds = None
        client = await RawClient().connect(server.port)
        await server.place_inbound_call("4001", "+331", "Jean", 10)
        join = await client.wait_for(lambda m: m.get("event") == "QueueCallerJoin")
        client.send({"Action": "Redirect", "ActionID": "r", "Channel": join["channel"],
                     "Context": "internal", "Exten": "1002", "Priority": "1"})
        assert (await client.wait_for(lambda m: m.get("actionid") == "r"))["message"] == (
            "Redirect successful")
        dial = await client.wait_for(lambda m: m.get("event") == "DialBegin"
                                     and m.get("dialstring") == "1002@agents/n")
        assert dial["channel"] == join["channel"] and dial["context"] == "internal"
        await server.wait_idle(TIMEOUT)
    finally:
        await server.stop()


@run_async
async def test_chanspy_originate_rings_the_supervisor_and_spies():
    server = await reference_server().start()
    try:
        server.pbx.agents["1003"].talk_seconds = 1
        client = await RawClient().connect(server.port)
        await server.place_inbound_call("4001", "+331", "Jean", 6)
        await client.wait_for(lambda m: m.get("event") == "AgentConnect")
        client.send({"Action": "Originate", "ActionID": "spy", "Channel": "Local/1003@agents",
                     "Application": "ChanSpy", "Data": "Local/1001@agents,qsE",
                     "CallerID": '"Supervisor" <1003>', "Async": "true"})
        answered = await client.wait_for(lambda m: m.get("event") == "OriginateResponse"
                                         and m.get("actionid") == "spy")
        assert (answered["response"], answered["application"], answered["data"]) == (
            "Success", "ChanSpy", "Local/1001@agents,qsE")
        spy = await client.wait_for(lambda m: m.get("event") == "ChanSpyStart")
        assert spy["spyeechannel"].startswith("Local/1001@agents-")
        assert spy["spyerchannel"].startswith("Local/1003@agents-")
        stop = await client.wait_for(lambda m: m.get("event") == "ChanSpyStop")
        assert stop["spyerchannel"] == spy["spyerchannel"]
        await server.wait_idle(TIMEOUT)
    finally:
        await server.stop()


@run_async
async def test_hold_gives_hold_unhold_and_music_on_hold():
    server = await reference_server().start()
    try:
        client = await RawClient().connect(server.port)
        linkedid = await server.place_inbound_call("4001", "+331", "Jean", 8)
        await client.wait_for(lambda m: m.get("event") == "AgentConnect")
        assert await server.hold_call(linkedid, 2)
        await server.wait_idle(TIMEOUT)
        await client.sync()
    finally:
        await server.stop()
    hold, unhold = client.events("Hold")[0], client.events("Unhold")[0]
    assert hold["channel"].startswith("Local/1001@agents-") and hold["channel"].endswith(";1")
    assert unhold["channel"] == hold["channel"]
    assert round(float(unhold["timestamp"]) - float(hold["timestamp"])) == 2
    moh = [e["event"] for e in client.messages if e.get("event", "").startswith("MusicOnHold")
           and e["channel"].startswith("Local/4001@inbound-")]
    assert moh == ["MusicOnHoldStart", "MusicOnHoldStop"] * 2


@run_async
async def test_drop_clients_keeps_calls_and_a_new_session_sees_them():
    server = await reference_server().start()
    try:
        client = await RawClient().connect(server.port)
        linkedid = await server.place_inbound_call("4001", "+331", "Jean")
        await client.wait_for(lambda m: m.get("event") == "AgentConnect")
        server.drop_clients()
        await client.wait_closed()
        assert server.calls_in_progress() == [linkedid]
        again = await RawClient().connect(server.port)
        again.send({"Action": "CoreShowChannels", "ActionID": "snap"})
        done = await again.wait_for(lambda m: m.get("event") == "CoreShowChannelsComplete")
        assert done["listitems"] == "4"
        phone = next(name for name in server.pbx.channels
                     if "@inbound-" in name and name.endswith(";1"))
        again.send({"Action": "Hangup", "ActionID": "end", "Channel": phone})
        await again.wait_for(lambda m: m.get("event") == "Hangup" and m["uniqueid"] == linkedid)
    finally:
        await server.stop()


@run_async
async def test_speed_scales_real_time_not_timestamps():
    server = await reference_server(speed=200).start()
    loop = asyncio.get_running_loop()
    try:
        client = await RawClient().connect(server.port)
        began = loop.time()
        await server.place_inbound_call("4001", "+331", "Jean", 8)
        await server.wait_idle(TIMEOUT)
        elapsed = loop.time() - began
        await client.sync()
    finally:
        await server.stop()
    stamps = [float(e["timestamp"]) for e in client.events()
              if e["event"] not in ("SuccessfulAuth", "FullyBooted")]
    assert 7.9 < max(stamps) - min(stamps) < 8.5
    assert elapsed < 1.0


# --- FastAGI -------------------------------------------------------------------------------


class FakeIvr:
    """A FastAGI server that asks for a digit and routes with IVR_CHOICE."""

    def __init__(self):
        self.environments = []
        self.replies = []
        self.server = None

    async def start(self):
        self.server = await asyncio.start_server(self.handle, "127.0.0.1", 0)
        return self.server.sockets[0].getsockname()[1]

    async def handle(self, reader, writer):
        env = {}
        while (line := (await reader.readline()).decode().rstrip("\n")):
            key, _, value = line.partition(": ")
            env[key] = value
        self.environments.append(env)
        for command in ("ANSWER", "GET VARIABLE CALLERID(num)", 'STREAM FILE custom/welcome ""',
                        "GET DATA beep 5000 1"):
            writer.write(f"{command}\n".encode())
            self.replies.append((await reader.readline()).decode().strip())
        choice = self.replies[-1].split("=", 1)[1]
        writer.write(f"SET VARIABLE IVR_CHOICE {choice}\nVERBOSE \"choice {choice}\" 1\n".encode())
        self.replies.append((await reader.readline()).decode().strip())
        self.replies.append((await reader.readline()).decode().strip())
        writer.close()

    async def stop(self):
        self.server.close()
        await self.server.wait_closed()


@run_async
async def test_fastagi_ivr_choice_routes_the_call():
    """The FastAGI server runs in real time while the PBX runs SPEED times faster:
    the caller stays long enough for the script's round trips."""
    ivr = FakeIvr()
    port = await ivr.start()
    server = await reference_server(fastagi_address=("127.0.0.1", port), speed=50).start()
    try:
        client = await RawClient().connect(server.port)
        linkedid = await server.place_inbound_call("300", "+5215512345678", "Carlos Mendoza",
                                                   20, ivr_digits="2")
        await server.wait_idle(TIMEOUT)
        await client.sync()
    finally:
        await server.stop()
        await ivr.stop()
    recorded_env = (TRANSCRIPTS / "15_fastagi_ivr.agi.rx").read_text().split("\n\n")[0]
    expected_keys = [line.partition(":")[0] for line in recorded_env.split("\n")]
    env = ivr.environments[0]
    assert list(env) == expected_keys
    assert (env["agi_request"], env["agi_arg_1"], env["agi_arg_2"]) == (
        f"agi://127.0.0.1:{port}/ivr", "300", "main-menu")
    assert env["agi_uniqueid"] != linkedid and env["agi_callerid"] == "+5215512345678"
    assert ivr.replies == ["200 result=0", "200 result=1 (+5215512345678)",
                           "200 result=0 endpos=7200", "200 result=2", "200 result=1",
                           "200 result=1"]
    joins = [e["queue"] for e in client.events("QueueCallerJoin")]
    assert joins == ["sales"]
    status = [e["value"] for e in client.events("VarSet") if e["variable"] == "AGISTATUS"]
    assert status == ["SUCCESS"]
    assert len(client.events("AGIExecStart")) == len(client.events("AGIExecEnd")) == 6


@run_async
async def test_unreachable_fastagi_server_fails_the_agi_and_the_call_goes_on():
    server = await reference_server(fastagi_address=("127.0.0.1", 9)).start()
    try:
        client = await RawClient().connect(server.port)
        await server.place_inbound_call("300", "+331", "Jean", 3)
        await server.wait_idle(TIMEOUT)
        await client.sync()
    finally:
        await server.stop()
    status = [e["value"] for e in client.events("VarSet") if e["variable"] == "AGISTATUS"]
    assert status == ["FAILURE"]
    assert [e["queue"] for e in client.events("QueueCallerJoin")] == ["support"]


class SilentIvr(FakeIvr):
    """Reads the environment, then waits: the caller hangs up first."""

    async def handle(self, reader, writer):
        while (await reader.readline()).strip():
            pass
        writer.write(b"ANSWER\n")
        self.replies.append((await reader.readline()).decode().strip())
        writer.write(b"GET DATA beep 60000 4\n")
        self.replies.append((await reader.readline()).decode().strip())
        writer.close()


@run_async
async def test_caller_hangup_during_fastagi_sends_hangup():
    ivr = SilentIvr()
    port = await ivr.start()
    server = await reference_server(fastagi_address=("127.0.0.1", port)).start()
    try:
        client = await RawClient().connect(server.port)
        await server.place_inbound_call("300", "+331", "Jean", 3, ivr_digits="")
        await server.wait_idle(TIMEOUT)
        await client.sync()
    finally:
        await server.stop()
        await ivr.stop()
    assert ivr.replies == ["200 result=0", "HANGUP"]
    status = [e["value"] for e in client.events("VarSet") if e["variable"] == "AGISTATUS"]
    assert status == ["HANGUP"]


# --- the command line -----------------------------------------------------------------------


def test_command_line_parses_the_documented_example():
    config = config_from_args(
        ["--port", "5038", "--secret", "s3cret", "--agents", '1001:"Alice Martin",1002:"Li Wei"',
         "--queues", "support=1001,1002", "--traffic", "support=60", "--speed", "1"],
        environ={})
    assert config.agents == (("1001", "Alice Martin"), ("1002", "Li Wei"))
    assert config.queues == (("support", ("1001", "1002")),)
    assert (config.traffic, config.secret, config.speed) == ((("support", 60.0),), "s3cret", 1.0)
    assert config_from_args([], environ={"CALLCENTER_SIMULATOR_SECRET": "env"}).secret == "env"
    with pytest.raises(SystemExit):
        config_from_args(["--queues", "support=1001", "--traffic", "sales=5"], environ={})


def test_command_line_runs_the_demo_pbx_until_sigterm():
    env = dict(os.environ, PYTHONPATH=str(ROOT / "connector"))
    process = subprocess.Popen(
        [sys.executable, "-m", "callcenter_connector.simulator", "--port", "0",
         "--secret", "odoo", "--agents", '1001:"Alice Martin",1002:"Li Wei"',
         "--queues", "support=1001,1002", "--traffic", "support=3600", "--speed", "50"],
        env=env, stderr=subprocess.PIPE, text=True)
    try:
        port = None
        for line in process.stderr:
            found = re.search(r"listening on 127\.0\.0\.1:(\d+)", line)
            if found:
                port = int(found.group(1))
                break
        assert port

        async def watch():
            client = await RawClient().connect(port)
            await client.wait_for(lambda m: m.get("event") == "QueueCallerJoin")
            client.close()

        asyncio.run(asyncio.wait_for(watch(), 10))
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0
        assert "stopping the simulated Asterisk" in process.stderr.read()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()

