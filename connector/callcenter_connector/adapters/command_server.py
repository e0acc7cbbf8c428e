"""The HTTP endpoint where Odoo sends commands (`POST /v1/commands`).

A deliberately small HTTP/1.1 server on asyncio streams: one JSON request per
connection, a bearer token compared in constant time, bounded header and body
sizes, and a JSON answer `{"ok": true, ...}` or `{"ok": false, "error": "..."}`
that Odoo shows to the user as is.
"""

import asyncio
import hmac
import json
import logging

from .stream_server import StreamServer

_logger = logging.getLogger(__name__)

MAX_HEADER_BYTES = 16 * 1024
MAX_BODY_BYTES = 256 * 1024
READ_TIMEOUT_SECONDS = 5.0
REASONS = {200: "OK", 400: "Bad Request", 401: "Unauthorized", 404: "Not Found",
           405: "Method Not Allowed", 413: "Payload Too Large", 500: "Internal Server Error"}


class CommandServer(StreamServer):
    url_format = "http://%s:%s/v1/commands"

    def __init__(self, host, port, token, dispatch):
        super().__init__(host, port)
        self.token, self.dispatch = token, dispatch

    async def _serve(self, reader, writer):
        try:
            status, answer = await asyncio.wait_for(self._handle(reader), READ_TIMEOUT_SECONDS + 30)
        except asyncio.TimeoutError:
            status, answer = 400, {"ok": False, "error": "request timed out"}
        except Exception:
            _logger.exception("command failed")
            status, answer = 500, {"ok": False, "error": "the connector failed on this command"}
        body = json.dumps(answer).encode()
        head = (f"HTTP/1.1 {status} {REASONS.get(status, 'OK')}\r\nContent-Type: application/json\r\n"
                f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n").encode()
        try:
            writer.write(head + body)
            await writer.drain()
        except ConnectionError:
            pass
        finally:
            writer.close()

    async def _handle(self, reader):
        try:
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), READ_TIMEOUT_SECONDS)
        except asyncio.LimitOverrunError:
            return 413, {"ok": False, "error": "headers too large"}
        except (asyncio.IncompleteReadError, asyncio.TimeoutError):
            return 400, {"ok": False, "error": "incomplete request"}
        if len(head) > MAX_HEADER_BYTES:
            return 413, {"ok": False, "error": "headers too large"}
        lines = head.decode("latin-1").split("\r\n")
        parts = lines[0].split(" ")
        if len(parts) != 3:
            return 400, {"ok": False, "error": "malformed request line"}
        method, path, _version = parts
        headers = {}
        for line in lines[1:]:
            key, sep, value = line.partition(":")
            if sep:
                headers[key.strip().lower()] = value.strip()
        if path != "/v1/commands":
            return 404, {"ok": False, "error": "unknown path"}
        if method != "POST":
            return 405, {"ok": False, "error": "use POST"}
        supplied = headers.get("authorization", "").removeprefix("Bearer ").strip()
        if not self.token or not hmac.compare_digest(supplied.encode(), self.token.encode()):
            return 401, {"ok": False, "error": "invalid token"}
        try:
            length = int(headers.get("content-length", "0"))
        except ValueError:
            return 400, {"ok": False, "error": "bad Content-Length"}
        if length > MAX_BODY_BYTES:
            return 413, {"ok": False, "error": "body too large"}
        try:
            body = await asyncio.wait_for(reader.readexactly(length), READ_TIMEOUT_SECONDS)
            request = json.loads(body or b"{}")
        except (asyncio.IncompleteReadError, asyncio.TimeoutError, ValueError):
            return 400, {"ok": False, "error": "body is not JSON"}
        if not isinstance(request, dict) or not isinstance(request.get("params", {}), dict):
            return 400, {"ok": False, "error": "expected {action, params}"}
        answer = await self.dispatch(str(request.get("action", "")), request.get("params") or {})
        return 200, answer
