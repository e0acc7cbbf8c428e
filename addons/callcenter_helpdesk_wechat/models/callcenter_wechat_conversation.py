# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, fields, models
from odoo.tools import html_escape

# customer messages quoted in the new ticket's description
TICKET_QUOTED_MESSAGES = 10


class CallcenterWechatConversation(models.Model):
    # An extension in place, not a new model: Odoo wants _name spelled out when _inherit
    # lists a mixin beside the model itself. security/ir.model.access.csv states per role
    # the rights callcenter_wechat gives, for the tickets this module adds to conversations.
    _name = "callcenter.wechat.conversation"
    _inherit = ["callcenter.wechat.conversation", "callcenter.helpdesk.ticket.source.mixin"]
    _callcenter_ticket_link_field = "callcenter_wechat_conversation_ids"

    helpdesk_ticket_ids = fields.Many2many(
        "helpdesk.ticket", "callcenter_wechat_conversation_helpdesk_ticket_rel",
        "conversation_id", "ticket_id", string="Tickets", copy=False,
    )
    helpdesk_ticket_count = fields.Integer(compute="_compute_helpdesk_ticket_count",
                                           string="Ticket Count")

    # ------------------------------------------------------------
    # BUSINESS
    # ------------------------------------------------------------

    def _callcenter_ticket_values(self):
        """A new ticket about this chat: besides the contact, the conversation and its
        queue's team, the first customer message as title, the last ones as description."""
        values = super()._callcenter_ticket_values()
        texts = self.wechat_message_ids.filtered(
            lambda m: m.direction == "in" and m.kind == "text" and m.body
        ).sorted("id")
        name = self.partner_id.display_name or self.name or _("WeChat follower")
        title = self._callcenter_ticket_title(texts[:1].body) if texts \
            else _("WeChat conversation with %(name)s", name=name)
        quoted = texts[-TICKET_QUOTED_MESSAGES:]
        fallback = _("Ticket opened from a WeChat conversation with %(name)s.", name=name)
        description = "".join(f"<p>{html_escape(m.body)}</p>" for m in quoted) or \
            f"<p>{html_escape(fallback)}</p>"
        values.update({
            "name": title,
            "description": description,
            "partner_name": values["partner_name"] or self.name or False,
        })
        return values
