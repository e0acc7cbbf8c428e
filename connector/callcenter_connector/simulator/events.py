"""The AMI event vocabulary of Asterisk 22, header for header.

Each method renders one event with Asterisk's header names, casing and order
(checked against the recorded transcripts), stamps it with the PBX's virtual
clock and hands it to the sink. Nothing here decides *when* an event happens:
that is the job of the call flows.
"""

import json
import time

CAUSE_TEXT = {
    0: "Unknown",
    16: "Normal Clearing",
    17: "User busy",
    18: "No user responding",
    19: "User alerting, no answer",
    21: "Call Rejected",
    34: "Circuit/channel congestion",
}

# Successive events of one instant are spaced by a few microseconds, as on a
# real PBX, so that Timestamp stays strictly increasing.
EVENT_SPACING = 0.000006


def format_time(epoch):
    """CEL EventTime and Cdr times: `2026-11-22 04:04:40` (the PBX runs in UTC)."""
    return time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(epoch))


def cel_extra(**values):
    return json.dumps(values, separators=(",", ":"), ensure_ascii=False)


class EventWriter:
    """Renders events and passes them to `sink(message)`; `clock()` is virtual time."""

    def __init__(self, clock, sink):
        self._clock = clock
        self._sink = sink
        self._last = 0.0

    def stamp(self):
        moment = max(self._clock(), self._last + EVENT_SPACING)
        self._last = moment
        return moment

    def emit(self, event, privilege, fields, timestamped=True):
        message = {"Event": event}
        if privilege:
            message["Privilege"] = privilege
        if timestamped:
            message["Timestamp"] = f"{self.stamp():.6f}"
        message.update(fields)
        self._sink(message)
        return message

    # --- channels ---------------------------------------------------------

    def channel_event(self, event, channel, privilege="call,all", **extra):
        return self.emit(event, privilege, {**channel.snapshot(), **extra})

    def newchannel(self, channel):
        return self.channel_event("Newchannel", channel)

    def newstate(self, channel):
        return self.channel_event("Newstate", channel)

    def new_callerid(self, channel):
        return self.channel_event(
            "NewCallerid", channel, **{"CID-CallingPres": "0 (Presentation Allowed, Not Screened)"}
        )

    def new_connected_line(self, channel):
        return self.channel_event("NewConnectedLine", channel)

    def newexten(self, channel, application, app_data=""):
        return self.channel_event(
            "Newexten", channel, privilege="dialplan,all",
            Extension=channel.exten, Application=application, AppData=app_data,
        )

    def varset(self, channel, variable, value):
        channel.variables[variable] = value
        return self.channel_event(
            "VarSet", channel, privilege="dialplan,all", Variable=variable, Value=str(value)
        )

    def global_varset(self, variable, value):
        return self.emit("VarSet", "dialplan,all", {
            "Channel": "none", "Uniqueid": "none", "Variable": variable, "Value": str(value),
        })

    def hangup_request(self, channel, cause):
        return self.channel_event("HangupRequest", channel, Cause=str(cause))

    def soft_hangup_request(self, channel, cause):
        return self.channel_event("SoftHangupRequest", channel, Cause=str(cause))

    def hangup(self, channel, cause):
        channel.hungup = True
        return self.channel_event(
            "Hangup", channel, Cause=str(cause), **{"Cause-txt": CAUSE_TEXT.get(cause, "Unknown")}
        )

    def device_state(self, device, state):
        return self.emit("DeviceStateChange", "call,all", {"Device": device, "State": state})

    def local_bridge(self, pair, optimization):
        fields = {**pair.one.snapshot("LocalOne"), **pair.two.snapshot("LocalTwo")}
        fields.update(
            Context=pair.two.context, Exten=pair.two.exten,
            LocalOptimization="Yes" if optimization else "No",
        )
        return self.emit("LocalBridge", "call,all", fields)

    def local_optimization_begin(self, pair, source, bridge, operation_id):
        fields = {**pair.one.snapshot("LocalOne"), **pair.two.snapshot("LocalTwo")}
        fields.update(source.snapshot("Source"))
        fields.update(DestUniqueId=bridge.uniqueid, Id=str(operation_id))
        return self.emit("LocalOptimizationBegin", "call,all", fields)

    def local_optimization_end(self, pair, operation_id):
        fields = {**pair.one.snapshot("LocalOne"), **pair.two.snapshot("LocalTwo")}
        fields.update(Success="Yes", Id=str(operation_id))
        return self.emit("LocalOptimizationEnd", "call,all", fields)

    def _dial_fields(self, caller, dest):
        fields = caller.snapshot() if caller is not None else {}
        fields.update(dest.snapshot("Dest"))
        return fields

    def dial_begin(self, caller, dest, dial_string):
        return self.emit(
            "DialBegin", "call,all", {**self._dial_fields(caller, dest), "DialString": dial_string}
        )

    def dial_state(self, caller, dest, status="RINGING"):
        return self.emit(
            "DialState", "call,all", {**self._dial_fields(caller, dest), "DialStatus": status}
        )

    def dial_end(self, caller, dest, status):
        return self.emit(
            "DialEnd", "call,all", {**self._dial_fields(caller, dest), "DialStatus": status}
        )

    def music_on_hold_start(self, channel, music_class="default"):
        return self.channel_event("MusicOnHoldStart", channel, Class=music_class)

    def music_on_hold_stop(self, channel):
        return self.channel_event("MusicOnHoldStop", channel)

    def hold(self, channel, music_class="default"):
        return self.channel_event("Hold", channel, MusicClass=music_class)

    def unhold(self, channel):
        return self.channel_event("Unhold", channel)

    def dtmf_begin(self, channel, digit, direction):
        return self.channel_event(
            "DTMFBegin", channel, privilege="dtmf,all", Digit=digit, Direction=direction
        )

    def dtmf_end(self, channel, digit, duration_ms, direction):
        return self.channel_event(
            "DTMFEnd", channel, privilege="dtmf,all",
            Digit=digit, DurationMs=str(duration_ms), Direction=direction,
        )

    def mixmonitor_start(self, channel):
        return self.channel_event("MixMonitorStart", channel)

    def mixmonitor_stop(self, channel):
        return self.channel_event("MixMonitorStop", channel)

    def agi_exec_start(self, channel, command_id, command):
        return self.channel_event(
            "AGIExecStart", channel, privilege="agi,all", CommandId=str(command_id), Command=command
        )

    def agi_exec_end(self, channel, command_id, command, result_code=200, result="Success"):
        return self.channel_event(
            "AGIExecEnd", channel, privilege="agi,all", CommandId=str(command_id),
            Command=command, ResultCode=str(result_code), Result=result,
        )

    # --- bridges ----------------------------------------------------------

    def bridge_create(self, bridge):
        return self.emit("BridgeCreate", "call,all", bridge.snapshot())

    def bridge_enter(self, bridge, channel):
        return self.emit("BridgeEnter", "call,all", {**bridge.snapshot(), **channel.snapshot()})

    def bridge_leave(self, bridge, channel):
        return self.emit("BridgeLeave", "call,all", {**bridge.snapshot(), **channel.snapshot()})

    def bridge_destroy(self, bridge):
        return self.emit("BridgeDestroy", "call,all", bridge.snapshot())

    def blind_transfer(self, transferer, transferee, bridge, context, extension):
        fields = {"Result": "Success"}
        fields.update(transferer.snapshot("Transferer"))
        fields.update(transferee.snapshot("Transferee"))
        fields.update(bridge.snapshot())
        fields.update(IsExternal="Yes", Context=context, Extension=extension)
        return self.emit("BlindTransfer", "call,all", fields)

    def attended_transfer(self, transferer, orig_bridge, second_bridge, dest_bridge,
                          transferee, target):
        fields = {"Result": "Success"}
        fields.update(transferer.snapshot("OrigTransferer"))
        fields.update(orig_bridge.snapshot("OrigBridge"))
        fields.update(transferer.snapshot("SecondTransferer"))
        fields.update(second_bridge.snapshot("SecondBridge"))
        fields.update(DestType="Bridge", DestBridgeUniqueid=dest_bridge.uniqueid)
        fields.update(transferee.snapshot("Transferee"))
        fields.update(target.snapshot("TransferTarget"))
        fields["IsExternal"] = "Yes"
        return self.emit("AttendedTransfer", "call,all", fields)

    # --- CEL and CDR ------------------------------------------------------

    def cel(self, channel, event_name, extra="", peer="", application=None, app_data=None,
            blank_caller=False, exten=None):
        moment = self._clock()
        return self.emit("CEL", "call,all", {
            "EventName": event_name,
            "AccountCode": "",
            "CallerIDnum": "" if blank_caller else channel.cel_caller(channel.caller_num),
            "CallerIDname": "" if blank_caller else channel.cel_caller(channel.caller_name),
            "CallerIDani": "" if blank_caller else channel.ani,
            "CallerIDrdnis": "",
            "CallerIDdnid": "",
            "Exten": channel.exten if exten is None else exten,
            "Context": channel.context,
            "Channel": channel.name,
            "Application": channel.application if application is None else application,
            "AppData": channel.app_data if app_data is None else app_data,
            "EventTime": format_time(moment),
            "AMAFlags": "DOCUMENTATION",
            "UniqueID": channel.uniqueid,
            "LinkedID": channel.linkedid,
            "Userfield": "",
            "Peer": peer,
            "PeerAccount": "",
            "Extra": extra,
        })

    def cel_chan_start(self, channel, exten=None):
        """CHAN_START describes the channel as created: no caller id, no application."""
        return self.cel(channel, "CHAN_START", application="", app_data="", blank_caller=True,
                        exten=exten)

    def cel_bridge(self, channel, event_name, bridge, peer=""):
        extra = cel_extra(bridge_id=bridge.uniqueid, bridge_technology=bridge.technology)
        return self.cel(channel, event_name, extra=extra, peer=peer)

    def cel_hangup(self, channel, cause, source="", dial_status=""):
        extra = cel_extra(hangupcause=cause, hangupsource=source, dialstatus=dial_status)
        return self.cel(channel, "HANGUP", extra=extra)

    def cdr(self, record):
        """`record` is a `CdrRecord`; the event carries no linkedid, only UniqueID."""
        end = record.end
        answer = record.answer
        billable = int(end - answer) if answer is not None else 0
        return self.emit("Cdr", "cdr,all", {
            "AccountCode": "",
            "Source": record.source,
            "Destination": record.destination,
            "DestinationContext": record.destination_context,
            "CallerID": record.caller_id,
            "Channel": record.channel,
            "DestinationChannel": record.destination_channel,
            "LastApplication": record.last_application,
            "LastData": record.last_data,
            "StartTime": format_time(record.start),
            "AnswerTime": format_time(answer) if answer is not None else "",
            "EndTime": format_time(end),
            "Duration": str(int(end - record.start)),
            "BillableSeconds": str(billable),
            "Disposition": record.disposition,
            "AMAFlags": "DOCUMENTATION",
            "UniqueID": record.uniqueid,
            "UserField": "",
        })

    # --- queues -----------------------------------------------------------

    def queue_caller_join(self, caller, queue, position, count):
        return self.channel_event(
            "QueueCallerJoin", caller, privilege="agent,all",
            Queue=queue, Position=str(position), Count=str(count),
        )

    def queue_caller_leave(self, caller, queue, position, count):
        return self.channel_event(
            "QueueCallerLeave", caller, privilege="agent,all",
            Queue=queue, Position=str(position), Count=str(count),
        )

    def queue_caller_abandon(self, caller, queue, position, original_position, hold_time):
        return self.channel_event(
            "QueueCallerAbandon", caller, privilege="agent,all", Queue=queue,
            Position=str(position), OriginalPosition=str(original_position),
            HoldTime=str(hold_time),
        )

    def _agent_fields(self, caller, dest, queue, member):
        fields = {}
        if caller is not None:
            fields.update(caller.snapshot())
        if dest is not None:
            fields.update(dest.snapshot("Dest"))
        fields.update(Queue=queue, Interface=member.interface, MemberName=member.name)
        return fields

    def agent_called(self, caller, dest, queue, member):
        return self.emit("AgentCalled", "agent,all", self._agent_fields(caller, dest, queue, member))

    def agent_ring_no_answer(self, caller, dest, queue, member, ring_ms):
        fields = self._agent_fields(caller, dest, queue, member)
        fields["RingTime"] = str(ring_ms)
        return self.emit("AgentRingNoAnswer", "agent,all", fields)

    def agent_connect(self, caller, dest, queue, member, hold_time, ring_time):
        fields = self._agent_fields(caller, dest, queue, member)
        fields.update(HoldTime=str(hold_time), RingTime=str(ring_time))
        return self.emit("AgentConnect", "agent,all", fields)

    def agent_complete(self, caller, dest, queue, member, hold_time, talk_time, reason):
        """Without `caller` and `dest` this is the race the README describes: the
        caller's snapshot was already gone, so the channel fields are missing."""
        fields = self._agent_fields(caller, dest, queue, member)
        fields.update(HoldTime=str(hold_time), TalkTime=str(talk_time), Reason=reason)
        return self.emit("AgentComplete", "agent,all", fields)

    def queue_member(self, event, queue, member):
        """QueueMemberStatus / Pause / Added / Removed / Penalty share one body."""
        return self.emit(event, "agent,all", member.event_fields(queue))

    # --- originate --------------------------------------------------------

    def originate_response(self, action_id, success, channel_name, target, uniqueid,
                           caller_num, caller_name, reason):
        fields = {}
        if action_id is not None:
            fields["ActionID"] = action_id
        fields.update(Response="Success" if success else "Failure", Channel=channel_name)
        fields.update(target)
        fields.update(
            Reason=str(reason), Uniqueid=uniqueid,
            CallerIDNum=caller_num, CallerIDName=caller_name,
        )
        return self.emit("OriginateResponse", "call,all", fields)
