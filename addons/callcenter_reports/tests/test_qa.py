# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64

from psycopg2 import IntegrityError

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, HttpCase, new_test_user, tagged, users
from odoo.tools import mute_logger

from odoo.addons.callcenter_base.tests.common import CallcenterCommon

QA_GROUPS = "base.group_user,callcenter_reports.group_callcenter_qa"
RECORDING = b"RIFF\x24\x00\x00\x00WAVEfmt qa-test-recording"


class QaCommon(CallcenterCommon):
    """A three-item scorecard (one critical), a reviewer, and recorded calls of both queues."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user_qa = new_test_user(cls.env, "cc_qa_reviewer", groups=QA_GROUPS,
                                    name="Quality Reviewer")
        cls.scorecard = cls.env["callcenter.qa.scorecard"].create({
            "name": "Test Standard",
            "sequence": 1,
            "pass_score": 75.0,
            "criterion_ids": [
                Command.create({"name": "Greeting", "sequence": 1, "weight": 2.0, "max_score": 5}),
                Command.create({"name": "Solution", "sequence": 2, "weight": 1.0, "max_score": 10}),
                Command.create({"name": "Courtesy", "sequence": 3, "weight": 1.0, "max_score": 5,
                                "critical": True}),
            ],
        })
        cls.greeting, cls.solution, cls.courtesy = cls.scorecard.criterion_ids
        cls.call_support = cls._create_call(cls.queue_support, cls.agent, linkedid="qa.sup",
                                            state="completed")
        cls.call_sales = cls._create_call(cls.queue_sales, cls.agent_sales, linkedid="qa.sal",
                                          state="completed")
        cls.call_unrecorded = cls._create_call(cls.queue_support, cls.agent, linkedid="qa.norec",
                                               state="completed")
        cls.recording_support = cls._attach_recording(cls.call_support, RECORDING)
        cls.recording_sales = cls._attach_recording(cls.call_sales, RECORDING)

    @classmethod
    def _review(cls, call, scores=(), failed=False, done=False):
        """A review of `call` by the reviewer; `scores` in the scorecard's order."""
        review = cls.env["callcenter.qa.review"].with_user(cls.user_qa).create({
            "call_id": call.id, "scorecard_id": cls.scorecard.id,
        })
        for line, score in zip(review.line_ids, scores):
            line.score = score
        if failed:
            review.line_ids.filtered("critical").failed = True
        if done:
            review.action_done()
        return review.with_env(cls.env)


