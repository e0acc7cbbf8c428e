"""AMI framing: turns the bytes of a manager connection into messages and back.

A message is a dict with lower-cased header names (`event`, `uniqueid`, …);
a header that occurs several times (`ChanVariable`) holds a list. The framer is
fed whatever the socket delivers, keeps partial frames (and partial UTF-8
sequences) until they are complete, and never lets one peer's bad input grow
memory without bound or stop the stream: oversized frames, header lines
without a colon and frames that are neither event nor response are reported
through `on_error` and skipped, while undecodable bytes are replaced and
reported, so that the ASCII identifiers of the event still reach the state
machine.
"""

BANNER_PREFIX = b"Asterisk Call Manager/"
DELIMITER = b"\r\n\r\n"
MAX_FRAME_BYTES = 64 * 1024
MAX_LINE_BYTES = 8 * 1024


class FrameError:
    OVERSIZED = "oversized frame"
    LONG_LINE = "oversized header line"
    BAD_LINE = "header line without ':'"
    NO_KIND = "frame is neither an event nor a response"
    NOT_UTF8 = "bytes that are not UTF-8"


def _ignore_error(kind, detail):
    return None


def parse_frame(raw, on_error=_ignore_error):
    """One frame's bytes (without the blank-line delimiter) to a message dict, or None."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("utf-8", "replace")
        on_error(FrameError.NOT_UTF8, raw[:200])
    message = {}
    for line in text.split("\r\n"):
        if not line:
            continue
        if len(line) > MAX_LINE_BYTES:
            on_error(FrameError.LONG_LINE, line[:200])
            continue
        key, sep, value = line.partition(":")
        if not sep or not key or " " in key.strip():
            on_error(FrameError.BAD_LINE, line[:200])
            continue
        key = key.strip().lower()
        value = value[1:] if value.startswith(" ") else value
        if key in message:
            previous = message[key]
            if isinstance(previous, list):
                previous.append(value)
            else:
                message[key] = [previous, value]
        else:
            message[key] = value
    if "event" not in message and "response" not in message:
        on_error(FrameError.NO_KIND, raw[:200])
        return None
    return message


class AmiFramer:
    """Incremental AMI reader for one connection."""

    def __init__(self, on_error=_ignore_error, max_frame=MAX_FRAME_BYTES):
        self.on_error = on_error
        self.max_frame = max_frame
        self.banner = None
        self._buffer = b""
        self._discarding = False

    def feed(self, data):
        """Returns the complete messages found in `data` and what came before it."""
        buffer = self._buffer + data
        if self.banner is None:
            end = buffer.find(b"\r\n")
            if end < 0:
                if len(buffer) > self.max_frame:
                    self.on_error(FrameError.OVERSIZED, buffer[:200])
                    buffer = b""
                self._buffer = buffer
                return []
            first = buffer[:end]
            if first.startswith(BANNER_PREFIX):
                self.banner = first[len(BANNER_PREFIX):].decode("ascii", "replace").strip()
                buffer = buffer[end + 2:]
            else:
                self.banner = ""
        messages = []
        start = 0
        while True:
            end = buffer.find(DELIMITER, start)
            if end < 0:
                break
            if self._discarding:
                self._discarding = False
            else:
                frame = buffer[start:end].lstrip(b"\r\n")
                if len(frame) > self.max_frame:
                    self.on_error(FrameError.OVERSIZED, frame[:200])
                elif frame:
                    message = parse_frame(frame, self.on_error)
                    if message is not None:
                        messages.append(message)
            start = end + len(DELIMITER)
        rest = buffer[start:]
        if len(rest) > self.max_frame:
            self.on_error(FrameError.OVERSIZED, rest[:200])
            self._discarding = True
            rest = rest[-(len(DELIMITER) - 1):]
        self._buffer = rest
        return messages


def encode_action(fields):
    """An action dict ({'Action': 'Ping', 'ActionID': '1'}) to its wire bytes."""
    lines = []
    for key, value in fields.items():
        values = value if isinstance(value, (list, tuple)) else [value]
        for item in values:
            text = "" if item is None else str(item)
            if "\r" in text or "\n" in text:
                raise ValueError(f"AMI header {key} holds a line break")
            lines.append(f"{key}: {text}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8")


def encode_message(fields):
    """An event or response dict to wire bytes, as the PBX (or the simulator) sends it."""
    return encode_action(fields)


def read_transcript(data, on_error=_ignore_error):
    """All messages of a recorded AMI byte stream (banner first), in order."""
    framer = AmiFramer(on_error)
    messages = framer.feed(data)
    if framer._buffer.strip():
        messages.extend(framer.feed(DELIMITER))
    return framer.banner, messages
