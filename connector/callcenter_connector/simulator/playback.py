"""A knowledge base clip played into a live call: the connector's `playback` command.

`Originate Channel: Local/s@cc-kb-playback/n, Application: ChanSpy,
Data: <customer channel>,qEw, Variable: CC_KB_SOUND=callcenter/kb-…` on the
reference PBX, whose dialplan is

    [cc-kb-playback]
    exten => s,1,Answer()
     same => n,Playback(${CC_KB_SOUND})
     same => n,Hangup()

`;2` answers (both halves go Up and the Originate succeeds, Reason 4), then
plays the clip; `;1` runs ChanSpy in whisper mode on the customer's channel,
so the customer hears what `;2` plays while staying bridged with the agent.
When the clip ends `;2` hangs up, `;1` follows and ChanSpy stops. A ChanSpy
whose channel does not exist (the customer hung up meanwhile) finds nothing
to spy on: no ChanSpyStart, the clip plays to nobody and the pair goes.
"""

from .dialplan import Call, Dialplan, answer_channel, playback, run_app
from .legs import ORIGINATE_ANSWERED

PLAYBACK_CONTEXT = "cc-kb-playback"
#: Length of a clip in the simulator (it has no sound files to measure).
CLIP_SECONDS = 3.0


class KbPlayback(Call):
    """One clip played into a call: a Local pair of its own (its own Linkedid)."""

    trail_on_second_half = True

    def __init__(self, pbx, *, channel, application, data, caller_num, caller_name,
                 variables=(), action_id=None, channel_id=None, other_channel_id=None,
                 optimization=False):
        super().__init__(pbx)
        self.channel = channel
        self.application = application
        self.data = data
        self.caller_num = caller_num
        self.caller_name = caller_name
        self.variables = tuple(variables)
        self.action_id = action_id
        self.uniqueids = (channel_id, other_channel_id)
        self.optimization = optimization
        self.pair = None
        self.spyee = None
        self.dialplan = None

    @property
    def target_fields(self):
        return {"Application": self.application, "Data": self.data}

    def start(self):
        self.pair = self.pbx.local_pair("s", PLAYBACK_CONTEXT, uniqueids=self.uniqueids)
        self.originate_local_pair(self.pair, self.caller_num, self.caller_name,
                                  f"s@{PLAYBACK_CONTEXT}", self.optimization, self.variables)
        self.dialplan = Dialplan(self.pbx, self._clip())
        self.dialplan.start()
        return self.linkedid

    def _clip(self):
        ev, now = self.ev, self.pbx.now()
        one, two = self.pair.one, self.pair.two
        run_app(two, ev, 1, "Answer")
        answer_channel(two, ev, now)
        answer_channel(one, ev, now)
        ev.dial_end(None, one, "ANSWER")
        ev.originate_response(self.action_id, True, self.channel, self.target_fields,
                              one.uniqueid, self.caller_num, self.caller_name,
                              ORIGINATE_ANSWERED)
        self._start_spy()
        sound = str(two.variables.get("CC_KB_SOUND", ""))
        run_app(two, ev, 2, "Playback", sound)
        yield from playback(two, ev, sound, CLIP_SECONDS)
        run_app(two, ev, 3, "Hangup")
        self._teardown(16)

    def _start_spy(self):
        """`;1` runs ChanSpy: whisper into the first bridged channel the prefix names."""
        one = self.pair.one
        one.application, one.app_data = self.application, self.data
        if self.application.lower() != "chanspy":
            return
        prefix = self.data.split(",", 1)[0]
        for channel in list(self.pbx.channels.values()):
            if channel.name.startswith(prefix) and channel.bridge is not None:
                self.spyee = channel
                self.ev.emit("ChanSpyStart", "call,all",
                             {**one.snapshot("Spyer"), **channel.snapshot("Spyee")})
                break

    def _teardown(self, cause):
        ev, one, two = self.ev, self.pair.one, self.pair.two
        ev.soft_hangup_request(two, cause)
        ev.hangup_request(one, cause)
        for channel in (two, one):
            if channel is one and self.spyee is not None:
                ev.emit("ChanSpyStop", "call,all",
                        {**one.snapshot("Spyer"), **self.spyee.snapshot("Spyee")})
            channel.application = channel.app_data = ""
            ev.cel_hangup(channel, cause, "dialplan/builtin" if channel is two else "")
            ev.cel(channel, "CHAN_END")
            ev.hangup(channel, cause)
        self.trail.emit(ev, self.pbx.now())
        self.linkedid_end(one)
        self.pbx.release_pair(self.pair)
        self.settle_devices([self.pair])
        self.finish("answered")

    def hangup_channel(self, channel):
        """AMI Hangup of either half ends the clip at once."""
        if self.ended or channel not in self.pair.channels:
            return False
        self.dialplan.stop()
        self._teardown(16)
        return True
