# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date, datetime, timedelta
from unittest.mock import patch

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from odoo.addons.callcenter_reports.models.callcenter_report_dashboard import BRIDGES

from .report_common import DAY, ReportCommon, at

NOON = datetime(2026, 11, 2, 12, 0)
"""Three hours after the hand-built calls, the same day in UTC."""
IVR_MODEL = "callcenter.ivr.session"
WECHAT_MODEL = "callcenter.wechat.conversation"
CATI_MODEL = "callcenter.cati.attempt"
TRAFFIC_WINDOW = (datetime(2026, 10, 29), datetime(2026, 11, 6))
"""Every period the tests read, in every time zone they use."""


class DashboardCommon(ReportCommon):
    """The hand-built calls, with distinct service-level targets per queue."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.queue_support.sl_target = 80.0
        cls.queue_sales.sl_target = 50.0
        cls.Dashboard = cls.env["callcenter.report.dashboard"]
        cls._clear_other_traffic()

    @classmethod
    def _clear_other_traffic(cls):
        """The demo history (the month before installation) may cover the hand-built
        day: the totals of these tests count the hand-built calls alone."""
        start, end = TRAFFIC_WINDOW
        cls.env["callcenter.call"].search([
            ("started_at", ">=", start), ("started_at", "<", end),
            ("id", "not in", [call.id for call in cls.calls.values()]),
        ]).unlink()
        cls.env["callcenter.agent.state.log"].search([
            ("date_start", "<", end), "|", ("date_end", "=", False), ("date_end", ">", start),
            ("id", "not in", cls.state_logs.ids),
        ]).unlink()
        for model, fname in ((IVR_MODEL, "started"), (WECHAT_MODEL, "assigned_at"),
                             (CATI_MODEL, "dialed_at")):
            if model in cls.env:
                cls.env[model].search([(fname, ">=", start), (fname, "<", end)]).unlink()
        cls._refresh()

    def _data(self, user=None, tz="UTC", now=NOON, **kwargs):
        with freeze_time(now):
            dashboard = self.Dashboard.with_user(user or self.user_manager).with_context(tz=tz)
            return dashboard.callcenter_dashboard_data(**kwargs)

    def _rows(self, data, *queues):
        """The queue table's rows of these queues (None: calls without a queue), in order."""
        ids = [queue.id if queue else False for queue in queues]
        return [row for row in data["queues"] if row["id"] in ids]

    def _channel(self, data, key):
        return next((tile for tile in data["channels"] if tile["key"] == key), None)


