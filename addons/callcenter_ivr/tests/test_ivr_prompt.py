import base64
import wave
from io import BytesIO

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import IvrCommon, silence_wav


@tagged("callcenter")
class TestIvrPrompt(IvrCommon):
    def test_upload_is_converted_for_the_pbx(self):
        audio = self.prompt.audio_ids
        with wave.open(BytesIO(base64.b64decode(audio.sound))) as reader:
            self.assertEqual((reader.getframerate(), reader.getnchannels(), reader.getsampwidth()),
                             (8000, 1, 2))
        self.assertAlmostEqual(audio.duration, 0.4, places=1)
        self.assertEqual(audio.origin, "upload")

    def test_bad_upload_is_refused_clearly(self):
        with self.assertRaisesRegex(UserError, "could not be used"):
            self.env["callcenter.ivr.prompt.audio"].create({
                "prompt_id": self.prompt.id, "language": "zh",
                "upload": base64.b64encode(b"this is not audio"), "upload_filename": "x.wav"})

    def test_audio_lines_are_immutable(self):
        with self.assertRaisesRegex(UserError, "cannot be changed"):
            self.prompt.audio_ids.write({"upload": base64.b64encode(silence_wav())})

    def test_speech_in_english_and_mandarin(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        prompt = self.env["callcenter.ivr.prompt"].create({"name": "Hello", "text": "Hello"})
        prompt.update_field_translations("text", {"zh_CN": "您好"})
        prompt.action_generate_speech()
        self.assertEqual(sorted(prompt.audio_ids.mapped("language")), ["en", "zh"])
        self.assertTrue(all(a.duration > 0.2 for a in prompt.audio_ids))
        first = prompt.audio_ids
        prompt.action_generate_speech()
        self.assertEqual(len(prompt.with_context(active_test=False).audio_ids), 4)
        self.assertFalse(prompt.audio_ids & first, "the old lines are archived, not changed")

    def test_no_text(self):
        prompt = self.env["callcenter.ivr.prompt"].create({"name": "Empty"})
        with self.assertRaisesRegex(UserError, "has no text"):
            prompt.action_generate_speech()

    def test_url_delivery(self):
        self.pbx.write({"ivr_prompt_delivery": "url", "ivr_sound_base_url": "https://odoo.example.com"})
        audio = self.prompt.audio_ids
        url = self.prompt._callcenter_sounds(self.pbx)["en"]
        self.assertTrue(url.startswith(f"https://odoo.example.com/callcenter/ivr/sound/{self.pbx.id}/{audio.id}/"))
        token = url.split("token=")[1]
        self.assertEqual(self.pbx._callcenter_ivr_sound(audio.id, token), base64.b64decode(audio.sound))
        self.assertIsNone(self.pbx._callcenter_ivr_sound(audio.id, "0" * 32))
