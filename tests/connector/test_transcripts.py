"""The call state machine against every real Asterisk 22 transcript and its truth file."""

import json

import pytest
from conftest import TRANSCRIPTS

from callcenter_connector.protocol.ami import read_transcript
from callcenter_connector.state.calls import CallTracker
from callcenter_connector.state.channels import device_key

AGENTS = ["Local/1001@agents/n", "Local/1002@agents/n", "Local/1003@agents/n"]
STATUS = {"answered": "completed", "abandoned": "abandoned", "missed": "missed", "failed": "failed"}
TOLERANCE = 1.5
CALL_SCENARIOS = [
    "01_inbound_queue_answered", "02_inbound_queue_abandoned",
    "03_inbound_queue_ringnoanswer_then_answered", "05_direct_extension_answered",
    "06_direct_extension_noanswer", "07_click_to_dial", "08_blind_transfer", "11_recording",
    "15_fastagi_ivr",
]


def load(name):
    _banner, messages = read_transcript((TRANSCRIPTS / f"{name}.ami").read_bytes())
    truth = json.loads((TRANSCRIPTS / f"{name}.json").read_text())
    return messages, truth


def run(messages, tracker=None, hooks=None):
    tracker = tracker or CallTracker(agent_devices=AGENTS)
    facts = []
    for message in messages:
        if hooks and message.get("actionid") in hooks and "response" in message:
            facts.extend(hooks[message["actionid"]](tracker) or [])
        facts.extend(tracker.handle(message))
        if hooks and message.get("event") in hooks:
            facts.extend(hooks[message["event"]](tracker) or [])
    facts.extend(tracker.flush())
    return tracker, facts


def final_calls(facts):
    return {f["linkedid"]: f["call"] for f in facts if f["type"] == "call" and f.get("final")}


def wait_of(call):
    start = call["queue_entered_at"] or call["ring_started_at"] or call["started_at"]
    return (call["answered_at"] or call["ended_at"]) - start


def talk_of(call):
    if not call["answered_at"]:
        return 0
    return call["ended_at"] - call["answered_at"] - call["hold_seconds"]


def expected_agent(truth_call):
    text = truth_call.get("agent") if truth_call["direction"] == "outbound" else truth_call["answered_by"]
    return device_key(text.split(" ")[0]) if text else ""


def expected_hangup_by(text):
    text = (text or "").lower()
    if text.startswith(("caller", "customer")):
        return "customer"
    return text.split(" ")[0]


@pytest.mark.parametrize("name", CALL_SCENARIOS)
def test_transcript_gives_truth(name):
    messages, truth = load(name)
    _tracker, facts = run(messages)
    calls = final_calls(facts)
    assert len(calls) == len(truth["calls"]), "one call per truth entry, no duplicates"
    for expected in truth["calls"]:
        call = calls[expected["ids"]["linkedid"]]
        assert call["direction"] == expected["direction"]
        assert call["caller"] == expected["caller_number"]
        assert call["caller_name"] == expected["caller_name"]
        assert call["callee"] == expected["callee"]
        assert call["queue"] == (expected["queue"] or "")
        assert call["state"] == STATUS[expected["status"]]
        assert call["agent"] == expected_agent(expected)
        assert abs(wait_of(call) - expected["wait_seconds_approx"]) <= TOLERANCE, wait_of(call)
        assert abs(talk_of(call) - expected["talk_seconds_approx"]) <= TOLERANCE, talk_of(call)
        assert call["recording_file"] == (expected["recording_file"] or "")
        assert call["hangup_by"] == expected_hangup_by(expected["hangup_by"])
        assert call["transferred"] == bool(expected["transfer_target"])
        assert not call["reconciled"]


def test_ring_no_answer_leg_and_auto_pause():
    messages, truth = load("03_inbound_queue_ringnoanswer_then_answered")
    _tracker, facts = run(messages)
    call = final_calls(facts)[truth["calls"][0]["ids"]["linkedid"]]
    results = {(leg["agent"], leg["result"]) for leg in call["legs"]}
    assert ("Local/1003@agents", "no_answer") in results
    assert ("Local/1002@agents", "completed") in results
    paused = [f for f in facts if f["type"] == "agent" and f["agent"] == "Local/1003@agents"
              and f["state"] == "paused"]
    assert paused and paused[0]["reason"] == "Auto-Pause"


def test_blind_transfer_legs():
    messages, truth = load("08_blind_transfer")
    _tracker, facts = run(messages)
    call = final_calls(facts)[truth["calls"][0]["ids"]["linkedid"]]
    answered = [(leg["agent"], leg["result"], leg["transfer_kind"]) for leg in call["legs"]
                if leg["answered_at"]]
    assert answered == [("Local/1001@agents", "transferred", "blind"),
                        ("Local/1002@agents", "completed", "")]
    rings = [f["agent"] for f in facts if f["type"] == "ring"]
    assert rings == ["Local/1001@agents", "Local/1002@agents"]


