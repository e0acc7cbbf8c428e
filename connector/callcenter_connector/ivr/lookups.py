"""Caller lookups in Odoo and HTTP nodes, on a few threads of their own.

Both run while a caller waits, so each is bounded by its node's timeout and
never blocks the event loop. They share a small thread pool and an Odoo
client lane of their own: a hung Odoo or web service ties up these threads,
never the outbox's or the screen pops'. After a few failed lookups in a row a
circuit breaker answers "unknown caller" at once for a while, so callers do
not each wait out the timeout of an Odoo that is down.
"""

import asyncio
import functools
import json
import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

import requests

from ..adapters.odoo import OdooRejected, OdooUnavailable

_logger = logging.getLogger(__name__)

UNKNOWN_CALLER = {"known": False, "partner_id": None, "vip": False, "blacklisted": False,
                  "last_agent_dial": None, "last_agent_available": False}
LOOKUP_HTTP_TIMEOUT_SECONDS = 5.0
BREAKER_FAILURES = 3
BREAKER_COOLDOWN_SECONDS = 10.0
HTTP_MAX_BYTES = 64 * 1024
HTTP_GRACE_SECONDS = 0.05


class CircuitBreaker:
    """Closed, then open for `cooldown` seconds after `threshold` failures in a row;
    after the cooldown one trial call decides whether it closes again."""

    def __init__(self, threshold=BREAKER_FAILURES, cooldown=BREAKER_COOLDOWN_SECONDS,
                 clock=time.monotonic):
        self.threshold, self.cooldown, self.clock = threshold, cooldown, clock
        self.failures = 0
        self.open_until = 0.0
        self._trial = False

    def allow(self):
        if self.failures < self.threshold:
            return True
        if self.clock() < self.open_until or self._trial:
            return False
        self._trial = True
        return True

    def success(self):
        self.failures, self._trial = 0, False

    def failure(self):
        self.failures += 1
        self._trial = False
        if self.failures >= self.threshold:
            self.open_until = self.clock() + self.cooldown

    @property
    def is_open(self):
        return self.failures >= self.threshold and self.clock() < self.open_until


class Lookups:
    def __init__(self, odoo, threads=8, breaker=None):
        self.executor = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="ivr-lookup")
        self.odoo = (odoo.lane(executor=self.executor, timeout=LOOKUP_HTTP_TIMEOUT_SECONDS)
                     if hasattr(odoo, "lane") else odoo)
        self.breaker = breaker or CircuitBreaker()
        self._local = threading.local()
        self.lookups = 0
        self.skipped = 0

    def close(self):
        self.executor.shutdown(wait=False, cancel_futures=True)

    async def caller(self, pbx_id, caller, max_age_days, timeout):
        """What Odoo knows of `caller`; an unknown caller on timeout, error or open breaker."""
        if not caller or not pbx_id:
            return dict(UNKNOWN_CALLER)
        if not self.breaker.allow():
            self.skipped += 1
            return dict(UNKNOWN_CALLER)
        self.lookups += 1
        try:
            answer = await asyncio.wait_for(
                self.odoo.ivr_lookup(pbx_id, caller, max_age_days), timeout)
        except TimeoutError:
            self.breaker.failure()
            _logger.info("caller lookup for %s took more than %.1fs: unknown caller", caller,
                         timeout)
            return dict(UNKNOWN_CALLER)
        except (OdooUnavailable, OdooRejected) as exc:
            self.breaker.failure()
            _logger.info("caller lookup for %s failed (%s): unknown caller", caller, exc)
            return dict(UNKNOWN_CALLER)
        self.breaker.success()
        return normalize_lookup(answer)

    async def http(self, method, url, payload, timeout):
        """(ok, answer) of an HTTP node; answer is the decoded JSON or None."""
        if urlsplit(str(url or "")).scheme not in ("http", "https"):
            return False, None
        work = functools.partial(self._http_request, method, url, payload, timeout)
        future = asyncio.get_running_loop().run_in_executor(self.executor, work)
        try:
            return await asyncio.wait_for(future, timeout + HTTP_GRACE_SECONDS)
        except TimeoutError:
            _logger.info("HTTP node %s took more than %.1fs", url, timeout)
            return False, None

    def _http_request(self, method, url, payload, timeout):
        session = getattr(self._local, "session", None)
        if session is None:
            session = self._local.session = requests.Session()
        try:
            if method == "POST":
                response = session.post(url, json=payload, timeout=timeout, stream=True)
            else:
                response = session.get(url, params=payload, timeout=timeout, stream=True)
            with response:
                body = response.raw.read(HTTP_MAX_BYTES + 1, decode_content=True)
        except (requests.RequestException, OSError) as exc:
            _logger.info("HTTP node %s failed: %s", url, exc)
            return False, None
        if not 200 <= response.status_code < 300 or len(body) > HTTP_MAX_BYTES:
            _logger.info("HTTP node %s answered %s (%d bytes)", url, response.status_code,
                         len(body))
            return False, None
        if not body.strip():
            return True, None
        try:
            return True, json.loads(body)
        except ValueError:
            _logger.info("HTTP node %s answered something that is not JSON", url)
            return False, None


def normalize_lookup(answer):
    """Odoo's lookup answer with every key present and typed."""
    if not isinstance(answer, dict):
        return dict(UNKNOWN_CALLER)
    dial = answer.get("last_agent_dial")
    return {
        "known": bool(answer.get("known")),
        "partner_id": answer.get("partner_id") if isinstance(answer.get("partner_id"), int)
        else None,
        "vip": bool(answer.get("vip")),
        "blacklisted": bool(answer.get("blacklisted")),
        "last_agent_dial": dial if isinstance(dial, str) and dial else None,
        "last_agent_available": bool(answer.get("last_agent_available")),
    }
