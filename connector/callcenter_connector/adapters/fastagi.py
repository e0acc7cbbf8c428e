"""FastAGI server: Asterisk connects for `AGI(agi://host:port/<script>,…)`.

Routes map a script name to an `async def handler(request)`; the IVR runtime
(ivr/runtime.py) registers `callcenter-ivr`. The request reads Asterisk's `agi_*` environment
with a size bound and sends one command at a time. An unknown script closes
the connection at once: Asterisk sets AGISTATUS=FAILURE and the dialplan goes
on with its fallback (a queue), so callers never hear silence.
"""

import asyncio
import logging

from ..protocol.agi import MAX_ENV_LINES, AgiError, parse_environment, parse_reply
from .stream_server import StreamServer

_logger = logging.getLogger(__name__)

ENV_TIMEOUT_SECONDS = 5.0
COMMAND_TIMEOUT_SECONDS = 60.0


class AgiRequest:
    def __init__(self, env, reader, writer):
        self.headers = env
        self.reader, self.writer = reader, writer

    @property
    def script(self):
        return self.headers.get("agi_network_script", "")

    async def send_command(self, command, timeout=COMMAND_TIMEOUT_SECONDS):
        """Send one AGI command and return its parsed `200 result=` reply."""
        if "\n" in command:
            raise ValueError("one AGI command per call")
        self.writer.write((command + "\n").encode("utf-8"))
        await self.writer.drain()
        async with asyncio.timeout(timeout):
            while True:
                line = await self.reader.readline()
                if not line:
                    raise AgiError("Asterisk closed the AGI connection")
                text = line.decode("utf-8", "replace").rstrip("\r\n")
                if text.startswith("100 "):
                    continue
                if text.startswith("520-"):
                    while text and not text.startswith("520 "):
                        text = (await self.reader.readline()).decode("utf-8", "replace").rstrip(
                            "\r\n")
                    raise AgiError("invalid AGI command usage: " + command)
                return parse_reply(text)


class FastAgiServer(StreamServer):
    url_format = "agi://%s:%s/"

    def __init__(self, host, port):
        super().__init__(host, port)
        self.routes = {}
        self.requests = 0

    def add_route(self, script, handler):
        if not asyncio.iscoroutinefunction(handler):
            raise TypeError("FastAGI handlers must be async def")
        self.routes[script] = handler

    async def _serve(self, reader, writer):
        self.requests += 1
        try:
            lines = []
            async with asyncio.timeout(ENV_TIMEOUT_SECONDS):
                while len(lines) < MAX_ENV_LINES:
                    line = await reader.readline()
                    if not line or line in (b"\n", b"\r\n"):
                        break
                    lines.append(line.decode("utf-8", "replace").rstrip("\r\n"))
            env = parse_environment(lines)
            request = AgiRequest(env, reader, writer)
            handler = self.routes.get(request.script.strip("/").split("?")[0])
            if handler is None:
                _logger.warning("FastAGI: no handler for script %r from %s", request.script,
                                env.get("agi_channel"))
                return
            await handler(request)
        except (AgiError, asyncio.TimeoutError, ConnectionError) as exc:
            _logger.info("FastAGI session ended: %s", exc)
        except asyncio.CancelledError:
            _logger.info("FastAGI session cut (shutdown)")
        except Exception:
            _logger.exception("FastAGI handler failed")
        finally:
            writer.close()
