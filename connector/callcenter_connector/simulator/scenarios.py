"""Whole calls as pure functions: inputs in, the AMI messages Asterisk emits out.

Each function builds the reference PBX (agents 1001-1003, queues `support`
and `sales` as in queues.conf), schedules the scenario's steps on virtual
time and runs the clock until every channel is gone. Nothing reads the wall
clock or the network, so the same inputs always give the same messages, each
a dict with Asterisk's header names in Asterisk's order. `run()` is the
general form; the named functions cover the recorded scenarios and the cases
the README describes (hold, attended transfer).
"""

from . import operations
from .pbx import Pbx
from .traffic import TrafficDriver

REFERENCE_AGENTS = {
    "1001": ("Alice Martin", 1.0, 4.0),
    "1002": ("Bob Dupont", 1.0, 4.0),
    "1003": ("Chen Jie", 1.0, 4.0),
}
REFERENCE_QUEUES = {
    "support": {"strategy": "ringall", "timeout": 15, "retry": 2, "members": ["1001"]},
    "sales": {"strategy": "leastrecent", "timeout": 5, "retry": 1, "autopause": True,
              "members": ["1002", "1003"]},
}
DEFAULT_START = 1795320280.0


def reference_pbx(sink, start=DEFAULT_START, *, agents=None, first_unique=1, first_local=1,
                  seed=0, boot_time=None, monitor_dir=None, fastagi=None,
                  agent_complete_race=0.0):
    """The PBX of the recordings; `agents` maps extension -> (ring, talk) seconds
    (ring None = never answers) to override the defaults (ring 1 s, talk 4 s)."""
    options = {}
    if monitor_dir:
        options["monitor_dir"] = monitor_dir
    if fastagi:
        options["fastagi"] = fastagi
    pbx = Pbx(start, sink, first_unique=first_unique, first_local=first_local, seed=seed,
              boot_time=boot_time, agent_complete_race=agent_complete_race, **options)
    for extension, (name, ring, talk) in REFERENCE_AGENTS.items():
        ring, talk = (agents or {}).get(extension, (ring, talk))
        pbx.add_agent(extension, name, ring, talk)
    for name, settings in REFERENCE_QUEUES.items():
        pbx.add_queue(name, settings["strategy"], settings["members"], settings["timeout"],
                      settings["retry"], settings.get("autopause", False))
    return pbx


def run(steps, *, start=DEFAULT_START, horizon=3600.0, setup=None, **pbx_options):
    """Runs `steps` [(seconds after start, callable(pbx))] to completion.

    `setup(pbx)` may add agents and queues to the reference PBX first."""
    messages = []
    pbx = reference_pbx(messages.append, start, **pbx_options)
    if setup is not None:
        setup(pbx)
    for offset, step in steps:
        pbx.clock.call_at(start + offset, step, pbx)
    pbx.clock.run_all(horizon)
    return messages


def _call_step(did, number, name, hangup_after, options):
    def step(pbx):
        operations.place_inbound_call(pbx, did, number, name, hangup_after, **options)
    return step


def inbound_call(did, caller_number, caller_name, hangup_after, *, action_id=None,
                 late_agent_complete=None, ivr_digits="1", **pbx_options):
    """A customer calls `did` and hangs up `hangup_after` s after the line answers.

    Covers the queue lines (4001-4004), the direct lines (41XX, 42XX) and the
    IVR (300). `late_agent_complete` reproduces the race in which
    AgentComplete comes after the caller's Hangup, without channel fields.
    """
    options = {"action_id": action_id, "late_agent_complete": late_agent_complete,
               "ivr_digits": ivr_digits}
    return run([(0.0, _call_step(did, caller_number, caller_name, hangup_after, options))],
               **pbx_options)


def click_to_dial(agent, number, caller_id, *, channel_id=None, other_channel_id=None,
                  action_id=None, **pbx_options):
    """Originate `Local/<agent>@agents` into `outbound,<number>` (07)."""
    fields = {"channel": f"Local/{agent}@agents", "context": "outbound", "exten": number,
              "priority": "1", "callerid": caller_id, "timeout": "30000",
              "channelid": channel_id or "", "otherchannelid": other_channel_id or ""}
    return run([(0.0, lambda pbx: operations.originate(pbx, fields, action_id))],
               **pbx_options)


