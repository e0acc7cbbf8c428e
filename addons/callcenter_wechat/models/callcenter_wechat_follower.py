# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.tools import SQL


class CallcenterWechatFollower(models.Model):
    _name = "callcenter.wechat.follower"
    _description = "WeChat Follower"
    _order = "last_inbound_at desc, id desc"
    _rec_names_search = ["nickname", "openid", "partner_id"]

    name = fields.Char(compute="_compute_name", store=True)
    account_id = fields.Many2one(
        "callcenter.wechat.account", required=True, index=True, ondelete="cascade", readonly=True
    )
    company_id = fields.Many2one(related="account_id.company_id", store=True, index=True)
    openid = fields.Char(string="OpenID", required=True, readonly=True)
    unionid = fields.Char(string="UnionID", index="btree_not_null", readonly=True)
    nickname = fields.Char()
    partner_id = fields.Many2one(
        "res.partner", string="Contact", index="btree_not_null",
        help="The contact this WeChat user is: set by a binding QR code scanned from the "
        "customer's portal, or by an agent who recognised the customer.",
    )
    subscribed = fields.Boolean(string="Following", readonly=True)
    subscribe_time = fields.Datetime(string="Followed On", readonly=True)
    unsubscribe_time = fields.Datetime(string="Unfollowed On", readonly=True)
    subscribe_scene = fields.Char(readonly=True, help="The QR scene or source of the last follow.")
    last_inbound_at = fields.Datetime(
        readonly=True, help="The follower's last message or event: it opens WeChat's 48-hour reply window."
    )
    latitude = fields.Float(digits=(10, 6), readonly=True)
    longitude = fields.Float(digits=(10, 6), readonly=True)
    conversation_ids = fields.One2many("callcenter.wechat.conversation", "follower_id")
    conversation_count = fields.Integer(compute="_compute_conversation_count")

    _sql_constraints = [
        ("openid_unique", "UNIQUE(account_id, openid)", "This follower already exists."),
    ]

    @api.depends("nickname", "openid")
    def _compute_name(self):
        for follower in self:
            follower.name = follower.nickname or follower.openid

    def _compute_conversation_count(self):
        counts = dict(self.env["callcenter.wechat.conversation"]._read_group(
            [("follower_id", "in", self.ids)], ["follower_id"], ["__count"]
        ))
        for follower in self:
            follower.conversation_count = counts.get(follower, 0)

    # ------------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------------

    def action_view_conversations(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Conversations of %(follower)s", follower=self.name),
            "res_model": "callcenter.wechat.conversation",
            "view_mode": "list,form",
            "domain": [("follower_id", "=", self.id)],
            "context": {"default_follower_id": self.id},
        }

    # ------------------------------------------------------------------
    # BUSINESS
    # ------------------------------------------------------------------

    @api.model
    def _wechat_upsert(self, account, openid, inbound_at=None, subscribed=True):
        """The follower of `openid`, created on their first message or event.

        One SQL statement, so two webhook requests of the same new follower at once
        neither fail on the unique constraint nor log an error. `inbound_at` moves
        `last_inbound_at` forward only (WeChat may deliver an older message late);
        `subscribed` only applies to a new follower: the processing cron owns the
        follow state of known ones, in event order.
        """
        now = fields.Datetime.now()
        self.env.cr.execute(SQL(
            """
            INSERT INTO callcenter_wechat_follower AS follower
                   (account_id, company_id, openid, name, subscribed, last_inbound_at,
                    create_uid, create_date, write_uid, write_date)
            VALUES (%(account)s, %(company)s, %(openid)s, %(openid)s, %(subscribed)s,
                    %(inbound_at)s, %(uid)s, %(now)s, %(uid)s, %(now)s)
            ON CONFLICT (account_id, openid) DO UPDATE
               SET last_inbound_at = GREATEST(follower.last_inbound_at, EXCLUDED.last_inbound_at)
            RETURNING id
            """,
            account=account.id, company=account.company_id.id, openid=openid,
            subscribed=subscribed, inbound_at=inbound_at, uid=self.env.uid, now=now,
        ))
        follower = self.browse(self.env.cr.fetchone()[0])
        follower.invalidate_recordset(["last_inbound_at"])
        return follower

    def _wechat_set_subscribed(self, subscribed, at, scene=None):
        """Apply a follow or unfollow event that happened `at`.

        The latest event wins whatever the order in which they are processed (a failed
        message retried later must not undo a newer one), which also makes processing
        the same event twice harmless.
        """
        self.ensure_one()
        if subscribed:
            if self.subscribe_time and at < self.subscribe_time:
                return
            self.write({
                "subscribe_time": at,
                "subscribe_scene": scene or False,
                "subscribed": not self.unsubscribe_time or at >= self.unsubscribe_time,
            })
        else:
            if self.unsubscribe_time and at < self.unsubscribe_time:
                return
            self.write({
                "unsubscribe_time": at,
                "subscribed": bool(self.subscribe_time and self.subscribe_time > at),
            })
