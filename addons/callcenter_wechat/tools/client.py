# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""wechatpy's client, with the account's API base URL and the shared token.

wechatpy's ``WeChatClient`` keeps its token in memory (each worker would fetch
its own and invalidate the others'), hard-codes api.weixin.qq.com for the token
and retries a refused token without limit. This subclass:

* sends every call, the token request included, to the account's base URL
  (tests point it at the loopback fake in tests/wechat_fake.py);
* takes the token from a :class:`TokenStore` shared by every worker;
* on 40001/42001/40014 asks the store once for a token other than the refused
  one and retries once; a second refusal raises;
* raises :class:`WeChatNetworkError` (a ``WeChatClientException`` with no
  errcode) for network failures, so callers catch one exception type.
"""

import logging

import requests
from wechatpy import WeChatClient
from wechatpy.exceptions import WeChatClientException

from odoo import fields

from .token_store import REFRESH_MARGIN

_logger = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 10
"""Seconds: an agent waits for the answer, WeChat normally gives it in well under one."""
TOKEN_ERRORS = (40001, 40014, 42001)
"""invalid credential, invalid access token, access token expired."""


class WeChatNetworkError(WeChatClientException):
    """WeChat could not be reached or answered with an HTTP error status."""

    def __init__(self, error, client=None):
        super().__init__(
            errcode=None,
            errmsg=str(error),
            client=client,
            request=getattr(error, "request", None),
            response=getattr(error, "response", None),
        )


class CallcenterWeChatClient(WeChatClient):
    """A WeChat client for one account; build it with ``account._wechat_client()``."""

    def __init__(self, app_id, secret, api_base_url, token_store, timeout=DEFAULT_TIMEOUT):
        super().__init__(app_id, secret, timeout=timeout, auto_retry=False)
        # Instance attribute: wechatpy reads self.API_BASE_URL on every request.
        self.API_BASE_URL = api_base_url if api_base_url.endswith("/") else api_base_url + "/"
        self.token_store = token_store
        token_store.fetch = self._fetch_token
        self._token = None
        self._token_expires_at = None

    # ------------------------------------------------------------------
    # token
    # ------------------------------------------------------------------

    @property
    def access_token(self):
        if not self._token or self._token_expires_at - REFRESH_MARGIN <= fields.Datetime.now():
            self._token, self._token_expires_at = self.token_store.token()
        return self._token

    def fetch_access_token(self):
        """Forces a refresh through the store (wechatpy's public entry point)."""
        self._token, self._token_expires_at = self.token_store.token(stale=self._token)
        return {
            "access_token": self._token,
            "expires_in": int((self._token_expires_at - fields.Datetime.now()).total_seconds()),
        }

    def _fetch_token(self):
        """Asks WeChat for a new token; called by the store under its row lock."""
        try:
            response = self._http.get(
                self.API_BASE_URL + "token",
                params={
                    "grant_type": "client_credential",
                    "appid": self.appid,
                    "secret": self.secret,
                },
                timeout=self.timeout,
            )
            response.raise_for_status()
            result = response.json()
        except (requests.RequestException, ValueError) as error:
            raise WeChatNetworkError(error, client=self) from error
        if result.get("errcode"):
            raise WeChatClientException(
                result["errcode"], result.get("errmsg"), client=self,
                request=response.request, response=response,
            )
        return result["access_token"], int(result.get("expires_in") or 7200)

    # ------------------------------------------------------------------
    # requests
    # ------------------------------------------------------------------

    def _request(self, method, url_or_endpoint, **kwargs):
        # An upload is sent again after a token refusal: rewind its files first.
        files = [
            value[1] if isinstance(value, tuple) else value
            for value in (kwargs.get("files") or {}).values()
        ]
        positions = [(file, file.tell()) for file in files if hasattr(file, "seek")]
        try:
            return self._request_once(method, url_or_endpoint, kwargs)
        except WeChatClientException as exc:
            if exc.errcode not in TOKEN_ERRORS:
                raise
            _logger.info(
                "WeChat refused the access token of AppID %s (%s), renewing it once",
                self.appid, exc.errcode,
            )
            self.fetch_access_token()
            for file, position in positions:
                file.seek(position)
            return self._request_once(method, url_or_endpoint, kwargs)

    def _request_once(self, method, url_or_endpoint, kwargs):
        """One attempt; wechatpy mutates its arguments, so it gets copies."""
        kwargs = dict(kwargs)
        params = kwargs.get("params")
        if isinstance(params, dict):
            kwargs["params"] = {k: v for k, v in params.items() if k != "access_token"}
        try:
            return super()._request(method, url_or_endpoint, **kwargs)
        except WeChatClientException as exc:
            if exc.errcode is None and not isinstance(exc, WeChatNetworkError):
                status = exc.response.status_code if exc.response is not None else None
                raise WeChatNetworkError(
                    requests.HTTPError(f"HTTP {status}", response=exc.response), client=self
                ) from exc
            raise
        except requests.RequestException as error:
            raise WeChatNetworkError(error, client=self) from error
