"""A dialer's call (connector/CATI.md): Originate of `Local/<number>@outbound/n` into
`cc-cati,<queue>,1`, from the first ring to the last Hangup.

`;2` runs `[outbound]` as on the reference PBX, `Dial(Local/<number>@customers,30)`,
where the number answers, is busy, congested or rings on (`Customers`); `;1`
waits for that answer or for the Originate's timeout, which hangs it up with
cause 19 (no DialEnd: the dial API publishes none on a timeout) and fails the
Originate with Reason 3. When the respondent answers, both halves go Up, the
Originate succeeds and `;1` runs the campaign's extension of the dialplan
CATI.md gives:

    [cc-cati]
    exten => _[0-9A-Za-z].,1,Set(__CC_AUTO_ANSWER=yes)
     same => n,Queue(${EXTEN},,,,${CC_CATI_CONNECT})
     same => n,Playback(${CC_CATI_ABANDON})
     same => n,Hangup()

An interviewer of the queue within the connect window is bridged to the
respondent (their phone answers by itself, see `legs.AUTO_ANSWER_SECONDS`);
Queue returns only when none was, and the respondent hears the abandon
message. Without the `c` option Queue hangs `;1` up when the interviewer
hangs up, and `;2`, its Dial bridged to the customer, follows. A number the
outbound Dial cannot reach ends as transcript 06 does (the Originate fails,
`;2` runs on to Hangup, `;1` gets its cause and CHANLOCALSTATUS, its own
DialEnd and Hangup), with the cause of the refusal (17 busy, 34 congestion).
A number `[outbound]` has no extension for is refused: both halves are
created and hung up at once, and the Originate fails without any dialing.
"""

import re

from .dial_app import DialApp
from .dialplan import CdrTrail, Dialplan, OriginatedCall, playback, run_app
from .legs import ANSWER_TO_NEXT_PRIORITY, ORIGINATE_ANSWERED, ORIGINATE_RINGING, REFUSAL_CAUSES
from .queue_app import QueueApp

CATI_CONTEXT = "cc-cati"
OUTBOUND_CONTEXT = "outbound"
OUTBOUND_NUMBER = re.compile(r"^\+\d+$")
OUTBOUND_DIAL_TIMEOUT = 30
DEFAULT_CONNECT_SECONDS = 2
ABANDON_MESSAGE_SECONDS = 4.0
NO_ANSWER_CAUSE = 19
DIAL_STATUS_OF_CAUSE = {cause: status for status, cause in REFUSAL_CAUSES.items()}
OUTCOME_OF_STATUS = {"BUSY": "busy", "CONGESTION": "congestion"}


