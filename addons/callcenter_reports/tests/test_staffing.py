# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date, datetime

from psycopg2 import IntegrityError

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged, users
from odoo.tools import mute_logger

from odoo.addons.callcenter_base.tests.common import CallcenterCommon

from ..tools import erlang

# A Monday far from the demo calls; in Paris, summer time starts the day before,
# so the four Mondays of history are an hour nearer UTC than the day planned.
MONDAY = date(2030, 4, 1)
PAST_MONDAYS = [date(2030, 3, 25), date(2030, 3, 18), date(2030, 3, 11), date(2030, 3, 4)]


@tagged("callcenter")
class TestStaffingPlan(CallcenterCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Plan = cls.env["callcenter.staffing.plan"]
        cls.plan = cls.Plan.create({
            "name": "Support Monday", "queue_id": cls.queue_support.id, "date": MONDAY,
            "tz": "UTC", "interval_minutes": "30", "aht": 180.0, "target_service_level": 80.0,
            "target_seconds": 20, "shrinkage": 30.0,
        })

    def _line(self, plan=None, **values):
        return self.env["callcenter.staffing.plan.line"].create({
            "plan_id": (plan or self.plan).id, "interval_start": 9.0, **values})

    # ------------------------------------------------------------
    # Computation
    # ------------------------------------------------------------

    def test_check_figures(self):
        """100 calls in 30 minutes, 180 s, 80 % in 20 s: 14 agents on the phones
        (P(wait) 17.41 %, SL 88.84 %, ASA 7.84 s), 20 to schedule at 30 % shrinkage."""
        line = self._line(forecast_calls=100)
        self.assertAlmostEqual(line.traffic, 10.0)
        self.assertEqual(line.agents_required, 14)
        self.assertEqual(line.agents_scheduled, 20)
        self.assertAlmostEqual(line.probability_waiting, 17.41, places=2)
        self.assertAlmostEqual(line.service_level, 88.84, places=2)
        self.assertAlmostEqual(line.asa, 7.84, places=2)
        self.assertAlmostEqual(line.occupancy, 71.43, places=2)
        self.assertEqual(line.interval_label, "09:00")
        self.assertAlmostEqual(line.interval_end, 9.5)
        # 20 heads planned: 14 left on the phones once 30 % is taken off.
        line.agents_planned = 20
        self.assertEqual(line.planned_productive, 14)
        self.assertAlmostEqual(line.planned_service_level, 88.84, places=2)
        self.assertAlmostEqual(line.planned_asa, 7.84, places=2)
        self.assertFalse(line.planned_below_target)
        # 18 heads: 12 on the phones, 64.0 % in time.
        line.agents_planned = 18
        self.assertEqual(line.planned_productive, 12)
        self.assertAlmostEqual(line.planned_service_level, 64.02, places=2)
        self.assertTrue(line.planned_below_target)
        self.assertFalse(line.planned_understaffed)
        # 14 heads: 9 on the phones for 10 erlangs, the queue never empties.
        line.agents_planned = 14
        self.assertTrue(line.planned_understaffed)
        self.assertEqual(line.planned_service_level, 0.0)
        self.assertEqual(line.planned_asa, 0.0)
        self.assertEqual(line.planned_occupancy, 100.0)

    def test_plan_parameters_recompute_lines(self):
        line = self._line(forecast_calls=100)
        self.plan.target_service_level = 90.0
        self.assertEqual(line.agents_required, 15)
        self.plan.shrinkage = 0.0
        self.assertEqual(line.agents_scheduled, 15)
        self.plan.interval_minutes = "60"  # the same calls over an hour: 5 erlangs
        self.assertAlmostEqual(line.traffic, 5.0)
        self.assertEqual(line.agents_required,
                         erlang.agents_needed(5.0, 180, 0.9, 20))
        # The line's own handle time wins over the plan's.
        line.aht = 360.0
        self.assertAlmostEqual(line.traffic, 10.0)
        self.plan.max_occupancy = 60.0
        self.assertEqual(line.agents_required, 17)  # ceil(10 / 0.6)
        self.assertLessEqual(line.occupancy, 60.0)

    def test_totals(self):
        self._line(forecast_calls=100)
        self._line(interval_start=9.5, forecast_calls=50)
        self._line(interval_start=10.0, forecast_calls=0)
        plan = self.plan
        lines = plan.line_ids
        self.assertEqual(plan.line_count, 3)
        self.assertAlmostEqual(plan.forecast_calls, 150.0)
        self.assertEqual(lines.mapped("agents_required"), [14, 8, 0])
        self.assertEqual(plan.peak_agents_required, 14)
        self.assertEqual(plan.peak_agents, 20)
        self.assertAlmostEqual(plan.agent_hours, sum(lines.mapped("agents_scheduled")) * 0.5)
        expected = (100 * lines[0].service_level + 50 * lines[1].service_level) / 150
        self.assertAlmostEqual(plan.expected_service_level, expected, places=1)
        # An interval with no call needs nobody, and no call waits.
        self.assertEqual((lines[2].agents_scheduled, lines[2].service_level, lines[2].asa),
                         (0, 100.0, 0.0))

    def test_targets_follow_the_queue(self):
        plan = self.Plan.create({"name": "Queue targets", "queue_id": self.queue_support.id})
        self.assertEqual((plan.target_service_level, plan.target_seconds),
                         (self.queue_support.sl_target, self.queue_support.sl_threshold))
        plan = self.Plan.create({"name": "No queue"})
        self.assertEqual((plan.target_service_level, plan.target_seconds), (80.0, 20))
        self.assertEqual(plan.interval_minutes, "30")

    def test_calculator_form(self):
        """A plan with one interval reads as the quick calculator."""
        with Form(self.Plan) as form:
            form.name = "Quick check"
            form.target_service_level = 80.0
            form.target_seconds = 20
            form.aht = 180.0
            form.shrinkage = 0.0
            with form.line_ids.new() as line:
                line.interval_start = 9.0
                line.forecast_calls = 100
                line.agents_planned = 13
                self.assertEqual(line.agents_required, 14)
                self.assertAlmostEqual(line.planned_service_level, 79.56, places=2)
            self.assertEqual(form.peak_agents, 14)
        plan = form.record
        self.assertAlmostEqual(plan.line_ids.asa, 7.84, places=2)
        self.assertTrue(plan.line_ids.planned_below_target)

    def test_copy_keeps_the_intervals(self):
        self._line(forecast_calls=100)
        copy = self.plan.copy()
        self.assertEqual(copy.line_ids.mapped("forecast_calls"), [100.0])
        self.assertEqual(copy.peak_agents, 20)

    def test_demo_plans(self):
        calculator = self.env.ref("callcenter_reports.callcenter_staffing_plan_calculator_demo")
        self.assertAlmostEqual(calculator.line_ids.planned_service_level, 88.84, places=2)
        self.assertAlmostEqual(calculator.line_ids.planned_asa, 7.84, places=2)
        support = self.env.ref("callcenter_reports.callcenter_staffing_plan_support_demo")
        self.assertEqual(len(support.line_ids), 16)
        self.assertGreater(support.peak_agents, support.peak_agents_required)
        self.assertTrue(any(support.line_ids.mapped("planned_below_target")))

    # ------------------------------------------------------------
    # Generate intervals
    # ------------------------------------------------------------

    def test_generate_default_hours(self):
        self.assertFalse(self.queue_support.resource_calendar_id)
        self.plan.action_generate_intervals()
        lines = self.plan.line_ids
        self.assertEqual(len(lines), 24)
        self.assertEqual(lines[0].interval_label, "08:00")
        self.assertEqual(lines[-1].interval_label, "19:30")
        # Again, hourly: the intervals are replaced, not added.
        self.plan.interval_minutes = "60"
        self.plan.action_generate_intervals()
        self.assertEqual(self.plan.line_ids.mapped("interval_start"),
                         [float(hour) for hour in range(8, 20)])

    def test_generate_from_business_hours(self):
        calendar = self.env["resource.calendar"].create({
            "name": "Support hours", "tz": "Asia/Shanghai",
            "attendance_ids": [
                Command.create({"name": "Monday morning", "dayofweek": "0", "hour_from": 9.0,
                                "hour_to": 12.0, "day_period": "morning"}),
                Command.create({"name": "Monday afternoon", "dayofweek": "0", "hour_from": 13.5,
                                "hour_to": 18.25, "day_period": "afternoon"}),
                Command.create({"name": "Tuesday", "dayofweek": "1", "hour_from": 8.0,
                                "hour_to": 17.0, "day_period": "morning"}),
            ],
        })
        self.queue_support.resource_calendar_id = calendar
        plan = self.Plan.create({"name": "Hours", "queue_id": self.queue_support.id,
                                 "date": MONDAY})
        self.assertEqual(plan.tz, "Asia/Shanghai")
        plan.action_generate_intervals()
        # 09:00-11:30, then 13:30-18:00 (18:00-18:15 is open: the interval is planned whole).
        self.assertEqual(plan.line_ids.mapped("interval_label"),
                         ["09:00", "09:30", "10:00", "10:30", "11:00", "11:30",
                          "13:30", "14:00", "14:30", "15:00", "15:30", "16:00", "16:30",
                          "17:00", "17:30", "18:00"])
        # A public holiday of the calendar: closed, nothing to plan.
        self.env["resource.calendar.leaves"].create({
            "name": "Holiday", "calendar_id": calendar.id,
            "date_from": datetime(2030, 4, 7, 16, 0), "date_to": datetime(2030, 4, 8, 16, 0),
        })
        holiday = self.Plan.create({"name": "Holiday", "queue_id": self.queue_support.id,
                                    "date": date(2030, 4, 8)})
        with self.assertRaisesRegex(UserError, "closed"):
            holiday.action_generate_intervals()
        # No attendance on Sundays either.
        sunday = self.Plan.create({"name": "Sunday", "queue_id": self.queue_support.id,
                                   "date": date(2030, 4, 7)})
        with self.assertRaises(UserError):
            sunday.action_generate_intervals()

    # ------------------------------------------------------------
    # Forecast from history
    # ------------------------------------------------------------

    def _fact(self, when, queue=None, offered=0, short=0, answered=None, handle_per_call=0):
        counted = offered - short
        answered = counted if answered is None else answered
        # sudo: fact rows are written by the refresh only; tests stand in for it.
        return self.env["callcenter.report.queue.interval"].sudo().create({
            "interval_start": when, "company_id": self.env.company.id,
            "queue_id": (queue or self.queue_support).id, "offered": offered,
            "short_abandoned": short, "offered_counted": counted, "answered": answered,
            "handle_total": answered * handle_per_call,
        })

    def _history(self):
        """Paris Mondays of March 2030 (UTC+1): local 09:00 is 08:00 UTC."""
        calls_0900 = [(12, 2), (23, 0), (17, 0)]  # (offered, short abandons) per week
        calls_0930 = [8, 9, 10]
        for past, (offered, short), calls in zip(PAST_MONDAYS[:3], calls_0900, calls_0930):
            # Line 09:00 (local) covers the fact intervals 08:00 and 08:15 UTC.
            self._fact(datetime.combine(past, datetime.min.time()).replace(hour=8),
                       offered=offered - 5, short=short, handle_per_call=240)
            self._fact(datetime.combine(past, datetime.min.time()).replace(hour=8, minute=15),
                       offered=5, handle_per_call=240)
            self._fact(datetime.combine(past, datetime.min.time()).replace(hour=8, minute=30),
                       offered=calls, handle_per_call=120)
        # Late evening of the first Monday, outside the lines: counts for the day's AHT only.
        self._fact(datetime(2030, 3, 25, 20, 0), offered=3, handle_per_call=100)
        # Neither the other queue nor another weekday counts.
        self._fact(datetime(2030, 3, 25, 8, 0), queue=self.queue_sales, offered=500,
                   handle_per_call=999)
        self._fact(datetime(2030, 3, 26, 8, 0), offered=500, handle_per_call=999)
        # 07:00 UTC on a March Monday is 08:00 in Paris: not the 09:00 line.
        self._fact(datetime(2030, 3, 18, 7, 0), offered=50, handle_per_call=60)

    def test_forecast_from_history(self):
        plan = self.Plan.create({
            "name": "Paris", "queue_id": self.queue_support.id, "date": MONDAY,
            "tz": "Europe/Paris", "interval_minutes": "30", "history_weeks": 4,
            "line_ids": [Command.create({"interval_start": 9.0}),
                         Command.create({"interval_start": 9.5}),
                         Command.create({"interval_start": 10.0, "forecast_calls": 7})],
        })
        self._history()
        plan.action_forecast_from_history()
        line_0900, line_0930, line_1000 = plan.line_ids
        # 3 Mondays had calls (the 4th, before go-live, had none): (10 + 23 + 17) / 3.
        self.assertAlmostEqual(line_0900.forecast_calls, 16.7)
        self.assertAlmostEqual(line_0930.forecast_calls, 9.0)
        self.assertAlmostEqual(line_1000.forecast_calls, 0.0)
        # 50 answered calls at 09:00 are enough for the interval's own AHT; 27 at 09:30 are not.
        self.assertAlmostEqual(line_0900.aht, 240.0)
        self.assertAlmostEqual(line_0930.aht, 0.0)
        answered = 50 + 27 + 3 + 50
        self.assertAlmostEqual(
            plan.aht, round((50 * 240 + 27 * 120 + 3 * 100 + 50 * 60) / answered, 1))
        self.assertAlmostEqual(
            line_0900.traffic, round(erlang.traffic_intensity(16.7, 1800, 240), 2))

    def test_forecast_whole_center(self):
        """Without a queue the plan reads every queue of the company."""
        plan = self.Plan.create({
            "name": "All queues", "date": MONDAY, "tz": "Europe/Paris", "history_weeks": 1,
            "line_ids": [Command.create({"interval_start": 9.0})],
        })
        self._history()
        plan.action_forecast_from_history()
        # Only the last Monday: support 10, sales 500.
        self.assertAlmostEqual(plan.line_ids.forecast_calls, 510.0)

    def test_forecast_needs_history_and_intervals(self):
        plan = self.Plan.create({"name": "Empty", "queue_id": self.queue_support.id,
                                 "date": MONDAY})
        with self.assertRaisesRegex(UserError, "Generate the intervals"):
            plan.action_forecast_from_history()
        plan.action_generate_intervals()
        with self.assertRaisesRegex(UserError, "No calls"):
            plan.action_forecast_from_history()

    # ------------------------------------------------------------
    # Validation
    # ------------------------------------------------------------

    def test_validation_errors(self):
        for field, value in [("aht", 0.0), ("aht", -10.0), ("target_service_level", 100.0),
                             ("target_service_level", 0.0), ("target_seconds", -1),
                             ("shrinkage", 100.0), ("shrinkage", -5.0), ("max_occupancy", 120.0),
                             ("history_weeks", 0), ("history_weeks", 60)]:
            with self.subTest(field=field, value=value), self.assertRaises(ValidationError), \
                    self.env.cr.savepoint():
                self.Plan.create({"name": "Bad", field: value})
        line = self._line(forecast_calls=10)
        for field, value in [("forecast_calls", -1.0), ("aht", -1.0), ("agents_planned", -2),
                             ("interval_start", 24.0), ("interval_start", -0.5)]:
            with self.subTest(field=field, value=value), self.assertRaises(ValidationError), \
                    self.env.cr.savepoint():
                line.write({field: value})

    def test_invalid_input_shows_zeros(self):
        """While a plan being edited is invalid its lines show zeros: the Erlang
        tools are not called with bad input and the form can still be fixed."""
        def new_line(**plan_values):
            plan = self.Plan.new({"name": "Editing", "aht": 180.0, "target_service_level": 80.0,
                                  "target_seconds": 20, "interval_minutes": "30",
                                  **plan_values})
            return self.env["callcenter.staffing.plan.line"].new({
                "plan_id": plan, "interval_start": 9.0, "forecast_calls": 100,
                "agents_planned": 20})

        for values in ({"aht": 0.0}, {"target_service_level": 100.0}, {"shrinkage": 100.0},
                       {"max_occupancy": -1.0}, {"target_seconds": -5}):
            line = new_line(**values)
            self.assertEqual((line.traffic, line.agents_required, line.planned_service_level),
                             (0.0, 0, 0.0), values)
        self.assertEqual(new_line().agents_required, 14)

    @mute_logger("odoo.sql_db")
    def test_one_line_per_start(self):
        self._line(forecast_calls=10)
        with self.assertRaises(IntegrityError), self.env.cr.savepoint():
            self._line(forecast_calls=20)

    # ------------------------------------------------------------
    # Access
    # ------------------------------------------------------------

    @users("cc_agent", "cc_agent_sales", "cc_plain")
    def test_agents_have_no_access(self):
        Plan = self.env["callcenter.staffing.plan"]
        with self.assertRaises(AccessError):
            Plan.search([])
        with self.assertRaises(AccessError):
            Plan.create({"name": "Mine"})
        with self.assertRaises(AccessError):
            self.plan.with_env(self.env).read(["name"])
        with self.assertRaises(AccessError):
            self.env["callcenter.staffing.plan.line"].search([])

    @users("cc_lead")
    def test_team_lead_plans(self):
        self._supervisor_plans()

    @users("cc_manager")
    def test_manager_plans(self):
        self._supervisor_plans()

    def _supervisor_plans(self):
        self._history()
        plan = self.env["callcenter.staffing.plan"].create({
            "name": "Lead's plan", "queue_id": self.queue_support.id, "date": MONDAY,
            "tz": "Europe/Paris",
        })
        plan.action_generate_intervals()
        plan.action_forecast_from_history()
        self.assertAlmostEqual(plan.line_ids.filtered(lambda l: l.interval_start == 9.0)
                               .forecast_calls, 16.7)
        self.assertGreater(plan.peak_agents, 0)
        self.assertEqual(plan.action_view_chart()["res_model"], "callcenter.staffing.plan.line")
        self.plan.with_env(self.env).name = "Renamed"
        plan.unlink()
