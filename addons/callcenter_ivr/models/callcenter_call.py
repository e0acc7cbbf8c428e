from odoo import api, fields, models


class CallcenterCall(models.Model):
    _inherit = "callcenter.call"

    ivr_rating = fields.Integer(string="Satisfaction Rating", aggregator="avg", readonly=True,
                                help="1 to 5, keyed by the caller after the agent hung up.")
    ivr_session_ids = fields.One2many("callcenter.ivr.session", "call_id", string="IVR",
                                      groups="callcenter_base.group_callcenter_supervisor")
    ivr_path = fields.Char(compute="_compute_ivr_path", string="IVR Path", compute_sudo=True)

    @api.depends("ivr_session_ids.path")
    def _compute_ivr_path(self):
        for call in self:
            call.ivr_path = " | ".join(filter(None, call.ivr_session_ids.mapped("path"))) or False

    @api.model_create_multi
    def create(self, vals_list):
        calls = super().create(vals_list)
        self.env["callcenter.ivr.session"].sudo()._callcenter_link_calls(calls)
        return calls
