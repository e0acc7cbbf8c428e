# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models
from odoo.tools import SQL

from .callcenter_report_pending_interval import INTERVAL_MINUTES

# Sums over the agent's inbound and outbound calls of the interval (`c`, by started_at).
CALL_SUMS = {
    "inbound_answered": "count(*) FILTER (WHERE c.direction = 'inbound' AND c.answered_at IS NOT NULL)",
    "outbound_calls": "count(*) FILTER (WHERE c.direction = 'outbound')",
    "outbound_connected": "count(*) FILTER (WHERE c.direction = 'outbound' AND c.answered_at IS NOT NULL)",
    "handled": "count(*) FILTER (WHERE c.answered_at IS NOT NULL)",
    "missed": "count(*) FILTER (WHERE c.direction = 'inbound' AND c.answered_at IS NULL "
              "AND c.state IN ('abandoned', 'missed', 'failed'))",
    "transferred": "count(*) FILTER (WHERE c.answered_at IS NOT NULL AND c.transferred)",
    "talk_total": "COALESCE(SUM(c.talk_duration) FILTER (WHERE c.answered_at IS NOT NULL), 0)",
    "hold_total": "COALESCE(SUM(c.hold_duration) FILTER (WHERE c.answered_at IS NOT NULL), 0)",
    "wrapup_total": "COALESCE(SUM(c.wrapup_duration) FILTER (WHERE c.answered_at IS NOT NULL), 0)",
    "handle_total": "COALESCE(SUM(c.handle_duration) FILTER (WHERE c.answered_at IS NOT NULL), 0)",
}
# Seconds of the agent's states within the interval (`s.seconds`: the part of the state in it).
STATE_SUMS = {
    "available_seconds": "SUM(s.seconds) FILTER (WHERE s.state = 'available')",
    "paused_seconds": "SUM(s.seconds) FILTER (WHERE s.state = 'paused')",
    "busy_seconds": "SUM(s.seconds) FILTER (WHERE s.state IN ('ringing', 'on_call', 'wrapup'))",
    "logged_in_seconds": "SUM(s.seconds)",
}
# The index the state overlap query uses: each state as a range, open ones unbounded.
STATE_RANGE = "tsrange(date_start, COALESCE(date_end, 'infinity'::timestamp), '[)')"


