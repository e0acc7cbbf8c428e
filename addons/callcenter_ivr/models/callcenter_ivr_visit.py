from odoo import fields, models

from .callcenter_ivr_node import NODE_KINDS

VISIT_RESULTS = [
    ("enter", "Entered"),
    ("key", "Key"),
    ("timeout", "Timeout"),
    ("invalid", "Invalid key"),
    ("branch", "Branch"),
    ("hangup", "Caller hung up"),
    ("transfer", "Transferred"),
    ("voicemail", "Voicemail"),
]


class CallcenterIvrVisit(models.Model):
    """One thing that happened in a node of a call's IVR session, for the node
    statistics pivot: entries, keys, timeouts, invalid input, hang-ups, transfers."""

    _name = "callcenter.ivr.visit"
    _description = "IVR Node Visit"
    _order = "session_id, sequence"

    session_id = fields.Many2one("callcenter.ivr.session", required=True, ondelete="cascade", index=True)
    sequence = fields.Integer()
    ivr_id = fields.Many2one("callcenter.ivr", string="Flow", required=True, index=True,
                             ondelete="cascade")
    version_id = fields.Many2one("callcenter.ivr.version", string="Version", ondelete="cascade")
    node_id = fields.Many2one("callcenter.ivr.node", string="Node", index=True, ondelete="cascade")
    node_kind = fields.Selection(NODE_KINDS, string="Node Type")
    company_id = fields.Many2one("res.company", index=True)
    at = fields.Datetime(string="Time", index=True)
    result = fields.Selection(VISIT_RESULTS, required=True, index=True)
    key = fields.Char()
    branch = fields.Char()
