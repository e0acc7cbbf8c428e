"""The call state machine: AMI events in, call facts out.

Calls are keyed by Asterisk's Linkedid, which every channel of a call shares
(Local `;1`/`;2` halves, queue member legs, transfer targets), so a call never
splits into duplicates. The tracker holds no I/O: it is given each event and,
on `tick(now)`, the time, and returns facts for Odoo:

- `call`: the full current snapshot of one call (upserted by linkedid in Odoo);
- `ring`: an agent's device rings for a call (the screen pop);
- `agent`: an agent's state changes (ringing, on call, wrap-up, available, paused…);
- `member`: queue membership seen on the PBX (added, removed, paused…);
- `queue`: callers waiting in a queue;
- `recording`: a MixMonitor file belongs to a call.

A call whose channels are all gone is kept for `CLOSE_GRACE_SECONDS` of PBX
time before its final state is decided, because Asterisk reports
`QueueCallerAbandon` and sometimes `AgentComplete` after the last Hangup.
"""

from dataclasses import dataclass, field

from .channels import device_key, is_unknown, local_half

CLOSE_GRACE_SECONDS = 2.0
DEFAULT_WRAPUP_SECONDS = 15
INBOUND_CONTEXTS = frozenset({"inbound", "from-trunk", "from-pstn", "from-external", "from-did"})
OUTBOUND_CONTEXTS = frozenset({"outbound", "from-internal-outbound", "outbound-allroutes"})
AGENT_CONTEXTS = frozenset({"agents", "internal", "from-internal", "default"})
HANGUP_REQUESTS = frozenset({"hanguprequest", "softhanguprequest"})
ANSWERED, NOANSWER = "ANSWER", {"NOANSWER", "CANCEL", "BUSY", "CONGESTION", "CHANUNAVAIL"}
LEG_RESULTS = {"NOANSWER": "no_answer", "CANCEL": "cancelled", "BUSY": "busy",
               "CONGESTION": "failed", "CHANUNAVAIL": "failed"}


def event_time(event, default=0.0):
    try:
        return float(event.get("timestamp"))
    except (TypeError, ValueError):
        return default


@dataclass
class Leg:
    uniqueid: str
    channel: str
    agent: str = ""
    queue: str = ""
    destination: str = ""
    result: str = "ringing"
    transfer_kind: str = ""
    started_at: float = 0.0
    answered_at: float | None = None
    ended_at: float | None = None
    hold_seconds: float = 0.0

    def snapshot(self):
        return {
            "uniqueid": self.uniqueid, "channel": self.channel, "agent": self.agent,
            "queue": self.queue, "destination": self.destination, "result": self.result,
            "transfer_kind": self.transfer_kind, "started_at": self.started_at,
            "answered_at": self.answered_at, "ended_at": self.ended_at,
            "hold_seconds": int(round(self.hold_seconds)),
        }


@dataclass
class Call:
    linkedid: str
    started_at: float
    direction: str = "inbound"
    caller: str = ""
    caller_name: str = ""
    callee: str = ""
    queue: str = ""
    state: str = "ringing"
    queue_entered_at: float | None = None
    ring_started_at: float | None = None
    answered_at: float | None = None
    talk_ended_at: float | None = None
    ended_at: float | None = None
    agent: str = ""
    hangup_cause: int = 0
    hangup_cause_text: str = ""
    hangup_by: str = ""
    hold_seconds: float = 0.0
    transferred: bool = False
    recording_file: str = ""
    reconciled: bool = False
    originated: bool = False
    abandoned: bool = False
    timed_out: bool = False
    dial_status: str = ""
    failed: bool = False
    snapshot_answer: bool = False
    legs: dict = field(default_factory=dict)
    channels: set = field(default_factory=set)
    bridged_agents: set = field(default_factory=set)
    hold_started: dict = field(default_factory=dict)
    last_bridge_at: float | None = None
    first_hangup_after_bridge: str = ""
    closing_since: float | None = None
    last_event_at: float = 0.0

    @property
    def final(self):
        return self.closing_since is not None

    def final_state(self):
        if self.failed and not self.answered_at:
            return "failed"
        if self.answered_at:
            return "completed"
        if self.abandoned and not self.timed_out:
            return "abandoned"
        return "missed"

    def snapshot(self, final=False):
        answered = self.answered_at
        ended = self.talk_ended_at if answered and self.talk_ended_at else self.ended_at
        return {
            "linkedid": self.linkedid,
            "uniqueid": self.linkedid,
            "direction": self.direction,
            "caller": self.caller,
            "caller_name": self.caller_name,
            "callee": self.callee,
            "queue": self.queue,
            "state": self.final_state() if final else self.state,
            "started_at": self.started_at,
            "queue_entered_at": self.queue_entered_at,
            "ring_started_at": self.ring_started_at,
            "answered_at": answered,
            "ended_at": ended if final or self.ended_at else None,
            "agent": self.agent,
            "hangup_cause": self.hangup_cause,
            "hangup_cause_text": self.hangup_cause_text,
            "hangup_by": self._hangup_by() if final else self.hangup_by,
            "hold_seconds": int(round(self.hold_seconds)),
            "transferred": self.transferred,
            "recording_file": self.recording_file,
            "reconciled": self.reconciled,
            "legs": [leg.snapshot() for leg in self.legs.values()],
        }

    def _hangup_by(self):
        if self.hangup_by:
            return self.hangup_by
        if not self.answered_at:
            return "customer" if self.abandoned and not self.timed_out else "system"
        return self.first_hangup_after_bridge or "customer"


