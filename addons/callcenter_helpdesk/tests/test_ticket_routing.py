# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged
from odoo.tools import mute_logger

from .common import HelpdeskCommon


@tagged("callcenter")
class TestTicketRouting(HelpdeskCommon):
    """Hand-overs between teams (工单流转): wizard, history, chatter, access."""

    def _hand_over(self, ticket, user, team, to_user=None, reason="Billing question"):
        action = ticket.with_user(user).action_callcenter_hand_over()
        form = Form(self.env[action["res_model"]].with_user(user)
                    .with_context(**action["context"]))
        form.team_id = team
        if to_user:
            form.user_id = to_user
        form.reason = reason
        return form.save().action_confirm()

    def test_hand_over_keeps_history(self):
        ticket = self._create_ticket(user_id=self.user_agent.id)
        result = self._hand_over(ticket, self.user_agent, self.team_billing,
                                 self.user_agent_sales, "It is about an invoice")
        self.assertEqual((ticket.team_id, ticket.user_id),
                         (self.team_billing, self.user_agent_sales))
        transfer = ticket.callcenter_transfer_ids
        self.assertEqual(len(transfer), 1)
        self.assertRecordValues(transfer, [{
            "from_team_id": self.team_support.id, "to_team_id": self.team_billing.id,
            "from_user_id": self.user_agent.id, "to_user_id": self.user_agent_sales.id,
            "reason": "It is about an invoice", "user_id": self.user_agent.id,
        }])
        self.assertTrue(transfer.date)
        message = ticket.message_ids[:1]
        self.assertIn("It is about an invoice", message.body)
        self.assertIn("Billing Desk", message.body)
        self.assertEqual(message.author_id, self.user_agent.partner_id)
        # the agent no longer sees the ticket: the wizard goes back to the ticket list
        self.assertEqual(result["res_model"], "helpdesk.ticket")
        with self.assertRaises(AccessError):
            ticket.with_user(self.user_agent).check_access("read")
        # the new team sees the ticket and its history, and hands it back
        self._hand_over(ticket, self.user_agent_sales, self.team_support, reason="Not billing")
        self.assertEqual(ticket.team_id, self.team_support)
        self.assertFalse(ticket.user_id)
        history = ticket.with_user(self.user_agent).callcenter_transfer_ids
        self.assertEqual(history.mapped("reason"), ["Not billing", "It is about an invoice"])

    def test_reason_is_required(self):
        ticket = self._create_ticket()
        with self.assertRaises(UserError):
            ticket._callcenter_hand_over(self.team_billing, reason="  ")
        with self.assertRaises(UserError):
            ticket._callcenter_hand_over(self.team_support, reason="same team")
        with self.assertRaises(UserError):
            ticket._callcenter_hand_over(self.team_billing, self.user_agent, reason="not member")
        self.assertFalse(ticket.callcenter_transfer_ids)

    @mute_logger("odoo.addons.base.models.ir_rule")
    def test_cannot_hand_over_unseen_ticket(self):
        ticket = self._create_ticket(team_id=self.team_billing.id)
        with self.assertRaises(AccessError):
            ticket.with_user(self.user_agent)._callcenter_hand_over(
                self.team_support, reason="Mine now")
        self.assertEqual(ticket.team_id, self.team_billing)

    def test_history_is_read_only_for_agents(self):
        ticket = self._create_ticket()
        transfer = ticket._callcenter_hand_over(self.team_billing, reason="Invoice")
        with self.assertRaises(AccessError), mute_logger("odoo.models"):
            transfer.with_user(self.user_agent_sales).write({"reason": "Changed"})
        self.assertEqual(transfer.with_user(self.user_agent_sales).reason, "Invoice")
        self.assertEqual(transfer.with_user(self.user_lead).reason, "Invoice")