class CatiCall(OriginatedCall):
    """One dialer call. `phone` is `;1` (the Originate's channel, later the respondent's
    side in the queue) and `trunk` is `;2` (dialing out), as DialApp expects of an
    Originate whose `;1` waits for the line to answer."""

    trail_on_second_half = True

    def __init__(self, pbx, number, **originate):
        super().__init__(pbx, **originate)
        self.number = number
        self.phone = self.trunk = self.pair = None
        self.outbound = self.target = self.dial = None
        self.trail_one = None
        self.queue_side = _QueueSide(self)
        self.answered = False
        self.connected = False
        self._timer = None
        self._gone = set()
        self._released = False

    # --- start --------------------------------------------------------------------------

    def start(self):
        pbx = self.pbx
        self.pair = pbx.local_pair(self.number, OUTBOUND_CONTEXT, uniqueids=self.uniqueids)
        if not OUTBOUND_NUMBER.match(self.number):
            self._refused()
            return self.linkedid
        self.phone, self.trunk = self.originate_local_pair(
            self.pair, self.caller_num, self.caller_name, f"{self.number}@{OUTBOUND_CONTEXT}",
            self.optimization, self.variables)
        self.trail_one = CdrTrail(self.phone)
        self._timer = pbx.later(self.timeout, self._originate_timeout)
        self.outbound = Dialplan(pbx, self._outbound())
        self.outbound.start()
        return self.linkedid

    def _refused(self):
        """No extension for the number: the halves are created and hung up, nothing dials."""
        ev, pair = self.ev, self.pair
        self.pairs.append(pair)
        self.linkedid = pair.one.linkedid
        self.pbx.call_started(self)
        ev.newchannel(pair.one)
        ev.newchannel(pair.two)
        ev.hangup(pair.two, 0)
        ev.hangup(pair.one, 0)
        self._originate_failed(0)
        self.pbx.release_pair(pair)
        self.finish("failed")

    # --- `;2` in [outbound] --------------------------------------------------------------

    def _outbound(self):
        two = self.trunk
        run_app(two, self.ev, 1, "NoOp", f'Outbound call from "{self.caller_name}" '
                                         f"<{self.caller_num}> to {self.number}")
        self.ev.cel_chan_start(two)
        data = f"Local/{self.number}@customers,{OUTBOUND_DIAL_TIMEOUT}"
        run_app(two, self.ev, 2, "Dial", data)
        self.dial = DialApp(self, two, self.number, OUTBOUND_DIAL_TIMEOUT, data, customer=True)
        status = yield self.dial
        run_app(two, self.ev, 3, "NoOp", f"DIALSTATUS={status}")
        run_app(two, self.ev, 4, "Hangup")
        self._unreached(status)

    def _unreached(self, status):
        """`;2` hangs up after a Dial that reached nobody; `;1` follows with its cause."""
        ev, one, two = self.ev, self.phone, self.trunk
        cause = REFUSAL_CAUSES.get(status, 16)
        self._timer.cancel()
        self._originate_failed(0)
        ev.soft_hangup_request(two, cause)
        ev.varset(one, "CHANLOCALSTATUS", status)
        ev.hangup_request(one, cause)
        self._end(two, cause, "dialplan/builtin")
        ev.dial_end(None, one, DIAL_STATUS_OF_CAUSE.get(cause, "NOANSWER"))
        self._end(one, cause)
        self._close(OUTCOME_OF_STATUS.get(status, "no_answer"))

    def _originate_timeout(self):
        """The number rang `Timeout`: the dial API hangs `;1` up, `;2` cancels its Dial."""
        ev, one, two = self.ev, self.phone, self.trunk
        self._end(one, NO_ANSWER_CAUSE)
        self._originate_failed(ORIGINATE_RINGING)
        ev.hangup_request(two, NO_ANSWER_CAUSE)
        legs = []
        if self.dial is not None and self.dial.state == "ringing":
            legs = self.dial.cancel()
            ev.varset(two, "DIALSTATUS", "CANCEL")
        self.outbound.stop()
        self._end(two, NO_ANSWER_CAUSE)
        self.settle_devices([leg.pair for leg in legs])
        self._close("no_answer")

    def _originate_failed(self, reason):
        self.ev.originate_response(self.action_id, False, self.channel, self.target_fields,
                                   "<unknown>", self.caller_num, self.caller_name, reason)

    # --- the respondent answers ----------------------------------------------------------

    def trail_for(self, channel):
        return self.trail_one if channel is self.phone else self.trail

    def line_answered(self):
        """DialApp bridged `;2` with the respondent and put `;1` Up: the Originate
        succeeds and `;1` starts its dialplan target a moment later."""
        self._timer.cancel()
        self.answered = True
        self.ev.originate_response(self.action_id, True, self.channel, self.target_fields,
                                   self.phone.uniqueid, self.caller_num, self.caller_name,
                                   ORIGINATE_ANSWERED)
        self.pbx.later(ANSWER_TO_NEXT_PRIORITY, self._start_target)

    def _start_target(self):
        if self.ended or "one" in self._gone:
            return
        one = self.phone
        one.context, one.exten, one.runs_dialplan = self.context, self.exten, True
        steps = self._cc_cati() if self.context == CATI_CONTEXT else self._no_such_extension()
        self.target = Dialplan(self.pbx, steps)
        self.target.start()

    def _cc_cati(self):
        ev, one = self.ev, self.phone
        run_app(one, ev, 1, "Set", "__CC_AUTO_ANSWER=yes")
        ev.varset(one, "__CC_AUTO_ANSWER", "yes")
        connect = _seconds(one.variables.get("CC_CATI_CONNECT"), DEFAULT_CONNECT_SECONDS)
        data = f"{self.exten},,,,{connect}"
        run_app(one, ev, 2, "Queue", data)
        yield QueueApp(self.queue_side, self.exten, "", connect, data)
        sound = str(one.variables.get("CC_CATI_ABANDON", ""))
        run_app(one, ev, 3, "Playback", sound)
        yield from playback(one, ev, sound, ABANDON_MESSAGE_SECONDS)
        run_app(one, ev, 4, "Hangup")
        self._target_hangup()

    def _no_such_extension(self):
        run_app(self.phone, self.ev, 1, "Hangup")
        self._target_hangup()
        yield from ()

    def _target_hangup(self):
        """`;1` ran Hangup(): it goes, and `;2` leaves the respondent's bridge and goes."""
        ev = self.ev
        ev.soft_hangup_request(self.phone, 16)
        ev.hangup_request(self.trunk, 16)
        self._end(self.phone, 16, "dialplan/builtin")
        self.drop_outbound(16)
        self._close("abandoned")

    def connected_to_agent(self):
        self.connected = True
        self.pbx.notify("call_connected", self)

    # --- the respondent hangs up -----------------------------------------------------------

    def dial_peer_left(self, dial, peer_record, peer_leg):
        """The respondent hung up: Dial returns, `;2` hangs up, `;1` hears of it."""
        ev = self.ev
        ev.soft_hangup_request(self.trunk, 16)
        ev.hangup_request(self.phone, 16)
        ev.cdr(peer_record)
        self.outbound.stop()
        self._end(self.trunk, 16)
        self.settle_devices([peer_leg.pair])
        operation = self.target.operation if self.target else None
        if isinstance(operation, QueueApp) and operation.caller_hangup():
            return
        if self.target is not None:
            self.target.stop()
        self._end(self.phone, 16)
        self._close("abandoned")

    def drop_outbound(self, cause):
        """`;2` leaves the bridge with the respondent (whose leg hangs up) and goes."""
        if "two" in self._gone:
            return
        legs = []
        if self.dial is not None and self.dial.state == "bridged":
            legs = [self.dial.caller_left_bridge()]
        self.outbound.stop()
        self._end(self.trunk, cause)
        self.settle_devices([leg.pair for leg in legs])

    # --- teardown ---------------------------------------------------------------------------

    def _end(self, channel, cause, source=""):
        """CDRs, CEL and Hangup of one half, once."""
        key = "one" if channel is self.phone else "two"
        if key in self._gone:
            return
        self._gone.add(key)
        ev = self.ev
        status = channel.dial_status
        channel.application = channel.app_data = ""
        self.trail_for(channel).emit(ev, self.pbx.now())
        ev.cel_hangup(channel, cause, source, status)
        ev.cel(channel, "CHAN_END")
        ev.hangup(channel, cause)

    def release(self):
        if not self._released:
            self._released = True
            self.pbx.release_pair(self.pair)

    def _close(self, outcome):
        if self.ended:
            return
        self.linkedid_end(self.phone)
        self.release()
        self.settle_devices([self.pair])
        self.finish(outcome)

    # --- AMI actions ------------------------------------------------------------------------

    def hangup_channel(self, channel):
        operation = self.target.operation if self.target else None
        if isinstance(operation, QueueApp) and operation.hangup_channel(channel):
            return True
        if self.ended:
            return False
        if not self.answered:
            self._timer.cancel()
            self._originate_timeout()
            return True
        leg = self.dial.leg if self.dial is not None else None
        if leg is not None and self.dial.state == "bridged":
            leg.stop()
            leg.run(leg.script.hangup_priority, "Hangup")
            self.dial.leg_phone_hangup(leg)
            return True
        return False

    def hold(self, seconds):
        operation = self.target.operation if self.target else None
        return operation.hold(seconds) if isinstance(operation, QueueApp) else False


