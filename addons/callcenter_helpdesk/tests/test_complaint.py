# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import TransactionCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestComplaint(TransactionCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.category = cls.env.ref("callcenter_helpdesk.helpdesk_ticket_category_complaint")
        cls.category_other = cls.env["helpdesk.ticket.category"].create({"name": "Question"})
        cls.team = cls.env["helpdesk.ticket.team"].create({"name": "Complaints Desk"})
        cls.user = new_test_user(cls.env, "cp_user", groups="helpdesk_mgmt.group_helpdesk_user",
                                 name="Handler")
        cls.stage_new = cls.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_new")
        cls.stage_progress = cls.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_in_progress")
        cls.stage_done = cls.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_done")

    def _complaint(self, **values):
        return self.env["helpdesk.ticket"].create({
            "name": "Rude agent", "description": "Complaint", "category_id": self.category.id,
            "stage_id": self.stage_new.id, **values,
        })

    def test_category_flag(self):
        self.assertTrue(self.category.complaint)
        ticket = self._complaint()
        self.assertTrue(ticket.is_complaint)
        self.assertEqual(ticket.complaint_step, "intake")
        self.assertTrue(ticket.complaint_intake_at)
        self.assertEqual(ticket.complaint_intake_user_id, self.env.user)
        question = self._complaint(category_id=self.category_other.id)
        self.assertFalse(question.is_complaint)
        self.assertFalse(question.complaint_step)
        with self.assertRaises(UserError):
            question.action_complaint_dispatch()
        question.category_id = self.category
        self.assertEqual(question.complaint_step, "intake")

    def test_steps_and_rules(self):
        ticket = self._complaint()
        ticket.write({"team_id": False, "user_id": False})
        with self.assertRaises(UserError):
            ticket.action_complaint_dispatch()  # no team, no handler
        ticket.team_id = self.team
        with self.assertRaises(UserError):
            ticket.action_complaint_dispatch()  # no handler
        with self.assertRaises(UserError):
            ticket.action_complaint_handle()  # wrong step
        ticket.write({"team_id": self.team.id, "user_id": self.user.id})
        ticket.action_complaint_dispatch()
        self.assertEqual(ticket.complaint_step, "dispatch")
        self.assertTrue(ticket.complaint_dispatch_at)
        self.assertEqual(ticket.complaint_dispatch_user_id, self.env.user)
        ticket.with_user(self.user).action_complaint_handle()
        self.assertEqual(ticket.complaint_step, "handling")
        self.assertEqual(ticket.complaint_handling_user_id, self.user)
        with self.assertRaises(UserError):
            ticket.stage_id = self.stage_done  # closed before the reply
        with self.assertRaises(UserError):
            ticket.action_complaint_reply()  # no reply text
        ticket.complaint_reply = "We apologise; the agent was coached."
        ticket.with_user(self.user).action_complaint_reply()
        self.assertEqual(ticket.complaint_step, "reply")
        self.assertEqual(ticket.complaint_reply_user_id, self.user)
        self.assertIn("coached", ticket.message_ids[0].body)
        ticket.action_complaint_close()
        self.assertTrue(ticket.stage_id.closed)
        self.assertEqual(ticket.complaint_step, "closed")
        ticket.stage_id = self.stage_progress
        self.assertEqual(ticket.complaint_step, "handling", "a reopened complaint needs a new reply")
        self.assertFalse(ticket.complaint_reply_at)

    def test_customer_may_withdraw(self):
        """The portal's "close ticket" (helpdesk_mgmt) works at any step for the customer."""
        partner = self.env["res.partner"].create({"name": "Customer"})
        portal = new_test_user(self.env, "cp_portal", groups="base.group_portal", partner_id=partner.id)
        ticket = self._complaint(partner_id=partner.id)
        ticket.with_user(portal).sudo().stage_id = self.stage_done
        self.assertEqual(ticket.complaint_step, "closed")

    def test_open_complaints_by_age(self):
        now = fields.Datetime.now()
        ages = {"fresh": 0.25, "two": 2, "five": 5, "ten": 10}
        tickets = {key: self._complaint(name=key) for key in ages}
        closed = self._complaint(name="closed", complaint_reply="Done", team_id=self.team.id,
                                 user_id=self.user.id)
        closed.action_complaint_dispatch()
        closed.action_complaint_handle()
        closed.action_complaint_reply()
        closed.action_complaint_close()
        other = self._complaint(name="question", category_id=self.category_other.id)
        self.env.flush_all()
        for key, days in ages.items():
            self.env.cr.execute(
                "UPDATE helpdesk_ticket SET create_date = %s WHERE id = %s",
                (now - timedelta(days=days), tickets[key].id))
        self.env.invalidate_all()
        Report = self.env["callcenter.helpdesk.complaint.report"]
        rows = Report.search([("ticket_id", "in", [t.id for t in tickets.values()] + [closed.id, other.id])])
        by_ticket = {row.ticket_id.name: row for row in rows}
        self.assertEqual(set(by_ticket), set(ages), "closed complaints and other tickets are left out")
        self.assertEqual(by_ticket["fresh"].age_bucket, "0_1")
        self.assertEqual(by_ticket["two"].age_bucket, "1_3")
        self.assertEqual(by_ticket["five"].age_bucket, "3_7")
        self.assertEqual(by_ticket["ten"].age_bucket, "7_plus")
        self.assertAlmostEqual(by_ticket["ten"].age_days, 10, delta=0.1)
        self.assertEqual(by_ticket["two"].complaint_step, "intake")
        groups = Report._read_group([("id", "in", rows.ids)], ["age_bucket"], ["complaint_count:sum"])
        self.assertEqual(dict(groups), {"0_1": 1, "1_3": 1, "3_7": 1, "7_plus": 1})
