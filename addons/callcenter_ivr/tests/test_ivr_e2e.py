"""An IVR call through the whole chain: the simulated Asterisk runs Odoo's dialplan,
the connector's FastAGI server runs the flow published here, the caller keys a
choice, an agent answers, then the caller rates the call; Odoo ends up with the
session, its node visits and the rating on the call."""

import asyncio
import base64
import socket
import tempfile
import time

from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import config

from odoo.addons.callcenter_base.tests.test_connector_e2e import _import_connector, run_in_thread

from .common import silence_wav

SPEED = 20


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@tagged("post_install", "-at_install", "callcenter")
class TestIvrEndToEnd(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.connector_classes = _import_connector()
        env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.pbx = env["callcenter.pbx"].create({"name": "IVR E2E PBX", "ami_secret": "odoo",
                                                "default_region": "CN", "connector_url": False})
        user = new_test_user(env, "ivr_e2e_agent", name="IVR Agent",
                             groups="base.group_user,callcenter_base.group_callcenter_agent")
        cls.agent = env["callcenter.agent"].create({
            "user_id": user.id, "pbx_id": cls.pbx.id, "extension": "1001",
            "interface": "Local/1001@agents/n", "wrapup_seconds": 0})
        cls.queue = env["callcenter.queue"].create({
            "name": "IVR Support", "asterisk_name": "support", "pbx_id": cls.pbx.id,
            "member_ids": [(0, 0, {"agent_id": cls.agent.id})]})
        prompt = env["callcenter.ivr.prompt"].create({
            "name": "E2E prompt", "source": "upload",
            "audio_ids": [(0, 0, {"language": "en", "upload": base64.b64encode(silence_wav()),
                                  "upload_filename": "p.wav"})]})
        cls.flow = env["callcenter.ivr"].create({
            "name": "E2E hotline", "pbx_id": cls.pbx.id, "fallback_queue_id": cls.queue.id,
            "default_language": "en"})
        version = cls.flow.version_ids

        def node(name, kind, **values):
            return env["callcenter.ivr.node"].create(
                {"version_id": version.id, "name": name, "kind": kind, **values})

        rating = node("Rate us", "rating", prompt_id=prompt.id, timeout=3)
        support = node("Support queue", "queue", queue_id=cls.queue.id, next_node_id=rating.id)
        goodbye = node("Goodbye", "hangup", prompt_id=prompt.id)
        menu = node("Main menu", "menu", prompt_id=prompt.id, failure_node_id=support.id,
                    option_ids=[(0, 0, {"key": "1", "target_node_id": support.id}),
                                (0, 0, {"key": "2", "target_node_id": goodbye.id})])
        welcome = node("Welcome", "play", prompt_id=prompt.id, next_node_id=menu.id)
        version.start_node_id = welcome
        version.action_publish()
        env["callcenter.ivr.route"].create({"name": "Hotline", "pbx_id": cls.pbx.id, "did": "400",
                                            "ivr_id": cls.flow.id})
        connector = new_test_user(env, "ivr_e2e_connector", groups="base.group_user,"
                                  "callcenter_base.group_callcenter_connector")
        cls.api_key = env["res.users.apikeys"].with_user(connector).sudo()._generate(None, "e2e", None)

    def setUp(self):
        super().setUp()
        if not self.connector_classes:
            self.skipTest("the connector package is not next to the addons")

    def _run(self, calls):
        Config, ConnectorService, SimulatorServer = self.connector_classes

        async def main():
            agi_port = _free_port()
            pbx = SimulatorServer(speed=SPEED, fastagi_address=("127.0.0.1", agi_port))
            pbx.add_agent("1001", "IVR Agent", ring_seconds=1, talk_seconds=20)
            pbx.add_queue("support", "ringall", ["1001"])
            pbx.add_ivr_line("400", "support")
            await pbx.start()
            with tempfile.TemporaryDirectory() as spool:
                settings = Config.from_mapping({
                    "ami_port": pbx.port, "ami_secret": "odoo", "command_token": "e2e",
                    "command_bind": "127.0.0.1:0", "fastagi_bind": f"127.0.0.1:{agi_port}",
                    "spool_dir": spool, "pbx_id": self.pbx.id, "batch_max_delay_ms": 20,
                    "odoo_url": f"http://127.0.0.1:{config['http_port']}",
                    "odoo_db": self.env.cr.dbname, "odoo_user": "ivr_e2e_connector",
                    "odoo_api_key": self.api_key,
                })
                service = ConnectorService(settings)
                await service.start()
                try:
                    deadline = time.monotonic() + 10
                    while not (service.ami.authenticated and service.flows.route("400")) \
                            and time.monotonic() < deadline:
                        await asyncio.sleep(0.05)
                    linkedids = []
                    for digits in calls:
                        linkedids.append(await pbx.place_inbound_call(
                            "400", "+8613666661234", "Zhang Wei", hangup_after=600,
                            ivr_digits=digits))
                    await pbx.wait_idle(60)
                    await asyncio.sleep(2)
                    await service.outbox.drained(20)
                    return linkedids
                finally:
                    await service.stop()
                    await pbx.stop()

        return run_in_thread(main, 90)

    def test_menu_queue_then_rating(self):
        routed, self_served = self._run([["1", "5"], ["2"]])
        Session = self.env["callcenter.ivr.session"]
        session = Session.search([("linkedid", "=", routed)])
        self.assertEqual(session.ivr_id, self.flow)
        self.assertEqual((session.outcome, session.target, session.rating), ("queue", "support", 5))
        self.assertEqual(session.path, "Welcome › Main menu [1] › Support queue › Rate us [5]")
        call = self.env["callcenter.call"].search([("linkedid", "=", routed)])
        self.assertEqual(call.ivr_rating, 5)
        self.assertEqual(call.agent_id, self.agent)
        self.assertEqual(session.call_id, call)
        other = Session.search([("linkedid", "=", self_served)])
        self.assertEqual((other.outcome, other.self_served), ("hangup", True))
        self.assertAlmostEqual(self.flow.self_service_rate, 50.0)
