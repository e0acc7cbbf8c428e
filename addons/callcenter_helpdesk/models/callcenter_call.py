# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models
from odoo.tools import format_datetime, html_escape, plaintext2html

TICKET_TITLE_LENGTH = 80


class CallcenterCall(models.Model):
    _inherit = "callcenter.call"

    helpdesk_ticket_ids = fields.Many2many(
        "helpdesk.ticket", "callcenter_call_helpdesk_ticket_rel", "call_id", "ticket_id",
        string="Tickets", copy=False,
    )
    helpdesk_ticket_count = fields.Integer(compute="_compute_helpdesk_ticket_count",
                                           string="Ticket Count")

    @api.depends("helpdesk_ticket_ids")
    def _compute_helpdesk_ticket_count(self):
        for call in self:
            call.helpdesk_ticket_count = len(call.helpdesk_ticket_ids)

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def action_new_helpdesk_ticket(self):
        """The ticket form, pre-filled from the call; saving it links the call."""
        self.ensure_one()
        values = self._callcenter_ticket_values()
        context = {f"default_{name}": value for name, value in values.items()
                   if name != "callcenter_call_ids"}
        context["default_callcenter_call_ids"] = [self.id]
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
        action["domain"] = [("callcenter_call_ids", "in", self.ids)]
        action["context"] = {"default_callcenter_call_ids": [self.id],
                             "default_partner_id": self.partner_id.id}
        return action

    # ------------------------------------------------------------
    # BUSINESS
    # ------------------------------------------------------------

    def _callcenter_ticket_values(self):
        """Values of a new ticket about this call: the contact, the call, the team that
        handles the call's queue, a title and description from the call."""
        self.ensure_one()
        team = self.env["helpdesk.ticket.team"]._callcenter_find_for_queue(self.queue_id)
        user = self.env.user
        if team and not user.has_group("helpdesk_mgmt.group_helpdesk_user") \
                and team not in user.helpdesk_team_ids:
            # helpdesk_mgmt's team rule would hide the new ticket from its creator:
            # the agent leaves the team empty and hands the ticket over afterwards
            team = self.env["helpdesk.ticket.team"]
        party = self.partner_id.display_name or self.customer_number or _("unknown caller")
        when = format_datetime(self.env, self.started_at, dt_format="short")
        if self.summary:
            title = self.summary.strip().splitlines()[0][:TICKET_TITLE_LENGTH]
            description = plaintext2html(self.summary)
        else:
            title = _("Call from %(party)s", party=party) if self.direction != "outbound" \
                else _("Call to %(party)s", party=party)
            text = _("Ticket opened from the call of %(when)s with %(party)s.",
                     when=when, party=party)
            description = f"<p>{html_escape(text)}</p>"
        channel = self.env.ref("helpdesk_mgmt.helpdesk_ticket_channel_phone",
                               raise_if_not_found=False)
        values = {
            "name": title,
            "description": description,
            "partner_id": self.partner_id.id or False,
            "partner_name": self.partner_id.name or self._callcenter_customer_name() or False,
            "partner_email": self.partner_id.email or False,
            "team_id": team.id or False,
            "channel_id": channel.id if channel else False,
            "callcenter_call_ids": [fields.Command.link(self.id)],
        }
        return values

    def _callcenter_create_ticket(self, **overrides):
        """Create the ticket about this call at once (no form)."""
        self.ensure_one()
        return self.env["helpdesk.ticket"].create({**self._callcenter_ticket_values(),
                                                    **overrides})