def cati_call(number, queue, *, outcome=None, members=("1002",), channel_id="cati-1",
              other_channel_id="cati-2", ring_seconds=20, connect_seconds=2,
              abandon_sound="cc-cati-abandon", action_id=None, **pbx_options):
    """A dialer call (CATI.md): Originate `Local/<number>@outbound/n` into
    `cc-cati,<queue>`, the number behaving as `outcome` (a `customers.Outcome`), the
    queue's `members` as set up by `agents=`."""
    fields = {"channel": f"Local/{number}@outbound/n", "context": "cc-cati", "exten": queue,
              "priority": "1", "callerid": '"Survey Centre" <4008001234>',
              "timeout": str(int(ring_seconds * 1000)), "channelid": channel_id,
              "otherchannelid": other_channel_id,
              "variable": [f"CC_CATI_CONNECT={connect_seconds}",
                           f"CC_CATI_ABANDON={abandon_sound}"]}

    def setup(pbx):
        pbx.add_queue(queue, "ringall", list(members), 15, 2)
        if outcome is not None:
            pbx.customers.set_number(number, outcome)

    return run([(0.0, lambda pbx: operations.originate(pbx, fields, action_id))], setup=setup,
               **pbx_options)


def blind_transfer(did, caller_number, caller_name, hangup_after, *, member, transfer_after,
                   context="internal", exten="1002", action_id=None, **pbx_options):
    """A queue call answered by `member`, blind-transferred `transfer_after`
    seconds after the call started (08)."""
    def transfer(pbx):
        channel = operations.member_channel(pbx, member)
        operations.blind_transfer(pbx, channel, context, exten)

    options = {"action_id": action_id}
    return run([(0.0, _call_step(did, caller_number, caller_name, hangup_after, options)),
                (transfer_after, transfer)], **pbx_options)


def attended_transfer(did, caller_number, caller_name, hangup_after, *, member,
                      transfer_after, context="internal", exten="1002", **pbx_options):
    """A queue call whose member consults `exten` and completes the transfer."""
    def transfer(pbx):
        channel = operations.member_channel(pbx, member)
        operations.attended_transfer(pbx, channel, context, exten)

    return run([(0.0, _call_step(did, caller_number, caller_name, hangup_after, {})),
                (transfer_after, transfer)], **pbx_options)


def held_call(did, caller_number, caller_name, hangup_after, *, hold_after, hold_seconds,
              **pbx_options):
    """A queue call in which the agent puts the caller on hold once."""
    calls = []

    def place(pbx):
        calls.append(operations.place_inbound_call(pbx, did, caller_number, caller_name,
                                                   hangup_after))

    def hold(pbx):
        operations.hold(pbx, calls[0].linkedid, hold_seconds)

    return run([(0.0, place), (hold_after, hold)], **pbx_options)


def agent_behaviour_step(extension, ring_seconds, talk_seconds):
    """A step that changes an agent's behaviour as the recorder's CLI did."""
    def step(pbx):
        operations.set_agent_behaviour(pbx, extension, ring_seconds, talk_seconds)
    return step


def call_step(did, caller_number, caller_name, hangup_after, **options):
    """A step that places one inbound call (for composing `run()` scripts)."""
    return _call_step(did, caller_number, caller_name, hangup_after, options)


def traffic(model, duration, *, setup=None, **pbx_options):
    """`model`'s calls for `duration` seconds, run to the end of the last call.

    Returns (messages, TrafficReport); the same model and seed always give the
    same messages."""
    drivers = []

    def begin(pbx):
        driver = TrafficDriver(pbx, model)
        driver.start(duration)
        drivers.append(driver)

    messages = run([(0.0, begin)], setup=setup, horizon=duration + 3600.0, **pbx_options)
    return messages, drivers[0].report()
