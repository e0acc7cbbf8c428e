"""Running dialplan on a channel, and what every call has in common.

A dialplan is written as a Python generator: it emits the Newexten of each
priority as it goes and `yield`s whenever the channel waits, either a number
of seconds or an application object (Queue, Dial, AGI…) that resumes the
generator with its result when it is done. This keeps each extension of the
reference extensions.conf readable as the sequence it is.
"""

import logging

from .channels import UP
from .events import cel_extra
from .pbx import CdrRecord

_logger = logging.getLogger(__name__)

ANSWER_SETTLE = 0.020


class Dialplan:
    """Drives one dialplan generator over the PBX's virtual time."""

    def __init__(self, pbx, generator):
        self.pbx = pbx
        self.generator = generator
        self.operation = None
        self._timer = None
        self.finished = False

    def start(self):
        self._advance(None)

    def _advance(self, value):
        self.operation = None
        self._timer = None
        try:
            step = self.generator.send(value)
        except StopIteration:
            self.finished = True
            return
        if isinstance(step, (int, float)):
            self._timer = self.pbx.later(step, self._advance, None)
        else:
            self.operation = step
            step.start(self._advance)

    def stop(self):
        """The channel left this dialplan (hangup, transfer, redirect)."""
        if self._timer is not None:
            self._timer.cancel()
        if not self.finished:
            _logger.debug("dialplan stopped during %s", type(self.operation).__name__)
        self.finished = True
        self.generator.close()


class CdrTrail:
    """The CDRs of a channel that dials: one record per party, plus the rest.

    Asterisk opens a new record each time the channel dials someone and when
    it carries on in the dialplan after a bridge; the records are sent when
    the channel hangs up, with the channel's exten/context at that moment.
    """

    def __init__(self, channel):
        self.channel = channel
        self.records = []
        self.next_start = channel.created
        self.continued = False

    def close(self, now, application, data, destination_channel="", disposition="ANSWERED",
              start=None):
        begin = self.next_start if start is None else start
        channel = self.channel
        answer = None if channel.answered_at is None else max(begin, channel.answered_at)
        record = CdrRecord(
            channel=channel.name, uniqueid=channel.uniqueid, source=channel.caller_num,
            destination="", destination_context="",
            caller_id=f'"{channel.caller_name}" <{channel.caller_num}>', start=begin,
            destination_channel=destination_channel, last_application=application,
            last_data=data, answer=answer, end=now, disposition=disposition,
        )
        self.records.append(record)
        self.next_start = now
        return record

    def continue_after_bridge(self):
        """The channel goes on in the dialplan after a bridge: a new record starts."""
        self.continued = True

    def emit(self, events, now):
        if self.continued:
            self.continued = False
            self.close(now, self.channel.application, self.channel.app_data)
        if not self.records:
            answered = self.channel.answered_at is not None
            self.close(now, self.channel.application, self.channel.app_data,
                       disposition="ANSWERED" if answered else "NO ANSWER")
        for record in self.records:
            record.destination = self.channel.exten
            record.destination_context = self.channel.context
            events.cdr(record)
        self.records = []


