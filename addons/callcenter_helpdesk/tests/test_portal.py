# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json
from datetime import date, datetime, timedelta

from odoo import http
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

RECORDING = b"RIFF\x24\x00\x00\x00WAVEfmt fake recording of "


@tagged("callcenter", "post_install", "-at_install")
class TestCallcenterPortal(HttpCase):
    """Two customers, each with a company, a call with a recording and a callback:
    each sees only their own, whatever the URL."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True,
                                       mail_create_nolog=True))
        cls.env.company.callcenter_portal_recordings = False
        cls.env.company.partner_id.tz = "Asia/Shanghai"
        Queue = cls.env["callcenter.queue"]
        Queue.search([]).callcenter_portal_offered = False
        cls.queue = Queue.create({"name": "Portal Support", "asterisk_name": "portal_support",
                                  "callcenter_portal_offered": True})
        cls.queue_hidden = Queue.create({"name": "Back Office", "asterisk_name": "back_office"})
        Partner = cls.env["res.partner"]
        cls.company_a = Partner.create({"name": "Alpha Trading", "is_company": True})
        cls.company_b = Partner.create({"name": "Beta Foods", "is_company": True})
        cls.user_a = new_test_user(cls.env, "portal_cc_a", groups="base.group_portal",
                                   name="Alice Alpha", tz="Asia/Shanghai")
        cls.user_b = new_test_user(cls.env, "portal_cc_b", groups="base.group_portal",
                                   name="Bob Beta", tz="Asia/Shanghai")
        cls.user_a.partner_id.write({"parent_id": cls.company_a.id, "mobile": "13800000001"})
        cls.user_b.partner_id.write({"parent_id": cls.company_b.id, "mobile": "13900000002"})
        # A colleague of Alice: her calls belong to Alpha Trading too.
        cls.colleague_a = Partner.create({"name": "Anna Alpha", "parent_id": cls.company_a.id})
        cls.call_a = cls._call(cls.user_a.partner_id, "13800000001", "recording-a.wav")
        cls.call_colleague_a = cls._call(cls.colleague_a, "13800000003", None,
                                         direction="outbound")
        cls.call_b = cls._call(cls.user_b.partner_id, "13900000002", "recording-b.wav")
        Callback = cls.env["callcenter.callback"]
        tomorrow = date.today() + timedelta(days=1)
        cls.callback_a = Callback.create({
            "partner_id": cls.user_a.partner_id.id, "queue_id": cls.queue.id,
            "preferred_date": tomorrow, "window_from": 9.0, "window_to": 10.0,
        })
        cls.callback_b = Callback.create({
            "partner_id": cls.user_b.partner_id.id, "queue_id": cls.queue.id, "phone": "13900000099",
            "preferred_date": tomorrow, "window_from": 15.0, "window_to": 16.0,
        })

    @classmethod
    def _call(cls, partner, number, recording, direction="inbound"):
        start = datetime(2026, 11, 2, 9, 0, 0)
        call = cls.env["callcenter.call"].create({
            "direction": direction,
            "state": "completed",
            "caller_number_raw": number if direction == "inbound" else "1001",
            "callee_number_raw": "4001" if direction == "inbound" else number,
            "partner_id": partner.id,
            "queue_id": cls.queue_hidden.id,
            "started_at": start,
            "answered_at": start + timedelta(seconds=20),
            "ended_at": start + timedelta(seconds=145),
        })
        if recording:
            attachment = cls.env["ir.attachment"].create({
                "name": recording, "raw": RECORDING + recording.encode(),
                "mimetype": "audio/wav", "res_model": "callcenter.call", "res_id": call.id,
            })
            call.recording_attachment_id = attachment
        return call

    def _ids(self, page, css_attr):
        marker = f'{css_attr}="'
        return {int(chunk.split('"', 1)[0]) for chunk in page.text.split(marker)[1:]}

    # ------------------------------------------------------------
    # Pages
    # ------------------------------------------------------------

    def test_home_entries_and_counters(self):
        self.authenticate("portal_cc_a", "portal_cc_a")
        home = self.url_open("/my")
        self.assertEqual(home.status_code, 200)
        for url in ("/my/calls", "/my/callbacks", "/my/tickets"):
            self.assertIn(f'href="{url}"', home.text)
        response = self.url_open(
            "/my/counters",
            data=json.dumps({"params": {"counters": [
                "callcenter_call_count", "callcenter_callback_count", "ticket_count"]}}),
            headers={"Content-Type": "application/json"},
        )
        counters = response.json()["result"]
        self.assertEqual(counters["callcenter_call_count"], 2)
        self.assertEqual(counters["callcenter_callback_count"], 1)

    def test_calls_isolation(self):
        self.authenticate("portal_cc_a", "portal_cc_a")
        page = self.url_open("/my/calls")
        self.assertEqual(page.status_code, 200)
        self.assertEqual(self._ids(page, "data-call-id"), {self.call_a.id, self.call_colleague_a.id})
        self.assertIn("Back Office", page.text, "the queue's name is shown")
        self.assertIn("2:05", page.text, "talk time")
        self.assertNotIn("/recording", page.text, "recordings are off by default")

        self.authenticate("portal_cc_b", "portal_cc_b")
        page = self.url_open("/my/calls")
        self.assertEqual(self._ids(page, "data-call-id"), {self.call_b.id})

    def test_recordings_follow_the_company_setting(self):
        self.authenticate("portal_cc_a", "portal_cc_a")
        own = f"/my/calls/{self.call_a.id}/recording"
        self.assertEqual(self.url_open(own).status_code, 404, "setting off")
        self.env.company.callcenter_portal_recordings = True
        page = self.url_open("/my/calls")
        self.assertIn(f'src="{own}"', page.text)
        response = self.url_open(own)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.content, RECORDING + b"recording-a.wav")
        self.assertEqual(response.headers["Cache-Control"], "private, no-store")
        # The other customer's recording, a call without one, a call that does not exist.
        for url in (f"/my/calls/{self.call_b.id}/recording",
                    f"/my/calls/{self.call_colleague_a.id}/recording",
                    "/my/calls/999999999/recording"):
            with self.subTest(url=url):
                self.assertEqual(self.url_open(url).status_code, 404)
        # The attachment itself is never served to portal users.
        for attachment in (self.call_a.recording_attachment_id, self.call_b.recording_attachment_id):
            response = self.url_open(f"/web/content/{attachment.id}")
            self.assertIn(response.status_code, (403, 404))
            self.assertNotIn(RECORDING, response.content)

    def test_callbacks_isolation(self):
        self.authenticate("portal_cc_a", "portal_cc_a")
        page = self.url_open("/my/callbacks")
        self.assertEqual(self._ids(page, "data-callback-id"), {self.callback_a.id})
        self.assertNotIn("13900000099", page.text)
        self.authenticate("portal_cc_b", "portal_cc_b")
        page = self.url_open("/my/callbacks")
        self.assertEqual(self._ids(page, "data-callback-id"), {self.callback_b.id})

    def test_request_a_callback(self):
        self.authenticate("portal_cc_a", "portal_cc_a")
        form = self.url_open("/my/callback")
        self.assertEqual(form.status_code, 200)
        self.assertIn('value="13800000001"', form.text, "the number comes from the contact")
        self.assertIn("Portal Support", form.text)
        self.assertNotIn("Back Office", form.text, "only queues offered on the portal")
        day = (date.today() + timedelta(days=2)).isoformat()
        values = {
            "csrf_token": http.Request.csrf_token(self),
            "phone": "138 0000 0001", "queue_id": str(self.queue.id),
            "preferred_date": day, "window_from": "14:00", "window_to": "15:30",
            "note": "我的发票有问题",
        }
        # A queue that is not offered is refused with the form shown again.
        refused = self.url_open("/my/callback", data={**values, "queue_id": str(self.queue_hidden.id)})
        self.assertEqual(refused.status_code, 200)
        self.assertIn("o_callcenter_portal_errors", refused.text)
        self.assertIn("我的发票有问题", refused.text, "what was typed is kept")
        Callback = self.env["callcenter.callback"]
        self.assertFalse(Callback.search([("note", "=", "我的发票有问题")]))

        response = self.url_open("/my/callback", data=values)
        self.assertEqual(response.status_code, 200)
        callback = Callback.search([("note", "=", "我的发票有问题")])
        self.assertEqual(len(callback), 1)
        self.assertEqual(callback.partner_id, self.user_a.partner_id)
        self.assertEqual((callback.source, callback.state, callback.queue_id),
                         ("portal", "requested", self.queue))
        self.assertEqual(callback.phone_key, "+8613800000001")
        self.assertEqual(callback.tz, "Asia/Shanghai")
        self.assertIn(f"/my/callbacks?requested={callback.id}", response.url)
        self.assertIn(f'data-callback-id="{callback.id}"', response.text)

    @mute_logger("odoo.http")
    def test_callback_form_needs_csrf(self):
        self.authenticate("portal_cc_a", "portal_cc_a")
        response = self.url_open("/my/callback", data={
            "phone": "13800000001", "queue_id": str(self.queue.id),
            "preferred_date": date.today().isoformat(), "window_from": "23:00", "window_to": "23:59",
        })
        self.assertEqual(response.status_code, 400)
        self.assertFalse(self.env["callcenter.callback"].search([("window_from", "=", 23.0)]))

    def test_tickets_listed(self):
        ticket = self.env["helpdesk.ticket"].create({
            "name": "Alpha invoice question", "description": "x",
            "partner_id": self.user_a.partner_id.id,
        })
        self.env["helpdesk.ticket"].create({
            "name": "Beta delivery question", "description": "x",
            "partner_id": self.user_b.partner_id.id,
        })
        ticket.callcenter_call_ids = self.call_a
        self.authenticate("portal_cc_a", "portal_cc_a")
        page = self.url_open("/my/tickets")
        self.assertIn(ticket.name, page.text)
        self.assertNotIn("Beta delivery question", page.text)
        # The ticket's page still opens although its calls are out of the customer's reach.
        page = self.url_open(f"/my/ticket/{ticket.id}")
        self.assertEqual(page.status_code, 200)
        self.assertIn(ticket.name, page.text)

    # ------------------------------------------------------------
    # Access rights behind the pages
    # ------------------------------------------------------------

    def test_no_orm_access_to_calls_and_callbacks(self):
        """The pages read with sudo: the ORM gives customers nothing, not even their own."""
        env_a = self.env(user=self.user_a)
        for model in ("callcenter.call", "callcenter.callback", "callcenter.queue",
                      "callcenter.agent", "callcenter.call.leg"):
            with self.subTest(model=model), self.assertRaises(AccessError):
                env_a[model].search([])
        for record, field in ((self.call_a, "summary"), (self.call_a, "started_at"),
                              (self.call_b, "started_at"), (self.callback_a, "phone"),
                              (self.callback_a, "note"), (self.callback_b, "phone")):
            with self.subTest(record=record, field=field), self.assertRaises(AccessError):
                record.with_user(self.user_a).read([field])
        with self.assertRaises(AccessError):
            self.call_a.with_user(self.user_a).write({"summary": "changed"})
        with self.assertRaises(AccessError):
            self.callback_a.with_user(self.user_a).write({"phone": "13800000009"})
        with self.assertRaises(AccessError):
            env_a["callcenter.callback"].create({
                "partner_id": self.user_a.partner_id.id, "queue_id": self.queue.id,
                "preferred_date": date.today()})
        with self.assertRaises(AccessError):
            self.call_a.recording_attachment_id.with_user(self.user_a).read(["raw"])

    @mute_logger("odoo.http")
    def test_no_json_rpc_access(self):
        """What a customer's browser could ask through JSON-RPC is refused too."""
        self.authenticate("portal_cc_a", "portal_cc_a")
        for model, record in (("callcenter.call", self.call_a),
                              ("callcenter.callback", self.callback_a)):
            for method, args in (("search_read", [[]]), ("read", [record.ids, ["display_name"]])):
                with self.subTest(model=model, method=method):
                    response = self.url_open(
                        f"/web/dataset/call_kw/{model}/{method}",
                        data=json.dumps({"params": {"model": model, "method": method,
                                                    "args": args, "kwargs": {}}}),
                        headers={"Content-Type": "application/json"},
                    )
                    result = response.json()
                    self.assertNotIn("result", result)
                    self.assertEqual(result["error"]["data"]["name"],
                                     "odoo.exceptions.AccessError")

    def test_pages_show_only_chosen_values(self):
        """Agents' notes and names never reach the customer's pages."""
        self.call_a.summary = "Agent note: difficult customer"
        self.callback_a.note = "Callback note for agents"
        self.env.company.callcenter_portal_recordings = True
        self.authenticate("portal_cc_a", "portal_cc_a")
        calls = self.url_open("/my/calls").text
        callbacks = self.url_open("/my/callbacks").text
        for text in ("Agent note", "recording-a.wav", "Callback note for agents"):
            self.assertNotIn(text, calls + callbacks)
        self.assertIn(f'src="/my/calls/{self.call_a.id}/recording"', calls)
        self.assertIn("09:00–10:00", callbacks)
        self.assertIn("Portal Support", callbacks)
        self.assertIn('data-state="requested"', callbacks)

    def test_other_companies_calls_hidden(self):
        """Like the multi-company rules: calls of a company the customer is not in stay hidden."""
        other = self.env["res.company"].create({"name": "Other Call Center"})
        self.call_colleague_a.company_id = other
        self.authenticate("portal_cc_a", "portal_cc_a")
        self.assertEqual(self._ids(self.url_open("/my/calls"), "data-call-id"), {self.call_a.id})


