"""app_dial towards one phone: `Dial(Local/10XX@agents/n,T,t)` (direct DIDs,
transfers), `Dial(Local/<number>@customers,30)` (click-to-dial), and the IVR's
`Dial(<target>,T,tg)`, where `g` lets the caller go on in the dialplan after
the called phone hangs up.

Blocks follow transcripts 05 (answered), 06 (no answer), 07 (outbound, the
called customer hangs up) and 08 (Dial after a blind transfer). The calling
side is either the inbound trunk `;2` or the click-to-dial agent leg `;1`;
the call object it belongs to finishes the calling side when Dial returns.
"""

from .channels import RINGING
from .hold_feature import HoldFeature
from .legs import DIAL, REFUSAL_CAUSES, PhoneLeg, agent_script, customer_script

DIAL_START_VARIABLES = (
    "DIALSTATUS", "DIALEDPEERNUMBER", "DIALEDPEERNAME", "ANSWEREDTIME", "ANSWEREDTIME_MS",
    "DIALEDTIME", "DIALEDTIME_MS", "RINGTIME", "RINGTIME_MS", "PROGRESSTIME", "PROGRESSTIME_MS",
)
CUSTOMER_TALK_START = 0.001


class DialApp(HoldFeature):
    """One Dial() run by `caller` (a channel of `call`) towards one phone."""

    def __init__(self, call, caller, target, timeout, app_data, *, after_transfer=False,
                 customer=False, continue_after=False):
        self.call = call
        self.pbx = call.pbx
        self.ev = call.pbx.events
        self.caller = caller
        self.target = target
        self.timeout = timeout
        self.app_data = app_data
        self.after_transfer = after_transfer
        self.customer = customer
        self.continue_after = continue_after
        self.leg = None
        self.bridge = None
        self.state = "new"
        self.started_at = None
        self.resume = None
        self._timer = None

    @property
    def peer_number(self):
        return f"{self.target}@customers" if self.customer else f"{self.target}@agents/n"

    @property
    def dial_string(self):
        return self.peer_number

    def start(self, resume):
        self.resume = resume
        ev, caller, pbx = self.ev, self.caller, self.pbx
        self.started_at = pbx.now()
        for variable in DIAL_START_VARIABLES:
            ev.varset(caller, variable, "")
        if self.customer:
            script = customer_script(self.target, pbx.customers.outcome(self.target))
            agent = None
        else:
            agent = pbx.agents.get(self.target)
            if agent is None:
                ev.varset(caller, "DIALSTATUS", "CHANUNAVAIL")
                caller.dial_status = "CHANUNAVAIL"
                resume("CHANUNAVAIL")
                return
            script = agent_script(agent)
        self.leg = leg = PhoneLeg.dial(
            pbx, caller, script, self, DIAL, agent=agent, dial_string=self.dial_string,
            peer_number=self.peer_number, inherit_features=True,
        )
        self.call.add_leg(leg)
        self.state = "ringing"
        ev.dial_begin(caller, leg.one, self.dial_string)
        leg.ring(caller)
        leg.emit_chan_start()
        unanswered_line = self._unanswered_line()
        if unanswered_line is not None:
            unanswered_line.state = RINGING
            ev.newstate(unanswered_line)
        ring = pbx.now() - self.started_at
        ev.varset(caller, "RINGTIME", int(ring))
        pbx.emit_device_state(leg.one.device)
        if unanswered_line is not None:
            pbx.emit_device_state(unanswered_line.device)
        if agent is not None:
            pbx.report_member_status(agent)
        ev.varset(caller, "RINGTIME_MS", int(ring * 1000))
        if unanswered_line is not None:
            ev.dial_state(None, unanswered_line)
        ev.dial_state(caller, leg.one)
        self._timer = pbx.later(self.timeout, self._no_answer)

    def _unanswered_line(self):
        """The Originate's `;1` that is still ringing while `;2` dials (direct DIDs)."""
        phone = getattr(self.call, "phone", None)
        if phone is not None and self.caller is getattr(self.call, "trunk", None):
            if phone.answered_at is None:
                return phone
        return None

    # --- the phone answers ------------------------------------------------------

    def leg_answered(self, leg):
        if self.state != "ringing":
            return
        ev, caller, pbx, call = self.ev, self.caller, self.pbx, self.call
        self._timer.cancel()
        self.state = "bridged"
        line = self._unanswered_line()
        leg.mark_answered(2)
        leg.cel_answer(2)
        pbx.emit_device_state(leg.one.device)
        leg.cel_answer(1)
        leg.mark_answered(1)
        ev.varset(caller, "DIALSTATUS", "ANSWER")
        caller.dial_status = "ANSWER"
        pbx.emit_device_state(leg.one.device)
        ev.varset(caller, "DIALEDPEERNAME", leg.one.name)
        ev.varset(caller, "DIALEDPEERNUMBER", self.peer_number)
        leg.one.exten = ""
        ev.dial_end(caller, leg.one, "ANSWER")
        if line is not None:
            ev.cel(caller, "ANSWER")
            ev.cel(line, "ANSWER")
            caller.state = line.state = 6
            caller.answered_at = line.answered_at = pbx.now()
            ev.newstate(line)
            ev.newstate(caller)
        self.bridge = bridge = pbx.new_bridge()
        ev.bridge_create(bridge)
        if line is not None:
            ev.dial_end(None, line, "ANSWER")
        ev.newexten(leg.one, leg.one.application, leg.one.app_data)
        leg.enter_bridge(bridge)
        bridge.channels.append(caller)
        caller.bridge = bridge
        ev.cel_bridge(caller, "BRIDGE_ENTER", bridge, peer=leg.one.name)
        if line is not None:
            call.line_answered()
        ev.bridge_enter(bridge, caller)
        if self.after_transfer:
            ev.varset(caller, "BLINDTRANSFER", "")
        ev.varset(leg.one, "BRIDGEPEER", caller.name)
        ev.varset(caller, "BRIDGEPEER", leg.one.name)
        if line is not None:
            pbx.emit_device_state(line.device, 2)
        self.answered_at = pbx.now()
        leg.start_talking()
        connected = getattr(call, "connected_to_agent", None)
        if connected is not None and not self.customer:
            connected()

    def _no_answer(self):
        if self.state == "ringing":
            self._give_up("NOANSWER", 0, "NO ANSWER")

    def leg_refused(self, leg, status):
        """The phone answered with `Busy()` or `Congestion()`: Dial returns that status."""
        if self.state == "ringing" and leg is self.leg:
            self._timer.cancel()
            self._give_up(status, REFUSAL_CAUSES[status], status)

    def _give_up(self, status, cause, disposition):
        ev, caller, leg = self.ev, self.caller, self.leg
        self.state = "done"
        ev.dial_end(caller, leg.one, status)
        self.call.drop_leg(leg)
        leg.hang_up_unanswered(cause)
        self.call.trail_for(caller).close(self.pbx.now(), "Dial", self.app_data, leg.one.name,
                                          disposition, self._record_start())
        ev.varset(caller, "DIALSTATUS", status)
        caller.dial_status = status
        self.call.settle_devices([leg.pair], [leg.agent])
        self.resume(status)

    def _record_start(self):
        trail = self.call.trail_for(self.caller)
        return self.started_at if trail.records else None

    def _dial_time_vars(self):
        ev, caller, now = self.ev, self.caller, self.pbx.now()
        answered = now - (caller.answered_at or now)
        dialed = now - caller.created
        ev.varset(caller, "ANSWEREDTIME", int(answered))
        ev.varset(caller, "ANSWEREDTIME_MS", int(answered * 1000))
        ev.varset(caller, "DIALEDTIME", int(dialed))
        ev.varset(caller, "DIALEDTIME_MS", int(dialed * 1000))
        ev.varset(caller, "DIALSTATUS", "ANSWER")

    # --- endings ------------------------------------------------------------------

    def caller_hangup(self):
        """The calling side hung up (the customer's phone for inbound calls)."""
        call = self.call
        if self.state == "ringing":
            legs = self.cancel()
            call.caller_gone_unanswered(legs)
            return True
        if self.state != "bridged":
            return False
        call.phone_cdr_now()
        self.ev.hangup_request(self.caller, 0)
        leg, bridge = self.leg, self.bridge
        self._leave_bridge_and_close()
        call.end_trunk(16, last=False)
        leg.hang_up_from_bridge(bridge)
        self.ev.bridge_destroy(bridge)
        call.hang_up_phone(0, with_cdr=False)
        call.linkedid_end(leg.one)
        call.release_line()
        call.settle_devices([call.pair, leg.pair], [leg.agent])
        call.finish("answered")
        return True

    def cancel(self):
        """Stops ringing: DialEnd CANCEL and the phone leg goes away."""
        ev, caller, leg = self.ev, self.caller, self.leg
        self.state = "done"
        self._timer.cancel()
        ev.dial_end(caller, leg.one, "CANCEL")
        self.call.drop_leg(leg)
        leg.hang_up_unanswered()
        caller.dial_status = "CANCEL"
        self.call.trail_for(caller).close(self.pbx.now(), "Dial", self.app_data, leg.one.name,
                                          "NO ANSWER", self._record_start())
        return [leg]

    def caller_left_bridge(self):
        """The calling side leaves the bridge; the dialed phone leg hangs up."""
        leg, bridge = self.leg, self.bridge
        self._leave_bridge_and_close()
        leg.hang_up_from_bridge(bridge)
        self.ev.bridge_destroy(bridge)
        return leg

    def _leave_bridge_and_close(self):
        """The caller's half of a bridged Dial ending: it leaves, Dial's timing
        variables are set, the CDR record of this party closes."""
        ev, caller, leg, bridge = self.ev, self.caller, self.leg, self.bridge
        self.state = "done"
        ev.varset(caller, "BRIDGEPEER", "")
        ev.varset(leg.one, "BRIDGEPEER", "")
        bridge.channels.remove(caller)
        caller.bridge = None
        ev.cel_bridge(caller, "BRIDGE_EXIT", bridge, peer=leg.one.name)
        ev.bridge_leave(bridge, caller)
        self._dial_time_vars()
        ev.soft_hangup_request(caller, 16)
        self.call.drop_leg(leg)
        self.call.trail_for(caller).close(self.pbx.now(), "Dial", self.app_data, leg.one.name,
                                          "ANSWERED", self._record_start())

    def leg_phone_hangup(self, leg):
        """The called phone hung up: the bridge ends and Dial returns, which
        hangs the calling side up too (no `g` option)."""
        if self.state != "bridged" or leg is not self.leg:
            return
        ev, caller, bridge, call = self.ev, self.caller, self.bridge, self.call
        self.state = "done"
        leg.phone_hangup_requests()
        ev.cel_bridge(leg.one, "BRIDGE_EXIT", bridge, peer=caller.name)
        ev.cel_hangup(leg.one, 16)
        ev.cel(leg.one, "CHAN_END")
        ev.varset(leg.one, "BRIDGEPEER", "")
        ev.varset(caller, "BRIDGEPEER", "")
        leg.leave_bridge(bridge, cel=False)
        ev.hangup(leg.one, 16)
        bridge.channels.remove(caller)
        caller.bridge = None
        ev.cel_bridge(caller, "BRIDGE_EXIT", bridge)
        ev.bridge_leave(bridge, caller)
        ev.bridge_destroy(bridge)
        self._dial_time_vars()
        record = leg.cdr_record()
        leg.two.application = leg.two.app_data = ""
        ev.hangup(leg.two, 16)
        ev.cel_hangup(leg.two, 16, "dialplan/builtin")
        ev.cel(leg.two, "CHAN_END")
        call.drop_leg(leg)
        self.pbx.release_pair(leg.pair)
        call.trail_for(caller).close(self.pbx.now(), "Dial", self.app_data, leg.one.name,
                                     "ANSWERED", self._record_start())
        if self.continue_after:
            ev.cdr(record)
            call.trail_for(caller).continue_after_bridge()
            call.settle_devices([leg.pair], [leg.agent])
            self.resume("ANSWER")
            return
        call.dial_peer_left(self, record, leg)

    def hangup_channel(self, channel):
        if self.leg is None or channel not in self.leg.pair.channels:
            return False
        if self.state == "ringing":
            self._timer.cancel()
            self._no_answer()
            return True
        if self.state == "bridged":
            self.leg.stop()
            self.leg_phone_hangup(self.leg)
            return True
        return False

    def _held_leg(self):
        return self.leg
