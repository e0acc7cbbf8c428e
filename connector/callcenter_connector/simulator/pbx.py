"""The simulated PBX: channels, devices, queues and the clock they share.

`Pbx` is the in-memory model behind both the pure scenarios and the live
server. It owns the virtual clock, the identifier counters and the event
writer, creates Local channel pairs the way chan_local names them, and keeps
device and queue-member states so that DeviceStateChange, QueueMemberStatus
and the queue availability devices change exactly when Asterisk's do.
Call flows (dialplan, Queue, Dial, transfers) live in their own modules and
drive this model.
"""

import logging
import random
from dataclasses import dataclass

from .channels import DOWN, RING, Bridge, Channel, LocalPair
from .clock import IdFactory, Scheduler
from .customers import Customers
from .events import EventWriter
from .model import Agent, Queue, QueueMember

_logger = logging.getLogger(__name__)

DEFAULT_MONITOR_DIR = "/var/spool/asterisk/monitor"
REFERENCE_LINES = {"support": "4001", "sales": "4002"}
EXTRA_LINE_PREFIX = "45"
DEFAULT_FASTAGI = ("127.0.0.1", 4573)
PBX_VERSION = "22.10.1"


@dataclass(frozen=True)
class IvrLine:
    """An IVR route of the PBX: the DID and what the dialplan falls back to."""

    did: str
    fallback_queue: str
    timeout: int = 300


@dataclass
class CdrRecord:
    """One CDR of a channel; a dialing channel gets one per party it dialed."""

    channel: str
    uniqueid: str
    source: str
    destination: str
    destination_context: str
    caller_id: str
    start: float
    destination_channel: str = ""
    last_application: str = ""
    last_data: str = ""
    answer: float | None = None
    end: float = 0.0
    disposition: str = "NO ANSWER"