class _QueueSide:
    """The dialer call as app_queue sees it: its caller is `;1` (the `trunk` of
    QueueApp's vocabulary) and the other half `;2` is its `phone`."""

    def __init__(self, call):
        self.call = call
        self.pbx = call.pbx
        self.outcome = None
        self.late_agent_complete = call.pbx.loses_agent_complete_race()

    @property
    def trunk(self):
        return self.call.phone

    @property
    def phone(self):
        return self.call.trunk

    @property
    def pair(self):
        return self.call.pair

    @property
    def trail(self):
        return self.call.trail_one

    @property
    def dialplan(self):
        return self.call.target

    def add_leg(self, leg):
        self.call.add_leg(leg)

    def drop_leg(self, leg):
        self.call.drop_leg(leg)

    def settle_devices(self, pairs, agents=()):
        self.call.settle_devices(pairs, agents)

    def connected_to_agent(self):
        self.call.connected_to_agent()

    def hang_up_phone(self, cause=0, with_cdr=True):
        self.call.drop_outbound(16 if cause == 0 else cause)

    def end_trunk(self, cause, source="", last=True):
        self.call._end(self.call.phone, cause, source)

    def linkedid_end(self, channel):
        """Sent once, when the whole call closes."""

    def release_line(self):
        self.call.release()

    def finish(self, outcome=None):
        connected = self.call.connected
        self.call._close("connected" if connected else "abandoned")

    def follow_transfer_with(self, callback):
        callback()

    def continue_at(self, context, exten):
        """A transfer of the respondent is not part of the dialer's calls: it ends."""
        self.call._target_hangup()


def _seconds(value, default):
    try:
        return max(int(value), 1)
    except (TypeError, ValueError):
        return default
