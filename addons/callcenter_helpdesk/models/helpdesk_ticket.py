# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools.mail import parse_contact_from_email

from .callcenter_helpdesk_followup import RESOLVED_ANSWERS, SATISFACTION_LEVELS

# Steps of a complaint ticket, in order; the transitions are the action_complaint_* buttons.
COMPLAINT_STEPS = [
    ("intake", "Intake"),
    ("dispatch", "Dispatch"),
    ("handling", "Handling"),
    ("reply", "Reply"),
    ("closed", "Closed"),
]


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

    # ------------------------------------------------------------
    # CALLS, HAND-OVERS AND DEADLINES
    # ------------------------------------------------------------

    callcenter_call_ids = fields.Many2many(
        "callcenter.call", "callcenter_call_helpdesk_ticket_rel", "ticket_id", "call_id",
        string="Calls", copy=False, groups="base.group_user",
        help="The calls about this ticket; a call may concern several tickets.",
    )
    callcenter_call_count = fields.Integer(compute="_compute_callcenter_call_count",
                                           string="Call Count")
    callcenter_transfer_ids = fields.One2many(
        "callcenter.helpdesk.transfer", "ticket_id", string="Hand-overs", readonly=True,
    )
    callcenter_deadline = fields.Datetime(
        string="Deadline", compute="_compute_callcenter_deadline", store=True,
        readonly=False, index=True, tracking=True, copy=False,
        help="Set from the team's deadline rules when the ticket is created or handed "
        "over to another team.",
    )
    callcenter_overdue = fields.Boolean(
        string="Overdue", compute="_compute_callcenter_overdue",
        search="_search_callcenter_overdue",
    )
    callcenter_escalated = fields.Boolean(
        string="Escalated", compute="_compute_callcenter_deadline", store=True,
        readonly=False, copy=False, index=True,
        help="The team lead was told that this ticket is overdue; cleared when the "
        "deadline is set again.",
    )

    @api.depends("callcenter_call_ids")
    def _compute_callcenter_call_count(self):
        for ticket in self:
            ticket.callcenter_call_count = len(ticket.callcenter_call_ids)

    @api.depends("team_id", "category_id")
    def _compute_callcenter_deadline(self):
        """The clock starts again when the team changes: the new team gets its full time."""
        now = fields.Datetime.now()
        Deadline = self.env["callcenter.helpdesk.deadline"]
        rules = {}  # one rule lookup per (team, category), not per ticket
        for ticket in self:
            key = (ticket.team_id, ticket.category_id)
            if key not in rules:
                rules[key] = Deadline._callcenter_find(*key)
            rule = rules[key]
            ticket.callcenter_deadline = rule._callcenter_deadline_from(now) if rule else False
            ticket.callcenter_escalated = False

    @api.depends("callcenter_deadline", "stage_id.closed")
    def _compute_callcenter_overdue(self):
        now = fields.Datetime.now()
        for ticket in self:
            ticket.callcenter_overdue = bool(
                ticket.callcenter_deadline and ticket.callcenter_deadline < now
                and not ticket.stage_id.closed
            )

    def _search_callcenter_overdue(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(_("Search for overdue tickets with = True or = False only."))
        overdue = [
            ("callcenter_deadline", "<", fields.Datetime.now()),
            ("stage_id.closed", "=", False),
        ]
        if (operator == "=") == value:
            return overdue
        return ["|", ("callcenter_deadline", "=", False), "!", "&", *overdue]

    def action_view_callcenter_calls(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "callcenter_base.callcenter_call_action")
        action["domain"] = [("id", "in", self.callcenter_call_ids.ids)]
        action["context"] = {"create": False}
        return action

    def action_callcenter_hand_over(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Hand Over"),
            "res_model": "callcenter.helpdesk.transfer.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_ticket_id": self.id},
        }

    def _callcenter_hand_over(self, team, user=None, reason=""):
        """Give the ticket to another team (工单流转), keep the hand-over in its history
        and say so in the chatter.

        Whoever sees the ticket may hand it over, even when helpdesk_mgmt's rules do
        not let them write it (a personal-tickets agent passing a team ticket on).
        """
        self.ensure_one()
        user = user or self.env["res.users"]
        reason = (reason or "").strip()
        if not reason:
            raise UserError(_("Say why the ticket is handed over."))
        if not team:
            raise UserError(_("Choose the team that takes the ticket over."))
        if user and team.user_ids and user not in team.user_ids:
            raise UserError(_(
                "%(user)s is not a member of the team %(team)s.",
                user=user.name, team=team.display_name,
            ))
        if team == self.team_id and (not user or user == self.user_id):
            raise UserError(_("The ticket is already with this team and user."))
        self.check_access("read")
        # sudo: the caller can read the ticket (checked above); a hand-over must work
        # even when the rules would not let them write it, and takes the ticket out
        # of their sight
        ticket = self.sudo()
        transfer = self.env["callcenter.helpdesk.transfer"].sudo().create({
            "ticket_id": ticket.id,
            "from_team_id": ticket.team_id.id,
            "to_team_id": team.id,
            "from_user_id": ticket.user_id.id,
            "to_user_id": user.id,
            "reason": reason,
            "user_id": self.env.user.id,
        })
        ticket.write({"team_id": team.id, "user_id": user.id})
        names = {
            "from_team": transfer.from_team_id.display_name or _("no team"),
            "to_team": team.display_name, "user": user.name, "by": self.env.user.name,
            "reason": reason,
        }
        body = _("Handed over from %(from_team)s to %(to_team)s (%(user)s) by %(by)s: "
                 "%(reason)s", **names) if user else \
            _("Handed over from %(from_team)s to %(to_team)s by %(by)s: %(reason)s", **names)
        ticket.message_post(
            body=body,
            subtype_xmlid="mail.mt_note",
            author_id=self.env.user.partner_id.id,
        )
        return transfer

    @api.model
    def _callcenter_escalate_overdue(self, limit=500):
        """Cron: tell each overdue ticket's team lead once (activity and chatter note)."""
        tickets = self.sudo().search([
            ("callcenter_overdue", "=", True), ("callcenter_escalated", "=", False),
        ], limit=limit, order="callcenter_deadline, id")
        todo = self.env.ref("mail.mail_activity_data_todo", raise_if_not_found=False)
        for ticket in tickets:
            lead = ticket.team_id.user_id
            note = _("The ticket passed its deadline (%(deadline)s) and is still open.",
                     deadline=fields.Datetime.to_string(ticket.callcenter_deadline))
            if lead and todo:
                ticket.activity_schedule(
                    activity_type_id=todo.id, user_id=lead.id,
                    summary=_("Overdue ticket"), note=note,
                )
            ticket.message_post(body=note, subtype_xmlid="mail.mt_note")
        tickets.callcenter_escalated = True
        return tickets

    @api.model
    def message_new(self, msg, custom_values=None):
        """Mail to a team alias: remember the sender's address and name, and mark the
        ticket as come by e-mail; the mail gateway already linked an existing contact
        (author) by e-mail."""
        values = dict(custom_values or {})
        name, email = parse_contact_from_email(msg.get("email_from") or "")
        values.setdefault("partner_email", email or False)
        values.setdefault("partner_name", name or email or False)
        channel = self.env.ref("helpdesk_mgmt.helpdesk_ticket_channel_email",
                               raise_if_not_found=False)
        if channel:
            values.setdefault("channel_id", channel.id)
        ticket = super().message_new(msg, custom_values=values)
        if email and ticket.partner_email != email:
            # mail.thread fills the primary e-mail field with the raw "Name <address>"
            ticket.partner_email = email
        return ticket

    # ------------------------------------------------------------
    # FOLLOW-UP AND COMPLAINTS
    # ------------------------------------------------------------
    # Closing a ticket schedules its follow-up (回访); reopening it cancels a pending
    # one. Complaint tickets (their category is flagged as complaint) go through
    # intake, dispatch, handling, reply and closed, each step stamped with its time
    # and user.

    followup_ids = fields.One2many(
        "callcenter.helpdesk.followup", "ticket_id", string="Follow-ups")
    followup_count = fields.Integer(compute="_compute_followup_summary", store=True)
    followup_state = fields.Selection(
        [("none", "None"), ("scheduled", "Scheduled"), ("reached", "Reached"),
         ("unreachable", "Unreachable"), ("refused", "Refused"), ("cancelled", "Cancelled")],
        string="Follow-up", compute="_compute_followup_summary", store=True,
        help="State of the latest follow-up.")
    satisfaction = fields.Selection(
        SATISFACTION_LEVELS, compute="_compute_followup_summary", store=True,
        help="Overall satisfaction given in the latest answered follow-up.")
    satisfaction_resolved = fields.Selection(
        RESOLVED_ANSWERS, string="Resolved (customer)", compute="_compute_followup_summary",
        store=True)
    callcenter_ivr_rating = fields.Float(
        string="IVR Rating", compute="_compute_callcenter_ivr_rating", digits=(2, 1),
        help="Average satisfaction rating (1–5) given in the IVR after the ticket's calls, "
             "when the IVR module is installed.")
    callcenter_ivr_installed = fields.Boolean(compute="_compute_callcenter_ivr_rating")

    is_complaint = fields.Boolean(
        related="category_id.complaint", store=True, string="Complaint")
    complaint_step = fields.Selection(
        COMPLAINT_STEPS, compute="_compute_complaint_step", store=True, readonly=True,
        index=True, tracking=True)
    complaint_intake_at = fields.Datetime(
        string="Intake On", compute="_compute_complaint_step", store=True, readonly=True)
    complaint_intake_user_id = fields.Many2one(
        "res.users", string="Intake By", compute="_compute_complaint_step", store=True,
        readonly=True)
    complaint_dispatch_at = fields.Datetime(string="Dispatched On", readonly=True, copy=False)
    complaint_dispatch_user_id = fields.Many2one(
        "res.users", string="Dispatched By", readonly=True, copy=False)
    complaint_handling_at = fields.Datetime(string="Handling Since", readonly=True, copy=False)
    complaint_handling_user_id = fields.Many2one(
        "res.users", string="Handled By", readonly=True, copy=False)
    complaint_reply = fields.Text(
        string="Reply to the Customer", copy=False,
        help="The answer given to the customer; required before the reply step.")
    complaint_reply_at = fields.Datetime(string="Replied On", readonly=True, copy=False)
    complaint_reply_user_id = fields.Many2one(
        "res.users", string="Replied By", readonly=True, copy=False)

    # ------------------------------------------------------------
    # ORM
    # ------------------------------------------------------------

    @api.depends("followup_ids.state", "followup_ids.outcome", "followup_ids.satisfaction",
                 "followup_ids.resolved", "followup_ids.done_at")
    def _compute_followup_summary(self):
        for ticket in self:
            followups = ticket.followup_ids.sorted(lambda f: (f.create_date or f.scheduled_at, f.id))
            ticket.followup_count = len(followups)
            latest = followups[-1:]
            if not latest:
                ticket.followup_state = "none"
            elif latest.state == "done":
                ticket.followup_state = latest.outcome or "reached"
            else:
                ticket.followup_state = latest.state
            answered = followups.filtered("satisfaction")[-1:]
            ticket.satisfaction = answered.satisfaction or False
            ticket.satisfaction_resolved = answered.resolved or False

    def _compute_callcenter_ivr_rating(self):
        installed = "callcenter.ivr.session" in self.env
        self.callcenter_ivr_installed = installed
        self.callcenter_ivr_rating = 0.0
        if not installed:
            return
        # sudo: the rating is shown to whoever reads the ticket; calls and IVR sessions
        # are supervisor data. One search for all the tickets' calls.
        calls = self.sudo().callcenter_call_ids
        if not calls:
            return
        ratings = defaultdict(list)
        for session in self.env["callcenter.ivr.session"].sudo().search(
                [("call_id", "in", calls.ids), ("rating", ">", 0)]):
            ratings[session.call_id.id].append(session.rating)
        for ticket in self:
            values = [rating for call in ticket._callcenter_followup_calls()
                      for rating in ratings[call.id]]
            if values:
                ticket.callcenter_ivr_rating = sum(values) / len(values)

    @api.depends("is_complaint")
    def _compute_complaint_step(self):
        """A ticket becomes a complaint at intake, when created in (or moved to) a
        complaint category; leaving the category drops the steps."""
        for ticket in self:
            if not ticket.is_complaint:
                ticket.complaint_step = False
                ticket.complaint_intake_at = False
                ticket.complaint_intake_user_id = False
            elif not ticket.complaint_step:
                ticket.complaint_step = "closed" if ticket.stage_id.closed else "intake"
                ticket.complaint_intake_at = fields.Datetime.now()
                ticket.complaint_intake_user_id = self.env.user
            else:
                ticket.complaint_step = ticket.complaint_step
                ticket.complaint_intake_at = ticket.complaint_intake_at
                ticket.complaint_intake_user_id = ticket.complaint_intake_user_id

    def write(self, vals):
        if "stage_id" not in vals:
            return super().write(vals)
        was_closed = {ticket.id: ticket.stage_id.closed for ticket in self}
        result = super().write(vals)
        closing = self.filtered(lambda t: t.stage_id.closed and not was_closed[t.id])
        reopening = self.filtered(lambda t: not t.stage_id.closed and was_closed[t.id])
        closing._callcenter_complaint_on_close()
        reopening._callcenter_complaint_on_reopen()
        Followup = self.env["callcenter.helpdesk.followup"]
        if reopening:
            Followup._callcenter_cancel_for_tickets(reopening)
        if closing:
            Followup._callcenter_schedule_for_tickets(closing)
        return result

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def action_view_followups(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Follow-ups"),
            "res_model": "callcenter.helpdesk.followup",
            "views": [(False, "list"), (False, "form")],
            "domain": [("ticket_id", "=", self.id)],
            "context": {"default_ticket_id": self.id},
        }

    def action_complaint_dispatch(self):
        """Intake → dispatch: the complaint is handed to a team and a handler."""
        for ticket in self:
            ticket._callcenter_complaint_check_step("intake")
            if not ticket.team_id or not ticket.user_id:
                raise UserError(_(
                    "Complaint %(ticket)s: choose the team and the person who will handle it "
                    "before dispatching.", ticket=ticket.display_name))
            ticket.write({"complaint_step": "dispatch",
                          "complaint_dispatch_at": fields.Datetime.now(),
                          "complaint_dispatch_user_id": self.env.user.id})
        return True

    def action_complaint_handle(self):
        """Dispatch → handling: the handler takes the complaint in hand."""
        for ticket in self:
            ticket._callcenter_complaint_check_step("dispatch")
            ticket.write({"complaint_step": "handling",
                          "complaint_handling_at": fields.Datetime.now(),
                          "complaint_handling_user_id": self.env.user.id})
        return True

    def action_complaint_reply(self):
        """Handling → reply: the answer given to the customer is recorded."""
        for ticket in self:
            ticket._callcenter_complaint_check_step("handling")
            if not (ticket.complaint_reply or "").strip():
                raise UserError(_(
                    "Complaint %(ticket)s: write the reply given to the customer first.",
                    ticket=ticket.display_name))
            ticket.write({"complaint_step": "reply",
                          "complaint_reply_at": fields.Datetime.now(),
                          "complaint_reply_user_id": self.env.user.id})
            ticket.message_post(
                body=_("Complaint reply: %(reply)s", reply=ticket.complaint_reply),
                subtype_xmlid="mail.mt_note")
        return True

    def action_complaint_close(self):
        """Reply → closed: the ticket goes to its team's first closed stage (which
        schedules the follow-up, as any closing does)."""
        for ticket in self:
            ticket._callcenter_complaint_check_step("reply")
            stage = ticket._callcenter_closed_stage()
            if not stage:
                raise UserError(_("There is no closed stage for the team of %(ticket)s.",
                                  ticket=ticket.display_name))
            ticket.stage_id = stage
        return True

    # ------------------------------------------------------------
    # BUSINESS
    # ------------------------------------------------------------

    def _callcenter_complaint_check_step(self, expected):
        self.ensure_one()
        if not self.is_complaint:
            raise UserError(_("%(ticket)s is not a complaint.", ticket=self.display_name))
        if self.complaint_step != expected:
            steps = dict(self._fields["complaint_step"]._description_selection(self.env))
            raise UserError(_(
                "Complaint %(ticket)s is at the %(current)s step, not %(expected)s.",
                ticket=self.display_name, current=steps.get(self.complaint_step, ""),
                expected=steps[expected]))

    def _callcenter_complaint_on_close(self):
        """A complaint is closed by the staff only once the customer has had the reply;
        the customer may withdraw it from the portal at any step."""
        internal = self.env.user._is_internal()
        complaints = self.filtered("is_complaint")
        if internal:
            for ticket in complaints:
                if ticket.complaint_step not in ("reply", "closed"):
                    raise UserError(_(
                        "Complaint %(ticket)s cannot be closed before the reply to the "
                        "customer.", ticket=ticket.display_name))
        complaints.complaint_step = "closed"

    def _callcenter_complaint_on_reopen(self):
        """A reopened complaint goes back to handling: a new reply will be needed."""
        self.filtered(lambda t: t.is_complaint and t.complaint_step == "closed").write(
            {"complaint_step": "handling", "complaint_reply_at": False,
             "complaint_reply_user_id": False})

    def _callcenter_closed_stage(self):
        self.ensure_one()
        domain = [("closed", "=", True), ("company_id", "in", [self.company_id.id, False])]
        stages = self.env["helpdesk.ticket.stage"].search(domain)
        return (stages.filtered(lambda s: self.team_id in s.team_ids)
                or stages.filtered(lambda s: not s.team_ids))[:1]

    # ------------------------------------------------------------
    # TOOLS
    # ------------------------------------------------------------

    def _callcenter_followup_calls(self):
        """The ticket's calls, to find a number and the IVR rating."""
        self.ensure_one()
        # sudo: read to find a number and the IVR rating, never shown as such.
        return self.sudo().callcenter_call_ids
