# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import bisect
from collections import defaultdict
from datetime import datetime, time, timedelta

import pytz

from odoo import _, api, fields, models
from odoo.addons.base.models.res_partner import _tz_get
from odoo.exceptions import UserError, ValidationError
from odoo.tools import format_date

INTERVAL_LENGTHS = [("15", "15 minutes"), ("30", "30 minutes"), ("60", "1 hour")]
# Opening hours of a queue without business hours (hours of the day).
DEFAULT_OPENING = 8.0
DEFAULT_CLOSING = 20.0
DEFAULT_SERVICE_LEVEL = 80.0
DEFAULT_TARGET_SECONDS = 20
DEFAULT_HISTORY_WEEKS = 4
MAX_HISTORY_WEEKS = 52
# Below this many answered calls an interval's own handle time is too noisy to
# plan on: the interval keeps the plan's average handle time.
FORECAST_MIN_AHT_CALLS = 30


class CallcenterStaffingPlan(models.Model):
    """Agents to schedule per interval of one day, by Erlang C.

    The planner gives the calls expected per interval (typed in or averaged
    from the same weekday of past weeks) and the service target; each line
    works out the productive agents the target needs, the agents to schedule
    once shrinkage is taken off, and what service that staffing gives. A plan
    with a single line is the quick Erlang calculator.

    Interval starts are times of day in the plan's time zone (the queue's
    business hours' zone by default), as a planner reads a schedule.
    """

    _name = "callcenter.staffing.plan"
    _description = "Staffing Plan"
    _order = "date desc, id desc"
    _check_company_auto = True

    name = fields.Char(required=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company)
    queue_id = fields.Many2one(
        "callcenter.queue", string="Queue", index=True, check_company=True,
        help="Its business hours give the intervals, its history the forecast and its service "
        "target the plan's. Empty: the whole call center of the company.")
    date = fields.Date(string="Day", required=True, default=fields.Date.context_today,
                       help="The day planned; the forecast reads the same weekday of past weeks.")
    weekday = fields.Char(compute="_compute_weekday", help="Weekday of the day planned.")
    tz = fields.Selection(
        _tz_get, string="Time Zone", required=True, compute="_compute_tz", store=True,
        readonly=False, precompute=True,
        help="Zone of the interval times: the queue's business hours' zone by default.")
    interval_minutes = fields.Selection(
        INTERVAL_LENGTHS, string="Interval", required=True, default="30")
    aht = fields.Float(
        string="Average Handle Time (s)", required=True, default=180.0, digits=(16, 1),
        help="Talk, hold and wrap-up per call, for the intervals that do not set their own.")
    target_service_level = fields.Float(
        string="Service Level Target (%)", required=True, digits=(16, 1),
        compute="_compute_targets", store=True, readonly=False, precompute=True,
        help="Share of calls to answer within the target time: the queue's target by default.")
    target_seconds = fields.Integer(
        string="Answer Within (s)", required=True,
        compute="_compute_targets", store=True, readonly=False, precompute=True,
        help="Target answer time: the queue's service-level threshold by default.")
    shrinkage = fields.Float(
        string="Shrinkage (%)", default=30.0, digits=(16, 1),
        help="Share of scheduled time not spent on the phones: breaks, meetings, training, "
        "absence. Agents to schedule = agents required / (1 - shrinkage).")
    max_occupancy = fields.Float(
        string="Maximum Occupancy (%)", default=0.0, digits=(16, 1),
        help="Staff at least enough agents that none is busier than this share of the time "
        "(85% is usual). 0 sets no cap.")
    history_weeks = fields.Integer(
        string="Weeks of History", default=DEFAULT_HISTORY_WEEKS,
        help="'Forecast from history' averages the same weekday over this many past weeks.")
    line_ids = fields.One2many(
        "callcenter.staffing.plan.line", "plan_id", string="Intervals", copy=True)
    line_count = fields.Integer(compute="_compute_totals", store=True, string="Intervals Count")
    forecast_calls = fields.Float(
        string="Forecast Calls", compute="_compute_totals", store=True, digits=(16, 1))
    peak_agents_required = fields.Integer(
        compute="_compute_totals", store=True,
        help="Most productive agents needed in any interval, before shrinkage.")
    peak_agents = fields.Integer(
        string="Peak Agents", compute="_compute_totals", store=True,
        help="Most agents to schedule in any interval, shrinkage included.")
    agent_hours = fields.Float(
        compute="_compute_totals", store=True, digits=(16, 1),
        help="Scheduled agent-hours of the day, shrinkage included.")
    expected_service_level = fields.Float(
        string="Expected Service Level (%)", compute="_compute_totals", store=True, digits=(16, 1),
        help="Service level of the day with the agents required, weighted by the calls.")

    # ------------------------------------------------------------
    # COMPUTES
    # ------------------------------------------------------------

    @api.depends("date")
    def _compute_weekday(self):
        for plan in self:
            plan.weekday = (format_date(self.env, plan.date, date_format="EEEE")
                            if plan.date else False)

    @api.depends("queue_id")
    def _compute_tz(self):
        for plan in self:
            plan.tz = (plan.queue_id.resource_calendar_id.tz or plan.tz or self.env.user.tz
                       or "UTC")

    @api.depends("queue_id")
    def _compute_targets(self):
        for plan in self:
            if plan.queue_id:
                plan.target_service_level = plan.queue_id.sl_target
                plan.target_seconds = plan.queue_id.sl_threshold
            else:
                plan.target_service_level = plan.target_service_level or DEFAULT_SERVICE_LEVEL
                plan.target_seconds = plan.target_seconds or DEFAULT_TARGET_SECONDS

    @api.depends("interval_minutes", "line_ids.forecast_calls", "line_ids.agents_required",
                 "line_ids.agents_scheduled", "line_ids.service_level")
    def _compute_totals(self):
        for plan in self:
            lines = plan.line_ids
            hours = int(plan.interval_minutes or 0) / 60.0
            calls = sum(lines.mapped("forecast_calls"))
            plan.line_count = len(lines)
            plan.forecast_calls = calls
            plan.peak_agents_required = max(lines.mapped("agents_required"), default=0)
            plan.peak_agents = max(lines.mapped("agents_scheduled"), default=0)
            plan.agent_hours = sum(lines.mapped("agents_scheduled")) * hours
            plan.expected_service_level = (
                sum(line.forecast_calls * line.service_level for line in lines) / calls
                if calls else 0.0)

    # ------------------------------------------------------------
    # CONSTRAINTS
    # ------------------------------------------------------------

    @api.constrains("aht", "target_service_level", "target_seconds", "shrinkage",
                    "max_occupancy", "history_weeks")
    def _check_parameters(self):
        for plan in self:
            if plan.aht <= 0:
                raise ValidationError(_(
                    "Staffing plan %(plan)s: the average handle time must be more than 0 seconds.",
                    plan=plan.name))
            if not 0 < plan.target_service_level < 100:
                raise ValidationError(_(
                    "Staffing plan %(plan)s: the service level target must be above 0%% and "
                    "below 100%% (no number of agents answers every call in time).",
                    plan=plan.name))
            if plan.target_seconds < 0:
                raise ValidationError(_(
                    "Staffing plan %(plan)s: the target answer time cannot be negative.",
                    plan=plan.name))
            if not 0 <= plan.shrinkage < 100:
                raise ValidationError(_(
                    "Staffing plan %(plan)s: shrinkage must be at least 0%% and below 100%%.",
                    plan=plan.name))
            if not 0 <= plan.max_occupancy <= 100:
                raise ValidationError(_(
                    "Staffing plan %(plan)s: the maximum occupancy is a percentage up to 100%% "
                    "(0 for no cap).", plan=plan.name))
            if not 1 <= plan.history_weeks <= MAX_HISTORY_WEEKS:
                raise ValidationError(_(
                    "Staffing plan %(plan)s: the forecast reads between 1 and %(max)s weeks of "
                    "history.", plan=plan.name, max=MAX_HISTORY_WEEKS))

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def action_generate_intervals(self):
        """Replace the lines by one empty interval per slot the queue is open."""
        self.ensure_one()
        starts = self._callcenter_open_slots()
        if not starts:
            raise UserError(_(
                "Queue %(queue)s is closed on %(day)s according to its business hours: there is "
                "no interval to plan. Add intervals by hand to plan the day anyway.",
                queue=self.queue_id.display_name, day=format_date(self.env, self.date)))
        self.line_ids.unlink()
        self.env["callcenter.staffing.plan.line"].create([
            {"plan_id": self.id, "interval_start": start} for start in starts])
        return True

    def action_forecast_from_history(self):
        """Set each interval's calls to the average of the same weekday and time
        over the last `history_weeks` weeks, from the queue interval facts.

        Calls are offered calls less short abandons (those never needed an agent).
        A past day counts when the queue had any call that day, so days before the
        center went live, and holidays, do not pull the average down. The plan's
        handle time becomes the history's; an interval with enough answered calls
        keeps its own.
        """
        self.ensure_one()
        if not self.line_ids:
            raise UserError(_("Generate the intervals (or add them) before forecasting."))
        history = self._callcenter_history()
        if not history["days"]:
            raise UserError(_(
                "No calls on a %(weekday)s in the %(weeks)s weeks before %(day)s to forecast "
                "from.", weekday=self.weekday, weeks=self.history_weeks,
                day=format_date(self.env, self.date)))
        day_count = len(history["days"])
        if history["answered"]:
            self.aht = round(history["handle"] / history["answered"], 1)
        for line in self.line_ids:
            calls, answered, handle = history["lines"].get(line.id, (0, 0, 0))
            line.write({
                "forecast_calls": round(calls / day_count, 1),
                "aht": round(handle / answered, 1) if answered >= FORECAST_MIN_AHT_CALLS else 0.0,
            })
        return True

    def action_view_chart(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "callcenter_reports.callcenter_staffing_plan_line_action")
        action["domain"] = [("plan_id", "=", self.id)]
        action["display_name"] = _("Agents per Interval: %(plan)s", plan=self.display_name)
        return action

    # ------------------------------------------------------------
    # BUSINESS
    # ------------------------------------------------------------

    def _callcenter_erlang_parameters(self):
        """(interval seconds, target SL ratio, target seconds, shrinkage ratio,
        max occupancy ratio or None), or None while a parameter is invalid: the
        lines then show zeros and the constraints tell what to fix."""
        self.ensure_one()
        if not (self.interval_minutes and self.aht > 0 and 0 < self.target_service_level < 100
                and self.target_seconds >= 0 and 0 <= self.shrinkage < 100
                and 0 <= self.max_occupancy <= 100):
            return None
        return (
            int(self.interval_minutes) * 60,
            self.target_service_level / 100.0,
            self.target_seconds,
            self.shrinkage / 100.0,
            self.max_occupancy / 100.0 or None,
        )

    def _callcenter_day_bounds(self):
        """The planned day's local midnight and next midnight, as aware datetimes."""
        tz = pytz.timezone(self.tz or "UTC")
        day = fields.Date.to_date(self.date)
        return (tz.localize(datetime.combine(day, time.min)),
                tz.localize(datetime.combine(day + timedelta(days=1), time.min)))

    def _callcenter_open_slots(self):
        """Starts (hours of the day) of the intervals during which the queue is
        open: those of its business hours that day (holidays of the calendar
        left out), else DEFAULT_OPENING to DEFAULT_CLOSING. An interval the
        hours only partly cover is planned whole."""
        self.ensure_one()
        step = int(self.interval_minutes)
        calendar = self.queue_id.resource_calendar_id
        if not calendar:
            return [minute / 60.0 for minute in
                    range(int(DEFAULT_OPENING * 60), int(DEFAULT_CLOSING * 60), step)]
        tz = pytz.timezone(self.tz or "UTC")
        day_start, day_end = self._callcenter_day_bounds()
        intervals = calendar._work_intervals_batch(day_start, day_end, tz=tz)[False]
        minutes = set()
        for start, stop, _meta in intervals:
            start, stop = start.astimezone(tz), stop.astimezone(tz)
            first = start.hour * 60 + start.minute
            last = 24 * 60 if stop.date() > start.date() else stop.hour * 60 + stop.minute
            minute = first - first % step
            while minute < last:
                minutes.add(minute)
                minute += step
        return [minute / 60.0 for minute in sorted(minutes)]

    def _callcenter_history(self):
        """Sums of the queue interval facts of the same weekday over the last
        `history_weeks` weeks: {"days": set of past days with any call,
        "lines": {line id: (calls, answered, handle seconds)}, "answered": ...,
        "handle": ...} (the last two over the whole days)."""
        self.ensure_one()
        tz = pytz.timezone(self.tz or "UTC")
        day = fields.Date.to_date(self.date)
        past_days = [day - timedelta(weeks=week) for week in range(1, self.history_weeks + 1)]
        ranges = []
        for past in past_days:
            start = tz.localize(datetime.combine(past, time.min))
            stop = tz.localize(datetime.combine(past + timedelta(days=1), time.min))
            ranges.append(["&", ("interval_start", ">=", _utc_naive(start)),
                           ("interval_start", "<", _utc_naive(stop))])
        domain = [("company_id", "=", self.company_id.id)]
        if self.queue_id:
            domain.append(("queue_id", "=", self.queue_id.id))
        domain += ["|"] * (len(ranges) - 1) + [leaf for rng in ranges for leaf in rng]
        facts = self.env["callcenter.report.queue.interval"].search_fetch(
            domain, ["interval_start", "offered", "offered_counted", "answered", "handle_total"],
            order="id")

        lines = self.line_ids.sorted("interval_start")
        starts = [round(line.interval_start * 60) for line in lines]
        length = int(self.interval_minutes)
        sums = defaultdict(lambda: [0, 0, 0])
        days = set()
        answered_total = handle_total = 0
        for fact in facts:
            local = pytz.utc.localize(fact.interval_start).astimezone(tz)
            if fact.offered:
                days.add(local.date())
            answered_total += fact.answered
            handle_total += fact.handle_total
            minute = local.hour * 60 + local.minute
            index = bisect.bisect_right(starts, minute) - 1
            if index < 0 or minute >= starts[index] + length:
                continue
            row = sums[lines[index].id]
            row[0] += fact.offered_counted
            row[1] += fact.answered
            row[2] += fact.handle_total
        return {
            "days": days,
            "lines": {line_id: tuple(row) for line_id, row in sums.items()},
            "answered": answered_total,
            "handle": handle_total,
        }


def _utc_naive(aware):
    return aware.astimezone(pytz.utc).replace(tzinfo=None)
