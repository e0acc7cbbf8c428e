"""The AMI connection, through panoramisk, with the connector's own framing.

panoramisk's `Manager` keeps the login, the action/response correlation by
ActionID and multi-message responses. Two things are replaced:

- framing: panoramisk decodes each TCP chunk on its own (breaking UTF-8 names
  split across reads) and buffers without limit; `FramedAMIProtocol` uses the
  pure `AmiFramer`, which bounds frames and reports malformed input;
- reconnecting: a capped exponential backoff with jitter instead of a fixed
  delay, and a keep-alive that closes a connection whose Pings go unanswered.

Events bypass panoramisk's pattern dispatch and go straight to `on_event` as
plain dicts with lower-cased keys: one call per event on the hot path.
"""

import asyncio
import logging
import random

from panoramisk import Manager
from panoramisk.ami_protocol import AMIProtocol
from panoramisk.message import Message

from ..protocol.ami import AmiFramer

_logger = logging.getLogger(__name__)
_frames = logging.getLogger(__name__ + ".frames")

RECONNECT_MIN_SECONDS = 0.5
PING_TIMEOUT_SECONDS = 5.0
FILTERED_OUT_EVENTS = ("CEL", "Cdr", "RTCPSent", "RTCPReceived", "NewConnectedLine",
                       "NewAccountCode", "DTMFBegin", "DialState", "DeviceStateChange")


class FramedAMIProtocol(AMIProtocol):
    def connection_made(self, transport):
        super().connection_made(transport)
        self.framer = AmiFramer(on_error=self._frame_error)
        self.bad_frames = 0

    def _frame_error(self, kind, detail):
        self.bad_frames += 1
        _logger.warning("AMI: skipped %s: %r", kind, detail[:120])

    def data_received(self, data):
        for message in self.framer.feed(data):
            if _frames.isEnabledFor(5):
                _frames.log(5, "AMI <- %r", message)
            if self.version is None and self.framer.banner is not None:
                self.version = self.framer.banner
            if "event" in message and "actionid" not in message:
                self.factory.on_event(message)
                continue
            self.handle_message(Message({k: v for k, v in message.items()}))

    def handle_message(self, message):
        response = self.responses.get(message.id)
        if response is None and message.action_id:
            response = self.responses.get(message.action_id)
        if response is not None:
            super().handle_message(message)
        elif "event" in message:
            self.factory.on_event({k.lower(): v for k, v in message.items()})


class AmiConnection(Manager):
    """A panoramisk Manager that reports events, logins and losses to the service."""

    def __init__(self, host, port, username, secret, on_event, on_login=None, on_lost=None,
                 reconnect_max=30.0, ping_interval=10.0):
        super().__init__(host=host, port=port, username=username, secret=secret,
                         protocol_factory=FramedAMIProtocol, ping_delay=3600,
                         ping_interval=3600, reconnect_timeout=1, events="on",
                         loop=asyncio.get_running_loop())
        self.on_event = on_event
        self.on_login = self._logged_in
        self.on_disconnect = self._disconnected
        self._on_login_callback = on_login
        self._on_lost_callback = on_lost
        self.reconnect_max = reconnect_max
        self.ping_interval = ping_interval
        self._attempt = 0
        self._closing = False
        self._keepalive = None
        self._reconnect = None
        self.logins = 0

    # ------------------------------------------------------------------ lifecycle

    def start(self):
        self._closing = False
        self.connect()

    def stop(self):
        """Close for good; panoramisk reports no loss for a close of our own, so the
        session is marked gone here (commands then say the PBX is not connected)."""
        self._closing = True
        for handle in (self._keepalive, self._reconnect):
            if handle:
                handle.cancel()
        self.close()
        self._connected = False
        self.authenticated = False

    def connection_made(self, future):
        try:
            future.result()
        except OSError as exc:
            _logger.warning("AMI: cannot connect to %s:%s: %s", self.config["host"],
                            self.config["port"], exc)
            self._schedule_reconnect()
            return
        super().connection_made(future)
        if self.pinger:
            self.pinger.cancel()
            self.pinger = None

    def login(self, future):
        authenticated = super().login(future)
        if self.pinger:
            self.pinger.cancel()
            self.pinger = None
        if not authenticated:
            _logger.error("AMI: login refused for user %r; check the AMI secret",
                          self.config["username"])
            self.close()
            self._schedule_reconnect()
        return authenticated

    def connection_lost(self, exc):
        self._connected = False
        self.authenticated = False
        if self._keepalive:
            self._keepalive.cancel()
        if self._on_lost_callback:
            self._on_lost_callback()
        if not self._closing:
            _logger.warning("AMI: connection lost")
            self._schedule_reconnect()

    def _schedule_reconnect(self):
        if self._closing or (self._reconnect and not self._reconnect.done()):
            return
        self._attempt += 1
        delay = min(RECONNECT_MIN_SECONDS * 2 ** (self._attempt - 1), self.reconnect_max)
        delay *= random.uniform(0.5, 1.0)
        _logger.info("AMI: reconnecting in %.1fs (attempt %d)", delay, self._attempt)
        self._reconnect = asyncio.ensure_future(self._reconnect_after(delay))

    async def _reconnect_after(self, delay):
        await asyncio.sleep(delay)
        if not self._closing:
            self.connect()

    def _disconnected(self, manager, exc):
        return None

    def _logged_in(self, manager):
        self._attempt = 0
        self.logins += 1
        _logger.info("AMI: logged in to %s:%s (AMI %s)", self.config["host"], self.config["port"],
                     getattr(self.protocol, "version", "?"))
        self._keepalive = asyncio.ensure_future(self._keep_alive())
        for event in FILTERED_OUT_EVENTS:
            self.send_action({"Action": "Filter", "Operation": "Add", "Filter": f"!Event: {event}"})
        if self._on_login_callback:
            self._on_login_callback()

    async def _keep_alive(self):
        while self.authenticated and not self._closing:
            await asyncio.sleep(self.ping_interval)
            try:
                await asyncio.wait_for(self.send_action({"Action": "Ping"}), PING_TIMEOUT_SECONDS)
            except asyncio.TimeoutError:
                _logger.warning("AMI: no answer to Ping within %.0fs; reconnecting", PING_TIMEOUT_SECONDS)
                if self.protocol and self.protocol.transport:
                    self.protocol.transport.close()
                return

    # ------------------------------------------------------------------ actions

    async def action(self, fields, timeout=5.0, as_list=False):
        """Send an action and return its response (or, with `as_list`, its list of messages).

        `as_list=False` by default: panoramisk would otherwise wait for more
        messages after QueueAdd's "Added interface to queue" and never resolve.
        """
        if not self.authenticated:
            raise ConnectionError("the PBX is not connected")
        future = self.send_action(dict(fields), as_list=as_list)
        return await asyncio.wait_for(future, timeout)
