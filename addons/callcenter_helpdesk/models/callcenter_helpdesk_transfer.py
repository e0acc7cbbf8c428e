# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class CallcenterHelpdeskTransfer(models.Model):
    """One hand-over of a ticket between teams (工单流转), kept for the ticket's history.

    Records are written only by ``helpdesk.ticket._callcenter_hand_over`` and never
    edited afterwards: the history must tell what really happened.
    """

    _name = "callcenter.helpdesk.transfer"
    _description = "Ticket Hand-over"
    _order = "date desc, id desc"

    ticket_id = fields.Many2one(
        "helpdesk.ticket", required=True, index=True, ondelete="cascade", readonly=True,
    )
    company_id = fields.Many2one(related="ticket_id.company_id", store=True, index=True)
    from_team_id = fields.Many2one("helpdesk.ticket.team", string="From Team", readonly=True)
    to_team_id = fields.Many2one("helpdesk.ticket.team", string="To Team", readonly=True,
                                 required=True)
    from_user_id = fields.Many2one("res.users", string="From User", readonly=True)
    to_user_id = fields.Many2one("res.users", string="To User", readonly=True)
    reason = fields.Text(required=True, readonly=True)
    user_id = fields.Many2one(
        "res.users", string="Handed Over By", required=True, readonly=True,
        default=lambda self: self.env.user, index=True,
    )
    date = fields.Datetime(required=True, readonly=True, default=fields.Datetime.now)
