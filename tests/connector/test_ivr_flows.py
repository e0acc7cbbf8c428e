"""Flows, prompts and lookups against a fake Odoo over real JSON-RPC (the connector's
OdooClient): refresh on a new stamp, the disk cache, bounded fetches, prompt files,
and lookups that a slow or dead Odoo cannot make callers wait for."""

import asyncio
import json
import time

from callcenter_connector.adapters.odoo import OdooClient
from callcenter_connector.ivr import FlowCache, Lookups, SoundSync
from callcenter_connector.ivr.flows import CACHE_FILE
from callcenter_connector.ivr.lookups import CircuitBreaker
from test_ivr_support import FakeOdoo, main_menu, run_async, runtime, sha1


def client(odoo, timeout=2.0):
    return OdooClient(odoo.url, "callcenter", "connector", "k", timeout)


@run_async
async def test_refresh_on_a_new_stamp_then_served_from_disk(tmp_path):
    with FakeOdoo() as odoo:
        flows = FlowCache(tmp_path, client(odoo), pbx_id=lambda: 1)
        refresher = asyncio.ensure_future(flows.run())
        flows.note_stamp("s1")
        await _until(lambda: flows.stamp == "s1")
        assert flows.route("400")["version"] == 7 and flows.route("999") is None
        assert flows.definitions["7"]["start"] == "10"
        flows.note_stamp("s1")
        await asyncio.sleep(0.1)
        assert odoo.called("callcenter_ivr_runtime") == 1, "same stamp: no refresh"
        odoo.publish(8, main_menu(8, start="12"), "s2")
        flows.note_stamp("s2")
        await _until(lambda: flows.stamp == "s2")
        assert flows.route("400")["version"] == 8 and set(flows.definitions) == {"7", "8"}
        assert odoo.called("callcenter_ivr_definitions") == 2, "version 7 is not fetched again"
        refresher.cancel()
    saved = json.loads((tmp_path / CACHE_FILE).read_text())
    assert saved["stamp"] == "s2" and saved["pbx_id"] == 1
    assert not list(tmp_path.glob(".*.tmp")), "written through a temporary file"
    dead = FlowCache(tmp_path, client(odoo, timeout=0.5), pbx_id=lambda: 0)
    assert dead.load() and dead.cached_pbx_id == 1
    assert dead.route("400")["version"] == 8 and dead.definitions["8"]["start"] == "12"
    assert dead.calendars["5"]["name"] == "Business hours"


@run_async
async def test_routes_switch_only_once_their_versions_are_in_hand(tmp_path):
    with FakeOdoo() as odoo:
        flows = FlowCache(tmp_path, client(odoo), pbx_id=lambda: 1)
        await flows.refresh("s1")
        odoo.runtime = runtime(version=9, stamp="s2")
        odoo.definitions["9"] = main_menu(9)
        odoo.unavailable.add("callcenter_ivr_definitions")
        refresher = asyncio.ensure_future(flows.run())
        flows.note_stamp("s2")
        await _until(lambda: odoo.called("callcenter_ivr_runtime") >= 2)
        await asyncio.sleep(0.1)
        assert flows.stamp == "s1" and flows.route("400")["version"] == 7
        odoo.unavailable.clear()
        await _until(lambda: flows.stamp == "s2", timeout=8)
        assert flows.route("400")["version"] == 9
        odoo.runtime = runtime(version=10, stamp="s3")
        flows.note_stamp("s3")
        await _until(lambda: flows.stamp == "s3")
        assert "10" not in flows.definitions, "Odoo does not send it: applied, calls fall back"
        refresher.cancel()


@run_async
async def test_a_missing_version_is_fetched_once_and_bounded(tmp_path):
    with FakeOdoo(definitions={7: main_menu(), 5: main_menu(5)}) as odoo:
        flows = FlowCache(tmp_path, client(odoo), pbx_id=lambda: 1)
        found = await asyncio.gather(*(flows.definition("5", 2.0) for _ in range(20)))
        assert all(definition["id"] == 5 for definition in found)
        assert odoo.called("callcenter_ivr_definitions") == 1
        assert await flows.definition("404", 2.0) is None
        odoo.latency = 1.0
        began = time.monotonic()
        assert await flows.definition("7", 0.2) is None
        assert time.monotonic() - began < 0.5
        await _until(lambda: "7" in flows.definitions, timeout=3)


