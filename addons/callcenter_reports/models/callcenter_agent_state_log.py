# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models
from odoo.tools import SQL

from .callcenter_report_agent_interval import STATE_RANGE

# Fields whose change moves a state's seconds from one report interval or agent to another.
REPORT_FIELDS = frozenset({"agent_id", "state", "date_start", "date_end"})


class CallcenterAgentStateLog(models.Model):
    """Agent states mark the report intervals they span, so that the agent facts follow."""

    _inherit = "callcenter.agent.state.log"

    # ------------------------------------------------------------
    # ORM
    # ------------------------------------------------------------

    def init(self):
        """States as time ranges (open ones unbounded), for the overlap with report intervals."""
        super().init()
        self.env.cr.execute(SQL(
            "CREATE INDEX IF NOT EXISTS callcenter_agent_state_log_range_idx "
            "ON callcenter_agent_state_log USING gist (%s)", SQL(STATE_RANGE)))

    @api.model_create_multi
    def create(self, vals_list):
        logs = super().create(vals_list)
        logs._callcenter_mark_report_spans()
        return logs

    def write(self, vals):
        if not REPORT_FIELDS.intersection(vals):
            return super().write(vals)
        self._callcenter_mark_report_spans()
        result = super().write(vals)
        self._callcenter_mark_report_spans()
        return result

    def unlink(self):
        self._callcenter_mark_report_spans()
        return super().unlink()

    # ------------------------------------------------------------
    # BUSINESS
    # ------------------------------------------------------------

    def _callcenter_mark_report_spans(self):
        """Mark [date_start, date_end or now] of each state, written at commit in one statement."""
        self.env["callcenter.report.pending.interval"]._callcenter_defer_marks(spans=[
            (log.date_start, log.date_end)
            for log in self if log.state != "logged_out"
        ])