def test_screen_pop_and_agent_states_for_answered_call():
    messages, truth = load("01_inbound_queue_answered")
    _tracker, facts = run(messages)
    rings = [f for f in facts if f["type"] == "ring"]
    assert [(r["agent"], r["linkedid"], r["caller"]) for r in rings] == [
        ("Local/1001@agents", truth["calls"][0]["ids"]["linkedid"], "+8613800138000")]
    states = [f["state"] for f in facts if f["type"] == "agent" and f["agent"] == "Local/1001@agents"]
    assert states[-4:] == ["ringing", "on_call", "wrapup", "available"]
    queue = [f for f in facts if f["type"] == "queue"]
    assert queue[0]["waiting"] == 1 and queue[-1]["waiting"] == 0


def test_click_to_dial_correlates_with_preassigned_channel_id():
    messages, truth = load("07_click_to_dial")
    tracker = CallTracker(agent_devices=AGENTS)
    tracker.expect_originate(truth["calls"][0]["ids"]["linkedid"])
    _tracker, facts = run(messages, tracker)
    call = final_calls(facts)[truth["calls"][0]["ids"]["linkedid"]]
    assert call["direction"] == "outbound"
    assert call["state"] == "completed"
    assert not [f for f in facts if f["type"] == "ring"], "no screen pop for the agent's own dial"


def test_recording_facts():
    messages, truth = load("11_recording")
    _tracker, facts = run(messages)
    recordings = {f["linkedid"]: f["filename"] for f in facts if f["type"] == "recording"}
    assert recordings == {c["ids"]["linkedid"]: c["recording_file"] for c in truth["calls"]}


def test_queue_member_operations():
    messages, truth = load("12_queue_member_ops")
    _tracker, facts = run(messages)
    changes = []
    for fact in facts:
        if fact["type"] != "member" or fact["agent"] != "Local/1003@agents":
            continue
        change = {"interface": "Local/1003@agents/n", "queue": fact["queue"], "change": fact["event"]}
        if fact["event"] == "paused":
            change["reason"] = fact["reason"]
        if fact["event"] in ("added", "penalty"):
            change["penalty"] = fact["penalty"]
        changes.append(change)
    expected = []
    for change in truth["expected_member_state_changes"]:
        for queue in change["queue"].split("+"):
            item = {k: v for k, v in change.items() if k != "member_name"}
            item["queue"] = queue
            expected.append(item)
    assert changes == expected
    states = [f["state"] for f in facts if f["type"] == "agent" and f["agent"] == "Local/1003@agents"]
    assert "paused" in states and states[-1] in ("available", "logged_out")


def test_reconnect_snapshot_reconciles():
    """A fresh session after a disconnect: what the snapshot shows continues, the rest is closed."""
    messages, truth = load("13_reconnect_snapshot")
    tracker = CallTracker(agent_devices=AGENTS)
    tracker.handle({"event": "Newchannel", "timestamp": "1795320400.0",
                    "channel": "Local/4001@inbound-00000090;1", "uniqueid": "stale.1",
                    "linkedid": "stale.1", "context": "inbound", "exten": "4001",
                    "calleridnum": "+8613900000000"})
    tracker.handle({"event": "QueueCallerJoin", "timestamp": "1795320401.0", "queue": "support",
                    "channel": "Local/4001@inbound-00000090;1", "uniqueid": "stale.1",
                    "linkedid": "stale.1"})
    hooks = {"13-002": lambda t: t.begin_snapshot(),
             "QueueStatusComplete": lambda t: t.end_snapshot(t.now)}
    _tracker, facts = run(messages, tracker, hooks)
    calls = final_calls(facts)
    stale = calls["stale.1"]
    assert stale["reconciled"] and stale["ended_at"] and stale["state"] == "missed"
    for expected in truth["calls"]:
        call = calls[expected["ids"]["linkedid"]]
        assert call["state"] == "completed"
        assert call["agent"] == "Local/1001@agents"
        assert call["queue"] == "support"
        assert call["caller"] == expected["caller_number"]
        assert abs(wait_of(call) - expected["wait_seconds_approx"]) <= TOLERANCE
        assert abs(talk_of(call) - expected["talk_seconds_approx"]) <= TOLERANCE


def test_every_transcript_is_consumed():
    names = {p.name.split(".")[0] for p in TRANSCRIPTS.glob("*.ami")}
    covered = set(CALL_SCENARIOS) | {"12_queue_member_ops", "13_reconnect_snapshot"}
    assert names <= covered, names - covered
