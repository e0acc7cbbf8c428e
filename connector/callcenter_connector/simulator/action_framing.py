"""Reading AMI actions from a client, the server side of the framing.

The connector's framer reads what Asterisk sends (events, responses); a
server reads actions, so it needs its own small reader. Like Asterisk it
accepts `\\r\\n` or `\\n` line ends, turns every malformed input into an
error the session can answer with `Response: Error`, and never lets one
client's input grow without bound.
"""

MAX_ACTION_BYTES = 64 * 1024
MAX_LINE_BYTES = 8 * 1024
REPEATABLE = frozenset({"variable"})


class ActionFramer:
    """Splits a client's byte stream into actions (dicts with lower-cased keys;
    a repeated header keeps its last value, except `Variable`, kept as a list).

    `feed(data)` returns a list of items: an action dict, or a string naming
    the problem with one frame (the session answers it with an Error).
    """

    def __init__(self, max_action=MAX_ACTION_BYTES, max_line=MAX_LINE_BYTES):
        self.max_action = max_action
        self.max_line = max_line
        self._buffer = b""
        self._discarding = False

    def feed(self, data):
        self._buffer += data.replace(b"\r\n", b"\n")
        items = []
        while True:
            end = self._buffer.find(b"\n\n")
            if end < 0:
                break
            frame, self._buffer = self._buffer[:end], self._buffer[end + 2:]
            if self._discarding:
                self._discarding = False
                continue
            item = self._parse(frame)
            if item is not None:
                items.append(item)
        if len(self._buffer) > self.max_action:
            items.append("Message too long")
            self._buffer = b""
            self._discarding = True
        return items

    def _parse(self, frame):
        frame = frame.strip(b"\n")
        if not frame:
            return None
        if len(frame) > self.max_action:
            return "Message too long"
        text = frame.decode("utf-8", "replace")
        action = {}
        for line in text.split("\n"):
            if len(line) > self.max_line:
                return "Header line too long"
            key, sep, value = line.partition(":")
            if not sep or not key.strip():
                continue
            key = key.strip().lower()
            value = value.strip()
            if key in REPEATABLE:
                action.setdefault(key, []).append(value)
            else:
                action[key] = value
        if "action" not in action:
            return _with_action_id("Missing action in request", action)
        return action


class FrameProblem(str):
    """An error message that still knows the ActionID of the bad frame."""

    action_id = None


def _with_action_id(message, action):
    problem = FrameProblem(message)
    problem.action_id = action.get("actionid")
    return problem
