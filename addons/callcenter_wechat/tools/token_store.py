# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The access token of an AppID, shared by every Odoo worker through the database.

WeChat hands out one valid access token per AppID: each fetch invalidates the
previous token (after a short grace) and the fetches themselves are rationed
(2,000 a day). Workers must therefore share one token and only one of them may
fetch a new one when it runs out.

The token lives in ``callcenter_wechat_token``, one row per AppID. It is read
and written here in a transaction of its own, on a cursor of its own and in
plain SQL, for three reasons:

* the refresh must be committed at once, whatever happens to the caller's
  transaction (a rolled-back token would be lost while WeChat already
  invalidated the previous one);
* the row lock that serializes the refresh must be released as soon as the
  new token is stored, not when the caller's (maybe long) transaction ends;
* no Environment is needed, so any thread can use it (building an
  Environment in another thread blocks on the registry during tests).

The cursor runs in READ COMMITTED: a worker that waited on the row lock then
reads the token the first worker just committed, where Odoo's REPEATABLE READ
would raise a serialization error instead.
"""

import logging
from datetime import timedelta

from psycopg2.extensions import ISOLATION_LEVEL_READ_COMMITTED

from odoo import fields
from odoo.sql_db import db_connect

_logger = logging.getLogger(__name__)

REFRESH_MARGIN = timedelta(minutes=5)
"""A token is renewed this long before WeChat says it expires, so that a call
never starts with a token that dies on the way."""


class TokenStore:
    """Reads and refreshes the shared token of one AppID.

    :param dbname: the database holding ``callcenter_wechat_token``
    :param app_id: the AppID whose token this is
    :param fetch: a callable asking WeChat for a new token, returning
        ``(access_token, expires_in_seconds)``; it raises on failure and is
        only ever called while this store holds the row lock
    """

    def __init__(self, dbname, app_id, fetch, margin=REFRESH_MARGIN):
        self.dbname = dbname
        self.app_id = app_id
        self.fetch = fetch
        self.margin = margin

    def _cursor(self):
        cr = db_connect(self.dbname).cursor()
        cr.connection.set_isolation_level(ISOLATION_LEVEL_READ_COMMITTED)
        return cr

    def _usable(self, token, expires_at, stale):
        return bool(
            token and token != stale and expires_at
            and expires_at - self.margin > fields.Datetime.now()
        )

    def read(self):
        """``(access_token, expires_at)`` as stored, without a lock, or ``(None, None)``."""
        with self._cursor() as cr:
            cr.execute(
                "SELECT access_token, expires_at FROM callcenter_wechat_token WHERE app_id = %s",
                [self.app_id],
            )
            row = cr.fetchone()
        return row or (None, None)

    def token(self, stale=None):
        """A token good for at least ``margin``, as ``(access_token, expires_at)``.

        ``stale`` is a token WeChat has just refused (40001, 42001, 40014): it is
        never returned. When another worker has already replaced it, that
        worker's token is returned rather than fetching yet another one, which
        would in turn invalidate theirs.
        """
        token, expires_at = self.read()
        if self._usable(token, expires_at, stale):
            return token, expires_at
        with self._cursor() as cr:
            cr.execute(
                "INSERT INTO callcenter_wechat_token (app_id) VALUES (%s) "
                "ON CONFLICT (app_id) DO NOTHING",
                [self.app_id],
            )
            # Waits here while another worker refreshes, then reads its token.
            cr.execute(
                "SELECT access_token, expires_at FROM callcenter_wechat_token "
                "WHERE app_id = %s FOR UPDATE",
                [self.app_id],
            )
            token, expires_at = cr.fetchone()
            if self._usable(token, expires_at, stale):
                return token, expires_at
            _logger.info("Fetching a new WeChat access token for AppID %s", self.app_id)
            token, expires_in = self.fetch()
            expires_at = fields.Datetime.now() + timedelta(seconds=expires_in)
            cr.execute(
                "UPDATE callcenter_wechat_token SET access_token = %s, expires_at = %s "
                "WHERE app_id = %s",
                [token, expires_at, self.app_id],
            )
        return token, expires_at

    def clear(self):
        """Forget the token, e.g. after the AppSecret changed."""
        with self._cursor() as cr:
            # The table is not there for other transactions while the module installs.
            cr.execute("SELECT to_regclass('callcenter_wechat_token')")
            if cr.fetchone()[0]:
                cr.execute("DELETE FROM callcenter_wechat_token WHERE app_id = %s", [self.app_id])
