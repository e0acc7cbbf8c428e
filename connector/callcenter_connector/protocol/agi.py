"""AGI framing: the request environment Asterisk sends and the replies to commands."""

import re

RESULT = re.compile(r"^(?P<code>\d{3})(?:[ -](?P<rest>.*))?$")
RESULT_VALUE = re.compile(r"result=(?P<result>-?[^\s]*)(?:\s+\((?P<data>[^)]*)\))?(?:\s+(?P<extra>.*))?")
MAX_ENV_LINES = 200


class AgiError(Exception):
    """An AGI reply that is not `200 result=…`, or a hangup during a command."""


class AgiHangup(AgiError):
    """The channel is gone: `HANGUP` from a FastAGI peer, or `511` for a command
    sent to a dead channel. Nothing more can be done on it."""


def parse_environment(lines):
    """`agi_request: agi://…` lines (without the blank terminator) to a dict."""
    env = {}
    for line in lines[:MAX_ENV_LINES]:
        key, sep, value = line.partition(":")
        if sep and key.startswith("agi_"):
            env[key.strip()] = value.strip()
    return env


def parse_reply(line):
    """`200 result=1 (timeout)` to {'code': 200, 'result': '1', 'data': 'timeout'}."""
    line = line.strip()
    if line == "HANGUP":
        raise AgiHangup("the caller hung up")
    match = RESULT.match(line)
    if not match:
        raise AgiError(f"unexpected AGI reply {line!r}")
    code = int(match["code"])
    rest = match["rest"] or ""
    if code == 511:
        raise AgiHangup(f"the channel is gone: {rest}")
    if code != 200:
        raise AgiError(f"AGI error {code}: {rest}")
    value = RESULT_VALUE.match(rest)
    if not value:
        return {"code": code, "result": "", "data": "", "extra": rest}
    return {"code": code, "result": value["result"], "data": value["data"] or "",
            "extra": value["extra"] or ""}


def quote_argument(value):
    """An AGI command argument, quoted so that spaces and quotes survive."""
    text = str(value)
    if "\n" in text or "\r" in text:
        raise ValueError("AGI arguments cannot hold line breaks")
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def agi_argument(value):
    """An argument as Asterisk reads it: bare when it can be, quoted otherwise."""
    text = str(value)
    if text and not any(char.isspace() or char in '"\\' for char in text):
        return text
    return quote_argument(text)
