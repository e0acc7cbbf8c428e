"""The CATI dialer at run time: Odoo's running campaigns paced on every tick, cases
asked from Odoo, calls placed on the PBX and followed to their `cati` facts.

Nothing here may hold up the AMI event path: `handle(event)` and `tick(now)`
are synchronous and cheap, and asking Odoo for cases runs on threads of its
own (a slow or hung Odoo ties up those, not the outbox's or the IVR's), one
request per campaign at a time; a campaign that got no case is not asked
again for `EMPTY_BACKOFF_SECONDS`, one whose request failed for
`ERROR_BACKOFF_SECONDS`. Interviewers are read from the call tracker's agent
presence (queue membership and pause, call and wrap-up): the PBX facts the
connector already follows. The session's live and abandoned calls count
against the cap from the moment they end: they are added to Odoo's 30-day
counts until a configuration arrives from an Odoo that has their facts.

Call times are PBX time (the clock of the AMI events), like the facts of the
call tracker, so that `dialed_at` and `answered_at` compare; back-offs are
the connector's own monotonic time, since they spare Odoo, not the PBX.
"""

import asyncio
import logging
import re
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from panoramisk.actions import Action

from ..adapters.odoo import OdooRejected, OdooUnavailable
from ..state.calls import DEFAULT_WRAPUP_SECONDS
from .calls import ABANDONED, CONNECTED, FAILED, LIVE_RESULTS, CatiCall, CatiCalls
from .pacing import (
    DEFAULT_ABANDON_CAP,
    DEFAULT_CONNECT_SECONDS,
    DEFAULT_MAX_DIAL_RATIO,
    DEFAULT_RING_SECONDS,
    PREDICTIVE,
    PROGRESSIVE,
    DialStats,
    Snapshot,
    plan,
)

_logger = logging.getLogger(__name__)

CATI_CONTEXT = "cc-cati"
DEFAULT_ABANDON_SOUND = "cc-cati-abandon"
MIN_RING_SECONDS = 15
EMPTY_BACKOFF_SECONDS = 30.0
ERROR_BACKOFF_SECONDS = 10.0
RESPONSE_WINDOW_SECONDS = 2.0
ORIGINATE_GRACE_SECONDS = 60.0
ODOO_THREADS = 2
DIALABLE = re.compile(r"[^\d+*#]")


@dataclass(frozen=True)
class Campaign:
    """One entry of the configuration's `cati.campaigns` (connector/CATI.md)."""

    id: int
    name: str
    mode: str
    queue: str
    caller_id: str = ""
    ring_seconds: int = DEFAULT_RING_SECONDS
    connect_seconds: int = int(DEFAULT_CONNECT_SECONDS)
    abandon_cap: float = DEFAULT_ABANDON_CAP
    abandoned_30d: int = 0
    live_30d: int = 0
    max_dial_ratio: float = DEFAULT_MAX_DIAL_RATIO
    abandon_sound: str = DEFAULT_ABANDON_SOUND

    @classmethod
    def from_config(cls, key, data):
        """The campaign, or None when it cannot be dialed (no queue, another mode)."""
        try:
            mode = data.get("mode")
            queue = str(data.get("queue") or "")
            if mode not in (PROGRESSIVE, PREDICTIVE) or not queue:
                return None
            return cls(
                id=int(key), name=str(data.get("name") or key), mode=mode, queue=queue,
                caller_id=str(data.get("caller_id") or ""),
                ring_seconds=max(int(data.get("ring_seconds") or DEFAULT_RING_SECONDS),
                                 MIN_RING_SECONDS),
                connect_seconds=max(int(data.get("connect_seconds") or DEFAULT_CONNECT_SECONDS),
                                    1),
                abandon_cap=float(data.get("abandon_cap") or DEFAULT_ABANDON_CAP),
                abandoned_30d=int(data.get("abandoned_30d") or 0),
                live_30d=int(data.get("live_30d") or 0),
                max_dial_ratio=float(data.get("max_dial_ratio") or DEFAULT_MAX_DIAL_RATIO),
                abandon_sound=str(data.get("abandon_sound") or DEFAULT_ABANDON_SOUND))
        except (TypeError, ValueError, AttributeError):
            _logger.warning("CATI campaign %r: unreadable configuration %r; not dialed", key, data)
            return None


