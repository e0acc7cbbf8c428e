# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    callcenter_portal_recordings = fields.Boolean(
        related="company_id.callcenter_portal_recordings", readonly=False
    )
