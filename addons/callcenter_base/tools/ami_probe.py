# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A blocking, bounded AMI login used by the PBX form's "Test connection" button.

The long-running connection belongs to the connector; this only answers the
admin's question "are host, port and credentials right?" within a few seconds,
with a message that says which of them is wrong.
"""

import socket
import time

BANNER_PREFIX = b"Asterisk Call Manager/"
MAX_FRAME_BYTES = 64 * 1024


class AmiProbeError(Exception):
    """Why the PBX could not be reached or refused the login, in words for an admin."""


def _read_frame(sock, buffer, deadline):
    while b"\r\n\r\n" not in buffer:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise AmiProbeError("no answer to the login within the timeout")
        sock.settimeout(remaining)
        chunk = sock.recv(4096)
        if not chunk:
            raise AmiProbeError("the PBX closed the connection during login")
        buffer += chunk
        if len(buffer) > MAX_FRAME_BYTES:
            raise AmiProbeError("the PBX sent an oversized answer to the login")
    frame, _sep, rest = buffer.partition(b"\r\n\r\n")
    headers = {}
    for line in frame.decode("utf-8", "replace").split("\r\n"):
        key, sep, value = line.partition(":")
        if sep:
            headers.setdefault(key.strip().lower(), value.strip())
    return headers, rest


def probe(host, port, username, secret, timeout=5.0):
    """Log in and off; returns the AMI banner version (e.g. `11.0.0`) or raises AmiProbeError."""
    deadline = time.monotonic() + timeout
    try:
        sock = socket.create_connection((host, int(port)), timeout=timeout)
    except socket.timeout as exc:
        raise AmiProbeError(f"{host}:{port} did not answer within {timeout:g} s") from exc
    except OSError as exc:
        raise AmiProbeError(f"cannot connect to {host}:{port}: {exc.strerror or exc}") from exc
    with sock:
        try:
            buffer = b""
            while b"\r\n" not in buffer:
                sock.settimeout(max(deadline - time.monotonic(), 0.01))
                chunk = sock.recv(1024)
                if not chunk:
                    raise AmiProbeError(f"{host}:{port} closed the connection without a banner")
                buffer += chunk
                if len(buffer) > 1024:
                    break
            banner, _sep, buffer = buffer.partition(b"\r\n")
            if not banner.startswith(BANNER_PREFIX):
                raise AmiProbeError(
                    f"{host}:{port} is not an Asterisk manager interface "
                    f"(it greeted with {banner[:60]!r})"
                )
            action = (
                f"Action: Login\r\nActionID: probe-1\r\nUsername: {username}\r\n"
                f"Secret: {secret}\r\nEvents: off\r\n\r\n"
            )
            sock.sendall(action.encode())
            while True:
                headers, buffer = _read_frame(sock, buffer, deadline)
                if "response" in headers:
                    break
            if headers["response"].lower() != "success":
                raise AmiProbeError(
                    f"login refused for user {username!r}: "
                    f"{headers.get('message', 'no reason given')}"
                )
            sock.sendall(b"Action: Logoff\r\nActionID: probe-2\r\n\r\n")
        except socket.timeout as exc:
            raise AmiProbeError(f"{host}:{port} stopped answering during login") from exc
        except OSError as exc:
            raise AmiProbeError(f"connection to {host}:{port} failed: {exc}") from exc
    return banner[len(BANNER_PREFIX):].decode("ascii", "replace").strip()
