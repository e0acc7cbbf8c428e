# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

from .callcenter_call import _seconds_between

LEG_RESULTS = [
    ("ringing", "Ringing"),
    ("answered", "Answered"),
    ("no_answer", "No Answer"),
    ("busy", "Busy"),
    ("cancelled", "Cancelled"),
    ("failed", "Failed"),
    ("transferred", "Transferred"),
    ("completed", "Completed"),
]
TRANSFER_KINDS = [("blind", "Blind"), ("attended", "Attended")]


class CallcenterCallLeg(models.Model):
    """One attempt to reach a party during a call: a ring, an answered segment, a transfer target."""

    _name = "callcenter.call.leg"
    _description = "Call Leg"
    _order = "call_id, sequence, id"

    call_id = fields.Many2one("callcenter.call", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="call_id.company_id", store=True)
    sequence = fields.Integer(default=10)
    agent_id = fields.Many2one("callcenter.agent", index=True)
    user_id = fields.Many2one(related="agent_id.user_id", store=True)
    queue_id = fields.Many2one("callcenter.queue", index=True)
    channel = fields.Char()
    uniqueid = fields.Char(string="Unique ID", index=True)
    destination = fields.Char(help="Extension or number this leg rang.")
    result = fields.Selection(LEG_RESULTS, default="ringing", required=True)
    transfer_kind = fields.Selection(TRANSFER_KINDS)
    started_at = fields.Datetime(required=True, default=fields.Datetime.now)
    answered_at = fields.Datetime()
    ended_at = fields.Datetime()
    hold_duration = fields.Integer(string="Hold (s)", default=0)
    ring_duration = fields.Integer(
        string="Ring (s)", compute="_compute_durations", store=True
    )
    talk_duration = fields.Integer(
        string="Talk (s)", compute="_compute_durations", store=True
    )

    _sql_constraints = [
        ("call_uniqueid_unique", "UNIQUE(call_id, uniqueid)",
         "This channel is already a leg of the call."),
    ]

    @api.depends("started_at", "answered_at", "ended_at", "hold_duration")
    def _compute_durations(self):
        for leg in self:
            leg.ring_duration = _seconds_between(leg.started_at, leg.answered_at or leg.ended_at)
            leg.talk_duration = max(
                _seconds_between(leg.answered_at, leg.ended_at) - leg.hold_duration, 0
            )
