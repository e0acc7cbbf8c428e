# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

DEFAULT_MAX_SCORE = 5


class CallcenterQaCriterion(models.Model):
    """One item of a scorecard, scored from 0 to its maximum.

    A critical item (for instance "no rude language") is also marked passed or
    failed: one failed critical item fails the whole review, whatever the rest.
    """

    _name = "callcenter.qa.criterion"
    _description = "Quality Criterion"
    _order = "scorecard_id, sequence, id"

    scorecard_id = fields.Many2one(
        "callcenter.qa.scorecard", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="scorecard_id.company_id", store=True, index=True)
    sequence = fields.Integer(default=10)
    name = fields.Char(required=True, translate=True)
    description = fields.Text(
        string="Guidance", translate=True,
        help="What the reviewer listens for, and what each score means.",
    )
    weight = fields.Float(default=1.0, digits=(16, 2), required=True,
                          help="Share of this item in the review's weighted score.")
    critical = fields.Boolean(
        help="Failing this item fails the whole review and sets its score to 0."
    )
    max_score = fields.Integer(string="Maximum Score", default=DEFAULT_MAX_SCORE, required=True)

    _sql_constraints = [
        ("weight_positive", "CHECK(weight > 0)", "A criterion's weight must be positive."),
        ("max_score_positive", "CHECK(max_score > 0)",
         "A criterion's maximum score must be positive."),
    ]

    def _callcenter_line_values(self):
        """What a review line keeps of this criterion when the review is scored."""
        self.ensure_one()
        return {
            "criterion_id": self.id,
            "sequence": self.sequence,
            "name": self.name,
            "description": self.description,
            "weight": self.weight,
            "critical": self.critical,
            "max_score": self.max_score,
        }
