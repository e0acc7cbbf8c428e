# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import new_test_user, tagged

from odoo.addons.callcenter_base.tests.test_ui import AGENT_GROUPS, BusHttpCase


@tagged("post_install", "-at_install", "callcenter")
class TestTicketUi(BusHttpCase):
    """"New ticket" from a screen pop that came through the bus."""

    def test_new_ticket_from_screen_pop(self):
        env = self._tour_pbx()
        user = new_test_user(env, "cc_hd_tour_agent", groups=AGENT_GROUPS,
                             name="Tour Agent", tz="Asia/Shanghai")
        agent = env["callcenter.agent"].create({
            "user_id": user.id, "pbx_id": self.pbx.id,
            "extension": "1001", "interface": "PJSIP/1001",
        })
        queue = env["callcenter.queue"].create({
            "name": "Tour Support", "asterisk_name": "support", "pbx_id": self.pbx.id,
            "member_ids": [(0, 0, {"agent_id": agent.id})],
        })
        team = env["helpdesk.ticket.team"].create({
            "name": "Tour Desk", "alias_name": "cc-tour-desk",
            "user_ids": [(6, 0, user.ids)], "callcenter_queue_ids": [(6, 0, queue.ids)],
        })
        partner = env["res.partner"].create({
            "name": "Zhao Lei", "mobile": "+86 136 6666 1234",
            "country_id": env.ref("base.cn").id,
        })
        env["helpdesk.ticket"].create({
            "name": "Printer jammed again", "description": "<p>Again.</p>",
            "partner_id": partner.id, "team_id": team.id,
        })
        self.start_tour("/odoo", "callcenter_helpdesk_screen_pop_ticket_tour",
                        login="cc_hd_tour_agent")
        call = self.env["callcenter.call"].search([("linkedid", "=", "tour.hd.1")])
        ticket = call.helpdesk_ticket_ids
        self.assertEqual(len(ticket), 1)
        self.assertEqual((ticket.name, ticket.partner_id, ticket.team_id),
                         ("Call from Zhao Lei", partner, team))
        self.assertEqual(ticket.callcenter_call_ids, call)