@run_async
async def test_refresh_keeps_the_flows_while_odoo_is_down(tmp_path):
    with FakeOdoo() as odoo:
        flows = FlowCache(tmp_path, client(odoo), pbx_id=lambda: 1)
        await flows.refresh("s1")
        odoo.down = True
        refresher = asyncio.ensure_future(flows.run())
        flows.note_stamp("s2")
        await _until(lambda: odoo.called("callcenter_ivr_runtime") >= 1)
        await asyncio.sleep(0.2)
        assert flows.stamp == "s1" and flows.route("400")["version"] == 7
        odoo.down = False
        await _until(lambda: flows.stamp == "s2", timeout=5)
        refresher.cancel()


@run_async
async def test_prompt_files_follow_their_checksums(tmp_path):
    good, changed = b"RIFF-welcome", b"RIFF-menu-v2"
    with FakeOdoo() as odoo:
        odoo.sound_files = {"callcenter/ivr-1-en": good, "callcenter/ivr-2-en": changed,
                            "callcenter/ivr-3-en": b"corrupted"}
        sounds_dir = tmp_path / "sounds"
        (sounds_dir / "callcenter").mkdir(parents=True)
        (sounds_dir / "callcenter" / "ivr-2-en.wav").write_bytes(b"RIFF-menu-v1")
        wanted = {"callcenter/ivr-1-en": sha1(good), "callcenter/ivr-2-en": sha1(changed),
                  "callcenter/ivr-3-en": sha1(b"the real one"), "../../etc/passwd": sha1(b"x"),
                  "/abs": sha1(b"y")}
        sync = SoundSync(str(sounds_dir), client(odoo), pbx_id=lambda: 1)
        assert await sync.sync(wanted) == 2
        assert (sounds_dir / "callcenter" / "ivr-1-en.wav").read_bytes() == good
        assert (sounds_dir / "callcenter" / "ivr-2-en.wav").read_bytes() == changed
        assert not (sounds_dir / "callcenter" / "ivr-3-en.wav").exists(), "checksum mismatch"
        assert not (tmp_path / "etc").exists()
        calls = odoo.called("callcenter_ivr_sounds")
        assert await sync.sync({name: wanted[name] for name in list(wanted)[:2]}) == 0
        assert odoo.called("callcenter_ivr_sounds") == calls, "nothing to fetch"
        assert await SoundSync("", client(odoo)).sync(wanted) == 0


@run_async
async def test_lookups_are_bounded_and_break_the_circuit(tmp_path):
    odoo = FakeOdoo().start()
    odoo.lookup_answers["+8613800138000"] = {"known": True, "partner_id": 42, "vip": True,
                                             "blacklisted": False,
                                             "last_agent_dial": "Local/1001@agents/n",
                                             "last_agent_available": True}
    lookups = Lookups(client(odoo), threads=2, breaker=CircuitBreaker(3, cooldown=0.5))
    try:
        found = await lookups.caller(1, "+8613800138000", 30, 1.0)
        assert found["vip"] and found["partner_id"] == 42
        assert not (await lookups.caller(1, "+1555", 30, 1.0))["known"]
        odoo.lookup_delay = 2.0
        began = time.monotonic()
        answers = await asyncio.gather(*(lookups.caller(1, "+8613800138000", 30, 0.2)
                                         for _ in range(3)))
        assert time.monotonic() - began < 0.6, "each lookup waits its node's timeout at most"
        assert not any(answer["known"] for answer in answers)
        assert lookups.breaker.is_open
        asked = odoo.called("callcenter_ivr_lookup")
        began = time.monotonic()
        assert not (await lookups.caller(1, "+8613800138000", 30, 0.2))["known"]
        assert time.monotonic() - began < 0.05, "an open breaker answers at once"
        assert odoo.called("callcenter_ivr_lookup") == asked
        odoo.lookup_delay = 0.0
        await asyncio.sleep(2.0)
        assert (await lookups.caller(1, "+8613800138000", 30, 1.0))["known"], "closed again"
    finally:
        lookups.close()
        odoo.stop()


async def _until(condition, timeout=5.0):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        await asyncio.sleep(0.02)
