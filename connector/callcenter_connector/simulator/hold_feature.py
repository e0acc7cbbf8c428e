"""The `agenthold` bridge feature (*7) shared by the Dial and Queue applications."""


class HoldFeature:
    """Mixin: `_held_leg()` is the agent leg bridged with `self.caller`, or None."""

    def _held_leg(self):
        raise NotImplementedError

    def hold(self, seconds):
        """The agent presses *7: the caller hears music on hold for `seconds`."""
        leg = self._held_leg()
        if self.state != "bridged" or leg is None:
            return False
        ev, caller = self.ev, self.caller
        for digit in "*7":
            ev.dtmf_begin(leg.one, digit, "Received")
            ev.dtmf_end(leg.one, digit, 120, "Received")
        ev.hold(leg.one)
        ev.music_on_hold_start(caller)
        ev.cel(caller, "STREAM_BEGIN", extra='{"class":"default"}')
        self.pbx.later(seconds, self._unhold, leg)
        return True

    def _unhold(self, leg):
        if self.state != "bridged" or leg is not self._held_leg():
            return
        self.ev.unhold(leg.one)
        self.ev.music_on_hold_stop(self.caller)
        self.ev.cel(self.caller, "STREAM_END")