@tagged("callcenter")
class TestQaScoring(QaCommon):
    def test_weighted_score(self):
        review = self._review(self.call_support, scores=(4, 5, 5))
        # (2 x 4/5 + 1 x 5/10 + 1 x 5/5) / (2 + 1 + 1) = 3.1 / 4
        self.assertAlmostEqual(review.score, 77.5)
        self.assertFalse(review.critical_failed)
        self.assertTrue(review.passed)
        self.assertEqual(review.line_ids.mapped("score_pct"), [80.0, 50.0, 100.0])

    def test_critical_failure_fails_the_review(self):
        review = self._review(self.call_support, scores=(5, 10, 5), failed=True)
        self.assertTrue(review.critical_failed)
        self.assertEqual(review.score, 0.0)
        self.assertFalse(review.passed)
        self.assertEqual(review.line_ids.filtered("critical").score_pct, 0.0)

    def test_pass_score_is_inclusive_and_kept(self):
        self.scorecard.pass_score = 77.5
        review = self._review(self.call_support, scores=(4, 5, 5))
        self.assertTrue(review.passed)
        self.scorecard.pass_score = 90.0
        self.assertEqual(review.pass_score, 77.5, "a review keeps the pass score it was made with")
        self.assertTrue(review.passed)
        review.line_ids[0].score = 3
        self.assertAlmostEqual(review.score, 67.5)
        self.assertFalse(review.passed)

    def test_lines_follow_the_scorecard(self):
        review = self._review(self.call_support)
        self.assertEqual(review.line_ids.mapped("name"), ["Greeting", "Solution", "Courtesy"])
        self.assertEqual(review.line_ids.mapped("critical"), [False, False, True])
        other = self.env["callcenter.qa.scorecard"].create({
            "name": "Short", "criterion_ids": [Command.create({"name": "Tone"})],
        })
        review.scorecard_id = other
        self.assertEqual(review.line_ids.mapped("name"), ["Tone"])
        self.assertEqual(review.line_ids.max_score, 5)

    def test_criteria_are_snapshotted(self):
        review = self._review(self.call_support, scores=(4, 5, 5), done=True)
        self.greeting.write({"weight": 10.0, "name": "Warm greeting", "max_score": 10})
        self.solution.unlink()
        self.courtesy.critical = False
        self.assertEqual(review.line_ids.mapped("name"), ["Greeting", "Solution", "Courtesy"])
        self.assertEqual(review.line_ids.mapped("weight"), [2.0, 1.0, 1.0])
        self.assertEqual(review.line_ids.mapped("max_score"), [5, 10, 5])
        self.assertTrue(review.line_ids[2].critical)
        self.assertFalse(review.line_ids[1].criterion_id)
        self.assertAlmostEqual(review.score, 77.5)
        newer = self._review(self.call_sales)
        self.assertEqual(newer.line_ids.mapped("name"), ["Warm greeting", "Courtesy"])
        self.assertEqual(newer.line_ids.mapped("weight"), [10.0, 1.0])

    def test_only_recorded_calls(self):
        with self.assertRaisesRegex(ValidationError, "no recording"):
            self._review(self.call_unrecorded)
        with self.assertRaisesRegex(UserError, "no recording"):
            self.call_unrecorded.with_user(self.user_qa).action_callcenter_qa_review()

    def test_nobody_reviews_own_call(self):
        with self.assertRaises(ValidationError):
            self.env["callcenter.qa.review"].create({
                "call_id": self.call_support.id, "scorecard_id": self.scorecard.id,
                "reviewer_id": self.user_agent.id,
            })

    def test_score_bounds(self):
        review = self._review(self.call_support)
        with self.assertRaises(ValidationError):
            review.line_ids[0].score = 6
        with self.assertRaises(ValidationError):
            review.line_ids[0].score = -1
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"), self.cr.savepoint():
            self.env["callcenter.qa.criterion"].create({
                "scorecard_id": self.scorecard.id, "name": "Free", "weight": 0,
            })

    def test_done_review_is_locked_until_reopened(self):
        review = self._review(self.call_support, scores=(4, 5, 5), done=True)
        review = review.with_user(self.user_qa)
        self.assertEqual(review.state, "done")
        with self.assertRaises(UserError):
            review.line_ids[0].score = 1
        with self.assertRaises(UserError):
            review.scorecard_id = False
        with self.assertRaises(UserError):
            review.unlink()
        review.action_reset_draft()
        review.line_ids[0].score = 1
        self.assertAlmostEqual(review.score, 47.5)
        review.unlink()

    def test_done_needs_lines(self):
        empty = self.env["callcenter.qa.scorecard"].create({"name": "Empty"})
        review = self.env["callcenter.qa.review"].with_user(self.user_qa).create({
            "call_id": self.call_support.id, "scorecard_id": empty.id,
        })
        with self.assertRaises(UserError):
            review.action_done()

    def test_review_from_the_call(self):
        call = self.call_support.with_user(self.user_qa)
        action = call.action_callcenter_qa_review()
        self.assertEqual(action["context"], {"default_call_id": call.id})
        with Form(self.env["callcenter.qa.review"].with_user(self.user_qa)
                  .with_context(**action["context"])) as form:
            self.assertEqual(form.scorecard_id, self.scorecard)
            self.assertEqual(form.agent_id, self.agent)
            self.assertEqual(form.reviewer_id, self.user_qa)
            self.assertEqual(len(form.line_ids), 3)
            with form.line_ids.edit(0) as line:
                line.score = 5
            with form.line_ids.edit(1) as line:
                line.score = 10
            with form.line_ids.edit(2) as line:
                line.score = 5
            self.assertEqual(form.score, 100.0)
        review = form.record
        self.assertEqual(review.recording_attachment_id, self.recording_support)
        self.assertEqual(call.qa_review_count, 1)
        self.assertEqual(call.action_view_callcenter_qa_reviews()["domain"],
                         [("call_id", "=", call.id)])

    def test_line_facts_for_the_pivot(self):
        review = self._review(self.call_support, scores=(4, 5, 5), done=True)
        self._review(self.call_sales, scores=(2, 10, 5), done=True)
        line = review.line_ids[0]
        self.assertEqual(
            (line.agent_id, line.user_id, line.queue_id, line.scorecard_id, line.state),
            (self.agent, self.user_agent, self.queue_support, self.scorecard, "done"),
        )
        groups = self.env["callcenter.qa.review.line"]._read_group(
            [("scorecard_id", "=", self.scorecard.id)], ["criterion_id"], ["score_pct:avg"]
        )
        self.assertEqual({c.name: avg for c, avg in groups},
                         {"Greeting": 60.0, "Solution": 75.0, "Courtesy": 100.0})


