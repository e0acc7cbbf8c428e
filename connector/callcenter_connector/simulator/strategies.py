"""Which available members a queue rings next, per queues.conf `strategy`.

app_queue builds its list of call attempts by prepending each member, then
rings the attempt with the lowest metric, keeping the first one found on a
tie: equal metrics therefore go to the member configured *last*. That is why
transcript 03 rings Chen Jie (1003) before Bob Dupont (1002) although both
have LastCall 0.
"""


def choose_members(queue, available, rng):
    """The members to ring now: all of them for ringall, otherwise one."""
    if not available:
        return []
    strategy = queue.strategy
    if strategy == "ringall":
        return list(available)
    if strategy == "leastrecent":
        return [min(reversed(available), key=lambda member: member.last_call)]
    if strategy == "fewestcalls":
        return [min(reversed(available), key=lambda member: member.calls_taken)]
    if strategy == "random":
        return [rng.choice(available)]
    if strategy in ("rrmemory", "roundrobin", "rrordered"):
        members = queue.members
        for step in range(len(members)):
            candidate = members[(queue.rr_position + step) % len(members)]
            if candidate in available:
                queue.rr_position = (members.index(candidate) + 1) % len(members)
                return [candidate]
        return []
    return [available[0]]
