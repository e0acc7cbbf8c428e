# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import datetime

from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import HelpdeskCommon

RAW_MAIL = """Return-Path: <zhao.lei.h1test@example.net>
To: cc-test-support@{domain}
From: "Zhao Lei" <zhao.lei.h1test@example.net>
Subject: My router keeps rebooting
Message-ID: <cc-test-1@example.com>
Date: Mon, 02 Nov 2026 09:30:00 +0000
MIME-Version: 1.0
Content-Type: text/plain; charset="utf-8"

It rebooted three times today.
"""


@tagged("callcenter")
class TestContactHistory(HelpdeskCommon):
    """Mail to a team alias becomes the contact's ticket; the contact's history lists
    calls and tickets, newest first, only those the user may see."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.partner.email = "zhao.lei.h1test@example.net"
        cls.env["ir.config_parameter"].sudo().set_param("mail.catchall.domain",
                                                        "example.org")
        cls.env.company.alias_domain_id = cls.env["mail.alias.domain"].create(
            {"name": "example.org"})
        cls.team_support.alias_id.alias_domain_id = cls.env.company.alias_domain_id

    def _mail_ticket(self):
        raw = RAW_MAIL.format(domain=self.team_support.alias_id.alias_domain_id.name)
        ticket_id = self.env["mail.thread"].message_process(None, raw)
        return self.env["helpdesk.ticket"].browse(ticket_id)

    def test_mail_to_alias_links_the_contact(self):
        ticket = self._mail_ticket()
        self.assertTrue(ticket)
        self.assertEqual(ticket.team_id, self.team_support)
        self.assertEqual(ticket.partner_id, self.partner)
        self.assertEqual(ticket.partner_email, "zhao.lei.h1test@example.net")
        self.assertEqual(ticket.name, "My router keeps rebooting")
        self.assertEqual(ticket.channel_id,
                         self.env.ref("helpdesk_mgmt.helpdesk_ticket_channel_email"))

    def test_history_lists_calls_and_tickets_newest_first(self):
        call_old = self._create_call(queue=self.queue_support, agent=self.agent,
                                     partner_id=self.partner.id,
                                     started_at=datetime(2026, 11, 1, 9, 0))
        call_new = self._create_call(queue=self.queue_support, agent=self.agent,
                                     partner_id=self.partner.id,
                                     started_at=datetime(2030, 1, 1, 9, 0),
                                     summary="Asked about the invoice")
        ticket = self._mail_ticket()
        hidden = self._create_ticket(team_id=self.team_billing.id, name="Billing only")
        History = self.env["callcenter.contact.history"]
        rows = History.search([("partner_id", "=", self.partner.id)])
        self.assertEqual(rows.mapped("kind"), ["call", "ticket", "ticket", "call"])
        self.assertEqual(rows[0].call_id, call_new)
        self.assertEqual(rows[0].name, "Asked about the invoice")
        self.assertEqual(rows[-1].call_id, call_old)
        self.assertIn(ticket, rows.ticket_id)
        self.assertEqual(rows.filtered(lambda r: r.ticket_id == ticket).channel_id.name,
                         "Email")
        # the agent of the support team does not see the billing ticket in the history
        agent_rows = History.with_user(self.user_agent).search(
            [("partner_id", "=", self.partner.id)])
        self.assertNotIn(hidden, agent_rows.ticket_id)
        self.assertIn(ticket, agent_rows.ticket_id)
        self.assertEqual(agent_rows.call_id, call_old | call_new)
        self.assertEqual(self.partner.with_user(self.user_agent).callcenter_history_count,
                         len(agent_rows))
        action = self.partner.action_view_callcenter_history()
        self.assertEqual(History.search(action["domain"]), rows)
        opened = rows[0].action_open_record()
        self.assertEqual((opened["res_model"], opened["res_id"]),
                         ("callcenter.call", call_new.id))

    def test_history_row_read_by_id_needs_its_source(self):
        self._create_ticket(team_id=self.team_billing.id, name="Billing only",
                            partner_id=self.partner.id)
        History = self.env["callcenter.contact.history"]
        hidden = History.search([("ticket_id.name", "=", "Billing only")])
        self.assertTrue(hidden)
        with self.assertRaises(AccessError):
            History.with_user(self.user_agent).browse(hidden.ids).read(["name"])
