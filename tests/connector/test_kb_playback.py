"""Knowledge base clips played into a live call (callcenter_helpdesk's "Play to caller").

The simulator answers the Originate of `Local/s@cc-kb-playback/n` running ChanSpy
as the reference PBX does; the connector's `playback` command writes the clip
beside the IVR prompts and whispers it to the caller while the call stays bridged,
without the clip's Local pair becoming a call in Odoo.
"""

import asyncio
import base64
import hashlib

from callcenter_connector.service import ConnectorService
from callcenter_connector.simulator import SimulatorServer
from test_ivr_support import connector_config, until
from test_service import RecordingOdoo
from test_simulator import TIMEOUT, RawClient, reference_server, run_async

WAV = b"RIFF\x24\x00\x00\x00WAVEfmt " + b"\x00" * 28
SOUND = "callcenter/kb-7-0123456789ab"
SPEED = 20


@run_async
async def test_simulator_plays_a_clip_into_a_bridged_call():
    server = await reference_server().start()
    try:
        client = await RawClient().connect(server.port)
        await server.place_inbound_call("4001", "+331", "Jean", 12)
        connect = await client.wait_for(lambda m: m.get("event") == "AgentConnect")
        prefix = connect["channel"].rsplit(";", 1)[0] + ";"
        client.send({"Action": "Originate", "ActionID": "kb", "Channel": "Local/s@cc-kb-playback/n",
                     "Application": "ChanSpy", "Data": f"{prefix},bqEw",
                     "Variable": f"CC_KB_SOUND={SOUND}", "CallerID": "Knowledge base <kb>",
                     "Async": "true", "ChannelId": "kbplay-1", "OtherChannelId": "kbplay-1-2"})
        queued = await client.wait_for(lambda m: m.get("actionid") == "kb"
                                       and m.get("response"))
        assert queued["message"] == "Originate successfully queued"
        answered = await client.wait_for(lambda m: m.get("event") == "OriginateResponse"
                                         and m.get("actionid") == "kb")
        assert (answered["response"], answered["reason"], answered["uniqueid"]) == (
            "Success", "4", "kbplay-1")
        played = await client.wait_for(lambda m: m.get("event") == "Newexten"
                                       and m.get("application") == "Playback")
        assert played["appdata"] == SOUND and played["channel"].endswith(";2")
        assert played["context"] == "cc-kb-playback" and played["linkedid"] == "kbplay-1"
        spy = await client.wait_for(lambda m: m.get("event") == "ChanSpyStart")
        assert spy["spyeechannel"] == connect["channel"], "the caller's bridged half"
        assert spy["spyerchannel"].startswith("Local/s@cc-kb-playback-")
        stop = await client.wait_for(lambda m: m.get("event") == "ChanSpyStop")
        assert stop["spyerchannel"] == spy["spyerchannel"]
        gone = await client.wait_for(lambda m: m.get("event") == "Hangup"
                                     and m.get("uniqueid") == "kbplay-1")
        # The clip's pair went while the call goes on: the caller is still bridged.
        assert not [m for m in client.messages[:client.messages.index(gone)]
                    if m.get("event") == "Hangup" and m.get("linkedid") == connect["linkedid"]]
        assert connect["channel"] in server.pbx.channels
        await server.wait_idle(TIMEOUT)
    finally:
        await server.stop()


@run_async
async def test_simulator_clip_for_a_caller_gone_plays_to_nobody():
    server = await reference_server().start()
    try:
        client = await RawClient().connect(server.port)
        client.send({"Action": "Originate", "ActionID": "kb", "Channel": "Local/s@cc-kb-playback/n",
                     "Application": "ChanSpy", "Data": "PJSIP/trunk-0000002a,bqEw",
                     "Variable": f"CC_KB_SOUND={SOUND}", "Async": "true"})
        await client.wait_for(lambda m: m.get("event") == "OriginateResponse")
        await client.wait_for(lambda m: m.get("event") == "Hangup"
                              and m.get("channel", "").endswith(";1"))
        assert not [m for m in client.messages if m.get("event") == "ChanSpyStart"]
        await server.wait_idle(TIMEOUT)
    finally:
        await server.stop()


def with_connector(test, sounds=True):
    def wrapper(tmp_path):
        async def scenario():
            pbx = SimulatorServer(speed=SPEED)
            pbx.add_agent("1001", "Alice Martin", ring_seconds=1, talk_seconds=None)
            did = pbx.add_queue("support", "ringall", ["1001"])
            await pbx.start()
            odoo = RecordingOdoo()
            # no Odoo URL: the recording Odoo stands in for the client; default Odoo timeout
            config = connector_config(tmp_path, None, pbx.port, odoo_timeout_seconds=None,
                                      sounds_dir=str(tmp_path / "sounds") if sounds else "")
            service = ConnectorService(config, odoo=odoo)
            await service.start()
            try:
                await until(lambda: service.ami.authenticated)
                await test(pbx, did, service, odoo, tmp_path)
            finally:
                await service.stop()
                await pbx.stop()
        asyncio.run(asyncio.wait_for(scenario(), 60))
    wrapper.__name__, wrapper.__doc__ = test.__name__, test.__doc__
    return wrapper


