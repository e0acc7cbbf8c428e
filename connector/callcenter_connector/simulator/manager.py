"""AMI actions on the simulated PBX, with Asterisk 22's exact responses.

`handle_action(pbx, action, reply)` answers one action (a dict with
lower-cased keys, as the framer parses it). `reply(message)` is called with
the response, and for list actions with each list event and the closing
`…Complete` event, *before* the action's effects emit their own events, as on
Asterisk where "Originate successfully queued" precedes the call. Session
actions (Login, Logoff, Events) belong to the server, not here.
"""

import logging

from . import operations
from .members import MemberError, add_member, pause_member, remove_member, set_penalty
from .operations import OriginateRejected

_logger = logging.getLogger(__name__)

TRUE_WORDS = ("yes", "true", "y", "t", "1", "on")


def is_true(value):
    return str(value or "").strip().lower() in TRUE_WORDS


def response(action, status="Success", message=None, **fields):
    reply = {"Response": status}
    if "actionid" in action:
        reply["ActionID"] = action["actionid"]
    if message is not None:
        reply["Message"] = message
    reply.update(fields)
    return reply


def error(action, message):
    return response(action, "Error", message)


def with_action_id(action, fields):
    if "actionid" in action:
        fields["ActionID"] = action["actionid"]
    return fields


def list_start(action, message):
    reply = {"Response": "Success"}
    if "actionid" in action:
        reply["ActionID"] = action["actionid"]
    reply.update(EventList="start", Message=message)
    return reply


def list_complete(action, event, count, **extra):
    fields = {"Event": event}
    if "actionid" in action:
        fields["ActionID"] = action["actionid"]
    fields.update(EventList="Complete", ListItems=str(count))
    fields.update(extra)
    return fields


def duration_text(seconds):
    seconds = max(0, int(seconds))
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


# --- actions ------------------------------------------------------------------


def action_ping(pbx, action, reply):
    reply(response(action, Ping="Pong", Timestamp=f"{pbx.now():.6f}"))


def action_originate(pbx, action, reply):
    if not action.get("channel"):
        reply(error(action, "Channel not specified"))
        return
    if not action.get("application") and not action.get("exten"):
        reply(error(action, "Exten not specified"))
        return
    reply(response(action, message="Originate successfully queued"))
    try:
        operations.originate(pbx, action, action.get("actionid"))
    except OriginateRejected as exc:
        _logger.info("originate rejected: %s", exc)


def _channel_action(pbx, action, reply, operation, ok_message, *args):
    name = action.get("channel", "")
    if not name:
        reply(error(action, "No channel specified"))
        return
    if name not in pbx.channels:
        reply(error(action, "No such channel"))
        return
    call, _ = pbx.find_call(name)
    if call is None:
        reply(error(action, "No such channel"))
        return
    reply(response(action, message=ok_message))
    if not operation(pbx, name, *args):
        _logger.info("%s on %s had no effect in the current call state",
                     action.get("action"), name)


def action_hangup(pbx, action, reply):
    _channel_action(pbx, action, reply, operations.hangup, "Channel Hungup")


def _to_extension_action(pbx, action, reply, operation, success, missing):
    """BlindTransfer, Atxfer and Redirect: a channel sent to Context/Exten, each with
    Asterisk's own wording when Exten is missing."""
    if not action.get("exten"):
        reply(error(action, missing))
        return
    _channel_action(pbx, action, reply, operation, success, action.get("context", "internal"),
                    action["exten"])


def action_blind_transfer(pbx, action, reply):
    _to_extension_action(pbx, action, reply, operations.blind_transfer, "Transfer succeeded",
                         "No extension specified")


def action_atxfer(pbx, action, reply):
    _to_extension_action(pbx, action, reply, operations.attended_transfer,
                         "Atxfer successfully queued", "No extension specified")


def action_redirect(pbx, action, reply):
    _to_extension_action(pbx, action, reply, operations.redirect, "Redirect successful",
                         "Exten not specified")


