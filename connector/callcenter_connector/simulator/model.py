"""The PBX's static world: agents' phones, queues and their members.

Agents are `Local/<ext>@agents` devices whose behaviour (ring for some
seconds or never answer, then talk for some seconds) replaces the
`AGENT_<ext>_RING/TALK` globals of the reference dialplan. Queues carry the
settings of queues.conf and the counters that QueueStatus and QueueSummary
report.
"""

from dataclasses import dataclass, field

NOT_INUSE, INUSE = 1, 2
STRATEGIES = ("ringall", "rrmemory", "rrordered", "roundrobin", "leastrecent", "fewestcalls",
              "random", "linear")


@dataclass(eq=False)
class Agent:
    """A phone `Local/<extension>@agents`: rings `ring_seconds` (None: never
    answers), then talks `talk_seconds` (None: until the other side hangs up)."""

    extension: str
    name: str
    ring_seconds: float | None = 1.0
    talk_seconds: float | None = 4.0
    active_channels: int = 0

    @property
    def device(self):
        return f"Local/{self.extension}@agents"

    @property
    def interface(self):
        return f"Local/{self.extension}@agents/n"

    @property
    def busy(self):
        return self.active_channels > 0


@dataclass(eq=False)
class QueueMember:
    interface: str
    name: str
    agent: Agent | None
    membership: str = "static"
    penalty: int = 0
    paused: bool = False
    paused_reason: str = ""
    calls_taken: int = 0
    last_call: int = 0
    last_pause: int = 0
    login_time: int = 0
    in_call: bool = False
    wrapup_time: int = 0

    @property
    def status(self):
        if self.agent is None:
            return 5  # AST_DEVICE_UNAVAILABLE
        return INUSE if self.agent.busy else NOT_INUSE

    @property
    def available(self):
        return not self.paused and self.agent is not None and not self.agent.busy

    def event_fields(self, queue_name):
        """Body of QueueMemberStatus/Pause/Added/Removed/Penalty."""
        return self._fields(queue_name, "MemberName", "Interface", ringinuse=True)

    def list_fields(self, queue_name):
        """Body of the QueueMember list event of QueueStatus."""
        return self._fields(queue_name, "Name", "Location", ringinuse=False)

    def _fields(self, queue_name, name_key, location_key, ringinuse):
        """The member headers in Asterisk's order; only the naming of the first two and
        the Ringinuse header differ between unsolicited events and QueueStatus lists."""
        fields = {
            "Queue": queue_name,
            name_key: self.name,
            location_key: self.interface,
            "StateInterface": self.interface,
            "Membership": self.membership,
            "Penalty": str(self.penalty),
            "CallsTaken": str(self.calls_taken),
            "LastCall": str(self.last_call),
            "LastPause": str(self.last_pause),
            "LoginTime": str(self.login_time),
            "InCall": "1" if self.in_call else "0",
            "Status": str(self.status),
            "Paused": "1" if self.paused else "0",
            "PausedReason": self.paused_reason,
        }
        if ringinuse:
            fields["Ringinuse"] = "0"
        fields["Wrapuptime"] = str(self.wrapup_time)
        return fields


@dataclass(eq=False)
class Queue:
    """A queue as configured in queues.conf, with its live callers and counters."""

    name: str
    strategy: str = "ringall"
    timeout: float = 15.0
    retry: float = 2.0
    autopause: bool = False
    members: list = field(default_factory=list)
    callers: list = field(default_factory=list)
    completed: int = 0
    abandoned: int = 0
    hold_time: int = 0
    talk_time: int = 0
    rr_position: int = 0

    def member(self, interface):
        for member in self.members:
            if member.interface == interface:
                return member
        return None

    @property
    def any_available(self):
        return any(member.available for member in self.members)

    def record_connected(self, hold_time):
        """Asterisk keeps exponential averages, new = (old * 3 + sample) / 4; the
        hold time is sampled when a member answers (13 shows Holdtime 1 while
        Completed is still 0), the talk time when the call completes."""
        self.hold_time = (self.hold_time * 3 + hold_time) // 4

    def record_completed(self, talk_time):
        self.completed += 1
        self.talk_time = (self.talk_time * 3 + talk_time) // 4

    def params_fields(self):
        return {
            "Queue": self.name, "Max": "0", "Strategy": self.strategy,
            "Calls": str(len(self.callers)), "Holdtime": str(self.hold_time),
            "TalkTime": str(self.talk_time), "Completed": str(self.completed),
            "Abandoned": str(self.abandoned), "ServiceLevel": "0",
            "ServicelevelPerf": "0.0", "ServicelevelPerf2": "0.0", "Weight": "0",
        }
