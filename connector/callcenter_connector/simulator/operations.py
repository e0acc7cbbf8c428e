"""What can be done to the simulated PBX: place calls, originate, act on channels.

These functions are the single entry point for both the pure scenarios and
the AMI server, so that an action sent over the wire and a scripted step of a
scenario produce the same events. They do no I/O.
"""

import re

from .cati import OUTBOUND_CONTEXT, CatiCall
from .dialplan import originate_target
from .inbound import InboundCall, route_exists
from .outbound import AgentOriginate
from .playback import PLAYBACK_CONTEXT, KbPlayback

CALLERID = re.compile(r'^\s*"?(?P<name>[^"<]*?)"?\s*<(?P<num>[^>]*)>\s*$')


def parse_callerid(text):
    """`"Alice Martin" <1001>` -> ("1001", "Alice Martin")."""
    match = CALLERID.match(text or "")
    if match:
        return match["num"], match["name"].strip()
    text = (text or "").strip()
    return (text, text) if text else ("<unknown>", "<unknown>")


def place_inbound_call(pbx, did, caller_number, caller_name, hangup_after=None, **options):
    """A customer dials `did`; returns the started InboundCall."""
    call = InboundCall(pbx, str(did), caller_number, caller_name, hangup_after, **options)
    call.start()
    return call


def set_agent_behaviour(pbx, extension, ring_seconds, talk_seconds, announce=True):
    """Like `dialplan set global AGENT_<ext>_RING/TALK` on the reference PBX."""
    agent = pbx.agents[str(extension)]
    agent.ring_seconds = ring_seconds
    agent.talk_seconds = talk_seconds
    if announce:
        ring = "never" if ring_seconds is None else _seconds(ring_seconds)
        talk = "86400" if talk_seconds is None else _seconds(talk_seconds)
        pbx.events.global_varset(f"AGENT_{agent.extension}_RING", ring)
        pbx.events.global_varset(f"AGENT_{agent.extension}_TALK", talk)


def _seconds(value):
    return str(int(value)) if float(value).is_integer() else str(value)


class OriginateRejected(Exception):
    """The Originate cannot even be queued (bad arguments)."""


def originate(pbx, fields, action_id=None):
    """AMI Originate (always treated as Async). Returns the started call or None
    when it failed at once (then OriginateResponse Failure was already sent)."""
    channel = fields.get("channel", "")
    caller_num, caller_name = parse_callerid(fields.get("callerid", ""))
    application = fields.get("application")
    context, exten = fields.get("context"), fields.get("exten")
    if not application and not (context and exten):
        raise OriginateRejected("Originate: no application or extension given")
    target = originate_target(application, fields.get("data", ""), context, exten)
    try:
        timeout = float(fields.get("timeout", 30000)) / 1000.0
    except ValueError:
        timeout = 30.0
    local = re.fullmatch(r"Local/(?P<exten>[^@]+)@(?P<context>[^/]+)(?P<n>/n)?", channel)
    if local and local["context"] == "inbound" and route_exists(pbx, local["exten"]):
        wait = _wait_seconds(application, fields.get("data"))
        call = InboundCall(pbx, local["exten"], caller_num, caller_name, wait,
                           action_id=action_id, ivr_digits="")
        call.start()
        return call
    # what every originated call keeps of the action (simulator.dialplan.OriginatedCall)
    originated = {
        "channel": channel, "caller_num": caller_num, "caller_name": caller_name,
        "action_id": action_id, "context": context, "exten": exten,
        "application": application, "data": fields.get("data", ""),
        "channel_id": fields.get("channelid") or None,
        "other_channel_id": fields.get("otherchannelid") or None, "timeout": timeout,
    }
    if local and local["context"] == OUTBOUND_CONTEXT and not application:
        call = CatiCall(pbx, local["exten"], variables=parse_variables(fields.get("variable")),
                        optimization=not local["n"], **originated)
        call.start()
        return call
    if local and local["context"] == PLAYBACK_CONTEXT and application:
        call = KbPlayback(pbx, variables=parse_variables(fields.get("variable")),
                          optimization=not local["n"], **originated)
        call.start()
        return call
    agent = pbx.agents.get(local["exten"]) if local and local["context"] == "agents" else None
    if agent is None or agent.busy:
        reason = 5 if agent is not None else 0
        pbx.events.originate_response(action_id, False, channel, target, "<unknown>",
                                      caller_num, caller_name, reason)
        return None
    call = AgentOriginate(pbx, agent, **originated)
    call.start()
    return call


def parse_variables(headers):
    """`Variable` headers (one or a list, each `A=1` or `A=1,B=2`) as (name, value) pairs."""
    if not headers:
        return ()
    items = [headers] if isinstance(headers, str) else headers
    pairs = []
    for item in items:
        for part in str(item).split(","):
            name, sep, value = part.partition("=")
            if sep and name.strip():
                pairs.append((name.strip(), value.strip()))
    return tuple(pairs)


def _wait_seconds(application, data):
    if (application or "").lower() == "wait":
        try:
            return float(data)
        except (TypeError, ValueError):
            return None
    return None


def _on_channel(pbx, channel_name, method, *args):
    call, channel = pbx.find_call(channel_name)
    if call is None:
        return False
    return bool(getattr(call, method)(channel, *args))


def hangup(pbx, channel_name):
    return _on_channel(pbx, channel_name, "hangup_channel")


def blind_transfer(pbx, channel_name, context, exten):
    return _on_channel(pbx, channel_name, "blind_transfer", context, exten)


def attended_transfer(pbx, channel_name, context, exten):
    return _on_channel(pbx, channel_name, "attended_transfer", context, exten)


def redirect(pbx, channel_name, context, exten):
    return _on_channel(pbx, channel_name, "redirect", context, exten)


def play_dtmf(pbx, channel_name, digit, duration_ms=120):
    return _on_channel(pbx, channel_name, "dtmf", digit, duration_ms)


def hold(pbx, linkedid, seconds):
    """The agent of call `linkedid` puts the caller on hold for `seconds`."""
    for call in list(pbx.calls):
        if call.linkedid == linkedid:
            return call.hold(seconds)
    return False


def member_channel(pbx, extension):
    """The `;1` channel of agent `extension`'s leg that is in a bridge, if any."""
    prefix = f"Local/{extension}@agents-"
    for name, channel in pbx.channels.items():
        if name.startswith(prefix) and name.endswith(";1") and channel.bridge is not None:
            return name
    return None
