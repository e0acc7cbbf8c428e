"""Cases no transcript records, built as the README describes them: hold,
attended transfer, queue timeout, the AgentComplete race, agent hangups."""

import pytest
from callcenter_connector.simulator import operations, scenarios

CUSTOMER = ("+33612345678", "Jean Dupont")


def events(messages, name, **match):
    return [m for m in messages if m["Event"] == name
            and all(m.get(key) == value for key, value in match.items())]


def index_of(messages, predicate):
    return next(i for i, m in enumerate(messages) if predicate(m))


def test_hold_is_hold_unhold_on_the_agent_and_music_on_the_customer():
    messages = scenarios.held_call("4001", *CUSTOMER, 12, hold_after=4, hold_seconds=3,
                                   agents={"1001": (1.0, None)})
    hold, = events(messages, "Hold")
    unhold, = events(messages, "Unhold")
    assert hold["Channel"] == unhold["Channel"] and hold["Channel"].startswith(
        "Local/1001@agents-") and hold["MusicClass"] == "default"
    assert float(unhold["Timestamp"]) - float(hold["Timestamp"]) == pytest.approx(3, abs=0.01)
    customer = [m for m in messages if m["Event"].startswith("MusicOnHold")
                and m["Channel"].endswith(";2") and "@inbound-" in m["Channel"]]
    assert [m["Event"] for m in customer] == ["MusicOnHoldStart", "MusicOnHoldStop"] * 2
    assert float(customer[2]["Timestamp"]) >= float(hold["Timestamp"])
    assert [m["Digit"] for m in events(messages, "DTMFEnd")] == ["*", "7"]


def test_attended_transfer_keeps_the_linkedid_and_optimizes_the_local_channel():
    messages = scenarios.attended_transfer("4001", *CUSTOMER, 20, member="1001",
                                           transfer_after=4, agents={"1001": (1.0, None),
                                                                     "1002": (2.0, None)})
    linkedid = messages[0]["LinkedID"]
    assert {m["Linkedid"] for m in messages if "Linkedid" in m} == {linkedid}
    transfer, = events(messages, "AttendedTransfer")
    assert transfer["OrigTransfererChannel"] == transfer["SecondTransfererChannel"]
    assert transfer["OrigTransfererChannel"].startswith("Local/1001@agents-")
    assert transfer["TransferTargetChannel"].startswith("Local/1002@internal-")
    assert transfer["TransferTargetChannel"].endswith(";1")
    assert transfer["DestType"] == "Bridge"
    assert {transfer[k] for k in transfer if k.endswith("Linkedid")} == {linkedid}
    assert [m["Reason"] for m in events(messages, "AgentComplete")] == ["transfer"]
    begin, = events(messages, "LocalOptimizationBegin")
    end, = events(messages, "LocalOptimizationEnd")
    assert begin["LocalOneChannel"] == transfer["TransferTargetChannel"]
    assert begin["SourceChannel"].startswith("Local/1002@agents-") and end["Success"] == "Yes"
    customer_bridge = transfer["OrigBridgeUniqueid"]
    joined = [m["Channel"] for m in events(messages, "BridgeEnter",
                                           BridgeUniqueid=customer_bridge)]
    assert begin["SourceChannel"] in joined
    assert len(events(messages, "Newchannel")) == len(events(messages, "Hangup")) == 8


def test_queue_timeout_is_an_abandon_without_hangup_request_then_timeout_status():
    messages = scenarios.inbound_call("4003", *CUSTOMER, 30, agents={"1001": (None, None)})
    abandon, = events(messages, "QueueCallerAbandon")
    assert abandon["HoldTime"] == "5"
    at = index_of(messages, lambda m: m["Event"] == "QueueCallerAbandon")
    assert not [m for m in messages[:at] if m["Event"] == "HangupRequest"
                and m.get("Channel") == abandon["Channel"]]
    after = [(m["Event"], m.get("Variable"), m.get("Value")) for m in messages[at:]
             if m.get("Channel") == abandon["Channel"]]
    assert ("VarSet", "QUEUESTATUS", "TIMEOUT") in after
    assert "Newexten" in [name for name, _, _ in after]
    playback = [m for m in messages[at:] if m["Event"] == "Newexten"
                and m["Application"] == "Playback"]
    assert playback and playback[0]["Context"] == "voicemail"


