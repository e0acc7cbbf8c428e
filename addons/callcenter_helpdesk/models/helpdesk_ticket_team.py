# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class HelpdeskTicketTeam(models.Model):
    _inherit = "helpdesk.ticket.team"

    callcenter_queue_ids = fields.Many2many(
        "callcenter.queue", "callcenter_queue_helpdesk_team_rel", "team_id", "queue_id",
        string="Call Center Queues",
        help="Tickets created from the calls of these queues go to this team.",
    )
    callcenter_deadline_ids = fields.One2many(
        "callcenter.helpdesk.deadline", "team_id", string="Deadlines",
    )

    # ------------------------------------------------------------
    # BUSINESS
    # ------------------------------------------------------------

    @api.model
    def _callcenter_find_for_queue(self, queue):
        """The team that handles the tickets of a queue's calls (first by sequence)."""
        if not queue:
            return self.browse()
        return self.search([("callcenter_queue_ids", "in", queue.ids)], limit=1)
