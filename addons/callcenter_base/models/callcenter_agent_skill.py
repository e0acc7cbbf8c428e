# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

MIN_SKILL_LEVEL = 1
MAX_SKILL_LEVEL = 10


class CallcenterAgentSkill(models.Model):
    _name = "callcenter.agent.skill"
    _description = "Agent Skill Level"
    _order = "level desc, id"

    agent_id = fields.Many2one("callcenter.agent", required=True, index=True, ondelete="cascade")
    skill_id = fields.Many2one("callcenter.skill", required=True, index=True, ondelete="restrict")
    level = fields.Integer(default=5, required=True, help="1 (beginner) to 10 (expert).")

    _sql_constraints = [
        ("agent_skill_unique", "UNIQUE(agent_id, skill_id)", "The agent has this skill already."),
        ("level_range", "CHECK(level >= 1 AND level <= 10)",
         "A skill level is between 1 and 10."),
    ]
