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

from .dialplan import Dialplan, OriginatedCall, answer_channel, playback, run_app
from .legs import ORIGINATE_ANSWERED

PLAYBACK_CONTEXT = "cc-kb-playback"
#: Length of a clip in the simulator (it has no sound files to measure).
CLIP_SECONDS = 3.0


class KbPlayback(OriginatedCall):
    """One clip played into a call: a Local pair of its own (its own Linkedid)."""

    trail_on_second_half = True

    def __init__(self, pbx, *, optimization=False, **originate):
        super().__init__(pbx, optimization=optimization, **originate)
        self.pair = None
        self.dialplan = None

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
        self.run_application(one)
        sound = str(two.variables.get("CC_KB_SOUND", ""))
        run_app(two, ev, 2, "Playback", sound)
        yield from playback(two, ev, sound, CLIP_SECONDS)
        run_app(two, ev, 3, "Hangup")
        self._teardown(16)

    def _teardown(self, cause):
        ev, one, two = self.ev, self.pair.one, self.pair.two
        ev.soft_hangup_request(two, cause)
        ev.hangup_request(one, cause)
        for channel in (two, one):
            if channel is one:
                self.stop_spying(one)
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
