# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models, tools
from odoo.tools import SQL


class CallcenterWechatFollowReport(models.Model):
    """Follows and unfollows, one row per stored subscribe or unsubscribe event.

    Rows are not grouped by day in SQL: the pivot groups the event time by day,
    week or month in the reader's time zone.
    """

    _name = "callcenter.wechat.follow.report"
    _description = "WeChat Follows per Day"
    _auto = False
    _order = "event_time desc"

    event_time = fields.Datetime(string="Time", readonly=True)
    account_id = fields.Many2one("callcenter.wechat.account", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    follows = fields.Integer(readonly=True)
    unfollows = fields.Integer(readonly=True)
    net_follows = fields.Integer(readonly=True)

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(SQL(
            """
            CREATE VIEW %(view)s AS (
                SELECT m.id,
                       m.wechat_time AS event_time,
                       m.account_id,
                       m.company_id,
                       (m.event = 'subscribe')::int AS follows,
                       (m.event = 'unsubscribe')::int AS unfollows,
                       CASE m.event WHEN 'subscribe' THEN 1 ELSE -1 END AS net_follows
                  FROM callcenter_wechat_message m
                 WHERE m.kind = 'event' AND m.event IN ('subscribe', 'unsubscribe')
            )
            """,
            view=SQL.identifier(self._table),
        ))
