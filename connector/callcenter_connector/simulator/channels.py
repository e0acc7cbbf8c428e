"""Channels and bridges as Asterisk snapshots them.

Every AMI event about a channel repeats the channel's current snapshot
(`Channel`, `ChannelState`, …, `Linkedid`), so the simulator keeps one mutable
`Channel` per channel and renders it with `snapshot()` at the moment an event
is emitted, exactly like Asterisk's stasis snapshots.
"""

from dataclasses import dataclass, field

UNKNOWN = "<unknown>"

DOWN, RING, RINGING, UP = 0, 4, 5, 6
STATE_DESC = {DOWN: "Down", RING: "Ring", RINGING: "Ringing", UP: "Up"}

SNAPSHOT_FIELDS = (
    "Channel", "ChannelState", "ChannelStateDesc", "CallerIDNum", "CallerIDName",
    "ConnectedLineNum", "ConnectedLineName", "Language", "AccountCode", "Context",
    "Exten", "Priority", "Uniqueid", "Linkedid",
)


@dataclass(eq=False)
class Channel:
    """One Asterisk channel (here always one half of a Local channel pair)."""

    name: str
    uniqueid: str
    linkedid: str
    context: str
    exten: str
    created: float
    state: int = DOWN
    priority: int = 1
    caller_num: str = UNKNOWN
    caller_name: str = UNKNOWN
    connected_num: str = UNKNOWN
    connected_name: str = UNKNOWN
    ani: str = ""
    application: str = ""
    app_data: str = ""
    answered_at: float | None = None
    bridge: "Bridge | None" = None
    runs_dialplan: bool = False
    hungup: bool = False
    dial_status: str = ""
    language: str = "en"
    show_app: tuple | None = None
    variables: dict = field(default_factory=dict)

    @property
    def device(self):
        """`Local/1001@agents-0000002a;1` -> `Local/1001@agents` (the device-state name)."""
        return self.name.rsplit("-", 1)[0]

    def snapshot(self, prefix=""):
        values = (
            self.name, self.state, STATE_DESC.get(self.state, "Unknown"),
            self.caller_num, self.caller_name, self.connected_num, self.connected_name,
            self.language, "", self.context, self.exten, self.priority, self.uniqueid, self.linkedid,
        )
        return {prefix + key: str(value) for key, value in zip(SNAPSHOT_FIELDS, values, strict=True)}

    def set_caller(self, number, name):
        self.caller_num, self.caller_name = number, name

    def set_connected(self, number, name):
        self.connected_num, self.connected_name = number, name

    def cel_caller(self, value):
        """CEL prints an unset caller id as an empty string, not `<unknown>`."""
        return "" if value == UNKNOWN else value


@dataclass(eq=False)
class Bridge:
    """A basic two-party bridge (`simple_bridge`)."""

    uniqueid: str
    channels: list = field(default_factory=list)
    technology: str = "simple_bridge"

    def snapshot(self, prefix="Bridge"):
        return {
            prefix + "Uniqueid": self.uniqueid,
            prefix + "Type": "basic",
            prefix + "Technology": self.technology,
            prefix + "Creator": UNKNOWN,
            prefix + "Name": UNKNOWN,
            prefix + "NumChannels": str(len(self.channels)),
            prefix + "VideoSourceMode": "none",
        }

    def peer_of(self, channel):
        for other in self.channels:
            if other is not channel:
                return other
        return None


@dataclass(eq=False)
class LocalPair:
    """The two halves of one Local channel: `;1` is dialed, `;2` runs the dialplan."""

    one: Channel
    two: Channel

    @property
    def channels(self):
        return (self.one, self.two)