@tagged("callcenter")
class TestReportDashboard(DashboardCommon):

    def test_kpis_today(self):
        data = self._data(period="today")
        self.assertEqual(data["scope"], "center")
        kpis = data["kpis"]
        # Support A + B, Sales A and the call without a queue: sums over the day.
        self.assertEqual(
            {key: kpis[key] for key in ("offered", "answered", "abandoned", "short_abandoned",
                                        "unanswered", "transferred", "repeat_calls", "wait_max")},
            {"offered": 12, "answered": 8, "abandoned": 3, "short_abandoned": 2,
             "unanswered": 1, "transferred": 1, "repeat_calls": 3, "wait_max": 60},
        )
        # SL 6/11, ASA 153/8, AHT 1270/8, wait 238/11, abandon time 85/3; rates over 12 offered
        # and 8 answered; occupancy 1420 handle / (1420 + 2340 idle).
        expected = {
            "service_level": 54.55, "asa": 19.13, "aht": 158.75, "avg_wait": 21.64,
            "avg_abandon_time": 28.33, "abandon_rate": 25.0, "answer_rate": 66.67,
            "transfer_rate": 12.5, "repeat_rate": 25.0, "occupancy": 37.77,
        }
        for key, value in expected.items():
            self.assertAlmostEqual(kpis[key], value, places=2, msg=key)
        # The target weighted by the calls each queue's service level counts: (80*8 + 50*2) / 10.
        self.assertEqual(kpis["sl_target"], 74.0)
        self.assertIs(kpis["sl_ok"], False)

    def test_queue_rows(self):
        data = self._data(period="today")
        support, sales, no_queue = self._rows(data, self.queue_support, self.queue_sales, None)
        self.assertEqual([row["name"] for row in (support, sales)], ["Support", "Sales"])
        self.assertEqual((support["offered"], support["answered"], support["abandoned"]), (8, 5, 2))
        self.assertEqual((support["service_level"], support["asa"], support["aht"]),
                         (50.0, 16.6, 202.0))
        self.assertEqual((support["sl_target"], support["sl_ok"]), (80.0, False))
        # Sales counts answered calls only: 1 in time of 2.
        self.assertEqual((sales["offered"], sales["service_level"], sales["sl_ok"]), (3, 50.0, True))
        self.assertEqual((no_queue["name"], no_queue["offered"]), ("No queue", 1))
        self.assertIsNone(no_queue["sl_ok"])
        offered = [row["offered"] for row in data["queues"]]
        self.assertEqual(offered, sorted(offered, reverse=True), "busiest queues first")

    def test_series_per_hour(self):
        data = self._data(period="today")
        series = data["series"]
        self.assertEqual(series["granularity"], "hour")
        self.assertEqual(len(series["keys"]), 24)
        self.assertEqual(series["keys"][9], "2026-11-02T09:00")
        self.assertEqual(
            [series[name][9] for name in ("offered", "answered", "abandoned", "service_level")],
            [12, 8, 3, 54.55])
        self.assertEqual([series[name][8] for name in ("offered", "service_level")], [0, None])
        # The day so far: the hours after noon have no figure yet.
        self.assertEqual(series["offered"][12], 0)
        self.assertEqual(set(series["offered"][13:]), {None})

    def test_series_per_day_in_time_zone(self):
        # 12:00 in Shanghai on Thursday 5 November: the last 7 days are 30 October - 5 November.
        data = self._data(period="last_7_days", tz="Asia/Shanghai", now=datetime(2026, 11, 5, 4, 0))
        self.assertEqual((data["period"]["date_from"], data["period"]["date_to"]),
                         ("2026-10-30", "2026-11-05"))
        series = data["series"]
        self.assertEqual(series["granularity"], "day")
        self.assertEqual(series["keys"][0], "2026-10-30T00:00")
        self.assertEqual(len(series["keys"]), 7)
        by_day = dict(zip(series["keys"], series["offered"], strict=True))
        # The earlier call of F (30 October, 18:00 in Shanghai) and the hand-built day.
        self.assertEqual(by_day["2026-10-30T00:00"], 1)
        self.assertEqual(by_day["2026-11-02T00:00"], 12)
        self.assertEqual(data["kpis"]["offered"], 13)

    def test_time_zone_moves_the_day(self):
        # 20:00 UTC on 2 November is already 3 November in Shanghai.
        evening = datetime(2026, 11, 2, 20, 0)
        self.assertEqual(self._data(period="today", now=evening)["kpis"]["offered"], 12)
        shanghai_today = self._data(period="today", tz="Asia/Shanghai", now=evening)
        self.assertEqual(shanghai_today["kpis"]["offered"], 0)
        self.assertIsNone(shanghai_today["kpis"]["service_level"])
        shanghai_yesterday = self._data(period="yesterday", tz="Asia/Shanghai", now=evening)
        self.assertEqual(shanghai_yesterday["kpis"]["offered"], 12)
        # The calls at 09:00 UTC are at 17:00 in Shanghai.
        self.assertEqual(shanghai_yesterday["series"]["keys"][17], "2026-11-02T17:00")
        self.assertEqual(shanghai_yesterday["series"]["offered"][17], 12)
        self.assertEqual(shanghai_yesterday["domains"]["queue"][:2], [
            ("interval_start", ">=", "2026-11-01 16:00:00"),
            ("interval_start", "<", "2026-11-02 16:00:00"),
        ])

    def test_periods(self):
        # Wednesday 18 November 2026, 11:00 in Shanghai.
        tz = "Asia/Shanghai"
        Dashboard = self.Dashboard.with_context(tz=tz)

        def days(period, **kwargs):
            bounds = Dashboard._callcenter_period(period, **kwargs)
            return bounds["first_day"], bounds["last_day"], bounds["granularity"]

        with freeze_time(datetime(2026, 11, 18, 3, 0)):
            self.assertEqual(days("today"), (date(2026, 11, 18), date(2026, 11, 18), "hour"))
            self.assertEqual(days("yesterday"), (date(2026, 11, 17), date(2026, 11, 17), "hour"))
            self.assertEqual(days("last_7_days"), (date(2026, 11, 12), date(2026, 11, 18), "day"))
            self.assertEqual(days("this_month"), (date(2026, 11, 1), date(2026, 11, 30), "day"))
            self.assertEqual(days("last_month"), (date(2026, 10, 1), date(2026, 10, 31), "day"))
            lang = self.env["res.lang"]._lang_get(self.env.user.lang)
            lang.week_start = "1"
            self.assertEqual(days("this_week"), (date(2026, 11, 16), date(2026, 11, 22), "day"))
            lang.week_start = "7"
            self.assertEqual(days("this_week"), (date(2026, 11, 15), date(2026, 11, 21), "day"))
            self.assertEqual(days("custom", date_from="2026-11-01", date_to="2026-11-03"),
                             (date(2026, 11, 1), date(2026, 11, 3), "day"))
            self.assertEqual(days("custom", date_from="2026-11-01", date_to="2026-11-01"),
                             (date(2026, 11, 1), date(2026, 11, 1), "hour"))
            bounds = Dashboard._callcenter_period("this_month")
            self.assertEqual((bounds["start"], bounds["end"]),
                             (datetime(2026, 10, 31, 16, 0), datetime(2026, 11, 30, 16, 0)))
            for kwargs in ({}, {"date_from": "2026-11-03", "date_to": "2026-11-01"},
                           {"date_from": "2025-01-01", "date_to": "2026-11-01"},
                           {"date_from": "2026-13-01", "date_to": "2026-11-01"}):
                with self.assertRaises(UserError):
                    Dashboard._callcenter_period("custom", **kwargs)
            with self.assertRaises(UserError):
                Dashboard._callcenter_period("fortnight")

    def test_empty_period(self):
        data = self._data(period="custom", date_from="2020-01-01", date_to="2020-01-31",
                          queue_ids=(self.queue_support | self.queue_sales).ids)
        kpis = data["kpis"]
        self.assertEqual((kpis["offered"], kpis["answered"]), (0, 0))
        self.assertIsNone(kpis["service_level"])
        self.assertIsNone(kpis["asa"])
        self.assertIsNone(kpis["sl_ok"])
        # No call to weigh the targets by: their plain average.
        self.assertEqual(kpis["sl_target"], 65.0)
        # The chosen queues are listed, quiet as they were.
        self.assertEqual({row["id"] for row in data["queues"]},
                         {self.queue_support.id, self.queue_sales.id})
        self.assertEqual(data["agents"], [])
        self.assertEqual(len(data["series"]["keys"]), 31)

    def test_agent_ranking(self):
        data = self._data(period="today")
        ranking = [row for row in data["agents"]
                   if row["id"] in (self.agent | self.agent_lead | self.agent_sales).ids]
        self.assertEqual([row["id"] for row in ranking],
                         [self.agent.id, self.agent_sales.id, self.agent_lead.id])
        agent = ranking[0]
        self.assertEqual((agent["rank"], agent["name"], agent["team"]), (1, "Agent Support", "Support Team"))
        self.assertEqual(
            {key: agent[key] for key in ("handled", "inbound_answered", "outbound_connected",
                                         "available_seconds", "paused_seconds", "aht",
                                         "occupancy")},
            {"handled": 4, "inbound_answered": 3, "outbound_connected": 1,
             "available_seconds": 540, "paused_seconds": 600, "aht": 217.5, "occupancy": 61.7},
        )
        lead = ranking[2]
        # Paused from 08:55: the interval before the calls counts in the day.
        self.assertEqual((lead["paused_seconds"], lead["available_seconds"]), (1500, 0))

    def test_filters(self):
        support, sales = self.queue_support, self.queue_sales
        data = self._data(period="today", queue_ids=sales.ids)
        self.assertEqual(data["filters"]["queue_ids"], sales.ids)
        self.assertEqual([row["id"] for row in data["queues"]], sales.ids)
        self.assertEqual(data["kpis"]["offered"], 3)
        # The agents of the queue.
        self.assertEqual([row["id"] for row in data["agents"]], self.agent_sales.ids)
        self.assertIn(("queue_id", "in", sales.ids), data["domains"]["queue"])

        data = self._data(period="today", team_id=self.team_support.id)
        self.assertEqual(data["filters"]["team_id"], self.team_support.id)
        # The team's agents, and the queues they serve.
        self.assertEqual([row["id"] for row in data["queues"]], support.ids)
        self.assertEqual(data["kpis"]["offered"], 8)
        self.assertEqual({row["id"] for row in data["agents"]}, {self.agent.id, self.agent_lead.id})
        # Occupancy of the team: (870 + 290) / (1410 + 290).
        self.assertAlmostEqual(data["kpis"]["occupancy"], 68.24, places=2)

    def test_figures_are_refreshed(self):
        """The dashboard brings the facts up to date: no wait for the cron."""
        self._inbound(self.queue_sales, self.agent_sales, at(10, 0), 5, "completed", "18999900099",
                      talk=60)
        data = self._data(period="today", queue_ids=self.queue_sales.ids)
        self.assertEqual((data["kpis"]["offered"], data["kpis"]["answered"]), (4, 3))

    def test_without_optional_modules(self):
        """No IVR, WeChat or CATI module: no tile, the rest as always."""
        with patch.object(type(self.Dashboard), "_callcenter_bridge_available",
                          lambda self, model: False):
            data = self._data(period="today")
        self.assertEqual(data["channels"], [])
        self.assertEqual(data["kpis"]["offered"], 12)

    def test_filter_lists(self):
        data = self._data(period="today")
        self.assertTrue({self.queue_support.id, self.queue_sales.id}
                        <= {queue["id"] for queue in data["filters"]["queues"]})
        self.assertTrue({self.team_support.id, self.team_sales.id}
                        <= {team["id"] for team in data["filters"]["teams"]})
        self.assertEqual(data["actions"]["queue"],
                         "callcenter_reports.callcenter_report_queue_interval_action")
        self.assertTrue(self.env.ref(data["actions"]["queue"]))


