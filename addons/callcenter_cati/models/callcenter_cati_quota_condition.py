# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from .callcenter_cati_quota import json_text


class CallcenterCatiQuotaCondition(models.Model):
    """One dimension of a quota cell: a sample field's value or a survey answer."""

    _name = "callcenter.cati.quota.condition"
    _description = "CATI Quota Condition"

    quota_id = fields.Many2one("callcenter.cati.quota", required=True, index=True, ondelete="cascade")
    campaign_id = fields.Many2one(related="quota_id.campaign_id")
    source = fields.Selection([("sample", "Sample Field"), ("survey", "Survey Answer")],
                              required=True, default="sample")
    field_id = fields.Many2one("callcenter.cati.field", string="Sample Field",
                               domain="[('campaign_id', '=', campaign_id)]")
    value = fields.Char(help="The field's value as in the sample (true/false for Yes/No).")
    question_id = fields.Many2one("survey.question", domain="[('survey_id', '=', survey_id)]")
    survey_id = fields.Many2one(related="quota_id.campaign_id.survey_id")
    answer_id = fields.Many2one("survey.question.answer", string="Answer",
                                domain="[('question_id', '=', question_id)]")

    @api.constrains("source", "field_id", "answer_id")
    def _check_source(self):
        for condition in self:
            if condition.source == "sample" and not condition.field_id:
                raise ValidationError(_("Choose the sample field of the quota condition."))
            if condition.source == "survey" and not condition.answer_id:
                raise ValidationError(_("Choose the survey answer of the quota condition."))

    @api.depends("source", "field_id", "value", "answer_id")
    def _compute_display_name(self):
        for condition in self:
            if condition.source == "sample":
                condition.display_name = f"{condition.field_id.name} = {condition.value or ''}"
            else:
                condition.display_name = f"{condition.question_id.title}: {condition.answer_id.value}"

    def _cati_matches(self, case):
        self.ensure_one()
        if self.source == "sample":
            return json_text((case.data or {}).get(self.field_id.key)) == (self.value or "")
        lines = case.user_input_id.user_input_line_ids
        return self.answer_id in lines.suggested_answer_id
