# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class CallcenterHelpdeskDeadline(models.Model):
    """How long a team has to resolve a ticket, per category.

    A rule with a category wins over the team's rule without one. With a working
    calendar the hours count only in its working time (a ticket opened on Friday
    evening is not overdue on Saturday morning).
    """

    _name = "callcenter.helpdesk.deadline"
    _description = "Ticket Deadline Rule"
    _order = "team_id, category_id, id"

    team_id = fields.Many2one("helpdesk.ticket.team", required=True, index=True,
                              ondelete="cascade")
    category_id = fields.Many2one(
        "helpdesk.ticket.category", index=True, ondelete="cascade",
        help="Leave empty for the team's tickets of every other category.",
    )
    company_id = fields.Many2one(related="team_id.company_id", store=True, index=True)
    resolution_hours = fields.Float(required=True, default=24.0,
                                    help="Time to resolve the ticket, in hours.")
    resource_calendar_id = fields.Many2one(
        "resource.calendar", string="Working Hours",
        help="Count the hours only in this calendar's working time; leave empty for "
        "round-the-clock hours.",
    )
    active = fields.Boolean(default=True)

    _sql_constraints = [
        ("resolution_hours_positive", "CHECK(resolution_hours > 0)",
         "The resolution time must be positive."),
    ]

    @api.constrains("team_id", "category_id", "active")
    def _check_unique_rule(self):
        for rule in self.filtered("active"):
            if self.search_count([
                ("id", "!=", rule.id), ("team_id", "=", rule.team_id.id),
                ("category_id", "=", rule.category_id.id),
            ]):
                raise ValidationError(_(
                    "The team %(team)s already has a deadline rule for this category.",
                    team=rule.team_id.display_name,
                ))

    @api.depends("team_id", "category_id", "resolution_hours")
    def _compute_display_name(self):
        for rule in self:
            rule.display_name = _(
                "%(team)s / %(category)s: %(hours)s h",
                team=rule.team_id.display_name or "",
                category=rule.category_id.display_name or _("any category"),
                hours=rule.resolution_hours,
            )

    # ------------------------------------------------------------
    # BUSINESS
    # ------------------------------------------------------------

    @api.model
    def _callcenter_find(self, team, category):
        """The rule for a team and category: the category's own, else the team's default."""
        if not team:
            return self.browse()
        rules = self.sudo().search([
            ("team_id", "=", team.id), ("category_id", "in", [category.id, False]),
        ])
        return rules.filtered("category_id")[:1] or rules[:1]

    def _callcenter_deadline_from(self, start):
        """The deadline of a ticket whose clock starts at `start` (naive UTC)."""
        self.ensure_one()
        if not self.resource_calendar_id:
            return start + timedelta(hours=self.resolution_hours)
        # a naive start is taken as UTC and the answer comes back naive UTC
        deadline = self.resource_calendar_id.plan_hours(
            self.resolution_hours, start, compute_leaves=True,
        )
        return deadline or start + timedelta(hours=self.resolution_hours)