class Call:
    """One call, i.e. one Linkedid: every channel and application it involves."""

    #: Whose CDR the call's trail follows: the `;2` half that runs the dialplan, or `;1`.
    trail_on_second_half = False

    def __init__(self, pbx):
        self.pbx = pbx
        self.ev = pbx.events
        self.linkedid = None
        self.pairs = []
        self.legs = []
        self.ended = False
        self.outcome = None

    def originate_local_pair(self, pair, caller_num, caller_name, destination,
                             optimization=True, variables=()):
        """What Originate of `Local/<destination>` emits before `;2` runs its dialplan:
        the two halves, the Originate's `Variable`s set on `;1`, the caller ID on both,
        the local bridge (optimizable unless dialed with `/n`) and `;1` dialing out.
        Returns the pair's halves."""
        pbx, ev = self.pbx, self.ev
        one, two = pair.one, pair.two
        self.pairs.append(pair)
        self.linkedid = one.linkedid
        self.trail = CdrTrail(two if self.trail_on_second_half else one)
        pbx.call_started(self)
        ev.cel_chan_start(one)
        ev.newchannel(one)
        ev.newchannel(two)
        for name, value in variables:
            ev.varset(one, name, value)
            two.variables[name] = value
        one.application, one.app_data = "AppDial2", "(Outgoing Line)"
        ev.newexten(one, "AppDial2", "(Outgoing Line)")
        one.set_caller(caller_num, caller_name)
        one.ani = caller_num
        ev.new_callerid(one)
        one.set_connected(caller_num, caller_name)
        ev.new_connected_line(one)
        two.set_caller(caller_num, caller_name)
        two.set_connected(caller_num, caller_name)
        ev.new_callerid(two)
        ev.new_connected_line(two)
        ev.local_bridge(pair, optimization=optimization)
        ev.dial_begin(None, one, destination)
        return one, two

    def owns(self, channel):
        return any(channel in pair.channels for pair in self.pairs) or any(
            channel in leg.pair.channels for leg in self.legs
        )

    def add_leg(self, leg):
        self.legs.append(leg)

    def drop_leg(self, leg):
        if leg in self.legs:
            self.legs.remove(leg)

    def settle_devices(self, pairs, agents=()):
        """DeviceStateChange twice per pair that ended (once per half), then
        QueueMemberStatus for the agents whose phones are free again."""
        for pair in pairs:
            self.pbx.emit_device_state(pair.one.device, 2)
        for agent in agents:
            if agent is not None:
                self.pbx.report_member_status(agent)

    def finish(self, outcome=None):
        if self.ended:
            return
        self.ended = True
        if outcome is not None and self.outcome is None:
            self.outcome = outcome
        self.pbx.call_ended(self)

    def linkedid_end(self, channel):
        self.ev.cel(channel, "LINKEDID_END")

    # Hooks for AMI actions; flows override what they support.

    def hangup_channel(self, channel):
        return False

    def blind_transfer(self, channel, context, exten):
        return False

    def attended_transfer(self, channel, context, exten):
        return False

    def redirect(self, channel, context, exten):
        return False

    def hold(self, seconds):
        return False

    def dtmf(self, channel, digit, duration_ms):
        return False


def originate_target(application, data, context, exten):
    """The target fields an OriginateResponse repeats: the application the originated
    channel runs, or else the dialplan extension it goes to."""
    if application:
        return {"Application": application, "Data": data}
    return {"Context": context, "Exten": exten}


class OriginatedCall(Call):
    """A call started by an AMI Originate. It keeps what the action said for the
    OriginateResponse it owes (ActionID, Channel, target, caller ID) and for its Local
    pair (the ChannelId/OtherChannelId Uniqueids, `Variable`s, `/n`, the timeout)."""

    def __init__(self, pbx, *, caller_num, caller_name, channel="", action_id=None,
                 context=None, exten=None, application=None, data="", variables=(),
                 channel_id=None, other_channel_id=None, timeout=30.0, optimization=True):
        super().__init__(pbx)
        self.channel = channel
        self.caller_num = caller_num
        self.caller_name = caller_name
        self.action_id = action_id
        self.context = context
        self.exten = exten
        self.application = application
        self.data = data
        self.variables = tuple(variables)
        self.uniqueids = (channel_id, other_channel_id)
        self.timeout = timeout
        self.optimization = optimization
        self.spyee = None

    @property
    def target_fields(self):
        return originate_target(self.application, self.data, self.context, self.exten)

    def run_application(self, spyer):
        """`spyer` runs the Originate's application. ChanSpy whispers into the first
        bridged channel its prefix names (ChanSpyStart), kept as `spyee`; with none, it
        has nothing to spy on and emits nothing."""
        spyer.application, spyer.app_data = self.application, self.data
        if self.application.lower() != "chanspy":
            return
        prefix = self.data.split(",", 1)[0]
        for channel in list(self.pbx.channels.values()):
            if channel.name.startswith(prefix) and channel.bridge is not None:
                self.spyee = channel
                self.ev.emit("ChanSpyStart", "call,all",
                             {**spyer.snapshot("Spyer"), **channel.snapshot("Spyee")})
                break

    def stop_spying(self, spyer):
        """ChanSpyStop when `spyer`, which ran ChanSpy on `spyee`, goes."""
        if self.spyee is not None:
            self.ev.emit("ChanSpyStop", "call,all",
                         {**spyer.snapshot("Spyer"), **self.spyee.snapshot("Spyee")})


def run_app(channel, events, priority, application, data=""):
    """One priority: the channel's snapshot moves there and Newexten reports it."""
    channel.priority = priority
    channel.application, channel.app_data = application, data
    events.newexten(channel, application, data)


def playback(channel, events, sound, seconds):
    """`Playback(<sound>)` for `seconds`, as a dialplan step: its stream in CEL, then
    PLAYBACKSTATUS."""
    events.cel(channel, "STREAM_BEGIN", extra=cel_extra(sound=sound, format="slin", language="en"))
    yield seconds
    events.cel(channel, "STREAM_END")
    events.varset(channel, "PLAYBACKSTATUS", "SUCCESS")


def answer_channel(channel, events, now):
    channel.state = UP
    channel.answered_at = now
    events.newstate(channel)
