# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models

TICKET_TITLE_LENGTH = 80


class CallcenterHelpdeskTicketSourceMixin(models.AbstractModel):
    """A contact's exchange a ticket can be opened from (a call, a WeChat conversation).

    The "New Ticket" button, the tickets smart button and the values every such ticket
    starts with live here once, so that calls and conversations behave alike. An
    inheriting model has `partner_id` and `queue_id`, defines `helpdesk_ticket_ids` (its
    own relation table) and `helpdesk_ticket_count` computed by
    `_compute_helpdesk_ticket_count`, names the ticket's side of that relation in
    `_callcenter_ticket_link_field`, and adds the title and description of the ticket in
    `_callcenter_ticket_values`.
    """

    _name = "callcenter.helpdesk.ticket.source.mixin"
    _description = "Helpdesk Ticket Source"

    # helpdesk.ticket many2many listing the records of the inheriting model
    _callcenter_ticket_link_field = None

    @api.depends("helpdesk_ticket_ids")
    def _compute_helpdesk_ticket_count(self):
        for record in self:
            record.helpdesk_ticket_count = len(record.helpdesk_ticket_ids)

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def action_new_helpdesk_ticket(self):
        """The ticket form, pre-filled from this record; saving it links the record."""
        self.ensure_one()
        link_field = self._callcenter_ticket_link_field
        values = self._callcenter_ticket_values()
        context = {f"default_{name}": value for name, value in values.items()
                   if name != link_field}
        # the form's many2many takes ids, not the commands that create() takes
        context[f"default_{link_field}"] = [self.id]
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
        link_field = self._callcenter_ticket_link_field
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "helpdesk_mgmt.helpdesk_ticket_action")
        action["domain"] = [(link_field, "in", self.ids)]
        action["context"] = {f"default_{link_field}": [self.id],
                             "default_partner_id": self.partner_id.id}
        return action

    # ------------------------------------------------------------
    # BUSINESS
    # ------------------------------------------------------------

    def _callcenter_ticket_values(self):
        """Values of a new ticket about this record: the contact, the record itself and
        the team that handles its queue. Inheriting models add a title and description."""
        self.ensure_one()
        return {
            "partner_id": self.partner_id.id or False,
            "partner_name": self.partner_id.name or False,
            "partner_email": self.partner_id.email or False,
            "team_id": self._callcenter_ticket_team().id or False,
            self._callcenter_ticket_link_field: [fields.Command.link(self.id)],
        }

    def _callcenter_ticket_team(self):
        """The team of this record's queue, unless the current user could not see a ticket
        of that team: helpdesk_mgmt's team rule would hide the new ticket from its
        creator, so the agent leaves the team empty and hands the ticket over afterwards."""
        self.ensure_one()
        team = self.env["helpdesk.ticket.team"]._callcenter_find_for_queue(self.queue_id)
        user = self.env.user
        if team and not user.has_group("helpdesk_mgmt.group_helpdesk_user") \
                and team not in user.helpdesk_team_ids:
            return self.env["helpdesk.ticket.team"]
        return team

    def _callcenter_create_ticket(self, **overrides):
        """Create the ticket about this record at once (no form)."""
        self.ensure_one()
        return self.env["helpdesk.ticket"].create({**self._callcenter_ticket_values(),
                                                    **overrides})

    # ------------------------------------------------------------
    # TOOLS
    # ------------------------------------------------------------

    @api.model
    def _callcenter_ticket_title(self, text):
        """The first line of a customer's text, short enough for a ticket title."""
        return text.strip().splitlines()[0][:TICKET_TITLE_LENGTH]
