# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models
from odoo.tools import SQL

from odoo.addons.callcenter_helpdesk.models.callcenter_contact_history import (
    HISTORY_ID_SLOTS,
)


class CallcenterContactHistory(models.Model):
    """WeChat conversations in the contact's history."""

    _inherit = "callcenter.contact.history"

    kind = fields.Selection(selection_add=[("wechat", "WeChat")])
    wechat_conversation_id = fields.Many2one("callcenter.wechat.conversation",
                                             string="WeChat Conversation", readonly=True)
    wechat_state = fields.Selection(related="wechat_conversation_id.state",
                                    string="Conversation State")

    def _callcenter_history_sources(self):
        return super()._callcenter_history_sources() + [
            (SQL("callcenter_wechat_conversation w"), {
                "id": SQL("w.id * %s + 3", HISTORY_ID_SLOTS),
                "date": SQL("w.started_at"),
                "kind": SQL("'wechat'"),
                "name": SQL("""COALESCE(
                    (SELECT LEFT(m.body, 120) FROM callcenter_wechat_message m
                      WHERE m.conversation_id = w.id AND m.direction = 'in'
                        AND m.kind = 'text' AND m.body IS NOT NULL
                      ORDER BY m.id LIMIT 1),
                    (SELECT f.name FROM callcenter_wechat_follower f
                      WHERE f.id = w.follower_id))"""),
                "partner_id": SQL("w.partner_id"),
                "user_id": SQL("w.user_id"),
                "company_id": SQL("w.company_id"),
                "wechat_conversation_id": SQL("w.id"),
            }),
        ]

    def _callcenter_history_record_fields(self):
        return super()._callcenter_history_record_fields() + ["wechat_conversation_id"]
