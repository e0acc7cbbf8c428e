# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models
from odoo.tools import SQL

# Agent fields copied on every agent fact row, so that the rows group and filter by them.
FACT_FIELDS = ("user_id", "team_id", "company_id")


class CallcenterAgent(models.Model):
    _inherit = "callcenter.agent"

    team_id = fields.Many2one("callcenter.team", index=True, check_company=True)

    # ------------------------------------------------------------
    # ORM
    # ------------------------------------------------------------

    def write(self, vals):
        result = super().write(vals)
        if any(fname in vals for fname in FACT_FIELDS):
            self._callcenter_update_facts()
        return result

    # ------------------------------------------------------------
    # BUSINESS
    # ------------------------------------------------------------

    def _callcenter_update_facts(self):
        """Carry the agents' user, team and company over to their fact rows, history
        included, in one statement: the figures are the agent's, whatever their team."""
        self.flush_model(FACT_FIELDS)
        self.env["callcenter.report.agent.interval"].flush_model()
        self.env.cr.execute(SQL("""
            UPDATE callcenter_report_agent_interval f
               SET user_id = a.user_id, team_id = a.team_id, company_id = a.company_id
              FROM callcenter_agent a
             WHERE a.id = f.agent_id AND a.id = ANY(%s)
               AND (f.user_id IS DISTINCT FROM a.user_id OR f.team_id IS DISTINCT FROM a.team_id
                    OR f.company_id IS DISTINCT FROM a.company_id)
        """, self.ids))
        self.env["callcenter.report.agent.interval"].invalidate_model(FACT_FIELDS)
