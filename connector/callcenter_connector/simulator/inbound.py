"""A customer calling a DID, as the reference PBX's `[inbound]` context runs it.

The customer is `Originate Channel: Local/<DID>@inbound, Application: Wait,
Data: N`: `;1` is the customer's phone (it hangs up N seconds after the line
is answered) and `;2` is the "trunk" leg that runs the DID's extension. The
extensions below mirror extensions.conf priority by priority, because the
Newexten events report those priorities. IVR lines (`Pbx.add_ivr_line`) run
the dialplan that Odoo generates for `callcenter_ivr` (connector/IVR.md).
"""

import re

from .agi_app import AgiApp, CallerKeys
from .channels import UP
from .dial_app import DialApp
from .dialplan import ANSWER_SETTLE, Call, Dialplan, answer_channel, playback, run_app
from .events import format_time
from .legs import seconds_text
from .pbx import CdrRecord
from .queue_app import QueueApp

CUSTOMER_WAIT_FOREVER = 3600
PLAYBACK_SECONDS = {"beep": 0.25}
IVR_CONTEXT = "callcenter-ivr"
IVR_SCRIPT = "callcenter-ivr"
AGENT_DIAL = re.compile(r"^Local/(?P<ext>[^@/]+)@agents(/n)?$")


def route_exists(pbx, did):
    """Whether `[inbound]` has an extension for `did` (reference DIDs, 41XX,
    42XX, or a line added for a queue with `Pbx.line_for_queue`)."""
    return (did in ("4001", "4002", "4003", "4004", "300") or did in pbx.queue_lines
            or did in pbx.ivr_lines or bool(re.fullmatch(r"4[12]\d\d", did)))


