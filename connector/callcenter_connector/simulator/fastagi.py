"""The PBX side of FastAGI over TCP, for the live server.

When a simulated call reaches `AGI(agi://host:port/script,…)`, Asterisk
connects to the FastAGI server, writes the `agi_*` environment and a blank
line, then reads one command per line and writes `200 result=…` back. If the
caller hangs up meanwhile, Asterisk writes `HANGUP`. This module does exactly
that on an asyncio connection and hands each command to the call's AgiApp,
which answers in the PBX's virtual time.
"""

import asyncio
import logging

_logger = logging.getLogger(__name__)

CONNECT_TIMEOUT = 5.0
MAX_COMMAND_BYTES = 8 * 1024


class FastAgiSession:
    """One FastAGI connection driving one AgiApp."""

    def __init__(self, server, app, env, address):
        self.server = server
        self.app = app
        self.env = env
        self.address = address
        self.writer = None
        self.hung_up = False
        self.task = None
        self._answer = None

    def start(self):
        self.task = self.server.spawn(self._run(), f"fastagi {self.env['agi_channel']}")
        return self

    async def _run(self):
        host, port = self.address
        try:
            reader, self.writer = await asyncio.wait_for(
                asyncio.open_connection(host, port, limit=MAX_COMMAND_BYTES), CONNECT_TIMEOUT)
        except (OSError, TimeoutError) as exc:
            _logger.warning("FastAGI server %s:%s unreachable: %s", host, port, exc)
            self._finish("FAILURE")
            return
        try:
            lines = [f"{key}: {value}" for key, value in self.env.items()]
            self.writer.write(("\n".join(lines) + "\n\n").encode("utf-8"))
            while not self.hung_up:
                raw = await reader.readline()
                if not raw:
                    break
                command = raw.decode("utf-8", "replace").strip()
                if not command:
                    continue
                reply = await self._execute(command)
                if reply is None or self.writer.is_closing():
                    break
                await self.writer.drain()
        except (ConnectionError, asyncio.LimitOverrunError, ValueError) as exc:
            _logger.info("FastAGI connection ended: %s", exc)
        finally:
            self.writer.close()
        self._finish("SUCCESS")

    async def _execute(self, command):
        loop = asyncio.get_running_loop()
        answer = self._answer = loop.create_future()

        def reply(text):
            """Written at once, in PBX order: a reply the hangup produced (RECORD FILE's
            `(hangup)`) goes out before the `HANGUP` line."""
            if answer.done():
                return
            if not self.writer.is_closing():
                self.writer.write(f"{text}\n".encode())
            answer.set_result(text)

        self.server.advance()
        self.app.execute(command, reply)
        self.server.kick()
        return await answer

    def _finish(self, status):
        if not self.hung_up:
            self.server.advance()
            self.app.script_finished(status)
            self.server.kick()

    def hangup(self):
        """The caller hung up: tell the FastAGI server, as Asterisk does."""
        self.hung_up = True
        if self._answer is not None and not self._answer.done():
            self._answer.set_result(None)
        if self.writer is not None and not self.writer.is_closing():
            self.writer.write(b"HANGUP\n")
            self.writer.close()


class FastAgiConnector:
    """Plugged into the PBX as `agi_connector`: opens a session per AGI()."""

    def __init__(self, server, address):
        self.server = server
        self.address = address

    def __call__(self, app, env):
        return FastAgiSession(self.server, app, env, self.address).start()
