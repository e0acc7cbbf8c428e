# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from odoo.addons.callcenter_base.tests.common import AGENT_GROUPS, MANAGER_GROUPS

from .report_common import INTERVAL_A, ReportCommon, at

QUEUE_FACTS = "callcenter.report.queue.interval"
AGENT_FACTS = "callcenter.report.agent.interval"


@tagged("callcenter")
class TestReportSecurity(ReportCommon):
    """Agents see their own figures only; team leads those of the queues and teams they
    lead; managers everything of their companies."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Agent = cls.env["callcenter.agent"]
        # In the lead's team but in none of the lead's queues.
        cls.user_team_only = new_test_user(cls.env, "cc_agent_team", groups=AGENT_GROUPS,
                                           name="Agent Team Only")
        cls.agent_team_only = Agent.create({
            "user_id": cls.user_team_only.id, "pbx_id": cls.pbx.id, "extension": "1010",
            "team_id": cls.team_support.id,
        })
        # In a queue the lead leads, but in no team.
        cls.user_queue_only = new_test_user(cls.env, "cc_agent_queue", groups=AGENT_GROUPS,
                                            name="Agent Queue Only")
        cls.agent_queue_only = Agent.create({
            "user_id": cls.user_queue_only.id, "pbx_id": cls.pbx.id, "extension": "1011",
        })
        cls.queue_support.member_ids = [(0, 0, {"agent_id": cls.agent_queue_only.id})]
        # Another company: its own PBX, queue, agent, call and states.
        cls.company_2 = cls.env["res.company"].create({"name": "Call Center Shanghai"})
        cls.pbx_2 = cls.env["callcenter.pbx"].create({
            "name": "Shanghai PBX", "company_id": cls.company_2.id, "ami_host": "127.0.0.2",
            "ami_port": 5038, "ami_username": "odoo", "ami_secret": "s3cret", "default_region": "CN",
        })
        cls.user_agent_2 = new_test_user(cls.env, "cc_agent_2", groups=AGENT_GROUPS, name="Agent SH",
                                         company_id=cls.company_2.id,
                                         company_ids=[(6, 0, cls.company_2.ids)])
        cls.agent_2 = Agent.create({"user_id": cls.user_agent_2.id, "pbx_id": cls.pbx_2.id,
                                    "extension": "2001", "company_id": cls.company_2.id})
        cls.queue_2 = cls.env["callcenter.queue"].create({
            "name": "Shanghai Support", "asterisk_name": "sh_support", "pbx_id": cls.pbx_2.id,
            "company_id": cls.company_2.id, "team_lead_ids": [(6, 0, cls.user_lead.ids)],
        })
        cls.user_manager_2 = new_test_user(
            cls.env, "cc_manager_2", groups=MANAGER_GROUPS, name="Manager Both",
            company_id=cls.env.company.id, company_ids=[(6, 0, (cls.env.company | cls.company_2).ids)])
        cls.env["callcenter.call"].create({
            "pbx_id": cls.pbx_2.id, "company_id": cls.company_2.id, "direction": "inbound",
            "state": "completed", "caller_number_raw": "18999900901", "queue_id": cls.queue_2.id,
            "agent_id": cls.agent_2.id, "started_at": at(9, 2), "queue_entered_at": at(9, 2),
            "answered_at": at(9, 2, 10), "ended_at": at(9, 5),
        })
        cls.env["callcenter.agent.state.log"].create([
            {"agent_id": agent.id, "state": "available", "date_start": at(9, 0), "date_end": at(9, 10)}
            for agent in (cls.agent_team_only, cls.agent_queue_only, cls.agent_2)
        ])
        cls._refresh()
        cls.test_agents = (cls.agent | cls.agent_sales | cls.agent_lead | cls.agent_team_only
                           | cls.agent_queue_only | cls.agent_2)
        cls.test_queues = cls.queue_support | cls.queue_sales | cls.queue_2

    def _agents_seen(self, user, **context):
        Facts = self.env[AGENT_FACTS].with_user(user).with_context(**context)
        return Facts.search([("interval_start", "=", INTERVAL_A),
                             ("agent_id", "in", self.test_agents.ids)]).agent_id

    def _queues_seen(self, user, **context):
        Facts = self.env[QUEUE_FACTS].with_user(user).with_context(**context)
        return Facts.search([("interval_start", "=", INTERVAL_A),
                             "|", ("queue_id", "in", self.test_queues.ids), ("queue_id", "=", False)]
                            ).queue_id

    def test_agent_sees_own_figures_only(self):
        self.assertEqual(self._agents_seen(self.user_agent), self.agent)
        self.assertEqual(self._agents_seen(self.user_agent_2), self.agent_2)
        # The grouped figures follow the same rule.
        [(handled,)] = self.env[AGENT_FACTS].with_user(self.user_agent)._read_group(
            [("interval_start", "=", INTERVAL_A)], [], ["handled:sum"])
        self.assertEqual(handled, 2)

    def test_agent_has_no_queue_figures(self):
        with self.assertRaises(AccessError):
            self.env[QUEUE_FACTS].with_user(self.user_agent).search([])
        with self.assertRaises(AccessError):
            self.env[QUEUE_FACTS].with_user(self.user_agent)._read_group([], [], ["offered:sum"])

    def test_team_lead(self):
        """The lead's own figures, their queues' agents, their team's agents; not the
        sales agent (neither); queue figures of the queues they lead."""
        self.assertEqual(self._agents_seen(self.user_lead),
                         self.agent | self.agent_lead | self.agent_team_only | self.agent_queue_only)
        self.assertEqual(self._queues_seen(self.user_lead), self.queue_support)
        # The Shanghai queue is led too, but outside the companies the lead works in.
        self.assertNotIn(self.queue_2, self._queues_seen(self.user_lead))

    def test_manager_sees_everything_of_their_companies(self):
        self.assertEqual(self._agents_seen(self.user_manager), self.test_agents - self.agent_2)
        self.assertEqual(self._queues_seen(self.user_manager), self.queue_support | self.queue_sales)
        self.assertEqual(
            len(self.env[QUEUE_FACTS].with_user(self.user_manager).search(
                [("interval_start", "=", INTERVAL_A), ("queue_id", "=", False)])), 1,
            "calls without a queue are the manager's")

    def test_multi_company(self):
        both = (self.env.company | self.company_2).ids
        self.assertEqual(self._agents_seen(self.user_manager_2, allowed_company_ids=self.env.company.ids),
                         self.test_agents - self.agent_2)
        self.assertEqual(self._agents_seen(self.user_manager_2, allowed_company_ids=both),
                         self.test_agents)
        self.assertEqual(self._queues_seen(self.user_manager_2, allowed_company_ids=both),
                         self.test_queues)
        self.assertEqual(self._queues_seen(self.user_manager_2, allowed_company_ids=self.company_2.ids),
                         self.queue_2)

    def test_teams(self):
        """Every call center user reads the teams of their companies; only managers edit them."""
        Team = self.env["callcenter.team"]
        team_2 = Team.create({"name": "Shanghai Team", "company_id": self.company_2.id})
        teams = self.team_support | self.team_sales | team_2
        self.assertEqual(Team.with_user(self.user_agent).search([("id", "in", teams.ids)]),
                         self.team_support | self.team_sales)
        self.assertEqual(Team.with_user(self.user_agent_2).search([("id", "in", teams.ids)]), team_2)
        with self.assertRaises(AccessError):
            self.team_support.with_user(self.user_lead).name = "Renamed"
        with self.assertRaises(AccessError):
            Team.with_user(self.user_plain).search([])
        self.team_support.with_user(self.user_manager).name = "Support Day Team"
        self.assertEqual(self.team_support.agent_count, 3)
