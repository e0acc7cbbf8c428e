# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import datetime

from freezegun import freeze_time

from odoo.tests import tagged

from .common import HelpdeskCommon


@tagged("callcenter")
class TestTicketDeadline(HelpdeskCommon):
    """Deadlines from the team × category rules, overdue search, escalation once."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Deadline = cls.env["callcenter.helpdesk.deadline"]
        cls.rule_support = Deadline.create({"team_id": cls.team_support.id,
                                            "resolution_hours": 8})
        cls.rule_invoice = Deadline.create({"team_id": cls.team_support.id,
                                            "category_id": cls.category_invoice.id,
                                            "resolution_hours": 2})
        cls.calendar = cls.env["resource.calendar"].create({
            "name": "Billing hours", "tz": "UTC", "attendance_ids": [
                (0, 0, {"name": "Mon", "dayofweek": "0", "hour_from": 9, "hour_to": 17}),
                (0, 0, {"name": "Tue", "dayofweek": "1", "hour_from": 9, "hour_to": 17}),
            ],
        })
        cls.rule_billing = Deadline.create({"team_id": cls.team_billing.id,
                                            "resolution_hours": 4,
                                            "resource_calendar_id": cls.calendar.id})

    @freeze_time("2026-11-02 10:00:00")
    def test_deadline_from_rules(self):
        ticket = self._create_ticket()
        self.assertEqual(ticket.callcenter_deadline, datetime(2026, 11, 2, 18, 0))
        invoice = self._create_ticket(category_id=self.category_invoice.id)
        self.assertEqual(invoice.callcenter_deadline, datetime(2026, 11, 2, 12, 0))
        no_rule = self._create_ticket(team_id=False)
        self.assertFalse(no_rule.callcenter_deadline)

    def test_deadline_in_working_hours_and_on_hand_over(self):
        with freeze_time("2026-11-02 08:00:00"):  # a Monday
            ticket = self._create_ticket()
            ticket.flush_recordset()
        with freeze_time("2026-11-02 15:00:00"):
            ticket._callcenter_hand_over(self.team_billing, reason="Invoice")
            ticket.flush_recordset()
        # 2 working hours on Monday (15:00-17:00), 2 more on Tuesday from 09:00
        self.assertEqual(ticket.callcenter_deadline, datetime(2026, 11, 3, 11, 0))

    def test_overdue_and_escalation_once(self):
        with freeze_time("2026-11-02 10:00:00"):
            late = self._create_ticket(name="Late")
            done = self._create_ticket(name="Done")
            done.stage_id = self.stage_done
            (late | done).flush_recordset()
        with freeze_time("2026-11-02 19:00:00"):
            Ticket = self.env["helpdesk.ticket"]
            self.assertEqual(Ticket.search([("callcenter_overdue", "=", True),
                                            ("id", "in", (late | done).ids)]), late)
            self.assertTrue(late.callcenter_overdue)
            self.assertFalse(done.callcenter_overdue)
            self.assertIn(done, Ticket.search([("callcenter_overdue", "=", False)]))
            escalated = Ticket._callcenter_escalate_overdue()
            self.assertIn(late, escalated)
            self.assertNotIn(done, escalated)
            self.assertTrue(late.callcenter_escalated)
            activity = late.activity_ids
            self.assertEqual(activity.user_id, self.user_lead)
            self.assertIn("deadline", late.message_ids[:1].body)
            # only once
            self.assertNotIn(late, Ticket._callcenter_escalate_overdue())
            self.assertEqual(len(late.activity_ids), 1)

    def test_hand_over_restarts_the_clock(self):
        with freeze_time("2026-11-02 10:00:00"):
            ticket = self._create_ticket()
            ticket.flush_recordset()
        with freeze_time("2026-11-02 19:00:00"):
            self.env["helpdesk.ticket"]._callcenter_escalate_overdue()
            self.assertTrue(ticket.callcenter_escalated)
            ticket._callcenter_hand_over(self.team_billing, reason="Invoice")
            ticket.flush_recordset()
            self.assertFalse(ticket.callcenter_escalated)
            self.assertFalse(ticket.callcenter_overdue)
