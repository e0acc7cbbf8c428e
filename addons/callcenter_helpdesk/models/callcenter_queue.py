# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class CallcenterQueue(models.Model):
    _inherit = "callcenter.queue"

    callcenter_portal_offered = fields.Boolean(
        string="Offered on the Portal",
        help="Customers may ask, on their portal, to be called back by this queue.",
    )
    callcenter_callback_ids = fields.One2many(
        "callcenter.callback", "queue_id", string="Callbacks"
    )
