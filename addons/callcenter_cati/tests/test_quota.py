# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import tagged

from .common import MONDAY_0200_UTC, CatiCommon

NOW = MONDAY_0200_UTC


@tagged("callcenter")
class TestQuota(CatiCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.region = cls.campaign.field_ids.filtered(lambda f: f.key == "region")
        Quota = cls.env["callcenter.cati.quota"]
        cls.north = Quota.create({
            "campaign_id": cls.campaign.id, "name": "North", "target": 1,
            "condition_ids": [(0, 0, {"source": "sample", "field_id": cls.region.id, "value": "north"})],
        })
        cls.south = Quota.create({
            "campaign_id": cls.campaign.id, "name": "South", "target": 4,
            "condition_ids": [(0, 0, {"source": "sample", "field_id": cls.region.id, "value": "south"})],
        })

    def test_full_cell_closes_its_remaining_cases(self):
        first = self._case(data={"region": "north"})
        other_north = self._case(data={"region": "north"})
        south = self._case(data={"region": "south"})
        self.close(first, "complete", now=NOW)
        self.assertEqual(self.north.complete_count, 1)
        self.assertEqual(self.north.state, "full")
        self.assertEqual(other_north.state, "done")
        self.assertEqual(other_north.disposition_id, self.disposition("quota_full"))
        self.assertEqual(south.state, "new")
        self.assertEqual(self.south.state, "open")

    def test_complete_in_full_survey_cell_is_screened_out(self):
        women = self.env["callcenter.cati.quota"].create({
            "campaign_id": self.campaign.id, "name": "Women", "target": 1,
            "condition_ids": [(0, 0, {"source": "survey", "question_id": self.question_gender.id,
                                      "answer_id": self.answer_female.id})],
        })
        first, second = self._case(data={"region": "south"}), self._case(data={"region": "south"})
        for case in first | second:
            answer = case._cati_ensure_user_input()
            self.env["survey.user_input.line"].create({
                "user_input_id": answer.id, "question_id": self.question_gender.id,
                "answer_type": "suggestion", "suggested_answer_id": self.answer_female.id,
            })
        self.close(first, "complete", now=NOW)
        self.assertEqual(women.state, "full")
        self.assertEqual(second.state, "new", "survey cells cannot close cases before the interview")
        self.close(second, "complete", now=NOW)
        self.assertEqual(second.disposition_id, self.disposition("quota_full"))
        self.assertEqual(self.south.complete_count, 1, "a screened-out interview is no complete")

    def test_lagging_cell_is_boosted(self):
        self.north.target = 10
        done = self._case(data={"region": "north"})
        self.close(done, "complete", now=NOW)
        north = self._case(data={"region": "north"}, priority=50)
        south = self._case(data={"region": "south"}, priority=50)
        self.campaign.quota_ids._cati_refresh_priorities()
        self.assertGreater(self.south.boost, 0)
        self.assertEqual(self.north.boost, 0)
        self.assertEqual(south.rank, 50 + self.south.boost)
        self.assertEqual(north.rank, 50)
        self.assertEqual(self.pick(self.agent), south)

    def test_priority_change_keeps_boost(self):
        case = self._case(data={"region": "south"}, priority=20)
        self.north.target = 10
        self.close(self._case(data={"region": "north"}), "complete", now=NOW)
        self.campaign.quota_ids._cati_refresh_priorities()
        case.priority = 30
        self.assertEqual(case.rank, 30 + self.south.boost)
