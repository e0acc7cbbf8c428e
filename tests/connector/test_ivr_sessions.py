"""IVR sessions on the connector's real FastAGI server, played by a scripted Asterisk side:
the exact AGI command lines for each path of IVR.md, the variables left on the channel,
and the `ivr` fact that reaches (fake) Odoo through the outbox."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from test_ivr_support import (
    DAY,
    NOW,
    AsteriskSide,
    FakeOdoo,
    flows_ready,
    prompt,
    run_async,
    running_connector,
    runtime,
    until,
)

WELCOME = 'STREAM FILE callcenter/ivr-welcome-en ""'
MENU = 'STREAM FILE callcenter/ivr-menu-en "0123456789"'
LEAVE_SUPPORT = ["SET VARIABLE CC_IVR_VERSION 7", "SET VARIABLE CC_IVR_DEST queue",
                 "SET VARIABLE CC_IVR_TARGET support", "SET VARIABLE CC_IVR_TIMEOUT 120"]


async def session(tmp_path, odoo, clock=lambda: NOW, **side):
    """One AGI session on DID 400 (or as `side` says); returns (side, fact)."""
    async with running_connector(tmp_path, odoo.url, clock=clock) as service:
        await flows_ready(service)
        asterisk = await AsteriskSide(service.fastagi.port, **side).run()
        await until(lambda: len(odoo.ivr_facts()) == 1)
    return asterisk, odoo.ivr_facts()[0]


def visits(fact):
    return [(v["node"], v["result"], v.get("key") or v.get("branch")) for v in fact["visits"]]


def branch(fact, node):
    return next(v["branch"] for v in fact["visits"] if v["node"] == node and "branch" in v)


def with_odoo(test):
    def wrapper(tmp_path):
        with FakeOdoo() as odoo:
            test(tmp_path, odoo)
    wrapper.__name__, wrapper.__doc__ = test.__name__, test.__doc__
    return wrapper


@with_odoo
@run_async
async def test_menu_key_to_a_queue_with_the_vip_check(tmp_path, odoo):
    odoo.lookup_answers["+8613800138000"] = {"known": True, "partner_id": 7, "vip": True}
    asterisk, fact = await session(tmp_path, odoo, keys=["1"])
    assert asterisk.commands == [
        WELCOME, MENU, "WAIT FOR DIGIT 2000", *LEAVE_SUPPORT, "SET VARIABLE QUEUE_PRIO 5",
        "SET VARIABLE CC_IVR_RESUME 13"]
    assert odoo.called("callcenter_ivr_lookup") == 1
    assert (fact["outcome"], fact["target"], fact["version"], fact["ivr"]) == (
        "queue", "support", 7, 3)
    assert (fact["did"], fact["caller"], fact["linkedid"], fact["resumed"]) == (
        "400", "+8613800138000", "1790000000.1", False)
    assert visits(fact) == [("10", "enter", None), ("11", "enter", None),
                            ("11", "branch", "open"), ("12", "enter", None), ("12", "key", "1"),
                            ("13", "enter", None), ("13", "transfer", None)]
    assert fact["seq"] and fact["language"] == "en"


@with_odoo
@run_async
async def test_direct_dial_of_an_extension(tmp_path, odoo):
    asterisk, fact = await session(tmp_path, odoo, keys=["1", "0", "0", "2"])
    assert asterisk.commands == [
        WELCOME, MENU, "WAIT FOR DIGIT 2000", "WAIT FOR DIGIT 2000", "WAIT FOR DIGIT 2000",
        "SET VARIABLE CC_IVR_VERSION 7", "SET VARIABLE CC_IVR_DEST dial",
        "SET VARIABLE CC_IVR_TARGET Local/1002@agents/n", "SET VARIABLE CC_IVR_TIMEOUT 30",
        "SET VARIABLE CC_IVR_RESUME 12"]
    assert (fact["outcome"], fact["target"]) == ("dial", "Local/1002@agents/n")
    assert visits(fact)[-2:] == [("12", "key", "1002"), ("12", "transfer", None)]


@with_odoo
@run_async
async def test_timeout_then_invalid_then_failure(tmp_path, odoo):
    asterisk, fact = await session(tmp_path, odoo, keys=["", "7", ""])
    assert asterisk.commands == [
        WELCOME, MENU, "WAIT FOR DIGIT 3000", 'STREAM FILE callcenter/ivr-timeout-en ""',
        MENU, "WAIT FOR DIGIT 2000", 'STREAM FILE callcenter/ivr-invalid-en ""',
        'STREAM FILE callcenter/ivr-goodbye-en ""',
        "SET VARIABLE CC_IVR_VERSION 7", "SET VARIABLE CC_IVR_DEST hangup",
        'SET VARIABLE CC_IVR_RESUME ""']
    assert visits(fact) == [("10", "enter", None), ("11", "enter", None),
                            ("11", "branch", "open"), ("12", "enter", None),
                            ("12", "timeout", None), ("12", "invalid", "7"),
                            ("12", "branch", "failure"), ("15", "enter", None)]
    assert (fact["outcome"], fact["target"]) == ("hangup", "")


@with_odoo
@run_async
async def test_closed_hours_take_a_voicemail(tmp_path, odoo):
    asterisk, fact = await session(tmp_path, odoo, clock=lambda: NOW + 2 * 3600,
                                   uniqueid="1790000000.9", record="dtmf", record_seconds=6.5)
    assert asterisk.commands == [
        WELCOME, 'STREAM FILE callcenter/ivr-leave-message-en ""',
        'RECORD FILE /var/spool/asterisk/monitor/vm-1790000000.9 wav "#" 30000 0 BEEP s=5',
        "SET VARIABLE CC_IVR_VERSION 7", "SET VARIABLE CC_IVR_DEST hangup",
        'SET VARIABLE CC_IVR_RESUME ""']
    assert visits(fact) == [("10", "enter", None), ("11", "enter", None),
                            ("11", "branch", "closed"), ("19", "enter", None),
                            ("19", "voicemail", None)]
    assert fact["outcome"] == "voicemail"
    assert fact["voicemail"] == {"filename": "/var/spool/asterisk/monitor/vm-1790000000.9.wav",
                                 "duration": 6.5, "agent": None, "queue": 2}


@with_odoo
@run_async
async def test_a_holiday_has_no_interval_and_the_horizon_closes(tmp_path, odoo):
    tomorrow_noon = NOW + DAY + 2 * 3600
    _asterisk, fact = await session(tmp_path, odoo, clock=lambda: tomorrow_noon, record="dtmf")
    assert branch(fact, "11") == "open"
    holiday = {"name": "Holiday", "until": NOW + 60 * DAY, "intervals": [[NOW - 7200, NOW - 3600]]}
    odoo.runtime = runtime(calendar=holiday)
    odoo.facts.clear()
    _asterisk, fact = await session(tmp_path / "b", odoo, record="dtmf")
    assert branch(fact, "11") == "closed"
    horizon = {"name": "Short", "until": NOW - 1, "intervals": [[NOW - 3600, NOW + 3600]]}
    odoo.runtime = runtime(calendar=horizon)
    odoo.facts.clear()
    _asterisk, fact = await session(tmp_path / "c", odoo, record="dtmf")
    assert branch(fact, "11") == "closed", "past `until`: closed"


@with_odoo
@run_async
async def test_hangup_while_recording_keeps_the_message(tmp_path, odoo):
    asterisk, fact = await session(tmp_path, odoo, clock=lambda: NOW + 2 * 3600,
                                   record="hangup", record_seconds=4.0)
    assert asterisk.commands[-1].startswith("RECORD FILE") and asterisk.hung_up
    assert fact["outcome"] == "voicemail" and fact["voicemail"]["duration"] == 4.0


@with_odoo
@run_async
async def test_caller_hangup_in_the_menu(tmp_path, odoo):
    asterisk, fact = await session(tmp_path, odoo, keys=[""], hangup_at=2)
    assert asterisk.commands == [WELCOME, MENU, "WAIT FOR DIGIT 3000"]
    assert fact["outcome"] == "caller_hangup"
    assert visits(fact)[-1] == ("12", "hangup", None)


@with_odoo
@run_async
async def test_resume_after_the_agent_asks_for_a_rating(tmp_path, odoo):
    asterisk, fact = await session(tmp_path, odoo, version="7", resume="13",
                                   queue_status="CONTINUE", keys=["4"], language="en")
    assert asterisk.commands == [
        'STREAM FILE callcenter/ivr-rate-en "12345"', 'STREAM FILE callcenter/ivr-thanks-en ""',
        "SET VARIABLE CC_IVR_DEST hangup", 'SET VARIABLE CC_IVR_RESUME ""']
    assert (fact["outcome"], fact["rating"], fact["resumed"]) == ("hangup", 4, True)
    assert visits(fact) == [("13", "branch", "next"), ("16", "enter", None), ("16", "key", "4")]


@with_odoo
@run_async
async def test_resume_after_a_queue_timeout_takes_the_failure_branch(tmp_path, odoo):
    asterisk, fact = await session(tmp_path, odoo, version="7", resume="13",
                                   queue_status="TIMEOUT", record="timeout")
    assert asterisk.commands[:2] == ['STREAM FILE callcenter/ivr-leave-message-en ""',
                                     'RECORD FILE /var/spool/asterisk/monitor/vm-1790000000.2 '
                                     'wav "#" 30000 0 BEEP s=5']
    assert visits(fact) == [("13", "branch", "failure"), ("19", "enter", None),
                            ("19", "voicemail", None)]


LANGUAGE_FLOW = {
    "id": 11, "ivr": 4, "name": "Bilingual", "start": "1", "default_language": "zh",
    "fallback_queue": "support", "nodes": {
        "1": {"id": "1", "kind": "language", "prompt": prompt("lang", "zh", "en"),
              "timeout_ms": 2000, "attempts": 2, "options": {"1": "zh", "2": "en"}, "next": "2"},
        "2": {"id": "2", "kind": "play", "prompt": prompt("hello", "zh", "en"), "next": "3"},
        "3": {"id": "3", "kind": "goto", "target": "4"},
        "4": {"id": "4", "kind": "agent", "dial": "Local/1001@agents/n", "timeout": 20,
              "next": None, "failure": "5"},
        "5": {"id": "5", "kind": "queue", "queue": "support", "priority": 0,
              "vip_priority": None, "lookup_timeout_ms": 500, "max_wait": 60,
              "next": None, "failure": None},
    }}


@run_async
async def test_language_choice_sets_the_channel_and_the_prompts(tmp_path):
    odoo = FakeOdoo(definitions={11: LANGUAGE_FLOW},
                    runtime_config=runtime(version=11)).start()
    try:
        asterisk, fact = await session(tmp_path, odoo, keys=["9", "2"])
        assert asterisk.commands == [
            "SET VARIABLE CHANNEL(language) zh", 'STREAM FILE callcenter/ivr-lang-zh "12"',
            "WAIT FOR DIGIT 2000", 'STREAM FILE callcenter/ivr-lang-zh "12"',
            "SET VARIABLE CHANNEL(language) en", 'STREAM FILE callcenter/ivr-hello-en ""',
            "SET VARIABLE CC_IVR_VERSION 11", "SET VARIABLE CC_IVR_DEST dial",
            "SET VARIABLE CC_IVR_TARGET Local/1001@agents/n", "SET VARIABLE CC_IVR_TIMEOUT 20",
            "SET VARIABLE CC_IVR_RESUME 4"]
        assert fact["language"] == "en" and fact["ivr"] == 4
        assert visits(fact)[:3] == [("1", "enter", None), ("1", "invalid", "9"),
                                    ("1", "key", "2")]
        odoo.facts.clear()
        asterisk, fact = await session(tmp_path / "b", odoo, version="11", resume="4",
                                       dial_status="NOANSWER", language="en")
        assert asterisk.commands == [
            "SET VARIABLE CC_IVR_DEST queue", "SET VARIABLE CC_IVR_TARGET support",
            "SET VARIABLE CC_IVR_TIMEOUT 60", "SET VARIABLE QUEUE_PRIO 0",
            'SET VARIABLE CC_IVR_RESUME ""']
        assert visits(fact) == [("4", "branch", "failure"), ("5", "enter", None),
                                ("5", "transfer", None)]
        assert fact["language"] == "en", "a resumed session keeps the caller's choice"
    finally:
        odoo.stop()


class WebService:
    """A loopback HTTP service for HTTP nodes: JSON, slow, or not JSON."""

    def __init__(self):
        self.requests = []
        service = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                service.requests.append(("GET", self.path, None))
                self._reply()

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                service.requests.append(("POST", self.path, body))
                self._reply()

            def _reply(self):
                if self.path.startswith("/slow"):
                    threading.Event().wait(1.5)
                body = (b"<html>not json</html>" if self.path.startswith("/html")
                        else json.dumps({"balance": 120, "tier": "gold", "skip": [1]}).encode())
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


def http_flow(url, method="GET"):
    return {"id": 12, "ivr": 5, "name": "Balance", "start": "1", "default_language": "en",
            "fallback_queue": "support", "nodes": {
                "1": {"id": "1", "kind": "http", "url": url, "method": method,
                      "timeout_ms": 400, "variables": ["balance"], "next": "2", "failure": "3"},
                "2": {"id": "2", "kind": "play", "prompt": prompt("balance"),
                      "say": {"variable": "balance", "as": "number"}, "next": None},
                "3": {"id": "3", "kind": "hangup", "prompt": prompt("sorry")}}}


@run_async
async def test_http_node_success_timeout_and_bad_json(tmp_path):
    web = WebService()
    odoo = FakeOdoo(definitions={12: http_flow(web.url + "/balance")},
                    runtime_config=runtime(version=12)).start()
    try:
        asterisk, fact = await session(tmp_path, odoo)
        assert asterisk.commands[:3] == ["SET VARIABLE CC_VAR_balance 120",
                                         'STREAM FILE callcenter/ivr-balance-en ""',
                                         'SAY NUMBER 120 ""']
        assert fact["variables"] == {"balance": "120"} and fact["outcome"] == "hangup"
        method, path, _body = web.requests[0]
        assert method == "GET" and "caller=%2B8613800138000" in path and "did=400" in path
        assert branch(fact, "1") == "success"
        for url, method in ((web.url + "/slow", "GET"), (web.url + "/html", "POST"),
                            ("file:///etc/passwd", "GET")):
            odoo.definitions["12"] = http_flow(url, method)
            odoo.facts.clear()
            asterisk, fact = await session(tmp_path / url[-4:], odoo)
            assert asterisk.commands[0] == 'STREAM FILE callcenter/ivr-sorry-en ""', url
            assert branch(fact, "1") == "failure" and fact["variables"] == {}
        assert web.requests[-1][0] == "POST" and web.requests[-1][2]["did"] == "400"
    finally:
        odoo.stop()
        web.stop()


LOOKUP_FLOW = {
    "id": 13, "ivr": 6, "name": "Who", "start": "1", "default_language": "en",
    "fallback_queue": "support", "nodes": {
        "1": {"id": "1", "kind": "lookup", "timeout_ms": 800, "known": "2", "unknown": "4",
              "vip": "3", "blacklisted": "5"},
        "2": {"id": "2", "kind": "sticky", "max_age_days": 14, "timeout": 15,
              "lookup_timeout_ms": 800, "next": None, "failure": "4"},
        "3": {"id": "3", "kind": "queue", "queue": "vip", "priority": 9, "vip_priority": 9,
              "lookup_timeout_ms": 800, "max_wait": 30, "next": None, "failure": "4"},
        "4": {"id": "4", "kind": "queue", "queue": "support", "priority": 0,
              "vip_priority": None, "lookup_timeout_ms": 800, "max_wait": 300,
              "next": None, "failure": None},
        "5": {"id": "5", "kind": "hangup", "prompt": None}}}


@run_async
async def test_caller_lookup_branches_and_sticky_agent(tmp_path):
    with FakeOdoo(definitions={13: LOOKUP_FLOW}, runtime_config=runtime(version=13)) as odoo:
        answers = {
            "+8613800000001": ({"known": True, "last_agent_dial": "Local/1002@agents/n",
                                "last_agent_available": True}, "dial", "Local/1002@agents/n"),
            "+8613800000002": ({"known": True, "last_agent_dial": "Local/1002@agents/n",
                                "last_agent_available": False}, "queue", "support"),
            "+8613800000003": ({"known": True, "vip": True}, "queue", "vip"),
            "+8613800000004": ({"known": True, "blacklisted": True}, "hangup", ""),
            "+8613800000005": (None, "queue", "support"),
        }
        for index, (caller, (answer, outcome, target)) in enumerate(answers.items()):
            if answer:
                odoo.lookup_answers[caller] = answer
            odoo.facts.clear()
            _asterisk, fact = await session(tmp_path / str(index), odoo, caller=caller)
            assert (fact["outcome"], fact["target"]) == (outcome, target), caller
        assert odoo.called("callcenter_ivr_lookup") == len(answers), "one lookup per session"
        odoo.lookup_delay = 3.0
        odoo.facts.clear()
        asterisk, fact = await session(tmp_path / "slow", odoo, caller="+8613800000003")
        assert (fact["outcome"], fact["target"]) == ("queue", "support"), "timeout: unknown"
        assert fact["ended"] - fact["started"] < 2.0


@run_async
async def test_hostile_flows_fall_back_and_the_service_stays_up(tmp_path):
    loop_flow = {"id": 20, "ivr": 9, "start": "1", "default_language": "en", "nodes": {
        "1": {"id": "1", "kind": "goto", "target": "2"},
        "2": {"id": "2", "kind": "goto", "target": "1"}}}
    broken = {
        20: loop_flow,
        21: {**loop_flow, "id": 21, "start": "404"},
        22: {**loop_flow, "id": 22, "nodes": {"1": {"kind": "teleport"}}},
        23: {**loop_flow, "id": 23, "nodes": {"1": {"kind": "queue", "queue": None}}},
        24: {**loop_flow, "id": 24, "nodes": {"1": {"kind": "menu", "options": ["1", "2"]}}},
    }
    odoo = FakeOdoo(definitions=broken, runtime_config=runtime(
        version=20, **{"401": {"type": "ivr", "ivr": 9, "version": 21, "fallback_queue": "front"},
                       "402": {"type": "ivr", "ivr": 9, "version": 22},
                       "403": {"type": "ivr", "ivr": 9, "version": 23},
                       "404": {"type": "ivr", "ivr": 9, "version": 24},
                       "405": {"type": "ivr", "ivr": 9, "version": 99}})).start()
    odoo.runtime["routes"].pop("4005")
    try:
        async with running_connector(tmp_path, odoo.url) as service:
            await flows_ready(service)
            for did, target in (("400", "support"), ("401", "front"), ("402", "support"),
                                ("403", "support"), ("404", "support"), ("405", "support"),
                                ("777", "support")):
                asterisk = await AsteriskSide(service.fastagi.port, did=did, keys=["", ""]).run()
                assert asterisk.variables["CC_IVR_DEST"] == "queue", did
                assert asterisk.variables["CC_IVR_TARGET"] == target, did
                assert asterisk.variables["CC_IVR_RESUME"] == "", did
            await until(lambda: len(odoo.ivr_facts()) == 7)
            assert {fact["outcome"] for fact in odoo.ivr_facts()} == {"fallback"}
            await AsteriskSide(service.fastagi.port, did="400", version="7", resume="13",
                               queue_status="CONTINUE", keys=["5"]).run()
            assert service.fastagi.server.is_serving()
    finally:
        odoo.stop()
