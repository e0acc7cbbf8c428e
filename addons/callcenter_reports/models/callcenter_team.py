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

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def action_view_statistics(self):
        """The team's agent figures, this month, in the pivot."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "callcenter_reports.callcenter_report_agent_interval_action")
        action["domain"] = [("team_id", "=", self.id)]
        action["context"] = {"search_default_this_month": 1, "search_default_group_by_agent": 1}
        action["display_name"] = self.env._("%(team)s: Statistics", team=self.display_name)
        return action
