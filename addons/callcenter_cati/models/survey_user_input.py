# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class SurveyUserInput(models.Model):
    _inherit = "survey.user_input"

    cati_case_id = fields.Many2one("callcenter.cati.case", string="CATI Case",
                                   index="btree_not_null", ondelete="set null", readonly=True)
