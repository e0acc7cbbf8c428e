"""Prompts in the one format every Asterisk plays without transcoding surprises:
WAV, 8 kHz, mono, 16-bit signed PCM (Asterisk's `wav` format).

Conversion goes through the `sox` and `espeak-ng` programs (Debian packages,
installed by the project's setup and the Docker image), never through a shell:
arguments are passed as a list and the audio as files in a private folder.
"""

import hashlib
import io
import shutil
import subprocess
import tempfile
import wave
from pathlib import Path

SAMPLE_RATE = 8000
CONVERT_TIMEOUT_SECONDS = 60
MAX_INPUT_BYTES = 50 * 1024 * 1024
MAX_SPEECH_CHARACTERS = 2000

#: Asterisk language code → (label, espeak-ng voice).
LANGUAGES = {
    "en": ("English", "en-us"),
    "zh": ("Chinese (Mandarin)", "cmn"),
}
#: Odoo language code → Asterisk language code, for text translated in Odoo.
ODOO_LANGS = {"en": "en_US", "zh": "zh_CN"}


class AudioError(Exception):
    """The audio could not be converted; the message says why, for the user."""


def _run(command, what):
    program = shutil.which(command[0])
    if not program:
        raise AudioError(f"the program {command[0]} is not installed on the Odoo server "
                         f"(Debian package {'espeak-ng' if command[0] == 'espeak-ng' else 'sox'})")
    try:
        result = subprocess.run([program, *command[1:]], capture_output=True,
                                timeout=CONVERT_TIMEOUT_SECONDS, check=False)
    except subprocess.TimeoutExpired:
        raise AudioError(f"{what} took more than {CONVERT_TIMEOUT_SECONDS} seconds") from None
    if result.returncode:
        detail = result.stderr.decode("utf-8", "replace").strip().splitlines()
        raise AudioError(f"{what} failed: {detail[-1] if detail else 'exit ' + str(result.returncode)}")


def _to_telephony(source, folder):
    target = Path(folder) / "prompt.wav"
    _run(["sox", "-V1", str(source), "-r", str(SAMPLE_RATE), "-c", "1", "-b", "16",
          "-e", "signed-integer", str(target), "norm", "-3"], "the audio conversion")
    return target.read_bytes()


def describe(data):
    """(seconds, sha1 hex) of a telephony WAV; raises AudioError when it is not one."""
    try:
        with wave.open(io.BytesIO(data)) as reader:
            rate, channels, width = reader.getframerate(), reader.getnchannels(), reader.getsampwidth()
            frames = reader.getnframes()
    except (wave.Error, EOFError) as exc:
        raise AudioError(f"the converted audio is not a valid WAV file ({exc})") from None
    if (rate, channels, width) != (SAMPLE_RATE, 1, 2):
        raise AudioError(f"the converted audio is {rate} Hz, {channels} channel(s), "
                         f"{8 * width} bits instead of 8000 Hz mono 16 bits")
    return frames / rate, hashlib.sha1(data).hexdigest()


def convert_upload(data, filename):
    """Any format sox reads (WAV, MP3, OGG, FLAC, AIFF...) to a telephony WAV."""
    if not data:
        raise AudioError("the file is empty")
    if len(data) > MAX_INPUT_BYTES:
        raise AudioError(f"the file is larger than {MAX_INPUT_BYTES // (1024 * 1024)} MB")
    suffix = Path(filename or "").suffix.lower()
    if not suffix or len(suffix) > 6 or not suffix[1:].isalnum():
        suffix = ".wav"
    with tempfile.TemporaryDirectory(prefix="callcenter-audio-") as folder:
        source = Path(folder) / f"upload{suffix}"
        source.write_bytes(data)
        return _to_telephony(source, folder)


def synthesize(text, language):
    """Speech for `text` in the Asterisk `language`, through espeak-ng."""
    text = (text or "").strip()
    if not text:
        raise AudioError("there is no text to speak")
    if len(text) > MAX_SPEECH_CHARACTERS:
        raise AudioError(f"the text is longer than {MAX_SPEECH_CHARACTERS} characters")
    if language not in LANGUAGES:
        raise AudioError(f"no voice for language {language!r}")
    voice = LANGUAGES[language][1]
    with tempfile.TemporaryDirectory(prefix="callcenter-tts-") as folder:
        text_file, speech = Path(folder) / "text.txt", Path(folder) / "speech.wav"
        text_file.write_text(text, encoding="utf-8")
        _run(["espeak-ng", "-v", voice, "-s", "150", "-f", str(text_file), "-w", str(speech)],
             "speech synthesis")
        return _to_telephony(speech, folder)
