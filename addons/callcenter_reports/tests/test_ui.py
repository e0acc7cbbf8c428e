# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import fields
from odoo.tests import HttpCase, new_test_user, tagged

AGENT_GROUPS = "base.group_user,callcenter_base.group_callcenter_agent"
LEAD_GROUPS = "base.group_user,callcenter_base.group_callcenter_supervisor"


@tagged("post_install", "-at_install", "callcenter")
class TestReportsUi(HttpCase):
    """The manager dashboard in a real browser, as a team lead."""

    def setUp(self):
        super().setUp()
        env = self.env(context=dict(self.env.context, tracking_disable=True,
                                    mail_create_nolog=True))
        pbx = env["callcenter.pbx"].create({"name": "Tour PBX", "default_region": "CN"})
        self.user_agent = new_test_user(env, "cc_tour_agent", groups=AGENT_GROUPS,
                                        name="Tour Agent", tz="Asia/Shanghai")
        self.user_lead = new_test_user(env, "cc_tour_lead", groups=LEAD_GROUPS,
                                       name="Tour Lead", tz="Asia/Shanghai")
        agent = env["callcenter.agent"].create({
            "user_id": self.user_agent.id, "pbx_id": pbx.id,
            "extension": "1001", "interface": "PJSIP/1001",
        })
        queue = env["callcenter.queue"].create({
            "name": "Tour Support", "asterisk_name": "tour_support", "pbx_id": pbx.id,
            "sl_threshold": 30, "sl_target": 80.0, "short_abandon_threshold": 5,
            "team_lead_ids": [(6, 0, self.user_lead.ids)],
            "member_ids": [(0, 0, {"agent_id": agent.id})],
        })
        now = fields.Datetime.now().replace(microsecond=0)

        def call(started, state, wait, talk=0):
            answered = state == "completed"
            stop = started + timedelta(seconds=wait)
            return {
                "pbx_id": pbx.id, "direction": "inbound", "state": state,
                "caller_number_raw": "13666661234", "callee_number_raw": "4001",
                "queue_id": queue.id, "agent_id": agent.id if answered else False,
                "started_at": started, "queue_entered_at": started,
                "answered_at": answered and stop,
                "ended_at": stop + timedelta(seconds=talk),
            }

        # Today two calls answered in time and one abandoned; yesterday one call.
        env["callcenter.call"].create([
            call(now - timedelta(seconds=5), "completed", 10, 60),
            call(now - timedelta(seconds=4), "completed", 12, 90),
            call(now - timedelta(seconds=3), "abandoned", 20),
            call(now - timedelta(days=1), "completed", 8, 30),
        ])

    def test_dashboard(self):
        self.start_tour("/odoo/callcenter-dashboard", "callcenter_reports_dashboard_tour",
                        login="cc_tour_lead")