@dataclass
class ChannelInfo:
    uniqueid: str
    linkedid: str
    name: str
    device: str
    context: str
    exten: str
    is_agent: bool


@dataclass
class AgentPresence:
    """What the PBX says about one agent device: queue memberships and calls."""

    queues: dict = field(default_factory=dict)
    call_state: str = ""
    call_linkedid: str = ""
    wrapup_until: float | None = None
    reported: tuple = ("", "")

    def base_state(self):
        if not self.queues:
            return "logged_out", ""
        paused = [reason for reason in self.queues.values() if reason is not None]
        if len(paused) == len(self.queues):
            return "paused", paused[0]
        return "available", ""


class CallTracker:
    """Correlates AMI events into calls and agent states for one PBX."""

    def __init__(self, agent_devices=(), wrapup_seconds=None, inbound_contexts=INBOUND_CONTEXTS,
                 outbound_contexts=OUTBOUND_CONTEXTS):
        self.agent_devices = {device_key(d) for d in agent_devices}
        self.wrapup_seconds = dict(wrapup_seconds or {})
        self.inbound_contexts = frozenset(inbound_contexts)
        self.outbound_contexts = frozenset(outbound_contexts)
        self.calls = {}
        self.channels = {}
        self.agents = {}
        self.waiting = {}
        self.connected = {}
        self.originated = set()
        self.now = 0.0
        self._facts = []
        self._snapshot = None

    # ------------------------------------------------------------------ config

    def configure(self, agents):
        """Agents known to Odoo: {device key: {"wrapup_seconds": n}}."""
        for device, info in agents.items():
            key = device_key(device)
            self.agent_devices.add(key)
            self.wrapup_seconds[key] = int(info.get("wrapup_seconds", DEFAULT_WRAPUP_SECONDS))

    def expect_originate(self, channel_id):
        """Click-to-dial: a call with this ChannelId (its future Linkedid) was placed by us."""
        self.originated.add(channel_id)

    # ------------------------------------------------------------------ input

    def handle(self, event):
        """One AMI message (lower-cased keys); returns the facts it produced."""
        name = event.get("event")
        if not name:
            return []
        self.now = max(self.now, event_time(event, self.now))
        handler = getattr(self, "_on_" + name.lower(), None)
        if handler is None:
            return []
        handler(event)
        return self._drain()

    def tick(self, now):
        """Advance PBX time: closes ended calls and wrap-ups that are due."""
        self.now = max(self.now, now)
        for call in [c for c in self.calls.values() if c.final]:
            if self.now - call.closing_since >= CLOSE_GRACE_SECONDS:
                self._finalize(call)
        for device, presence in self.agents.items():
            if presence.wrapup_until is not None and self.now >= presence.wrapup_until:
                presence.wrapup_until = None
                presence.call_state = ""
                self._report_agent(device)
        return self._drain()

    def flush(self):
        """Close everything that ended (end of a transcript, shutdown)."""
        return self.tick(self.now + CLOSE_GRACE_SECONDS + max(self.wrapup_seconds.values(), default=0)
                         + DEFAULT_WRAPUP_SECONDS)

    def originate_failed(self, linkedid, reason, now):
        """The PBX refused or could not complete our Originate for this call."""
        call = self.calls.get(linkedid) or self._new_call(linkedid, now)
        call.failed = True
        call.originated = True
        call.direction = "outbound"
        call.hangup_cause_text = reason
        call.hangup_by = "system"
        call.ended_at = call.ended_at or now
        call.closing_since = call.closing_since or now
        self._emit_call(call)
        return self._drain()

    def in_flight(self):
        return len(self.calls)

    # ------------------------------------------------------------------ reconnect

    def begin_snapshot(self, now=None):
        """After a reconnect: CoreShowChannel/QueueEntry/QueueMember lists follow."""
        if now is not None:
            self.now = max(self.now, now)
        self._snapshot = {"linkedids": set(), "members": {}, "entries": {}}

    def abort_snapshot(self):
        """The snapshot could not be read completely: keep every call as it is."""
        self._snapshot = None

    def end_snapshot(self, now):
        """Calls not seen in the snapshot ended while we were away: close them as reconciled."""
        seen = self._snapshot["linkedids"] if self._snapshot else set()
        members = self._snapshot["members"] if self._snapshot else {}
        self._snapshot = None
        self.now = max(self.now, now)
        for call in list(self.calls.values()):
            if call.linkedid not in seen and not call.final:
                call.reconciled = True
                call.channels.clear()
                call.ended_at = call.ended_at or now
                if call.answered_at and not call.talk_ended_at:
                    call.talk_ended_at = now
                call.closing_since = now
                self._finalize(call)
        for uniqueid in [u for u, info in self.channels.items() if info.linkedid not in self.calls]:
            del self.channels[uniqueid]
        for queue in list(self.waiting):
            self.waiting[queue] = {lid: t for lid, t in self.waiting[queue].items() if lid in seen}
            self._emit_queue(queue)
        for device, queues in members.items():
            presence = self._presence(device)
            presence.queues = queues
            self._report_agent(device)
        for device, presence in self.agents.items():
            if device not in members and presence.queues:
                presence.queues = {}
                self._report_agent(device)
        return self._drain()

    def _on_coreshowchannel(self, event):
        linkedid = event.get("linkedid") or event.get("uniqueid")
        uniqueid = event.get("uniqueid")
        if not linkedid or not uniqueid:
            return
        if self._snapshot is not None:
            self._snapshot["linkedids"].add(linkedid)
        duration = _seconds(event.get("duration"))
        started = self.now - duration
        call = self.calls.get(linkedid)
        if call is None:
            call = self._new_call(linkedid, started)
            call.reconciled = True
        call.started_at = min(call.started_at, started)
        info = self._register_channel(event, linkedid)
        call.channels.add(uniqueid)
        if uniqueid == linkedid and not call.caller:
            self._classify(call, info, event)
        if info.is_agent and event.get("bridgeid"):
            call.agent = call.agent or info.device
            if not call.answered_at:
                call.answered_at = started
                call.snapshot_answer = True
            call.state = "answered"
            call.bridged_agents.add(uniqueid)
            presence = self._presence(info.device)
            presence.call_state, presence.call_linkedid = "on_call", linkedid
        application = (event.get("application") or "").lower()
        if application == "queue" and not call.queue:
            call.queue = (event.get("applicationdata") or "").split(",")[0]
        self._emit_call(call)

    def _on_queueentry(self, event):
        info = self.channels.get(event.get("uniqueid"))
        queue = event.get("queue")
        linkedid = event.get("linkedid") or (info.linkedid if info else event.get("uniqueid"))
        if not queue or not linkedid:
            return
        if self._snapshot is not None:
            self._snapshot["linkedids"].add(linkedid)
        wait = _seconds(event.get("wait"))
        call = self.calls.get(linkedid) or self._new_call(linkedid, self.now - wait)
        call.queue = queue
        call.queue_entered_at = call.queue_entered_at or self.now - wait
        if not call.answered_at:
            call.state = "queued"
        self._learn_caller(call, event)
        self.waiting.setdefault(queue, {})[linkedid] = call.queue_entered_at
        self._emit_call(call)
        self._emit_queue(queue)

    def _on_queuemember(self, event):
        device = device_key(event.get("stateinterface") or event.get("interface") or event.get("location"))
        queue = event.get("queue")
        if not device or not queue:
            return
        paused = event.get("paused") == "1"
        reason = (event.get("pausedreason") or "") if paused else None
        if self._snapshot is not None:
            self._snapshot["members"].setdefault(device, {})[queue] = reason
        else:
            presence = self._presence(device)
            presence.queues[queue] = reason
            self._report_agent(device)
        self.agent_devices.add(device)

    # ------------------------------------------------------------------ channels

    def _on_newchannel(self, event):
        linkedid = event.get("linkedid") or event.get("uniqueid")
        uniqueid = event.get("uniqueid")
        if not linkedid or not uniqueid:
            return
        call = self.calls.get(linkedid)
        if call is None:
            call = self._new_call(linkedid, event_time(event, self.now))
        info = self._register_channel(event, linkedid)
        call.channels.add(uniqueid)
        if uniqueid == linkedid:
            self._classify(call, info, event)
        self._emit_call(call)

    def _classify(self, call, info, event):
        """Direction and dialed number from the call's first channel."""
        context = event.get("context", "")
        if call.linkedid in self.originated:
            call.originated = True
            call.direction = "outbound"
        elif info.is_agent or (context in AGENT_CONTEXTS and context not in self.inbound_contexts):
            call.direction = "internal"
        else:
            call.direction = "inbound"
            call.callee = event.get("exten") or event.get("extension") or call.callee
        self._learn_caller(call, event)

    def _on_newcallerid(self, event):
        info = self.channels.get(event.get("uniqueid"))
        call = self.calls.get(info.linkedid) if info else None
        if call and info.uniqueid == call.linkedid:
            self._learn_caller(call, event)
            self._emit_call(call)

    def _on_newexten(self, event):
        info = self.channels.get(event.get("uniqueid"))
        call = self.calls.get(info.linkedid) if info else None
        if not call:
            return
        context = event.get("context", "")
        if context in self.outbound_contexts and call.direction != "inbound":
            if call.direction != "outbound" or not call.callee:
                call.direction = "outbound"
                call.callee = event.get("exten", "") or call.callee
                self._emit_call(call)
        if (event.get("application") or "").lower() == "mixmonitor" and not call.recording_file:
            data = (event.get("appdata") or "").split(",")[0]
            if data:
                call.recording_file = data
                self._emit_call(call)

    def _on_varset(self, event):
        info = self.channels.get(event.get("uniqueid"))
        call = self.calls.get(info.linkedid) if info else None
        if not call:
            return
        variable, value = (event.get("variable") or "").upper(), event.get("value") or ""
        if variable == "MIXMONITOR_FILENAME" and value:
            call.recording_file = value
            self._emit_call(call)
        elif variable == "QUEUESTATUS" and value == "TIMEOUT":
            call.timed_out = True
        elif variable == "DIALSTATUS" and value:
            call.dial_status = value

    def _on_hold(self, event):
        info = self.channels.get(event.get("uniqueid"))
        call = self.calls.get(info.linkedid) if info else None
        if call and call.answered_at and info.uniqueid not in call.hold_started:
            call.hold_started[info.uniqueid] = event_time(event, self.now)

    def _on_unhold(self, event):
        info = self.channels.get(event.get("uniqueid"))
        call = self.calls.get(info.linkedid) if info else None
        if call:
            self._end_hold(call, info.uniqueid, event_time(event, self.now))
            self._emit_call(call)

    def _end_hold(self, call, uniqueid, at):
        started = call.hold_started.pop(uniqueid, None)
        if started is not None and at > started:
            call.hold_seconds += at - started
            for leg in call.legs.values():
                if leg.uniqueid == uniqueid or (leg.answered_at and leg.ended_at is None):
                    leg.hold_seconds += at - started
                    break

    def _on_bridgeenter(self, event):
        info = self.channels.get(event.get("uniqueid"))
        call = self.calls.get(info.linkedid) if info else None
        if not call:
            return
        call.last_bridge_at = event_time(event, self.now)
        call.first_hangup_after_bridge = ""
        if info.is_agent and local_half(info.name) != 2:
            call.bridged_agents.add(info.uniqueid)
            call.talk_ended_at = None

    def _on_bridgeleave(self, event):
        info = self.channels.get(event.get("uniqueid"))
        call = self.calls.get(info.linkedid) if info else None
        if not call or info.uniqueid not in call.bridged_agents:
            return
        call.bridged_agents.discard(info.uniqueid)
        at = event_time(event, self.now)
        self._end_hold(call, info.uniqueid, at)
        if not call.bridged_agents and call.answered_at:
            call.talk_ended_at = at
            self._emit_call(call)

    def _on_hanguprequest(self, event):
        info = self.channels.get(event.get("uniqueid"))
        call = self.calls.get(info.linkedid) if info else None
        if call and call.last_bridge_at is not None and not call.first_hangup_after_bridge:
            call.first_hangup_after_bridge = "agent" if info.is_agent else "customer"

    _on_softhanguprequest = _on_hanguprequest

    def _on_hangup(self, event):
        uniqueid = event.get("uniqueid")
        info = self.channels.pop(uniqueid, None)
        call = self.calls.get(info.linkedid) if info else None
        if not call:
            return
        at = event_time(event, self.now)
        call.channels.discard(uniqueid)
        if uniqueid == call.linkedid or (not call.hangup_cause and not info.is_agent):
            call.hangup_cause = _int(event.get("cause"))
            call.hangup_cause_text = event.get("cause-txt", "")
        if info.is_agent:
            self._agent_channel_gone(call, info, at)
        leg = call.legs.get(uniqueid)
        if leg and leg.ended_at is None:
            leg.ended_at = at
            if leg.result == "answered":
                leg.result = "completed"
        if not call.channels:
            call.ended_at = at
            if call.answered_at and call.talk_ended_at is None:
                call.talk_ended_at = at
            call.closing_since = at
            for queue, entries in self.waiting.items():
                if entries.pop(call.linkedid, None) is not None:
                    self._emit_queue(queue)
        self._emit_call(call)

    def _agent_channel_gone(self, call, info, at):
        if local_half(info.name) == 2:
            return
        self._end_hold(call, info.uniqueid, at)
        if info.uniqueid in call.bridged_agents:
            call.bridged_agents.discard(info.uniqueid)
            if not call.bridged_agents and call.answered_at:
                call.talk_ended_at = at
        presence = self.agents.get(info.device)
        if presence and presence.call_linkedid == call.linkedid:
            if presence.call_state == "on_call":
                self._start_wrapup(info.device, at)
            elif presence.call_state == "ringing":
                presence.call_state = ""
                self._report_agent(info.device)

    # ------------------------------------------------------------------ dialing

    def _on_dialbegin(self, event):
        dest = self.channels.get(event.get("destuniqueid"))
        call = self.calls.get(dest.linkedid) if dest else None
        if not call:
            return
        at = event_time(event, self.now)
        if dest.is_agent:
            if local_half(dest.name) == 2:
                return
            leg = self._leg(call, dest, at)
            leg.destination = dest.device
            if call.direction == "internal" and not call.callee:
                call.callee = event.get("exten") or dest.exten
            if not call.queue or not call.ring_started_at:
                call.ring_started_at = call.ring_started_at or at
            self._agent_ringing(call, dest.device, at)
        elif call.direction in ("outbound", "internal") and event.get("uniqueid"):
            call.ring_started_at = at
            if not call.callee:
                call.callee = event.get("exten") or dest.exten
            leg = self._leg(call, dest, at)
            leg.destination = call.callee
        self._emit_call(call)

    def _on_dialend(self, event):
        dest = self.channels.get(event.get("destuniqueid"))
        call = self.calls.get(dest.linkedid) if dest else None
        if not call or local_half(dest.name) == 2:
            return
        status = (event.get("dialstatus") or "").upper()
        at = event_time(event, self.now)
        leg = call.legs.get(dest.uniqueid)
        if status == ANSWERED:
            if leg:
                leg.answered_at = leg.answered_at or at
                leg.result = "answered"
            if dest.is_agent:
                # The Originate's own dial to the agent has no caller channel: the agent
                # picked up to place a call, the customer is not reached yet.
                self._agent_on_call(call, dest.device, at, answered=bool(event.get("uniqueid")))
            elif event.get("uniqueid"):
                self._answer(call, at)
        elif status in NOANSWER:
            if leg and leg.result == "ringing":
                leg.result = LEG_RESULTS.get(status, "no_answer")
                leg.ended_at = at
            if dest.is_agent:
                self._agent_ring_ended(dest.device, call.linkedid)
        self._emit_call(call)

    def _on_originateresponse(self, event):
        linkedid = event.get("uniqueid")
        if event.get("response") == "Failure" and linkedid in self.calls:
            call = self.calls[linkedid]
            if call.originated or call.direction != "inbound":
                call.failed = True
                call.hangup_by = "system"
                call.hangup_cause_text = call.hangup_cause_text or "Originate failed (reason %s)" % (
                    event.get("reason", "?"))
                self._emit_call(call)

    # ------------------------------------------------------------------ queues

    def _on_queuecallerjoin(self, event):
        call = self._call_of(event)
        if not call:
            return
        queue = event.get("queue", "")
        at = event_time(event, self.now)
        call.queue = queue
        call.queue_entered_at = call.queue_entered_at or at
        if not call.answered_at:
            call.state = "queued"
        self.waiting.setdefault(queue, {})[call.linkedid] = call.queue_entered_at
        self._emit_call(call)
        self._emit_queue(queue)

    def _on_queuecallerleave(self, event):
        queue = event.get("queue", "")
        linkedid = event.get("linkedid")
        if self.waiting.get(queue, {}).pop(linkedid, None) is not None:
            self._emit_queue(queue)

    def _on_queuecallerabandon(self, event):
        call = self._call_of(event)
        if call and not call.answered_at:
            call.abandoned = True
            self._emit_call(call)

    def _on_agentcalled(self, event):
        call = self._call_of(event)
        dest = self.channels.get(event.get("destuniqueid"))
        device = device_key(event.get("interface"))
        if not call or not device:
            return
        at = event_time(event, self.now)
        self.agent_devices.add(device)
        if dest:
            leg = self._leg(call, dest, at)
            leg.agent, leg.queue, leg.destination = device, event.get("queue", ""), device
        call.ring_started_at = at
        if not call.answered_at:
            call.state = "ringing"
        self._agent_ringing(call, device, at)
        self._emit_call(call)

    def _on_agentringnoanswer(self, event):
        call = self._call_of(event)
        device = device_key(event.get("interface"))
        if not call:
            return
        leg = call.legs.get(event.get("destuniqueid"))
        if leg and leg.result == "ringing":
            leg.result = "no_answer"
            leg.ended_at = event_time(event, self.now)
        if not call.answered_at:
            call.state = "queued"
        self._agent_ring_ended(device, call.linkedid)
        self._emit_call(call)

    def _on_agentconnect(self, event):
        call = self._call_of(event)
        device = device_key(event.get("interface"))
        if not call:
            return
        at = event_time(event, self.now)
        self.connected[(event.get("queue"), device)] = call.linkedid
        leg = call.legs.get(event.get("destuniqueid"))
        if leg:
            leg.answered_at = leg.answered_at or at
            leg.result = "answered"
        if call.queue_entered_at is None and event.get("holdtime"):
            call.queue_entered_at = at - _seconds(event.get("holdtime"))
        self._agent_on_call(call, device, at, answered=True)
        self._emit_call(call)

    def _on_agentcomplete(self, event):
        device = device_key(event.get("interface"))
        linkedid = event.get("linkedid") or self.connected.get((event.get("queue"), device))
        self.connected.pop((event.get("queue"), device), None)
        call = self.calls.get(linkedid)
        if not call:
            return
        at = event_time(event, self.now)
        talk, hold = _seconds(event.get("talktime")), _seconds(event.get("holdtime"))
        if not call.answered_at or call.snapshot_answer:
            # Seen only through a reconnect snapshot: the PBX's own figures are exact.
            call.answered_at = at - talk
            call.queue_entered_at = call.answered_at - hold
            call.snapshot_answer = False
            call.agent = call.agent or device
        if call.queue_entered_at is None:
            call.queue_entered_at = call.answered_at - hold
        reason = (event.get("reason") or "").lower()
        if reason == "transfer":
            call.transferred = True
            for leg in call.legs.values():
                if leg.agent == device and leg.result == "answered":
                    leg.result = "transferred"
                    leg.transfer_kind = leg.transfer_kind or "blind"
                    leg.ended_at = leg.ended_at or at
        elif reason in ("agent", "caller") and not call.hangup_by and not call.transferred:
            call.hangup_by = "agent" if reason == "agent" else "customer"
        presence = self.agents.get(device)
        if presence and presence.call_linkedid == call.linkedid and presence.call_state == "on_call":
            self._start_wrapup(device, at)
        self._emit_call(call)

    def _on_blindtransfer(self, event):
        self._transfer(event, "blind", event.get("transfererchannel"), event.get("extension"))

    def _on_attendedtransfer(self, event):
        self._transfer(event, "attended", event.get("origtransfererchannel"),
                       event.get("secondtransferertargetexten")
                       or event.get("transfertargetchannel") or "")

    def _transfer(self, event, kind, transferer, target):
        info = self._channel_by_name(transferer)
        call = self.calls.get(info.linkedid) if info else None
        if not call:
            return
        call.transferred = True
        for leg in call.legs.values():
            if leg.agent == info.device and leg.result == "answered":
                leg.result = "transferred"
                leg.transfer_kind = kind
                leg.destination = target or leg.destination
        self._emit_call(call)

    def _on_queuememberadded(self, event):
        self._member_event(event, "added")

    def _on_queuememberremoved(self, event):
        self._member_event(event, "removed")

    def _on_queuememberpause(self, event):
        self._member_event(event, "paused" if event.get("paused") == "1" else "unpaused")

    def _on_queuememberpenalty(self, event):
        self._member_event(event, "penalty")

    def _on_queuememberstatus(self, event):
        device = device_key(event.get("stateinterface") or event.get("interface"))
        queue = event.get("queue")
        if not device or not queue or self._snapshot is not None:
            return
        presence = self._presence(device)
        paused = event.get("paused") == "1"
        reason = (event.get("pausedreason") or "") if paused else None
        if presence.queues.get(queue, "absent") != reason:
            presence.queues[queue] = reason
            self._report_agent(device)

    def _member_event(self, event, change):
        device = device_key(event.get("stateinterface") or event.get("interface"))
        queue = event.get("queue")
        if not device or not queue:
            return
        self.agent_devices.add(device)
        presence = self._presence(device)
        reason = event.get("pausedreason") or event.get("reason") or ""
        if change == "removed":
            presence.queues.pop(queue, None)
        elif change == "paused":
            presence.queues[queue] = reason
        elif change in ("added", "unpaused"):
            presence.queues[queue] = reason if event.get("paused") == "1" and change == "added" else None
        self._facts.append({
            "type": "member", "queue": queue, "agent": device, "event": change,
            "reason": reason if change == "paused" else "",
            "paused": event.get("paused") == "1", "penalty": _int(event.get("penalty")),
            "at": event_time(event, self.now),
        })
        self._report_agent(device)

    # ------------------------------------------------------------------ helpers

    def _new_call(self, linkedid, at):
        call = Call(linkedid=linkedid, started_at=at, last_event_at=at)
        if linkedid in self.originated:
            call.originated = True
            call.direction = "outbound"
        self.calls[linkedid] = call
        return call

    def _register_channel(self, event, linkedid):
        name = event.get("channel", "")
        device = device_key(name)
        info = ChannelInfo(
            uniqueid=event.get("uniqueid"), linkedid=linkedid, name=name, device=device,
            context=event.get("context", ""), exten=event.get("exten", ""),
            is_agent=device in self.agent_devices,
        )
        if info.is_agent:
            self.agent_devices.add(device)
        self.channels[info.uniqueid] = info
        return info

    def _channel_by_name(self, name):
        for info in self.channels.values():
            if info.name == name:
                return info
        return None

    def _call_of(self, event):
        linkedid = event.get("linkedid")
        if not linkedid:
            info = self.channels.get(event.get("uniqueid"))
            linkedid = info.linkedid if info else None
        return self.calls.get(linkedid)

    def _learn_caller(self, call, event):
        number, name = event.get("calleridnum"), event.get("calleridname")
        if not is_unknown(number):
            call.caller = number
        if not is_unknown(name):
            call.caller_name = name

    def _leg(self, call, channel, at):
        leg = call.legs.get(channel.uniqueid)
        if leg is None:
            leg = Leg(uniqueid=channel.uniqueid, channel=channel.name, started_at=at,
                      agent=channel.device if channel.is_agent else "", queue=call.queue)
            call.legs[channel.uniqueid] = leg
        return leg

    def _answer(self, call, at):
        if not call.answered_at:
            call.answered_at = at
            call.state = "answered"

    def _presence(self, device):
        presence = self.agents.get(device)
        if presence is None:
            presence = self.agents[device] = AgentPresence()
        return presence

    def _agent_ringing(self, call, device, at):
        presence = self._presence(device)
        if presence.call_state in ("ringing", "on_call") and presence.call_linkedid == call.linkedid:
            return
        presence.call_state, presence.call_linkedid = "ringing", call.linkedid
        presence.wrapup_until = None
        if not call.originated:
            self._facts.append({"type": "ring", "agent": device, "linkedid": call.linkedid,
                                "caller": call.caller, "caller_name": call.caller_name,
                                "queue": call.queue, "at": at, "call": call.snapshot()})
        self._report_agent(device, at)

    def _agent_ring_ended(self, device, linkedid):
        presence = self.agents.get(device)
        if presence and presence.call_state == "ringing" and presence.call_linkedid == linkedid:
            presence.call_state = ""
            self._report_agent(device)

    def _agent_on_call(self, call, device, at, answered):
        if answered:
            self._answer(call, at)
            if not call.agent:
                call.agent = device
        elif not call.agent:
            call.agent = device
        presence = self._presence(device)
        presence.call_state, presence.call_linkedid = "on_call", call.linkedid
        presence.wrapup_until = None
        self._report_agent(device, at)

    def _start_wrapup(self, device, at):
        presence = self._presence(device)
        seconds = self.wrapup_seconds.get(device, DEFAULT_WRAPUP_SECONDS)
        if seconds <= 0:
            presence.call_state = ""
        else:
            presence.call_state = "wrapup"
            presence.wrapup_until = at + seconds
        self._report_agent(device, at)

    def _report_agent(self, device, at=None):
        presence = self._presence(device)
        if presence.call_state:
            state = (presence.call_state, "")
        else:
            state = presence.base_state()
        if state != presence.reported:
            presence.reported = state
            self._facts.append({"type": "agent", "agent": device, "state": state[0],
                                "reason": state[1], "at": at if at is not None else self.now,
                                "linkedid": presence.call_linkedid if presence.call_state else ""})

    def _emit_call(self, call):
        call.last_event_at = self.now
        self._facts.append({"type": "call", "linkedid": call.linkedid})

    def _emit_queue(self, queue):
        entries = self.waiting.get(queue, {})
        self._facts.append({"type": "queue", "queue": queue, "waiting": len(entries),
                            "longest_since": min(entries.values()) if entries else None,
                            "at": self.now})

    def _finalize(self, call):
        self._facts.append({"type": "call", "linkedid": call.linkedid, "final": True,
                            "call": call.snapshot(final=True)})
        if call.recording_file:
            self._facts.append({"type": "recording", "linkedid": call.linkedid,
                                "filename": call.recording_file})
        del self.calls[call.linkedid]
        self.originated.discard(call.linkedid)
        for key in [k for k, lid in self.connected.items() if lid == call.linkedid]:
            del self.connected[key]

    def _drain(self):
        """Facts since the last call, with one snapshot per touched call (the latest)."""
        if not self._facts:
            return []
        facts, self._facts = self._facts, []
        out, seen = [], set()
        for fact in reversed(facts):
            if fact["type"] == "call":
                linkedid = fact["linkedid"]
                if linkedid in seen:
                    continue
                seen.add(linkedid)
                if "call" not in fact:
                    call = self.calls.get(linkedid)
                    if call is None:
                        continue
                    fact = {"type": "call", "linkedid": linkedid, "call": call.snapshot()}
            out.append(fact)
        out.reverse()
        return out


def _seconds(value):
    try:
        return float(value)
    except (TypeError, ValueError):
        if isinstance(value, str) and ":" in value:
            parts = [float(p) for p in value.split(":")]
            total = 0.0
            for part in parts:
                total = total * 60 + part
            return total
        return 0.0


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0