@tagged("callcenter")
class TestReportDashboardAccess(DashboardCommon):

    def test_team_lead_sees_led_queues(self):
        data = self._data(user=self.user_lead, period="today")
        self.assertEqual(data["scope"], "center")
        self.assertEqual([queue["id"] for queue in data["filters"]["queues"]],
                         self.queue_support.ids)
        self.assertEqual([team["id"] for team in data["filters"]["teams"]], self.team_support.ids)
        self.assertEqual([row["id"] for row in data["queues"]], self.queue_support.ids)
        self.assertEqual(data["kpis"]["offered"], 8)
        self.assertEqual(data["kpis"]["service_level"], 50.0)
        self.assertEqual(data["kpis"]["sl_target"], 80.0)
        agents = {row["id"] for row in data["agents"]}
        self.assertIn(self.agent.id, agents)
        self.assertNotIn(self.agent_sales.id, agents)

    def test_team_lead_cannot_filter_other_queues(self):
        data = self._data(user=self.user_lead, period="today", queue_ids=self.queue_sales.ids,
                          team_id=self.team_sales.id)
        self.assertEqual((data["filters"]["queue_ids"], data["filters"]["team_id"]), ([], False))
        self.assertEqual([row["id"] for row in data["queues"]], self.queue_support.ids)

    def test_agent_sees_own_figures(self):
        QueueFacts = self.env["callcenter.report.queue.interval"].with_user(self.user_agent)
        self.assertFalse(QueueFacts.browse().has_access("read"))
        data = self._data(user=self.user_agent, period="today")
        self.assertEqual(data["scope"], "agent")
        self.assertEqual((data["kpis"], data["queues"]), ({}, []))
        self.assertEqual(data["filters"], {"queues": [], "teams": [], "queue_ids": [],
                                           "team_id": False})
        self.assertEqual([row["id"] for row in data["agents"]], self.agent.ids)
        totals = data["agent_totals"]
        self.assertEqual((totals["handled"], totals["aht"], totals["occupancy"]), (4, 217.5, 61.7))
        self.assertEqual((totals["available_seconds"], totals["paused_seconds"]), (540, 600))
        self.assertEqual(data["series"]["handled"][9], 4)
        self.assertFalse(data["actions"]["queue"])
        self.assertEqual(data["actions"]["agent"],
                         "callcenter_reports.callcenter_report_agent_interval_action_my")
        # Asking for a queue or team changes nothing.
        filtered = self._data(user=self.user_agent, period="today",
                              queue_ids=self.queue_sales.ids, team_id=self.team_sales.id)
        self.assertEqual(filtered["agents"], data["agents"])

    def test_user_without_call_center_access(self):
        with self.assertRaises(AccessError):
            self._data(user=self.user_plain, period="today")


