"""Dialed phone legs: the Local pair that Queue, Dial or Originate rings.

A leg is `Local/<exten>@<context>-<n>`: `;1` is the leg the dialer sees,
`;2` runs the phone's dialplan. Two phone dialplans exist on the reference
PBX: `[agents]` (Ringing, Wait(RING), Answer, Wait(TALK), Hangup, or
`Wait(300)` when the agent never answers) and `[customers]` (ring 2 s,
answer, talk 3 s, hang up; `Customers` may make a number busy, congested or
never answer). The leg emits the events of its own two channels
and tells its owner (a Queue, a Dial or an Originate) when the phone rings,
answers and hangs up; the owner emits everything that involves both sides.
"""

from dataclasses import replace

from .channels import RINGING, UP
from .customers import ANSWER, NO_ANSWER, REFERENCE
from .pbx import CdrRecord

ANSWER_TO_NEXT_PRIORITY = 0.018
#: An interviewer's phone asked to answer by itself (Call-Info answer-after=0).
AUTO_ANSWER_SECONDS = 0.3
QUEUE, DIAL, ORIGINATE = "queue", "dial", "originate"
BUSY, CONGESTION = "BUSY", "CONGESTION"
REFUSAL_APPS = {BUSY: "Busy", CONGESTION: "Congestion"}
REFUSAL_CAUSES = {BUSY: 17, CONGESTION: 34}
#: OriginateResponse `Reason`: rang out unanswered, answered.
ORIGINATE_RINGING, ORIGINATE_ANSWERED = 3, 4


def seconds_text(value):
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


class PhoneScript:
    """The dialplan a phone's `;2` runs: texts, priorities and timings."""

    def __init__(self, context, exten, ring_seconds, talk_seconds, refusal=None):
        self.context = context
        self.exten = exten
        self.ring_seconds = ring_seconds
        self.talk_seconds = talk_seconds
        self.refusal = refusal

    @property
    def answers(self):
        return self.ring_seconds is not None and self.refusal is None

    def ringing_steps(self):
        """(priority, application, data) run before the phone answers."""
        if self.context == "customers":
            ring = "300" if self.ring_seconds is None else seconds_text(self.ring_seconds)
            return [(1, "NoOp", f"customer {self.exten} phone ringing"), (2, "Ringing", ""),
                    (3, "Wait", ring)]
        steps = [(1, "NoOp", f"agent {self.exten} ringing"), (2, "Ringing", "")]
        if self.answers:
            steps += [(3, "GotoIf", "0?noanswer"), (4, "Wait", seconds_text(self.ring_seconds))]
        else:
            steps += [(3, "GotoIf", "1?noanswer"), (8, "Wait", "300")]
        return steps

    @property
    def answer_priority(self):
        return 4 if self.context == "customers" else 5

    def talk_step(self):
        talk = seconds_text(self.talk_seconds) if self.talk_seconds is not None else "86400"
        return (self.answer_priority + 1, "Wait", talk)

    @property
    def hangup_priority(self):
        return self.answer_priority + 2


def agent_script(agent, auto_answer=False):
    ring = agent.ring_seconds
    if auto_answer and ring is not None:
        ring = min(ring, AUTO_ANSWER_SECONDS)
    return PhoneScript("agents", agent.extension, ring, agent.talk_seconds)


def customer_script(number, outcome=REFERENCE):
    """`[customers]` for `number` as `outcome` (a `customers.Outcome`) says."""
    if outcome.kind == ANSWER:
        return PhoneScript("customers", number, outcome.after, outcome.talk)
    if outcome.kind == NO_ANSWER:
        return PhoneScript("customers", number, None, None)
    refusal = BUSY if outcome.kind == "busy" else CONGESTION
    return PhoneScript("customers", number, outcome.after, None, refusal)


