# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class CallcenterHelpdeskFollowupRule(models.Model):
    """When a ticket of a team (and optionally a category) is closed, schedule a
    follow-up call after `delay_hours` for a queue or an agent.

    The most specific active rule wins: team and category, then team only, then
    category only, then a catch-all; ties are broken by sequence.
    """

    _name = "callcenter.helpdesk.followup.rule"
    _description = "Ticket Follow-up Rule"
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company)
    team_id = fields.Many2one(
        "helpdesk.ticket.team", index=True, check_company=True,
        help="Tickets of this team; empty for every team.")
    category_id = fields.Many2one(
        "helpdesk.ticket.category", index=True, check_company=True,
        help="Only tickets of this category; empty for every category.")
    stage_ids = fields.Many2many(
        "helpdesk.ticket.stage", string="Closing Stages", domain=[("closed", "=", True)],
        help="Only tickets closed in one of these stages (e.g. Done, not Cancelled); empty "
             "for any closed stage.")
    delay_hours = fields.Float(
        string="Delay (hours)", default=24.0, required=True,
        help="The follow-up is due this many hours after the ticket is closed.")
    assign_to = fields.Selection(
        [("queue", "A queue"), ("agent", "An agent")], default="queue", required=True)
    queue_id = fields.Many2one("callcenter.queue", check_company=True)
    user_id = fields.Many2one("res.users", string="Agent")
    questionnaire = fields.Boolean(
        default=True, help="Ask the short satisfaction questionnaire (also on the portal).")
    max_attempts = fields.Integer(
        default=3, required=True,
        help="After this many calls without an answer the follow-up is closed as unreachable.")

    _sql_constraints = [
        ("delay_positive", "CHECK(delay_hours >= 0)", "The delay cannot be negative."),
        ("max_attempts_positive", "CHECK(max_attempts > 0)", "At least one attempt is needed."),
    ]

    @api.constrains("assign_to", "queue_id", "user_id")
    def _check_assignee(self):
        for rule in self:
            if rule.assign_to == "queue" and not rule.queue_id:
                raise ValidationError(_("Rule %(rule)s: choose the queue that calls.", rule=rule.name))
            if rule.assign_to == "agent" and not rule.user_id:
                raise ValidationError(_("Rule %(rule)s: choose the agent who calls.", rule=rule.name))

    # ------------------------------------------------------------
    # BUSINESS
    # ------------------------------------------------------------

    @api.model
    def _callcenter_match(self, ticket):
        """The rule that applies to `ticket`, or an empty recordset."""
        rules = self.search([
            ("company_id", "=", ticket.company_id.id),
            ("team_id", "in", [ticket.team_id.id, False]),
            ("category_id", "in", [ticket.category_id.id, False]),
        ])
        rules = rules.filtered(lambda r: not r.stage_ids or ticket.stage_id in r.stage_ids)
        if not rules:
            return self
        return rules.sorted(lambda r: (not r.team_id, not r.category_id, r.sequence, r.id))[0]

    def _callcenter_followup_values(self, ticket):
        self.ensure_one()
        closed_at = ticket.closed_date or fields.Datetime.now()
        return {
            "ticket_id": ticket.id,
            "company_id": ticket.company_id.id,
            "rule_id": self.id,
            "partner_id": ticket.partner_id.id,
            "phone": self._callcenter_followup_number(ticket),
            "queue_id": self.queue_id.id if self.assign_to == "queue" else False,
            "user_id": self.user_id.id if self.assign_to == "agent" else False,
            "scheduled_at": closed_at + timedelta(hours=self.delay_hours),
            "questionnaire": self.questionnaire,
            "max_attempts": self.max_attempts,
        }

    @api.model
    def _callcenter_followup_number(self, ticket):
        """The number to call back: the contact's mobile or phone, else the number of
        the ticket's latest call (when tickets are linked to calls)."""
        partner = ticket.partner_id
        if partner.mobile or partner.phone:
            return partner.mobile or partner.phone
        calls = ticket._callcenter_followup_calls()
        numbers = calls.sorted("started_at", reverse=True).mapped("customer_number")
        return next((n for n in numbers if n), False)