@tagged("callcenter", "post_install", "-at_install")
class TestReportDashboardChannels(DashboardCommon):
    """IVR, WeChat and CATI tiles: from real records where those modules are
    installed (CI installs them all), and none when a module is missing.

    After installation: the optional modules may be installed after this one.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        yesterday = DAY - timedelta(days=1)
        if IVR_MODEL in cls.env:
            flow = cls.env["callcenter.ivr"].create({
                "name": "Dashboard IVR", "pbx_id": cls.pbx.id,
                "fallback_queue_id": cls.queue_support.id,
            })
            cls.env[IVR_MODEL].create([
                {"pbx_id": cls.pbx.id, "ivr_id": flow.id, "linkedid": f"dash.ivr.{index}",
                 "started": started, "outcome": outcome, "self_served": served}
                for index, (started, outcome, served) in enumerate([
                    (at(9, 0), "hangup", True),
                    (at(9, 5), "hangup", True),
                    (at(9, 10), "queue", False),
                    (at(9, 0, day=yesterday), "hangup", True),
                ])
            ])
        if WECHAT_MODEL in cls.env:
            account = cls.env["callcenter.wechat.account"].create({
                "name": "Dashboard OA", "app_id": "wx_dashboard_test", "app_secret": "secret",
                "token": "token", "queue_id": cls.queue_support.id,
            })
            followers = cls.env["callcenter.wechat.follower"].create([
                {"account_id": account.id, "openid": f"o_dashboard_{index}"} for index in range(4)
            ])

            def conversation(follower, queue, agent, assigned, response=None, state="closed"):
                return {
                    "account_id": account.id, "follower_id": follower.id, "queue_id": queue.id,
                    "agent_id": agent.id, "state": state, "started_at": assigned,
                    "assigned_at": assigned,
                    "first_response_at": response and assigned + timedelta(seconds=response),
                    "first_response_seconds": response or 0,
                }

            cls.env[WECHAT_MODEL].create([
                conversation(followers[0], cls.queue_support, cls.agent, at(9, 1), 120),
                conversation(followers[1], cls.queue_support, cls.agent_lead, at(9, 5), 30),
                conversation(followers[2], cls.queue_support, cls.agent, at(9, 10), state="open"),
                conversation(followers[3], cls.queue_sales, cls.agent_sales,
                             at(9, 0, day=yesterday), 600),
            ])
        if CATI_MODEL in cls.env:
            campaign = cls.env["callcenter.cati.campaign"].create({
                "name": "Dashboard survey", "pbx_id": cls.pbx.id, "tz": "Asia/Shanghai",
                "agent_ids": [(6, 0, (cls.agent | cls.agent_sales).ids)],
            })
            case = cls.env["callcenter.cati.case"].create({
                "campaign_id": campaign.id, "name": "Respondent"})
            complete = cls.env.ref("callcenter_cati.disposition_complete")

            def attempt(agent, dialed, talk=0, done=False):
                return {
                    "case_id": case.id, "agent_id": agent.id, "dialed_at": dialed,
                    "connected_at": dialed + timedelta(seconds=10) if talk else False,
                    "ended_at": dialed + timedelta(seconds=10 + talk),
                    "disposition_id": complete.id if done else False,
                }

            cls.env[CATI_MODEL].create([
                attempt(cls.agent, at(9, 0), talk=600, done=True),
                attempt(cls.agent, at(9, 15), talk=300, done=True),
                attempt(cls.agent_sales, at(9, 20)),
                attempt(cls.agent_sales, at(9, 0, day=yesterday), talk=300, done=True),
            ])

    def setUp(self):
        super().setUp()
        for model in (IVR_MODEL, WECHAT_MODEL, CATI_MODEL):
            if model not in self.env:
                self.skipTest(f"{model} is not installed")

    def test_ivr_self_service(self):
        tile = self._channel(self._data(period="today"), "ivr")
        self.assertEqual((tile["sessions"], tile["self_served"], tile["self_service_rate"]),
                         (3, 2, 66.67))
        self.assertEqual(tile["action"], "callcenter_ivr.callcenter_ivr_session_action")

    def test_wechat_first_response(self):
        tile = self._channel(self._data(period="today"), "wechat")
        # Three conversations assigned today, two answered in 120 s and 30 s.
        self.assertEqual((tile["conversations"], tile["answered"], tile["avg_first_response"]),
                         (3, 2, 75.0))
        self.assertEqual(tile["action"],
                         "callcenter_wechat.callcenter_wechat_conversation_action_analysis")
        tile = self._channel(self._data(period="yesterday"), "wechat")
        self.assertEqual((tile["conversations"], tile["avg_first_response"]), (1, 600.0))
        tile = self._channel(self._data(period="today", queue_ids=self.queue_sales.ids), "wechat")
        self.assertEqual((tile["conversations"], tile["avg_first_response"]), (0, None))

    def test_cati_productivity(self):
        tile = self._channel(self._data(period="today"), "cati")
        # Two completes in 900 s of talk; three attempts by two interviewers.
        self.assertEqual(
            {key: tile[key] for key in ("attempts", "completes", "talk_seconds", "interviewers",
                                        "completes_per_hour", "attempts_per_interviewer")},
            {"attempts": 3, "completes": 2, "talk_seconds": 900, "interviewers": 2,
             "completes_per_hour": 8.0, "attempts_per_interviewer": 1.5},
        )
        self.assertEqual(tile["action"], "callcenter_cati.callcenter_cati_attempt_action_completes")
        tile = self._channel(self._data(period="today", team_id=self.team_sales.id), "cati")
        self.assertEqual((tile["attempts"], tile["completes"], tile["completes_per_hour"]),
                         (1, 0, None))

    def test_agent_channels_are_own(self):
        data = self._data(user=self.user_agent, period="today")
        # Agents may not read IVR sessions: no tile rather than an error.
        self.assertEqual([tile["key"] for tile in data["channels"]], ["wechat", "cati"])
        wechat = self._channel(data, "wechat")
        self.assertEqual((wechat["conversations"], wechat["avg_first_response"]), (2, 120.0))
        cati = self._channel(data, "cati")
        self.assertEqual((cati["attempts"], cati["completes"]), (2, 2))

    def test_one_module_missing(self):
        Dashboard = type(self.Dashboard)
        with patch.object(Dashboard, "_callcenter_bridge_available",
                          lambda self, model: model != IVR_MODEL):
            data = self._data(period="today")
        self.assertEqual([tile["key"] for tile in data["channels"]], ["wechat", "cati"])

    def test_missing_report_action(self):
        """A module without its report action still gives its tile, which opens nothing."""
        bridges = {**BRIDGES, "ivr": (IVR_MODEL, "callcenter_ivr.no_such_action")}
        with patch.dict(BRIDGES, bridges):
            tile = self._channel(self._data(period="today"), "ivr")
        self.assertEqual((tile["sessions"], tile["action"]), (3, False))
