# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.addons.callcenter_base.tests.common import CallcenterCommon


class HelpdeskCommon(CallcenterCommon):
    """Two helpdesk teams, support (led by the call-center team lead, fed by the Support
    queue) and billing; the support agent is a member of the support team."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Team = cls.env["helpdesk.ticket.team"]
        cls.team_support = Team.create({
            "name": "Support Desk", "alias_name": "cc-test-support",
            "user_id": cls.user_lead.id,
            "user_ids": [(6, 0, (cls.user_agent | cls.user_lead).ids)],
            "callcenter_queue_ids": [(6, 0, cls.queue_support.ids)],
        })
        cls.team_billing = Team.create({
            "name": "Billing Desk", "alias_name": "cc-test-billing",
            "user_ids": [(6, 0, cls.user_agent_sales.ids)],
        })
        cls.category_invoice = cls.env["helpdesk.ticket.category"].create({"name": "Invoices"})
        cls.stage_done = cls.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_done")

    @classmethod
    def _create_ticket(cls, **values):
        return cls.env["helpdesk.ticket"].create({
            "name": "Router keeps rebooting", "description": "<p>Since Monday.</p>",
            "partner_id": cls.partner.id, "team_id": cls.team_support.id, **values,
        })
