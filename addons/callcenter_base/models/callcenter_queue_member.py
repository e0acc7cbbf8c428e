# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class CallcenterQueueMember(models.Model):
    _name = "callcenter.queue.member"
    _description = "Queue Member"
    _order = "queue_id, penalty, id"
    _rec_name = "agent_id"

    queue_id = fields.Many2one("callcenter.queue", required=True, index=True, ondelete="cascade")
    agent_id = fields.Many2one("callcenter.agent", required=True, index=True, ondelete="cascade")
    user_id = fields.Many2one(related="agent_id.user_id", store=True, index=True)
    company_id = fields.Many2one(related="queue_id.company_id", store=True)
    penalty = fields.Integer(
        default=0, help="Asterisk penalty: members with a lower penalty are rung first."
    )
    agent_state = fields.Selection(related="agent_id.state")
    logged_in = fields.Boolean(readonly=True, help="The PBX reports the agent in this queue.")
    paused = fields.Boolean(readonly=True, help="The PBX reports the agent paused in this queue.")

    _sql_constraints = [
        ("queue_agent_unique", "UNIQUE(queue_id, agent_id)", "The agent is already a member."),
        ("penalty_positive", "CHECK(penalty >= 0)", "A penalty cannot be negative."),
    ]
