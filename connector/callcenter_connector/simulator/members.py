"""Queue membership changes: QueueAdd, QueueRemove, QueuePause, QueuePenalty.

Responses and events are those of transcript 12: a pause emits the
`Queue:<queue>_pause_<interface>` device state before QueueMemberPause, and a
pause without a queue applies to every queue the interface belongs to. Each
function validates first and raises MemberError without side effects; then
it calls `accepted()` (the AMI layer sends its Success response there, since
Asterisk answers before the events go out) and applies the change.
"""

from .model import QueueMember


class MemberError(Exception):
    """Carries the Message of an AMI `Response: Error`."""


def _nothing():
    return None


def add_member(pbx, queue_name, interface, name="", penalty=0, paused=False, reason="",
               accepted=_nothing):
    queue = pbx.queues.get(queue_name)
    if queue is None:
        raise MemberError("Unable to add interface to queue: No such queue")
    if queue.member(interface) is not None:
        raise MemberError("Unable to add interface: Already there")
    accepted()
    agent = pbx.agent_by_interface(interface)
    member = QueueMember(
        interface, name or interface, agent, "dynamic", penalty=int(penalty or 0),
        paused=bool(paused), paused_reason=reason if paused else "",
        login_time=int(pbx.now()),
    )
    queue.members.append(member)
    pbx.remember_member(queue, member)
    pbx.events.queue_member("QueueMemberAdded", queue.name, member)
    pbx.member_changed(queue, member)
    return member


def remove_member(pbx, queue_name, interface, accepted=_nothing):
    queue = pbx.queues.get(queue_name)
    if queue is None:
        raise MemberError("Unable to remove interface from queue: No such queue")
    member = queue.member(interface)
    if member is None:
        raise MemberError("Unable to remove interface: Not there")
    if member.membership == "static":
        raise MemberError("Unable to remove interface: Not dynamic")
    accepted()
    queue.members.remove(member)
    pbx.forget_member(queue, member)
    pbx.events.queue_member("QueueMemberRemoved", queue.name, member)
    pbx.member_changed(queue, member)
    return member


def pause_member(pbx, interface, paused, reason="", queue_name=None, accepted=_nothing):
    """Pauses in one queue, or in all queues of the interface when none is given."""
    if queue_name:
        queue = pbx.queues.get(queue_name)
        targets = [(queue, queue.member(interface))] if queue is not None else []
        targets = [(q, m) for q, m in targets if m is not None]
    else:
        targets = list(pbx.memberships(interface))
    if not targets:
        raise MemberError("Interface not found")
    accepted()
    now = int(pbx.now())
    for queue, member in targets:
        member.paused = bool(paused)
        member.paused_reason = reason if paused else ""
        if paused:
            member.last_pause = now
        pbx.events.device_state(
            f"Queue:{queue.name}_pause_{member.interface}", "INUSE" if paused else "NOT_INUSE"
        )
        pbx.events.queue_member("QueueMemberPause", queue.name, member)
        pbx.member_changed(queue, member)
    return targets


def set_penalty(pbx, interface, penalty, queue_name=None, accepted=_nothing):
    targets = list(pbx.memberships(interface))
    if queue_name:
        targets = [(queue, member) for queue, member in targets if queue.name == queue_name]
    if not targets:
        raise MemberError("Invalid interface, queuename or penalty")
    accepted()
    for queue, member in targets:
        member.penalty = int(penalty)
        pbx.events.queue_member("QueueMemberPenalty", queue.name, member)
    return targets