def action_play_dtmf(pbx, action, reply):
    digit = action.get("digit", "")
    if not digit:
        reply(error(action, "No digit specified"))
        return
    try:
        duration = int(action.get("duration", 120))
    except ValueError:
        duration = 120
    _channel_action(pbx, action, reply, operations.play_dtmf, "DTMF successfully queued",
                    digit[0], duration)


def action_setvar(pbx, action, reply):
    """Global `AGENT_<ext>_RING|TALK` change an agent's behaviour, like the
    recorder's `dialplan set global`; other variables are only echoed."""
    variable, value = action.get("variable", ""), action.get("value", "")
    if not variable:
        reply(error(action, "No variable specified"))
        return
    reply(response(action, message="Variable Set"))
    parts = variable.split("_")
    if not action.get("channel") and len(parts) == 3 and parts[0] == "AGENT":
        agent = pbx.agents.get(parts[1])
        if agent is not None and parts[2] in ("RING", "TALK"):
            seconds = None if value == "never" else float(value or 0)
            if parts[2] == "RING":
                agent.ring_seconds = seconds
            else:
                agent.talk_seconds = seconds
    if not action.get("channel"):
        pbx.events.global_varset(variable, value)


def action_queue_add(pbx, action, reply):
    accepted = lambda: reply(response(action, message="Added interface to queue"))  # noqa: E731
    try:
        add_member(pbx, action.get("queue", ""), action.get("interface", ""),
                   action.get("membername", ""), action.get("penalty", 0),
                   is_true(action.get("paused")), action.get("reason", ""), accepted)
    except MemberError as exc:
        reply(error(action, str(exc)))


def action_queue_remove(pbx, action, reply):
    accepted = lambda: reply(response(action, message="Removed interface from queue"))  # noqa: E731
    try:
        remove_member(pbx, action.get("queue", ""), action.get("interface", ""), accepted)
    except MemberError as exc:
        reply(error(action, str(exc)))


def action_queue_pause(pbx, action, reply):
    paused = is_true(action.get("paused"))
    message = "Interface paused successfully" if paused else "Interface unpaused successfully"
    try:
        pause_member(pbx, action.get("interface", ""), paused, action.get("reason", ""),
                     action.get("queue") or None,
                     lambda: reply(response(action, message=message)))
    except MemberError as exc:
        reply(error(action, str(exc)))


def action_queue_penalty(pbx, action, reply):
    try:
        penalty = int(action.get("penalty", ""))
    except ValueError:
        reply(error(action, "Invalid penalty"))
        return
    try:
        set_penalty(pbx, action.get("interface", ""), penalty, action.get("queue") or None,
                    lambda: reply(response(action, message="Interface penalty set successfully")))
    except MemberError as exc:
        reply(error(action, str(exc)))


def action_queue_status(pbx, action, reply):
    queue_name, member_filter = action.get("queue"), action.get("member")
    queues = [q for q in pbx.queues.values() if not queue_name or q.name == queue_name]
    reply(list_start(action, "Queue status will follow"))
    count = 0
    now = pbx.now()
    for queue in queues:
        reply(with_action_id(action, {"Event": "QueueParams", **queue.params_fields()}))
        count += 1
        for member in queue.members:
            if member_filter and member.interface != member_filter:
                continue
            reply(with_action_id(action, {"Event": "QueueMember",
                                          **member.list_fields(queue.name)}))
            count += 1
        for position, waiting in enumerate(queue.callers, 1):
            caller = waiting.caller
            reply(with_action_id(action, {
                "Event": "QueueEntry", "Queue": queue.name, "Position": str(position),
                "Channel": caller.name, "Uniqueid": caller.uniqueid,
                "CallerIDNum": caller.caller_num, "CallerIDName": caller.caller_name,
                "ConnectedLineNum": caller.connected_num,
                "ConnectedLineName": caller.connected_name,
                "Wait": str(int(now - waiting.joined_at)), "Priority": str(waiting.priority),
            }))
            count += 1
    reply(list_complete(action, "QueueStatusComplete", count))


