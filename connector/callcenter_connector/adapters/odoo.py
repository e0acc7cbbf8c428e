"""Odoo over JSON-RPC (`/jsonrpc`, execute_kw) authenticated with an API key.

Blocking `requests` calls run in a worker thread so the event loop never waits
on Odoo: the default executor, or a pool of the caller's (the IVR's caller
lookups have their own, so that a hung Odoo cannot starve the outbox). Each
thread gets its own HTTP session, since a `requests.Session` is not
thread-safe. Two kinds of failure are told apart: Odoo unreachable (retry later,
facts stay spooled) and Odoo answering with an error (the batch itself is
refused: the caller splits it to find the bad fact).
"""

import asyncio
import functools
import itertools
import logging
import threading

import requests

_logger = logging.getLogger(__name__)


class OdooUnavailable(Exception):
    """Odoo could not be reached or answered with a server/transport error."""


class OdooRejected(Exception):
    """Odoo answered with a JSON-RPC error (access, validation, a bug)."""


class OdooClient:
    def __init__(self, url, db, login, api_key, timeout=10.0, session=None, executor=None):
        self.url = url.rstrip("/") + "/jsonrpc"
        self.db, self.login, self.api_key, self.timeout = db, login, api_key, timeout
        self.executor = executor
        self._session = session
        self._local = threading.local()
        self.uid = None
        self._ids = itertools.count(1)

    @property
    def session(self):
        if self._session is not None:
            return self._session
        session = getattr(self._local, "session", None)
        if session is None:
            session = self._local.session = requests.Session()
        return session

    def _post(self, service, method, args):
        payload = {"jsonrpc": "2.0", "method": "call", "id": next(self._ids),
                   "params": {"service": service, "method": method, "args": args}}
        try:
            response = self.session.post(self.url, json=payload, timeout=self.timeout)
        except requests.RequestException as exc:
            raise OdooUnavailable(f"{self.url}: {exc.__class__.__name__}: {exc}") from None
        if response.status_code >= 500 or response.status_code in (404, 429):
            raise OdooUnavailable(f"{self.url}: HTTP {response.status_code}")
        try:
            answer = response.json()
        except ValueError:
            raise OdooUnavailable(f"{self.url}: answer is not JSON (HTTP {response.status_code})") from None
        if answer.get("error"):
            error = answer["error"]
            data = error.get("data") or {}
            message = data.get("message") or error.get("message") or "error"
            if data.get("name", "").endswith(("OperationalError", "SerializationFailure")):
                raise OdooUnavailable(f"Odoo busy: {message}")
            raise OdooRejected(f"{data.get('name', 'Odoo')}: {message}")
        return answer.get("result")

    def _authenticate(self):
        uid = self._post("common", "login", [self.db, self.login, self.api_key])
        if not uid:
            raise OdooRejected(f"Odoo refused the API key of user {self.login!r} on database {self.db!r}")
        self.uid = uid
        return uid

    def _execute(self, model, method, args, kwargs=None):
        uid = self.uid or self._authenticate()
        return self._post("object", "execute_kw",
                          [self.db, uid, self.api_key, model, method, args, kwargs or {}])

    async def call(self, model, method, args, kwargs=None):
        work = functools.partial(self._execute, model, method, args, kwargs)
        return await asyncio.get_running_loop().run_in_executor(self.executor, work)

    async def ingest(self, pbx_id, facts):
        return await self.call("callcenter.pbx", "callcenter_ingest", [[pbx_id], facts])

    async def ring(self, pbx_id, facts):
        return await self.call("callcenter.pbx", "callcenter_ring", [[pbx_id], facts])

    def lane(self, executor=None, timeout=None):
        """Another client for the same Odoo, with HTTP sessions of its own, on `executor`."""
        twin = OdooClient(self.url[: -len("/jsonrpc")], self.db, self.login, self.api_key,
                          self.timeout if timeout is None else timeout, executor=executor)
        twin.uid = self.uid
        return twin

    async def connector_config(self, pbx_id):
        return await self.call("callcenter.pbx", "callcenter_connector_config", [[pbx_id]])

    async def find_pbx(self):
        ids = await self.call("callcenter.pbx", "search", [[]], {"limit": 1, "order": "sequence, id"})
        if not ids:
            raise OdooRejected("no PBX is configured in Odoo (Call Center > Configuration > PBX Servers)")
        return ids[0]

    # IVR (callcenter_ivr): see connector/IVR.md for the shapes.

    async def ivr_runtime(self, pbx_id):
        return await self.call("callcenter.pbx", "callcenter_ivr_runtime", [[pbx_id]])

    async def ivr_definitions(self, pbx_id, versions):
        return await self.call("callcenter.pbx", "callcenter_ivr_definitions",
                               [[pbx_id], list(versions)])

    async def ivr_sounds(self, pbx_id, names):
        return await self.call("callcenter.pbx", "callcenter_ivr_sounds", [[pbx_id], list(names)])

    async def ivr_lookup(self, pbx_id, caller, max_age_days):
        return await self.call("callcenter.pbx", "callcenter_ivr_lookup",
                               [[pbx_id], caller, max_age_days])

    # CATI (callcenter_cati): see connector/CATI.md for the shapes.

    async def cati_dial_cases(self, pbx_id, campaign_id, count):
        return await self.call("callcenter.pbx", "callcenter_cati_dial_cases",
                               [[pbx_id], campaign_id, count])
