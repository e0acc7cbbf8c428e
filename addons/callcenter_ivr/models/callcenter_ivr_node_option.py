from odoo import fields, models

from .callcenter_ivr_prompt import IVR_LANGUAGES

DTMF_KEYS = [(key, key) for key in "1234567890*#"]


class CallcenterIvrNodeOption(models.Model):
    """A key of a menu (where it leads) or of a language choice (which language)."""

    _name = "callcenter.ivr.node.option"
    _inherit = ["callcenter.ivr.version.part"]
    _description = "IVR Menu Key"
    _order = "node_id, sequence, key"

    node_id = fields.Many2one("callcenter.ivr.node", required=True, ondelete="cascade", index=True)
    version_id = fields.Many2one(related="node_id.version_id", store=True, index=True)
    sequence = fields.Integer(default=10)
    key = fields.Selection(DTMF_KEYS, required=True)
    target_node_id = fields.Many2one(
        "callcenter.ivr.node", string="Goes To", ondelete="set null",
        domain="[('version_id', '=', version_id), ('id', '!=', node_id)]",
    )
    language = fields.Selection(IVR_LANGUAGES)
    label = fields.Char(help="What the key means, for the diagram and the statistics.")

    _sql_constraints = [
        ("key_unique", "unique(node_id, key)", "Each key can be used once per menu."),
    ]

    def _callcenter_versions(self):
        return self.node_id.version_id

