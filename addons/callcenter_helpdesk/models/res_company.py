# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    callcenter_portal_recordings = fields.Boolean(
        string="Portal Users Hear Their Recordings",
        help="Customers may play the recordings of their own calls on their portal. "
        "Check that your customers were told calls are recorded and that the law "
        "lets you hand recordings out.",
    )
