"""The composition root: AMI events through the state machine into the outbox,
Odoo's commands back to the PBX, the IVR on the FastAGI server, and the CATI
dialer paced on the tick.

Everything with I/O is injected (the AMI connection factory, the Odoo client,
the clock), so tests drive the service against the simulator and a real Odoo
or a recording fake. The FastAGI server starts before Odoo is reached: with the
flows cached on disk, callers are served while Odoo is still down.
"""

import asyncio
import base64
import binascii
import hashlib
import json
import logging
import os
import time
import uuid
from pathlib import Path

from panoramisk.actions import Action

from .adapters.ami import AmiConnection
from .adapters.command_server import CommandServer
from .adapters.fastagi import FastAgiServer
from .adapters.odoo import OdooClient, OdooRejected, OdooUnavailable
from .dialer.dialer import Dialer
from .ivr import FlowCache, IvrRuntime, Lookups, SoundSync
from .ivr.flows import atomic_write
from .ivr.sounds import SOUND_NAME
from .outbox import Outbox
from .spool import Spool
from .state.calls import CallTracker
from .state.channels import device_key

_logger = logging.getLogger(__name__)

TICK_SECONDS = 0.25
CONFIG_REFRESH_SECONDS = 60.0
ORIGINATE_FAILURE_WINDOW_SECONDS = 1.2
DRAIN_TIMEOUT_SECONDS = 10.0
IVR_DRAIN_SECONDS = 5.0
SNAPSHOT_ACTIONS = ({"Action": "CoreShowChannels"}, {"Action": "QueueStatus"})
SPY_OPTIONS = {"listen": "qE", "whisper": "qEw", "barge": "qEB"}
PBX_FREE_COMMANDS = frozenset({"ivr_refresh", "cati_refresh", "sound_status", "sound_upload"})
ATTACHMENTS = {"recording": None, "ivr": "voicemail"}
#: The knowledge base's clips (callcenter_helpdesk): a Local pair into this dialplan
#: context plays ${CC_KB_SOUND} on `;2` while `;1` whispers it into the customer's
#: channel with ChanSpy (connector/README: [cc-kb-playback]).
PLAYBACK_CONTEXT = "cc-kb-playback"
PLAYBACK_SPY_OPTIONS = "bqEw"
#: A clip arrives in chunks (the command endpoint takes small bodies) of at most this
#: many bytes, and whole clips of at most PLAYBACK_MAX_BYTES.
PLAYBACK_MAX_BYTES = 8 * 1024 * 1024
SOUND_CHUNK_MAX_BYTES = 192 * 1024
PLAYBACK_ID_PREFIX = "kbplay-"
ORIGINATE_REASONS = {"0": "no such device or not registered", "1": "no answer", "3": "no answer",
                     "5": "busy", "8": "congestion or device unavailable"}


