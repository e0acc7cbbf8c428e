import base64
import io
import wave

from odoo.tests import new_test_user

from odoo.addons.callcenter_base.tests.common import CallcenterCommon


def silence_wav(seconds=0.4, rate=16000):
    """A real WAV file, at a rate the PBX does not play, so that the upload converts it."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as writer:
        writer.setnchannels(2)
        writer.setsampwidth(2)
        writer.setframerate(rate)
        writer.writeframes(b"\x00\x00\x10\x00" * int(seconds * rate))
    return buffer.getvalue()


class IvrCommon(CallcenterCommon):
    """A flow on the test PBX: welcome, a menu (1 support, 2 sales, failure → support),
    queues that go on to a rating."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user_connector = new_test_user(
            cls.env, "cc_connector", name="Connector",
            groups="base.group_user,callcenter_base.group_callcenter_connector")
        cls.prompt = cls._prompt("Welcome")
        cls.menu_prompt = cls._prompt("Menu")
        cls.flow = cls.env["callcenter.ivr"].create({
            "name": "Hotline", "pbx_id": cls.pbx.id, "fallback_queue_id": cls.queue_support.id,
            "default_language": "en",
        })
        cls.version = cls.flow.version_ids
        node = cls._node
        cls.welcome = node("Welcome", "play", prompt_id=cls.prompt.id)
        cls.menu = node("Menu", "menu", prompt_id=cls.menu_prompt.id)
        cls.rating = node("Rating", "rating", prompt_id=cls.prompt.id)
        cls.support = node("Support", "queue", queue_id=cls.queue_support.id,
                           next_node_id=cls.rating.id)
        cls.sales = node("Sales", "queue", queue_id=cls.queue_sales.id)
        cls.welcome.next_node_id = cls.menu
        cls.menu.write({"failure_node_id": cls.support.id, "option_ids": [
            (0, 0, {"key": "1", "target_node_id": cls.support.id}),
            (0, 0, {"key": "2", "target_node_id": cls.sales.id}),
        ]})
        cls.version.start_node_id = cls.welcome

    @classmethod
    def _prompt(cls, name):
        return cls.env["callcenter.ivr.prompt"].create({
            "name": name, "source": "upload",
            "audio_ids": [(0, 0, {"language": "en", "upload": base64.b64encode(silence_wav()),
                                  "upload_filename": f"{name}.wav"})],
        })

    @classmethod
    def _node(cls, name, kind, version=None, **values):
        return cls.env["callcenter.ivr.node"].create({
            "version_id": (version or cls.version).id, "name": name, "kind": kind, **values})