class Pbx:
    """Shared state of one simulated Asterisk.

    `sink(message)` receives every event in order. `start` is the virtual
    epoch of the first event; `seed` makes bridge ids and AGI command ids
    reproducible.
    """

    def __init__(self, start, sink, *, first_unique=1, first_local=1, seed=0,
                 boot_time=None, monitor_dir=DEFAULT_MONITOR_DIR, fastagi=DEFAULT_FASTAGI,
                 agent_complete_race=0.0):
        self.clock = Scheduler(start)
        self.ids = IdFactory(first_unique, first_local, seed)
        self.random = random.Random(seed)
        self.events = EventWriter(self.now, sink)
        self.boot_time = int(start) if boot_time is None else int(boot_time)
        self.monitor_dir = monitor_dir.rstrip("/")
        self.fastagi = fastagi
        self.agent_complete_race = agent_complete_race
        self.agi_connector = None
        self.customers = Customers()
        self.agents = {}
        self.queues = {}
        self.queue_lines = {}
        self.ivr_lines = {}
        self.channels = {}
        self.calls = set()
        self._device_users = {}
        self._reported_status = {}
        self._reported_available = {}
        self._member_available = {}
        self.observers = []

    # --- time -------------------------------------------------------------

    def now(self):
        return self.clock.now

    def later(self, delay, callback, *args):
        return self.clock.call_later(delay, callback, *args)

    # --- configuration ----------------------------------------------------

    def add_agent(self, extension, name, ring_seconds=1.0, talk_seconds=4.0):
        agent = Agent(str(extension), name, ring_seconds, talk_seconds)
        self.agents[agent.extension] = agent
        return agent

    def add_queue(self, name, strategy="ringall", members=(), timeout=15.0, retry=2.0,
                  autopause=False):
        """`members` are extensions (or interfaces) of agents, as static members."""
        queue = Queue(name, strategy, float(timeout), float(retry), autopause)
        self.queues[name] = queue
        for member in members:
            agent = self.agent_by_interface(member) or self.agents.get(str(member))
            if agent is None:
                raise ValueError(f"queue {name}: unknown agent {member}")
            member = QueueMember(agent.interface, agent.name, agent, "static",
                                 login_time=self.boot_time)
            queue.members.append(member)
            self._member_available[(name, member.interface)] = member.available
        self._reported_available[name] = queue.any_available
        return queue

    def line_for_queue(self, name):
        """The DID that leads to queue `name`: 4001/4002 for the reference
        queues, otherwise a `45NN` line added to `[inbound]` for it."""
        if name in REFERENCE_LINES:
            return REFERENCE_LINES[name]
        for did, queue in self.queue_lines.items():
            if queue == name:
                return did
        did = f"{EXTRA_LINE_PREFIX}{len(self.queue_lines) + 1:02d}"
        self.queue_lines[did] = name
        return did

    def add_ivr_line(self, did, fallback_queue, timeout=300):
        """A DID whose `[callcenter-inbound]` extension goes to the generated
        `[callcenter-ivr]` dialplan (connector/IVR.md), with its safe queue."""
        line = IvrLine(str(did), fallback_queue, int(timeout))
        self.ivr_lines[line.did] = line
        return line

    def agent_by_interface(self, interface):
        """`Local/1001@agents/n` or `Local/1001@agents` -> the agent 1001."""
        text = str(interface)
        if text.startswith("Local/") and "@agents" in text:
            return self.agents.get(text[len("Local/"):].split("@", 1)[0])
        return None

    def memberships(self, interface):
        for queue in self.queues.values():
            member = queue.member(interface)
            if member is not None:
                yield queue, member

    # --- channels ---------------------------------------------------------

    def local_pair(self, exten, context, *, linkedid=None, uniqueids=(None, None)):
        """A new `Local/<exten>@<context>-<n>;1/;2` pair; `;1` is Down, `;2` rings.

        Uniqueids come from the shared counter unless the Originate gave
        ChannelId/OtherChannelId; the Linkedid is inherited from the call or,
        for a new call, is the Uniqueid of `;1`.
        """
        now = self.now()
        base = f"Local/{exten}@{context}-{self.ids.local_suffix()}"
        one_id = uniqueids[0] or self.ids.uniqueid(now)
        two_id = uniqueids[1] or self.ids.uniqueid(now)
        linked = linkedid or one_id
        one = Channel(base + ";1", one_id, linked, context, exten, now, state=DOWN)
        two = Channel(base + ";2", two_id, linked, context, exten, now, state=RING,
                      runs_dialplan=True)
        for channel in (one, two):
            self.channels[channel.name] = channel
        device = one.device
        self._device_users[device] = self._device_users.get(device, 0) + 1
        agent = self.agent_by_interface(device)
        if agent is not None:
            agent.active_channels += 1
        return LocalPair(one, two)

    def release_pair(self, pair):
        """Forgets a pair whose two halves have hung up."""
        for channel in pair.channels:
            self.channels.pop(channel.name, None)
        device = pair.one.device
        self._device_users[device] = max(0, self._device_users.get(device, 0) - 1)
        agent = self.agent_by_interface(device)
        if agent is not None:
            agent.active_channels = max(0, agent.active_channels - 1)

    def new_bridge(self):
        return Bridge(self.ids.bridge_id())

    def device_state(self, device):
        return "INUSE" if self._device_users.get(device, 0) else "NOT_INUSE"

    def emit_device_state(self, device, times=1):
        for _ in range(times):
            self.events.device_state(device, self.device_state(device))

    # --- queue members ----------------------------------------------------

    def report_member_status(self, agent):
        """QueueMemberStatus for each queue of `agent` whose status changed, then
        the `Queue:<name>_avail` device where the queue's availability flipped."""
        for queue, member in self.memberships(agent.interface):
            key = (queue.name, member.interface)
            if self._reported_status.get(key) != member.status:
                self._reported_status[key] = member.status
                self.events.queue_member("QueueMemberStatus", queue.name, member)
            self.member_changed(queue, member)

    def member_changed(self, queue, member):
        """After a member's pause, presence or phone changed: the availability
        device of the queue, and waiting callers if the member just became free."""
        available = queue.any_available
        if self._reported_available.get(queue.name) != available:
            self._reported_available[queue.name] = available
            self.events.device_state(
                f"Queue:{queue.name}_avail", "NOT_INUSE" if available else "INUSE"
            )
        key = (queue.name, member.interface)
        if self._member_available.get(key) != member.available:
            self._member_available[key] = member.available
            if member.available:
                for waiting in list(queue.callers):
                    waiting.member_available()

    def forget_member(self, queue, member):
        self._reported_status.pop((queue.name, member.interface), None)
        self._member_available.pop((queue.name, member.interface), None)

    def remember_member(self, queue, member):
        self._reported_status[(queue.name, member.interface)] = member.status

    # --- calls ------------------------------------------------------------

    def loses_agent_complete_race(self):
        """Whether the next call's AgentComplete comes after the caller's Hangup,
        without channel fields (about one call in eight on the reference PBX)."""
        race = self.agent_complete_race
        return race >= 1.0 or (race > 0.0 and self.random.random() < race)

    def notify(self, what, call):
        """Tells observers (traffic model, server) `call_started`, `call_connected`
        or `call_ended`; an observer may implement any of them."""
        for observer in list(self.observers):
            handler = getattr(observer, what, None)
            if handler is not None:
                handler(call)

    def call_started(self, call):
        self.calls.add(call)
        _logger.debug("call %s started", call.linkedid)
        self.notify("call_started", call)

    def call_ended(self, call):
        self.calls.discard(call)
        _logger.debug("call %s ended: %s", call.linkedid, call.outcome)
        self.notify("call_ended", call)

    def find_call(self, channel_name):
        channel = self.channels.get(channel_name)
        if channel is None:
            return None, None
        for call in self.calls:
            if call.owns(channel):
                return call, channel
        return None, channel