class ConnectorService:
    def __init__(self, config, odoo=None, ami_factory=AmiConnection, clock=time.time):
        self.config = config
        self.clock = clock
        self.odoo = odoo or OdooClient(config.odoo_url, config.odoo_db, config.odoo_user,
                                       config.odoo_api_key, config.odoo_timeout_seconds)
        self.ami_factory = ami_factory
        self.tracker = CallTracker(inbound_contexts=config.inbound_contexts.split(","))
        self.spool = Spool(config.spool_dir)
        self.outbox = None
        self.ami = None
        self.pbx_id = config.pbx_id
        self.commands = CommandServer(*config.endpoint("command_bind"), config.command_token,
                                      self.dispatch)
        self.fastagi = FastAgiServer(*config.endpoint("fastagi_bind"))
        self.flows = FlowCache(config.spool_dir, self.odoo, pbx_id=self._ivr_pbx_id,
                               on_refreshed=self._ivr_refreshed, clock=clock)
        self.sounds = SoundSync(config.sounds_dir, self.odoo, pbx_id=self._ivr_pbx_id)
        self.lookups = Lookups(self.odoo, config.ivr_lookup_threads)
        self.ivr = IvrRuntime(self.flows, self.lookups, self._submit, pbx_id=self._ivr_pbx_id,
                              voicemail_path=config.voicemail_path, clock=clock)
        self.fastagi.add_route("callcenter-ivr", self.ivr.handle)
        self.dialer = Dialer(self.odoo, self.tracker, submit=self._submit, spawn=self._spawn,
                             ami=lambda: self.ami, pbx_id=lambda: self.pbx_id,
                             now=self._pbx_now, outbound_context=config.outbound_context,
                             timeout=config.odoo_timeout_seconds)
        self.stop_event = asyncio.Event()
        self.events_seen = 0
        self._tasks = set()
        self._outbox_task = None
        self._last_event = (0.0, time.monotonic())
        self._odoo_last_seq = 0
        self._dead_letter = Path(config.spool_dir) / "dead-letter.jsonl"
        #: Linkedids of the Local pairs that play clips: media helpers, not calls.
        self._playback_linkedids = set()

    # ------------------------------------------------------------------ lifecycle

    async def start(self):
        self.outbox = Outbox(self.spool, self.odoo, self.pbx_id, self.config.batch_max_facts,
                             self.config.batch_max_delay_ms / 1000.0, on_result=self._on_result,
                             dead_letter=self._write_dead_letter)
        self.flows.load()
        self._spawn(self.flows.run(), "ivr flows")
        await self.fastagi.start()
        await self._load_odoo_config()
        self.outbox.pbx_id = self.pbx_id
        self.outbox.seq = max(self.outbox.seq, self._odoo_last_seq)
        self.ami = self.ami_factory(
            self.config.ami_host, self.config.ami_port, self.config.ami_user,
            self.config.ami_secret, on_event=self.on_event, on_login=self._on_ami_login,
            on_lost=self._on_ami_lost, reconnect_max=self.config.ami_reconnect_max_seconds,
            ping_interval=self.config.ami_ping_seconds,
        )
        await self.commands.start()
        self._outbox_task = self._spawn(self.outbox.run(self.stop_event), "outbox")
        self._spawn(self._tick_loop(), "tick")
        self._spawn(self._config_loop(), "config")
        self.ami.start()

    async def stop(self):
        """Stop intake, drain what Odoo has not yet got (bounded), then cancel."""
        if self.ami:
            self.ami.stop()
        await self.commands.stop()
        await self.fastagi.stop()
        await self.ivr.stop(IVR_DRAIN_SECONDS)
        if self._outbox_task is not None:
            try:
                await self.outbox.drained(DRAIN_TIMEOUT_SECONDS)
            except asyncio.TimeoutError:
                _logger.warning("stopping with %d facts not yet in Odoo: they stay in the spool",
                                len(self.outbox.pending))
        self.stop_event.set()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self.lookups.close()
        self.dialer.close()
        self.spool.close()

    def _spawn(self, coro, name):
        task = asyncio.create_task(coro, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._task_done)
        return task

    def _task_done(self, task):
        self._tasks.discard(task)
        if not task.cancelled() and task.exception():
            _logger.error("task %s failed", task.get_name(), exc_info=task.exception())

    # ------------------------------------------------------------------ events

    def on_event(self, event):
        """Every AMI event, on the hot path: correlate and hand the facts to the outbox."""
        self.events_seen += 1
        if self._playback_linkedids and self._playback_event(event):
            return
        try:
            facts = self.tracker.handle(event)
        except Exception:
            _logger.exception("state machine failed on %s event; skipped", event.get("event"))
            return
        self._last_event = (self.tracker.now, time.monotonic())
        if facts:
            self._submit(facts)
        try:
            self.dialer.handle(event)
        except Exception:
            _logger.exception("CATI dialer failed on %s event; skipped", event.get("event"))

    def _playback_event(self, event):
        """Events of a clip's Local pair stay out of the calls (it has a Linkedid of its
        own); True when `event` was one of them."""
        linkedid = event.get("linkedid")
        if linkedid not in self._playback_linkedids:
            return False
        if (event.get("event") or "").lower() == "hangup" and event.get("uniqueid") == linkedid:
            self._playback_linkedids.discard(linkedid)
        return True

    def _submit(self, facts):
        """Spool and queue facts; returns them as numbered by the outbox."""
        return self.outbox.submit([self._outgoing(fact) for fact in facts])

    def _outgoing(self, fact):
        """A fact with the audio file it names (a recording, a voicemail) attached."""
        if fact["type"] not in ATTACHMENTS:
            return fact
        key = ATTACHMENTS[fact["type"]]
        holder = fact.get(key) if key else fact
        if not isinstance(holder, dict) or not holder.get("filename"):
            return fact
        attached = {**holder, **self._file_content(holder["filename"])}
        return {**fact, key: attached} if key else attached

    def _file_content(self, filename):
        """The PBX's audio file, when the connector can read it (shared folder or same host)."""
        folder = self.config.recordings_dir
        if not folder or not filename:
            return {}
        path = Path(folder) / os.path.basename(filename)
        try:
            size = path.stat().st_size
        except OSError:
            _logger.info("audio file %s not found under %s; Odoo gets its name only", filename,
                         folder)
            return {}
        if size > self.config.recording_max_bytes:
            _logger.warning("audio file %s is %d bytes, above the upload limit", path, size)
            return {}
        return {"content_b64": base64.b64encode(path.read_bytes()).decode("ascii"),
                "mimetype": "audio/wav" if path.suffix == ".wav" else "application/octet-stream"}

    async def _tick_loop(self):
        while not self.stop_event.is_set():
            await asyncio.sleep(TICK_SECONDS)
            now = self._pbx_now()
            facts = self.tracker.tick(now)
            if facts:
                self._submit(facts)
            try:
                self.dialer.tick(now)
            except Exception:
                _logger.exception("CATI pacing failed; no call placed this tick")

    def _pbx_now(self):
        """PBX time: the last event's Timestamp plus the time since it came (the
        connector's own clock until an event with a Timestamp has)."""
        pbx_time, seen_at = self._last_event
        if pbx_time <= 0:
            return self.clock()
        return pbx_time + (time.monotonic() - seen_at)

    # ------------------------------------------------------------------ AMI session

    def _on_ami_login(self):
        self._spawn(self._reconcile(), "reconcile")

    def _on_ami_lost(self):
        _logger.warning("AMI lost with %d calls in flight; they are reconciled on reconnect",
                        self.tracker.in_flight())

    async def _reconcile(self):
        """After every login: what is up continues, what ended meanwhile is closed."""
        self.tracker.begin_snapshot(self.clock())
        try:
            for action in SNAPSHOT_ACTIONS:
                messages = await self.ami.action(action, timeout=10.0, as_list=True)
                for message in messages or []:
                    self.on_event({k.lower(): v for k, v in message.items()})
        except (asyncio.TimeoutError, ConnectionError) as exc:
            _logger.warning("reconciliation snapshot incomplete (%s); keeping calls as they are", exc)
            self.tracker.abort_snapshot()
            return
        facts = self.tracker.end_snapshot(self.clock())
        if facts:
            self._submit(facts)
        self.dialer.reconcile(set(self.tracker.calls), self._pbx_now())
        _logger.info("reconciled with the PBX: %d calls in flight", self.tracker.in_flight())

    # ------------------------------------------------------------------ Odoo

    async def _load_odoo_config(self):
        while True:
            try:
                if not self.pbx_id:
                    self.pbx_id = await self.odoo.find_pbx()
                config = await self.odoo.connector_config(self.pbx_id)
            except OdooUnavailable as exc:
                _logger.warning("waiting for Odoo (%s)", exc)
                await asyncio.sleep(2)
                continue
            except OdooRejected as exc:
                raise SystemExit(f"Odoo refused the connector: {exc}") from None
            self._apply_config(config)
            return

    async def _config_loop(self):
        while not self.stop_event.is_set():
            await asyncio.sleep(CONFIG_REFRESH_SECONDS)
            await self._refresh_config()

    async def _refresh_config(self):
        confirmed = self._odoo_has()
        try:
            config = await self.odoo.connector_config(self.pbx_id)
        except (OdooUnavailable, OdooRejected) as exc:
            _logger.info("configuration refresh skipped: %s", exc)
            return
        self._apply_config(config, confirmed)

    def _on_result(self, result):
        if isinstance(result, dict) and result.get("config"):
            self._apply_config(result["config"])

    def _apply_config(self, config, confirmed=None):
        """`confirmed`: the dialer's facts Odoo had when it wrote `config` (by default,
        those no longer waiting in the outbox: an ingest answer covers its batch)."""
        self.tracker.configure(config.get("agents") or {})
        self._odoo_last_seq = max(self._odoo_last_seq, int(config.get("last_seq") or 0))
        self.flows.note_stamp(config.get("ivr_stamp"))
        self.dialer.configure(config.get("cati"),
                              self._odoo_has() if confirmed is None else confirmed)

    def _odoo_has(self):
        """The dialer's unconfirmed facts that have left the outbox for Odoo."""
        pending = self.outbox.pending if self.outbox is not None else {}
        return [seq for seq in self.dialer.unconfirmed if ("seq", seq) not in pending]

    # ------------------------------------------------------------------ IVR

    def _ivr_pbx_id(self):
        """The PBX for IVR calls to Odoo, the cached one while Odoo has not answered yet."""
        return self.pbx_id or self.flows.cached_pbx_id

    async def _ivr_refreshed(self, runtime):
        await self.sounds.sync(runtime.get("sounds"))

    def _write_dead_letter(self, fact, reason):
        with open(self._dead_letter, "a", encoding="utf-8") as handle:
            handle.write(json.dumps({"reason": reason, "fact": fact}, ensure_ascii=False) + "\n")

    # ------------------------------------------------------------------ commands

    async def dispatch(self, action, params):
        handler = getattr(self, "_command_" + action, None)
        if handler is None:
            return {"ok": False, "error": f"unknown command {action!r}"}
        if action not in PBX_FREE_COMMANDS and (not self.ami or not self.ami.authenticated):
            return {"ok": False, "error": "The PBX is not connected: the call cannot be placed now."}
        try:
            return await handler(**params)
        except TypeError as exc:
            return {"ok": False, "error": f"bad parameters for {action}: {exc}"}
        except asyncio.TimeoutError:
            return {"ok": False, "error": "The PBX did not answer in time."}
        except ConnectionError:
            return {"ok": False, "error": "The PBX connection dropped during the command."}

    async def _command_ivr_refresh(self):
        """Odoo committed a publish: fetch the flows now (in the background, since Odoo may
        be waiting for this answer with the worker that would serve the fetch)."""
        self.flows.refresh_soon()
        return {"ok": True, "stamp": self.flows.stamp}

    async def _command_cati_refresh(self):
        """A campaign started, paused or closed: read the configuration now (in the
        background, since Odoo may be waiting for this answer with the worker that
        would serve the read)."""
        self._spawn(self._refresh_config(), "cati refresh")
        return {"ok": True, "campaigns": sorted(self.dialer.campaigns)}

    async def _command_originate(self, interface, number, caller_id, channel_id, other_channel_id):
        """Ring the agent's device, then the customer; answer within the failure window.

        panoramisk resolves an async Originate with [Response, OriginateResponse]
        only when the agent answers or the attempt fails, so the immediate
        Response is read from the action itself and the outcome is followed in
        the background (a late failure marks the call failed in Odoo).
        """
        self.tracker.expect_originate(channel_id)
        action = Action({
            "Action": "Originate", "Channel": device_key(interface),
            "Context": self.config.outbound_context, "Exten": number, "Priority": "1",
            "CallerID": caller_id, "Timeout": "30000", "Async": "true",
            "ChannelId": channel_id, "OtherChannelId": other_channel_id,
        }, as_list=True)
        future = self.ami.send_action(action)
        try:
            messages = await asyncio.wait_for(asyncio.shield(future), ORIGINATE_FAILURE_WINDOW_SECONDS)
        except asyncio.TimeoutError:
            first = action.responses[0] if action.responses else None
            if first is None:
                self._fail_originate(channel_id, "no answer from the PBX")
                return {"ok": False, "error": "The PBX did not answer the dial request."}
            if first.get("Response") != "Success":
                self._fail_originate(channel_id, first.get("Message") or "refused")
                return {"ok": False, "error": "The PBX refused the call: %s" % first.get("Message")}
            self._spawn(self._follow_originate(future, channel_id), "originate")
            return {"ok": True, "message": "Your phone is ringing."}
        return self._originate_outcome(messages, channel_id, interface)

    async def _follow_originate(self, future, channel_id):
        try:
            messages = await asyncio.wait_for(future, 120)
        except asyncio.TimeoutError:
            return
        self._originate_outcome(messages, channel_id, "")

    def _originate_outcome(self, messages, channel_id, interface):
        messages = messages if isinstance(messages, list) else [messages]
        final = messages[-1]
        if final.get("Response") in ("Success",) and final.get("Event") == "OriginateResponse":
            return {"ok": True, "message": "Connected."}
        if final.get("Response") == "Success" and len(messages) == 1:
            return {"ok": True, "message": "Your phone is ringing."}
        reason = ORIGINATE_REASONS.get(str(final.get("Reason")), final.get("Message") or "failed")
        self._fail_originate(channel_id, reason)
        return {"ok": False, "error": f"Your phone {interface} could not be reached: {reason}."}

    def _fail_originate(self, channel_id, reason):
        facts = self.tracker.originate_failed(channel_id, reason, self.clock())
        if facts:
            self._submit(facts)

    async def _command_agent_state(self, interface, state, member_name="", reason="", queues=()):
        device = device_key(interface)
        if state == "logged_out":
            for item in queues:
                await self.ami.action({"Action": "QueueRemove", "Queue": item["queue"],
                                       "Interface": interface})
            return {"ok": True}
        for item in queues:
            response = await self.ami.action({
                "Action": "QueueAdd", "Queue": item["queue"], "Interface": interface,
                "MemberName": member_name, "Penalty": str(item.get("penalty") or 0),
                "StateInterface": device, "Paused": "false",
            })
            if response.get("Response") != "Success" and "Already there" not in (response.get("Message") or ""):
                return {"ok": False, "error": f"Queue {item['queue']}: {response.get('Message')}"}
        pause = {"Action": "QueuePause", "Interface": interface,
                 "Paused": "true" if state == "paused" else "false"}
        if state == "paused":
            pause["Reason"] = reason
        response = await self.ami.action(pause)
        if response.get("Response") != "Success":
            return {"ok": False, "error": response.get("Message") or "pause refused"}
        return {"ok": True}

    def _call_channels(self, linkedid):
        return [info for info in self.tracker.channels.values() if info.linkedid == linkedid]

    async def _command_hangup(self, linkedid):
        channels = self._call_channels(linkedid)
        if not channels:
            return {"ok": False, "error": "This call is no longer on the PBX."}
        target = next((c for c in channels if not c.is_agent), channels[0])
        response = await self.ami.action({"Action": "Hangup", "Channel": target.name, "Cause": "16"})
        return {"ok": response.get("Response") == "Success", "error": response.get("Message")}

    async def _command_transfer(self, linkedid, target, kind, interface=""):
        mine = [c for c in self._call_channels(linkedid)
                if c.is_agent and (not interface or c.device == device_key(interface))
                and not c.name.endswith(";2")]
        if not mine:
            return {"ok": False, "error": "You are not on this call."}
        action = {"Action": "BlindTransfer" if kind == "blind" else "Atxfer",
                  "Channel": mine[0].name, "Context": self.config.transfer_context, "Exten": target}
        response = await self.ami.action(action)
        if response.get("Response") != "Success":
            return {"ok": False, "error": response.get("Message") or "transfer refused"}
        return {"ok": True}

    async def _command_spy(self, mode, supervisor_interface, target_interface, linkedid=""):
        response = await self.ami.action({
            "Action": "Originate", "Channel": device_key(supervisor_interface),
            "Application": "ChanSpy",
            "Data": f"{device_key(target_interface)},{SPY_OPTIONS[mode]}",
            "CallerID": f"Supervision <{mode}>", "Async": "true",
        })
        if response.get("Response") != "Success":
            return {"ok": False, "error": response.get("Message") or "supervision refused"}
        return {"ok": True}


    # ------------------------------------------------------------------ knowledge base clips

    async def _command_sound_status(self, sound, sha1):
        """Is this clip (name and SHA-1) already in the sounds folder Asterisk reads?"""
        try:
            path = self._sound_path(sound)
        except ValueError as exc:
            return {"ok": False, "error": str(exc)}
        present = await asyncio.to_thread(_file_sha1, path) == str(sha1).lower()
        return {"ok": True, "present": present}

    async def _command_sound_upload(self, sound, sha1, offset, total, data):
        """One chunk of a clip, appended at `offset` to `<sound>.wav.part`; the last one
        is checked against `sha1` and renamed into place, so Asterisk never reads half
        a file. Returns {"ok", "complete", "received"}."""
        try:
            path = self._sound_path(sound)
            chunk = base64.b64decode(data, validate=True)
        except (binascii.Error, TypeError) as exc:
            return {"ok": False, "error": f"The clip chunk is not valid base64 ({exc})."}
        except ValueError as exc:
            return {"ok": False, "error": str(exc)}
        if len(chunk) > SOUND_CHUNK_MAX_BYTES or not 0 < int(total) <= PLAYBACK_MAX_BYTES:
            return {"ok": False, "error": "The clip is too large to play in a call."}
        try:
            received = await asyncio.to_thread(self._append_chunk, path, str(sha1).lower(),
                                               int(offset), int(total), chunk)
        except ValueError as exc:
            return {"ok": False, "error": str(exc)}
        return {"ok": True, "complete": received == int(total), "received": received}

    def _append_chunk(self, path, sha1, offset, total, chunk):
        part = path.with_name(f"{path.name}.{sha1[:12]}.part")
        size = part.stat().st_size if offset and part.exists() else 0
        if offset != size:
            raise ValueError(f"Clip upload out of order: expected offset {size}, got {offset}.")
        part.parent.mkdir(parents=True, exist_ok=True)
        with open(part, "wb" if offset == 0 else "ab") as handle:
            handle.write(chunk)
        received = offset + len(chunk)
        if received > total:
            part.unlink(missing_ok=True)
            raise ValueError("The clip is longer than announced.")
        if received == total:
            data = part.read_bytes()
            part.unlink()
            if hashlib.sha1(data).hexdigest() != sha1:
                raise ValueError("The clip does not match its checksum; it was not written.")
            atomic_write(path, data)
            _logger.info("knowledge base clip written to %s", path)
        return received

    async def _command_playback(self, linkedid, sound, interface=""):
        """Play a clip of the sounds folder to the customer of a live call, which stays bridged.

        Originate of `Local/s@cc-kb-playback/n` plays ${CC_KB_SOUND} on `;2` while
        `;1` runs ChanSpy in whisper mode on the customer's channel: the customer
        hears the clip, the agent stays connected to the customer. The clip must have
        been sent with sound_upload (sound_status tells whether it is needed).
        """
        try:
            path = self._sound_path(sound)
        except ValueError as exc:
            return {"ok": False, "error": str(exc)}
        channels = self._call_channels(linkedid)
        if not channels:
            return {"ok": False, "error": "This call is no longer on the PBX."}
        if interface and not [c for c in channels
                              if c.is_agent and c.device == device_key(interface)]:
            return {"ok": False, "error": "You are not on this call."}
        customers = [c for c in channels if not c.is_agent]
        if not customers:
            return {"ok": False, "error": "The caller is no longer on this call."}
        if not await asyncio.to_thread(path.is_file):
            return {"ok": False, "error": f"The clip {sound} is not on the PBX yet."}
        spyee = self._playback_spyee(customers)
        channel_id = PLAYBACK_ID_PREFIX + uuid.uuid4().hex
        self._playback_linkedids.add(channel_id)
        response = await self.ami.action({
            "Action": "Originate", "Channel": f"Local/s@{PLAYBACK_CONTEXT}/n",
            "Application": "ChanSpy", "Data": f"{spyee},{PLAYBACK_SPY_OPTIONS}",
            "Variable": f"CC_KB_SOUND={sound}", "CallerID": "Knowledge base <kb>",
            "Timeout": "10000", "Async": "true",
            "ChannelId": channel_id, "OtherChannelId": channel_id + "-2",
        })
        if response.get("Response") != "Success":
            self._playback_linkedids.discard(channel_id)
            return {"ok": False, "error": response.get("Message") or "playback refused"}
        return {"ok": True, "channel": spyee, "sound": sound}

    @staticmethod
    def _playback_spyee(customers):
        """ChanSpy's channel prefix for the caller: their own channel (the trunk's), or
        for a caller behind a Local pair the pair's common prefix, of which ChanSpy's
        `b` option picks the half that is bridged with the agent."""
        for channel in customers:
            if not channel.name.startswith("Local/"):
                return channel.name
        return customers[0].name.rsplit(";", 1)[0] + ";"

    def _sound_path(self, sound):
        """`<sounds_dir>/<sound>.wav` for a plain relative sound name (as IVR prompts)."""
        if not self.config.sounds_dir:
            raise ValueError("The connector has no sounds folder (CALLCENTER_SOUNDS_DIR): "
                             "clips cannot reach Asterisk.")
        if not isinstance(sound, str) or not SOUND_NAME.match(sound) or ".." in sound.split("/"):
            raise ValueError(f"{sound!r} is not a plain sound name.")
        return Path(self.config.sounds_dir) / f"{sound}.wav"


def _file_sha1(path):
    try:
        return hashlib.sha1(path.read_bytes()).hexdigest()
    except OSError:
        return None
