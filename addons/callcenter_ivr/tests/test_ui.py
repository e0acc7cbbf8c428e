# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from unittest.mock import patch

from odoo.tests import HttpCase, tagged

from odoo.addons.bus.websocket import WebsocketConnectionHandler


@tagged("post_install", "-at_install", "callcenter")
class TestIvrUi(HttpCase):
    """The flow diagram in a real browser, on the demo hotline."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Backend pages run as in production, the suite's bus services connected:
        # tests refuse websockets otherwise.
        cls.startClassPatcher(
            patch.object(WebsocketConnectionHandler, "websocket_allowed", return_value=True)
        )

    def test_edit_and_publish_from_diagram(self):
        flow = self.env.ref("callcenter_ivr.callcenter_ivr_main_demo")
        first = flow.published_version_id
        self.assertTrue(first, "the demo hotline is published when the module is installed")
        self.start_tour("/odoo/action-callcenter_ivr.callcenter_ivr_action",
                        "callcenter_ivr_diagram_tour", login="admin")
        second = flow.published_version_id
        self.assertEqual((first.state, second.number), ("retired", first.number + 1))
        self.assertIn("Greeting", second.node_ids.mapped("name"))
        self.assertNotIn("Greeting", first.node_ids.mapped("name"))
        self.assertFalse(flow.draft_version_id)
