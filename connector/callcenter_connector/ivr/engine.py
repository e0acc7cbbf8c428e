"""One IVR session per AGI connection: a flow version interpreted node by node.

Asterisk runs `AGI(agi://…/callcenter-ivr,DID,version,resume node,QUEUESTATUS,
DIALSTATUS,linkedid)`; the session plays prompts, reads keys and calls the
lookups until a node hands the caller to a destination (queue, dial, hangup),
which it leaves on the channel (CC_IVR_DEST, CC_IVR_TARGET, …) for the
dialplan. When the destination returns and the node has a `next` or `failure`,
the dialplan comes back with that node as the resume point (IVR.md).

Whatever goes wrong on the connector's side (no flow, a broken definition, a
goto loop, a bug), the caller is sent to the fallback queue, never left in
silence. Each session ends in one `ivr` fact: what the caller went through
(visits), where they went (outcome, target), and what they left (rating,
voicemail, variables).
"""

import asyncio
import logging
import re

from ..protocol.agi import AgiError, AgiHangup, agi_argument, quote_argument
from . import nodes
from .schedule import is_open, past_horizon

_logger = logging.getLogger(__name__)

KINDS = frozenset({"play", "menu", "queue", "agent", "sticky", "external", "voicemail", "time",
                   "lookup", "http", "language", "rating", "hangup", "goto"})
MAX_STEPS_WITHOUT_INPUT = 100
MAX_VISITS = 500
DEFAULT_TIMEOUT_MS = 5000
DEFAULT_DIGIT_TIMEOUT_MS = 3000
DEFAULT_ATTEMPTS = 3
DEFAULT_LOOKUP_TIMEOUT_MS = 2000
DEFAULT_HTTP_TIMEOUT_MS = 3000
DEFAULT_DIAL_TIMEOUT = 30
DEFAULT_QUEUE_TIMEOUT = 300
DEFAULT_MAX_AGE_DAYS = 30
DEFAULT_VOICEMAIL_SECONDS = 120
MAX_VOICEMAIL_SECONDS = 3600
MAX_WAIT_MS = 120000
PROMPT_SECONDS = 600.0
REPLY_SLACK_SECONDS = 30.0
SAMPLES_PER_SECOND = 8000
VOICEMAIL_SILENCE_SECONDS = 5
RATING_KEYS = "12345"
LANGUAGE = re.compile(r"^[A-Za-z]{2,3}(_[A-Za-z0-9]{2,8})?$")
UNIQUEID = re.compile(r"[^A-Za-z0-9._-]")


class FlowError(Exception):
    """The definition cannot be run (unknown node or kind, missing setting, goto loop)."""


class Destination:
    """Where the caller goes when the session ends, as the dialplan reads it."""

    __slots__ = ("kind", "target", "timeout", "resume", "priority")

    def __init__(self, kind, target="", timeout=0, resume="", priority=None):
        self.kind, self.target, self.timeout = kind, target, timeout
        self.resume, self.priority = resume, priority


HANGUP = Destination("hangup")


