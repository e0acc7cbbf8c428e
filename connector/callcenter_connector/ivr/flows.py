"""The IVR flows the connector runs: Odoo's runtime configuration and the published
versions, kept in memory and on disk.

Calls only read from memory. A refresher task fetches the runtime configuration
when the connector configuration's `ivr_stamp` changes (or on the `ivr_refresh`
command), together with the definitions of the versions its routes use, and
switches to it only once Odoo has answered both, so that an outage between the
two calls never leaves routes pointing to versions the connector lacks. Versions are immutable: a definition is
fetched once and kept (a call started on version 7 ends on version 7). Both are
written to `ivr-cache.json` in the spool folder, atomically, so that a
connector restarted while Odoo is down serves the flows it last had.
"""

import asyncio
import json
import logging
import os
import time
from pathlib import Path

from ..adapters.odoo import OdooRejected, OdooUnavailable

_logger = logging.getLogger(__name__)

CACHE_FILE = "ivr-cache.json"
DEFINITION_FETCH_SECONDS = 3.0
REFRESH_RETRY_MIN_SECONDS = 1.0
REFRESH_RETRY_MAX_SECONDS = 60.0
MAX_CACHED_DEFINITIONS = 500


class InvalidFlows(Exception):
    """Odoo's answer does not have the shape of IVR.md."""


