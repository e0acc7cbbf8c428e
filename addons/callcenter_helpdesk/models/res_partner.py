# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

POP_OPEN_TICKETS = 5


class ResPartner(models.Model):
    _inherit = "res.partner"

    callcenter_history_count = fields.Integer(
        compute="_compute_callcenter_history_count", string="History",
        groups="callcenter_base.group_callcenter_agent",
    )

    def _compute_callcenter_history_count(self):
        History = self.env["callcenter.contact.history"]
        for partner in self:
            partner.callcenter_history_count = History.search_count(
                [("partner_id", "child_of", partner.commercial_partner_id.id)]
            ) if partner.id else 0

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def action_view_callcenter_history(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "callcenter_helpdesk.callcenter_contact_history_action")
        action["domain"] = [("partner_id", "child_of", self.commercial_partner_id.id)]
        action["display_name"] = self.env._("History of %(name)s", name=self.display_name)
        return action

    # ------------------------------------------------------------
    # BUSINESS
    # ------------------------------------------------------------

    def _callcenter_pop_open_items(self):
        """Adds the contact's (and its company's) open tickets the agent may see."""
        items = super()._callcenter_pop_open_items()
        Ticket = self.env["helpdesk.ticket"]
        if not Ticket.has_access("read"):
            return items
        tickets = Ticket.search([
            ("commercial_partner_id", "=", self.commercial_partner_id.id),
            ("stage_id.closed", "=", False),
        ], order="create_date desc, id desc", limit=POP_OPEN_TICKETS)
        return items + [
            {"model": "helpdesk.ticket", "id": ticket.id, "name": ticket.display_name,
             "state": ticket.stage_id.name or ""}
            for ticket in tickets
        ]
