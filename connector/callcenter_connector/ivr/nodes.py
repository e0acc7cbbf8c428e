"""What a node's settings mean, as pure functions: prompts, keys, branches, variables.

The interpreter (engine.py) does the talking to Asterisk; everything it has
to decide from a node and what the caller or Odoo answered is here, so that
the rules of IVR.md are testable without a channel.
"""

import re

KEY_CHARS = "0123456789*#"
OPTION_KEY = re.compile(r"^[0-9*#]{1,16}$")
VARIABLE_NAME = re.compile(r"^[A-Za-z0-9_]{1,32}$")
VARIABLE_MAX_CHARS = 128
MAX_VARIABLES = 32
CONTROL = re.compile(r"[\x00-\x1f\x7f]")
QUEUE_UNANSWERED = frozenset({"TIMEOUT", "FULL", "JOINEMPTY", "LEAVEEMPTY", "JOINUNAVAIL",
                              "LEAVEUNAVAIL", "UNKNOWN"})
DIALING_KINDS = frozenset({"agent", "sticky", "external", "menu"})
OPTION, EXTENSION, MORE, INVALID = "option", "extension", "more", "invalid"


# --- prompts ---------------------------------------------------------------------------------

def choose_prompt(prompt, language, default_language):
    """The sound (or URL) to play: the session's language, else the flow's, else any."""
    if not prompt:
        return None
    if isinstance(prompt, str):
        return prompt
    if not isinstance(prompt, dict):
        return None
    for candidate in (language, default_language):
        if candidate and prompt.get(candidate):
            return prompt[candidate]
    return next((sound for sound in prompt.values() if sound), None)


def playable(sound):
    """Whether a sound name or URL can go on an AGI command line."""
    return isinstance(sound, str) and bool(sound) and not any(
        char.isspace() or CONTROL.match(char) for char in sound)


# --- menus -----------------------------------------------------------------------------------

def menu_options(node):
    """The node's options whose keys are valid DTMF strings."""
    options = node.get("options") or {}
    return {key: target for key, target in options.items()
            if isinstance(key, str) and OPTION_KEY.match(key)}


def extension_length(node):
    if not node.get("direct_dial"):
        return 0
    return max(0, min(int(node.get("extension_length") or 0), 16))


def first_keys(options, ext_length):
    """The keys that may start an answer: they interrupt the prompt."""
    firsts = {key[0] for key in options}
    if ext_length:
        firsts.update("0123456789")
    return "".join(char for char in KEY_CHARS if char in firsts)


def max_keys(node, options, ext_length):
    longest = max((len(key) for key in options), default=1)
    return max(int(node.get("max_digits") or 1), ext_length, longest)


def classify_keys(keys, options, ext_length=0, limit=1):
    """What the keys pressed so far mean: (OPTION, key), (EXTENSION, digits),
    (MORE, None) when another key may follow, (INVALID, None)."""
    if keys.endswith("#") and len(keys) > 1 and not any(
            key.startswith(keys) for key in options):
        return resolve_keys(keys[:-1], options, ext_length)
    longer_option = any(key != keys and key.startswith(keys) for key in options)
    digits = keys.isdigit() and keys.isascii()
    extension_prefix = bool(ext_length) and digits and len(keys) < ext_length
    if (longer_option or extension_prefix) and len(keys) < limit:
        return MORE, None
    return resolve_keys(keys, options, ext_length)


def resolve_keys(keys, options, ext_length=0):
    """The meaning of the keys once no more will come (timeout, `#` or the limit)."""
    if keys in options:
        return OPTION, keys
    if ext_length and len(keys) == ext_length and keys.isdigit() and keys.isascii():
        return EXTENSION, keys
    return INVALID, None


def direct_dial_string(node, extension):
    """`direct_dial_format` with the extension in it; never str.format on Odoo's text."""
    template = node.get("direct_dial_format") or "Local/{ext}@agents/n"
    return str(template).replace("{ext}", extension)


# --- branches ------------------------------------------------------------------------------

def resume_branch(kind, queue_status, dial_status):
    """`next` or `failure` for the node a destination returned to (IVR.md, resume)."""
    if kind == "queue":
        return "failure" if (queue_status or "").upper() in QUEUE_UNANSWERED else "next"
    if kind in DIALING_KINDS:
        return "next" if (dial_status or "").upper() == "ANSWER" else "failure"
    return "next"


def lookup_branch(node, result):
    """Blacklisted, else VIP, else known/unknown; a missing branch falls back."""
    if result.get("blacklisted") and node.get("blacklisted"):
        return "blacklisted"
    if result.get("vip") and node.get("vip"):
        return "vip"
    return "known" if result.get("known") or result.get("vip") else "unknown"


# --- variables ------------------------------------------------------------------------------

def http_variables(answer, keep=()):
    """The scalars of a JSON object answer, under safe names and cut to size."""
    if not isinstance(answer, dict):
        return {}
    wanted = set(keep or ())
    variables = {}
    for name, value in answer.items():
        if not isinstance(name, str) or not VARIABLE_NAME.match(name):
            continue
        if wanted and name not in wanted:
            continue
        text = scalar_text(value)
        if text is None:
            continue
        variables[name] = text
        if len(variables) >= MAX_VARIABLES:
            break
    return variables


def scalar_text(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float, str)):
        return CONTROL.sub(" ", str(value))[:VARIABLE_MAX_CHARS]
    return None


def say_text(value, kind):
    """What SAY NUMBER/DIGITS/ALPHA can read of a value, or None."""
    text = str(value or "").strip()
    if kind == "number":
        return text if re.fullmatch(r"-?\d{1,15}", text) else None
    if kind == "digits":
        digits = re.sub(r"\D", "", text)
        return digits or None
    letters = re.sub(r"[^A-Za-z0-9]", "", text)
    return letters or None