class FlowCache:
    def __init__(self, directory, odoo, pbx_id=lambda: 0, on_refreshed=None,
                 clock=time.time):
        self.path = Path(directory) / CACHE_FILE
        self.odoo = odoo
        self.pbx_id = pbx_id
        self.on_refreshed = on_refreshed
        self.clock = clock
        self.runtime = None
        self.definitions = {}
        self.stamp = None
        self.cached_pbx_id = 0
        self.refreshes = 0
        self._wanted = asyncio.Event()
        self._target = None
        self._fetches = {}
        self._save_lock = asyncio.Lock()

    # ------------------------------------------------------------------ reading (call path)

    def route(self, did):
        """The route of a DID, else the default route (`""`), else None."""
        routes = (self.runtime or {}).get("routes") or {}
        route = routes.get(str(did))
        if route is None:
            route = routes.get("")
        return route if isinstance(route, dict) else None

    @property
    def fallback(self):
        fallback = (self.runtime or {}).get("fallback")
        return fallback if isinstance(fallback, dict) else {}

    @property
    def calendars(self):
        calendars = (self.runtime or {}).get("calendars")
        return calendars if isinstance(calendars, dict) else {}

    async def definition(self, version, timeout=DEFINITION_FETCH_SECONDS):
        """A version's definition, fetched (once, whoever asks) when not cached; None
        when Odoo does not give it within `timeout`."""
        key = str(version)
        cached = self.definitions.get(key)
        if cached is not None:
            return cached
        fetch = self._fetches.get(key)
        if fetch is None:
            fetch = self._fetches[key] = asyncio.ensure_future(self._fetch(key))
            fetch.add_done_callback(lambda _done: self._fetches.pop(key, None))
        try:
            return await asyncio.wait_for(asyncio.shield(fetch), timeout)
        except TimeoutError:
            _logger.warning("IVR version %s: not cached, and Odoo did not send it within %.1fs",
                            key, timeout)
            return None

    async def _fetch(self, key):
        try:
            found = await self._fetch_definitions([key])
        except (OdooUnavailable, OdooRejected, InvalidFlows) as exc:
            _logger.warning("IVR version %s: not cached, and Odoo cannot send it (%s)", key, exc)
            return None
        self.definitions.update(found)
        if found:
            await self.save()
        return found.get(key)

    async def _fetch_definitions(self, keys):
        pbx_id = self.pbx_id() or self.cached_pbx_id
        answer = await self.odoo.ivr_definitions(pbx_id, [_version_arg(key) for key in keys])
        if not isinstance(answer, dict):
            raise InvalidFlows("callcenter_ivr_definitions did not answer an object")
        found = {}
        for key, definition in answer.items():
            if str(key) in keys and valid_definition(definition):
                found[str(key)] = definition
            else:
                _logger.warning("IVR version %s: Odoo sent an unusable definition", key)
        return found

    # ------------------------------------------------------------------ refreshing

    def note_stamp(self, stamp):
        """The connector configuration names the current flows; refresh if they changed."""
        if stamp and stamp != self.stamp and stamp != self._target:
            self._target = stamp
            self._wanted.set()

    def refresh_soon(self):
        """Odoo published something (`ivr_refresh`): refresh now, whatever the stamp says."""
        self._wanted.set()

    async def run(self):
        """The refresher: one refresh at a time, retried with backoff while Odoo fails."""
        retry = REFRESH_RETRY_MIN_SECONDS
        while True:
            await self._wanted.wait()
            self._wanted.clear()
            try:
                await self.refresh(self._target)
            except (OdooUnavailable, OdooRejected, InvalidFlows) as exc:
                _logger.warning("IVR flows not refreshed (%s); retry in %.0fs", exc, retry)
                self._wanted.set()
                await asyncio.sleep(retry)
                retry = min(retry * 2, REFRESH_RETRY_MAX_SECONDS)
                continue
            retry = REFRESH_RETRY_MIN_SECONDS

    async def refresh(self, stamp=None):
        pbx_id = self.pbx_id() or self.cached_pbx_id
        runtime = await self.odoo.ivr_runtime(pbx_id)
        if not isinstance(runtime, dict) or not isinstance(runtime.get("routes"), dict):
            raise InvalidFlows("callcenter_ivr_runtime did not answer routes")
        wanted = {str(route["version"]) for route in runtime["routes"].values()
                  if isinstance(route, dict) and route.get("type") == "ivr"
                  and route.get("version")}
        missing = sorted(wanted - set(self.definitions))
        if missing:
            found = await self._fetch_definitions(missing)
            self.definitions.update(found)
            refused = sorted(set(missing) - set(found))
            if refused:
                _logger.error("IVR routes use versions %s that Odoo does not send: their calls "
                              "go to the fallback queue", ", ".join(refused))
        self.runtime = runtime
        self.stamp = stamp or runtime.get("stamp") or self.stamp
        self.cached_pbx_id = pbx_id
        self.refreshes += 1
        if stamp == self._target:
            self._target = None
        _logger.info("IVR flows refreshed: %d routes, %d versions cached (stamp %s)",
                     len(runtime["routes"]), len(self.definitions), self.stamp)
        await self.save()
        if self.on_refreshed is not None:
            await self.on_refreshed(runtime)

    # ------------------------------------------------------------------ disk

    def load(self):
        """Read the last saved flows; False when there are none (or they are unreadable)."""
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return False
        except (OSError, ValueError) as exc:
            _logger.warning("IVR cache %s unreadable (%s); waiting for Odoo", self.path, exc)
            return False
        if not isinstance(data, dict) or not isinstance(data.get("definitions"), dict):
            _logger.warning("IVR cache %s has an unknown shape; waiting for Odoo", self.path)
            return False
        runtime = data.get("runtime")
        self.runtime = runtime if isinstance(runtime, dict) else None
        self.definitions = {str(key): value for key, value in data["definitions"].items()
                            if valid_definition(value)}
        self.stamp = data.get("stamp")
        self.cached_pbx_id = int(data.get("pbx_id") or 0)
        _logger.info("IVR flows loaded from %s (stamp %s, %d versions)", self.path, self.stamp,
                     len(self.definitions))
        return True

    async def save(self):
        self._prune()
        text = json.dumps({"saved": self.clock(), "pbx_id": self.cached_pbx_id,
                           "stamp": self.stamp, "runtime": self.runtime,
                           "definitions": self.definitions}, ensure_ascii=False)
        async with self._save_lock:
            try:
                await asyncio.to_thread(atomic_write, self.path, text.encode("utf-8"))
            except OSError as exc:
                _logger.error("IVR cache %s not written: %s", self.path, exc)

    def _prune(self):
        """Versions no route uses any more go, oldest first, beyond a generous number."""
        excess = len(self.definitions) - MAX_CACHED_DEFINITIONS
        if excess <= 0:
            return
        routes = (self.runtime or {}).get("routes") or {}
        used = {str(route.get("version")) for route in routes.values() if isinstance(route, dict)}
        unused = sorted((key for key in self.definitions if key not in used), key=_version_order)
        for key in unused[:excess]:
            del self.definitions[key]


def valid_definition(definition):
    return (isinstance(definition, dict) and isinstance(definition.get("nodes"), dict)
            and definition.get("start") is not None)


def atomic_write(path, data):
    """Temporary file, fsync, rename: readers see the old file or the new one, whole."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


def _version_arg(key):
    return int(key) if key.isdigit() else key


def _version_order(key):
    return (0, int(key), "") if key.isdigit() else (1, 0, key)
