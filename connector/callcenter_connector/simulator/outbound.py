"""Originates towards an agent's phone: click-to-dial (07) and supervision.

`Originate Channel: Local/1001@agents, Context: outbound, Exten: +E164`
rings the agent first; once the agent answers, `;1` runs `[outbound]`, which
dials `Local/<number>@customers`. With `Application: ChanSpy` the answered
phone runs ChanSpy on the agent channel it names instead. ChannelId and
OtherChannelId become the Uniqueids of `;1` and `;2`, and the Linkedid of the
whole call.
"""

from .channels import UP
from .dial_app import DialApp
from .dialplan import Dialplan, OriginatedCall, run_app
from .legs import ORIGINATE, ORIGINATE_RINGING, PhoneLeg, agent_script


class AgentOriginate(OriginatedCall):
    """`Originate Channel: Local/<ext>@agents` with a dialplan target or an application."""

    def __init__(self, pbx, agent, **originate):
        super().__init__(pbx, **originate)
        self.agent = agent
        self.phone = None
        self.dialplan = None
        self.trail = None
        self._timer = None

    def start(self):
        pbx, ev, agent = self.pbx, self.ev, self.agent
        pair = pbx.local_pair(agent.extension, "agents", uniqueids=self.uniqueids)
        one, two = self.originate_local_pair(pair, self.caller_num, self.caller_name,
                                             f"{agent.extension}@agents")
        self.phone = PhoneLeg(pbx, pair, agent_script(agent), self, ORIGINATE, agent)
        self.phone.ring(None)
        ev.cel_chan_start(two)
        ev.dial_state(None, one)
        pbx.report_member_status(agent)
        pbx.emit_device_state(agent.device)
        self._timer = pbx.later(self.timeout, self._ring_timeout)
        return self.linkedid

    @property
    def leg_one(self):
        return self.phone.one

    # --- the agent's phone ---------------------------------------------------------

    def leg_answered(self, leg):
        ev, one = self.ev, leg.one
        self._timer.cancel()
        leg.cel_answer(2)
        leg.cel_answer(1)
        ev.originate_response(self.action_id, True, one.name, self.target_fields,
                              one.uniqueid, self.caller_num, self.caller_name, 4)
        leg.mark_answered(2)
        leg.mark_answered(1)
        ev.dial_end(None, one, "ANSWER")
        one.runs_dialplan = True
        if self.application:
            self.run_application(self.leg_one)
        else:
            self.dialplan = Dialplan(self.pbx, self._target_dialplan())
            self.dialplan.start()
        leg.start_talking()
        self.pbx.emit_device_state(leg.one.device, 2)

    def _target_dialplan(self):
        one = self.leg_one
        one.context, one.exten = self.context, self.exten
        caller = f'"{self.caller_name}" <{self.caller_num}>'
        if self.context == "outbound" and str(self.exten).startswith("+"):
            run_app(one, self.ev, 1, "NoOp", f"Outbound call from {caller} to {self.exten}")
            data = f"Local/{self.exten}@customers,30"
            run_app(one, self.ev, 2, "Dial", data)
            yield DialApp(self, one, self.exten, 30, data, customer=True)
        elif self.context == "internal" and self.exten in self.pbx.agents:
            run_app(one, self.ev, 1, "NoOp", f"Internal call to {self.exten} from {caller}")
            data = f"Local/{self.exten}@agents/n,20,t"
            run_app(one, self.ev, 2, "Dial", data)
            status = yield DialApp(self, one, self.exten, 20, data)
            run_app(one, self.ev, 3, "NoOp", f"DIALSTATUS={status}")
        run_app(one, self.ev, 4 if self.context == "internal" else 3, "Hangup")
        self._hang_up_pair(16, "dialplan/builtin")

    def leg_phone_hangup(self, leg):
        """The agent (or supervisor) hung up their phone."""
        ev, one = self.ev, self.leg_one
        operation = self.dialplan.operation if self.dialplan else None
        leg.phone_hangup_requests()
        if isinstance(operation, DialApp) and operation.state == "bridged":
            self.dialplan.stop()
            operation.caller_left_bridge()
        elif isinstance(operation, DialApp) and operation.state == "ringing":
            self.dialplan.stop()
            operation.cancel()
        self.stop_spying(one)
        record = leg.finish_after_phone_hangup()
        self.trail.emit(ev, self.pbx.now())
        ev.cdr(record)
        self.linkedid_end(leg.two)
        self.settle_devices([leg.pair], [self.agent])
        self.finish("answered")

    def _ring_timeout(self):
        ev, leg = self.ev, self.phone
        ev.dial_end(None, leg.one, "NOANSWER")
        leg.hang_up_unanswered()
        ev.originate_response(self.action_id, False, f"Local/{self.agent.extension}@agents",
                              self.target_fields, "<unknown>", self.caller_num,
                              self.caller_name, ORIGINATE_RINGING)
        self.linkedid_end(leg.two)
        self.settle_devices([leg.pair], [self.agent])
        self.finish("failed")

    # --- the dialed customer ---------------------------------------------------------

    def trail_for(self, channel):
        return self.trail

    def dial_peer_left(self, dial, peer_record, peer_leg):
        """The customer hung up: Dial returns, `;1` hangs up, the agent's phone follows."""
        self._hang_up_pair(16, "", peer_record, peer_leg)

    def caller_gone_unanswered(self, legs):
        self._hang_up_pair(16, "", None, None, legs)

    def _hang_up_pair(self, cause, source, peer_record=None, peer_leg=None, legs=()):
        ev, leg = self.ev, self.phone
        one, two = leg.one, leg.two
        leg.stop()
        ev.soft_hangup_request(one, cause)
        ev.hangup_request(two, cause)
        status = one.dial_status
        one.application, one.app_data = "AppDial2", "(Outgoing Line)"
        ev.hangup(one, cause)
        ev.cel_hangup(one, cause, source, status)
        ev.cel(one, "CHAN_END")
        self.trail.emit(ev, self.pbx.now())
        if peer_record is not None:
            ev.cdr(peer_record)
        record = leg.cdr_record()
        ev.cdr(record)
        ev.soft_hangup_request(two, cause)
        two.application = two.app_data = ""
        ev.hangup(two, cause)
        ev.cel_hangup(two, cause)
        ev.cel(two, "CHAN_END")
        self.linkedid_end(two)
        self.pbx.release_pair(leg.pair)
        ended = [peer_leg.pair] if peer_leg is not None else []
        ended += [other.pair for other in legs]
        self.settle_devices(ended + [leg.pair], [self.agent])
        self.finish("answered" if one.state == UP else "failed")

    # --- AMI actions ------------------------------------------------------------------

    def hangup_channel(self, channel):
        if channel in self.phone.pair.channels and not self.ended:
            if self.phone.answered_at is None:
                self._timer.cancel()
                self._ring_timeout()
            else:
                self.phone.stop()
                self.leg_phone_hangup(self.phone)
            return True
        operation = self.dialplan.operation if self.dialplan else None
        if operation is not None:
            return operation.hangup_channel(channel)
        return False

    def hold(self, seconds):
        operation = self.dialplan.operation if self.dialplan else None
        return operation.hold(seconds) if operation is not None else False
