import base64
import hashlib
from datetime import date, datetime, timedelta, timezone

from odoo.exceptions import AccessError
from odoo.tests import tagged

from ..tools.dialplan import render_dialplan
from .common import IvrCommon


def at(text):
    """A Beijing wall-clock time as epoch seconds."""
    return datetime.fromisoformat(text).replace(tzinfo=timezone(timedelta(hours=8))).timestamp()


def is_open(intervals, moment):
    return any(start <= moment < stop for start, stop in intervals)


@tagged("callcenter")
class TestIvrRuntime(IvrCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.calendar = cls.env["resource.calendar"].create({
            "name": "Hotline hours", "tz": "Asia/Shanghai",
            "attendance_ids": [(0, 0, {"name": f"Day {d}", "dayofweek": str(d), "hour_from": 9,
                                       "hour_to": 18, "day_period": "morning"}) for d in range(5)],
        })
        # Thursday 2026-10-01 (National Day) is a public holiday; Saturday 2026-10-10 is worked.
        cls.env["resource.calendar.leaves"].create({
            "name": "National Day", "calendar_id": cls.calendar.id,
            "date_from": datetime(2026, 9, 30, 16, 0), "date_to": datetime(2026, 10, 1, 15, 59, 59),
        })
        cls.env["callcenter.calendar.workday"].create({
            "name": "Make-up day", "calendar_id": cls.calendar.id, "date": date(2026, 10, 10),
            "hour_from": 10, "hour_to": 16,
        })
        cls.connector = cls.pbx.with_user(cls.user_connector)

    def test_opening_hours_with_holiday_and_special_day(self):
        start = datetime(2026, 9, 27, tzinfo=timezone.utc)
        intervals = self.calendar._callcenter_open_intervals(start, days=20)
        self.assertEqual(intervals, sorted(intervals))
        self.assertTrue(is_open(intervals, at("2026-09-30T10:00")), "a Wednesday morning")
        self.assertFalse(is_open(intervals, at("2026-09-30T18:30")), "after hours")
        self.assertFalse(is_open(intervals, at("2026-10-01T10:00")), "National Day")
        self.assertTrue(is_open(intervals, at("2026-10-02T09:00")), "the Friday after")
        self.assertFalse(is_open(intervals, at("2026-10-03T10:00")), "a Saturday")
        self.assertTrue(is_open(intervals, at("2026-10-10T10:30")), "the make-up Saturday")
        self.assertFalse(is_open(intervals, at("2026-10-10T16:30")), "after its hours")

    def test_runtime_configuration(self):
        closed = self._node("Closed", "hangup", prompt_id=self.prompt.id)
        hours = self._node("Hours", "time", calendar_id=self.calendar.id,
                           next_node_id=self.welcome.id, failure_node_id=closed.id)
        self.version.start_node_id = hours
        self.version.action_publish()
        self.env["callcenter.ivr.route"].create([
            {"name": "Hotline", "pbx_id": self.pbx.id, "did": "400", "ivr_id": self.flow.id},
            {"name": "Sales line", "pbx_id": self.pbx.id, "did": "401", "destination": "queue",
             "queue_id": self.queue_sales.id},
            {"name": "Others", "pbx_id": self.pbx.id, "destination": "extension", "extension": "1001"},
        ])
        runtime = self.connector.callcenter_ivr_runtime()
        self.assertEqual(runtime["routes"]["400"], {"type": "ivr", "ivr": self.flow.id,
                                                    "version": self.version.id,
                                                    "fallback_queue": "support"})
        self.assertEqual(runtime["routes"]["401"], {"type": "queue", "queue": "sales"})
        self.assertEqual(runtime["routes"][""], {"type": "extension", "extension": "1001"})
        calendar = runtime["calendars"][str(self.calendar.id)]
        self.assertGreater(len(calendar["intervals"]), 30)
        self.assertGreater(calendar["until"], datetime.now().timestamp() + 59 * 86400)
        audio = self.prompt.audio_ids
        self.assertEqual(runtime["sounds"][audio.sound_name], audio.checksum)
        sounds = self.connector.callcenter_ivr_sounds([audio.sound_name, "callcenter/../etc/passwd"])
        self.assertEqual(list(sounds), [audio.sound_name])
        self.assertEqual(hashlib.sha1(base64.b64decode(sounds[audio.sound_name])).hexdigest(),
                         audio.checksum)

    def test_stamp_follows_changes(self):
        stamp = self.pbx._callcenter_connector_config()["ivr_stamp"]
        self.assertEqual(self.pbx._callcenter_ivr_stamp(), stamp)
        route = self.env["callcenter.ivr.route"].create(
            {"name": "Hotline", "pbx_id": self.pbx.id, "did": "400", "ivr_id": self.flow.id})
        self.env.flush_all()
        second = self.pbx._callcenter_ivr_stamp()
        self.assertNotEqual(second, stamp)
        route.unlink()
        self.env.flush_all()
        self.assertNotEqual(self.pbx._callcenter_ivr_stamp(), second)

    def test_only_the_connector_reads_the_runtime(self):
        for method, args in (("callcenter_ivr_runtime", []), ("callcenter_ivr_definitions", [[1]]),
                             ("callcenter_ivr_sounds", [[]]), ("callcenter_ivr_lookup", ["1"])):
            with self.subTest(method=method), self.assertRaises(AccessError):
                getattr(self.pbx.with_user(self.user_manager), method)(*args)

    def test_drafts_are_never_served(self):
        self.assertEqual(self.connector.callcenter_ivr_definitions([self.version.id]), {})

    def test_lookup(self):
        self.partner.callcenter_vip_level = "2"
        self._create_call(queue=self.queue_support, agent=self.agent,
                          started_at=datetime.now() - timedelta(days=2),
                          answered_at=datetime.now() - timedelta(days=2))
        self.agent.state = "available"
        answer = self.connector.callcenter_ivr_lookup("+8613666661234", 30)
        self.assertEqual(answer, {"known": True, "partner_id": self.partner.id, "vip": True,
                                  "blacklisted": False, "last_agent_dial": "PJSIP/1001",
                                  "last_agent_available": True})
        self.assertIsNone(self.connector.callcenter_ivr_lookup("13666661234", 1)["last_agent_dial"])
        self.env["callcenter.blacklist"].create({"number": "13900000000", "direction": "inbound", "reason": "Abuse"})
        unknown = self.connector.callcenter_ivr_lookup("13900000000")
        self.assertEqual((unknown["known"], unknown["blacklisted"]), (False, True))
        self.assertFalse(self.connector.callcenter_ivr_lookup("not a number")["known"])

    def test_route_rules(self):
        Route = self.env["callcenter.ivr.route"]
        Route.create({"name": "A", "pbx_id": self.pbx.id, "did": "400", "ivr_id": self.flow.id})
        with self.assertRaisesRegex(Exception, "already has a route"), self.cr.savepoint():
            Route.create({"name": "B", "pbx_id": self.pbx.id, "did": "400", "ivr_id": self.flow.id})
        with self.assertRaisesRegex(Exception, "is not a dialed number"), self.cr.savepoint():
            Route.create({"name": "C", "pbx_id": self.pbx.id, "did": "40 0x", "ivr_id": self.flow.id})
        Route.create({"name": "Default", "pbx_id": self.pbx.id, "ivr_id": self.flow.id})
        with self.assertRaisesRegex(Exception, "already has a default route"), self.cr.savepoint():
            Route.create({"name": "Default 2", "pbx_id": self.pbx.id, "ivr_id": self.flow.id})
        route = Route.search([("did", "=", "400"), ("pbx_id", "=", self.pbx.id)])
        self.assertIn("no published version", route.warning)

    def test_dialplan(self):
        self.env["callcenter.ivr.route"].create([
            {"name": "Hotline", "pbx_id": self.pbx.id, "did": "400", "ivr_id": self.flow.id},
            {"name": "Sales line", "pbx_id": self.pbx.id, "did": "401", "destination": "queue",
             "queue_id": self.queue_sales.id, "max_wait": 120},
        ])
        self.pbx.write({"fastagi_address": "10.0.0.5:4573", "ivr_fallback_queue_id": self.queue_sales.id})
        text = self.pbx.ivr_dialplan
        self.assertIn("exten => 400,1,NoOp(Route Hotline: IVR Hotline)", text)
        self.assertIn(" same => n,Queue(sales,t,,,120)", text)
        self.assertIn(" same => n,Set(CC_IVR_TARGET=sales)", text)
        self.assertIn("AGI(agi://10.0.0.5:4573/callcenter-ivr,${CC_IVR_DID},${CC_IVR_VERSION},"
                      "${CC_IVR_RESUME},${QUEUESTATUS},${DIALSTATUS},${CHANNEL(linkedid)})", text)
        self.assertIn("exten => _X.,1,NoOp(No route for ${EXTEN}: safe destination)", text)
        self.assertIn(' same => n,ExecIf($["${AGISTATUS}" != "SUCCESS"]?Set(CC_IVR_RESUME=))', text)
        hostile = render_dialplan(pbx_name="x)\nexten => 666,1,System(rm)", fastagi_address="a:1",
                                  fallback_queue="q", extension_dial_format="Local/{ext}@agents/n",
                                  routes=[])
        self.assertNotIn("\nexten => 666", hostile)
