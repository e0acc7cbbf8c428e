"""The listening side shared by the connector's two servers (commands, FastAGI)."""

import asyncio
import logging

_logger = logging.getLogger(__name__)


class StreamServer:
    """An asyncio TCP server on host:port (port 0 picks a free one) serving `_serve`."""

    url_format = "tcp://%s:%s"

    def __init__(self, host, port):
        self.host, self.port = host, port
        self.server = None

    async def start(self):
        self.server = await asyncio.start_server(self._serve, self.host, self.port)
        self.port = self.server.sockets[0].getsockname()[1]
        _logger.info("%s listening on " + self.url_format, type(self).__name__, self.host, self.port)

    async def stop(self):
        if self.server:
            self.server.close()
            await self.server.wait_closed()

    async def _serve(self, reader, writer):
        raise NotImplementedError
