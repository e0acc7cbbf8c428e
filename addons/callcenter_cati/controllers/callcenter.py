# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import http
from odoo.http import request

from odoo.addons.survey.controllers.main import Survey


class CallcenterCatiSurvey(Survey):
    """The questionnaire page, opened in the console by the case's interviewer.

    Survey pages check that a logged-in user answers as themselves; a CATI
    interviewer answers for the respondent, so that check gives way for the
    interviewer who holds the answers' case, and for nobody else.
    """

    def _check_validity(self, survey_token, answer_token, ensure_token=True, check_partner=True):
        validity = super()._check_validity(
            survey_token, answer_token, ensure_token=ensure_token, check_partner=check_partner)
        if validity != "answer_wrong_user":
            return validity
        _survey_sudo, answer_sudo = self._fetch_from_access_token(survey_token, answer_token)
        if not request.env["callcenter.cati.console"]._cati_may_answer(answer_sudo):
            return validity
        return super()._check_validity(
            survey_token, answer_token, ensure_token=ensure_token, check_partner=False)

    @http.route()
    def survey_retry(self, survey_token, answer_token, **post):
        _survey_sudo, answer_sudo = self._fetch_from_access_token(survey_token, answer_token)
        if answer_sudo.cati_case_id:
            # A case has one set of answers: its interviewer goes on with them.
            return request.redirect(
                f"/survey/{answer_sudo.survey_id.access_token}/{answer_sudo.access_token}")
        return super().survey_retry(survey_token, answer_token, **post)
