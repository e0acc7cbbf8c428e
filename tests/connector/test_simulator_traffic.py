"""The traffic model: reproducible load, members' state and strategies respected."""

import asyncio
import collections

from callcenter_connector.simulator import scenarios
from callcenter_connector.simulator.members import pause_member
from callcenter_connector.simulator.server import SimulatorServer
from callcenter_connector.simulator.traffic import TrafficModel

AGENTS = {"1001": (2.0, None), "1002": (3.0, None), "1003": (1.0, None)}
MODEL = TrafficModel(queues={"support": 90, "sales": 60}, mean_talk=60, mean_patience=45,
                     seed=7, hold_probability=0.3, transfer_probability=0.2)
DURATION = 1800


def test_same_seed_gives_the_same_calls_and_outcomes():
    first_messages, first = scenarios.traffic(MODEL, DURATION, agents=AGENTS)
    again_messages, again = scenarios.traffic(MODEL, DURATION, agents=AGENTS)
    assert first == again and first_messages == again_messages
    assert first.offered == first.answered + first.abandoned > 40
    assert first.answered and first.abandoned
    tallies = first.by_queue.values()
    assert sum(t.held for t in tallies) and sum(t.transferred for t in tallies)
    other = TrafficModel(**{**MODEL.__dict__, "seed": 8})
    assert scenarios.traffic(other, DURATION, agents=AGENTS)[1] != first


def test_every_call_is_complete_and_consistent():
    messages, report = scenarios.traffic(MODEL, DURATION, agents=AGENTS)
    counts = collections.Counter(m["Event"] for m in messages)
    assert counts["Newchannel"] == counts["Hangup"]
    assert counts["BridgeCreate"] == counts["BridgeDestroy"]
    assert counts["QueueCallerJoin"] == counts["QueueCallerLeave"] == report.offered
    assert counts["AgentConnect"] == counts["AgentComplete"]
    stamps = [float(m["Timestamp"]) for m in messages]
    assert stamps == sorted(stamps)


def test_paused_members_are_never_rung():
    def pause_sales(pbx):
        pause_member(pbx, "Local/1002@agents/n", True, "Break", "sales")

    messages, report = scenarios.traffic(MODEL, 900, agents=AGENTS, setup=pause_sales)
    called = {m["Interface"] for m in messages if m["Event"] == "AgentCalled"
              and m["Queue"] == "sales"}
    assert called == {"Local/1003@agents/n"}
    assert report.by_queue["sales"].answered


def test_strategies_spread_calls_as_configured():
    def queues(pbx):
        pbx.add_agent("1004", "Dan Brown", 1.0, None)
        pbx.add_queue("billing", "rrmemory", ["1003", "1004"], timeout=10, retry=1)

    model = TrafficModel(queues={"billing": 120}, mean_talk=20, mean_patience=300, seed=3,
                         hold_probability=0, transfer_probability=0)
    messages, report = scenarios.traffic(model, 1800, setup=queues)
    connects = [m["Interface"] for m in messages if m["Event"] == "AgentConnect"]
    assert report.by_queue["billing"].answered == len(connects) > 20
    first_calls = connects[:4]
    assert first_calls[0] != first_calls[1] and set(first_calls) == {
        "Local/1003@agents/n", "Local/1004@agents/n"}


def test_the_server_plays_the_same_traffic_as_the_pure_run():
    async def on_server():
        server = SimulatorServer(speed=2000, start_time=scenarios.DEFAULT_START, seed=0)
        for extension, (name, _ring, _talk) in scenarios.REFERENCE_AGENTS.items():
            ring, talk = AGENTS[extension]
            server.add_agent(extension, name, ring, talk)
        for name, settings in scenarios.REFERENCE_QUEUES.items():
            server.add_queue(name, settings["strategy"], settings["members"],
                             settings["timeout"], settings["retry"],
                             settings.get("autopause", False))
        await server.start()
        try:
            return await server.run_traffic(MODEL, 600)
        finally:
            await server.stop()

    _, pure = scenarios.traffic(MODEL, 600, agents=AGENTS)
    assert asyncio.run(asyncio.wait_for(on_server(), 15)) == pure
