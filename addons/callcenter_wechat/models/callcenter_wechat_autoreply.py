# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models, tools


class CallcenterWechatAutoreply(models.Model):
    _name = "callcenter.wechat.autoreply"
    _description = "WeChat Keyword Auto-reply"
    _order = "sequence, id"
    _rec_name = "keyword"

    account_id = fields.Many2one(
        "callcenter.wechat.account", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="account_id.company_id", store=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    keyword = fields.Char(required=True)
    match_mode = fields.Selection(
        [("exact", "Whole message"), ("contains", "Contains")], default="exact", required=True
    )
    reply = fields.Text(required=True, translate=True)
    route_to_agent = fields.Boolean(
        string="Route to Agent",
        help="Also open a conversation for an agent; otherwise the auto-reply settles the message."
    )

    @api.model_create_multi
    def create(self, vals_list):
        self.env.registry.clear_cache()  # _wechat_keywords
        return super().create(vals_list)

    def write(self, vals):
        self.env.registry.clear_cache()
        return super().write(vals)

    def unlink(self):
        self.env.registry.clear_cache()
        return super().unlink()

    @api.model
    def _wechat_match(self, account, text):
        """The first active auto-reply of `account`, in sequence order, whose keyword
        matches `text`: the whole message or a part of it, ignoring case and the
        spaces around."""
        text = text.strip().casefold()
        for autoreply_id, keyword, match_mode in self._wechat_keywords(account.id):
            if keyword and (text == keyword if match_mode == "exact" else keyword in text):
                return self.browse(autoreply_id)
        return self.browse()

    @api.model
    @tools.ormcache("account_id")
    def _wechat_keywords(self, account_id):
        """(id, keyword, match mode) of the account's active auto-replies, in order:
        cached, the webhook reads them for every text it receives."""
        return tuple(
            (autoreply.id, autoreply.keyword.strip().casefold(), autoreply.match_mode)
            for autoreply in self.sudo().search([("account_id", "=", account_id)])
        )
