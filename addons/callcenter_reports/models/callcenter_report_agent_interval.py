# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


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

    inbound_answered = fields.Integer(string="Inbound Answered", readonly=True)
    outbound_calls = fields.Integer(string="Outbound Calls", readonly=True)
    outbound_connected = fields.Integer(string="Outbound Connected", readonly=True)
    handled = fields.Integer(
        string="Calls Handled", readonly=True, help="Inbound answered plus outbound connected.")
    missed = fields.Integer(string="Missed (Rang, Not Answered)", readonly=True)
    transferred = fields.Integer(readonly=True)
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
    logged_in_seconds = fields.Integer(string="Logged In (s)", readonly=True)
    occupancy_base = fields.Integer(string="Handle + Idle (s)", readonly=True)

    aht = fields.Float(string="AHT (s)", readonly=True, aggregator="avg")
    avg_talk = fields.Float(string="Average Talk (s)", readonly=True, aggregator="avg")
    occupancy = fields.Float(string="Occupancy (%)", readonly=True, aggregator="avg")
    transfer_rate = fields.Float(string="Transfer Rate (%)", readonly=True, aggregator="avg")
