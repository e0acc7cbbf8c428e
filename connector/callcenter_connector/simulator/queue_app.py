"""app_queue for one caller: join, ring members, connect, and every way out.

The event blocks follow the transcripts: join (01), member rings (01, 03),
ring-no-answer with auto-pause (03), connect (01), abandon (02), caller
hangup while bridged (01, 03, 11, 15), agent hangup with the `c` option
(11), blind transfer of the member (08). Queue timeout, agent hangup without
`c`, redirect and hold follow the README's description of those cases. A
caller whose channel has QUEUE_PRIO joins ahead of the callers of lower
priority, as app_queue inserts them.
"""

import json

from .hold_feature import HoldFeature
from .legs import QUEUE, PhoneLeg, agent_script
from .strategies import choose_members
from .transfers import AttendedTransfer

MEMBER_RECHECK_DELAY = 0.06
#: Set by `[cc-cati]` (connector/CATI.md): members' phones are asked to answer by themselves.
AUTO_ANSWER_VARIABLE = "__CC_AUTO_ANSWER"


class QueueApp(HoldFeature):
    """`Queue(<name>,<options>,,,<timeout>)` run by one caller channel."""

    def __init__(self, call, queue_name, options, max_wait, app_data):
        self.call = call
        self.pbx = call.pbx
        self.ev = call.pbx.events
        self.caller = call.trunk
        self.queue = call.pbx.queues.get(queue_name)
        self.continue_after = "c" in options
        self.max_wait = max_wait
        self.app_data = app_data
        self.ringing = []
        self.member_of = {}
        self.connected = None
        self.connected_member = None
        self.connected_at = None
        self.bridge = None
        self.state = "new"
        self.joined_at = None
        self.position = 0
        self.priority = 0
        self.transfer = None
        self.agent_complete_sent = False
        self.resume = None
        self._timers = []
        self._retry_timer = None

    # --- joining --------------------------------------------------------------

    def start(self, resume):
        self.resume = resume
        ev, caller, queue = self.ev, self.caller, self.queue
        if queue is None:
            ev.varset(caller, "QUEUESTATUS", "UNKNOWN")
            resume("UNKNOWN")
            return
        for variable in ("ANSWEREDTIME", "ANSWEREDTIME_MS", "DIALEDTIME", "DIALEDTIME_MS",
                         "QUEUEWAIT", "QUEUEWAIT_MS"):
            ev.varset(caller, variable, "")
        self.priority = _priority(caller.variables.get("QUEUE_PRIO"))
        ahead = sum(1 for waiting in queue.callers if waiting.priority >= self.priority)
        queue.callers.insert(ahead, self)
        self.state = "waiting"
        self.joined_at = self.pbx.now()
        self.position = ahead + 1
        if len(queue.callers) == 1:
            ev.device_state(f"Queue:{queue.name}", "RINGING")
        ev.queue_caller_join(caller, queue.name, self.position, len(queue.callers))
        ev.music_on_hold_start(caller)
        ev.cel(caller, "STREAM_BEGIN", extra='{"class":"default"}')
        self._timers.append(self.pbx.later(self.max_wait, self._max_wait_reached))
        self.ring_members()

    def member_available(self):
        """A member became free: a waiting caller tries again shortly after."""
        if self.state == "waiting" and not self.ringing and self._retry_timer is None:
            self._retry_timer = self.pbx.later(MEMBER_RECHECK_DELAY, self._retry)

    def _retry(self):
        self._retry_timer = None
        self.ring_members()

    def ring_members(self):
        if self.state != "waiting" or self.ringing:
            return
        queue = self.queue
        available = [member for member in queue.members if member.available]
        ahead = queue.callers.index(self)
        if ahead >= len(available):
            return
        chosen = choose_members(queue, available, self.pbx.random)
        for member in chosen:
            self._ring(member)
        for member in chosen:
            self.pbx.report_member_status(member.agent)

    def _ring(self, member):
        ev, caller = self.ev, self.caller
        agent = member.agent
        auto_answer = caller.variables.get(AUTO_ANSWER_VARIABLE) == "yes"
        leg = PhoneLeg.dial(
            self.pbx, caller, agent_script(agent, auto_answer), self, QUEUE, agent=agent,
            dial_string=member.interface, peer_number=f"{agent.extension}@agents/n",
            inherit_features=True,
        )
        self.call.add_leg(leg)
        self.ringing.append(leg)
        self.member_of[leg] = member
        ev.agent_called(caller, leg.agent_called_view(caller), self.queue.name, member)
        ev.dial_begin(caller, leg.one, member.interface)
        leg.ring(caller)
        self.pbx.emit_device_state(agent.device)
        ev.dial_state(caller, leg.one)
        leg.ring_timer = self.pbx.later(self.queue.timeout, self._ring_timeout, leg)

    # --- members ringing --------------------------------------------------------

    def _ring_timeout(self, leg):
        if leg not in self.ringing:
            return
        ev, caller, queue = self.ev, self.caller, self.queue
        member = self.member_of[leg]
        ev.agent_ring_no_answer(caller, leg.one, queue.name, member, int(queue.timeout * 1000))
        if queue.autopause:
            self._autopause(member)
        ev.dial_end(caller, leg.one, "NOANSWER")
        ev.dial_end(caller, leg.one, "CANCEL")
        self.close_attempt(leg, "NO ANSWER")
        self._drop(leg)
        if not self.ringing and self._retry_timer is None:
            self._retry_timer = self.pbx.later(queue.retry, self._retry)
        self.call.settle_devices([leg.pair], [leg.agent])

    def _autopause(self, member):
        member.paused = True
        member.paused_reason = "Auto-Pause"
        member.last_pause = int(self.pbx.now())
        self.ev.device_state(f"Queue:{self.queue.name}_pause_{member.interface}", "INUSE")
        self.ev.queue_member("QueueMemberPause", self.queue.name, member)

    def close_attempt(self, leg, disposition):
        trail = self.call.trail
        start = leg.ring_started if trail.records else None
        trail.close(self.pbx.now(), "Queue", self.app_data, leg.one.name, disposition, start)

    def _drop(self, leg):
        leg.ring_timer.cancel()
        self.ringing.remove(leg)
        self.call.drop_leg(leg)
        leg.hang_up_unanswered()

    def _cancel_ringing(self, twice):
        legs = list(self.ringing)
        for leg in legs:
            self.ev.dial_end(self.caller, leg.one, "CANCEL")
            if twice:
                self.ev.dial_end(self.caller, leg.one, "CANCEL")
            self.close_attempt(leg, "NO ANSWER")
            self._drop(leg)
        return legs

    def _leave_queue(self):
        queue = self.queue
        if self in queue.callers:
            position = queue.callers.index(self) + 1
            queue.callers.remove(self)
        else:
            position = self.position
        if not queue.callers:
            self.ev.device_state(f"Queue:{queue.name}", "NOT_INUSE")
        self.ev.queue_caller_leave(self.caller, queue.name, position, len(queue.callers))
        self.ev.varset(self.caller, "QUEUEPOSITION", position)
        for waiting in list(queue.callers):
            waiting.member_available()
        return position

    def _wait_seconds(self):
        return int(self.pbx.now()) - int(self.joined_at)

    # --- connect ----------------------------------------------------------------

    def leg_answered(self, leg):
        if self.state != "waiting" or leg not in self.ringing:
            return
        ev, caller, queue = self.ev, self.caller, self.queue
        member = self.member_of[leg]
        leg.cel_answer(2)
        leg.cel_answer(1)
        ev.cel(caller, "STREAM_END")
        leg.mark_answered(1)
        ev.dial_end(caller, leg.one, "ANSWER")
        caller.dial_status = "ANSWER"
        leg.ring_timer.cancel()
        self.ringing.remove(leg)
        losers = self._cancel_ringing(twice=False)
        ev.music_on_hold_stop(caller)
        self._leave_queue()
        wait = self._wait_seconds()
        ev.varset(caller, "QUEUEWAIT", wait)
        ev.varset(caller, "QUEUEWAIT_MS", wait * 1000)
        ring_time = int(self.pbx.now()) - int(leg.ring_started)
        ev.agent_connect(caller, leg.one, queue.name, member, wait, ring_time)
        queue.record_connected(wait)
        member.in_call = True
        leg.mark_answered(2)
        self.pbx.emit_device_state(leg.agent.device, 2)
        self.bridge = bridge = self.pbx.new_bridge()
        ev.bridge_create(bridge)
        leg.enter_bridge(bridge)
        bridge.channels.append(caller)
        caller.bridge = bridge
        ev.cel_bridge(caller, "BRIDGE_ENTER", bridge, peer=leg.one.name)
        ev.bridge_enter(bridge, caller)
        ev.varset(leg.one, "BRIDGEPEER", caller.name)
        ev.varset(caller, "BRIDGEPEER", leg.one.name)
        self.state = "bridged"
        self.connected, self.connected_member = leg, member
        self.connected_at = self.pbx.now()
        self._cancel_timers()
        if losers:
            self.call.settle_devices([loser.pair for loser in losers],
                                     [loser.agent for loser in losers])
        leg.start_talking()
        self.call.connected_to_agent()

    def agent_complete(self, reason, with_channels=True):
        """AgentComplete once per connected member (a transfer reports it early)."""
        if self.agent_complete_sent:
            return
        self.agent_complete_sent = True
        leg, member, queue = self.connected, self.connected_member, self.queue
        talk = int(self.pbx.now()) - int(self.connected_at)
        wait = int(self.connected_at) - int(self.joined_at)
        if with_channels:
            self.ev.agent_complete(self.caller, leg.one, queue.name, member, wait, talk, reason)
        else:
            self.ev.agent_complete(None, None, queue.name, member, wait, talk, reason)
        queue.record_completed(talk)
        member.calls_taken += 1
        member.last_call = int(self.pbx.now())
        member.in_call = False

    def _answered_time_vars(self):
        ev, caller, now = self.ev, self.caller, self.pbx.now()
        answered = now - self.connected_at
        dialed = now - caller.created
        ev.varset(caller, "ANSWEREDTIME", int(answered))
        ev.varset(caller, "ANSWEREDTIME_MS", int(answered * 1000))
        ev.varset(caller, "DIALEDTIME", int(dialed))
        ev.varset(caller, "DIALEDTIME_MS", int(dialed * 1000))

    # --- the caller goes away -----------------------------------------------------

    def caller_hangup(self):
        if self.state == "waiting":
            self._abandon()
            return True
        if self.state == "bridged":
            self._caller_left_bridge()
            return True
        if self.state == "transferring":
            self.transfer.abandon()
            self.agent_complete("caller")
            self.caller_left_alone()
            return True
        return False

    def caller_left_alone(self):
        """The caller's side ends alone in its bridge (its member left for a transfer)."""
        ev, caller, call, bridge = self.ev, self.caller, self.call, self.bridge
        self.state = "done"
        call.hang_up_phone(0)
        ev.hangup_request(caller, 0)
        ev.music_on_hold_stop(caller)
        ev.cel(caller, "STREAM_END")
        bridge.channels.remove(caller)
        caller.bridge = None
        ev.cel_bridge(caller, "BRIDGE_EXIT", bridge)
        ev.bridge_leave(bridge, caller)
        ev.bridge_destroy(bridge)
        ev.soft_hangup_request(caller, 16)
        call.end_trunk(16)
        call.release_line()
        call.settle_devices([call.pair])
        call.finish("answered")

    def _abandon(self):
        ev, caller, call, queue = self.ev, self.caller, self.call, self.queue
        self.state = "done"
        self._cancel_timers()
        ev.hangup_request(caller, 0)
        call.hang_up_phone(0)
        ev.music_on_hold_stop(caller)
        legs = self._cancel_ringing(twice=True)
        if legs:
            caller.dial_status = "CANCEL"
        dialed = self.pbx.now() - caller.created
        ev.varset(caller, "QUEUEWAIT", self._wait_seconds())
        ev.varset(caller, "QUEUEWAIT_MS", self._wait_seconds() * 1000)
        ev.varset(caller, "DIALEDTIME", int(dialed))
        ev.varset(caller, "DIALEDTIME_MS", int(dialed * 1000))
        ev.varset(caller, "ANSWEREDTIME", 0)
        ev.varset(caller, "ANSWEREDTIME_MS", 0)
        ev.varset(caller, "ABANDONED", "TRUE")
        position = queue.callers.index(self) + 1 if self in queue.callers else self.position
        ev.queue_caller_abandon(caller, queue.name, position, self.position, self._wait_seconds())
        queue.abandoned += 1
        self._leave_queue()
        ev.soft_hangup_request(caller, 16)
        ev.cel(caller, "STREAM_END")
        call.end_trunk(0)
        call.release_line()
        call.settle_devices([call.pair] + [leg.pair for leg in legs], [leg.agent for leg in legs])
        call.finish("abandoned")

    def _caller_left_bridge(self):
        ev, caller, call, leg, bridge = self.ev, self.caller, self.call, self.connected, self.bridge
        self.state = "done"
        late = call.late_agent_complete
        call.hang_up_phone(0)
        ev.cel_bridge(caller, "BRIDGE_EXIT", bridge, peer=leg.one.name)
        ev.hangup_request(caller, 0)
        if not late:
            self.agent_complete("caller")
        ev.varset(caller, "BRIDGEPEER", "")
        ev.varset(leg.one, "BRIDGEPEER", "")
        bridge.channels.remove(caller)
        caller.bridge = None
        ev.bridge_leave(bridge, caller)
        self._answered_time_vars()
        if self.continue_after:
            ev.varset(caller, "QUEUESTATUS", "CONTINUE")
        ev.soft_hangup_request(caller, 16)
        leg.hang_up_from_bridge(bridge)
        ev.bridge_destroy(bridge)
        call.drop_leg(leg)
        self.close_attempt(leg, "ANSWERED")
        call.end_trunk(16)
        if late:
            self.agent_complete("caller", with_channels=False)
        call.release_line()
        call.settle_devices([call.pair, leg.pair], [leg.agent])
        call.finish("answered")

    # --- the agent hangs up ---------------------------------------------------------

    def leg_phone_hangup(self, leg):
        if self.state == "transferring" and leg is self.transfer.transferer_leg:
            self.transfer.transferer_hung_up()
            return
        if self.state != "bridged" or leg is not self.connected:
            return
        ev, caller, call, bridge = self.ev, self.caller, self.call, self.bridge
        self.state = "done"
        leg.phone_hangup_requests()
        self.agent_complete("agent")
        ev.varset(leg.one, "BRIDGEPEER", "")
        leg.leave_bridge(bridge)
        ev.varset(caller, "BRIDGEPEER", "")
        record = leg.finish_after_phone_hangup()
        ev.cdr(record)
        call.drop_leg(leg)
        self.pbx.emit_device_state(leg.agent.device)
        self.pbx.report_member_status(leg.agent)
        bridge.channels.remove(caller)
        caller.bridge = None
        ev.bridge_leave(bridge, caller)
        ev.bridge_destroy(bridge)
        self._answered_time_vars()
        self.close_attempt(leg, "ANSWERED")
        if self.continue_after:
            ev.varset(caller, "QUEUESTATUS", "CONTINUE")
            ev.cel_bridge(caller, "BRIDGE_EXIT", bridge)
            self.pbx.emit_device_state(leg.agent.device)
            call.outcome = "answered"
            call.trail.continue_after_bridge()
            self.resume("CONTINUE")
            return
        ev.cel_bridge(caller, "BRIDGE_EXIT", bridge)
        self.pbx.emit_device_state(leg.agent.device)
        ev.soft_hangup_request(caller, 16)
        ev.hangup_request(call.phone, 16)
        call.end_trunk(16, last=False)
        call.hang_up_phone(16)
        call.linkedid_end(call.phone)
        call.release_line()
        call.settle_devices([call.pair])
        call.finish("answered")

    # --- queue timeout ------------------------------------------------------------------

    def _max_wait_reached(self):
        if self.state != "waiting":
            return
        ev, caller = self.ev, self.caller
        self.state = "done"
        self._cancel_timers()
        legs = self._cancel_ringing(twice=True)
        ev.music_on_hold_stop(caller)
        ev.cel(caller, "STREAM_END")
        ev.queue_caller_abandon(caller, self.queue.name, self.position, self.position,
                                self._wait_seconds())
        self._leave_queue()
        ev.varset(caller, "QUEUESTATUS", "TIMEOUT")
        if legs:
            self.call.settle_devices([leg.pair for leg in legs], [leg.agent for leg in legs])
        self.resume("TIMEOUT")

    def _cancel_timers(self):
        for timer in self._timers:
            timer.cancel()
        self._timers.clear()
        if self._retry_timer is not None:
            self._retry_timer.cancel()
            self._retry_timer = None

    # --- AMI actions --------------------------------------------------------------------

    def hangup_channel(self, channel):
        if self.connected is not None and channel in self.connected.pair.channels:
            if self.state == "bridged":
                self.connected.stop()
                self.connected.run(self.connected.script.hangup_priority, "Hangup")
                self.leg_phone_hangup(self.connected)
                return True
        for leg in list(self.ringing):
            if channel in leg.pair.channels:
                self._ring_timeout(leg)
                return True
        return False

    def blind_transfer(self, channel, context, exten):
        """BlindTransfer of the member's leg: the caller leaves for context,exten."""
        if self.state != "bridged" or channel is not self.connected.one:
            return False
        ev, caller, leg, bridge = self.ev, self.caller, self.connected, self.bridge
        self.state = "transferred"
        ev.unhold(leg.one)
        ev.varset(caller, "BLINDTRANSFER", leg.one.name)
        ev.varset(leg.one, "BLINDTRANSFER", caller.name)
        ev.cel(leg.one, "BLINDTRANSFER", extra=json.dumps({
            "extension": exten, "context": context, "bridge_id": bridge.uniqueid,
            "transferee_channel_name": caller.name,
            "transferee_channel_uniqueid": caller.uniqueid,
        }, separators=(",", ":")))
        ev.varset(caller, "BRIDGEPEER", "")
        ev.varset(leg.one, "BRIDGEPEER", "")
        ev.blind_transfer(leg.one, caller, bridge, context, exten)
        self.call.dialplan.stop()
        self.call.follow_transfer_with(self._transferred_away)
        caller.context, caller.exten = context, exten
        ev.cel_bridge(caller, "BRIDGE_EXIT", bridge, peer=leg.one.name)
        self.call.continue_at(context, exten)
        return True

    def _transferred_away(self):
        """The transferee runs its new extension; the member's leg goes away."""
        self._member_leaves("transfer", self._after_transfer_close)

    def _after_transfer_close(self):
        ev, caller = self.ev, self.caller
        now = self.pbx.now()
        ev.varset(caller, "DIALEDTIME", int(now - caller.created))
        ev.varset(caller, "DIALEDTIME_MS", int((now - caller.created) * 1000))
        ev.varset(caller, "ANSWEREDTIME", 0)
        ev.varset(caller, "ANSWEREDTIME_MS", 0)

    def _member_leaves(self, reason, after_close=None):
        """The caller leaves the member's bridge (transfer or redirect); the leg hangs up."""
        ev, caller, leg, bridge, call = self.ev, self.caller, self.connected, self.bridge, self.call
        self.agent_complete(reason)
        bridge.channels.remove(caller)
        caller.bridge = None
        ev.bridge_leave(bridge, caller)
        leg.hang_up_from_bridge(bridge)
        ev.bridge_destroy(bridge)
        call.drop_leg(leg)
        self.close_attempt(leg, "ANSWERED")
        if after_close:
            after_close()
        call.settle_devices([leg.pair], [leg.agent])

    def redirect(self, channel, context, exten):
        """Redirect of the caller out of the queue (waiting or bridged)."""
        if channel is not self.caller or self.state not in ("waiting", "bridged"):
            return False
        ev, caller, call = self.ev, self.caller, self.call
        ev.soft_hangup_request(caller, 0)
        if self.state == "waiting":
            self.state = "done"
            self._cancel_timers()
            legs = self._cancel_ringing(twice=True)
            ev.music_on_hold_stop(caller)
            ev.cel(caller, "STREAM_END")
            self._leave_queue()
            if legs:
                call.settle_devices([leg.pair for leg in legs], [leg.agent for leg in legs])
            call.dialplan.stop()
            call.continue_at(context, exten)
            return True
        self.state = "transferred"
        ev.cel_bridge(caller, "BRIDGE_EXIT", self.bridge, peer=self.connected.one.name)
        ev.varset(caller, "BRIDGEPEER", "")
        ev.varset(self.connected.one, "BRIDGEPEER", "")
        call.dialplan.stop()
        call.follow_transfer_with(self._redirected_away)
        caller.context, caller.exten = context, exten
        call.continue_at(context, exten)
        return True

    def _redirected_away(self):
        self._member_leaves("caller")

    def attended_transfer(self, channel, context, exten):
        if self.state != "bridged" or channel is not self.connected.one:
            return False
        self.transfer = AttendedTransfer(self, context, exten)
        self.transfer.start()
        return True

    def _held_leg(self):
        return self.connected


def _priority(value):
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        return 0
