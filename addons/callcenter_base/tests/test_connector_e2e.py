# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The connector, the simulated Asterisk and this Odoo together, over real sockets.

The connector runs in a thread with its own event loop, logs in to the
simulator through panoramisk and sends its batches to this test server over
JSON-RPC with an API key, exactly as in production.
"""

import asyncio
import json
import sys
import tempfile
import threading
import time
from pathlib import Path

from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import config

CONNECTOR_DIR = Path(__file__).resolve().parents[3] / "connector"
SPEED = 20


def _import_connector():
    if not (CONNECTOR_DIR / "callcenter_connector").is_dir():
        return None
    if str(CONNECTOR_DIR) not in sys.path:
        sys.path.insert(0, str(CONNECTOR_DIR))
    from callcenter_connector.config import Config
    from callcenter_connector.service import ConnectorService
    from callcenter_connector.simulator import SimulatorServer

    return Config, ConnectorService, SimulatorServer


def run_in_thread(main, timeout):
    """Run the coroutine `main()` on an event loop of its own in a thread, as the
    connector runs beside Odoo, and return its result in the test's thread; the
    test server keeps answering the connector's JSON-RPC meanwhile."""
    outcome = {}

    def thread_main():
        try:
            outcome["result"] = asyncio.run(asyncio.wait_for(main(), timeout))
        except BaseException as exc:  # noqa: BLE001 - reported to the test thread
            outcome["error"] = exc

    thread = threading.Thread(target=thread_main, name="connector")
    thread.start()
    thread.join(timeout + 30)
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("result")


@tagged("post_install", "-at_install", "callcenter")
class TestConnectorEndToEnd(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.connector_classes = _import_connector()
        env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.pbx = env["callcenter.pbx"].create({"name": "E2E PBX", "ami_secret": "odoo",
                                                "default_region": "CN"})
        cls.agent_user = new_test_user(env, "e2e_alice", groups="base.group_user,"
                                       "callcenter_base.group_callcenter_agent", name="Alice E2E")
        cls.agent = env["callcenter.agent"].create({
            "user_id": cls.agent_user.id, "pbx_id": cls.pbx.id, "extension": "1001",
            "interface": "Local/1001@agents/n", "wrapup_seconds": 0,
        })
        cls.queue = env["callcenter.queue"].create({
            "name": "E2E Support", "asterisk_name": "support", "pbx_id": cls.pbx.id,
            "member_ids": [(0, 0, {"agent_id": cls.agent.id})],
        })
        cls.partner = env["res.partner"].create({"name": "E2E Customer",
                                                 "mobile": "+86 136 6666 1234"})
        cls.connector_user = new_test_user(env, "e2e_connector", groups="base.group_user,"
                                           "callcenter_base.group_callcenter_connector")
        cls.api_key = env["res.users.apikeys"].with_user(cls.connector_user).sudo()._generate(
            None, "e2e", None)

    def setUp(self):
        super().setUp()
        if not self.connector_classes:
            self.skipTest(f"the connector package is not next to the addons ({CONNECTOR_DIR})")

    def _run_connector(self, scenario):
        """Run `scenario(pbx, did, service)` with a simulator and a connector in a thread."""
        Config, ConnectorService, SimulatorServer = self.connector_classes

        async def main():
            pbx = SimulatorServer(speed=SPEED)
            pbx.add_agent("1001", "Alice E2E", ring_seconds=1, talk_seconds=None)
            did = pbx.add_queue("support", "ringall", ["1001"])
            await pbx.start()
            with tempfile.TemporaryDirectory() as spool:
                settings = Config.from_mapping({
                    "ami_port": pbx.port, "ami_secret": "odoo", "command_token": "e2e",
                    "command_bind": "127.0.0.1:0", "fastagi_bind": "127.0.0.1:0",
                    "spool_dir": spool, "pbx_id": self.pbx.id, "batch_max_delay_ms": 20,
                    "odoo_url": f"http://127.0.0.1:{config['http_port']}",
                    "odoo_db": self.env.cr.dbname, "odoo_user": "e2e_connector",
                })
                service = ConnectorService(settings)
                service.odoo.api_key = self.api_key
                await service.start()
                try:
                    return await scenario(pbx, did, service)
                finally:
                    await service.stop()
                    await pbx.stop()

        return run_in_thread(main, 60)

    def test_call_on_simulator_lands_complete_in_odoo_with_screen_pop(self):
        async def scenario(pbx, did, service):
            deadline = time.monotonic() + 10
            while not service.ami.authenticated and time.monotonic() < deadline:
                await asyncio.sleep(0.05)
            linkedid = await pbx.place_inbound_call(did, "+8613666661234", "Zhang Wei",
                                                    hangup_after=30)
            await pbx.wait_idle(20)
            await asyncio.sleep(3)
            await service.outbox.drained(20)
            return linkedid

        linkedid = self._run_connector(scenario)
        call = self.env["callcenter.call"].search([("linkedid", "=", linkedid)])
        self.assertEqual(len(call), 1)
        self.assertEqual(call.state, "completed")
        self.assertEqual(call.queue_id, self.queue)
        self.assertEqual(call.agent_id, self.agent)
        self.assertEqual(call.partner_id, self.partner)
        self.assertEqual(call.caller_number, "+8613666661234")
        self.assertGreaterEqual(call.talk_duration, 25)
        self.assertTrue(call.leg_ids)
        self.assertEqual(self.pbx.last_fact_seq > 0, True)
        pops = self.env["bus.bus"].sudo().search([("message", "like", "callcenter.call/ringing")])
        pops = [p for p in pops if json.loads(p.message)["payload"]["linkedid"] == linkedid]
        self.assertEqual(len(pops), 1)
        self.assertEqual(json.loads(pops[0].channel)[1:], ["res.partner", self.agent_user.partner_id.id])
        self.assertEqual(json.loads(pops[0].message)["payload"]["partners"][0]["name"], "E2E Customer")
        states = self.env["callcenter.agent.state.log"].search(
            [("agent_id", "=", self.agent.id)], order="date_start, id").mapped("state")
        self.assertEqual(states[-3:], ["ringing", "on_call", "available"])
