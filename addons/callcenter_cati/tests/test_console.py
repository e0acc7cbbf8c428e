# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import datetime, timedelta

from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from odoo.addons.callcenter_base.tests.test_ui import BusHttpCase

from .common import CatiCommon

INTERVIEWER_GROUPS = ("base.group_user,callcenter_base.group_callcenter_agent,"
                      "callcenter_base.group_callcenter_connector")
ALL_DAY = [(0, 0, {"weekday": str(day), "hour_from": 0.0, "hour_to": 24.0}) for day in range(7)]


@tagged("callcenter")
class TestCatiConsole(CatiCommon):
    """The console's RPC methods, as the interviewers call them: a running preview
    campaign of the two agents, callable all week round."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.campaign.write({
            "window_ids": [(5, 0, 0), *ALL_DAY],
            "field_ids": [
                (0, 0, {"key": "age", "name": "Age", "field_type": "integer"}),
                (0, 0, {"key": "panel_id", "name": "Panel ID", "field_type": "char",
                        "editable": False}),
            ],
        })
        cls.Console = cls.env["callcenter.cati.console"]

    def setUp(self):
        super().setUp()
        self.commands = self._record_pbx_commands()

    def console(self, user=None):
        return self.Console.with_user(user or self.user_agent)

    def take(self, user=None, **values):
        case = self._case(**values)
        payload = self.console(user).cati_next_case(self.campaign.id)
        self.assertEqual(payload["case"]["id"], case.id)
        return case

    def test_state_and_next_case(self):
        state = self.console().cati_console_state()
        self.assertEqual([c["id"] for c in state["campaigns"]], [self.campaign.id])
        self.assertFalse(state["case"])
        self.assertIn("1", [d["shortcut"] for d in state["dispositions"]])
        self.assertNotIn(self.disposition("abandoned").id, [d["id"] for d in state["dispositions"]])
        case = self._case(numbers=2, tz="Asia/Urumqi", data={"region": "north", "age": 30})
        payload = self.console().cati_next_case(self.campaign.id)["case"]
        self.assertEqual((case.state, case.locked_agent_id), ("locked", self.agent))
        self.assertEqual(payload["tz"], "Asia/Urumqi")
        self.assertEqual({f["key"]: f["value"] for f in payload["fields"]},
                         {"region": "north", "age": 30, "panel_id": None})
        region = next(f for f in payload["fields"] if f["key"] == "region")
        self.assertEqual(region["choices"], ["north", "south"])
        self.assertTrue(all(n["callable"] for n in payload["numbers"]))
        answer = case.user_input_id
        self.assertEqual(answer.cati_case_id, case)
        self.assertEqual(payload["survey"]["url"],
                         f"/survey/{self.survey.access_token}/{answer.access_token}")
        # The console shows the held case again after a reload.
        self.assertEqual(self.console().cati_console_state()["case"]["id"], case.id)
        self.assertEqual(self.console().cati_next_case(self.campaign.id)["case"]["id"], case.id)

    def test_nothing_to_call_says_why(self):
        answer = self.console().cati_next_case(self.campaign.id)
        self.assertEqual((answer["case"], answer["reason"]), (False, "finished"))
        case = self._case()
        case.sudo().next_call = datetime.now() + timedelta(hours=2)
        answer = self.console().cati_next_case(self.campaign.id)
        self.assertEqual(answer["reason"], "no_case")
        self.assertTrue(answer["next_call"])
        self.campaign.window_ids = [(5, 0, 0)]
        self.assertEqual(self.console().cati_next_case(self.campaign.id)["reason"],
                         "windows_closed")

    def test_non_interviewer_cannot_take_a_case(self):
        self._case()
        with self.assertRaises(AccessError):
            self.console(self.user_lead).cati_next_case(self.campaign.id)
        with self.assertRaises(UserError):
            self.console(self.user_plain).cati_next_case(self.campaign.id)
        self.assertFalse(self.console(self.user_lead).cati_console_state()["campaigns"])

    def test_cannot_touch_another_interviewers_case(self):
        case = self.take(data={"age": 30})
        other = self.console(self.user_agent_sales)
        with self.assertRaises(UserError):
            other.cati_save_case_data(case.id, {"age": "31"})
        with self.assertRaises(UserError):
            other.cati_set_disposition(case.id, self.disposition("refusal_soft").id)
        with self.assertRaises(UserError):
            other.cati_dial(case.id, case.number_ids.id)
        self.assertEqual(case.data["age"], 30)
        self.assertFalse(self.commands)

    def test_save_case_data_typed_and_editable_only(self):
        case = self.take(data={"region": "north", "age": 30, "panel_id": "P-1"})
        payload = self.console().cati_save_case_data(case.id, {"age": "42", "region": "south"})
        self.assertEqual(case.data, {"region": "south", "age": 42, "panel_id": "P-1"})
        self.assertEqual(next(f for f in payload["fields"] if f["key"] == "age")["value"], 42)
        with self.assertRaises(AccessError):
            self.console().cati_save_case_data(case.id, {"panel_id": "P-2"})
        with self.assertRaises(UserError):
            self.console().cati_save_case_data(case.id, {"age": "forty"})
        with self.assertRaises(UserError):
            self.console().cati_save_case_data(case.id, {"region": "west"})
        self.assertEqual(case.data["panel_id"], "P-1")

    def test_dial_and_complete(self):
        case = self.take(numbers=2)
        first, second = case.number_ids
        answer = self.console().cati_dial(case.id, first.id)
        self.assertFalse(answer.get("error"))
        self.assertEqual([action for action, _params in self.commands], ["originate"])
        self.assertEqual(self.commands[0][1]["caller_id"], "4008001234")
        attempt = case.attempt_ids
        self.assertEqual((attempt.number_id, attempt.agent_id, attempt.id),
                         (first, self.agent, answer["attempt_id"]))
        self.assertEqual(answer["case"]["open_attempt"]["number_id"], first.id)
        result = self.console().cati_set_disposition(case.id, self.disposition("complete").id)
        self.assertFalse(result["screened_out"])
        self.assertEqual(result["case_state"], "done")
        self.assertEqual(attempt.disposition_id, self.disposition("complete"))
        self.assertEqual(result["stats"]["my_completes"], 1)
        self.assertEqual(result["stats"]["leaderboard"][0]["agent_id"], self.agent.id)
        with self.assertRaises(UserError):
            self.console().cati_dial(case.id, second.id)

    def test_dial_another_number_after_no_answer(self):
        case = self.take(numbers=2)
        first, second = case.number_ids
        self.console().cati_dial(case.id, first.id)
        with self.assertRaises(UserError):
            self.console().cati_dial(case.id, second.id)
        first_attempt = case.attempt_ids
        first_attempt.call_id.write({"state": "missed", "ended_at": datetime.now()})
        self.console().cati_dial(case.id, second.id)
        self.assertEqual(first_attempt.disposition_id, self.disposition("no_answer"))
        self.assertEqual(first.attempt_count, 1)
        self.assertEqual((case.state, case.locked_agent_id), ("locked", self.agent))
        self.assertEqual(len(case.attempt_ids), 2)
        self.console().cati_set_disposition(case.id, self.disposition("refusal_soft").id)
        self.assertEqual(case.attempt_ids.sorted("id")[-1].disposition_id,
                         self.disposition("refusal_soft"))
        self.assertEqual(case.state, "retry")

    def test_answered_call_needs_its_outcome_first(self):
        case = self.take(numbers=2)
        first, second = case.number_ids
        self.console().cati_dial(case.id, first.id)
        case.attempt_ids.call_id.write({"state": "completed", "answered_at": datetime.now(),
                                        "ended_at": datetime.now()})
        with self.assertRaises(UserError):
            self.console().cati_dial(case.id, second.id)
        with self.assertRaises(UserError):
            self.console().cati_release_case(case.id)

    def test_required_note(self):
        case = self.take()
        hard = self.disposition("refusal_hard")
        with self.assertRaises(UserError):
            self.console().cati_set_disposition(case.id, hard.id, "  ")
        self.assertEqual(case.state, "locked")
        self.console().cati_set_disposition(case.id, hard.id, "Never call again")
        self.assertEqual(case.state, "done")
        self.assertIn("Never call again", case.note)
        self.assertEqual(case.attempt_ids.note, "Never call again")

    def test_callback_in_the_respondents_zone(self):
        appointment = self.disposition("appointment_definite")
        urumqi = self.take(tz="Asia/Urumqi")
        with self.assertRaises(UserError):
            self.console().cati_set_disposition(urumqi.id, appointment.id, False, False)
        with self.assertRaises(UserError):
            self.console().cati_set_disposition(urumqi.id, appointment.id, False,
                                                "2020-01-15 18:30")
        result = self.console().cati_set_disposition(urumqi.id, appointment.id, False,
                                                     "2030-01-15 18:30", False)
        self.assertIn("2030-01-15 18:30", result["message"])
        self.assertEqual(urumqi.appointment_ids.scheduled_at, datetime(2030, 1, 15, 12, 30))
        self.assertFalse(urumqi.appointment_ids.agent_id)
        self.assertEqual((urumqi.state, urumqi.next_call),
                         ("appointment", datetime(2030, 1, 15, 12, 30)))
        # Summer time in New York (UTC-4), for this interviewer only.
        new_york = self.take(tz="America/New_York")
        self.console().cati_set_disposition(new_york.id, appointment.id, False,
                                            "2030-07-01 09:00", True)
        self.assertEqual(new_york.appointment_ids.scheduled_at, datetime(2030, 7, 1, 13, 0))
        self.assertEqual(new_york.appointment_ids.agent_id, self.agent)
        self.assertEqual(new_york.appointment_agent_id, self.agent)

    def test_complete_in_full_quota_cell_is_screened_out(self):
        self.env["callcenter.cati.quota"].create({
            "campaign_id": self.campaign.id, "name": "Women", "target": 1, "complete_count": 1,
            "state": "full",
            "condition_ids": [(0, 0, {"source": "survey", "question_id": self.question_gender.id,
                                      "answer_id": self.answer_female.id})],
        })
        case = self.take()
        self.env["survey.user_input.line"].create({
            "user_input_id": case.user_input_id.id, "question_id": self.question_gender.id,
            "answer_type": "suggestion", "suggested_answer_id": self.answer_female.id,
        })
        result = self.console().cati_set_disposition(case.id, self.disposition("complete").id)
        self.assertTrue(result["screened_out"])
        self.assertIn("full", result["message"])
        self.assertEqual(case.disposition_id, self.disposition("quota_full"))
        self.assertEqual(result["stats"]["my_completes"], 0)

    def test_release_and_ready(self):
        case = self.take()
        self.assertTrue(self.console().cati_release_case(case.id))
        self.assertEqual((case.state, case.locked_agent_id.id), ("new", False))
        with self.assertRaises(UserError):
            self.console().cati_release_case(case.id)
        agent = self.console().cati_set_ready(True)
        self.assertEqual((agent["state"], self.agent.state), ("available", "available"))
        lunch = self.env.ref("callcenter_base.callcenter_pause_reason_lunch")
        self.console().cati_set_ready(False, lunch.id)
        self.assertEqual((self.agent.state, self.agent.pause_reason_id), ("paused", lunch))
        self.assertEqual([action for action, _params in self.commands],
                         ["agent_state", "agent_state"])

    def test_dialer_campaign_brings_its_own_cases(self):
        self.campaign.dial_mode = "progressive"
        self._case()
        answer = self.console().cati_next_case(self.campaign.id)
        self.assertEqual((answer["case"], answer["reason"]), (False, "dialer"))


@tagged("post_install", "-at_install", "callcenter")
class TestCatiConsoleUi(BusHttpCase):
    """The console in a real browser: a preview case from the next-case button to
    its outcome, the questionnaire answered in the console, a callback; and a
    progressive case that the dialer puts through by the bus."""

    def setUp(self):
        super().setUp()
        env = self._tour_pbx()
        self.user = new_test_user(env, "cc_cati_interviewer", groups=INTERVIEWER_GROUPS,
                                  name="Tour Interviewer", tz="Asia/Shanghai")
        self.other_user = new_test_user(env, "cc_cati_other", groups=INTERVIEWER_GROUPS,
                                        name="Other Interviewer", tz="Asia/Shanghai")
        Agent = env["callcenter.agent"]
        self.agent = Agent.create({"user_id": self.user.id, "pbx_id": self.pbx.id,
                                   "extension": "1001", "interface": "PJSIP/1001"})
        self.other_agent = Agent.create({"user_id": self.other_user.id, "pbx_id": self.pbx.id,
                                         "extension": "1002", "interface": "PJSIP/1002"})
        self.survey = env["survey.survey"].create({
            "title": "Tour Questionnaire",
            "access_mode": "token",
            "questions_layout": "page_per_question",
            "question_and_page_ids": [
                (0, 0, {"title": "Gender", "question_type": "simple_choice", "sequence": 1,
                        "constr_mandatory": True,
                        "suggested_answer_ids": [(0, 0, {"value": "Female"}),
                                                 (0, 0, {"value": "Male"})]}),
                (0, 0, {"title": "Comments", "question_type": "text_box", "sequence": 2}),
            ],
        })
        self.campaign = env["callcenter.cati.campaign"].create({
            "name": "Tour Panel",
            "survey_id": self.survey.id,
            "pbx_id": self.pbx.id,
            "agent_ids": [(6, 0, (self.agent | self.other_agent).ids)],
            "caller_id": "4008001234",
            "tz": "Asia/Shanghai",
            "window_ids": ALL_DAY,
            "field_ids": [
                (0, 0, {"sequence": 1, "key": "customer_id", "name": "Customer",
                        "field_type": "char", "editable": False}),
                (0, 0, {"sequence": 2, "key": "age", "name": "Age", "field_type": "integer"}),
            ],
        })
        Case = env["callcenter.cati.case"]
        self.case_a = Case.create({
            "campaign_id": self.campaign.id, "name": "Tour Respondent A", "priority": 90,
            "tz": "Asia/Shanghai", "data": {"customer_id": "C-77", "age": 40},
            "number_ids": [(0, 0, {"number": "+8613800138000", "label": "Mobile", "sequence": 1}),
                           (0, 0, {"number": "+862160001234", "label": "Home", "sequence": 2})],
        })
        self.case_b = Case.create({
            "campaign_id": self.campaign.id, "name": "Tour Respondent B", "priority": 10,
            "tz": "Asia/Urumqi", "data": {"customer_id": "C-78", "age": 55},
            "number_ids": [(0, 0, {"number": "+8613900139000", "label": "Mobile"})],
        })
        self.campaign.action_publish()
        self.campaign.action_start()

    def test_preview_case_to_outcome_and_callback(self):
        self.start_tour("/odoo/action-callcenter_cati.callcenter_cati_console_action",
                        "callcenter_cati_console_tour", login="cc_cati_interviewer")
        case_a, case_b = self.case_a, self.case_b
        self.assertEqual(case_a.data["age"], 42)
        self.assertEqual(self.connector.actions(), ["originate"])
        self.assertEqual(self.connector.commands[0]["params"]["number"], "+8613800138000")
        attempt = case_a.attempt_ids
        self.assertEqual(len(attempt), 1)
        self.assertEqual((attempt.number_id.number, attempt.agent_id, attempt.mode),
                         ("+8613800138000", self.agent, "preview"))
        self.assertTrue(attempt.call_id)
        self.assertEqual(attempt.disposition_id, self.env.ref("callcenter_cati.disposition_complete"))
        self.assertEqual((case_a.state, case_a.disposition_id), ("done", attempt.disposition_id))
        answers = case_a.user_input_id
        self.assertEqual((answers.state, answers.cati_case_id), ("done", case_a))
        self.assertEqual(answers.user_input_line_ids.filtered(
            lambda line: line.question_id.title == "Gender").suggested_answer_id.value, "Female")
        self.assertFalse(answers.partner_id, "answered for the respondent, not the interviewer")
        callback = self.env.ref("callcenter_cati.disposition_appointment_definite")
        self.assertEqual(case_b.attempt_ids.disposition_id, callback)
        self.assertFalse(case_b.attempt_ids.number_id)
        appointment = case_b.appointment_ids
        self.assertEqual(len(appointment), 1)
        # 18:30 in Urumqi (UTC+6).
        self.assertEqual(appointment.scheduled_at, datetime(2030, 1, 15, 12, 30))
        self.assertFalse(appointment.agent_id)
        self.assertIn("evenings", appointment.note)
        self.assertEqual((case_b.state, case_b.locked_agent_id.id), ("appointment", False))

    def test_dialer_puts_a_case_through(self):
        self.campaign.write({"dial_mode": "progressive"})
        dialed = self.env["callcenter.cati.case"].create({
            "campaign_id": self.campaign.id, "name": "Dialer Respondent", "priority": 100,
            "tz": "Asia/Shanghai",
            "number_ids": [(0, 0, {"number": "+8613700137000"})],
        })
        case = self.env["callcenter.cati.case"]._cati_pick(self.campaign, limit=1)
        self.assertEqual(case, dialed)
        case._cati_start_attempt(case.number_ids, mode="progressive")
        self.start_tour("/odoo/action-callcenter_cati.callcenter_cati_console_action",
                        "callcenter_cati_console_dialer_tour", login="cc_cati_interviewer")
        self.assertEqual((dialed.state, dialed.locked_agent_id), ("locked", self.agent))

    def test_survey_page_only_for_the_cases_interviewer(self):
        case = self.env["callcenter.cati.case"]._cati_pick(self.campaign, self.agent)
        answers = case._cati_ensure_user_input()
        url = f"/survey/{self.survey.access_token}/{answers.access_token}"
        self.authenticate("cc_cati_interviewer", "cc_cati_interviewer")
        page = self.url_open(url)
        self.assertEqual(page.status_code, 200)
        self.assertIn("Tour Questionnaire", page.text)
        self.assertNotIn("o_survey_access_error", page.text)
        self.authenticate("cc_cati_other", "cc_cati_other")
        page = self.url_open(url)
        self.assertNotIn('value="start"', page.text)
