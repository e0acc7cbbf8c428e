# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models
from odoo.tools import html_escape

TICKET_TITLE_LENGTH = 80
# customer messages quoted in the new ticket's description
TICKET_QUOTED_MESSAGES = 10


class CallcenterWechatConversation(models.Model):
    _inherit = "callcenter.wechat.conversation"

    helpdesk_ticket_ids = fields.Many2many(
        "helpdesk.ticket", "callcenter_wechat_conversation_helpdesk_ticket_rel",
        "conversation_id", "ticket_id", string="Tickets", copy=False,
    )
    helpdesk_ticket_count = fields.Integer(compute="_compute_helpdesk_ticket_count",
                                           string="Ticket Count")

    @api.depends("helpdesk_ticket_ids")
    def _compute_helpdesk_ticket_count(self):
        for conversation in self:
            conversation.helpdesk_ticket_count = len(conversation.helpdesk_ticket_ids)

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def action_new_helpdesk_ticket(self):
        """The ticket form, pre-filled from the conversation; saving it links it."""
        self.ensure_one()
        values = self._callcenter_ticket_values()
        context = {f"default_{name}": value for name, value in values.items()
                   if name != "callcenter_wechat_conversation_ids"}
        context["default_callcenter_wechat_conversation_ids"] = [self.id]
        return {
            "type": "ir.actions.act_window",
            "name": _("New Ticket"),
            "res_model": "helpdesk.ticket",
            "views": [[False, "form"]],
            "target": "current",
            "context": context,
        }

    def action_view_helpdesk_tickets(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "helpdesk_mgmt.helpdesk_ticket_action")
        action["domain"] = [("callcenter_wechat_conversation_ids", "in", self.ids)]
        action["context"] = {"default_callcenter_wechat_conversation_ids": [self.id],
                             "default_partner_id": self.partner_id.id}
        return action

    # ------------------------------------------------------------
    # BUSINESS
    # ------------------------------------------------------------

    def _callcenter_ticket_values(self):
        """A new ticket about this chat: the contact, the conversation, the team of its
        queue, the first customer message as title, the last ones as description."""
        self.ensure_one()
        team = self.env["helpdesk.ticket.team"]._callcenter_find_for_queue(self.queue_id)
        user = self.env.user
        if team and not user.has_group("helpdesk_mgmt.group_helpdesk_user") \
                and team not in user.helpdesk_team_ids:
            # helpdesk_mgmt's team rule would hide the new ticket from its creator
            team = self.env["helpdesk.ticket.team"]
        texts = self.wechat_message_ids.filtered(
            lambda m: m.direction == "in" and m.kind == "text" and m.body
        ).sorted("id")
        name = self.partner_id.display_name or self.name or _("WeChat follower")
        title = texts[:1].body.strip().splitlines()[0][:TICKET_TITLE_LENGTH] if texts \
            else _("WeChat conversation with %(name)s", name=name)
        quoted = texts[-TICKET_QUOTED_MESSAGES:]
        fallback = _("Ticket opened from a WeChat conversation with %(name)s.", name=name)
        description = "".join(f"<p>{html_escape(m.body)}</p>" for m in quoted) or \
            f"<p>{html_escape(fallback)}</p>"
        return {
            "name": title,
            "description": description,
            "partner_id": self.partner_id.id or False,
            "partner_name": self.partner_id.name or self.name or False,
            "partner_email": self.partner_id.email or False,
            "team_id": team.id or False,
            "callcenter_wechat_conversation_ids": [fields.Command.link(self.id)],
        }

    def _callcenter_create_ticket(self, **overrides):
        self.ensure_one()
        return self.env["helpdesk.ticket"].create({**self._callcenter_ticket_values(),
                                                    **overrides})
