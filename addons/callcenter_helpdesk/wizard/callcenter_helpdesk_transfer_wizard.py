# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class CallcenterHelpdeskTransferWizard(models.TransientModel):
    """Asks where a ticket goes and why; the hand-over itself is the ticket's business."""

    _name = "callcenter.helpdesk.transfer.wizard"
    _description = "Hand Over a Ticket"

    ticket_id = fields.Many2one("helpdesk.ticket", required=True, ondelete="cascade")
    current_team_id = fields.Many2one(related="ticket_id.team_id", string="Current Team")
    team_id = fields.Many2one("helpdesk.ticket.team", string="To Team", required=True)
    team_user_ids = fields.Many2many(related="team_id.user_ids")
    user_id = fields.Many2one(
        "res.users", string="To User",
        domain="[('share', '=', False), ('id', 'in', team_user_ids)]",
        help="Leave empty to let the team assign it.",
    )
    reason = fields.Text(required=True)

    def action_confirm(self):
        self.ensure_one()
        self.ticket_id._callcenter_hand_over(self.team_id, self.user_id, self.reason)
        if self.ticket_id.has_access("read"):
            return {"type": "ir.actions.act_window_close"}
        # the ticket left the user's sight: back to the tickets they can see
        return self.env["ir.actions.act_window"]._for_xml_id(
            "helpdesk_mgmt.helpdesk_ticket_action")