def _params(linkedid, **extra):
    return {"linkedid": linkedid, "sound": SOUND, "interface": "Local/1001@agents/n", **extra}


async def _upload(service, data, chunk=64 * 1024):
    """What Odoo does before a playback: status, then the clip in chunks."""
    sha1 = hashlib.sha1(data).hexdigest()
    status = await service.dispatch("sound_status", {"sound": SOUND, "sha1": sha1})
    assert status["ok"], status
    if status["present"]:
        return []
    answers = []
    for offset in range(0, len(data), chunk):
        answers.append(await service.dispatch("sound_upload", {
            "sound": SOUND, "sha1": sha1, "offset": offset, "total": len(data),
            "data": base64.b64encode(data[offset:offset + chunk]).decode()}))
    return answers


@with_connector
async def test_playback_command_whispers_the_clip_to_the_caller(pbx, did, service, odoo, tmp_path):
    linkedid = await pbx.place_inbound_call(did, "+8613800138000", "Zhang Wei", hangup_after=30)
    await until(lambda: "answered" in odoo.call_states(linkedid))
    clip = WAV + bytes(range(256)) * 600  # ~150 KB: three chunks
    answers = await _upload(service, clip)
    assert [a["complete"] for a in answers] == [False, False, True]
    assert answers[-1]["received"] == len(clip)
    path = tmp_path / "sounds" / f"{SOUND}.wav"
    assert path.read_bytes() == clip
    assert not list(path.parent.glob("*.part")), "no partial file left behind"
    answer = await service.dispatch("playback", _params(linkedid))
    assert answer["ok"], answer
    assert answer["channel"].startswith("Local/") and answer["channel"].endswith(";")
    assert service._playback_linkedids, "the clip's pair is known as a media helper"
    await until(lambda: not service._playback_linkedids)
    # The same clip again: already there, nothing is sent.
    assert await _upload(service, clip) == []
    assert (await service.dispatch("playback", _params(linkedid)))["ok"]
    await pbx.wait_idle(30)
    await until(lambda: linkedid in odoo.final_calls())
    call = odoo.final_calls()[linkedid]
    assert call["state"] == "completed" and 25 <= call["ended_at"] - call["answered_at"] <= 32
    linkedids = {f["linkedid"] for f in odoo.facts if f["type"] == "call"}
    assert linkedids == {linkedid}, "the clip's Local pair never becomes a call"


@with_connector
async def test_playback_refusals(pbx, did, service, odoo, tmp_path):
    answer = await service.dispatch("playback", _params("no-such-call"))
    assert answer == {"ok": False, "error": "This call is no longer on the PBX."}
    linkedid = await pbx.place_inbound_call(did, "+8613800138000", "Zhang Wei", hangup_after=20)
    await until(lambda: "answered" in odoo.call_states(linkedid))
    answer = await service.dispatch("playback", _params(linkedid, interface="PJSIP/1009"))
    assert answer == {"ok": False, "error": "You are not on this call."}
    answer = await service.dispatch("playback", _params(linkedid))
    assert not answer["ok"] and "not on the PBX yet" in answer["error"]
    answer = await service.dispatch("playback", _params(linkedid, sound="../etc/passwd"))
    assert not answer["ok"] and "not a plain sound name" in answer["error"]
    answer = await service.dispatch("playback", {"linkedid": linkedid})
    assert not answer["ok"] and "bad parameters" in answer["error"]
    upload = {"sound": SOUND, "sha1": "0" * 40, "offset": 0, "total": len(WAV),
              "data": base64.b64encode(WAV).decode()}
    answer = await service.dispatch("sound_upload", upload)
    assert not answer["ok"] and "checksum" in answer["error"]
    answer = await service.dispatch("sound_upload", {**upload, "offset": 10})
    assert not answer["ok"] and "out of order" in answer["error"]
    answer = await service.dispatch("sound_upload", {**upload, "data": "not base64!"})
    assert not answer["ok"] and "base64" in answer["error"]
    answer = await service.dispatch("sound_upload", {**upload, "total": 10 ** 9})
    assert not answer["ok"] and "too large" in answer["error"]
    assert not (tmp_path / "sounds" / f"{SOUND}.wav").exists()
    await pbx.wait_idle(30)


@with_connector
async def test_clip_upload_does_not_need_the_pbx(pbx, did, service, odoo, tmp_path):
    """Like ivr_refresh, storing a clip works while the AMI link is down."""
    service.ami.stop()
    await until(lambda: not service.ami.authenticated)
    assert [a["complete"] for a in await _upload(service, WAV)] == [True]
    answer = await service.dispatch("playback", _params("x"))
    assert answer == {"ok": False, "error": "The PBX is not connected: the call cannot be placed now."}
    service.ami.start()


def _without_sounds(test):
    return with_connector(test, sounds=False)


@_without_sounds
async def test_playback_needs_a_sounds_folder(pbx, did, service, odoo, tmp_path):
    for action, params in (("sound_status", {"sound": SOUND, "sha1": "0"}),
                           ("playback", _params("x"))):
        answer = await service.dispatch(action, params)
        assert not answer["ok"] and "CALLCENTER_SOUNDS_DIR" in answer["error"], action
