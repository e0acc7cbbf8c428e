# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command, _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import float_compare, plaintext2html

REVIEW_STATES = [("draft", "Draft"), ("done", "Done")]
# What a done review still lets change: its state (reopening) and the agent's
# acknowledgment. Everything that makes the score is locked until it is reopened.
FIELDS_LOCKED_WHEN_DONE = frozenset({
    "call_id", "scorecard_id", "line_ids", "reviewer_id", "review_date", "comment", "pass_score",
})
# Written by the reviewed agent through action_acknowledge only; cleared on reopening.
ACKNOWLEDGMENT_FIELDS = ("agent_acknowledged", "acknowledged_at", "agent_comment")


class CallcenterQaReview(models.Model):
    """A quality reviewer's scoring of one recorded call against a scorecard.

    The score is the weighted share of the points earned:
    sum(weight x score / maximum) / sum(weight) x 100, and 0 as soon as a critical
    item is failed. Agents read their own reviews once they are done and
    acknowledge them (`action_acknowledge`); they never write to them.
    """

    _name = "callcenter.qa.review"
    _description = "Quality Review"
    _inherit = ["mail.thread"]
    _order = "review_date desc, id desc"
    _check_company_auto = True
    # Agents and team leads only read reviews, yet may answer in the chatter.
    _mail_post_access = "read"

    call_id = fields.Many2one(
        "callcenter.call", string="Call", required=True, index=True, ondelete="cascade",
        tracking=True, domain=[("recording_attachment_id", "!=", False)],
    )
    agent_id = fields.Many2one(related="call_id.agent_id", store=True, index=True)
    user_id = fields.Many2one(related="call_id.user_id", store=True, index=True,
                              string="Agent User")
    queue_id = fields.Many2one(related="call_id.queue_id", store=True, index=True)
    company_id = fields.Many2one(related="call_id.company_id", store=True, index=True)
    scorecard_id = fields.Many2one(
        "callcenter.qa.scorecard", required=True, index=True, ondelete="restrict",
        tracking=True, check_company=True, default=lambda self: self._default_scorecard_id(),
    )
    reviewer_id = fields.Many2one(
        "res.users", string="Reviewer", required=True, index=True, tracking=True,
        default=lambda self: self.env.user,
    )
    review_date = fields.Date(required=True, index=True, default=fields.Date.context_today)
    state = fields.Selection(REVIEW_STATES, required=True, default="draft", index=True,
                             tracking=True, copy=False)
    line_ids = fields.One2many(
        "callcenter.qa.review.line", "review_id", string="Scores",
        compute="_compute_line_ids", store=True, readonly=False, precompute=True, copy=True,
    )
    pass_score = fields.Float(
        string="Pass Score (%)", compute="_compute_pass_score", store=True, readonly=False,
        precompute=True, digits=(5, 2), aggregator=None,
        help="The scorecard's pass score when the review was made.",
    )
    score = fields.Float(
        string="Score (%)", compute="_compute_score", store=True, aggregator="avg",
        digits=(5, 2),
    )
    critical_failed = fields.Boolean(compute="_compute_score", store=True)
    passed = fields.Boolean(compute="_compute_score", store=True)
    comment = fields.Html(string="Feedback", help="The reviewer's feedback to the agent.")
    agent_acknowledged = fields.Boolean(readonly=True, copy=False, tracking=True)
    acknowledged_at = fields.Datetime(readonly=True, copy=False)
    agent_comment = fields.Text(readonly=True, copy=False,
                                help="What the agent answered when acknowledging.")
    can_acknowledge = fields.Boolean(compute="_compute_can_acknowledge")
    can_edit = fields.Boolean(compute="_compute_can_edit")

    # The call's facts, shown beside the player.
    recording_attachment_id = fields.Many2one(related="call_id.recording_attachment_id",
                                              string="Recording")
    call_started_at = fields.Datetime(related="call_id.started_at", string="Call Start")
    call_direction = fields.Selection(related="call_id.direction", string="Direction")
    partner_id = fields.Many2one(related="call_id.partner_id", string="Customer")
    customer_number = fields.Char(related="call_id.customer_number")
    wait_duration = fields.Integer(related="call_id.wait_duration")
    talk_duration = fields.Integer(related="call_id.talk_duration")
    hold_duration = fields.Integer(related="call_id.hold_duration")
    wrapup_duration = fields.Integer(related="call_id.wrapup_duration")
    handle_duration = fields.Integer(related="call_id.handle_duration")
    disposition_id = fields.Many2one(related="call_id.disposition_id")
    call_summary = fields.Text(related="call_id.summary", string="Call Notes")

    # ------------------------------------------------------------
    # DEFAULTS, COMPUTES AND CONSTRAINTS
    # ------------------------------------------------------------

    @api.model
    def _default_scorecard_id(self):
        return self.env["callcenter.qa.scorecard"].search(
            [("company_id", "in", [False, self.env.company.id])], limit=1
        )

    @api.depends("scorecard_id")
    def _compute_line_ids(self):
        """One line per criterion of the chosen scorecard, like an onchange: only a
        change of scorecard rebuilds the lines, not an edit of the scorecard."""
        for review in self:
            if review.state == "done":
                review.line_ids = review.line_ids
                continue
            review.line_ids = [Command.clear()] + [
                Command.create({"criterion_id": criterion.id})
                for criterion in review.scorecard_id.criterion_ids
            ]

    @api.depends("scorecard_id")
    def _compute_pass_score(self):
        for review in self:
            review.pass_score = review.scorecard_id.pass_score

    @api.depends("line_ids.score", "line_ids.max_score", "line_ids.weight",
                 "line_ids.critical", "line_ids.failed", "pass_score")
    def _compute_score(self):
        for review in self:
            review.critical_failed = any(
                line.critical and line.failed for line in review.line_ids
            )
            review.score = 0.0 if review.critical_failed else self._callcenter_weighted_score(
                [(line.weight, line.score, line.max_score) for line in review.line_ids]
            )
            review.passed = bool(review.line_ids) and not review.critical_failed and (
                float_compare(review.score, review.pass_score, precision_digits=2) >= 0
            )

    @api.depends_context("uid")
    @api.depends("state", "user_id", "agent_acknowledged")
    def _compute_can_acknowledge(self):
        for review in self:
            review.can_acknowledge = (
                review.state == "done" and not review.agent_acknowledged
                and review.user_id == self.env.user
            )

    @api.depends_context("uid")
    @api.depends("state")
    def _compute_can_edit(self):
        is_reviewer = self.env.user.has_group("callcenter_reports.group_callcenter_qa")
        for review in self:
            review.can_edit = is_reviewer and review.state == "draft"

    @api.depends("call_id", "agent_id", "review_date")
    def _compute_display_name(self):
        for review in self:
            review.display_name = _(
                "%(agent)s · %(call)s",
                agent=review.agent_id.display_name or _("No agent"),
                call=review.call_id.display_name or _("New"),
            )

    @api.constrains("call_id", "reviewer_id")
    def _check_call(self):
        for review in self:
            call = review.call_id
            if not call.recording_attachment_id:
                raise ValidationError(_(
                    "Only recorded calls can be reviewed: the call “%(call)s” has no recording.",
                    call=call.display_name,
                ))
            if call.user_id and call.user_id == review.reviewer_id:
                raise ValidationError(_("Nobody reviews their own calls: choose another reviewer."))

    # ------------------------------------------------------------
    # ORM
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        reviews = super().create(vals_list)
        # The reviewer follows the review, to hear the agent's reply (one call per reviewer).
        for partner, group in reviews.grouped(lambda review: review.reviewer_id.partner_id).items():
            group.message_subscribe(partner_ids=partner.ids)
        return reviews

    def write(self, vals):
        if FIELDS_LOCKED_WHEN_DONE & vals.keys():
            self._callcenter_check_editable()
        res = super().write(vals)
        if vals.get("reviewer_id"):
            self.message_subscribe(partner_ids=self.reviewer_id.partner_id.ids)
        return res

    @api.ondelete(at_uninstall=False)
    def _unlink_except_done(self):
        if any(review.state == "done" for review in self):
            raise UserError(_("A done review cannot be deleted; reopen it first."))

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def action_done(self):
        for review in self:
            if review.state != "draft":
                raise UserError(_("Only a draft review can be marked done."))
            if not review.line_ids:
                raise UserError(_("Score at least one criterion before marking the review done."))
        self.write({"state": "done", "review_date": fields.Date.context_today(self)})
        # The agent follows their reviews once they may read them, for the discussion.
        for partner, group in self.filtered("user_id").grouped(
                lambda review: review.user_id.partner_id).items():
            group.message_subscribe(partner_ids=partner.ids)
        return True

    def action_reset_draft(self):
        """Reopen for correction; the agent acknowledges the corrected review again."""
        if any(review.state != "done" for review in self):
            raise UserError(_("Only a done review can be reopened."))
        self.write({"state": "draft", **dict.fromkeys(ACKNOWLEDGMENT_FIELDS, False)})
        return True

    def action_acknowledge(self, comment=None):
        """The reviewed agent confirms having read a done review, with an optional reply.

        Agents have no write access to reviews: this is the one change they may
        make, checked here record by record.
        """
        self.check_access("read")
        for review in self:
            if review.user_id != self.env.user:
                raise AccessError(_("Only the reviewed agent can acknowledge this review."))
            if review.state != "done":
                raise UserError(_("Only a done review can be acknowledged."))
            if review.agent_acknowledged:
                raise UserError(_("This review is already acknowledged."))
        comment = (comment or "").strip()
        # sudo: checked above that each review is a done review of the current user's
        # own call, and only the acknowledgment fields are written.
        self.sudo().write({
            "agent_acknowledged": True,
            "acknowledged_at": fields.Datetime.now(),
            "agent_comment": comment or False,
        })
        if comment:
            for review in self:
                review.message_post(
                    body=plaintext2html(comment), message_type="comment",
                    subtype_xmlid="mail.mt_comment",
                )
        return True

    def action_open_call(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "callcenter.call",
            "res_id": self.call_id.id,
            "views": [(False, "form")],
        }

    # ------------------------------------------------------------
    # BUSINESS
    # ------------------------------------------------------------

    @api.model
    def _callcenter_weighted_score(self, lines):
        """Percentage of the weighted points earned, from (weight, score, maximum) tuples."""
        total_weight = sum(weight for weight, _score, maximum in lines if maximum)
        if not total_weight:
            return 0.0
        earned = sum(weight * score / maximum for weight, score, maximum in lines if maximum)
        return round(100.0 * earned / total_weight, 2)

    def _callcenter_check_editable(self):
        if any(review.state == "done" for review in self):
            raise UserError(_("This review is done: reopen it to change its scores."))

