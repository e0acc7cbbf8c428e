# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

FOLLOWUP_STATES = [
    ("scheduled", "Scheduled"),
    ("done", "Done"),
    ("cancelled", "Cancelled"),
]
FOLLOWUP_OUTCOMES = [
    ("reached", "Reached"),
    ("unreachable", "Unreachable"),
    ("refused", "Refused"),
]
SATISFACTION_LEVELS = [
    ("1", "Very dissatisfied"),
    ("2", "Dissatisfied"),
    ("3", "Neutral"),
    ("4", "Satisfied"),
    ("5", "Very satisfied"),
]
RESOLVED_ANSWERS = [("yes", "Yes"), ("no", "No")]
# When nobody answers, the next attempt is proposed this many hours later.
RETRY_DELAY_HOURS = 2
# Allowed state transitions, checked in write().
STATE_TRANSITIONS = {
    "scheduled": {"done", "cancelled"},
    "done": set(),
    "cancelled": {"scheduled"},
}


class CallcenterHelpdeskFollowup(models.Model):
    """A follow-up (回访) call task created when a ticket is closed.

    It belongs to a queue (any of its agents may take it) or to one agent, and is
    finished either by an agent through a call (click-to-dial, then the answers) or by
    the customer on the portal (`_callcenter_portal_answer`). Results are copied to the
    ticket's chatter; the ticket computes its satisfaction from the latest one.
    """

    _name = "callcenter.helpdesk.followup"
    _description = "Ticket Follow-up Call"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "scheduled_at, id"
    _check_company_auto = True

    name = fields.Char(compute="_compute_name", store=True)
    ticket_id = fields.Many2one(
        "helpdesk.ticket", required=True, index=True, ondelete="cascade", readonly=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company)
    team_id = fields.Many2one(related="ticket_id.team_id", store=True, string="Team")
    category_id = fields.Many2one(related="ticket_id.category_id", store=True, string="Category")
    rule_id = fields.Many2one("callcenter.helpdesk.followup.rule", readonly=True, index=True)
    partner_id = fields.Many2one("res.partner", string="Contact", index=True)
    phone = fields.Char(string="Number", help="The number the agent calls.")
    queue_id = fields.Many2one(
        "callcenter.queue", index=True, check_company=True, tracking=True,
        help="Any agent of this queue may call.")
    user_id = fields.Many2one(
        "res.users", string="Agent", index=True, tracking=True,
        help="The agent who must call; empty when the whole queue may.")
    scheduled_at = fields.Datetime(required=True, index=True, tracking=True)
    state = fields.Selection(
        FOLLOWUP_STATES, default="scheduled", required=True, index=True, tracking=True)
    outcome = fields.Selection(FOLLOWUP_OUTCOMES, tracking=True)
    questionnaire = fields.Boolean(
        default=True, help="Ask the satisfaction questionnaire during the call and on the portal.")
    satisfaction = fields.Selection(SATISFACTION_LEVELS, string="Overall Satisfaction")
    resolved = fields.Selection(RESOLVED_ANSWERS, string="Problem Resolved")
    comment = fields.Text()
    attempt_count = fields.Integer(string="Attempts", readonly=True)
    max_attempts = fields.Integer(
        default=3, help="After this many calls without an answer the follow-up is closed as unreachable.")
    last_attempt_at = fields.Datetime(readonly=True)
    answered_by = fields.Selection(
        [("agent", "Agent"), ("portal", "Customer (portal)")], readonly=True)
    done_at = fields.Datetime(readonly=True)
    done_user_id = fields.Many2one("res.users", string="Done By", readonly=True)
    call_ids = fields.One2many(
        "callcenter.call", compute="_compute_call_ids", string="Calls",
        help="Calls dialed from this follow-up.")
    call_count = fields.Integer(compute="_compute_call_ids")
    is_due = fields.Boolean(compute="_compute_is_due", search="_search_is_due")

    # ------------------------------------------------------------
    # ORM
    # ------------------------------------------------------------

    @api.depends("ticket_id.number", "ticket_id.name")
    def _compute_name(self):
        for followup in self:
            followup.name = _("Follow-up %(ticket)s", ticket=followup.ticket_id.display_name or "")

    def _compute_call_ids(self):
        Call = self.env["callcenter.call"]
        calls = Call.search([("res_model", "=", self._name), ("res_id", "in", self.ids)]) if self.ids else Call
        for followup in self:
            followup.call_ids = calls.filtered(lambda c, f=followup: c.res_id == f.id)
            followup.call_count = len(followup.call_ids)

    @api.depends("state", "scheduled_at")
    def _compute_is_due(self):
        now = fields.Datetime.now()
        for followup in self:
            followup.is_due = followup.state == "scheduled" and followup.scheduled_at <= now

    def _search_is_due(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(_("Unsupported search on 'due'."))
        domain = [("state", "=", "scheduled"), ("scheduled_at", "<=", fields.Datetime.now())]
        return domain if (operator == "=") == value else ["!", *domain]

    def write(self, vals):
        if "state" in vals:
            for followup in self:
                if vals["state"] != followup.state and vals["state"] not in STATE_TRANSITIONS[followup.state]:
                    raise UserError(_(
                        "A follow-up cannot go from %(old)s to %(new)s.",
                        old=dict(self._fields["state"]._description_selection(self.env))[followup.state],
                        new=dict(self._fields["state"]._description_selection(self.env))[vals["state"]],
                    ))
        return super().write(vals)

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def action_callcenter_dial(self):
        """Click-to-dial the contact through the base's dial API; the call is linked
        to the follow-up (res_model/res_id) so it shows in its calls."""
        self.ensure_one()
        self.check_access("write")
        self._callcenter_check_open()
        if not self.phone:
            raise UserError(_("This follow-up has no number to call."))
        answer = self.env["callcenter.call"]._callcenter_dial(
            self.phone, res_model=self._name, res_id=self.id)
        if answer.get("error"):
            raise UserError(answer["error"])
        if not self.user_id:
            self.user_id = self.env.user
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "info",
                "message": _("Calling %(number)s…", number=self.phone),
            },
        }

    def action_no_answer(self):
        """One more attempt without reaching the customer: retry later, or after
        `max_attempts` close the follow-up as unreachable."""
        for followup in self:
            if followup.attempt_count + 1 >= max(followup.max_attempts, 1):
                followup._callcenter_agent_attempt("unreachable")
            else:
                followup._callcenter_agent_attempt(vals={
                    "scheduled_at": fields.Datetime.now() + timedelta(hours=RETRY_DELAY_HOURS)})
        return True

    def action_refused(self):
        for followup in self:
            followup._callcenter_agent_attempt("refused")
        return True

    def action_done(self):
        """The agent reached the customer and recorded the answers."""
        for followup in self:
            followup._callcenter_agent_attempt("reached", answers_required=True)
        return True

    def _callcenter_agent_attempt(self, outcome=False, answers_required=False, vals=None):
        """Count one call by the agent, then close the follow-up with `outcome`, or
        write `vals` (a new time) when there is none."""
        self.ensure_one()
        self.check_access("write")
        self._callcenter_check_open()
        if answers_required:
            self._callcenter_check_answers()
        attempt = {"attempt_count": self.attempt_count + 1,
                   "last_attempt_at": fields.Datetime.now(), **(vals or {})}
        if outcome:
            self._callcenter_finish(outcome, answered_by="agent", vals=attempt)
        else:
            self.write(attempt)

    def action_cancel(self):
        self.filtered(lambda f: f.state == "scheduled").write({"state": "cancelled"})
        return True

    def action_reschedule(self):
        self.filtered(lambda f: f.state == "cancelled").write(
            {"state": "scheduled", "outcome": False})
        return True

    def action_view_calls(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Calls"),
            "res_model": "callcenter.call",
            "views": [(False, "list"), (False, "form")],
            "domain": [("id", "in", self.call_ids.ids)],
        }

    # ------------------------------------------------------------
    # PORTAL API (used by the portal controller, keep stable)
    # ------------------------------------------------------------

    @api.model
    def _callcenter_portal_domain(self, partner):
        """Follow-ups a portal contact may see: those of its commercial entity (a
        company's contacts see each other's) with a questionnaire, not cancelled."""
        commercial = partner.commercial_partner_id
        return [
            ("partner_id", "child_of", commercial.id),
            ("questionnaire", "=", True),
            ("state", "in", ("scheduled", "done")),
        ]

    def _callcenter_portal_can_answer(self):
        """True when the customer may still answer this follow-up on the portal."""
        self.ensure_one()
        return self.state == "scheduled" and self.questionnaire

    def _callcenter_portal_answer(self, values):
        """Store the customer's answers given on the portal and finish the follow-up.

        `values`: {"satisfaction": 1..5 (int or str), "resolved": "yes"/"no" or bool,
        "comment": str}. Called on one record by the portal user (the method checks that
        the record belongs to the user's commercial entity) or, after the caller's own
        ownership check, with sudo. Raises UserError on invalid or repeated answers.
        """
        self.ensure_one()
        if not self.env.su:
            partner = self.env.user.partner_id
            allowed = self.sudo().search_count(
                [("id", "=", self.id), *self._callcenter_portal_domain(partner)])
            if not allowed:
                raise AccessError(_("This follow-up is not yours."))
        # sudo: ownership checked above (or by the sudo caller); portal users have no
        # write access on follow-ups.
        followup = self.sudo()
        if not followup._callcenter_portal_can_answer():
            raise UserError(_("This questionnaire has already been answered or closed."))
        satisfaction = str(values.get("satisfaction") or "").strip()
        if satisfaction not in dict(SATISFACTION_LEVELS):
            raise UserError(_("Please rate your overall satisfaction from 1 to 5."))
        resolved = values.get("resolved")
        if isinstance(resolved, bool):
            resolved = "yes" if resolved else "no"
        if resolved not in dict(RESOLVED_ANSWERS):
            raise UserError(_("Please tell us whether your problem was resolved."))
        comment = (values.get("comment") or "").strip()[:2000]
        followup.write({"satisfaction": satisfaction, "resolved": resolved, "comment": comment or False})
        followup._callcenter_finish("reached", answered_by="portal")
        return True

    # ------------------------------------------------------------
    # BUSINESS
    # ------------------------------------------------------------

    @api.model
    def _callcenter_schedule_for_tickets(self, tickets):
        """Create the follow-up of each ticket that just reached a closed stage and
        matches a rule. One follow-up per closing: none when the ticket already has a
        scheduled one (closed again without being reopened)."""
        vals_list = []
        Rule = self.env["callcenter.helpdesk.followup.rule"].sudo()
        pending = self.sudo().search([("ticket_id", "in", tickets.ids), ("state", "=", "scheduled")])
        for ticket in tickets - pending.ticket_id:
            rule = Rule._callcenter_match(ticket)
            if not rule:
                continue
            vals_list.append(rule._callcenter_followup_values(ticket))
        # sudo: whoever closes a ticket (any helpdesk user) schedules a task for a queue
        # or an agent they may not see themselves.
        return self.sudo().create(vals_list) if vals_list else self

    @api.model
    def _callcenter_cancel_for_tickets(self, tickets):
        """A reopened ticket's pending follow-up is pointless: cancel it; closing the
        ticket again schedules a new one."""
        # sudo: the user reopening the ticket may not see the queue's follow-ups.
        pending = self.sudo().search([("ticket_id", "in", tickets.ids), ("state", "=", "scheduled")])
        pending.write({"state": "cancelled"})
        return pending

    def _callcenter_check_open(self):
        self.ensure_one()
        if self.state != "scheduled":
            raise UserError(_("This follow-up is already closed."))

    def _callcenter_check_answers(self):
        self.ensure_one()
        if self.questionnaire and not (self.satisfaction and self.resolved):
            raise UserError(_(
                "Record the overall satisfaction and whether the problem was resolved before "
                "marking the follow-up done."))

    def _callcenter_finish(self, outcome, answered_by, vals=None):
        """Close the follow-up (writing `vals` with it) and report its result in the
        ticket's chatter."""
        self.ensure_one()
        self.write({
            **(vals or {}),
            "state": "done",
            "outcome": outcome,
            "answered_by": answered_by,
            "done_at": fields.Datetime.now(),
            "done_user_id": self.env.user.id,
        })
        self.ticket_id.sudo().message_post(
            body=self._callcenter_result_summary(), subtype_xmlid="mail.mt_note")

    def _callcenter_result_summary(self):
        self.ensure_one()
        outcome = dict(self._fields["outcome"]._description_selection(self.env)).get(self.outcome, "")
        parts = [_("Follow-up: %(outcome)s", outcome=outcome)]
        if self.outcome == "reached" and self.questionnaire:
            satisfaction = dict(self._fields["satisfaction"]._description_selection(self.env))
            resolved = dict(self._fields["resolved"]._description_selection(self.env))
            parts.append(_("satisfaction %(score)s/5 (%(label)s)",
                           score=self.satisfaction, label=satisfaction.get(self.satisfaction, "")))
            parts.append(_("resolved: %(answer)s", answer=resolved.get(self.resolved, "")))
            if self.comment:
                parts.append(_("comment: %(comment)s", comment=self.comment))
        if self.outcome == "unreachable":
            parts.append(_("%(count)s attempts", count=self.attempt_count))
        if self.answered_by == "portal":
            parts.append(_("answered on the portal"))
        return " — ".join(parts)
