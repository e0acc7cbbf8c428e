"""`AGI(agi://host:port/script,args)`: the PBX side of FastAGI.

Asterisk connects to the FastAGI server, sends the `agi_*` environment,
then answers one command per line (`200 result=…`) and reports each on AMI
as AGIExecStart/AGIExecEnd. `AgiApp` executes commands on the simulated
channel in virtual time; who sends the commands is pluggable: the live
server connects to a real FastAGI server (see fastagi.py), a pure scenario
replays the reference IVR script of transcript 15.

The caller's side is scripted by the call's `CallerKeys`: the keys pressed for
each request that reads keys (a prompt with escape digits, WAIT FOR DIGIT, GET
DATA, RECORD FILE), in order, so that one call can walk a menu of several
levels and come back for a rating after the agent.
"""

import logging
import os
import re
import shlex
import wave
from collections import deque

from .events import cel_extra
from .pbx import PBX_VERSION

_logger = logging.getLogger(__name__)

AGI_CONNECT_DELAY = 0.002
DTMF_DURATION_MS = 120
KEY_INTERVAL = 0.3
SOUND_SECONDS = {"beep": 0.25, "custom/welcome": 0.9}
DEFAULT_SOUND_SECONDS = 1.0
SAY_SECONDS_PER_CHARACTER = 0.4
SAMPLES_PER_SECOND = 8000
MESSAGE_SECONDS = 3.0
RECORDING_LIMIT_SECONDS = 3600.0
WRITTEN_SECONDS_MAX = 5.0
INTERRUPT_SHARE = 0.8


def reference_ivr_script(env):
    """The FastAGI script of transcript 15, as a generator of command lines
    that receives each reply line."""
    reply = yield "ANSWER"
    reply = yield "GET VARIABLE CALLERID(num)"
    caller = reply.partition("(")[2].rstrip(")") if "(" in reply else ""
    reply = yield 'STREAM FILE custom/welcome ""'
    reply = yield "GET DATA beep 5000 1"
    choice = reply.split("result=", 1)[1].split(" ", 1)[0] if "result=" in reply else ""
    reply = yield f"SET VARIABLE IVR_CHOICE {choice}"
    yield f'VERBOSE "IVR choice {choice} for {caller}" 1'


class CallerKeys:
    """What a simulated caller answers to each key request, in order.

    A string is one key per request ("12": 1, then 2); a list gives each
    request's keys ("" lets that request time out, "1001" dials an extension
    over the requests that follow). A prompt with escape digits takes the next
    answer only if it starts with one of them; otherwise the caller waits for
    the prompt to end and answers the request after it.
    """

    def __init__(self, planned=""):
        if isinstance(planned, str):
            self.answers = deque(planned)
        else:
            self.answers = deque(str(answer) for answer in planned or ())

    def take(self, count=1):
        if not self.answers:
            return ""
        answer = self.answers.popleft()
        keys, rest = answer[:count], answer[count:]
        if rest:
            self.answers.appendleft(rest)
        return keys

    def take_if(self, escape):
        if self.answers and self.answers[0] and self.answers[0][0] in escape:
            return self.take(1)
        return ""

    def skip_silence(self):
        """A request that ends on its own (a recording) uses up a planned silence."""
        if self.answers and self.answers[0] == "":
            self.answers.popleft()


class ScriptDriver:
    """Feeds an in-process script's commands to the AGI app (no network)."""

    def __init__(self, app, script):
        self.app = app
        self.script = script

    def start(self):
        self.app.pbx.later(AGI_CONNECT_DELAY, self._next, None)

    def _next(self, reply):
        try:
            line = self.script.send(reply)
        except StopIteration:
            self.app.script_finished("SUCCESS")
            return
        self.app.execute(line, self._next)

    def hangup(self):
        self.script.close()