class IvrSession:
    """Runs one AGI session of a call; `run()` returns its `ivr` fact."""

    def __init__(self, request, definition, *, version, route, flows, lookups, pbx_id,
                 clock, voicemail_path, warn=None):
        env = request.headers
        args = [env.get(f"agi_arg_{index}", "").strip() for index in range(1, 7)]
        self.did, self.version_arg, self.resume_node, queue_status, dial_status, linkedid = args
        self.statuses = (queue_status, dial_status)
        self.request = request
        self.definition = definition
        self.version = version
        self.route = route or {}
        self.flows = flows
        self.lookups = lookups
        self.pbx_id = pbx_id
        self.clock = clock
        self.voicemail_path = (voicemail_path or "").rstrip("/")
        self.warn = warn or (lambda _key, message, *args: _logger.warning(message, *args))
        self.uniqueid = env.get("agi_uniqueid", "")
        self.linkedid = linkedid or self.uniqueid
        caller = env.get("agi_callerid", "")
        self.caller = "" if caller in ("unknown", "<unknown>") else caller
        self.channel_language = env.get("agi_language", "")
        self.default_language = (definition or {}).get("default_language") or None
        self.language = (self.channel_language if self.resume_node
                         else self.default_language or self.channel_language) or None
        self.started = clock()
        self.visits = []
        self.variables = {}
        self.rating = None
        self.voicemail = None
        self.outcome = None
        self.target = ""
        self._lookup = None
        self._steps = 0
        self._node_id = None

    # ------------------------------------------------------------------ the session

    async def run(self):
        try:
            if self.definition is None:
                version = self.version_arg or self.route.get("version")
                await self._fall_back(f"no IVR flow for DID {self.did!r} (version {version!r})")
            else:
                await self._leave(await self._interpret())
        except AgiHangup:
            if self.voicemail is None:
                self.outcome = "caller_hangup"
                if self._node_id is not None:
                    self._result(self._node_id, "hangup")
            else:
                self.outcome = "voicemail"
        except (TimeoutError, ConnectionError) as exc:
            _logger.warning("IVR session %s: Asterisk stopped answering (%s)", self.uniqueid, exc)
            self.outcome = "error"
        except asyncio.CancelledError:
            self.outcome = "error"
            raise
        except Exception as exc:
            if isinstance(exc, (FlowError, AgiError)):
                _logger.warning("IVR session %s on DID %s: %s; caller sent to the fallback queue",
                                self.uniqueid, self.did, exc)
            else:
                _logger.exception("IVR session %s on DID %s failed; caller sent to the "
                                  "fallback queue", self.uniqueid, self.did)
            await self._fall_back_or_give_up()
        return self.fact()

    def fact(self):
        version = self.version
        return {
            "type": "ivr", "linkedid": self.linkedid, "uniqueid": self.uniqueid,
            "ivr": (self.definition or {}).get("ivr") or self.route.get("ivr"),
            "version": int(version) if str(version or "").isdigit() else None,
            "did": self.did, "caller": self.caller, "started": self.started,
            "ended": self.clock(), "resumed": bool(self.resume_node),
            "language": self.language, "outcome": self.outcome or "error",
            "target": self.target, "rating": self.rating, "variables": dict(self.variables),
            "visits": list(self.visits), "voicemail": self.voicemail,
        }

    async def _interpret(self):
        if self.resume_node:
            node_id = self._resume()
        else:
            await self._apply_default_language()
            node_id = _node_ref(self.definition.get("start"))
        while node_id is not None:
            self._steps += 1
            if self._steps > MAX_STEPS_WITHOUT_INPUT:
                raise FlowError(f"{MAX_STEPS_WITHOUT_INPUT} nodes without a key from the caller "
                                f"(a goto loop?), last {node_id}")
            node = self._node(node_id)
            kind = node.get("kind")
            if kind not in KINDS:
                raise FlowError(f"node {node_id} has an unknown kind {kind!r}")
            self._begin(node_id)
            step = await getattr(self, "_node_" + kind)(node_id, node)
            if isinstance(step, Destination):
                return step
            node_id = step
        return HANGUP

    def _resume(self):
        """Back from a destination: the node's `next` or `failure` (IVR.md, resume)."""
        node = self._node(self.resume_node)
        branch = nodes.resume_branch(node.get("kind"), *self.statuses)
        self._node_id = self.resume_node
        self._result(self.resume_node, "branch", branch=branch)
        return _node_ref(node.get(branch))

    def _node(self, node_id):
        node = (self.definition.get("nodes") or {}).get(str(node_id))
        if not isinstance(node, dict):
            raise FlowError(f"unknown node {node_id!r}")
        return node

    async def _leave(self, destination):
        if not self.version_arg:
            await self._set("CC_IVR_VERSION", self.version)
        await self._set("CC_IVR_DEST", destination.kind)
        if destination.kind != "hangup":
            await self._set("CC_IVR_TARGET", destination.target)
            await self._set("CC_IVR_TIMEOUT", destination.timeout)
        if destination.kind == "queue":
            await self._set("QUEUE_PRIO", destination.priority or 0)
        await self._set("CC_IVR_RESUME", destination.resume)
        self.target = destination.target
        if destination.kind == "hangup" and self.voicemail is not None:
            self.outcome = "voicemail"
        else:
            self.outcome = destination.kind

    async def _fall_back(self, reason):
        """The safe queue: the route's, else the flow's, else the PBX's fallback."""
        _logger.info("IVR session %s: fallback (%s)", self.uniqueid, reason)
        fallback = self.flows.fallback
        target = (self.route.get("fallback_queue") or self.route.get("queue")
                  or (self.definition or {}).get("fallback_queue") or fallback.get("queue") or "")
        self.outcome, self.target = "fallback", str(target)
        await self._set("CC_IVR_DEST", "queue")
        if target:
            await self._set("CC_IVR_TARGET", target)
        if fallback.get("timeout"):
            await self._set("CC_IVR_TIMEOUT", int(fallback["timeout"]))
        await self._set("CC_IVR_RESUME", "")

    async def _fall_back_or_give_up(self):
        try:
            await self._fall_back("the flow failed")
        except AgiHangup:
            self.outcome = "caller_hangup"
        except (TimeoutError, AgiError, ConnectionError, ValueError) as exc:
            _logger.warning("IVR session %s: the fallback could not be set either (%s)",
                            self.uniqueid, exc)
            self.outcome = "error"

    # ------------------------------------------------------------------ visits

    def _begin(self, node_id):
        self._node_id = node_id
        self._visit({"node": node_id, "at": self.clock(), "result": "enter"})

    def _result(self, node_id, result, **extra):
        """What happened in a node after it was entered; Odoo counts entries from the
        `enter` visits and everything else from these."""
        self._visit({"node": node_id, "at": self.clock(), "result": result, **extra})

    def _visit(self, visit):
        if len(self.visits) >= MAX_VISITS:
            return None
        self.visits.append(visit)
        return len(self.visits) - 1

    def _input(self):
        """The caller pressed a key: they are there, the goto-loop guard starts over."""
        self._steps = 0

    # ------------------------------------------------------------------ AGI

    async def _send(self, command, timeout=REPLY_SLACK_SECONDS):
        return await self.request.send_command(command, timeout=timeout)

    async def _set(self, name, value):
        await self._send(f"SET VARIABLE {name} {agi_argument(value)}")

    async def _play(self, prompt, escape=""):
        """Play a prompt; the key that interrupted it, or ""."""
        sound = nodes.choose_prompt(prompt, self.language, self.default_language)
        if sound is None:
            return ""
        if not nodes.playable(sound):
            self.warn(("sound", sound), "IVR prompt %r cannot be played (spaces or control "
                      "characters); skipped", sound)
            return ""
        reply = await self._send(f"STREAM FILE {agi_argument(sound)} {quote_argument(escape)}",
                                 PROMPT_SECONDS)
        return _key(reply)

    async def _wait_key(self, milliseconds):
        reply = await self._send(f"WAIT FOR DIGIT {milliseconds}",
                                 milliseconds / 1000 + REPLY_SLACK_SECONDS)
        return _key(reply)

    async def _ask(self, node, escape, timeout_ms):
        """The prompt, interruptible by `escape`, then a wait for the first key."""
        key = await self._play(node.get("prompt"), escape)
        if not key:
            key = await self._wait_key(timeout_ms)
        if key:
            self._input()
        return key

    async def _apply_default_language(self):
        """Asterisk's own sounds (SAY NUMBER, beeps) follow the flow's language, and a
        resumed session reads it back from `agi_language`."""
        language = self.default_language
        if language and language != self.channel_language and LANGUAGE.match(language):
            await self._set("CHANNEL(language)", language)

    # ------------------------------------------------------------------ lookups

    async def _caller_info(self, timeout_ms):
        """Odoo's lookup of the caller: at most one per session, bounded by the node."""
        if self._lookup is None:
            self._lookup = await self.lookups.caller(self.pbx_id, self.caller,
                                                     self._max_age_days(),
                                                     _ms(timeout_ms, DEFAULT_LOOKUP_TIMEOUT_MS)
                                                     / 1000)
        return self._lookup

    def _max_age_days(self):
        """The one lookup must serve every sticky node of the flow: the widest age."""
        ages = [int(node.get("max_age_days") or 0)
                for node in (self.definition.get("nodes") or {}).values()
                if isinstance(node, dict) and node.get("kind") == "sticky"]
        return max(ages, default=DEFAULT_MAX_AGE_DAYS) or DEFAULT_MAX_AGE_DAYS

    # ------------------------------------------------------------------ nodes

    async def _node_play(self, node_id, node):
        await self._play(node.get("prompt"))
        say = node.get("say")
        if isinstance(say, dict) and say.get("variable"):
            await self._say(str(say["variable"]), say.get("as") or "number")
        return _node_ref(node.get("next"))

    async def _say(self, name, kind):
        value = self.variables.get(name)
        if value is None and nodes.VARIABLE_NAME.match(name):
            reply = await self._send(f"GET VARIABLE CC_VAR_{name}")
            value = reply["data"] if reply["result"] == "1" else None
        text = nodes.say_text(value, kind)
        if text is None:
            return
        command = {"number": "SAY NUMBER", "digits": "SAY DIGITS"}.get(kind, "SAY ALPHA")
        _key(await self._send(f'{command} {text} ""', PROMPT_SECONDS))

    async def _node_menu(self, node_id, node):
        options = nodes.menu_options(node)
        ext_length = nodes.extension_length(node)
        limit = nodes.max_keys(node, options, ext_length)
        escape = nodes.first_keys(options, ext_length)
        timeout_ms = _ms(node.get("timeout_ms"), DEFAULT_TIMEOUT_MS)
        digit_ms = _ms(node.get("digit_timeout_ms"), DEFAULT_DIGIT_TIMEOUT_MS)
        for _attempt in range(_attempts(node)):
            keys = await self._ask(node, escape, timeout_ms)
            if not keys:
                self._result(node_id, "timeout")
                await self._play(node.get("timeout_prompt"))
                continue
            verdict, value = nodes.classify_keys(keys, options, ext_length, limit)
            while verdict == nodes.MORE:
                key = await self._wait_key(digit_ms)
                if not key:
                    verdict, value = nodes.resolve_keys(keys, options, ext_length)
                    break
                keys += key
                verdict, value = nodes.classify_keys(keys, options, ext_length, limit)
            if verdict == nodes.OPTION:
                self._result(node_id, "key", key=keys)
                return _node_ref(options[value])
            if verdict == nodes.EXTENSION:
                self._result(node_id, "key", key=keys)
                return self._transfer(node_id, node, "dial", nodes.direct_dial_string(node, value),
                                      DEFAULT_DIAL_TIMEOUT, branches=("failure",))
            self._result(node_id, "invalid", key=keys)
            await self._play(node.get("invalid_prompt"))
        self._result(node_id, "branch", branch="failure")
        return _node_ref(node.get("failure"))

    def _transfer(self, node_id, node, kind, target, timeout, priority=None,
                  branches=("next", "failure")):
        if not nodes.playable(str(target or "")):
            raise FlowError(f"node {node_id}: no usable {kind} target {target!r}")
        self._result(node_id, "transfer")
        comes_back = any(node.get(branch) is not None for branch in branches)
        return Destination(kind, str(target), int(timeout), node_id if comes_back else "",
                           priority)

    async def _node_queue(self, node_id, node):
        priority = int(node.get("priority") or 0)
        vip_priority = node.get("vip_priority")
        if vip_priority is not None and int(vip_priority) != priority:
            info = await self._caller_info(node.get("lookup_timeout_ms"))
            if info["vip"]:
                priority = int(vip_priority)
        timeout = int(node.get("max_wait") or self.flows.fallback.get("timeout")
                      or DEFAULT_QUEUE_TIMEOUT)
        return self._transfer(node_id, node, "queue", node.get("queue"), timeout, priority)

    async def _node_agent(self, node_id, node):
        return self._transfer(node_id, node, "dial", node.get("dial"),
                              node.get("timeout") or DEFAULT_DIAL_TIMEOUT)

    _node_external = _node_agent

    async def _node_sticky(self, node_id, node):
        info = await self._caller_info(node.get("lookup_timeout_ms"))
        dial = info["last_agent_dial"]
        if dial and info["last_agent_available"] and nodes.playable(dial):
            return self._transfer(node_id, node, "dial", dial,
                                  node.get("timeout") or DEFAULT_DIAL_TIMEOUT)
        self._result(node_id, "branch", branch="failure")
        return _node_ref(node.get("failure"))

    async def _node_voicemail(self, node_id, node):
        await self._play(node.get("prompt"))
        seconds = min(max(int(node.get("max_seconds") or DEFAULT_VOICEMAIL_SECONDS), 1),
                      MAX_VOICEMAIL_SECONDS)
        base = f"{self.voicemail_path}/vm-{UNIQUEID.sub('', self.uniqueid) or 'unknown'}"
        reply = await self._send(
            f'RECORD FILE {agi_argument(base)} wav "#" {seconds * 1000} 0 BEEP '
            f's={VOICEMAIL_SILENCE_SECONDS}', seconds + REPLY_SLACK_SECONDS)
        result, how = reply["result"], reply["data"]
        if result.lstrip("-").isdigit() and int(result) < 0 and how != "hangup":
            self.warn(("record", how), "IVR voicemail not recorded: RECORD FILE failed (%s)", how)
            return _node_ref(node.get("next"))
        endpos = re.search(r"endpos=(\d+)", reply["extra"])
        duration = int(endpos.group(1)) / SAMPLES_PER_SECOND if endpos else 0.0
        if duration > 0:
            self.voicemail = {"filename": base + ".wav", "duration": round(duration, 2),
                              "agent": node.get("agent"), "queue": node.get("queue")}
            self._result(node_id, "voicemail")
        if how == "hangup":
            raise AgiHangup("the caller hung up after the voicemail")
        return _node_ref(node.get("next"))

    async def _node_time(self, node_id, node):
        key = str(node.get("calendar"))
        calendar = self.flows.calendars.get(key)
        now = self.clock()
        if calendar is None:
            self.warn(("calendar", key), "IVR time node %s: calendar %s unknown; taken as closed",
                      node_id, key)
        elif past_horizon(calendar, now):
            self.warn(("horizon", key), "IVR calendar %s (%s) is known until %s only; taken as "
                      "closed until Odoo sends more", key, calendar.get("name"),
                      calendar.get("until"))
        branch = "open" if calendar is not None and is_open(calendar, now) else "closed"
        self._result(node_id, "branch", branch=branch)
        return _node_ref(node.get(branch))

    async def _node_lookup(self, node_id, node):
        info = await self._caller_info(node.get("timeout_ms"))
        branch = nodes.lookup_branch(node, info)
        self._result(node_id, "branch", branch=branch)
        return _node_ref(node.get(branch))

    async def _node_http(self, node_id, node):
        method = "POST" if str(node.get("method") or "").upper() == "POST" else "GET"
        payload = {"caller": self.caller, "did": self.did, "linkedid": self.linkedid}
        if method == "POST":
            payload["variables"] = dict(self.variables)
        timeout = min(_ms(node.get("timeout_ms"), DEFAULT_HTTP_TIMEOUT_MS), MAX_WAIT_MS) / 1000
        ok, answer = await self.lookups.http(method, node.get("url"), payload, timeout)
        if ok:
            found = nodes.http_variables(answer, node.get("variables") or ())
            for name, value in found.items():
                await self._set(f"CC_VAR_{name}", value)
            self.variables.update(found)
        branch = "success" if ok else "failure"
        self._result(node_id, "branch", branch=branch)
        return _node_ref(node.get("next" if ok else "failure"))

    async def _node_language(self, node_id, node):
        options = {key: str(language) for key, language in (node.get("options") or {}).items()
                   if isinstance(key, str) and len(key) == 1 and key in nodes.KEY_CHARS
                   and LANGUAGE.match(str(language))}
        key = await self._choose(node_id, node, "".join(sorted(options)))
        if key:
            self.language = options[key]
            await self._set("CHANNEL(language)", self.language)
        return _node_ref(node.get("next"))

    async def _node_rating(self, node_id, node):
        key = await self._choose(node_id, node, RATING_KEYS)
        if key:
            self.rating = int(key)
            await self._play(node.get("thanks_prompt"))
        return _node_ref(node.get("next"))

    async def _choose(self, node_id, node, keys):
        """One key among `keys`, with the node's attempts; None when none came."""
        timeout_ms = _ms(node.get("timeout_ms"), DEFAULT_TIMEOUT_MS)
        for _attempt in range(_attempts(node)):
            key = await self._ask(node, keys, timeout_ms)
            if not key:
                self._result(node_id, "timeout")
            elif key in keys:
                self._result(node_id, "key", key=key)
                return key
            else:
                self._result(node_id, "invalid", key=key)
        return None

    async def _node_hangup(self, node_id, node):
        await self._play(node.get("prompt"))
        return HANGUP

    async def _node_goto(self, node_id, node):
        return _node_ref(node.get("target"))


def _key(reply):
    """The key of a STREAM FILE / WAIT FOR DIGIT / SAY reply ("" for none); -1 is a hangup."""
    try:
        code = int(reply["result"] or 0)
    except ValueError:
        raise AgiError(f"unexpected AGI result {reply['result']!r}") from None
    if code < 0:
        raise AgiHangup("the caller hung up")
    return chr(code) if 0 < code < 128 else ""


def _node_ref(value):
    return None if value is None or value == "" else str(value)


def _ms(value, default):
    try:
        number = int(value)
    except (TypeError, ValueError):
        return default
    return min(max(number, 1), MAX_WAIT_MS) if number > 0 else default


def _attempts(node):
    try:
        return min(max(int(node.get("attempts") or DEFAULT_ATTEMPTS), 1), 10)
    except (TypeError, ValueError):
        return DEFAULT_ATTEMPTS