@tagged("callcenter", "post_install", "-at_install")
class TestCallcenterPortalFollowup(HttpCase):
    """Satisfaction questionnaires on the portal, through the follow-up model's portal API."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True,
                                       mail_create_nolog=True))
        cls.user_a = new_test_user(cls.env, "portal_fu_a", groups="base.group_portal",
                                   name="Alice Followup")
        cls.user_b = new_test_user(cls.env, "portal_fu_b", groups="base.group_portal",
                                   name="Bob Followup")
        cls.followup_a = cls._followup(cls.user_a.partner_id, "Alpha router")
        cls.followup_b = cls._followup(cls.user_b.partner_id, "Beta invoice")

    @classmethod
    def _followup(cls, partner, name):
        ticket = cls.env["helpdesk.ticket"].create({
            "name": name, "description": name, "partner_id": partner.id})
        return cls.env["callcenter.helpdesk.followup"].create({
            "ticket_id": ticket.id, "partner_id": partner.id,
            "scheduled_at": datetime.now() - timedelta(hours=1),
        })

    def test_list_and_isolation(self):
        self.authenticate("portal_fu_a", "portal_fu_a")
        home = self.url_open("/my")
        self.assertIn('href="/my/followups"', home.text)
        page = self.url_open("/my/followups")
        self.assertEqual(page.status_code, 200)
        self.assertIn(f'data-followup-id="{self.followup_a.id}"', page.text)
        self.assertNotIn(f'data-followup-id="{self.followup_b.id}"', page.text)
        self.assertNotIn("Beta invoice", page.text)
        self.assertEqual(self.url_open(f"/my/followups/{self.followup_b.id}").status_code, 404)
        response = self.url_open(f"/my/followups/{self.followup_b.id}", data={
            "csrf_token": http.Request.csrf_token(self), "satisfaction": "1", "resolved": "no"})
        self.assertEqual(response.status_code, 404)
        self.assertEqual(self.followup_b.state, "scheduled")
        with self.assertRaises(AccessError):
            self.followup_a.with_user(self.user_a).read(["satisfaction"])

    def test_answer(self):
        self.authenticate("portal_fu_a", "portal_fu_a")
        url = f"/my/followups/{self.followup_a.id}"
        form = self.url_open(url)
        self.assertIn('name="satisfaction"', form.text)
        refused = self.url_open(url, data={"csrf_token": http.Request.csrf_token(self),
                                           "resolved": "yes", "comment": "很好"})
        self.assertEqual(refused.status_code, 200)
        self.assertIn("alert-danger", refused.text)
        self.assertIn("很好", refused.text, "what was typed is kept")
        self.assertEqual(self.followup_a.state, "scheduled")
        done = self.url_open(url, data={"csrf_token": http.Request.csrf_token(self),
                                        "satisfaction": "5", "resolved": "yes", "comment": "很好"})
        self.assertEqual(done.status_code, 200)
        self.assertIn("answered=1", done.url)
        self.assertEqual((self.followup_a.state, self.followup_a.satisfaction,
                          self.followup_a.resolved, self.followup_a.answered_by),
                         ("done", "5", "yes", "portal"))
        self.assertIn("o_callcenter_portal_followup_answers", done.text)
        self.assertNotIn('name="satisfaction"', done.text, "answered only once")


@tagged("callcenter", "post_install", "-at_install")
class TestCallcenterPortalDemo(HttpCase):
    """The demo customer 赵磊 (portal_zhao) shows every portal page with content."""

    def test_demo_customer(self):
        user = self.env.ref("callcenter_helpdesk.user_portal_zhao_demo", raise_if_not_found=False)
        if not user:
            self.skipTest("demo data not loaded")
        self.authenticate("portal_zhao", "portal_zhao")
        calls = self.url_open("/my/calls")
        self.assertIn("o_callcenter_portal_call", calls.text)
        self.assertIn(
            f'data-call-id="{self.env.ref("callcenter_helpdesk.callcenter_call_zhao_outbound_demo").id}"',
            calls.text)
        callback = self.env.ref("callcenter_helpdesk.callcenter_callback_zhao_demo")
        self.assertIn(f'data-callback-id="{callback.id}"', self.url_open("/my/callbacks").text)
        other = self.env.ref("callcenter_helpdesk.callcenter_callback_zhou_demo")
        self.assertNotIn(f'data-callback-id="{other.id}"', self.url_open("/my/callbacks").text)
        self.assertIn("发票抬头错误", self.url_open("/my/tickets").text)