class AgiApp:
    """One AGI() invocation on the inbound trunk channel."""

    def __init__(self, call, request, args):
        self.call = call
        self.pbx = call.pbx
        self.ev = call.pbx.events
        self.channel = call.trunk
        self.request = request
        self.args = list(args)
        self.resume = None
        self.driver = None
        self.finished = False
        self._pending_digits = None
        self._stream = None
        self._recording = None
        self._timers = []

    def environment(self):
        channel, script = self.channel, self.request.rsplit("/", 1)[-1]
        env = {
            "agi_network": "yes", "agi_network_script": script, "agi_request": self.request,
            "agi_channel": channel.name, "agi_language": channel.language, "agi_type": "Local",
            "agi_uniqueid": channel.uniqueid, "agi_version": PBX_VERSION,
            "agi_callerid": channel.caller_num, "agi_calleridname": channel.caller_name,
            "agi_callingpres": "0", "agi_callingani2": "0", "agi_callington": "0",
            "agi_callingtns": "0", "agi_dnid": "unknown", "agi_rdnis": "unknown",
            "agi_context": channel.context, "agi_extension": channel.exten,
            "agi_priority": str(channel.priority), "agi_enhanced": "0.0",
            "agi_accountcode": "", "agi_threadid": str(self.pbx.ids.command_id()),
        }
        for index, value in enumerate(self.args, 1):
            env[f"agi_arg_{index}"] = value
        return env

    def start(self, resume):
        self.resume = resume
        connector = self.pbx.agi_connector
        if connector is None:
            self.driver = ScriptDriver(self, reference_ivr_script(self.environment()))
            self.driver.start()
        else:
            self.driver = connector(self, self.environment())

    def script_finished(self, status):
        """The FastAGI server closed the connection (or could not be reached)."""
        if self.finished:
            return
        self.finished = True
        self._cancel_timers()
        self.ev.varset(self.channel, "AGISTATUS", status)
        self.resume(status)

    @property
    def caller_keys(self):
        keys = getattr(self.call, "ivr_keys", None)
        return keys if keys is not None else CallerKeys()

    # --- commands -------------------------------------------------------------

    def execute(self, line, reply):
        """Runs one AGI command; `reply(text)` gets Asterisk's answer, maybe later."""
        if self.finished or self.call.ended:
            reply("511 Command Not Permitted on a dead channel or intercepted channel")
            return
        try:
            words = shlex.split(line)
        except ValueError:
            reply("520 Invalid command syntax.  Proper usage not available.")
            return
        if not words:
            reply("510 Invalid or unknown command")
            return
        command_id = self.pbx.ids.command_id()
        ev, channel = self.ev, self.channel
        name = " ".join(words[:2]).upper()
        verb = words[0].upper()
        ev.agi_exec_start(channel, command_id, line)

        def done(text, result="Success", code=200):
            ev.agi_exec_end(channel, command_id, line, code, result)
            reply(text)

        if verb == "ANSWER":
            done("200 result=0")
        elif name == "GET VARIABLE" and len(words) >= 3:
            value = self._variable(words[2])
            done(f"200 result=1 ({value})" if value is not None else "200 result=0")
        elif name == "SET VARIABLE" and len(words) >= 4:
            self._set_variable(words[2], words[3])
            done("200 result=1")
        elif verb in ("VERBOSE", "NOOP"):
            done("200 result=1" if verb == "VERBOSE" else "200 result=0")
        elif name == "STREAM FILE" and len(words) >= 3:
            self._stream_file(words[2], words[3] if len(words) > 3 else "", done)
        elif name == "GET DATA" and len(words) >= 2:
            timeout = int(words[3]) / 1000 if len(words) > 3 and words[3].isdigit() else 5.0
            max_digits = int(words[4]) if len(words) > 4 and words[4].isdigit() else 1
            self._get_data(words[2], timeout, max_digits, ev, command_id, line, reply)
        elif name == "WAIT FOR" and len(words) >= 4 and words[2].upper() == "DIGIT":
            timeout = int(words[3]) / 1000 if words[3].lstrip("-").isdigit() else 5.0
            self._collect(timeout, 1, command_id, line, reply, single=True)
        elif verb == "SAY" and len(words) >= 3 and words[1].upper() in ("NUMBER", "DIGITS",
                                                                          "ALPHA"):
            seconds = SAY_SECONDS_PER_CHARACTER * max(1, len(words[2]))
            self._timers.append(self.pbx.later(seconds, done, "200 result=0"))
        elif name == "RECORD FILE" and len(words) >= 6 and words[5].lstrip("-").isdigit():
            self._record_file(words, done)
        elif verb == "EXEC":
            done("200 result=0")
        elif verb == "HANGUP":
            done("200 result=1")
            self.pbx.later(0, self._script_hangup)
        else:
            _logger.info("AGI command not simulated: %r", line)
            ev.agi_exec_end(channel, command_id, line, 510, "Failure")
            reply("510 Invalid or unknown command")

    def _variable(self, name):
        channel = self.channel
        values = {
            "CALLERID(num)": channel.caller_num, "CALLERID(name)": channel.caller_name,
            "CALLERID(all)": f'"{channel.caller_name}" <{channel.caller_num}>',
            "UNIQUEID": channel.uniqueid, "CHANNEL": channel.name, "EXTEN": channel.exten,
            "CONTEXT": channel.context, "CHANNEL(linkedid)": channel.linkedid,
            "CHANNEL(uniqueid)": channel.uniqueid, "CHANNEL(language)": channel.language,
            "CHANNEL(name)": channel.name,
        }
        if name in values:
            return values[name]
        return channel.variables.get(name)

    def _set_variable(self, name, value):
        """A variable gets a VarSet; a function (`CHANNEL(language)`) changes the channel."""
        if name.upper() == "CHANNEL(LANGUAGE)":
            self.channel.language = value
        elif not name.endswith(")"):
            self.ev.varset(self.channel, name, value)

    def _stream_file(self, sound, escape, done):
        """As recorded, STREAM FILE of a custom prompt reports only STREAM_END; a key among
        the escape digits stops it and is the result."""
        seconds = SOUND_SECONDS.get(sound, DEFAULT_SOUND_SECONDS)
        started = self.pbx.now()

        def finished():
            self._stream = None
            self.ev.cel(self.channel, "STREAM_END")
            self.ev.varset(self.channel, "PLAYBACKSTATUS", "SUCCESS")
            done(f"200 result=0 endpos={int(seconds * SAMPLES_PER_SECOND)}")

        timer = self.pbx.later(seconds, finished)
        self._timers.append(timer)
        if not escape:
            return
        self._stream = {"escape": escape, "timer": timer, "started": started, "done": done}
        key = self.caller_keys.take_if(escape)
        if key:
            delay = min(getattr(self.call, "ivr_digit_delay", 0.5), seconds * INTERRUPT_SHARE)
            self._timers.append(self.pbx.later(delay, self.receive_digit, key, DTMF_DURATION_MS))

    def _get_data(self, sound, timeout, max_digits, ev, command_id, line, reply):
        channel = self.channel
        ev.cel(channel, "STREAM_BEGIN",
               extra=cel_extra(sound=sound, format="slin", language=channel.language))
        seconds = SOUND_SECONDS.get(sound, DEFAULT_SOUND_SECONDS)

        def prompt_done():
            ev.cel(channel, "STREAM_END")
            self._collect(timeout, max_digits, command_id, line, reply)

        self._timers.append(self.pbx.later(seconds, prompt_done))

    def _collect(self, timeout, max_digits, command_id, line, reply, single=False):
        self._pending_digits = {
            "digits": "", "max": max_digits, "command_id": command_id, "line": line,
            "reply": reply, "single": single,
        }
        self._pending_digits["timer"] = self.pbx.later(timeout, self._digits_timeout)
        keys = self.caller_keys.take(max_digits)
        delay = getattr(self.call, "ivr_digit_delay", 0.5)
        for index, digit in enumerate(keys):
            self._timers.append(self.pbx.later(
                delay + index * KEY_INTERVAL, self.receive_digit, digit, DTMF_DURATION_MS))

    def receive_digit(self, digit, duration_ms=DTMF_DURATION_MS):
        """A DTMF digit from the caller (simulated, or AMI PlayDTMF Receive=true)."""
        if self.finished:
            return False
        if self._stream is not None:
            return self._stream_key(digit, duration_ms)
        if self._recording is not None:
            return self._recording_key(digit, duration_ms)
        pending = self._pending_digits
        if pending is None:
            return False
        ev, channel = self.ev, self.channel
        ev.dtmf_end(channel, digit, duration_ms, "Received")
        pending["digits"] += digit
        if len(pending["digits"]) >= pending["max"]:
            self._pending_digits = None
            pending["timer"].cancel()
            ev.agi_exec_end(channel, pending["command_id"], pending["line"])
            ev.cel(channel, "DTMF", extra=cel_extra(digit=digit, duration_ms=duration_ms))
            value = str(ord(pending["digits"])) if pending["single"] else pending["digits"]
            pending["reply"](f"200 result={value}")
        return True

    def _stream_key(self, digit, duration_ms):
        stream = self._stream
        self.ev.dtmf_end(self.channel, digit, duration_ms, "Received")
        if digit not in stream["escape"]:
            return True
        self._stream = None
        stream["timer"].cancel()
        played = self.pbx.now() - stream["started"]
        self.ev.cel(self.channel, "STREAM_END")
        stream["done"](f"200 result={ord(digit)} endpos={round(played * SAMPLES_PER_SECOND)}")
        return True

    def _digits_timeout(self):
        pending, self._pending_digits = self._pending_digits, None
        if pending is None:
            return
        self.ev.agi_exec_end(self.channel, pending["command_id"], pending["line"])
        if pending["single"]:
            pending["reply"]("200 result=0")
        elif pending["digits"]:
            pending["reply"](f"200 result={pending['digits']}")
        else:
            pending["reply"]("200 result= (timeout)")

    # --- RECORD FILE ------------------------------------------------------------

    def _record_file(self, words, done):
        """`RECORD FILE <file> <format> <escape> <timeout ms> [offset] [BEEP] [s=<silence>]`.

        The caller talks MESSAGE_SECONDS, then presses their planned key if it is an
        escape digit; otherwise silence detection (s=) ends the recording, rewound
        to one second after they stopped, or the timeout does."""
        path, fmt, escape, timeout_ms = words[2], words[3], words[4], int(words[5])
        options = [word.lower() for word in words[6:]]
        silence = next((int(option[2:]) for option in options
                        if re.fullmatch(r"s=\d+", option)), 0)
        beep = SOUND_SECONDS["beep"] if "beep" in options else 0.0
        limit = timeout_ms / 1000 if timeout_ms > 0 else RECORDING_LIMIT_SECONDS
        keys = self.caller_keys
        key = keys.take_if(escape)
        if key:
            ends, length = MESSAGE_SECONDS, MESSAGE_SECONDS
        else:
            keys.skip_silence()
            ends = MESSAGE_SECONDS + silence if silence else limit
            length = MESSAGE_SECONDS + 1.0 if silence else limit
        if ends >= limit:
            key, ends, length = "", limit, limit
        self._recording = {"path": path, "format": fmt, "escape": escape, "done": done,
                           "started": self.pbx.now() + beep}
        if key:
            self._recording["timer"] = self.pbx.later(beep + ends, self.receive_digit, key,
                                                      DTMF_DURATION_MS)
        else:
            self._recording["timer"] = self.pbx.later(beep + ends, self._recording_done, 0,
                                                      "timeout", length)

    def _recording_key(self, digit, duration_ms):
        self.ev.dtmf_end(self.channel, digit, duration_ms, "Received")
        if digit in self._recording["escape"]:
            length = self.pbx.now() - self._recording["started"]
            self._recording_done(ord(digit), "dtmf", length)
        return True

    def _recording_done(self, result, how, length):
        recording, self._recording = self._recording, None
        if recording is None:
            return
        recording["timer"].cancel()
        length = max(0.0, length)
        self._write_recording(recording["path"], recording["format"], length)
        recording["done"](f"200 result={result} ({how}) "
                          f"endpos={round(length * SAMPLES_PER_SECOND)}")

    def _write_recording(self, path, fmt, seconds):
        """A WAV of silence (8 kHz mono, 16 bit, at most a few seconds) in the monitor
        folder, when that folder exists here and can be written."""
        folder = self.pbx.monitor_dir
        if fmt.lower() != "wav" or not os.path.isdir(folder) or not os.access(folder, os.W_OK):
            return
        target = os.path.join(folder, f"{os.path.basename(path)}.wav")
        frames = round(min(seconds, WRITTEN_SECONDS_MAX) * SAMPLES_PER_SECOND)
        try:
            with wave.open(target, "wb") as handle:
                handle.setnchannels(1)
                handle.setsampwidth(2)
                handle.setframerate(SAMPLES_PER_SECOND)
                handle.writeframes(b"\0\0" * frames)
        except OSError as exc:
            _logger.warning("simulated recording %s not written: %s", target, exc)

    # --- the end ------------------------------------------------------------------

    def _script_hangup(self):
        if not self.finished:
            self.finished = True
            self._cancel_timers()
            self.ev.varset(self.channel, "AGISTATUS", "SUCCESS")
            self.call.hangup_outside_bridge()

    def _cancel_timers(self):
        for timer in self._timers:
            timer.cancel()
        self._timers.clear()
        if self._pending_digits is not None:
            self._pending_digits["timer"].cancel()
            self._pending_digits = None
        if self._recording is not None:
            self._recording["timer"].cancel()
            self._recording = None
        self._stream = None

    # --- the call around it -----------------------------------------------------

    def caller_hangup(self):
        """The caller hung up during the script: a recording in progress ends with
        `(hangup)`, then the server gets `HANGUP`."""
        if not self.finished:
            if self._recording is not None:
                self._recording_done(-1, "hangup", self.pbx.now() - self._recording["started"])
            self.finished = True
            self._cancel_timers()
            if self.driver is not None:
                self.driver.hangup()
            self.ev.varset(self.channel, "AGISTATUS", "HANGUP")
        return False

    def dtmf(self, channel, digit, duration_ms):
        return channel is self.channel and self.receive_digit(digit, duration_ms)
