# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date, datetime, timedelta
from unittest.mock import patch

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged, users

from odoo.addons.callcenter_base.tests.common import CallcenterCommon


@tagged("callcenter")
class TestCallcenterCallback(CallcenterCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.partner.tz = "Asia/Shanghai"
        cls.Callback = cls.env["callcenter.callback"]
        cls.callback_support = cls.Callback.create({
            "partner_id": cls.partner.id, "queue_id": cls.queue_support.id,
            "preferred_date": date(2026, 11, 23), "window_from": 9.0, "window_to": 10.5,
        })
        cls.callback_sales = cls.Callback.create({
            "partner_id": cls.partner.id, "queue_id": cls.queue_sales.id,
            "preferred_date": date(2026, 11, 23), "window_from": 14.0, "window_to": 15.0,
        })

    def setUp(self):
        super().setUp()
        self.commands = self._record_pbx_commands()

    # ------------------------------------------------------------
    # Values
    # ------------------------------------------------------------

    def test_number_and_window_from_the_contact(self):
        callback = self.callback_support
        self.assertEqual(callback.phone, "+86 136 6666 1234")
        self.assertEqual(callback.phone_key, "+8613666661234", "normalized like calls and contacts")
        self.assertEqual(callback.tz, "Asia/Shanghai")
        # 09:00–10:30 in Shanghai is 01:00–02:30 UTC.
        self.assertEqual(callback.preferred_start, datetime(2026, 11, 23, 1, 0))
        self.assertEqual(callback.preferred_end, datetime(2026, 11, 23, 2, 30))
        self.assertEqual(callback.state, "requested")
        self.assertEqual(callback.source, "agent")
        self.assertIn("09:00–10:30", callback.display_name)

    def test_window_and_number_validation(self):
        with self.assertRaises(ValidationError):
            self.Callback.create({"partner_id": self.partner.id, "queue_id": self.queue_support.id,
                                  "preferred_date": date(2026, 11, 23),
                                  "window_from": 11.0, "window_to": 10.0})
        with self.assertRaises(ValidationError):
            self.Callback.create({"partner_id": self.partner.id, "queue_id": self.queue_support.id,
                                  "phone": "not a number", "preferred_date": date(2026, 11, 23)})

    def test_due_filter(self):
        with freeze_time("2026-11-23 01:30:00"):
            due = self.Callback.search([("is_due", "=", True), ("id", "in", self.callback_support.ids
                                                                 + self.callback_sales.ids)])
            self.assertEqual(due, self.callback_support)
            not_due = self.Callback.search([("is_due", "=", False),
                                            ("partner_id", "=", self.partner.id)])
            self.assertEqual(not_due, self.callback_sales)
            self.callback_support.action_done()
            self.assertFalse(self.callback_support.is_due)

    # ------------------------------------------------------------
    # Agent flow
    # ------------------------------------------------------------

    def test_take_dial_done(self):
        callback = self.callback_support.with_user(self.user_agent)
        callback.action_take()
        self.assertEqual(callback.state, "scheduled")
        self.assertEqual(callback.agent_id, self.agent)
        action = callback.action_dial()
        self.assertEqual(action["tag"], "display_notification")
        self.assertEqual([a for a, _p in self.commands], ["originate"])
        self.assertEqual(self.commands[0][1]["number"], "+8613666661234")
        self.assertEqual(self.commands[0][1]["interface"], "PJSIP/1001")
        call = callback.call_id
        self.assertTrue(call)
        self.assertEqual((call.res_model, call.res_id), ("callcenter.callback", callback.id))
        self.assertEqual(callback.call_count, 1)
        callback.action_done()
        self.assertEqual(callback.state, "done")
        with self.assertRaises(UserError):
            callback.action_dial()
        with self.assertRaises(UserError):
            callback.write({"state": "requested"})

    def test_dial_takes_and_reports_failures(self):
        def _refuse(pbx, action, **params):
            raise UserError("The telephony connector is not reachable.")

        with patch.object(type(self.env["callcenter.pbx"]), "_callcenter_command", _refuse):
            action = self.callback_support.with_user(self.user_agent).action_dial()
        self.assertEqual(action["params"]["type"], "danger")
        self.assertEqual(self.callback_support.state, "scheduled")
        self.assertEqual(self.callback_support.agent_id, self.agent)
        self.assertEqual(self.callback_support.call_id.state, "failed")

    def test_taken_by_another_agent(self):
        self.queue_support.member_ids = [(0, 0, {"agent_id": self.agent_sales.id})]
        self.callback_support.with_user(self.user_agent).action_take()
        with self.assertRaises(UserError):
            self.callback_support.with_user(self.user_agent_sales).action_take()
        self.callback_support.with_user(self.user_agent).action_release()
        self.assertEqual(self.callback_support.state, "requested")
        self.assertFalse(self.callback_support.agent_id)

    # ------------------------------------------------------------
    # Access
    # ------------------------------------------------------------

    @users("cc_agent")
    def test_agent_sees_own_queues(self):
        visible = self.env["callcenter.callback"].search([("partner_id", "=", self.partner.id)])
        self.assertEqual(visible, self.callback_support)
        with self.assertRaises(AccessError):
            self.callback_sales.with_env(self.env).read(["phone"])
        with self.assertRaises(AccessError):
            self.callback_support.with_env(self.env).unlink()

    @users("cc_lead")
    def test_lead_sees_led_queues(self):
        visible = self.env["callcenter.callback"].search([("partner_id", "=", self.partner.id)])
        self.assertEqual(visible, self.callback_support)

    @users("cc_manager")
    def test_manager_sees_all(self):
        visible = self.env["callcenter.callback"].search([("partner_id", "=", self.partner.id)])
        self.assertEqual(visible, self.callback_support | self.callback_sales)

    @users("cc_plain")
    def test_plain_user_has_no_access(self):
        with self.assertRaises(AccessError):
            self.env["callcenter.callback"].search([])

    # ------------------------------------------------------------
    # Portal request
    # ------------------------------------------------------------

    def _portal_values(self, **values):
        return {"phone": "13666661234", "queue_id": str(self.queue_support.id),
                "preferred_date": "2026-11-24", "window_from": "10:00", "window_to": "12:00",
                "note": "About my invoice", **values}

    @freeze_time("2026-11-23 02:00:00")
    def test_portal_request(self):
        self.queue_support.callcenter_portal_offered = True
        callback, errors = self.Callback._callcenter_portal_request(
            self.partner, self._portal_values())
        self.assertFalse(errors)
        self.assertEqual(callback.source, "portal")
        self.assertEqual(callback.partner_id, self.partner)
        self.assertEqual(callback.queue_id, self.queue_support)
        self.assertEqual(callback.phone_key, "+8613666661234")
        self.assertEqual(callback.preferred_start, datetime(2026, 11, 24, 2, 0))
        self.assertEqual(callback.note, "About my invoice")

    @freeze_time("2026-11-23 02:00:00")  # 10:00 in Shanghai
    def test_portal_request_errors(self):
        self.queue_support.callcenter_portal_offered = True
        request = self.Callback._callcenter_portal_request
        cases = {
            "phone": {"phone": ""},
            "queue_id": {"queue_id": str(self.queue_sales.id)},  # not offered
            "preferred_date": {"preferred_date": "2026-11-22"},
            "window_to": {"window_to": "09:00"},
            "window_from": {"window_from": "25:00"},
            "note": {"note": "x" * 1001},
        }
        for field, values in cases.items():
            with self.subTest(field=field):
                callback, errors = request(self.partner, self._portal_values(**values))
                self.assertFalse(callback)
                self.assertEqual(list(errors), [field])
        _callback, errors = request(self.partner, self._portal_values(phone="12ab"))
        self.assertIn("phone", errors)
        # Today's window that is already over (Shanghai time 10:00).
        _callback, errors = request(self.partner, self._portal_values(
            preferred_date="2026-11-23", window_from="08:00", window_to="09:30"))
        self.assertEqual(list(errors), ["window_to"])
        _callback, errors = request(self.partner, self._portal_values(
            preferred_date=str(date(2026, 11, 23) + timedelta(days=61))))
        self.assertEqual(list(errors), ["preferred_date"])
