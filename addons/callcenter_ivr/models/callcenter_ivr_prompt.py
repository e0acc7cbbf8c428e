import base64

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..tools.audio import LANGUAGES, ODOO_LANGS, AudioError, describe, synthesize

IVR_LANGUAGES = [(code, label) for code, (label, _voice) in LANGUAGES.items()]


class CallcenterIvrPrompt(models.Model):
    """A recorded or synthesized message. Its audio lines hold one telephony WAV per
    language; a published flow version keeps the sounds it was published with, so
    replacing a prompt's audio reaches callers with the next published version."""

    _name = "callcenter.ivr.prompt"
    _description = "IVR Prompt"
    _order = "name, id"

    name = fields.Char(required=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", default=lambda self: self.env.company, index=True)
    source = fields.Selection(
        [("tts", "Text to speech"), ("upload", "Uploaded audio")],
        default="tts", required=True,
    )
    text = fields.Text(
        translate=True,
        help="Spoken by the speech engine in each language of the prompt (translate the "
        "field for the Chinese version).",
    )
    audio_ids = fields.One2many("callcenter.ivr.prompt.audio", "prompt_id", string="Audio")
    language_summary = fields.Char(compute="_compute_language_summary", string="Languages")
    duration = fields.Float(compute="_compute_language_summary", string="Duration (s)")

    @api.depends("audio_ids.language", "audio_ids.duration")
    def _compute_language_summary(self):
        labels = dict(IVR_LANGUAGES)
        for prompt in self:
            prompt.language_summary = ", ".join(
                labels.get(code, code) for code in sorted(set(prompt.audio_ids.mapped("language"))))
            prompt.duration = max(prompt.audio_ids.mapped("duration") or [0.0])

    def action_generate_speech(self):
        """(Re)create the audio of every IVR language from the prompt's text."""
        for prompt in self:
            if not prompt.text:
                raise UserError(_("Prompt “%(prompt)s” has no text to speak.", prompt=prompt.name))
            lines = []
            for language in LANGUAGES:
                text = prompt.with_context(lang=ODOO_LANGS[language]).text
                if language != "en" and text == prompt.with_context(lang="en_US").text:
                    continue
                try:
                    sound = synthesize(text, language)
                except AudioError as exc:
                    raise UserError(_("Speech for prompt “%(prompt)s” could not be made: %(reason)s",
                                      prompt=prompt.name, reason=exc)) from None
                lines.append((language, sound))
            prompt._callcenter_replace_audio(lines, origin="tts")
        return True

    def _callcenter_replace_audio(self, lines, origin):
        self.ensure_one()
        self.env["callcenter.ivr.prompt.audio"].create([
            {"prompt_id": self.id, "language": language, "origin": origin,
             "sound": base64.b64encode(sound), "duration": duration, "checksum": checksum}
            for language, sound in lines
            for duration, checksum in [describe(sound)]
        ])

    def _callcenter_sounds(self, pbx):
        """{language: what Asterisk plays}: a name in the sounds folder, or a URL."""
        self.ensure_one()
        audios = self.audio_ids.filtered("checksum")
        if pbx.ivr_prompt_delivery == "url":
            return {audio.language: audio._callcenter_url(pbx) for audio in audios}
        return {audio.language: audio.sound_name for audio in audios}
