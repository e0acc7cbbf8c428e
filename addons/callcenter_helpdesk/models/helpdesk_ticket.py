# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

    # ------------------------------------------------------------
    # CALLS, ROUTING AND DEADLINES (H1)
    # ------------------------------------------------------------

    # ------------------------------------------------------------
    # FOLLOW-UP AND COMPLAINTS (H4)
    # ------------------------------------------------------------
