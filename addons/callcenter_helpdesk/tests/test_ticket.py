# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import Form, tagged, users

from .common import HelpdeskCommon


@tagged("callcenter")
class TestTicketFromCall(HelpdeskCommon):
    """Tickets opened from a call: pre-filled, linked both ways, shown in the screen pop."""

    def test_new_ticket_action_prefills_from_the_call(self):
        call = self._create_call(queue=self.queue_support, agent=self.agent,
                                 partner_id=self.partner.id,
                                 summary="Router keeps rebooting\nSince the storm.")
        action = call.with_user(self.user_agent).action_new_helpdesk_ticket()
        self.assertEqual(action["res_model"], "helpdesk.ticket")
        form = Form(self.env["helpdesk.ticket"].with_user(self.user_agent)
                    .with_context(**action["context"]))
        self.assertEqual(form.partner_id, self.partner)
        self.assertEqual(form.team_id, self.team_support)
        self.assertEqual(form.name, "Router keeps rebooting")
        ticket = form.save()
        self.assertEqual(ticket.callcenter_call_ids, call)
        self.assertEqual(call.helpdesk_ticket_ids, ticket)
        self.assertEqual(ticket.channel_id,
                         self.env.ref("helpdesk_mgmt.helpdesk_ticket_channel_phone"))
        self.assertEqual(ticket.callcenter_call_count, 1)
        self.assertEqual(call.helpdesk_ticket_count, 1)

    @users("cc_agent")
    def test_agent_creates_ticket_from_call(self):
        call = self._create_call(queue=self.queue_support, agent=self.agent,
                                 partner_id=self.partner.id).with_env(self.env)
        ticket = call._callcenter_create_ticket()
        self.assertEqual(ticket.name, "Call from 赵磊")
        self.assertIn("Ticket opened from the call", ticket.description)
        self.assertEqual(ticket.team_id, self.team_support)
        self.assertEqual(ticket.partner_email, self.partner.email)
        # a second ticket about the same call, and a second call about the first ticket
        other = call._callcenter_create_ticket(name="Also the invoice")
        self.assertEqual(call.helpdesk_ticket_ids, ticket | other)
        call2 = self._create_call(queue=self.queue_support, agent=self.agent,
                                  partner_id=self.partner.id)
        ticket.callcenter_call_ids = [(4, call2.id)]
        self.assertEqual(len(ticket.callcenter_call_ids), 2)
        action = ticket.action_view_callcenter_calls()
        self.assertEqual(self.env["callcenter.call"].search(action["domain"]),
                         call | call2)

    def test_team_left_empty_when_agent_is_not_a_member(self):
        """helpdesk_mgmt's team rule would hide the ticket from its creator."""
        self.team_billing.callcenter_queue_ids = self.queue_sales
        call = self._create_call(queue=self.queue_sales, agent=self.agent,
                                 partner_id=self.partner.id)
        values = call.with_user(self.user_agent)._callcenter_ticket_values()
        self.assertFalse(values["team_id"])
        values = call.with_user(self.user_agent_sales)._callcenter_ticket_values()
        self.assertEqual(values["team_id"], self.team_billing.id)

    def test_call_without_contact(self):
        call = self._create_call(queue=self.queue_support, caller_name="Mr Wu",
                                 caller_number_raw="13900001111")
        values = call._callcenter_ticket_values()
        self.assertFalse(values["partner_id"])
        self.assertIn(call.customer_number, values["name"])

    def test_open_tickets_in_screen_pop(self):
        open_ticket = self._create_ticket()
        closed = self._create_ticket(name="Old one")
        closed.stage_id = self.stage_done
        other_partner = self.env["res.partner"].create({"name": "Other"})
        self._create_ticket(name="Not theirs", partner_id=other_partner.id)
        items = self.partner.with_user(self.user_agent)._callcenter_pop_open_items()
        tickets = [item for item in items if item["model"] == "helpdesk.ticket"]
        self.assertEqual([item["id"] for item in tickets], open_ticket.ids)
        self.assertEqual(tickets[0]["name"], open_ticket.display_name)
        call = self._create_call(queue=self.queue_support, agent=self.agent,
                                 partner_id=self.partner.id)
        payload = call.with_user(self.user_agent)._callcenter_pop_payload()
        self.assertIn(open_ticket.id, [i["id"] for i in payload["partners"][0]["open_items"]])

    def test_pop_hides_tickets_of_other_teams(self):
        self._create_ticket(team_id=self.team_billing.id)
        items = self.partner.with_user(self.user_agent)._callcenter_pop_open_items()
        self.assertFalse([item for item in items if item["model"] == "helpdesk.ticket"])

    def test_roles_get_helpdesk_groups(self):
        self.assertTrue(self.user_agent.has_group("helpdesk_mgmt.group_helpdesk_user_team"))
        self.assertFalse(self.user_agent.has_group("helpdesk_mgmt.group_helpdesk_user"))
        self.assertTrue(self.user_lead.has_group("helpdesk_mgmt.group_helpdesk_user"))
        self.assertFalse(self.user_lead.has_group("helpdesk_mgmt.group_helpdesk_manager"))
        self.assertTrue(self.user_manager.has_group("helpdesk_mgmt.group_helpdesk_manager"))
