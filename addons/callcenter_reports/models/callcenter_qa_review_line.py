# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class CallcenterQaReviewLine(models.Model):
    """The score of one criterion in one review.

    The criterion's name, guidance, weight, critical flag and maximum are copied
    here when the line is made (they depend on the criterion only, not on its
    fields), so editing or deleting a criterion never changes a past review.
    The agent, scorecard, date and state are stored for the per criterion x agent
    pivot.
    """

    _name = "callcenter.qa.review.line"
    _description = "Quality Review Score"
    _order = "review_id, sequence, id"

    review_id = fields.Many2one(
        "callcenter.qa.review", required=True, index=True, ondelete="cascade"
    )
    criterion_id = fields.Many2one(
        "callcenter.qa.criterion", index=True, ondelete="set null",
        help="Empty once the criterion has been deleted; the line keeps its copy.",
    )
    sequence = fields.Integer(compute="_compute_snapshot", store=True, readonly=False,
                              precompute=True)
    name = fields.Char(string="Criterion Name", compute="_compute_snapshot", store=True,
                       readonly=False, precompute=True, required=True)
    description = fields.Text(string="Guidance", compute="_compute_snapshot", store=True,
                              readonly=False, precompute=True)
    weight = fields.Float(compute="_compute_snapshot", store=True, readonly=False,
                          precompute=True, digits=(16, 2), aggregator=None)
    critical = fields.Boolean(compute="_compute_snapshot", store=True, readonly=False,
                              precompute=True)
    max_score = fields.Integer(string="Maximum", compute="_compute_snapshot", store=True,
                               readonly=False, precompute=True, aggregator=None)
    score = fields.Integer(default=0, aggregator="avg")
    failed = fields.Boolean(help="Critical item failed: the whole review fails.")
    comment = fields.Char()
    score_pct = fields.Float(
        string="Score (%)", compute="_compute_score_pct", store=True, aggregator="avg",
        digits=(5, 2), help="Score over maximum; 0 for a failed critical item.",
    )

    # Stored copies of the review's facts, for the per criterion x agent analysis.
    scorecard_id = fields.Many2one(related="review_id.scorecard_id", store=True, index=True)
    agent_id = fields.Many2one(related="review_id.agent_id", store=True, index=True)
    user_id = fields.Many2one(related="review_id.user_id", store=True, index=True)
    queue_id = fields.Many2one(related="review_id.queue_id", store=True, index=True)
    review_date = fields.Date(related="review_id.review_date", store=True, index=True)
    state = fields.Selection(related="review_id.state", store=True, index=True)
    company_id = fields.Many2one(related="review_id.company_id", store=True, index=True)

    # ------------------------------------------------------------
    # COMPUTES AND CONSTRAINTS
    # ------------------------------------------------------------

    @api.depends("criterion_id")
    def _compute_snapshot(self):
        for line in self:
            if line.criterion_id:
                values = line.criterion_id._callcenter_line_values()
                values.pop("criterion_id")
                line.update(values)

    @api.depends("score", "max_score", "failed", "critical")
    def _compute_score_pct(self):
        for line in self:
            if (line.critical and line.failed) or not line.max_score:
                line.score_pct = 0.0
            else:
                line.score_pct = round(100.0 * line.score / line.max_score, 2)

    @api.constrains("score", "max_score")
    def _check_score(self):
        for line in self:
            if not 0 <= line.score <= line.max_score:
                raise ValidationError(_(
                    "The score of “%(criterion)s” must be between 0 and %(max)s.",
                    criterion=line.name, max=line.max_score,
                ))

    @api.constrains("weight", "max_score")
    def _check_weight(self):
        for line in self:
            if line.weight <= 0 or line.max_score <= 0:
                raise ValidationError(_(
                    "The weight and maximum of “%(criterion)s” must be positive.",
                    criterion=line.name,
                ))

    # ------------------------------------------------------------
    # ORM
    # ------------------------------------------------------------

    # Scores of a done review stay as they were until the review is reopened; the
    # access check comes first so that a reader is told they may not write at all.

    @api.model_create_multi
    def create(self, vals_list):
        self.check_access("create")
        reviews = self.env["callcenter.qa.review"].browse(
            {vals["review_id"] for vals in vals_list if vals.get("review_id")}
        )
        reviews._callcenter_check_editable()
        return super().create(vals_list)

    def write(self, vals):
        self.check_access("write")
        self.review_id._callcenter_check_editable()
        return super().write(vals)

    def unlink(self):
        self.check_access("unlink")
        self.review_id._callcenter_check_editable()
        return super().unlink()
