# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import datetime, timedelta

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import MONDAY_0200_UTC, CatiCommon

NOW = MONDAY_0200_UTC


@tagged("callcenter")
class TestScheduler(CatiCommon):
    """The next-case rules, one by one."""

    def test_window_in_respondent_local_time(self):
        shanghai = self._case(tz="Asia/Shanghai")      # 10:00 local: inside 09-21
        new_york = self._case(tz="America/New_York", priority=90)   # 21:00 local: closed
        self.assertEqual(self.pick(self.agent, limit=5), shanghai)
        self.assertEqual(new_york.state, "new")
        # Twelve hours later New York is at 09:00 and Shanghai at 22:00.
        self.assertEqual(self.pick(self.agent, now=NOW + timedelta(hours=12)), new_york)

    def test_window_per_weekday(self):
        self.campaign.window_ids = [(5, 0, 0), (0, 0, {"weekday": "0", "hour_from": 9, "hour_to": 12})]
        case = self._case()
        self.assertFalse(self.pick(self.agent, now=NOW + timedelta(days=1)), "Tuesday: closed")
        self.assertEqual(self.pick(self.agent), case, "Monday 10:00: open")

    def test_priority_then_waiting_time(self):
        low = self._case(priority=10)
        high = self._case(priority=90)
        waited_less = self._case(priority=50)
        waited_more = self._case(priority=50)
        waited_less.sudo().next_call = NOW - timedelta(hours=1)
        waited_more.sudo().next_call = NOW - timedelta(hours=5)
        order = [self.pick(self.agent) for _i in range(4)]
        self.assertEqual(order, [high, waited_more, waited_less, low])

    def test_due_appointment_first_even_outside_windows(self):
        self._case(priority=100)
        booked = self._case(priority=0)
        self.close(booked, "appointment_definite", callback_at=NOW - timedelta(minutes=1), now=NOW)
        self.assertEqual(booked.state, "appointment")
        self.assertEqual(self.pick(self.agent), booked)
        # At 23:00 Shanghai time no window is open, yet a due appointment is called.
        late = self._case()
        self.close(late, "appointment_definite", callback_at=NOW + timedelta(hours=13), now=NOW)
        self.assertEqual(self.pick(self.agent, now=NOW + timedelta(hours=13)), late)

    def test_appointment_not_before_its_time(self):
        case = self._case(priority=100)
        self.close(case, "appointment_definite", callback_at=NOW + timedelta(hours=1), now=NOW)
        self.assertFalse(self.pick(self.agent))
        self.assertEqual(self.pick(self.agent, now=NOW + timedelta(hours=1)), case)

    def test_appointment_for_an_interviewer(self):
        for_sales = self._case()
        self.close(for_sales, "appointment_definite", callback_at=NOW - timedelta(minutes=5),
                   callback_agent=self.agent_sales, now=NOW)
        for_anyone = self._case()
        self.close(for_anyone, "appointment_definite", callback_at=NOW - timedelta(minutes=10), now=NOW)
        self.assertEqual(self.pick(self.agent), for_anyone, "not the other interviewer's appointment")
        self.assertEqual(self.pick(self.agent_sales), for_sales)

    def test_own_appointment_before_anyones(self):
        for_anyone = self._case()
        self.close(for_anyone, "appointment_definite", callback_at=NOW - timedelta(hours=1), now=NOW)
        mine = self._case()
        self.close(mine, "appointment_definite", callback_at=NOW - timedelta(minutes=1),
                   callback_agent=self.agent, now=NOW)
        self.assertEqual(self.pick(self.agent), mine)

    def test_assigned_interviewer_only(self):
        assigned = self._case(agent_id=self.agent_sales.id, priority=100)
        other = self._case(priority=0)
        self.assertEqual(self.pick(self.agent), other)
        self.assertEqual(self.pick(self.agent_sales), assigned)

    def test_retry_delay(self):
        case = self._case()
        self.close(case, "busy", now=NOW)
        self.assertEqual(case.state, "retry")
        self.assertEqual(case.next_call, NOW + timedelta(minutes=15))
        self.assertFalse(self.pick(self.agent, now=NOW + timedelta(minutes=14)))
        self.assertEqual(self.pick(self.agent, now=NOW + timedelta(minutes=15)), case)

    def test_calls_per_case_limit(self):
        self.campaign.max_calls_per_case = 2
        case = self._case()
        self.close(case, "no_answer", now=NOW)
        self.assertEqual(case.state, "retry")
        self.close(case, "no_answer", now=NOW)
        self.assertEqual(case.state, "done")
        self.assertEqual(case.call_count, 2)
        self.assertEqual(case.disposition_id, self.disposition("no_answer"))

    def test_attempts_per_number_moves_to_the_next_number(self):
        self.campaign.max_attempts_per_number = 1
        case = self._case(numbers=2)
        first, second = case.number_ids
        self.assertEqual(case._cati_callable_numbers()[:1], first)
        self.close(case, "no_answer", now=NOW)
        self.assertEqual(case._cati_callable_numbers(), second)
        self.close(case, "no_answer", now=NOW)
        self.assertEqual(case.state, "done", "no number left to dial")

    def test_try_another_number(self):
        case = self._case(numbers=2)
        self.close(case, "disconnected", now=NOW)
        self.assertEqual(case.number_ids[0].state, "invalid")
        self.assertEqual(case.state, "retry")
        self.close(case, "fax", now=NOW)
        self.assertEqual(case.state, "done")
        self.assertEqual(case.aapor_category, "NE")

    def test_final_disposition_closes(self):
        case = self._case()
        self.close(case, "refusal_hard", note="Do not call again", now=NOW)
        self.assertEqual(case.state, "done")
        self.assertFalse(self.pick(self.agent))

    def test_note_required(self):
        case = self._case()
        with self.assertRaisesRegex(UserError, "needs a note"):
            self.close(case, "refusal_hard")

    def test_appointment_needs_a_time(self):
        case = self._case()
        with self.assertRaisesRegex(UserError, "callback time"):
            self.close(case, "appointment_definite")

    def test_contact_outcome_survives_later_non_contact(self):
        case = self._case()
        self.close(case, "refusal_soft", now=NOW)
        self.close(case, "no_answer", now=NOW)
        self.assertEqual(case.disposition_id, self.disposition("refusal_soft"))
        self.assertEqual(case.aapor_category, "R")

    def test_two_pickers_never_share_a_case(self):
        cases = self._case() | self._case()
        first = self.pick(self.agent)
        second = self.pick(self.agent_sales)
        self.assertEqual(first | second, cases)
        self.assertEqual(first.locked_agent_id, self.agent)
        self.assertFalse(self.pick(self.agent), "both are locked")

    def test_zones_and_windows_seen_at_once(self):
        """The scheduler caches the campaign's zones and windows: a case of a new
        zone, or windows written, count from the next pick."""
        self._case()
        self.assertTrue(self.pick(self.agent))
        new_york = self._case(tz="America/New_York")
        self.assertEqual(self.pick(self.agent, now=NOW + timedelta(hours=12)), new_york)
        self._case(tz="America/New_York")
        self.campaign.window_ids.write({"hour_from": 22.0, "hour_to": 23.0})
        self.assertFalse(self.pick(self.agent, now=NOW + timedelta(hours=12)))
        moved = self._case()
        moved.tz = "Europe/Paris"  # 03:00 in Paris, 10:00 in Shanghai
        self.campaign.window_ids.write({"hour_from": 2.0, "hour_to": 4.0})
        self.assertEqual(self.pick(self.agent), moved)

    def test_release_returns_to_history_state(self):
        fresh = self._case()
        self.pick(self.agent)
        fresh._cati_release()
        self.assertEqual(fresh.state, "new")
        called = self._case()
        self.close(called, "busy", now=NOW - timedelta(hours=1))
        self.pick(self.agent, now=NOW)
        called._cati_release()
        self.assertEqual(called.state, "retry")

    def test_release_stale_locks(self):
        case = self._case()
        self.pick(self.agent)
        case.sudo().locked_at = datetime.now() - timedelta(hours=1)
        self.Case._cati_release_stale()
        self.assertEqual(case.state, "new")

    def test_time_zone_for_number(self):
        from ..tools.timezones import zone_for_number
        self.assertEqual(zone_for_number("+12125551234", "Asia/Shanghai"), "America/New_York")
        self.assertEqual(zone_for_number("+8613800138000", "UTC"), "Asia/Shanghai")
        self.assertEqual(zone_for_number("1001", "Asia/Shanghai"), "Asia/Shanghai")

    def test_paused_campaign_gives_no_dialer_cases(self):
        self._case()
        self.campaign.action_pause()
        answer = self.pbx.with_user(self._connector_user()).callcenter_cati_dial_cases(
            self.campaign.id, 5)
        self.assertEqual(answer, [])

    def _connector_user(self):
        from odoo.tests import new_test_user
        return new_test_user(self.env, "cc_connector_cati",
                             groups="base.group_user,callcenter_base.group_callcenter_connector")
