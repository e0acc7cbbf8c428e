# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

from .callcenter_agent import AGENT_STATES


class CallcenterAgentStateLog(models.Model):
    _name = "callcenter.agent.state.log"
    _description = "Agent State Interval"
    _order = "date_start desc, id desc"
    _rec_name = "agent_id"

    agent_id = fields.Many2one("callcenter.agent", required=True, index=True, ondelete="cascade")
    user_id = fields.Many2one(related="agent_id.user_id", store=True, index=True)
    company_id = fields.Many2one(related="agent_id.company_id", store=True, index=True)
    state = fields.Selection(AGENT_STATES, required=True, index=True)
    pause_reason_id = fields.Many2one("callcenter.pause.reason", index=True)
    date_start = fields.Datetime(required=True, index=True)
    date_end = fields.Datetime(index=True, help="Empty while the agent is still in this state.")
    duration = fields.Integer(
        string="Duration (s)", compute="_compute_duration", store=True, aggregator="sum"
    )

    _sql_constraints = [
        ("dates_ordered", "CHECK(date_end IS NULL OR date_end >= date_start)",
         "A state interval cannot end before it starts."),
    ]

    @api.depends("date_start", "date_end")
    def _compute_duration(self):
        for log in self:
            if log.date_start and log.date_end:
                log.duration = int((log.date_end - log.date_start).total_seconds())
            else:
                log.duration = 0