class Dialer:
    """Campaigns, their measurements and their calls, for one PBX.

    Injected: `odoo` (the connector's client; the dialer takes a lane of it on
    its own threads), `tracker` (agent presence), `submit(facts)` returning the
    facts numbered by the outbox, `spawn(coroutine, name)`, `ami()` the AMI
    connection, `pbx_id()` and `now()` (PBX time).
    """

    def __init__(self, odoo, tracker, *, submit, spawn, ami, pbx_id, now,
                 outbound_context="outbound", timeout=10.0):
        self.executor = ThreadPoolExecutor(max_workers=ODOO_THREADS, thread_name_prefix="cati")
        self.odoo = (odoo.lane(executor=self.executor, timeout=timeout)
                     if hasattr(odoo, "lane") else odoo)
        self.tracker = tracker
        self.submit = submit
        self.spawn = spawn
        self.ami = ami
        self.pbx_id = pbx_id
        self.now = now
        self.outbound_context = outbound_context
        self.calls = CatiCalls()
        self.campaigns = {}
        self.stats = {}
        self.stamp = None
        self.unconfirmed = {}
        self.fetching = set()
        self.backoff_until = {}
        self.empty_backoff = EMPTY_BACKOFF_SECONDS
        self.error_backoff = ERROR_BACKOFF_SECONDS
        self.placed = 0

    def close(self):
        self.executor.shutdown(wait=False, cancel_futures=True)

    # ------------------------------------------------------------------ configuration

    def configure(self, cati, confirmed=()):
        """Odoo's `cati` section; `confirmed` are fact seqs Odoo had when it wrote it."""
        for seq in confirmed:
            self.unconfirmed.pop(seq, None)
        cati = cati if isinstance(cati, dict) else {}
        campaigns = {}
        for key, data in (cati.get("campaigns") or {}).items():
            campaign = Campaign.from_config(key, data if isinstance(data, dict) else {})
            if campaign is not None:
                campaigns[campaign.id] = campaign
        for stopped in sorted(set(self.campaigns) - set(campaigns)):
            _logger.info("CATI campaign %s stopped: no more calls (%d in flight finish)",
                         stopped, len(self.calls.of_campaign(stopped)))
        for started in sorted(set(campaigns) - set(self.campaigns)):
            campaign = campaigns[started]
            _logger.info("CATI campaign %s (%s) dialing %s on queue %s", started, campaign.name,
                         campaign.mode, campaign.queue)
        self.campaigns = campaigns
        self.stamp = cati.get("stamp")
        for campaign_id in campaigns:
            self.stats.setdefault(campaign_id, DialStats())

    def session_counts(self, campaign_id):
        """(abandoned, live) calls of this session that Odoo's counts do not hold yet."""
        abandoned = live = 0
        for owner, was_abandoned in self.unconfirmed.values():
            if owner == campaign_id:
                live += 1
                abandoned += was_abandoned
        return abandoned, live

    # ------------------------------------------------------------------ events

    def handle(self, event):
        facts = self.calls.handle(event)
        if facts:
            self._emit(facts)

    def reconcile(self, live_linkedids, now):
        """After a reconnect snapshot: calls the PBX no longer has are over."""
        facts = self.calls.reconcile(live_linkedids, now)
        if facts:
            self._emit(facts)

    def _emit(self, facts):
        for fact in self.submit(facts) or ():
            if fact.get("event") == "ended":
                self._learn(fact)

    def _learn(self, fact):
        """What an ended call teaches the pacing, and the cap's session count."""
        campaign_id, result = fact["campaign_id"], fact["result"]
        stats = self.stats.setdefault(campaign_id, DialStats())
        if result != FAILED:
            answered = fact.get("answered_at")
            stats.dialed(result in LIVE_RESULTS,
                         answered - fact["dialed_at"] if answered is not None else None)
        if result == CONNECTED and fact.get("connected_at") is not None:
            wrapup = self.tracker.wrapup_seconds.get(fact.get("agent"), DEFAULT_WRAPUP_SECONDS)
            stats.handled(fact["ended_at"] - fact["connected_at"] + wrapup)
        if result in LIVE_RESULTS and "seq" in fact:
            self.unconfirmed[fact["seq"]] = (campaign_id, result == ABANDONED)

    # ------------------------------------------------------------------ pacing

    def tick(self, now):
        facts = self.calls.expire(now)
        if facts:
            self._emit(facts)
        ami = self.ami()
        if ami is None or not ami.authenticated:
            return
        for campaign in list(self.campaigns.values()):
            if (campaign.id in self.fetching
                    or time.monotonic() < self.backoff_until.get(campaign.id, 0.0)):
                continue
            count = plan(self.snapshot(campaign, now)).dial
            if count > 0:
                self.fetching.add(campaign.id)
                self.spawn(self._fetch_and_dial(campaign.id, count), f"cati cases {campaign.id}")

    def snapshot(self, campaign, now):
        """The campaign as pacing sees it: its interviewers from the agent presence,
        its calls in flight, its measurements and its abandon counts."""
        calls = self.calls.of_campaign(campaign.id)
        waiting = {call.linkedid for call in calls if call.waiting}
        free = talking = 0
        wrapups, wrapup_settings = [], []
        for device, presence in self.tracker.agents.items():
            if presence.queues.get(campaign.queue, "out") is not None:
                continue
            wrapup_settings.append(self.tracker.wrapup_seconds.get(device, DEFAULT_WRAPUP_SECONDS))
            state = presence.call_state
            if not state or (state == "ringing" and presence.call_linkedid in waiting):
                free += 1
            elif state == "wrapup":
                wrapups.append(max((presence.wrapup_until or now) - now, 0.0))
            else:
                talking += 1
        stats = self.stats.setdefault(campaign.id, DialStats())
        abandoned, live = self.session_counts(campaign.id)
        return Snapshot(
            mode=campaign.mode, free=free, talking=talking, wrapups=tuple(wrapups),
            ringing=tuple(max(now - call.dialed_at, 0.0) for call in calls
                          if call.answered_at is None),
            waiting=len(waiting), contact_rate=stats.contact_rate,
            handle_seconds=stats.handle_seconds,
            wrapup_seconds=(sum(wrapup_settings) / len(wrapup_settings)
                            if wrapup_settings else 0.0),
            answer_cdf=stats.answer_cdf(campaign.ring_seconds),
            abandoned=campaign.abandoned_30d + abandoned, live=campaign.live_30d + live,
            abandon_cap=campaign.abandon_cap, max_dial_ratio=campaign.max_dial_ratio,
            ring_seconds=campaign.ring_seconds, connect_seconds=campaign.connect_seconds)

    # ------------------------------------------------------------------ Odoo

    async def _fetch_and_dial(self, campaign_id, count):
        try:
            cases = await self.odoo.cati_dial_cases(self.pbx_id(), campaign_id, count)
        except (OdooUnavailable, OdooRejected) as exc:
            _logger.warning("CATI campaign %s: no cases from Odoo (%s); asking again in %.0fs",
                            campaign_id, exc, self.error_backoff)
            self.backoff_until[campaign_id] = time.monotonic() + self.error_backoff
            return
        finally:
            self.fetching.discard(campaign_id)
        if not cases:
            self.backoff_until[campaign_id] = time.monotonic() + self.empty_backoff
            return
        for case in cases:
            self._place(campaign_id, case)

    # ------------------------------------------------------------------ PBX

    def _place(self, campaign_id, case):
        """Originate one case's number into the campaign's queue (connector/CATI.md)."""
        campaign = self.campaigns.get(campaign_id)
        now = self.now()
        number = DIALABLE.sub("", str(case.get("number") or ""))
        call = CatiCall(
            linkedid=str(uuid.uuid4()), other_uniqueid=str(uuid.uuid4()),
            campaign_id=campaign_id, case_id=case.get("case_id"),
            attempt_id=case.get("attempt_id"), number=number, dialed_at=now,
            ring_seconds=campaign.ring_seconds if campaign else DEFAULT_RING_SECONDS)
        ami = self.ami()
        if campaign is None or not number or ami is None or not ami.authenticated:
            self.calls.add(call)
            self._emit(self.calls.refused(call.linkedid, now))
            return
        variables = {"CC_CATI_CAMPAIGN": campaign.id, "CC_CATI_CASE": call.case_id,
                     "CC_CATI_ATTEMPT": call.attempt_id,
                     "CC_CATI_CONNECT": campaign.connect_seconds,
                     "CC_CATI_ABANDON": campaign.abandon_sound}
        fields = {
            "Action": "Originate", "Channel": f"Local/{number}@{self.outbound_context}/n",
            "Context": CATI_CONTEXT, "Exten": campaign.queue, "Priority": "1",
            "Timeout": str(campaign.ring_seconds * 1000), "ChannelId": call.linkedid,
            "OtherChannelId": call.other_uniqueid, "Async": "true",
            "Variable": [f"{name}={value}" for name, value in variables.items()],
        }
        if campaign.caller_id:
            fields["CallerID"] = campaign.caller_id
        action = Action(fields, as_list=True)
        self.tracker.expect_originate(call.linkedid)
        self.calls.add(call, action.action_id)
        self.placed += 1
        try:
            future = ami.send_action(action)
        except (ConnectionError, AttributeError) as exc:
            _logger.warning("CATI case %s not placed: %s", call.case_id, exc)
            self._emit(self.calls.refused(call.linkedid, now))
            return
        self.spawn(self._follow(action, future, call), "cati originate")

    async def _follow(self, action, future, call):
        """The Originate's own answers: an error refuses the call at once; the final
        OriginateResponse may resolve the action rather than reach `handle`."""
        try:
            messages = await asyncio.wait_for(asyncio.shield(future), RESPONSE_WINDOW_SECONDS)
        except asyncio.TimeoutError:
            first = action.responses[0] if action.responses else None
            if first is not None and first.get("Response") != "Success":
                _logger.warning("CATI case %s: the PBX refused the call: %s", call.case_id,
                                first.get("Message"))
                self._emit(self.calls.refused(call.linkedid, self.now()))
                return
            try:
                messages = await asyncio.wait_for(
                    asyncio.shield(future), call.ring_seconds + ORIGINATE_GRACE_SECONDS)
            except asyncio.TimeoutError:
                return
        except ConnectionError:
            return
        final = messages[-1] if isinstance(messages, list) else messages
        self._emit(self.calls.originate_response(
            call.linkedid, {key.lower(): value for key, value in final.items()}))
