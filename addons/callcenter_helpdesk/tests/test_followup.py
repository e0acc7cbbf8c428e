# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import datetime, timedelta
from unittest.mock import patch

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from odoo.addons.callcenter_base.tests.common import CallcenterCommon


class FollowupCommon(CallcenterCommon):
    """A helpdesk team whose closed tickets are followed up by the support queue."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        helpdesk = "helpdesk_mgmt.group_helpdesk_user"
        for user in (cls.user_agent, cls.user_agent_sales, cls.user_lead):
            user.groups_id = [(4, cls.env.ref(helpdesk).id)]
        cls.stage_new = cls.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_new")
        cls.stage_progress = cls.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_in_progress")
        cls.stage_done = cls.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_done")
        cls.stage_cancelled = cls.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_cancelled")
        cls.team = cls.env["helpdesk.ticket.team"].create({"name": "Support Team"})
        cls.team_other = cls.env["helpdesk.ticket.team"].create({"name": "Other Team"})
        cls.rule = cls.env["callcenter.helpdesk.followup.rule"].create({
            "name": "Support follow-up", "team_id": cls.team.id, "delay_hours": 24,
            "assign_to": "queue", "queue_id": cls.queue_support.id, "max_attempts": 2,
        })

    def _ticket(self, team=None, **values):
        return self.env["helpdesk.ticket"].create({
            "name": "Broken router", "description": "It blinks red.",
            "partner_id": self.partner.id, "team_id": (team or self.team).id,
            "stage_id": self.stage_new.id, **values,
        })

    def _close(self, ticket, stage=None):
        ticket.stage_id = stage or self.stage_done
        return ticket.followup_ids


@tagged("post_install", "-at_install")
class TestFollowupScheduling(FollowupCommon):

    def test_close_schedules_followup(self):
        ticket = self._ticket()
        now = datetime(2026, 11, 20, 10, 0, 0)
        with patch("odoo.fields.Datetime.now", return_value=now):
            followup = self._close(ticket)
        self.assertEqual(len(followup), 1)
        self.assertEqual(followup.state, "scheduled")
        self.assertEqual(followup.queue_id, self.queue_support)
        self.assertFalse(followup.user_id)
        self.assertEqual(followup.partner_id, self.partner)
        self.assertEqual(followup.phone, self.partner.mobile)
        self.assertEqual(followup.scheduled_at, ticket.closed_date + timedelta(hours=24))
        self.assertEqual(followup.rule_id, self.rule)
        self.assertEqual(followup.max_attempts, 2)
        self.assertEqual(ticket.followup_state, "scheduled")

    def test_due(self):
        followup = self._close(self._ticket())
        Followup = self.env["callcenter.helpdesk.followup"]
        self.assertFalse(followup.is_due)
        self.assertNotIn(followup, Followup.search([("is_due", "=", True)]))
        followup.scheduled_at = fields.Datetime.now() - timedelta(minutes=1)
        self.assertTrue(followup.is_due)
        self.assertIn(followup, Followup.search([("is_due", "=", True)]))
        self.assertNotIn(followup, Followup.search([("is_due", "=", False)]))

    def test_no_rule_no_followup(self):
        ticket = self._ticket(team=self.team_other)
        self.assertFalse(self._close(ticket))
        self.assertEqual(ticket.followup_state, "none")

    def test_most_specific_rule_wins(self):
        category = self.env["helpdesk.ticket.category"].create({"name": "Billing"})
        specific = self.env["callcenter.helpdesk.followup.rule"].create({
            "name": "Billing", "team_id": self.team.id, "category_id": category.id,
            "delay_hours": 2, "assign_to": "agent", "user_id": self.user_agent_sales.id,
        })
        followup = self._close(self._ticket(category_id=category.id))
        self.assertEqual(followup.rule_id, specific)
        self.assertEqual(followup.user_id, self.user_agent_sales)
        self.assertFalse(followup.queue_id)
        self.assertEqual(self._close(self._ticket()).rule_id, self.rule)

    def test_rule_limited_to_closing_stages(self):
        self.rule.stage_ids = self.stage_done
        self.assertFalse(self._close(self._ticket(), stage=self.stage_cancelled))
        self.assertTrue(self._close(self._ticket(), stage=self.stage_done))

    def test_no_duplicate_when_closed_again(self):
        """Moving from a closed stage to another closed stage is no new closing."""
        ticket = self._ticket()
        self._close(ticket)
        ticket.stage_id = self.stage_cancelled
        ticket.stage_id = self.stage_done
        self.assertEqual(len(ticket.followup_ids), 1)

    def test_reopen_cancels_and_reclose_schedules_again(self):
        ticket = self._ticket()
        first = self._close(ticket)
        ticket.stage_id = self.stage_progress
        self.assertEqual(first.state, "cancelled")
        self.assertEqual(ticket.followup_state, "cancelled")
        self._close(ticket)
        self.assertEqual(len(ticket.followup_ids), 2)
        self.assertEqual((ticket.followup_ids - first).state, "scheduled")

    def test_done_followup_kept_on_reopen(self):
        ticket = self._ticket()
        followup = self._close(ticket)
        followup.write({"satisfaction": "5", "resolved": "yes"})
        followup.action_done()
        ticket.stage_id = self.stage_progress
        self.assertEqual(followup.state, "done")
        self._close(ticket)
        self.assertEqual(len(ticket.followup_ids), 2)

    def test_number_from_linked_call(self):
        partner = self.env["res.partner"].create({"name": "No phone"})
        ticket = self._ticket(partner_id=partner.id)
        call = self._create_call(queue=self.queue_support, caller_number_raw="13900001111")
        if "callcenter_call_ids" in ticket._fields:
            ticket.callcenter_call_ids = [(4, call.id)]
        else:
            call.write({"res_model": "helpdesk.ticket", "res_id": ticket.id})
        followup = self._close(ticket)
        self.assertEqual(followup.phone, call.customer_number)

    def test_closing_by_plain_helpdesk_user(self):
        """Whoever closes the ticket schedules the follow-up, even without call center rights."""
        user = new_test_user(self.env, "hd_only", groups="helpdesk_mgmt.group_helpdesk_user")
        ticket = self._ticket()
        ticket.with_user(user).stage_id = self.stage_done
        self.assertEqual(len(ticket.followup_ids), 1)


@tagged("post_install", "-at_install")
class TestFollowupAnswers(FollowupCommon):

    def test_answers_stored_on_ticket_and_chatter(self):
        ticket = self._ticket()
        followup = self._close(ticket).with_user(self.user_agent)
        with self.assertRaises(UserError):
            followup.action_done()  # questionnaire not answered
        followup.write({"satisfaction": "2", "resolved": "no", "comment": "Still blinking"})
        followup.action_done()
        self.assertEqual(followup.state, "done")
        self.assertEqual(followup.outcome, "reached")
        self.assertEqual(followup.answered_by, "agent")
        self.assertEqual(followup.done_user_id, self.user_agent)
        self.assertEqual(followup.attempt_count, 1)
        self.assertEqual(ticket.satisfaction, "2")
        self.assertEqual(ticket.satisfaction_resolved, "no")
        self.assertEqual(ticket.followup_state, "reached")
        self.assertIn("Still blinking", ticket.message_ids[0].body)
        with self.assertRaises(UserError):
            followup.action_done()

    def test_unreachable_after_max_attempts(self):
        ticket = self._ticket()
        followup = self._close(ticket).with_user(self.user_agent)
        first_schedule = followup.scheduled_at
        followup.action_no_answer()
        self.assertEqual(followup.state, "scheduled")
        self.assertEqual(followup.attempt_count, 1)
        self.assertNotEqual(followup.scheduled_at, first_schedule)
        followup.action_no_answer()
        self.assertEqual(followup.state, "done")
        self.assertEqual(followup.outcome, "unreachable")
        self.assertEqual(ticket.followup_state, "unreachable")
        self.assertFalse(ticket.satisfaction)
        self.assertIn("2 attempts", ticket.message_ids[0].body)

    def test_refused(self):
        ticket = self._ticket()
        self._close(ticket).with_user(self.user_agent).action_refused()
        self.assertEqual(ticket.followup_state, "refused")

    def test_state_transitions_guarded(self):
        followup = self._close(self._ticket())
        followup.action_refused()
        with self.assertRaises(UserError):
            followup.state = "scheduled"

    def test_dial_links_the_call(self):
        commands = []
        with patch.object(type(self.env["callcenter.pbx"]), "_callcenter_command",
                          lambda pbx, action, **params: commands.append((action, params))):
            followup = self._close(self._ticket()).with_user(self.user_agent)
            action = followup.action_callcenter_dial()
        self.assertEqual(action["tag"], "display_notification")
        self.assertEqual(commands[0][0], "originate")
        self.assertEqual(followup.call_count, 1)
        self.assertEqual(followup.user_id, self.user_agent, "the agent who calls takes the follow-up")

    def test_latest_satisfaction_wins(self):
        ticket = self._ticket()
        first = self._close(ticket)
        first.write({"satisfaction": "1", "resolved": "no"})
        first.action_done()
        ticket.stage_id = self.stage_progress
        second = self._close(ticket) - first
        second.write({"satisfaction": "5", "resolved": "yes"})
        second.action_done()
        self.assertEqual(ticket.satisfaction, "5")

    def test_ivr_rating_on_ticket(self):
        ticket = self._ticket()
        if "callcenter.ivr.session" not in self.env:
            self.assertFalse(ticket.callcenter_ivr_installed)
            self.assertEqual(ticket.callcenter_ivr_rating, 0.0)
            return
        self.assertTrue(ticket.callcenter_ivr_installed)
        self.assertEqual(ticket.callcenter_ivr_rating, 0.0)
        calls = self._create_call(queue=self.queue_support) | self._create_call(
            queue=self.queue_support, linkedid="ivr-rated-2")
        ticket.callcenter_call_ids = calls
        flow = self.env["callcenter.ivr"].create({
            "name": "Satisfaction", "pbx_id": self.pbx.id,
            "fallback_queue_id": self.queue_support.id,
        })
        Session = self.env["callcenter.ivr.session"]
        for call, rating in zip(calls, (4, 5)):
            Session.create({"pbx_id": self.pbx.id, "linkedid": call.linkedid or f"l{call.id}",
                            "ivr_id": flow.id, "call_id": call.id, "rating": rating})
        ticket.invalidate_recordset(["callcenter_ivr_rating"])
        self.assertEqual(ticket.callcenter_ivr_rating, 4.5)


@tagged("post_install", "-at_install")
class TestFollowupAccess(FollowupCommon):

    def test_agents_see_their_queues_and_own(self):
        queue_followup = self._close(self._ticket())
        own_rule = self.env["callcenter.helpdesk.followup.rule"].create({
            "name": "Other team", "team_id": self.team_other.id,
            "assign_to": "agent", "user_id": self.user_agent_sales.id,
        })
        own_followup = self._close(self._ticket(team=self.team_other))
        self.assertEqual(own_followup.rule_id, own_rule)
        Followup = self.env["callcenter.helpdesk.followup"]
        support = Followup.with_user(self.user_agent).search([])
        sales = Followup.with_user(self.user_agent_sales).search([])
        self.assertIn(queue_followup, support)
        self.assertNotIn(own_followup, support)
        self.assertIn(own_followup, sales)
        self.assertNotIn(queue_followup, sales)
        with self.assertRaises(AccessError):
            queue_followup.with_user(self.user_agent_sales).write({"comment": "x"})
        with self.assertRaises(AccessError):
            queue_followup.with_user(self.user_agent).unlink()
        # the team lead sees their queue's follow-ups; the manager all of them
        lead = Followup.with_user(self.user_lead).search([])
        self.assertIn(queue_followup, lead)
        self.assertNotIn(own_followup, lead)
        self.assertIn(own_followup, Followup.with_user(self.user_manager).search([]))

    def test_multi_company(self):
        followup = self._close(self._ticket())
        other = self.env["res.company"].create({"name": "Other Co"})
        self.user_manager.write({"company_ids": [(4, other.id)], "company_id": other.id})
        visible = self.env["callcenter.helpdesk.followup"].with_user(self.user_manager).with_context(
            allowed_company_ids=[other.id]).search([])
        self.assertNotIn(followup, visible)


@tagged("post_install", "-at_install")
class TestFollowupPortalApi(FollowupCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user_portal = new_test_user(cls.env, "fu_portal", groups="base.group_portal",
                                        partner_id=cls.partner.id)
        cls.other_partner = cls.env["res.partner"].create({"name": "孙丽", "mobile": "+86 139 0000 2222"})
        cls.user_portal_other = new_test_user(cls.env, "fu_portal2", groups="base.group_portal",
                                              partner_id=cls.other_partner.id)

    def test_domain_is_the_commercial_entity(self):
        company = self.env["res.partner"].create({"name": "ACME", "is_company": True})
        self.partner.parent_id = company
        colleague = self.env["res.partner"].create({"name": "Colleague", "parent_id": company.id})
        mine = self._close(self._ticket())
        colleague_followup = self._close(self._ticket(partner_id=colleague.id))
        other = self._close(self._ticket(partner_id=self.other_partner.id))
        Followup = self.env["callcenter.helpdesk.followup"]
        found = Followup.search(Followup._callcenter_portal_domain(self.partner))
        self.assertIn(mine, found)
        self.assertIn(colleague_followup, found)
        self.assertNotIn(other, found)
        no_questionnaire = self._close(self._ticket())
        no_questionnaire.questionnaire = False
        self.assertNotIn(no_questionnaire, Followup.search(Followup._callcenter_portal_domain(self.partner)))

    def test_portal_answer(self):
        ticket = self._ticket()
        followup = self._close(ticket)
        self.assertTrue(followup._callcenter_portal_can_answer())
        as_portal = followup.with_user(self.user_portal)
        with self.assertRaises(UserError):
            as_portal._callcenter_portal_answer({"satisfaction": 9, "resolved": "yes"})
        with self.assertRaises(UserError):
            as_portal._callcenter_portal_answer({"satisfaction": 4})
        as_portal._callcenter_portal_answer({"satisfaction": 4, "resolved": True, "comment": " Merci "})
        self.assertEqual(followup.state, "done")
        self.assertEqual(followup.answered_by, "portal")
        self.assertEqual(followup.comment, "Merci")
        self.assertEqual(ticket.satisfaction, "4")
        self.assertEqual(ticket.satisfaction_resolved, "yes")
        self.assertFalse(followup._callcenter_portal_can_answer())
        with self.assertRaises(UserError):
            as_portal._callcenter_portal_answer({"satisfaction": 5, "resolved": "yes"})

    def test_portal_answer_other_customer_refused(self):
        followup = self._close(self._ticket())
        with self.assertRaises(AccessError):
            followup.with_user(self.user_portal_other)._callcenter_portal_answer(
                {"satisfaction": 1, "resolved": "no"})
        self.assertEqual(followup.state, "scheduled")