class CallcenterReportAgentInterval(models.Model):
    """An agent's calls (by their start) and states (split at interval bounds), per 15 minutes.

    One row per (interval, agent). Occupancy is handle / (handle + available),
    the time spent on calls against the time spent on calls or waiting for one.
    """

    _name = "callcenter.report.agent.interval"
    _inherit = ["callcenter.report.ratio.mixin"]
    _description = "Agent Performance per Interval"
    _log_access = False
    _order = "interval_start desc, agent_id"
    _rec_name = "interval_start"
    _ratio_measures = {
        "aht": ("handle_total", "handled", 1.0),
        "avg_talk": ("talk_total", "handled", 1.0),
        "occupancy": ("handle_total", "occupancy_base", 100.0),
        "transfer_rate": ("transferred", "handled", 100.0),
    }

    interval_start = fields.Datetime(string="Interval", required=True, readonly=True, index=True)
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    agent_id = fields.Many2one("callcenter.agent", required=True, readonly=True, index=True)
    user_id = fields.Many2one("res.users", string="User", readonly=True, index=True)
    team_id = fields.Many2one("callcenter.team", readonly=True, index=True)

    inbound_answered = fields.Integer(string="Inbound Answered", readonly=True,
                                      help="Inbound calls the agent answered (接听).")
    outbound_calls = fields.Integer(string="Outbound Calls", readonly=True,
                                    help="Calls the agent dialed, connected or not.")
    outbound_connected = fields.Integer(string="Outbound Connected", readonly=True,
                                        help="Dialed calls the customer answered.")
    handled = fields.Integer(
        string="Calls Handled", readonly=True, help="Inbound answered plus outbound connected.")
    missed = fields.Integer(
        string="Missed (Rang, Not Answered)", readonly=True,
        help="Inbound calls that rang this agent and ended unanswered.")
    transferred = fields.Integer(readonly=True, help="Handled calls that were transferred.")
    talk_total = fields.Integer(string="Talk (s)", readonly=True)
    hold_total = fields.Integer(string="Hold (s)", readonly=True)
    wrapup_total = fields.Integer(string="Wrap-up (s)", readonly=True)
    handle_total = fields.Integer(string="Handle (s)", readonly=True)
    available_seconds = fields.Integer(string="Idle (s)", readonly=True,
                                       help="Logged in and available, waiting for a call (示闲).")
    paused_seconds = fields.Integer(string="Paused (s)", readonly=True,
                                    help="Logged in and paused (示忙).")
    busy_seconds = fields.Integer(string="On Calls (s)", readonly=True,
                                  help="Ringing, on a call or in wrap-up.")
    logged_in_seconds = fields.Integer(string="Logged In (s)", readonly=True,
                                       help="Available, paused or on calls.")
    occupancy_base = fields.Integer(string="Handle + Idle (s)", readonly=True,
                                    help="Handle time of the calls plus idle time.")

    aht = fields.Float(string="AHT (s)", readonly=True, aggregator="avg")
    avg_talk = fields.Float(string="Average Talk (s)", readonly=True, aggregator="avg")
    occupancy = fields.Float(
        string="Occupancy (%)", readonly=True, aggregator="avg",
        help="Handle time / (handle time + idle time): the share of the time spent on calls "
        "or waiting for one that went to calls.")
    transfer_rate = fields.Float(string="Transfer Rate (%)", readonly=True, aggregator="avg")

    # ------------------------------------------------------------
    # BUSINESS
    # ------------------------------------------------------------

    def _callcenter_compute_intervals(self, intervals, now):
        """Replace the facts of `intervals` (15-minute starts, UTC) by what calls and states say.

        Calls count in the interval of their started_at, under the agent who took
        them; each state counts the part of it inside the interval, an open state
        running up to `now`. Logged-out time counts nowhere. The row's user, team and
        company are the agent's at refresh time.
        """
        if not intervals:
            return
        cr = self.env.cr
        cr.execute(SQL("DELETE FROM callcenter_report_agent_interval WHERE interval_start = ANY(%s)",
                       list(intervals)))
        sums = [*CALL_SUMS, *STATE_SUMS]
        columns = ["interval_start", "company_id", "agent_id", "user_id", "team_id", *sums,
                   "occupancy_base", *self._ratio_measures]
        cr.execute(SQL("""
            WITH bins AS (
                SELECT DISTINCT unnest(%(bins)s::timestamp[]) AS interval_start
            ), call_facts AS (
                SELECT b.interval_start, c.agent_id, %(call_sums)s
                  FROM bins b
                  JOIN callcenter_call c
                    ON c.started_at >= b.interval_start
                   AND c.started_at < b.interval_start + %(step)s::interval
                 WHERE c.agent_id IS NOT NULL AND c.direction IN ('inbound', 'outbound')
              GROUP BY b.interval_start, c.agent_id
            ), state_parts AS (
                SELECT b.interval_start, l.agent_id, l.state,
                       EXTRACT(EPOCH FROM LEAST(COALESCE(l.date_end, %(now)s),
                                                b.interval_start + %(step)s::interval)
                                          - GREATEST(l.date_start, b.interval_start)) AS seconds
                  FROM bins b
                  JOIN callcenter_agent_state_log l
                    ON %(state_range)s
                       && tsrange(b.interval_start, b.interval_start + %(step)s::interval, '[)')
                 WHERE l.state != 'logged_out'
            ), state_facts AS (
                SELECT s.interval_start, s.agent_id, %(state_sums)s
                  FROM state_parts s
                 WHERE s.seconds > 0
              GROUP BY s.interval_start, s.agent_id
            ), r AS (
                SELECT interval_start, a.company_id, a.id AS agent_id, a.user_id, a.team_id,
                       %(call_values)s, %(state_values)s
                  FROM call_facts
                  FULL JOIN state_facts USING (interval_start, agent_id)
                  JOIN callcenter_agent a ON a.id = agent_id
            )
            INSERT INTO callcenter_report_agent_interval (%(columns)s)
            SELECT f.interval_start, f.company_id, f.agent_id, f.user_id, f.team_id, %(values)s,
                   f.occupancy_base, %(ratios)s
              FROM (SELECT r.*, r.handle_total + r.available_seconds AS occupancy_base FROM r) AS f
            ON CONFLICT (interval_start, agent_id) DO UPDATE SET %(updates)s
        """, bins=list(intervals), step=f"{INTERVAL_MINUTES} minutes", now=now,
            state_range=SQL(STATE_RANGE.replace("date_", "l.date_")),
            call_sums=SQL(", ").join(SQL(f"{expr} AS {name}") for name, expr in CALL_SUMS.items()),
            state_sums=SQL(", ").join(SQL(f"{expr} AS {name}") for name, expr in STATE_SUMS.items()),
            call_values=SQL(", ").join(SQL(f"COALESCE(call_facts.{name}, 0) AS {name}")
                                       for name in CALL_SUMS),
            state_values=SQL(", ").join(SQL(f"COALESCE(ROUND(state_facts.{name})::int, 0) AS {name}")
                                        for name in STATE_SUMS),
            columns=SQL(", ").join(SQL.identifier(name) for name in columns),
            values=SQL(", ").join(SQL.identifier("f", name) for name in sums),
            ratios=SQL(", ").join(self._ratio_sql(name, "f") for name in self._ratio_measures),
            updates=SQL(", ").join(SQL("%s = EXCLUDED.%s", SQL.identifier(name), SQL.identifier(name))
                                   for name in columns if name not in ("interval_start", "agent_id"))))

    def init(self):
        """One row per interval and agent: a refresh working from a snapshot older than
        another's commit fails to serialize (and is retried) instead of adding a row."""
        self.env.cr.execute(SQL(
            "CREATE UNIQUE INDEX IF NOT EXISTS callcenter_report_agent_interval_key "
            "ON callcenter_report_agent_interval (interval_start, agent_id)"))
