"""The dialer's call follower (dialer/calls.py) on the AMI messages the simulator
emits for each way a dialer call ends, without a connection: pure in, facts out."""

from callcenter_connector.dialer.calls import CatiCall, CatiCalls
from callcenter_connector.simulator import Outcome, scenarios

NUMBER = "+8613800138000"


def follow(messages, linkedid="cati-1", other="cati-2", *, originate_response=True):
    calls = CatiCalls()
    calls.add(CatiCall(linkedid, other, 12, 881, 5531, NUMBER, dialed_at=0.0), "a-1")
    facts = []
    for message in messages:
        event = {key.lower(): value for key, value in message.items()}
        if event.get("event") == "OriginateResponse" and not originate_response:
            continue
        facts += calls.handle(event)
    return facts, calls


def dial(outcome=None, number=NUMBER, **options):
    options.setdefault("agents", {"1002": (2.0, None)})
    return scenarios.cati_call(number, "cati-12", outcome=outcome, action_id="a-1", **options)


def ended(facts):
    last, = [fact for fact in facts if fact["event"] == "ended"]
    return last


def test_connected_then_ended_with_the_interviewer_and_the_pbx_times():
    facts, calls = follow(dial(Outcome("answer", 4, 20)))
    connected, end = facts
    assert connected["event"] == "connected" and connected["agent"] == "Local/1002@agents"
    assert end["result"] == "connected" and end["agent"] == "Local/1002@agents"
    assert abs(end["dialed_at"] - scenarios.DEFAULT_START) < 0.001, "the PBX moment of dialing"
    assert end["answered_at"] - end["dialed_at"] >= 4
    assert end["connected_at"] == connected["at"] and end["ended_at"] - end["answered_at"] >= 20
    assert len(calls) == 0 and not calls.actions


def test_abandoned_when_nobody_answers_within_the_connect_window():
    end = ended(follow(dial(Outcome("answer", 3, 60), agents={"1002": (None, None)}))[0])
    assert end["result"] == "abandoned" and end["answered_at"] and end["connected_at"] is None


def test_abandoned_when_the_respondent_hangs_up_before_an_interviewer():
    end = ended(follow(dial(Outcome("answer", 3, 1), agents={"1002": (None, None)}))[0])
    assert end["result"] == "abandoned"


def test_busy_congestion_and_no_answer_with_or_without_the_originate_response():
    for outcome, result in ((Outcome("busy", 2), "busy"), (Outcome("congestion", 1), "congestion"),
                            (Outcome("no_answer"), "no_answer")):
        for with_response in (True, False):
            facts, _ = follow(dial(outcome), originate_response=with_response)
            assert ended(facts)["result"] == result, (outcome, with_response)


def test_a_number_without_a_route_failed():
    end = ended(follow(dial(number="8613800138000"))[0])
    assert end["result"] == "failed" and end["answered_at"] is None


def test_hangup_cause_decides_without_dial_statuses():
    messages = [m for m in dial(Outcome("busy", 2))
                if not (m["Event"] == "VarSet" and m["Variable"] in ("DIALSTATUS",
                                                                     "CHANLOCALSTATUS"))
                and not (m["Event"] == "DialEnd" and "Channel" not in m)]
    assert ended(follow(messages)[0])["result"] == "busy"


def test_refused_originate_and_lost_calls_end_failed():
    calls = CatiCalls()
    calls.add(CatiCall("x-1", "x-2", 12, 1, 2, NUMBER, dialed_at=100.0))
    calls.add(CatiCall("y-1", "y-2", 12, 3, 4, NUMBER, dialed_at=100.0, ring_seconds=20))
    refused, = calls.refused("x-1", 101.0)
    assert (refused["result"], refused["ended_at"]) == ("failed", 101.0)
    assert calls.expire(150.0) == []
    lost, = calls.expire(181.0)
    assert lost["case_id"] == 3 and lost["result"] == "failed"


def test_a_failure_response_before_any_channel_ends_the_call():
    calls = CatiCalls()
    calls.add(CatiCall("z-1", "z-2", 12, 5, 6, NUMBER, dialed_at=10.0), "act-9")
    fact, = calls.handle({"event": "OriginateResponse", "actionid": "act-9",
                          "response": "Failure", "reason": "0", "uniqueid": "<unknown>"})
    assert fact["result"] == "failed"


def test_reconcile_closes_the_calls_the_pbx_no_longer_has():
    messages = dial(Outcome("answer", 3, 30))
    cut = next(i for i, m in enumerate(messages) if m["Event"] == "AgentConnect") + 1
    facts, calls = follow(messages[:cut])
    assert [fact["event"] for fact in facts] == ["connected"]
    end, = calls.reconcile(set(), 1e10)
    assert end["result"] == "connected" and end["ended_at"] == 1e10
