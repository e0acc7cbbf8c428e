import base64

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..tools.audio import AudioError, convert_upload, describe
from .callcenter_ivr_prompt import IVR_LANGUAGES


class CallcenterIvrPromptAudio(models.Model):
    """One language of a prompt, as Asterisk plays it. Lines are never changed once
    made: a new recording archives the old line, so versions published with it
    keep a sound that still exists."""

    _name = "callcenter.ivr.prompt.audio"
    _description = "IVR Prompt Audio"
    _order = "prompt_id, language, id desc"
    _rec_name = "sound_name"

    prompt_id = fields.Many2one("callcenter.ivr.prompt", required=True, ondelete="cascade", index=True)
    active = fields.Boolean(default=True)
    language = fields.Selection(IVR_LANGUAGES, required=True, default="en")
    origin = fields.Selection([("tts", "Speech engine"), ("upload", "Upload")], required=True,
                              default="upload", readonly=True)
    upload = fields.Binary(string="Audio File", attachment=True,
                           help="WAV, MP3, OGG or FLAC; converted to 8 kHz mono on save.")
    upload_filename = fields.Char()
    sound = fields.Binary(string="Telephony Audio", attachment=True, readonly=True)
    duration = fields.Float(string="Duration (s)", readonly=True, digits=(6, 2))
    checksum = fields.Char(readonly=True, index=True)
    sound_name = fields.Char(compute="_compute_sound_name", store=True,
                             help="The file's name in the PBX's sounds folder, without .wav.")

    @api.depends("prompt_id", "language", "checksum")
    def _compute_sound_name(self):
        for audio in self:
            audio.sound_name = (f"callcenter/ivr-{audio.prompt_id.id}-{audio.language}-{audio.checksum[:10]}"
                                if audio.checksum else False)

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("upload"):
                vals.update(self._callcenter_convert(vals["upload"], vals.get("upload_filename")))
                vals["origin"] = "upload"
        audios = super().create(vals_list)
        if audios.filtered(lambda a: not a.sound):
            raise ValidationError(_("An audio line needs an audio file."))
        for audio in audios:
            self.search([
                ("prompt_id", "=", audio.prompt_id.id), ("language", "=", audio.language),
                ("id", "!=", audio.id),
            ]).active = False
        return audios

    def write(self, vals):
        if "upload" in vals or "sound" in vals:
            raise UserError(_("The audio of a prompt line cannot be changed: add a new line, "
                              "the old one is archived so that published flows keep playing it."))
        return super().write(vals)

    @api.model
    def _callcenter_convert(self, upload_b64, filename):
        try:
            sound = convert_upload(base64.b64decode(upload_b64), filename)
            duration, checksum = describe(sound)
        except (AudioError, ValueError) as exc:
            raise UserError(_("The audio file %(file)s could not be used: %(reason)s",
                              file=filename or "", reason=exc)) from None
        return {"sound": base64.b64encode(sound), "duration": duration, "checksum": checksum}

    def _callcenter_url(self, pbx):
        base = (pbx.ivr_sound_base_url or self.get_base_url()).rstrip("/")
        return (f"{base}/callcenter/ivr/sound/{pbx.id}/{self.id}/{self.checksum[:10]}.wav"
                f"?token={pbx._callcenter_ivr_sound_token(self)}")
