# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from ..tools import erlang

PLAN_PARAMETERS = ("plan_id.aht", "plan_id.interval_minutes", "plan_id.target_service_level",
                   "plan_id.target_seconds", "plan_id.shrinkage", "plan_id.max_occupancy")


class CallcenterStaffingPlanLine(models.Model):
    """One interval of a staffing plan: the calls expected, and by Erlang C the
    agents they need and the service those agents give.

    Agents required are productive agents, on the phones; agents to schedule
    add the plan's shrinkage. 'Agents planned' are heads on the schedule: the
    figures they give are worked out on what remains once shrinkage is taken off.
    """

    _name = "callcenter.staffing.plan.line"
    _description = "Staffing Plan Interval"
    _order = "plan_id, interval_start, id"
    _rec_name = "interval_label"

    plan_id = fields.Many2one(
        "callcenter.staffing.plan", string="Plan", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="plan_id.company_id", store=True, index=True)
    interval_start = fields.Float(
        string="Start", required=True, help="Time of day the interval starts, in the plan's zone.")
    interval_end = fields.Float(string="End", compute="_compute_interval_end")
    interval_label = fields.Char(
        string="Interval", compute="_compute_interval_label", store=True,
        help="Start time as HH:MM, to group and chart by.")
    forecast_calls = fields.Float(
        string="Forecast Calls", digits=(16, 1), help="Calls expected in the interval.")
    aht = fields.Float(
        string="AHT (s)", digits=(16, 1),
        help="This interval's average handle time. Empty: the plan's.")
    traffic = fields.Float(
        string="Traffic (Erlangs)", digits=(16, 2), compute="_compute_staffing", store=True,
        help="Calls × handle time / interval length: the agents busy on average.")
    agents_required = fields.Integer(
        compute="_compute_staffing", store=True,
        help="Fewest agents on the phones that meet the service target (and occupancy cap).")
    agents_scheduled = fields.Integer(
        string="Agents to Schedule", compute="_compute_staffing", store=True,
        help="Agents required / (1 - shrinkage), rounded up.")
    service_level = fields.Float(
        string="Service Level (%)", digits=(16, 2), compute="_compute_staffing", store=True,
        help="Share of calls answered within the target time with the agents required.")
    probability_waiting = fields.Float(
        string="Probability of Waiting (%)", digits=(16, 2), compute="_compute_staffing",
        store=True, help="Erlang C: the share of calls that find no agent free.")
    asa = fields.Float(
        string="ASA (s)", digits=(16, 2), compute="_compute_staffing", store=True,
        help="Average speed of answer with the agents required.")
    occupancy = fields.Float(
        string="Occupancy (%)", digits=(16, 2), compute="_compute_staffing", store=True,
        help="Share of the agents' time on calls: traffic / agents required.")
    agents_planned = fields.Integer(
        help="Agents you intend to schedule (shrinkage included), to see the service they give.")
    planned_productive = fields.Integer(
        string="Planned on the Phones", compute="_compute_planned", store=True,
        help="Agents planned less shrinkage, rounded down.")
    planned_service_level = fields.Float(
        string="Planned Service Level (%)", digits=(16, 2), compute="_compute_planned",
        store=True)
    planned_asa = fields.Float(
        string="Planned ASA (s)", digits=(16, 2), compute="_compute_planned", store=True)
    planned_occupancy = fields.Float(
        string="Planned Occupancy (%)", digits=(16, 2), compute="_compute_planned", store=True)
    planned_understaffed = fields.Boolean(
        compute="_compute_planned", store=True,
        help="Fewer agents planned on the phones than the traffic: the queue grows without end.")
    planned_below_target = fields.Boolean(compute="_compute_planned", store=True)

    _sql_constraints = [
        ("interval_unique", "UNIQUE(plan_id, interval_start)",
         "A plan has one line per interval start."),
    ]

    # ------------------------------------------------------------
    # COMPUTES
    # ------------------------------------------------------------

    @api.depends("interval_start")
    def _compute_interval_label(self):
        for line in self:
            line.interval_label = "%02d:%02d" % divmod(round(line.interval_start * 60), 60)

    @api.depends("interval_start", "plan_id.interval_minutes")
    def _compute_interval_end(self):
        for line in self:
            line.interval_end = line.interval_start + int(line.plan_id.interval_minutes or 0) / 60.0

    @api.depends("forecast_calls", "aht", *PLAN_PARAMETERS)
    def _compute_staffing(self):
        for line in self:
            values = dict.fromkeys(
                ("traffic", "agents_required", "agents_scheduled", "service_level",
                 "probability_waiting", "asa", "occupancy"), 0)
            erlang_input = line._callcenter_erlang_input()
            if erlang_input:
                traffic, aht, target_sl, target_seconds, shrinkage, max_occupancy = erlang_input
                required = erlang.agents_needed(traffic, aht, target_sl, target_seconds,
                                                max_occupancy)
                result = erlang.evaluate(traffic, required, aht, target_seconds)
                values.update(
                    traffic=traffic,
                    agents_required=required,
                    agents_scheduled=erlang.with_shrinkage(required, shrinkage),
                    service_level=100.0 * result.service_level,
                    probability_waiting=100.0 * result.probability_waiting,
                    asa=result.asa,
                    occupancy=100.0 * result.occupancy,
                )
            line.update(values)

    @api.depends("agents_planned", "forecast_calls", "aht", *PLAN_PARAMETERS)
    def _compute_planned(self):
        for line in self:
            values = {
                "planned_productive": 0, "planned_service_level": 0.0, "planned_asa": 0.0,
                "planned_occupancy": 0.0, "planned_understaffed": False,
                "planned_below_target": False,
            }
            erlang_input = line._callcenter_erlang_input()
            if erlang_input and line.agents_planned > 0:
                traffic, aht, target_sl, target_seconds, shrinkage, _max = erlang_input
                productive = erlang.productive_agents(line.agents_planned, shrinkage)
                result = erlang.evaluate(traffic, productive, aht, target_seconds)
                understaffed = traffic > 0 and productive <= traffic
                values.update(
                    planned_productive=productive,
                    planned_service_level=100.0 * result.service_level,
                    # Infinite when understaffed: left empty, the flag tells.
                    planned_asa=0.0 if understaffed else result.asa,
                    planned_occupancy=100.0 * result.occupancy,
                    planned_understaffed=understaffed,
                    planned_below_target=result.service_level < target_sl,
                )
            line.update(values)

    # ------------------------------------------------------------
    # CONSTRAINTS
    # ------------------------------------------------------------

    @api.constrains("interval_start", "forecast_calls", "aht", "agents_planned")
    def _check_values(self):
        for line in self:
            if not 0 <= line.interval_start < 24:
                raise ValidationError(_(
                    "An interval starts at a time of day between 00:00 and 23:59."))
            if line.forecast_calls < 0:
                raise ValidationError(_(
                    "Interval %(interval)s: forecast calls cannot be negative.",
                    interval=line.interval_label))
            if line.aht < 0:
                raise ValidationError(_(
                    "Interval %(interval)s: the handle time cannot be negative (leave it empty "
                    "for the plan's).", interval=line.interval_label))
            if line.agents_planned < 0:
                raise ValidationError(_(
                    "Interval %(interval)s: agents planned cannot be negative.",
                    interval=line.interval_label))

    # ------------------------------------------------------------
    # TOOLS
    # ------------------------------------------------------------

    def _callcenter_erlang_input(self):
        """(traffic, aht, target SL, target seconds, shrinkage, max occupancy) as
        the Erlang tools take them, or None while an input is invalid (the
        constraints then say what to fix instead of a compute failing)."""
        self.ensure_one()
        parameters = self.plan_id and self.plan_id._callcenter_erlang_parameters()
        aht = self.aht or self.plan_id.aht
        if not parameters or aht <= 0 or self.forecast_calls < 0:
            return None
        interval_seconds, target_sl, target_seconds, shrinkage, max_occupancy = parameters
        traffic = erlang.traffic_intensity(self.forecast_calls, interval_seconds, aht)
        return traffic, aht, target_sl, target_seconds, shrinkage, max_occupancy
