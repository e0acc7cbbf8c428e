"""`AGI(agi://host:port/script,args)`: the PBX side of FastAGI.

Asterisk connects to the FastAGI server, sends the `agi_*` environment,
then answers one command per line (`200 result=…`) and reports each on AMI
as AGIExecStart/AGIExecEnd. `AgiApp` executes commands on the simulated
channel in virtual time; who sends the commands is pluggable: the live
server connects to a real FastAGI server (see fastagi.py), a pure scenario
replays the reference IVR script of transcript 15.
"""

import logging
import shlex

from .events import cel_extra
from .pbx import PBX_VERSION

_logger = logging.getLogger(__name__)

AGI_CONNECT_DELAY = 0.002
DTMF_DURATION_MS = 120
SOUND_SECONDS = {"beep": 0.25, "custom/welcome": 0.9}
DEFAULT_SOUND_SECONDS = 1.0
SAMPLES_PER_SECOND = 8000


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
        self._timers = []

    def environment(self):
        channel, script = self.channel, self.request.rsplit("/", 1)[-1]
        env = {
            "agi_network": "yes", "agi_network_script": script, "agi_request": self.request,
            "agi_channel": channel.name, "agi_language": "en", "agi_type": "Local",
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
            ev.varset(channel, words[2], words[3])
            done("200 result=1")
        elif verb in ("VERBOSE", "NOOP"):
            done("200 result=1" if verb == "VERBOSE" else "200 result=0")
        elif name == "STREAM FILE" and len(words) >= 3:
            self._stream_file(words[2], done)
        elif name == "GET DATA" and len(words) >= 2:
            timeout = int(words[3]) / 1000 if len(words) > 3 and words[3].isdigit() else 5.0
            max_digits = int(words[4]) if len(words) > 4 and words[4].isdigit() else 1
            self._get_data(words[2], timeout, max_digits, ev, command_id, line, reply)
        elif name == "WAIT FOR" and len(words) >= 4 and words[2].upper() == "DIGIT":
            timeout = int(words[3]) / 1000 if words[3].lstrip("-").isdigit() else 5.0
            self._collect("", timeout, 1, command_id, line, reply, single=True)
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
            "CONTEXT": channel.context,
        }
        if name in values:
            return values[name]
        return channel.variables.get(name)

    def _stream_file(self, sound, done):
        """As recorded, STREAM FILE of a custom prompt reports only STREAM_END."""
        seconds = SOUND_SECONDS.get(sound, DEFAULT_SOUND_SECONDS)

        def finished():
            self.ev.cel(self.channel, "STREAM_END")
            self.ev.varset(self.channel, "PLAYBACKSTATUS", "SUCCESS")
            done(f"200 result=0 endpos={int(seconds * SAMPLES_PER_SECOND)}")

        self._timers.append(self.pbx.later(seconds, finished))

    def _get_data(self, sound, timeout, max_digits, ev, command_id, line, reply):
        channel = self.channel
        ev.cel(channel, "STREAM_BEGIN", extra=cel_extra(sound=sound, format="slin", language="en"))
        seconds = SOUND_SECONDS.get(sound, DEFAULT_SOUND_SECONDS)

        def prompt_done():
            ev.cel(channel, "STREAM_END")
            self._collect("", timeout, max_digits, command_id, line, reply)

        self._timers.append(self.pbx.later(seconds, prompt_done))

    def _collect(self, digits, timeout, max_digits, command_id, line, reply, single=False):
        self._pending_digits = {
            "digits": digits, "max": max_digits, "command_id": command_id, "line": line,
            "reply": reply, "single": single,
        }
        self._pending_digits["timer"] = self.pbx.later(timeout, self._digits_timeout)
        caller_digits = getattr(self.call, "ivr_digits", "")
        if caller_digits:
            delay = getattr(self.call, "ivr_digit_delay", 0.5)
            for index, digit in enumerate(caller_digits[:max_digits]):
                self._timers.append(self.pbx.later(
                    delay + index * 0.3, self.receive_digit, digit, DTMF_DURATION_MS))

    def receive_digit(self, digit, duration_ms=DTMF_DURATION_MS):
        """A DTMF digit from the caller (simulated, or AMI PlayDTMF Receive=true)."""
        pending = self._pending_digits
        if pending is None or self.finished:
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

    # --- the call around it -----------------------------------------------------

    def caller_hangup(self):
        """The caller hung up during the script: the server gets `HANGUP`."""
        if not self.finished:
            self.finished = True
            self._cancel_timers()
            if self.driver is not None:
                self.driver.hangup()
            self.ev.varset(self.channel, "AGISTATUS", "HANGUP")
        return False

    def dtmf(self, channel, digit, duration_ms):
        return channel is self.channel and self.receive_digit(digit, duration_ms)