def action_queue_summary(pbx, action, reply):
    queue_name = action.get("queue")
    queues = [q for q in pbx.queues.values() if not queue_name or q.name == queue_name]
    reply(list_start(action, "Queue summary will follow"))
    now = pbx.now()
    for queue in queues:
        longest = max((int(now - c.joined_at) for c in queue.callers), default=0)
        reply(with_action_id(action, {
            "Event": "QueueSummary", "Queue": queue.name,
            "LoggedIn": str(sum(1 for m in queue.members if m.agent is not None)),
            "Available": str(sum(1 for m in queue.members if m.available)),
            "Callers": str(len(queue.callers)), "HoldTime": str(queue.hold_time),
            "TalkTime": str(queue.talk_time), "LongestHoldTime": str(longest),
        }))
    reply(list_complete(action, "QueueSummaryComplete", len(queues)))


def _live_channels(pbx):
    """Channels newest call first, and within a call as Asterisk lists them."""
    return sorted(pbx.channels.values(), key=lambda channel: channel.created)


def _shown_application(channel):
    return channel.show_app or (channel.application, channel.app_data)


def action_core_show_channels(pbx, action, reply):
    channels = _live_channels(pbx)
    reply(list_start(action, "Channels will follow"))
    now = pbx.now()
    for channel in channels:
        application, data = _shown_application(channel)
        fields = {"Event": "CoreShowChannel"}
        with_action_id(action, fields)
        fields.update(channel.snapshot())
        fields.update(Application=application, ApplicationData=data,
                      Duration=duration_text(now - channel.created),
                      BridgeId=channel.bridge.uniqueid if channel.bridge else "")
        reply(fields)
    reply(list_complete(action, "CoreShowChannelsComplete", len(channels)))


def action_status(pbx, action, reply):
    name = action.get("channel")
    if name and name not in pbx.channels:
        reply(error(action, "No such channel"))
        return
    channels = [pbx.channels[name]] if name else _live_channels(pbx)
    reply(list_start(action, "Channel status will follow"))
    now = pbx.now()
    for channel in channels:
        application, data = _shown_application(channel)
        fields = {"Event": "Status", "Privilege": "Call"}
        fields.update(channel.snapshot())
        fields.update({
            "Type": "Local", "DNID": "",
            "EffectiveConnectedLineNum": channel.connected_num,
            "EffectiveConnectedLineName": channel.connected_name,
            "TimeToHangup": "0", "BridgeID": channel.bridge.uniqueid if channel.bridge else "",
            "Application": application, "Data": data, "Nativeformats": "(slin)",
            "Readformat": "slin", "Readtrans": "", "Writeformat": "slin", "Writetrans": "",
            "Callgroup": "0", "Pickupgroup": "0", "Seconds": str(int(now - channel.created)),
        })
        reply(with_action_id(action, fields))
    reply(list_complete(action, "StatusComplete", len(channels), Items=str(len(channels))))


ACTIONS = {
    "ping": action_ping,
    "originate": action_originate,
    "hangup": action_hangup,
    "blindtransfer": action_blind_transfer,
    "atxfer": action_atxfer,
    "redirect": action_redirect,
    "playdtmf": action_play_dtmf,
    "setvar": action_setvar,
    "queueadd": action_queue_add,
    "queueremove": action_queue_remove,
    "queuepause": action_queue_pause,
    "queuepenalty": action_queue_penalty,
    "queuestatus": action_queue_status,
    "queues": action_queue_status,
    "queuesummary": action_queue_summary,
    "coreshowchannels": action_core_show_channels,
    "status": action_status,
}


def handle_action(pbx, action, reply):
    """Answers one action; unknown ones get `Invalid/unknown command`."""
    name = str(action.get("action", "")).strip().lower()
    handler = ACTIONS.get(name)
    if handler is None:
        reply(error(action, "Invalid/unknown command"))
        return
    handler(pbx, action, reply)
