"""AGI framing: the request environment Asterisk sends and the replies to commands."""

import re

RESULT = re.compile(r"^(?P<code>\d{3})(?:[ -](?P<rest>.*))?$")
RESULT_VALUE = re.compile(r"result=(?P<result>-?[^\s]*)(?:\s+\((?P<data>[^)]*)\))?(?:\s+(?P<extra>.*))?")
MAX_ENV_LINES = 200


class AgiError(Exception):
    """An AGI reply that is not `200 result=…`, or a hangup during a command."""


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
        raise AgiError("the caller hung up")
    match = RESULT.match(line)
    if not match:
        raise AgiError(f"unexpected AGI reply {line!r}")
    code = int(match["code"])
    rest = match["rest"] or ""
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
