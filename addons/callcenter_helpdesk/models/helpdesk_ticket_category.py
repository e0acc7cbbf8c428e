# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class HelpdeskTicketCategory(models.Model):
    _inherit = "helpdesk.ticket.category"

    complaint = fields.Boolean(
        help="Tickets of this category are complaints: they go through intake, dispatch, "
             "handling and reply, and are listed in the open complaints report.")
