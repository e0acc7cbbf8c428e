# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import datetime, timedelta

from odoo.tests import HttpCase, new_test_user, tagged


@tagged("callcenter", "post_install", "-at_install")
class TestCallcenterPortalUi(HttpCase):
    def test_portal_tour(self):
        """A customer opens their portal, sees their calls, asks to be called back."""
        Queue = self.env["callcenter.queue"]
        Queue.search([]).callcenter_portal_offered = False
        queue = Queue.create({"name": "Portal Support", "asterisk_name": "portal_support_tour",
                              "callcenter_portal_offered": True})
        user = new_test_user(self.env, "portal_cc_tour", groups="base.group_portal",
                             name="Tour Customer", tz="Asia/Shanghai")
        user.partner_id.mobile = "13800000001"
        start = datetime(2026, 11, 2, 9, 0, 0)
        self.env["callcenter.call"].create({
            "direction": "inbound", "state": "completed", "partner_id": user.partner_id.id,
            "caller_number_raw": "13800000001", "callee_number_raw": "4001",
            "queue_id": queue.id, "started_at": start,
            "answered_at": start + timedelta(seconds=10), "ended_at": start + timedelta(seconds=70),
        })
        self.start_tour("/my", "callcenter_helpdesk_portal_tour", login="portal_cc_tour")
        callback = self.env["callcenter.callback"].search([("partner_id", "=", user.partner_id.id)])
        self.assertEqual(len(callback), 1)
        self.assertEqual((callback.source, callback.queue_id, callback.window_from),
                         ("portal", queue, 14.0))
        self.assertEqual(callback.note, "Tour: please call me about my contract")