class PhoneLeg:
    """One dialed Local pair towards a phone, and its phone's behaviour over time."""

    def __init__(self, pbx, pair, script, owner, kind, agent=None):
        self.pbx = pbx
        self.ev = pbx.events
        self.pair = pair
        self.one, self.two = pair.one, pair.two
        self.script = script
        self.owner = owner
        self.kind = kind
        self.agent = agent
        self.ring_started = pbx.now()
        self.answered_at = None
        self.ended = False
        self._timers = []

    # --- creation ---------------------------------------------------------

    @classmethod
    def dial(cls, pbx, caller, script, owner, kind, *, agent=None, dial_string,
             peer_number, inherit_features=False, linkedid=None):
        """Creates the pair and emits what the dialer's request produces.

        `kind` QUEUE reproduces app_queue's order (AgentCalled before
        DialBegin), DIAL the order of app_dial; both from the transcripts.
        """
        pair = pbx.local_pair(script.exten, script.context,
                              linkedid=linkedid or caller.linkedid)
        leg = cls(pbx, pair, script, owner, kind, agent)
        one, two = pair.one, pair.two
        ev = pbx.events
        features = caller.variables.get("__DYNAMIC_FEATURES") if inherit_features else None
        if kind == QUEUE:
            ev.cel_chan_start(one)
            ev.newchannel(one)
            ev.cel_chan_start(two)
            ev.newchannel(two)
            one.set_caller(caller.caller_num, caller.caller_name)
            one.ani = caller.caller_num
            leg._enter_outgoing_app("AppQueue")
            ev.new_callerid(one)
            if features:
                ev.varset(one, "__DYNAMIC_FEATURES", features)
            ev.varset(one, "DIALEDPEERNUMBER", peer_number)
            ev.varset(two, "DIALEDPEERNUMBER", peer_number)
            if features:
                ev.varset(two, "__DYNAMIC_FEATURES", features)
            two.set_caller(caller.caller_num, caller.caller_name)
            two.set_connected(caller.caller_num, caller.caller_name)
            ev.new_callerid(two)
            ev.new_connected_line(two)
            ev.local_bridge(pair, optimization=False)
        else:
            ev.newchannel(one)
            ev.newchannel(two)
            ev.varset(one, "DIALEDPEERNUMBER", peer_number)
            if features:
                ev.varset(one, "__DYNAMIC_FEATURES", features)
            one.set_caller(caller.exten, caller.caller_name)
            one.set_connected(caller.caller_num, caller.caller_name)
            one.exten = caller.exten
            leg._enter_outgoing_app("AppDial")
            ev.new_callerid(one)
            ev.new_connected_line(one)
            ev.varset(two, "DIALEDPEERNUMBER", peer_number)
            if features:
                ev.varset(two, "__DYNAMIC_FEATURES", features)
            two.set_caller(caller.caller_num, caller.caller_name)
            two.set_connected(caller.exten, caller.caller_name)
            two.ani = caller.ani
            ev.new_callerid(two)
            ev.new_connected_line(two)
            ev.local_bridge(pair, optimization=not dial_string.endswith("/n"))
        return leg

    def _enter_outgoing_app(self, application):
        self.one.application, self.one.app_data = application, "(Outgoing Line)"
        self.ev.newexten(self.one, application, "(Outgoing Line)")

    def agent_called_view(self, caller):
        """app_queue reports the member leg with the caller's exten and identity."""
        return replace(self.one, exten=caller.exten,
                       connected_num=caller.caller_num, connected_name=caller.caller_name)

    def emit_chan_start(self):
        self.ev.cel_chan_start(self.one, exten=self.script.exten)
        self.ev.cel_chan_start(self.two)

    # --- the phone's dialplan ----------------------------------------------

    def ring(self, caller):
        """The phone's `;2` starts its dialplan and rings; `;1` reports Ringing."""
        steps = self.script.ringing_steps()
        for priority, application, data in steps[:2]:
            self.run(priority, application, data)
        self.one.state = RINGING
        if self.kind == QUEUE:
            self.one.exten = caller.exten
            self.one.set_connected(caller.caller_num, caller.caller_name)
            self.ev.newstate(self.one)
            self.ev.newexten(self.one, "AppQueue", "(Outgoing Line)")
            self.ev.new_connected_line(self.one)
        else:
            self.ev.newstate(self.one)
        for priority, application, data in steps[2:]:
            self.run(priority, application, data)
        if self.script.answers:
            self._timers.append(self.pbx.later(self.script.ring_seconds, self._answer))
        elif self.script.refusal:
            self._timers.append(self.pbx.later(self.script.ring_seconds, self._refuse))

    def run(self, priority, application, data=""):
        self.two.priority = priority
        self.two.application, self.two.app_data = application, data
        self.ev.newexten(self.two, application, data)

    def _answer(self):
        if self.ended:
            return
        self.run(self.script.answer_priority, "Answer")
        self.owner.leg_answered(self)

    def _refuse(self):
        """`Busy()` or `Congestion()`: the dialer gets the signal and gives up."""
        if self.ended:
            return
        refusal = self.script.refusal
        self.run(self.script.answer_priority, REFUSAL_APPS[refusal])
        self.owner.leg_refused(self, refusal)

    def mark_answered(self, which):
        """`;2` (the phone) or `;1` goes Up; `which` is 1 or 2."""
        channel = self.one if which == 1 else self.two
        channel.state = UP
        channel.answered_at = self.pbx.now()
        if which == 2:
            self.answered_at = self.pbx.now()
        self.ev.newstate(channel)

    def cel_answer(self, which):
        channel = self.one if which == 1 else self.two
        if which == 2:
            self.ev.cel(channel, "ANSWER", application="Answer", app_data="")
        else:
            self.ev.cel(channel, "ANSWER")

    def start_talking(self):
        """After the bridge is up: `Wait(TALK)`, then `Hangup()` at its end."""
        self._timers.append(self.pbx.later(ANSWER_TO_NEXT_PRIORITY, self._talk_step))

    def _talk_step(self):
        if self.ended:
            return
        self.run(*self.script.talk_step())
        if self.script.talk_seconds is not None:
            self._timers.append(self.pbx.later(self.script.talk_seconds, self._phone_hangup))

    def _phone_hangup(self):
        if self.ended:
            return
        self.run(self.script.hangup_priority, "Hangup")
        self.owner.leg_phone_hangup(self)

    def stop(self):
        """The leg is being torn down: no more phone behaviour."""
        self.ended = True
        for timer in self._timers:
            timer.cancel()
        self._timers.clear()

    def release(self):
        self.stop()
        self.pbx.release_pair(self.pair)

    # --- building blocks of teardown blocks -----------------------------

    def cdr_record(self):
        """The phone's own CDR (`;2`), sent only if it answered."""
        two = self.two
        return CdrRecord(
            channel=two.name, uniqueid=two.uniqueid, source=two.caller_num,
            destination=self.script.exten, destination_context=self.script.context,
            caller_id=f'"{two.caller_name}" <{two.caller_num}>', start=two.created,
            last_application=two.application, last_data=two.app_data,
            answer=self.answered_at, end=self.pbx.now(), disposition="ANSWERED",
        )

    def enter_bridge(self, bridge, peer=""):
        bridge.channels.append(self.one)
        self.one.bridge = bridge
        self.ev.cel_bridge(self.one, "BRIDGE_ENTER", bridge, peer)
        self.ev.bridge_enter(bridge, self.one)

    def leave_bridge(self, bridge, cel=True):
        peer = bridge.peer_of(self.one)
        if self.one in bridge.channels:
            bridge.channels.remove(self.one)
        self.one.bridge = None
        if cel:
            self.ev.cel_bridge(self.one, "BRIDGE_EXIT", bridge, peer.name if peer else "")
        self.ev.bridge_leave(bridge, self.one)

    def hang_up_unanswered(self, cause=0):
        """A ringing leg is cancelled (ring timeout, caller gone or lost the race), or
        its phone refused with `cause` (17 busy, 34 congestion)."""
        ev, one, two = self.ev, self.one, self.two
        self.stop()
        ev.hangup_request(two, cause)
        ev.cel_hangup(one, cause)
        ev.cel(one, "CHAN_END")
        ev.soft_hangup_request(two, 16)
        ev.hangup(one, cause)
        two.application = two.app_data = ""
        ev.hangup(two, cause)
        ev.cel_hangup(two, cause)
        ev.cel(two, "CHAN_END")
        self.pbx.release_pair(self.pair)

    def hang_up_from_bridge(self, bridge):
        """The other party left the bridge: `;1` leaves and both halves hang up."""
        ev, one, two = self.ev, self.one, self.two
        self.stop()
        self.leave_bridge(bridge)
        ev.hangup_request(two, 16)
        ev.hangup(one, 16)
        ev.cel_hangup(one, 16)
        ev.cel(one, "CHAN_END")
        record = self.cdr_record()
        two.application = two.app_data = ""
        ev.cel_hangup(two, 16)
        ev.cel(two, "CHAN_END")
        ev.soft_hangup_request(two, 16)
        ev.hangup(two, 16)
        if self.answered_at is not None:
            ev.cdr(record)
        self.pbx.release_pair(self.pair)

    def phone_hangup_requests(self):
        """After the phone ran `Hangup()`: its own request, then `;1`'s."""
        self.stop()
        self.ev.soft_hangup_request(self.two, 16)
        self.ev.hangup_request(self.one, 16)

    def finish_after_phone_hangup(self):
        """Both halves gone after the phone hung up; `;2`'s CDR ends in Hangup."""
        ev, one, two = self.ev, self.one, self.two
        ev.hangup(one, 16)
        record = self.cdr_record()
        two.application = two.app_data = ""
        ev.hangup(two, 16)
        ev.cel_hangup(one, 16)
        ev.cel(one, "CHAN_END")
        ev.cel_hangup(two, 16, "dialplan/builtin")
        ev.cel(two, "CHAN_END")
        self.pbx.release_pair(self.pair)
        return record
