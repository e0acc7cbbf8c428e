# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json
import threading
import time
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from unittest.mock import patch

from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.bus.models.bus import channel_with_db, dispatch, hashable
from odoo.addons.bus.websocket import WebsocketConnectionHandler

AGENT_GROUPS = ("base.group_user,base.group_partner_manager,"
                "callcenter_base.group_callcenter_agent,"
                "callcenter_base.group_callcenter_connector")
LEAD_GROUPS = "base.group_user,callcenter_base.group_callcenter_supervisor"


class LoopbackConnector:
    """The connector's command endpoint on 127.0.0.1: every POST /v1/commands is accepted."""

    def __init__(self):
        self.commands = []
        commands = self.commands

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                if self.path == "/v1/commands":
                    commands.append(json.loads(self.rfile.read(length) or b"{}"))
                    status, answer = 200, {"ok": True}
                else:
                    status, answer = 404, {"ok": False, "error": "unknown path"}
                body = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def actions(self):
        return [command["action"] for command in self.commands]

    def close(self):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(2)


class BusHttpCase(HttpCase):
    """Browser tests that watch bus notifications arrive.

    Tests run without the websocket and never commit, so the bus would stay
    silent: the websocket is allowed (as in bus's WebsocketCase) and every bus
    notification wakes the websockets of its channel when its transaction is
    flushed, as the NOTIFY after a real commit does.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.startClassPatcher(
            patch.object(WebsocketConnectionHandler, "websocket_allowed", return_value=True)
        )
        Bus = type(cls.env["bus.bus"])
        sendone = Bus._sendone

        def _sendone(bus, target, notification_type, message):
            sendone(bus, target, notification_type, message)
            channels = bus.env.cr.precommit.data.setdefault("callcenter_test.channels", set())
            if not channels:
                bus.env.cr.precommit.add(lambda: cls._wake_websockets(channels))
            channels.add(hashable(channel_with_db(bus.env.cr.dbname, target)))

        cls.startClassPatcher(patch.object(Bus, "_sendone", _sendone))

    @staticmethod
    def _wake_websockets(channels):
        for channel in list(channels):
            for websocket in list(dispatch._channels_to_ws.get(channel, ())):
                websocket.trigger_notification_dispatching()
        channels.clear()

    def _tour_pbx(self):
        """A PBX whose connector is a loopback command endpoint; returns the quiet env."""
        self.connector = LoopbackConnector()
        self.addCleanup(self.connector.close)
        env = self.env(context=dict(self.env.context, tracking_disable=True,
                                    mail_create_nolog=True))
        env.company.country_id = env.ref("base.cn")
        self.pbx = env["callcenter.pbx"].create({
            "name": "Tour PBX", "default_region": "CN",
            "connector_url": self.connector.url, "connector_token": "tour-token",
        })
        return env


@tagged("post_install", "-at_install", "callcenter")
class TestCallcenterUi(BusHttpCase):
    """The softphone systray, the screen pop and the wallboard in a real browser."""

    def setUp(self):
        super().setUp()
        env = self._tour_pbx()
        self.user_agent = new_test_user(env, "cc_tour_agent", groups=AGENT_GROUPS,
                                        name="Tour Agent", tz="Asia/Shanghai")
        self.user_lead = new_test_user(env, "cc_tour_lead", groups=LEAD_GROUPS,
                                       name="Tour Lead", tz="Asia/Shanghai")
        Agent = env["callcenter.agent"]
        self.agent = Agent.create({"user_id": self.user_agent.id, "pbx_id": self.pbx.id,
                                   "extension": "1001", "interface": "PJSIP/1001"})
        self.agent_lead = Agent.create({"user_id": self.user_lead.id, "pbx_id": self.pbx.id,
                                        "extension": "1005", "interface": "PJSIP/1005"})
        self.queue = env["callcenter.queue"].create({
            "name": "Tour Support", "asterisk_name": "support", "pbx_id": self.pbx.id,
            "team_lead_ids": [(6, 0, self.user_lead.ids)],
            "member_ids": [(0, 0, {"agent_id": self.agent.id})],
        })
        self.partner = env["res.partner"].create({
            "name": "Zhao Lei", "mobile": "+86 136 6666 1234",
            "country_id": env.ref("base.cn").id, "callcenter_vip_level": "2",
        })
        self.lunch = env.ref("callcenter_base.callcenter_pause_reason_lunch")
        started = datetime.now() - timedelta(days=2)
        self.previous_call = env["callcenter.call"].create({
            "pbx_id": self.pbx.id, "direction": "inbound", "state": "completed",
            "caller_number_raw": "+8613666661234", "callee_number_raw": "4001",
            "agent_id": self.agent.id, "queue_id": self.queue.id, "started_at": started,
            "answered_at": started + timedelta(seconds=10),
            "ended_at": started + timedelta(seconds=130),
            "summary": "Asked for a copy of the March invoice",
        })

    def _ring(self, linkedid, seq):
        """The connector reports a call from the partner ringing the agent's device."""
        now = time.time()
        return self.pbx.with_user(self.user_agent).callcenter_ingest([
            {"seq": seq, "type": "call", "call": {
                "linkedid": linkedid, "uniqueid": linkedid, "direction": "inbound",
                "state": "ringing", "caller": "+8613666661234", "caller_name": "Tour Caller",
                "callee": "4001", "queue": "support", "agent": "PJSIP/1001",
                "started_at": now, "ring_started_at": now,
            }},
            {"seq": seq + 1, "type": "ring", "agent": "PJSIP/1001", "linkedid": linkedid,
             "at": now},
        ])

    def test_systray_pause_and_dial(self):
        self.start_tour("/odoo", "callcenter_softphone_systray_tour", login="cc_tour_agent")
        self.assertEqual(self.agent.state, "paused")
        self.assertEqual(self.agent.pause_reason_id, self.lunch)
        self.assertEqual(self.connector.actions(), ["agent_state", "originate"])
        self.assertEqual(self.connector.commands[0]["params"]["reason"], "lunch")
        self.assertEqual(self.connector.commands[1]["params"]["number"], "+8613666661234")
        call = self.env["callcenter.call"].search([
            ("agent_id", "=", self.agent.id), ("direction", "=", "outbound"),
        ])
        self.assertEqual((call.state, call.partner_id), ("ringing", self.partner))

    def test_screen_pop_from_bus(self):
        self.start_tour("/odoo", "callcenter_screen_pop_tour", login="cc_tour_agent")
        call = self.env["callcenter.call"].search([("linkedid", "=", "tour.1")])
        self.assertEqual((call.agent_id, call.partner_id), (self.agent, self.partner))

    def test_screen_pop_survives_reload(self):
        self._ring("tour.2", 201)
        self.start_tour("/odoo", "callcenter_screen_pop_reload_tour", login="cc_tour_agent")

    def test_wallboard(self):
        self.agent._callcenter_set_state("available")
        self._ring("tour.3", 301)
        self.start_tour("/odoo/callcenter-wallboard", "callcenter_wallboard_tour",
                        login="cc_tour_lead")
        self.assertEqual(self.agent.state, "paused")
        self.assertEqual(self.connector.actions(), ["spy", "agent_state"])
        self.assertEqual(self.connector.commands[0]["params"]["mode"], "listen")
