"""The DTMF-feature attended transfer (AMI `Atxfer`) of a queue member.

No transcript records it; the sequence follows the README ("Attended
transfer") and bridge_basic's behaviour: the caller is put on hold, the
transferer's single channel moves into a consultation bridge with
`Local/<exten>@<context>;1`, whose `;2` dials the target agent. When the
transferer hangs up (here: `consult_seconds` after the target answered) the
consultation channel joins the caller's bridge (AttendedTransfer, DestType
Bridge), then the Local pair optimizes itself away so that the target agent's
own leg ends up bridged with the caller. Every leg keeps the caller's Linkedid.
"""

import json

from .dial_app import DialApp
from .dialplan import CdrTrail, Dialplan, run_app

CONSULT_SECONDS = 3.0


class AttendedTransfer:
    """Drives one attended transfer started on a bridged QueueApp."""

    def __init__(self, queue_app, context, exten, consult_seconds=CONSULT_SECONDS):
        self.app = queue_app
        self.pbx = queue_app.pbx
        self.ev = queue_app.ev
        self.context = context
        self.exten = exten
        self.consult_seconds = consult_seconds
        self.transferer_leg = queue_app.connected
        self.phone = self.trunk = None
        self.pair = None
        self.trail = None
        self.consult_bridge = None
        self.dial = None
        self.dialplan = None
        self.ended = False
        self.target_answered = False

    # The consultation pair plays the role of an originated line for DialApp.

    def trail_for(self, channel):
        return self.trail

    def start(self):
        app, ev, pbx = self.app, self.ev, self.pbx
        transferer, caller = self.transferer_leg.one, app.caller
        app.state = "transferring"
        ev.hold(transferer)
        ev.music_on_hold_start(caller)
        ev.cel(caller, "STREAM_BEGIN", extra='{"class":"default"}')
        self.pair = pair = pbx.local_pair(self.exten, self.context, linkedid=caller.linkedid)
        app.call.pairs.append(pair)
        self.phone, self.trunk = pair.one, pair.two
        self.trail = CdrTrail(self.trunk)
        ev.newchannel(pair.one)
        ev.newchannel(pair.two)
        for channel in pair.channels:
            channel.set_caller(transferer.caller_num, transferer.caller_name)
            channel.set_connected(transferer.caller_num, transferer.caller_name)
        ev.new_callerid(pair.one)
        ev.new_callerid(pair.two)
        ev.local_bridge(pair, optimization=True)
        ev.cel_chan_start(pair.one)
        ev.cel_chan_start(pair.two)
        self.transferer_leg.leave_bridge(app.bridge)
        self.consult_bridge = bridge = pbx.new_bridge()
        ev.bridge_create(bridge)
        self.transferer_leg.enter_bridge(bridge)
        bridge.channels.append(pair.one)
        pair.one.bridge = bridge
        ev.cel_bridge(pair.one, "BRIDGE_ENTER", bridge, peer=transferer.name)
        ev.bridge_enter(bridge, pair.one)
        self.dialplan = Dialplan(pbx, self._consultation())
        self.dialplan.start()

    def _consultation(self):
        trunk, ev = self.trunk, self.ev
        caller = f'"{trunk.caller_name}" <{trunk.caller_num}>'
        run_app(trunk, ev, 1, "NoOp", f"Internal call to {self.exten} from {caller}")
        data = f"Local/{self.exten}@agents/n,20,t"
        run_app(trunk, ev, 2, "Dial", data)
        self.dial = DialApp(self, trunk, self.exten, 20, data)
        status = yield self.dial
        run_app(trunk, ev, 3, "NoOp", f"DIALSTATUS={status}")
        self._abort()

    def line_answered(self):
        """The target agent answered the consultation call."""
        self.target_answered = True
        self.pbx.later(self.consult_seconds, self._complete)

    def transferer_hung_up(self):
        """Hanging up completes the transfer once the target answered (that is
        how the DTMF feature completes it). Before that the simulator calls the
        whole call off instead of modelling a "blonde" transfer to a ringing target."""
        if self.target_answered:
            self._complete()
        else:
            self.abandon()
            self.app.agent_complete("agent")
            self.app.caller_left_alone()

    def abandon(self):
        """Tears down the consultation and the transferer (the caller left)."""
        if self.ended:
            return
        self.ended = True
        ev, dial = self.ev, self.dial
        self.dialplan.stop()
        legs = []
        if dial is not None and dial.state == "ringing":
            legs = dial.cancel()
        elif dial is not None and dial.state == "bridged":
            legs = [dial.caller_left_bridge()]
        self._end_consult_pair(ev)
        transferer_leg = self.transferer_leg
        transferer_leg.hang_up_from_bridge(self.consult_bridge)
        self.app.call.drop_leg(transferer_leg)
        ev.bridge_destroy(self.consult_bridge)
        self.app.close_attempt(transferer_leg, "ANSWERED")
        self.app.call.settle_devices([self.pair, transferer_leg.pair] + [leg.pair for leg in legs],
                                     [transferer_leg.agent] + [leg.agent for leg in legs])

    # --- completion ---------------------------------------------------------------

    def _complete(self):
        app, ev = self.app, self.ev
        if self.ended or app.state != "transferring":
            return
        self.ended = True
        caller, transferer_leg = app.caller, self.transferer_leg
        transferer = transferer_leg.one
        target_leg = self.dial.leg
        main_bridge, consult = app.bridge, self.consult_bridge
        ev.attended_transfer(transferer, main_bridge, consult, main_bridge, caller, self.phone)
        ev.cel(transferer, "ATTENDEDTRANSFER", extra=json.dumps({
            "bridge1_id": main_bridge.uniqueid, "channel2_name": self.phone.name,
            "channel2_uniqueid": self.phone.uniqueid, "bridge2_id": consult.uniqueid,
            "transferee_channel_name": caller.name,
            "transferee_channel_uniqueid": caller.uniqueid,
            "transfer_target_channel_name": self.phone.name,
            "transfer_target_channel_uniqueid": self.phone.uniqueid,
        }, separators=(",", ":")))
        self._move(self.phone, consult, main_bridge)
        app.agent_complete("transfer")
        transferer_leg.hang_up_from_bridge(consult)
        app.call.drop_leg(transferer_leg)
        ev.bridge_destroy(consult)
        app.close_attempt(transferer_leg, "ANSWERED")
        ev.music_on_hold_stop(caller)
        ev.cel(caller, "STREAM_END")
        ev.varset(caller, "BRIDGEPEER", self.phone.name)
        app.call.settle_devices([transferer_leg.pair], [transferer_leg.agent])
        self._optimize_away(target_leg)

    def _move(self, channel, source, destination):
        ev = self.ev
        source.channels.remove(channel)
        ev.cel_bridge(channel, "BRIDGE_EXIT", source)
        ev.bridge_leave(source, channel)
        destination.channels.append(channel)
        channel.bridge = destination
        ev.cel_bridge(channel, "BRIDGE_ENTER", destination)
        ev.bridge_enter(destination, channel)

    def _optimize_away(self, target_leg):
        """`Local/<exten>@<context>` drops out: the target's leg takes its place."""
        app, ev, pbx = self.app, self.ev, self.pbx
        caller, main_bridge = app.caller, app.bridge
        dial, one, two = self.dial, self.phone, self.trunk
        target_bridge = dial.bridge
        operation = pbx.ids.command_id()
        ev.local_optimization_begin(self.pair, target_leg.one, main_bridge, operation)
        target_bridge.channels.remove(target_leg.one)
        ev.bridge_leave(target_bridge, target_leg.one)
        main_bridge.channels.append(target_leg.one)
        target_leg.one.bridge = main_bridge
        ev.bridge_enter(main_bridge, target_leg.one)
        main_bridge.channels.remove(one)
        one.bridge = None
        ev.bridge_leave(main_bridge, one)
        ev.local_optimization_end(self.pair, operation)
        ev.cel(one, "LOCAL_OPTIMIZE")
        dial.state = "done"
        self.dialplan.stop()
        for channel in (one, two):
            channel.application = channel.app_data = ""
        ev.hangup(one, 16)
        target_bridge.channels.remove(two)
        two.bridge = None
        ev.bridge_leave(target_bridge, two)
        ev.bridge_destroy(target_bridge)
        ev.hangup(two, 16)
        self.trail.close(pbx.now(), "Dial", dial.app_data, target_leg.one.name, "ANSWERED")
        self.trail.emit(ev, pbx.now())
        for channel in (one, two):
            ev.cel_hangup(channel, 16)
            ev.cel(channel, "CHAN_END")
        pbx.release_pair(self.pair)
        ev.varset(caller, "BRIDGEPEER", target_leg.one.name)
        ev.varset(target_leg.one, "BRIDGEPEER", caller.name)
        pbx.emit_device_state(one.device, 2)
        target_leg.owner = app
        app.connected = target_leg
        app.state = "bridged"

    def _abort(self):
        """The target did not answer: the transferer is back with the caller."""
        app, ev = self.app, self.ev
        if self.ended:
            return
        self.ended = True
        transferer_leg, consult = self.transferer_leg, self.consult_bridge
        one = self._end_consult_pair(ev)
        self.pbx.emit_device_state(one.device, 2)
        transferer_leg.leave_bridge(consult)
        ev.bridge_destroy(consult)
        transferer_leg.enter_bridge(app.bridge)
        ev.unhold(transferer_leg.one)
        ev.music_on_hold_stop(app.caller)
        ev.cel(app.caller, "STREAM_END")
        app.state = "bridged"

    # DialApp calls these on the "line" it dials from; a transfer has no Originate.

    @property
    def call(self):
        return self.app.call

    def add_leg(self, leg):
        self.app.call.add_leg(leg)

    def drop_leg(self, leg):
        self.app.call.drop_leg(leg)

    def settle_devices(self, pairs, agents=()):
        self.app.call.settle_devices(pairs, agents)

    def caller_gone_unanswered(self, legs):
        self._abort()

    def dial_peer_left(self, dial, record, leg):
        self.ev.cdr(record)
        self._abort()

    def _end_consult_pair(self, ev):
        """The Local consultation pair leaves the consult bridge and hangs up."""
        one, two = self.phone, self.trunk
        self.consult_bridge.channels.remove(one)
        one.bridge = None
        ev.bridge_leave(self.consult_bridge, one)
        for channel in (one, two):
            channel.application = channel.app_data = ""
            ev.hangup(channel, 16)
            ev.cel_hangup(channel, 16)
            ev.cel(channel, "CHAN_END")
        self.trail.emit(ev, self.pbx.now())
        self.pbx.release_pair(self.pair)
        return one
