# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

SL_VARIANTS = [
    ("offered", "Answered in time / offered"),
    ("answered", "Answered in time / answered"),
    ("abandon_in_time", "Answered or abandoned in time / offered"),
]


class CallcenterQueue(models.Model):
    _inherit = "callcenter.queue"

    sl_variant = fields.Selection(
        SL_VARIANTS, string="Service Level Formula", default="offered", required=True,
        help="Answered in time / offered: abandons count against the service level.\n"
        "Answered in time / answered: abandons are left out.\n"
        "Answered or abandoned in time / offered: a caller who hung up within the "
        "threshold counts as served in time.\n"
        "Short abandons are always left out.\n"
        "A change of formula or thresholds applies to the figures computed from then on: "
        "the report history keeps the figures of its time.")
