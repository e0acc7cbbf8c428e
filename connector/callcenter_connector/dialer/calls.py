"""The dialer's calls, from the Originate to their outcome: AMI events in, `cati` facts out.

Pure, like the call tracker: `CatiCalls` is given the calls it placed and
every AMI event, and returns the facts of connector/CATI.md. A call is keyed
by its ChannelId, which Asterisk makes the Uniqueid of the Originate's `;1`
and the Linkedid of every channel of the call; its OtherChannelId is the
Uniqueid of `;2`, the half that dials the number.

What decides the result, in this order:

* `connected`: a queue member answered it (AgentConnect), the moment the
  `connected` fact goes out;
* `abandoned`: `;1` went Up (the respondent answered) and nobody was connected;
* `failed`: `;2` never started dialing the number (no DialBegin from it), so
  the PBX did not place the call: the Originate was refused, the outbound
  context has no route, or the trunk is unavailable;
* otherwise the signal of the number: DIALSTATUS on `;2` or CHANLOCALSTATUS
  on `;1` (BUSY, CONGESTION), then the Hangup cause of `;1` (17 busy, 1, 3,
  27, 34, 38... congestion), then the OriginateResponse Reason (5 busy,
  8 congestion); anything else rang out: `no_answer`.

A Local-channel Originate reports Reason 0 for every failure of what `;2`
dialed (the dial API only sees `;1` hang up), so the Reason is the last
resort, not the first. The call ends when the last of its channels hangs up.
"""

from dataclasses import dataclass, field

from ..state.calls import event_time
from ..state.channels import device_key

CONNECTED, ABANDONED, NO_ANSWER, BUSY, CONGESTION, FAILED = (
    "connected", "abandoned", "no_answer", "busy", "congestion", "failed")
LIVE_RESULTS = frozenset({CONNECTED, ABANDONED})
STATUS_RESULTS = {"BUSY": BUSY, "CONGESTION": CONGESTION, "CHANUNAVAIL": CONGESTION}
BUSY_CAUSES = frozenset({17, 21})
CONGESTION_CAUSES = frozenset({1, 2, 3, 20, 22, 27, 28, 34, 38, 41, 42, 44, 58, 88})
REASON_RESULTS = {"5": BUSY, "8": CONGESTION}
#: A call that never showed a channel this long after its Originate was lost on the way.
LOST_AFTER_SECONDS = 60.0


@dataclass
class CatiCall:
    linkedid: str
    other_uniqueid: str
    campaign_id: int
    case_id: int
    attempt_id: int
    number: str
    dialed_at: float
    ring_seconds: float = 20.0
    answered_at: float | None = None
    connected_at: float | None = None
    ended_at: float | None = None
    agent: str = ""
    dialing: bool = False
    left_queue: bool = False
    seen: bool = False
    channels: set = field(default_factory=set)
    status: str = ""
    cause: int | None = None
    originate_reason: str = ""
    originate_failed: bool = False

    @property
    def waiting(self):
        """Answered, in the queue for an interviewer."""
        return self.answered_at is not None and self.connected_at is None and not self.left_queue

    def result(self):
        if self.connected_at is not None:
            return CONNECTED
        if self.answered_at is not None:
            return ABANDONED
        if not self.dialing:
            return FAILED
        if self.status in STATUS_RESULTS:
            return STATUS_RESULTS[self.status]
        if self.cause in BUSY_CAUSES:
            return BUSY
        if self.cause in CONGESTION_CAUSES:
            return CONGESTION
        return REASON_RESULTS.get(self.originate_reason, NO_ANSWER)

    def fact(self, event, **fields):
        return {"type": "cati", "event": event, "campaign_id": self.campaign_id,
                "case_id": self.case_id, "attempt_id": self.attempt_id,
                "linkedid": self.linkedid, "agent": self.agent, **fields}


