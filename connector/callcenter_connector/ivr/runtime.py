"""The `callcenter-ivr` FastAGI script: each connection becomes an IvrSession.

The runtime finds the flow for the session (the DID's route on a first entry,
the version Asterisk hands back on a resume), runs it, and sends the session's
fact into the outbox. It keeps the running sessions so that a stopping
connector can let them finish (bounded), and rate-limits the warnings that
would otherwise repeat on every call (a calendar past its horizon, a prompt
that cannot be played).
"""

import asyncio
import logging
import time
from collections import Counter

from .engine import IvrSession

_logger = logging.getLogger(__name__)

WARNING_INTERVAL_SECONDS = 600.0
DEFINITION_FETCH_SECONDS = 3.0


class IvrRuntime:
    def __init__(self, flows, lookups, submit, *, pbx_id, voicemail_path, clock=time.time,
                 definition_timeout=DEFINITION_FETCH_SECONDS):
        self.flows = flows
        self.lookups = lookups
        self.submit = submit
        self.pbx_id = pbx_id
        self.voicemail_path = voicemail_path
        self.clock = clock
        self.definition_timeout = definition_timeout
        self.sessions = set()
        self.outcomes = Counter()
        self._warned = {}

    async def handle(self, request):
        """One AGI session, from the environment to its fact."""
        task = asyncio.current_task()
        self.sessions.add(task)
        session = None
        try:
            try:
                session = await self._session(request)
            except Exception:
                _logger.exception("IVR flow lookup failed; the session falls back")
                session = self._new_session(request, None, "", None)
            fact = await session.run()
        except asyncio.CancelledError:
            if session is not None:
                self._emit(session.fact())
            raise
        finally:
            self.sessions.discard(task)
        self._emit(fact)

    async def _session(self, request):
        env = request.headers
        did = env.get("agi_arg_1", "").strip()
        version = env.get("agi_arg_2", "").strip()
        route = self.flows.route(did)
        if not version and route is not None and route.get("type") == "ivr":
            version = str(route.get("version") or "")
        definition = None
        if version:
            definition = await self.flows.definition(version, self.definition_timeout)
        return self._new_session(request, definition, version, route)

    def _new_session(self, request, definition, version, route):
        return IvrSession(request, definition, version=version, route=route, flows=self.flows,
                          lookups=self.lookups, pbx_id=self.pbx_id(), clock=self.clock,
                          voicemail_path=self.voicemail_path, warn=self.warn)

    def _emit(self, fact):
        self.outcomes[fact["outcome"]] += 1
        self.submit([fact])

    def warn(self, key, message, *args):
        """A warning at most once per key every ten minutes."""
        now = time.monotonic()
        if now - self._warned.get(key, -WARNING_INTERVAL_SECONDS) >= WARNING_INTERVAL_SECONDS:
            self._warned[key] = now
            _logger.warning(message, *args)

    async def stop(self, timeout):
        """Let the sessions in progress end (they hand callers over within seconds), then cut."""
        if not self.sessions:
            return
        _done, pending = await asyncio.wait(set(self.sessions), timeout=timeout)
        for task in pending:
            task.cancel()
        if pending:
            _logger.warning("%d IVR sessions cut at shutdown", len(pending))
            await asyncio.wait(pending, timeout=1.0)
