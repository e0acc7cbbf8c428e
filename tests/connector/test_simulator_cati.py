"""The simulator playing a dialer's calls (connector/CATI.md): Originate of
`Local/<number>@outbound/n` into `cc-cati`, with numbers that answer, are busy,
congested, ring out or cannot be dialed, and interviewers' phones that answer
by themselves."""

import random

import pytest
from callcenter_connector.simulator import scenarios
from callcenter_connector.simulator.customers import (
    CustomerModel,
    Customers,
    Outcome,
)

NUMBER = "+8613800138000"
LINKEDID = "cati-1"


def events(messages, name, **match):
    return [m for m in messages if m["Event"] == name
            and all(m.get(key) == value for key, value in match.items())]


def call(outcome, **options):
    options.setdefault("agents", {"1002": (2.0, None)})
    return scenarios.cati_call(NUMBER, "cati-12", outcome=outcome, **options)


def originate_response(messages):
    response, = events(messages, "OriginateResponse")
    return response


def first_half_hangup(messages):
    hangup, = events(messages, "Hangup", Uniqueid=LINKEDID)
    return hangup


def assert_whole(messages):
    """One Linkedid for every channel, and every channel hung up."""
    channels = {m["Uniqueid"] for m in events(messages, "Newchannel")}
    assert channels == {m["Uniqueid"] for m in events(messages, "Hangup")}
    assert {m["Linkedid"] for m in messages if m["Event"] in ("Newchannel", "Hangup")} == {
        LINKEDID}


def test_an_answered_number_is_bridged_to_an_interviewer_whose_phone_answers_itself():
    messages = call(Outcome("answer", 5, 30))
    assert_whole(messages)
    response = originate_response(messages)
    assert (response["Response"], response["Reason"], response["Uniqueid"]) == (
        "Success", "4", LINKEDID)
    assert (response["Context"], response["Exten"]) == ("cc-cati", "cati-12")
    variables = {m["Variable"]: m["Value"] for m in events(messages, "VarSet", Uniqueid=LINKEDID)}
    assert variables["CC_CATI_CONNECT"] == "2" and variables["CC_CATI_ABANDON"] == "cc-cati-abandon"
    join, = events(messages, "QueueCallerJoin", Uniqueid=LINKEDID, Queue="cati-12")
    connect, = events(messages, "AgentConnect", Linkedid=LINKEDID)
    assert connect["Interface"] == "Local/1002@agents/n"
    assert float(connect["Timestamp"]) - float(join["Timestamp"]) < 0.5, "auto-answer"
    assert not events(messages, "QueueCallerAbandon")
    bridge, = {m["BridgeUniqueid"] for m in events(messages, "BridgeEnter", Uniqueid=LINKEDID)}
    assert len(events(messages, "BridgeEnter", BridgeUniqueid=bridge)) == 2
    assert first_half_hangup(messages)["Cause"] == "16"


def test_nobody_free_within_the_connect_window_plays_the_abandon_message():
    messages = call(Outcome("answer", 3, 60), agents={"1002": (None, None)}, connect_seconds=2)
    assert_whole(messages)
    join, = events(messages, "QueueCallerJoin", Uniqueid=LINKEDID)
    abandon, = events(messages, "QueueCallerAbandon", Uniqueid=LINKEDID)
    assert float(abandon["Timestamp"]) - float(join["Timestamp"]) == pytest.approx(2, abs=0.05)
    assert events(messages, "VarSet", Uniqueid=LINKEDID, Variable="QUEUESTATUS", Value="TIMEOUT")
    playback, = events(messages, "Newexten", Uniqueid=LINKEDID, Application="Playback")
    assert playback["AppData"] == "cc-cati-abandon" and playback["Context"] == "cc-cati"
    assert not events(messages, "AgentConnect")


@pytest.mark.parametrize(("kind", "cause", "status"), [("busy", "17", "BUSY"),
                                                       ("congestion", "34", "CONGESTION")])
def test_a_refusing_number_fails_the_originate_with_its_cause(kind, cause, status):
    messages = call(Outcome(kind, 2))
    assert_whole(messages)
    response = originate_response(messages)
    assert (response["Response"], response["Reason"], response["Uniqueid"]) == (
        "Failure", "0", "<unknown>")
    assert first_half_hangup(messages)["Cause"] == cause
    assert events(messages, "VarSet", Uniqueid=LINKEDID, Variable="CHANLOCALSTATUS",
                  Value=status)
    assert events(messages, "DialEnd", DestUniqueid=LINKEDID, DialStatus=status)
    assert not events(messages, "QueueCallerJoin")


def test_a_number_that_rings_out_ends_at_the_originate_timeout():
    messages = call(Outcome("no_answer"), ring_seconds=20)
    assert_whole(messages)
    response = originate_response(messages)
    assert (response["Response"], response["Reason"]) == ("Failure", "3")
    hangup = first_half_hangup(messages)
    begin, = events(messages, "DialBegin", DestUniqueid=LINKEDID)
    assert hangup["Cause"] == "19"
    assert float(hangup["Timestamp"]) - float(begin["Timestamp"]) == pytest.approx(20, abs=0.05)
    assert events(messages, "DialEnd", DialStatus="CANCEL")


def test_a_number_outbound_cannot_dial_is_refused_before_any_dialing():
    messages = scenarios.cati_call("8613800138000", "cati-12", agents={"1002": (2.0, None)})
    assert_whole(messages)
    assert originate_response(messages)["Response"] == "Failure"
    assert not events(messages, "DialBegin")


def test_the_respondent_hanging_up_while_waiting_leaves_the_queue():
    messages = call(Outcome("answer", 3, 1.0), agents={"1002": (None, None)})
    assert_whole(messages)
    abandon, = events(messages, "QueueCallerAbandon", Uniqueid=LINKEDID)
    assert not events(messages, "Newexten", Application="Playback")
    assert not events(messages, "VarSet", Variable="QUEUESTATUS")
    assert float(abandon["HoldTime"]) < 2


def test_the_reference_customer_is_unchanged_and_rules_pick_by_number_then_suffix():
    customers = Customers()
    assert customers.outcome("+1555") == Outcome("answer", 2.0, 3.0)
    customers.set_suffix("7", Outcome("busy", 1))
    customers.set_suffix("77", Outcome("congestion", 1))
    customers.set_number("+15577", Outcome("no_answer"))
    assert customers.outcome("+1557").kind == "busy"
    assert customers.outcome("+1577").kind == "congestion"
    assert customers.outcome("+15577").kind == "no_answer"


def test_the_demo_model_answers_at_its_contact_rate():
    model = CustomerModel(contact_rate=0.3, seed=4)
    rng = random.Random(model.seed)
    draws = [model.draw(rng) for _ in range(4000)]
    answered = [d for d in draws if d.kind == "answer"]
    assert len(answered) / len(draws) == pytest.approx(0.3, abs=0.03)
    assert all(1.0 <= d.after <= 14.0 and d.talk >= 10.0 for d in answered)
    assert {d.kind for d in draws} == {"answer", "busy", "congestion", "no_answer"}
