# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class CallcenterPauseReason(models.Model):
    _name = "callcenter.pause.reason"
    _description = "Agent Pause Reason"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(
        help="Text sent to the PBX as the QueuePause reason and read back from it."
    )
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    productive = fields.Boolean(
        help="Counted as work (training, back office) rather than as absence in "
        "occupancy reports.",
    )
    max_minutes = fields.Integer(
        string="Expected Maximum (min)",
        help="Team leads see pauses longer than this highlighted on the wallboard.",
    )

    @api.model
    def _callcenter_by_code(self):
        reasons = {}
        for reason in self.with_context(active_test=False).search([], order="sequence desc, id desc"):
            for key in (reason.code, reason.name):
                if key:
                    reasons[key.lower()] = reason
        return reasons

    @api.model
    def _callcenter_for_pbx_reason(self, text):
        """A pause reason typed on the PBX or a phone that Odoo does not know yet."""
        text = (text or "").strip()
        if not text:
            return self.browse()
        return self.create({"name": text, "code": text, "sequence": 100})