def test_agent_complete_race_drops_the_channel_fields():
    messages = scenarios.inbound_call("4001", *CUSTOMER, 6, agents={"1001": (1.0, None)},
                                      late_agent_complete=True)
    complete, = events(messages, "AgentComplete")
    assert list(complete)[3:] == ["Queue", "Interface", "MemberName", "HoldTime", "TalkTime",
                                  "Reason"]
    caller_gone = index_of(messages, lambda m: m["Event"] == "Hangup"
                           and m["Channel"].startswith("Local/4001@inbound-")
                           and m["Channel"].endswith(";2"))
    assert messages.index(complete) > caller_gone


def test_agent_hangup_without_continue_hangs_up_the_caller():
    messages = scenarios.inbound_call("4001", *CUSTOMER, 30, agents={"1001": (1.0, 3.0)})
    complete, = events(messages, "AgentComplete")
    assert (complete["Reason"], complete["TalkTime"]) == ("agent", "3")
    assert not events(messages, "VarSet", Variable="QUEUESTATUS")
    hangups = [m["Channel"] for m in events(messages, "Hangup")]
    assert len(hangups) == 4 and float(messages[-1]["Timestamp"]) < scenarios.DEFAULT_START + 5


def test_direct_call_answered_then_agent_hangs_up_ends_the_line():
    messages = scenarios.inbound_call("4101", *CUSTOMER, 30, agents={"1001": (2.0, 3.0)})
    assert [m["Cause"] for m in events(messages, "Hangup")] == ["16"] * 4
    assert events(messages, "OriginateResponse")[0]["Response"] == "Success"


@pytest.mark.parametrize("did", ["4001", "4002", "4003", "4004", "4101", "4201", "300"])
def test_every_line_leaves_the_pbx_clean(did):
    messages = []
    pbx = scenarios.reference_pbx(messages.append, agents={"1001": (1.0, 3.0)})
    operations.place_inbound_call(pbx, did, *CUSTOMER, 8)
    pbx.clock.run_all()
    assert not pbx.calls and not pbx.channels
    assert all(agent.active_channels == 0 for agent in pbx.agents.values())
    assert all(not queue.callers for queue in pbx.queues.values())
    assert len(events(messages, "Newchannel")) == len(events(messages, "Hangup"))
    assert len(events(messages, "BridgeCreate")) == len(events(messages, "BridgeDestroy"))
    stamps = [float(m["Timestamp"]) for m in messages]
    assert stamps == sorted(stamps)


@pytest.mark.parametrize("agents, hangup_after, reason", [
    ({"1001": (1.0, None), "1002": (2.0, None)}, 20, "transfer"),
    ({"1001": (1.0, None), "1002": (5.0, None)}, 7, "caller"),
    ({"1001": (1.0, 5.0), "1002": (5.0, None)}, 20, "agent"),
    ({"1001": (1.0, 6.0), "1002": (2.0, None)}, 20, "transfer"),
    ({"1001": (1.0, None), "1002": (None, None)}, 40, "caller"),
], ids=["completed", "caller-gone-while-target-rings", "transferer-gone-before-answer",
        "transferer-hangs-up-to-complete", "target-never-answers"])
def test_attended_transfer_ends_cleanly_whoever_hangs_up(agents, hangup_after, reason):
    messages = []
    pbx = scenarios.reference_pbx(messages.append, agents=agents)
    operations.place_inbound_call(pbx, "4001", *CUSTOMER, hangup_after)
    pbx.clock.call_at(pbx.now() + 4, lambda: operations.attended_transfer(
        pbx, operations.member_channel(pbx, "1001"), "internal", "1002"))
    pbx.clock.run_all()
    assert [m["Reason"] for m in events(messages, "AgentComplete")] == [reason]
    assert not pbx.calls and not pbx.channels
    assert all(agent.active_channels == 0 for agent in pbx.agents.values())
    assert len(events(messages, "Newchannel")) == len(events(messages, "Hangup")) == 8
    assert len(events(messages, "BridgeCreate")) == len(events(messages, "BridgeDestroy"))