@tagged("callcenter")
class TestQaAccess(QaCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.review_support_done = cls._review(cls.call_support, scores=(4, 5, 5), done=True)
        cls.review_support_draft = cls._review(cls.call_support, scores=(1, 1, 1))
        cls.review_sales_done = cls._review(cls.call_sales, scores=(5, 10, 5), done=True)
        cls.test_reviews = (
            cls.review_support_done | cls.review_support_draft | cls.review_sales_done
        )

    def _visible_reviews(self):
        return self.env["callcenter.qa.review"].search([("id", "in", self.test_reviews.ids)])

    def _visible_lines(self):
        return self.env["callcenter.qa.review.line"].search(
            [("review_id", "in", self.test_reviews.ids)]
        ).review_id

    @users("cc_agent")
    @mute_logger("odoo.models", "odoo.addons.base.models.ir_rule")
    def test_agent_reads_own_done_reviews_only(self):
        self.assertEqual(self._visible_reviews(), self.review_support_done)
        self.assertEqual(self._visible_lines(), self.review_support_done)
        with self.assertRaises(AccessError):
            self.review_support_draft.with_env(self.env).read(["score"])
        own = self.review_support_done.with_env(self.env)
        self.assertEqual(own.recording_attachment_id, self.recording_support)
        with self.assertRaises(AccessError):
            own.write({"agent_acknowledged": True})
        with self.assertRaises(AccessError):
            own.line_ids[0].write({"score": 5})
        with self.assertRaises(AccessError):
            self.env["callcenter.qa.review"].create({
                "call_id": self.call_sales.id, "scorecard_id": self.scorecard.id,
            })

    @users("cc_lead")
    def test_team_lead_reads_led_queue_reviews(self):
        self.assertEqual(self._visible_reviews(),
                         self.review_support_done | self.review_support_draft)
        self.assertEqual(self._visible_lines(),
                         self.review_support_done | self.review_support_draft)
        with self.assertRaises(AccessError):
            self.review_support_draft.with_env(self.env).line_ids[0].score = 5

    @users("cc_qa_reviewer")
    @mute_logger("odoo.models")
    def test_qa_reads_every_call_and_manages_reviews(self):
        calls = self.env["callcenter.call"].search(
            [("linkedid", "in", ["qa.sup", "qa.sal", "qa.norec"])]
        )
        self.assertEqual(len(calls), 3)
        self.assertEqual(base64.b64decode(self.recording_sales.with_env(self.env).datas), RECORDING)
        with self.assertRaises(AccessError):
            self.call_sales.with_env(self.env).write({"summary": "not for reviewers"})
        self.assertEqual(self._visible_reviews(), self.test_reviews)
        review = self.review_support_draft.with_env(self.env)
        review.line_ids[0].score = 5
        review.action_done()
        review.action_reset_draft()
        review.unlink()

    @users("cc_manager")
    def test_manager_reads_all(self):
        self.assertEqual(self._visible_reviews(), self.test_reviews)
        self.assertEqual(self._visible_lines(), self.test_reviews)

    @mute_logger("odoo.models", "odoo.addons.base.models.ir_rule")
    def test_multi_company(self):
        other = self.env["res.company"].create({"name": "Other Center"})
        call = self.env["callcenter.call"].create({
            "company_id": other.id, "linkedid": "qa.other", "state": "completed",
        })
        self._attach_recording(call, RECORDING)
        scorecard = self.env["callcenter.qa.scorecard"].create({
            "name": "Other", "company_id": other.id,
            "criterion_ids": [Command.create({"name": "Tone"})],
        })
        review = self.env["callcenter.qa.review"].create({
            "call_id": call.id, "scorecard_id": scorecard.id, "reviewer_id": self.user_manager.id,
        })
        Review = self.env["callcenter.qa.review"].with_user(self.user_qa)
        self.assertFalse(Review.search([("id", "=", review.id)]))
        self.assertFalse(self.env["callcenter.qa.review.line"].with_user(self.user_qa).search(
            [("review_id", "=", review.id)]))
        self.assertFalse(self.env["callcenter.qa.scorecard"].with_user(self.user_qa).search(
            [("id", "=", scorecard.id)]))
        with self.assertRaises(AccessError):
            call.with_user(self.user_qa).read(["state"])
        with self.assertRaises(UserError):
            Review.create({"call_id": self.call_support.id, "scorecard_id": scorecard.id})


@tagged("callcenter")
class TestQaAcknowledge(QaCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.review = cls._review(cls.call_support, scores=(4, 5, 5), done=True)

    def test_agent_acknowledges_own_review_with_comment(self):
        review = self.review.with_user(self.user_agent)
        self.assertTrue(review.can_acknowledge)
        review.action_acknowledge(comment="Understood, I will summarise before closing.")
        self.assertTrue(self.review.agent_acknowledged)
        self.assertTrue(self.review.acknowledged_at)
        self.assertEqual(self.review.agent_comment, "Understood, I will summarise before closing.")
        message = self.review.message_ids.filtered(lambda m: m.message_type == "comment")[:1]
        self.assertIn("summarise before closing", message.body)
        self.assertEqual(message.author_id, self.user_agent.partner_id)
        self.assertFalse(review.can_acknowledge)
        with self.assertRaises(UserError):
            review.action_acknowledge()

    def test_reopening_asks_for_a_new_acknowledgment(self):
        self.review.with_user(self.user_agent).action_acknowledge()
        self.review.with_user(self.user_qa).action_reset_draft()
        self.assertFalse(self.review.agent_acknowledged)
        self.assertFalse(self.review.acknowledged_at)

    @mute_logger("odoo.models", "odoo.addons.base.models.ir_rule")
    def test_only_the_reviewed_agent_acknowledges(self):
        with self.assertRaises(AccessError):
            self.review.with_user(self.user_agent_sales).action_acknowledge()
        with self.assertRaises(AccessError):
            self.review.with_user(self.user_lead).action_acknowledge()
        with self.assertRaises(AccessError):
            self.review.with_user(self.user_qa).action_acknowledge()
        self.assertFalse(self.review.agent_acknowledged)

    @mute_logger("odoo.models", "odoo.addons.base.models.ir_rule")
    def test_draft_review_cannot_be_acknowledged(self):
        self.review.with_user(self.user_qa).action_reset_draft()
        with self.assertRaises(AccessError):
            self.review.with_user(self.user_agent).action_acknowledge()


@tagged("post_install", "-at_install", "callcenter")
class TestQaHttp(QaCommon, HttpCase):
    """In the browser: the player's URL, /web/content/<attachment>, applies the call's
    rules; a reviewer scores a call from its form; the agent acknowledges."""

    def _fetch_recording(self, login, attachment):
        self.authenticate(login, login)
        return self.url_open(f"/web/content/{attachment.id}")

    @mute_logger("odoo.http", "odoo.addons.base.models.ir_rule", "odoo.models")
    def test_agent_cannot_fetch_another_agents_recording(self):
        response = self._fetch_recording("cc_agent", self.recording_sales)
        self.assertIn(response.status_code, (403, 404))
        self.assertNotIn(RECORDING, response.content)
        own = self._fetch_recording("cc_agent", self.recording_support)
        self.assertEqual(own.status_code, 200)
        self.assertEqual(own.content, RECORDING)

    def test_reviewer_fetches_every_recording(self):
        for attachment in (self.recording_support, self.recording_sales):
            response = self._fetch_recording("cc_qa_reviewer", attachment)
            self.assertEqual(response.status_code, 200)
            self.assertEqual(response.content, RECORDING)

    def test_review_tour(self):
        self.start_tour(f"/odoo/callcenter-calls/{self.call_support.id}",
                        "callcenter_reports_qa_review_tour", login="cc_qa_reviewer")
        review = self.env["callcenter.qa.review"].search([("call_id", "=", self.call_support.id)])
        self.assertEqual((review.state, review.score, review.passed, review.reviewer_id),
                         ("done", 100.0, True, self.user_qa))
        self.assertEqual(review.line_ids.mapped("score"), [5, 10, 5])

    def test_acknowledge_tour(self):
        review = self._review(self.call_support, scores=(4, 5, 5), done=True)
        self.start_tour(f"/odoo/callcenter-qa-reviews/{review.id}",
                        "callcenter_reports_qa_acknowledge_tour", login="cc_agent")
        self.assertTrue(review.agent_acknowledged)
        self.assertEqual(review.agent_comment, "Thanks, I will summarise before closing.")