class InboundCall(Call):
    """One inbound call from its Originate to the last Hangup."""

    trail_on_second_half = True

    def __init__(self, pbx, did, caller_num, caller_name, hangup_after=None, *,
                 action_id=None, ivr_digits="1", ivr_digit_delay=0.55,
                 late_agent_complete=None, patience=None, talk_seconds=None):
        super().__init__(pbx)
        self.did = str(did)
        self.caller_num = caller_num
        self.caller_name = caller_name
        self.wait_seconds = CUSTOMER_WAIT_FOREVER if hangup_after is None else hangup_after
        self.patience = patience
        self.talk_seconds = talk_seconds
        self.action_id = action_id
        self.ivr_digits = ivr_digits
        self.ivr_keys = CallerKeys(ivr_digits)
        self.ivr_digit_delay = ivr_digit_delay
        self.late_agent_complete = (pbx.loses_agent_complete_race()
                                    if late_agent_complete is None else late_agent_complete)
        self.phone = self.trunk = self.pair = None
        self.dialplan = None
        self.trail = None
        self.recording = None
        self._phone_timer = None
        self._customer_timers = []
        self._phone_cdr_sent = False
        self._transfer_followup = None
        self.connected = False

    # --- start ------------------------------------------------------------

    def start(self):
        pbx = self.pbx
        self.pair = pbx.local_pair(self.did, "inbound")
        self.phone, self.trunk = self.originate_local_pair(
            self.pair, self.caller_num, self.caller_name, f"{self.did}@inbound")
        self.dialplan = Dialplan(pbx, self._extension())
        self.dialplan.start()
        return self.linkedid

    def _extension(self):
        if self.did in self.pbx.ivr_lines:
            return self._callcenter_ivr(self.pbx.ivr_lines[self.did])
        if self.did == "4001":
            return self._queue_line("support", "t", features=True)
        if self.did == "4002":
            return self._queue_line("sales", "t")
        if self.did == "4003":
            return self._queue_line("support", "t", max_wait=5, voicemail=True)
        if self.did == "4004":
            return self._queue_line("support", "tc", record=True)
        if self.did == "300":
            return self._ivr()
        if self.did in self.pbx.queue_lines:
            return self._queue_line(self.pbx.queue_lines[self.did], "t")
        return self._direct(self.did)

    # --- dialplan ---------------------------------------------------------

    def app(self, priority, application, data=""):
        run_app(self.trunk, self.ev, priority, application, data)

    def _first_priority(self, text):
        self.app(1, "NoOp", text)
        self.ev.cel_chan_start(self.trunk)

    def _queue_line(self, queue, options, *, features=False, record=False, max_wait=120,
                    voicemail=False):
        trunk, ev = self.trunk, self.ev
        self._first_priority(f'Inbound call to DID {self.did} from {self._caller_text()}')
        priority = 2
        if features:
            self.app(priority, "Set", "__DYNAMIC_FEATURES=agenthold")
            ev.varset(trunk, "__DYNAMIC_FEATURES", "agenthold")
            priority += 1
        self.app(priority, "Answer")
        self.answer_line()
        yield ANSWER_SETTLE
        priority += 1
        if record:
            self._start_recording(priority)
            priority += 2
        data = f"{queue},{options},,,{max_wait}"
        self.app(priority, "Queue", data)
        status = yield QueueApp(self, queue, options, max_wait, data)
        priority += 1
        self.app(priority, "NoOp", f"QUEUESTATUS={status}")
        if voicemail:
            priority += 1
            self.app(priority, "GotoIf", f"{int(status == 'TIMEOUT')}?voicemail,support,1")
            if status == "TIMEOUT":
                trunk.context, trunk.exten = "voicemail", "support"
                self.app(1, "NoOp", f"Voicemail of queue support for {self.caller_num}")
                self.app(2, "Playback", "beep")
                yield from self._playback("beep")
                self.app(3, "Hangup")
                self.dialplan_hangup()
                return
        if record:
            priority += 1
            self.app(priority, "StopMixMonitor")
            ev.mixmonitor_stop(trunk)
            self.recording = None
            priority += 1
            self.app(priority, "Playback", "beep")
            yield from self._playback("beep")
        priority += 1
        self.app(priority, "Hangup")
        self.dialplan_hangup()

    def _start_recording(self, priority):
        trunk, ev = self.trunk, self.ev
        digits = re.sub(r"\D", "", self.caller_num)
        stamp = format_time(self.pbx.now()).replace("-", "").replace(" ", "-").replace(":", "")
        name = f"in-{self.did}-{digits}-{stamp}-{trunk.uniqueid}.wav"
        self.app(priority, "Set", f"RECFILE={name}")
        ev.varset(trunk, "RECFILE", name)
        self.app(priority + 1, "MixMonitor", name)
        self.recording = f"{self.pbx.monitor_dir}/{name}"
        ev.varset(trunk, "MIXMONITOR_FILENAME", self.recording)
        ev.mixmonitor_start(trunk)

    def _playback(self, sound):
        return playback(self.trunk, self.ev, sound, PLAYBACK_SECONDS.get(sound, 1.0))

    def _direct(self, did):
        agent_ext = "10" + did[2:]
        timeout = 20 if did.startswith("41") else 4
        self._first_priority(f"Direct call to agent {agent_ext} from {self._caller_text()}")
        data = f"Local/{agent_ext}@agents/n,{timeout},t"
        self.app(2, "Dial", data)
        status = yield DialApp(self, self.trunk, agent_ext, timeout, data)
        self.app(3, "NoOp", f"DIALSTATUS={status}")
        self.app(4, "Hangup")
        self.dialplan_hangup()

    def _ivr(self):
        host, port = self.pbx.fastagi
        self._first_priority(f"IVR call from {self._caller_text()}")
        self.app(2, "Answer")
        self.answer_line()
        yield ANSWER_SETTLE
        request = f"agi://{host}:{port}/ivr"
        self.app(3, "AGI", f"{request},{self.did},main-menu")
        status = yield AgiApp(self, request, [self.did, "main-menu"])
        choice = self.trunk.variables.get("IVR_CHOICE", "")
        self.app(4, "NoOp", f"AGISTATUS={status} IVR_CHOICE={choice}")
        to_sales = choice == "2"
        self.app(5, "GotoIf", f"{int(to_sales)}?sales")
        queue, priority = ("sales", 8) if to_sales else ("support", 6)
        data = f"{queue},t,,,120"
        self.app(priority, "Queue", data)
        yield QueueApp(self, queue, "t", 120, data)
        self.app(priority + 1, "Hangup")
        self.dialplan_hangup()

    def _callcenter_ivr(self, line):
        """`[inbound]` hands the DID to `[callcenter-inbound]`, whose route sends it to
        `[callcenter-ivr]`: the safe variables, the AGI, the Gosub to the destination it
        chose, and again from `run` while it leaves a node to resume."""
        trunk, ev, did = self.trunk, self.ev, self.did
        self.app(1, "Goto", f"callcenter-inbound,{did},1")
        ev.cel_chan_start(trunk)
        self._goto("callcenter-inbound", did)
        self.app(1, "NoOp", f"Route {did}: IVR")
        self.app(2, "Goto", f"{IVR_CONTEXT},{did},1")
        self._goto(IVR_CONTEXT, did)
        self.app(1, "Answer")
        self.answer_line()
        yield ANSWER_SETTLE
        for priority, (name, value) in enumerate((
                ("CC_IVR_DID", did), ("CC_IVR_DEST", "queue"),
                ("CC_IVR_TARGET", line.fallback_queue), ("CC_IVR_TIMEOUT", line.timeout),
                ("CC_IVR_VERSION", ""), ("CC_IVR_RESUME", "")), 2):
            self.app(priority, "Set", f"{name}={value}")
            ev.varset(trunk, name, value)
        host, port = self.pbx.fastagi
        request = f"agi://{host}:{port}/{IVR_SCRIPT}"
        while True:
            variables = trunk.variables
            args = [str(variables.get(name, "")) for name in (
                "CC_IVR_DID", "CC_IVR_VERSION", "CC_IVR_RESUME", "QUEUESTATUS", "DIALSTATUS")]
            args.append(trunk.linkedid)
            self.app(8, "AGI", ",".join([request, *args]))
            status = yield AgiApp(self, request, args)
            failed = status != "SUCCESS"
            self.app(9, "ExecIf", f"{int(failed)}?Set(CC_IVR_RESUME=)")
            if failed:
                ev.varset(trunk, "CC_IVR_RESUME", "")
            destination = str(variables.get("CC_IVR_DEST", ""))
            self.app(10, "Gosub", f"callcenter-ivr-{destination},s,1")
            returned = yield from self._ivr_destination(destination)
            if not returned:
                return
            self._goto(IVR_CONTEXT, did)
            resume = str(variables.get("CC_IVR_RESUME", ""))
            self.app(11, "GotoIf", f"{int(resume != '')}?run")
            if not resume:
                break
        self.app(12, "Hangup")
        self.dialplan_hangup()

    def _ivr_destination(self, destination):
        """`[callcenter-ivr-<destination>]`; returns whether the caller came back."""
        trunk, ev = self.trunk, self.ev
        target = str(trunk.variables.get("CC_IVR_TARGET", ""))
        timeout = _seconds(trunk.variables.get("CC_IVR_TIMEOUT"))
        if destination not in ("queue", "dial"):
            if destination == "hangup":
                self._goto("callcenter-ivr-hangup", "s")
                self.app(1, "Hangup")
            self.dialplan_hangup()
            return False
        self._goto(f"callcenter-ivr-{destination}", "s")
        if destination == "queue":
            data = f"{target},tc,,,{timeout}"
            self.app(1, "Queue", data)
            yield QueueApp(self, target, "tc", timeout, data)
        else:
            data = f"{target},{timeout},tg"
            self.app(1, "Dial", data)
            yield self._ivr_dial(target, timeout, data)
        if self.ended:
            return False
        self.app(2, "Return")
        ev.varset(trunk, "GOSUB_RETVAL", "")
        return True

    def _ivr_dial(self, target, timeout, data):
        """An agent's phone as a direct line dials it; any other dial string is taken as
        an outside number, which answers as a `[customers]` phone does."""
        agent = AGENT_DIAL.match(target)
        if agent is not None:
            return DialApp(self, self.trunk, agent["ext"], timeout, data, continue_after=True)
        number = re.findall(r"\+?\d+", target)
        return DialApp(self, self.trunk, number[-1] if number else "external", timeout, data,
                       customer=True, continue_after=True)

    def _goto(self, context, exten):
        self.trunk.context, self.trunk.exten = context, exten

    def _caller_text(self):
        return f'"{self.caller_name}" <{self.caller_num}>'

    # --- the line answers ---------------------------------------------------

    def answer_line(self):
        """Answer() on `;2`: both halves go Up and the Originate succeeds."""
        ev, now = self.ev, self.pbx.now()
        ev.cel(self.trunk, "ANSWER", application="Answer", app_data="")
        answer_channel(self.trunk, ev, now)
        self.pbx.emit_device_state(self.phone.device)
        self.answer_phone()

    def answer_phone(self):
        ev, now = self.ev, self.pbx.now()
        ev.cel(self.phone, "ANSWER")
        answer_channel(self.phone, ev, now)
        ev.dial_end(None, self.phone, "ANSWER")
        self.pbx.emit_device_state(self.phone.device)
        self.originate_succeeded()

    def line_answered(self):
        """A direct call was answered through Dial: the Originate succeeds now."""
        self.originate_succeeded()

    def originate_succeeded(self):
        self.ev.originate_response(
            self.action_id, True, self.phone.name,
            {"Application": "Wait", "Data": self.wait_text},
            self.phone.uniqueid, self.caller_num, self.caller_name, 4,
        )
        self.phone.show_app = ("Wait", self.wait_text)
        self._phone_timer = self.pbx.later(self.wait_seconds, self.phone_hangs_up)
        if self.patience is not None and not self.connected:
            self._customer_timers.append(self.pbx.later(self.patience, self._patience_over))

    def _patience_over(self):
        """The customer gives up waiting for an agent."""
        if not self.connected:
            self.phone_hangs_up()

    def connected_to_agent(self):
        """An agent answered: the customer now talks `talk_seconds`, then hangs up."""
        if self.connected:
            return
        self.connected = True
        self._cancel_customer_timers()
        if self.talk_seconds is not None:
            self._customer_timers.append(self.pbx.later(self.talk_seconds, self.phone_hangs_up))
        self.pbx.notify("call_connected", self)

    def _cancel_customer_timers(self):
        for timer in self._customer_timers:
            timer.cancel()
        self._customer_timers.clear()

    @property
    def wait_text(self):
        return seconds_text(self.wait_seconds)

    @property
    def answered(self):
        return self.phone.state == UP

    # --- hangups ------------------------------------------------------------

    def phone_hangs_up(self):
        """The customer's Wait ended: the customer hangs up."""
        if self.ended:
            return
        operation = self.dialplan.operation if self.dialplan else None
        if operation is not None and operation.caller_hangup():
            return
        self.hangup_outside_bridge()

    def phone_cdr(self):
        phone = self.phone
        return CdrRecord(
            channel=phone.name, uniqueid=phone.uniqueid, source=self.caller_num,
            destination=self.did, destination_context="inbound",
            caller_id=self._caller_text(), start=phone.created, last_application="Wait",
            last_data=self.wait_text, answer=phone.answered_at, end=self.pbx.now(),
            disposition="ANSWERED",
        )

    def phone_cdr_now(self):
        """The customer's phone hung up: its CDR goes out first, as recorded."""
        if self.phone.answered_at is not None and not self._phone_cdr_sent:
            self._phone_cdr_sent = True
            self.ev.cdr(self.phone_cdr())

    def hang_up_phone(self, cause=0, with_cdr=True):
        """Cdr, Hangup and CEL of the customer's phone `;1` (it hung up first)."""
        ev = self.ev
        if self._phone_timer is not None:
            self._phone_timer.cancel()
        self._cancel_customer_timers()
        if with_cdr:
            self.phone_cdr_now()
        ev.hangup(self.phone, cause)
        ev.cel_hangup(self.phone, cause)
        ev.cel(self.phone, "CHAN_END")

    def end_trunk(self, cause, source="", last=True):
        """The trunk `;2` is gone: its CDRs, CEL and Hangup; the call is over."""
        ev, trunk = self.ev, self.trunk
        trunk.application = trunk.app_data = ""
        self.trail.emit(ev, self.pbx.now())
        ev.cel_hangup(trunk, cause, source, trunk.dial_status)
        ev.cel(trunk, "CHAN_END")
        if last:
            self.linkedid_end(trunk)
        ev.hangup(trunk, cause)

    def release_line(self):
        self.pbx.release_pair(self.pair)
        if self._phone_timer is not None:
            self._phone_timer.cancel()
        self._cancel_customer_timers()

    def hangup_outside_bridge(self):
        """The customer hangs up while the trunk is not bridged (IVR, playback…)."""
        ev = self.ev
        if self.dialplan is not None:
            self.dialplan.stop()
        ev.hangup_request(self.trunk, 0)
        self.hang_up_phone(0)
        ev.soft_hangup_request(self.trunk, 16)
        self.end_trunk(0)
        self.release_line()
        self.settle_devices([self.pair])
        self.finish("caller_hangup")

    def dialplan_hangup(self):
        """`Hangup()` on the trunk; the phone `;1` follows."""
        ev, trunk, phone = self.ev, self.trunk, self.phone
        ev.soft_hangup_request(trunk, 16)
        if self.answered:
            ev.hangup_request(phone, 16)
            self.trail.emit(ev, self.pbx.now())
            ev.hangup(phone, 16)
            trunk.application = trunk.app_data = ""
            ev.hangup(trunk, 16)
            self.phone_cdr_now()
            ev.cel_hangup(phone, 16)
            ev.cel(phone, "CHAN_END")
            ev.cel_hangup(trunk, 16, "dialplan/builtin", trunk.dial_status)
            ev.cel(trunk, "CHAN_END")
            self.linkedid_end(trunk)
            self.release_line()
            self.settle_devices([self.pair])
            self.finish(self.outcome or "completed")
            return
        status = trunk.variables.get("DIALSTATUS", "")
        ev.varset(phone, "CHANLOCALSTATUS", status)
        ev.hangup_request(phone, 16)
        trunk.application = trunk.app_data = ""
        ev.hangup(trunk, 16)
        self.release_line()
        self.pbx.emit_device_state(phone.device)
        ev.dial_end(None, phone, status or "CANCEL")
        ev.hangup(phone, 16)
        ev.originate_response(
            self.action_id, False, f"Local/{self.did}@inbound",
            {"Application": "Wait", "Data": self.wait_text},
            "<unknown>", self.caller_num, self.caller_name, 0,
        )
        ev.cel_hangup(trunk, 16, "dialplan/builtin", trunk.dial_status)
        ev.cel(trunk, "CHAN_END")
        self.trail.emit(ev, self.pbx.now())
        ev.cel_hangup(phone, 16)
        ev.cel(phone, "CHAN_END")
        self.linkedid_end(phone)
        self.pbx.emit_device_state(phone.device)
        self.finish(self.outcome or "missed")

    def trail_for(self, channel):
        return self.trail

    def caller_gone_unanswered(self, legs):
        """The line hung up while a direct call was still ringing."""
        if self.dialplan is not None:
            self.dialplan.stop()
        self.dialplan_hangup()
        self.settle_devices([leg.pair for leg in legs], [leg.agent for leg in legs])

    def dial_peer_left(self, dial, phone_record, leg):
        """The dialed agent hung up a direct call: Dial returns and the line ends."""
        ev, trunk, phone = self.ev, self.trunk, self.phone
        ev.soft_hangup_request(trunk, 16)
        ev.hangup_request(phone, 16)
        self.end_trunk(16, last=False)
        ev.cdr(phone_record)
        self.hang_up_phone(16)
        self.linkedid_end(phone)
        self.release_line()
        self.settle_devices([self.pair, leg.pair], [leg.agent])
        self.finish("answered")

    # --- AMI actions ------------------------------------------------------

    def _delegate(self, method, *args):
        operation = self.dialplan.operation if self.dialplan else None
        handler = getattr(operation, method, None)
        return handler(*args) if handler is not None else False

    def hangup_channel(self, channel):
        if channel in self.pair.channels:
            self.phone_hangs_up()
            return True
        return self._delegate("hangup_channel", channel)

    def blind_transfer(self, channel, context, exten):
        return self._delegate("blind_transfer", channel, context, exten)

    def attended_transfer(self, channel, context, exten):
        return self._delegate("attended_transfer", channel, context, exten)

    def redirect(self, channel, context, exten):
        return self._delegate("redirect", channel, context, exten)

    def hold(self, seconds):
        return self._delegate("hold", seconds)

    def dtmf(self, channel, digit, duration_ms):
        return self._delegate("dtmf", channel, digit, duration_ms)

    def continue_at(self, context, exten):
        """After a blind transfer or redirect, `;2` runs `context,exten,1`."""
        trunk = self.trunk
        trunk.context, trunk.exten = context, exten
        if context == "internal" and exten in self.pbx.agents:
            self.dialplan = Dialplan(self.pbx, self._internal(exten))
        else:
            self.dialplan = Dialplan(self.pbx, self._unknown_extension())
        self.dialplan.start()

    def _internal(self, exten):
        """`[internal] _10XX`; as recorded, priority 1 is reported with the
        application the channel was running before (Queue)."""
        trunk = self.trunk
        trunk.priority = 1
        self.ev.newexten(trunk, trunk.application, trunk.app_data)
        self.transfer_pending()
        data = f"Local/{exten}@agents/n,20,t"
        self.app(2, "Dial", data)
        status = yield DialApp(self, trunk, exten, 20, data, after_transfer=True)
        self.app(3, "NoOp", f"DIALSTATUS={status}")
        self.app(4, "Hangup")
        self.dialplan_hangup()

    def _unknown_extension(self):
        """No such extension: Asterisk runs the `Hangup` of the `i` handling."""
        self.transfer_pending()
        self.app(1, "Hangup")
        self.dialplan_hangup()
        yield from ()

    def follow_transfer_with(self, callback):
        """What the application left behind does once the transferee runs its
        new extension (the queue reports AgentComplete and drops its member)."""
        self._transfer_followup = callback

    def transfer_pending(self):
        callback, self._transfer_followup = self._transfer_followup, None
        if callback is not None:
            callback()


def _seconds(value):
    try:
        return max(int(value), 0)
    except (TypeError, ValueError):
        return 0
