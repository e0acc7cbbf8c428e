# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import datetime

from odoo.addons.callcenter_base.tests.common import CallcenterCommon

# A Monday: 10:00 in Shanghai (UTC+8), 21:00 the day before in New York (UTC-5).
MONDAY_0200_UTC = datetime(2026, 11, 23, 2, 0, 0)


class CatiCommon(CallcenterCommon):
    """A running preview campaign with a two-question survey, two interviewers and
    calling windows 09:00-21:00 every day; `_case()` adds cases."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.survey = cls.env["survey.survey"].create({
            "title": "Household panel",
            "access_mode": "token",
            "question_and_page_ids": [
                (0, 0, {"title": "Gender", "question_type": "simple_choice", "sequence": 1,
                        "suggested_answer_ids": [(0, 0, {"value": "Female"}),
                                                 (0, 0, {"value": "Male"})]}),
                (0, 0, {"title": "Household size", "question_type": "numerical_box",
                        "sequence": 2}),
            ],
        })
        cls.question_gender = cls.survey.question_ids.filtered(lambda q: q.title == "Gender")
        cls.answer_female, cls.answer_male = cls.question_gender.suggested_answer_ids
        cls.campaign = cls.env["callcenter.cati.campaign"].create({
            "name": "Panel 2026",
            "survey_id": cls.survey.id,
            "pbx_id": cls.pbx.id,
            "agent_ids": [(6, 0, (cls.agent | cls.agent_sales).ids)],
            "team_lead_ids": [(6, 0, cls.user_lead.ids)],
            "tz": "Asia/Shanghai",
            "caller_id": "4008001234",
            "window_ids": [(0, 0, {"weekday": str(day), "hour_from": 9.0, "hour_to": 21.0})
                           for day in range(7)],
            "field_ids": [(0, 0, {"key": "region", "name": "Region", "field_type": "selection",
                                  "selection_values": "north,south"})],
        })
        cls.campaign.action_publish()
        cls.campaign.action_start()
        cls.Case = cls.env["callcenter.cati.case"]
        cls.Disposition = cls.env["callcenter.cati.disposition"]
        cls._sequence = 0

    @classmethod
    def _case(cls, numbers=1, campaign=None, **values):
        cls._sequence += 1
        seq = cls._sequence
        return cls.env["callcenter.cati.case"].create({
            "campaign_id": (campaign or cls.campaign).id,
            "name": values.pop("name", f"Respondent {seq}"),
            "tz": values.pop("tz", "Asia/Shanghai"),
            "number_ids": [(0, 0, {"number": f"+86138{seq:04d}{index:04d}", "sequence": index})
                           for index in range(numbers)],
            **values,
        })

    def disposition(self, key):
        return self.env.ref(f"callcenter_cati.disposition_{key}")

    def pick(self, agent=None, now=MONDAY_0200_UTC, limit=1, campaign=None):
        return self.Case._cati_pick(campaign or self.campaign, agent, limit=limit, now=now)

    def close(self, case, key, **kwargs):
        attempt = case._cati_start_attempt(case._cati_callable_numbers()[:1], self.agent)
        return case._cati_apply_outcome(attempt, self.disposition(key), **kwargs)
