# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class CallcenterWechatToken(models.Model):
    """One access token per AppID, shared by every Odoo worker.

    WeChat invalidates the previous token whenever a new one is fetched, so
    workers must never each fetch their own: the row is read and refreshed
    under a row lock in a transaction of its own (see tools/token_store.py).
    It is keyed by AppID rather than by account so that it can be read and
    written outside the ORM and the current transaction.
    """

    _name = "callcenter.wechat.token"
    _description = "WeChat Access Token"
    _log_access = False

    app_id = fields.Char(string="AppID", required=True, readonly=True)
    access_token = fields.Char(readonly=True)
    expires_at = fields.Datetime(readonly=True)

    _sql_constraints = [
        ("app_id_unique", "UNIQUE(app_id)", "There is one access token per AppID."),
    ]