class CatiCalls:
    """The calls in flight, by Linkedid, and the Originate ActionIDs that lead to them."""

    def __init__(self):
        self.calls = {}
        self.actions = {}

    def __len__(self):
        return len(self.calls)

    def add(self, call, action_id=None):
        self.calls[call.linkedid] = call
        if action_id:
            self.actions[action_id] = call.linkedid
        return call

    def of_campaign(self, campaign_id):
        return [call for call in self.calls.values() if call.campaign_id == campaign_id]

    # ------------------------------------------------------------------ input

    def handle(self, event):
        """One AMI event (lower-cased keys); returns the facts it produced."""
        name = (event.get("event") or "").lower()
        if name == "originateresponse":
            linkedid = self.actions.get(event.get("actionid")) or event.get("uniqueid")
            return self.originate_response(linkedid, event)
        call = self.calls.get(event.get("linkedid") or event.get("destlinkedid"))
        if call is None:
            return []
        handler = getattr(self, "_on_" + name, None)
        return (handler(call, event) or []) if handler else []

    def originate_response(self, linkedid, response):
        """The Originate's outcome, from the event or the action's own answer."""
        call = self.calls.get(linkedid)
        if call is None:
            return []
        if response.get("response") == "Success":
            call.answered_at = call.answered_at or event_time(response, call.dialed_at)
            return []
        call.originate_failed = True
        call.originate_reason = str(response.get("reason") or "")
        if not call.seen:
            return self._end(call, event_time(response, call.dialed_at))
        return []

    def refused(self, linkedid, now):
        """The PBX answered the Originate with an error: nothing was placed."""
        call = self.calls.get(linkedid)
        return self._end(call, now) if call is not None and not call.seen else []

    def expire(self, now):
        """Calls that never showed a channel long after their Originate: lost."""
        facts = []
        for call in list(self.calls.values()):
            if not call.seen and now - call.dialed_at > call.ring_seconds + LOST_AFTER_SECONDS:
                facts += self._end(call, now)
        return facts

    def reconcile(self, live_linkedids, now):
        """After a reconnect: the calls the PBX no longer has ended while we were away."""
        facts = []
        for call in list(self.calls.values()):
            if call.seen and call.linkedid not in live_linkedids:
                call.channels.clear()
                facts += self._end(call, now)
        return facts

    # ------------------------------------------------------------------ events

    def _on_newchannel(self, call, event):
        if not call.seen:
            # The PBX's own moment of dialing, on the clock of every later event.
            call.dialed_at = event_time(event, call.dialed_at)
        call.seen = True
        call.channels.add(event.get("uniqueid"))

    def _on_dialbegin(self, call, event):
        caller = event.get("uniqueid")
        if caller == call.other_uniqueid or (caller in call.channels and caller != call.linkedid):
            call.dialing = True

    def _on_newstate(self, call, event):
        if event.get("uniqueid") == call.linkedid and event.get("channelstate") == "6":
            call.answered_at = call.answered_at or event_time(event, call.dialed_at)

    def _on_dialend(self, call, event):
        if event.get("destuniqueid") != call.linkedid or event.get("uniqueid"):
            return
        status = (event.get("dialstatus") or "").upper()
        if status == "ANSWER":
            call.answered_at = call.answered_at or event_time(event, call.dialed_at)
        elif status in STATUS_RESULTS:
            call.status = call.status or status

    def _on_varset(self, call, event):
        variable = (event.get("variable") or "").upper()
        if variable in ("DIALSTATUS", "CHANLOCALSTATUS"):
            status = (event.get("value") or "").upper()
            if status in STATUS_RESULTS:
                call.status = status
        elif variable == "QUEUESTATUS" and call.connected_at is None:
            call.left_queue = True

    def _on_queuecallerabandon(self, call, event):
        if call.connected_at is None:
            call.left_queue = True

    def _on_agentconnect(self, call, event):
        if call.connected_at is not None:
            return []
        call.connected_at = event_time(event, call.dialed_at)
        call.answered_at = call.answered_at or call.connected_at
        call.agent = device_key(event.get("interface") or event.get("membername") or "")
        return [call.fact("connected", at=call.connected_at)]

    def _on_hangup(self, call, event):
        uniqueid = event.get("uniqueid")
        call.channels.discard(uniqueid)
        if uniqueid == call.linkedid:
            try:
                call.cause = int(event.get("cause"))
            except (TypeError, ValueError):
                call.cause = None
        if not call.channels:
            return self._end(call, event_time(event, call.dialed_at))
        return []

    # ------------------------------------------------------------------ output

    def _end(self, call, at):
        if call.ended_at is not None:
            return []
        call.ended_at = max(at, call.dialed_at)
        del self.calls[call.linkedid]
        for action_id in [a for a, lid in self.actions.items() if lid == call.linkedid]:
            del self.actions[action_id]
        return [call.fact("ended", result=call.result(), dialed_at=call.dialed_at,
                          answered_at=call.answered_at, connected_at=call.connected_at,
                          ended_at=call.ended_at)]
