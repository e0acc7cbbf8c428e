"""What a channel name says about the party behind it.

Asterisk names channels `<tech>/<resource>-<counter>` (`PJSIP/1001-0000001a`)
and Local channels `Local/<exten>@<context>-<counter>;<half>`. Queue members
and agents are configured by interface (`PJSIP/1001`, `Local/1001@agents/n`):
the device key drops the counter, the half and the dial options so that a
channel, a queue member interface and an agent's configured device compare
equal.
"""

import re

LOCAL_CHANNEL = re.compile(r"^(?P<base>Local/[^@;/]+@[^;/]+?)-[0-9a-f]+;(?P<half>[12])$", re.IGNORECASE)
DEVICE_CHANNEL = re.compile(r"^(?P<base>[^/]+/[^;]+?)-[0-9a-f]+$", re.IGNORECASE)


def device_key(name):
    """`Local/1001@agents-0000007e;1`, `Local/1001@agents/n` and `PJSIP/1001-00000001`
    give `Local/1001@agents` and `PJSIP/1001`."""
    if not name:
        return ""
    text = name.strip()
    match = LOCAL_CHANNEL.match(text)
    if match:
        return match["base"]
    if text.lower().startswith("local/"):
        if text.count("/") >= 2:
            text = text.rsplit("/", 1)[0]
        return text
    match = DEVICE_CHANNEL.match(text)
    return match["base"] if match else text


def local_half(name):
    """1 or 2 for the halves of a Local channel, 0 for any other channel."""
    match = LOCAL_CHANNEL.match(name or "")
    return int(match["half"]) if match else 0


def is_unknown(value):
    return not value or value in ("<unknown>", "<Unknown>", "unknown", "anonymous")
