# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

from odoo.addons.callcenter_base.tools.phone import normalize_number

NUMBER_STATES = [("active", "Active"), ("invalid", "Invalid"), ("blocked", "Do Not Call")]


class CallcenterCatiNumber(models.Model):
    """A phone number of a case; a case may have several (home, mobile, work)."""

    _name = "callcenter.cati.number"
    _description = "CATI Case Number"
    _order = "sequence, id"
    _rec_name = "number"

    case_id = fields.Many2one("callcenter.cati.case", required=True, index=True, ondelete="cascade")
    campaign_id = fields.Many2one("callcenter.cati.campaign", required=True, index=True,
                                  ondelete="cascade")
    sequence = fields.Integer(default=10)
    label = fields.Char(help="Home, mobile, work...")
    number = fields.Char(required=True, help="E.164, as dialed.")
    state = fields.Selection(NUMBER_STATES, default="active", required=True)
    attempt_count = fields.Integer(string="Attempts", readonly=True)
    last_disposition_id = fields.Many2one("callcenter.cati.disposition", readonly=True)

    _sql_constraints = [
        ("number_uniq", "unique(campaign_id, number)",
         "A number appears once per campaign: it is already in another case."),
    ]

    @api.model_create_multi
    def create(self, vals_list):
        region = self.env["callcenter.pbx"]._callcenter_default_region()
        cases = self.env["callcenter.cati.case"].browse(
            [vals["case_id"] for vals in vals_list if vals.get("case_id")])
        campaign_of = {case.id: case.campaign_id.id for case in cases}
        for vals in vals_list:
            vals["number"] = normalize_number(vals.get("number"), region) or vals.get("number")
            if not vals.get("campaign_id") and vals.get("case_id"):
                vals["campaign_id"] = campaign_of.get(vals["case_id"])
        return super().create(vals_list)
