# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

DEFAULT_PASS_SCORE = 80.0


class CallcenterQaScorecard(models.Model):
    """What a quality reviewer scores a recorded call against.

    Reviews copy each criterion (name, weight, critical, maximum) onto their lines
    when they are created, so the criteria stay editable while a scorecard is in
    use: past reviews keep the scorecard as it was when they were scored.
    """

    _name = "callcenter.qa.scorecard"
    _description = "Quality Scorecard"
    _order = "sequence, name, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", index=True, default=lambda self: self.env.company,
        help="Empty: the scorecard is shared by every company.",
    )
    description = fields.Html(translate=True, help="What this scorecard is for, for reviewers.")
    criterion_ids = fields.One2many(
        "callcenter.qa.criterion", "scorecard_id", string="Criteria", copy=True
    )
    pass_score = fields.Float(
        string="Pass Score (%)", default=DEFAULT_PASS_SCORE, digits=(5, 2),
        help="A review passes with at least this weighted score and no failed critical item.",
    )
    total_weight = fields.Float(compute="_compute_total_weight", digits=(16, 2))
    criterion_count = fields.Integer(compute="_compute_total_weight")
    review_count = fields.Integer(compute="_compute_review_count")

    _sql_constraints = [
        ("pass_score_range", "CHECK(pass_score >= 0 AND pass_score <= 100)",
         "The pass score is a percentage between 0 and 100."),
    ]

    # ------------------------------------------------------------
    # COMPUTES
    # ------------------------------------------------------------

    @api.depends("criterion_ids.weight")
    def _compute_total_weight(self):
        for scorecard in self:
            scorecard.total_weight = sum(scorecard.criterion_ids.mapped("weight"))
            scorecard.criterion_count = len(scorecard.criterion_ids)

    def _compute_review_count(self):
        counts = dict(self.env["callcenter.qa.review"]._read_group(
            [("scorecard_id", "in", self.ids)], ["scorecard_id"], ["__count"]
        ))
        for scorecard in self:
            scorecard.review_count = counts.get(scorecard, 0)

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def action_view_reviews(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "callcenter_reports.callcenter_qa_review_action"
        )
        action["domain"] = [("scorecard_id", "=", self.id)]
        action["context"] = {"default_scorecard_id": self.id}
        return action
