# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class CallcenterTeam(models.Model):
    """Agents who report to one team lead, whatever queues they serve."""

    _name = "callcenter.team"
    _description = "Call Center Team"
    _order = "name"

    name = fields.Char(required=True, translate=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company)
    leader_id = fields.Many2one(
        "res.users", string="Team Lead", index=True, domain="[('share', '=', False)]")
    agent_ids = fields.One2many("callcenter.agent", "team_id", string="Agents")
    agent_count = fields.Integer(compute="_compute_agent_count")

    def _compute_agent_count(self):
        counts = dict(self.env["callcenter.agent"]._read_group(
            [("team_id", "in", self.ids)], ["team_id"], ["__count"]))
        for team in self:
            team.agent_count = counts.get(team, 0)
