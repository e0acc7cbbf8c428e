# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import io
import threading
from contextlib import contextmanager
from datetime import timedelta

from wechatpy.exceptions import WeChatClientException

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import TransactionCase, new_test_user, tagged

from odoo.addons.callcenter_wechat.tools.client import CallcenterWeChatClient
from odoo.addons.callcenter_wechat.tools.token_store import TokenStore

from .wechat_fake import WeChatFake

APP_ID = "wx_client_test"
SECRET = "client-test-secret"


class WechatAccountCase(TransactionCase):
    """An account whose API base URL is a fresh loopback fake of WeChat."""

    app_id = APP_ID

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True,
                                       mail_create_nolog=True))
        cls.fake = WeChatFake(apps={cls.app_id: SECRET})
        cls.addClassCleanup(cls.fake.close)
        cls.account = cls.env["callcenter.wechat.account"].create({
            "name": "Test Official Account",
            "app_id": cls.app_id,
            "app_secret": SECRET,
            "token": "webhook-token",
            "api_base_url": cls.fake.base_url,
        })
        cls.user_manager = new_test_user(
            cls.env, "wechat_manager",
            groups="base.group_user,callcenter_base.group_callcenter_manager",
        )

    def setUp(self):
        super().setUp()
        self.fake.reset()
        self.store = TokenStore(self.env.cr.dbname, self.app_id, fetch=None)
        self.store.clear()

    def _store_token(self, token, expires_at):
        """Writes the shared row as another worker would have."""
        with self.store._cursor() as cr:
            cr.execute(
                "INSERT INTO callcenter_wechat_token (app_id, access_token, expires_at) "
                "VALUES (%s, %s, %s) ON CONFLICT (app_id) DO UPDATE "
                "SET access_token = EXCLUDED.access_token, expires_at = EXCLUDED.expires_at",
                [self.app_id, token, expires_at],
            )

    @contextmanager
    def assertRaisesIn(self, exception, text):
        """assertRaises (which rolls back to a savepoint) and the message says ``text``."""
        with self.assertRaises(exception) as caught:
            yield
        self.assertIn(text, caught.exception.args[0])

    def _create_follower(self, openid, partner=None, subscribed=True, account=None):
        return self.env["callcenter.wechat.follower"].create({
            "account_id": (account or self.account).id,
            "openid": openid,
            "partner_id": partner.id if partner else False,
            "subscribed": subscribed,
        })


@tagged("callcenter", "post_install", "-at_install")
class TestWechatToken(WechatAccountCase):
    def test_token_fetched_once_and_reused(self):
        client = self.account._wechat_client()
        client.message.send_text("o_alice", "你好")
        client.message.send_text("o_alice", "second")
        self.account._wechat_client().message.send_text("o_alice", "third, new client")
        self.assertEqual(self.fake.token_count(self.app_id), 1)
        token, expires_at = self.store.read()
        self.assertEqual(token, self.fake.current_token(self.app_id))
        self.assertGreater(expires_at, fields.Datetime.now() + timedelta(hours=1))
        sends = self.fake.requests("message/custom/send")
        self.assertEqual([body["text"]["content"] for _params, body in sends],
                         ["你好", "second", "third, new client"])
        self.assertEqual({params["access_token"] for params, _body in sends}, {token})

    def test_token_shared_by_two_workers(self):
        """Two workers, each with its own connection, race for an expired token:
        one fetches it (slowly) while the other waits on the row lock and uses it."""
        old = self.fake.issue_token(self.app_id)
        self._store_token(old, fields.Datetime.now() - timedelta(minutes=1))
        self.fake.set_delay("token", 0.3)
        # Read here: a thread reading the ORM would use this thread's cursor and cache.
        account = self.account.sudo()
        app_id, app_secret, api_base_url = account.app_id, account.app_secret, account.api_base_url
        dbname = self.env.cr.dbname
        barrier = threading.Barrier(2)
        results, errors = {}, []

        def worker(name):
            try:
                client = CallcenterWeChatClient(
                    app_id, app_secret, api_base_url, TokenStore(dbname, app_id, fetch=None),
                )
                barrier.wait(5)
                client.message.send_text("o_alice", name)
                results[name] = client.access_token
            except Exception as exc:  # noqa: BLE001 (reported by the main thread)
                errors.append(exc)

        threads = [threading.Thread(target=worker, args=(name,)) for name in ("w1", "w2")]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        self.assertFalse(errors)
        # The out-of-band token plus exactly one fetched by the two workers.
        self.assertEqual(self.fake.token_count(self.app_id), 2)
        self.assertEqual(len(self.fake.requests("token")), 1)
        self.assertEqual(results["w1"], results["w2"])
        self.assertEqual(results["w1"], self.fake.current_token(self.app_id))
        self.assertEqual(len(self.fake.requests("message/custom/send")), 2)

    def test_refresh_before_expiry(self):
        token = self.fake.issue_token(self.app_id)
        self._store_token(token, fields.Datetime.now() + timedelta(minutes=10))
        self.account._wechat_client().message.send_text("o_alice", "still valid")
        self.assertEqual(len(self.fake.requests("token")), 0)
        # Four minutes left: inside the five-minute margin, renewed before the call.
        self._store_token(token, fields.Datetime.now() + timedelta(minutes=4))
        self.account._wechat_client().message.send_text("o_alice", "renewed first")
        self.assertEqual(len(self.fake.requests("token")), 1)
        params, _body = self.fake.requests("message/custom/send")[-1]
        self.assertNotEqual(params["access_token"], token)
        self.assertEqual(self.store.read()[0], params["access_token"])

    def test_one_refresh_on_40001(self):
        client = self.account._wechat_client()
        client.message.send_text("o_alice", "first")
        self.fake.fail_next("message/custom/send", 40001)
        client.message.send_text("o_alice", "after a refresh")
        self.assertEqual(self.fake.token_count(self.app_id), 2)
        sends = self.fake.requests("message/custom/send")
        self.assertEqual(len(sends), 3)
        self.assertNotEqual(sends[1][0]["access_token"], sends[2][0]["access_token"])

    def test_one_refresh_on_42001(self):
        client = self.account._wechat_client()
        client.message.send_text("o_alice", "first")
        self.fake.expire_token(self.app_id)
        client.message.send_text("o_alice", "after a refresh")
        self.assertEqual(self.fake.token_count(self.app_id), 2)
        self.assertEqual(len(self.fake.requests("message/custom/send")), 3)

    def test_token_superseded_elsewhere(self):
        """Another system fetched a token for the AppID: ours is "not latest" (40001)."""
        client = self.account._wechat_client()
        client.message.send_text("o_alice", "first")
        self.fake.issue_token(self.app_id)
        client.message.send_text("o_alice", "second")
        self.assertEqual(self.fake.token_count(self.app_id), 3)

    def test_refresh_reuses_another_workers_token(self):
        """WeChat refused our token, but another worker already stored a new one."""
        client = self.account._wechat_client()
        client.message.send_text("o_alice", "first")
        newer = self.fake.issue_token(self.app_id)
        self._store_token(newer, fields.Datetime.now() + timedelta(hours=2))
        client.message.send_text("o_alice", "with their token")
        self.assertEqual(len(self.fake.requests("token")), 1)
        self.assertEqual(self.fake.requests("message/custom/send")[-1][0]["access_token"], newer)

    def test_second_40001_raises(self):
        client = self.account._wechat_client()
        self.fake.fail_next("message/custom/send", 40001, times=2)
        with self.assertRaises(WeChatClientException) as caught:
            client.message.send_text("o_alice", "never sent")
        self.assertEqual(caught.exception.errcode, 40001)
        self.assertEqual(len(self.fake.requests("message/custom/send")), 2)
        self.assertEqual(self.fake.token_count(self.app_id), 2)
        error = self.account._wechat_user_error(caught.exception)
        self.assertIsInstance(error, UserError)
        self.assertIn("even after renewing", error.args[0])

    def test_upload_retried_with_the_whole_file(self):
        self.fake.fail_next("media/upload", 42001)
        result = self.account._wechat_client().media.upload(
            "image", ("photo.png", io.BytesIO(b"\x89PNG image bytes"), "image/png")
        )
        self.assertEqual(self.fake.media(result["media_id"])[0], b"\x89PNG image bytes")

    def test_media_download(self):
        self.fake.add_media("MEDIA_IN", b"voice bytes", "audio/amr", "voice.amr")
        response = self.account._wechat_client().media.download("MEDIA_IN")
        self.assertEqual(response.content, b"voice bytes")
        self.fake.add_media("MEDIA_VIDEO", b"mp4 bytes", "video/mp4")
        self.assertIn("video_url", self.account._wechat_client().media.download("MEDIA_VIDEO"))
        with self.assertRaises(WeChatClientException) as caught:
            self.account._wechat_client().media.download("MEDIA_GONE")
        self.assertIn("three days", self.account._wechat_user_error(caught.exception).args[0])

    def test_user_errors(self):
        self.fake.set_last_inbound("o_late", fields.Datetime.now() - timedelta(hours=49))
        with self.assertRaises(WeChatClientException) as caught:
            self.account._wechat_client().message.send_text("o_late", "too late")
        self.assertEqual(caught.exception.errcode, 45015)
        self.assertIn("48 hours", self.account._wechat_user_error(caught.exception).args[0])
        self.fake.fail_next("message/custom/send", 45047)
        with self.assertRaises(WeChatClientException) as caught:
            self.account._wechat_client().message.send_text("o_alice", "too many")
        self.assertIn("20 replies", self.account._wechat_user_error(caught.exception).args[0])
        self.fake.fail_next("message/custom/send", 99999, "something new")
        with self.assertRaises(WeChatClientException) as caught:
            self.account._wechat_client().message.send_text("o_alice", "odd")
        self.assertIn("99999", self.account._wechat_user_error(caught.exception).args[0])

    def test_network_errors(self):
        self.fake.fail_next("message/custom/send", status=502)
        with self.assertRaises(WeChatClientException) as caught:
            self.account._wechat_client().message.send_text("o_alice", "bad gateway")
        self.assertIn("502", self.account._wechat_user_error(caught.exception).args[0])
        closed = WeChatFake()
        closed.close()
        self.account.api_base_url = closed.base_url
        with self.assertRaises(WeChatClientException) as caught:
            self.account._wechat_client().message.send_text("o_alice", "nobody there")
        self.assertIsNone(caught.exception.errcode)
        self.assertIn("could not be reached", self.account._wechat_user_error(caught.exception).args[0])

    def test_test_connection(self):
        action = self.account.action_wechat_test_connection()
        self.assertEqual(action["params"]["type"], "success")
        self.assertEqual(len(self.fake.requests("getcallbackip")), 1)
        self.account.app_secret = "wrong"
        with self.assertRaisesIn(UserError, "AppSecret"):
            self.account.action_wechat_test_connection()

    def test_secrets_admin_only(self):
        account = self.account.with_user(self.user_manager)
        self.assertEqual(account.name, "Test Official Account")
        for field in ("app_secret", "token", "encoding_aes_key", "api_base_url"):
            with self.assertRaises(AccessError):
                account.read([field])
        arch = account.get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertIn('name="app_id"', arch)
        self.assertNotIn("app_secret", arch)
        self.assertNotIn("encoding_aes_key", arch)
        # The manager still uses the account: the client reads the secrets itself.
        account.action_wechat_test_connection()


@tagged("callcenter", "post_install", "-at_install")
class TestWechatMenu(WechatAccountCase):
    app_id = "wx_menu_test"

    def _button(self, name, **values):
        return self.env["callcenter.wechat.menu.button"].create(
            {"account_id": self.account.id, "name": name, **values}
        )

    def test_push_menu(self):
        queue = self.env["callcenter.queue"].search([], limit=1)
        self._button("人工客服", key="AGENT", queue_id=queue.id, sequence=1)
        services = self._button("服务", kind="menu", sequence=2)
        self._button("Track my order", kind="view", url="https://example.com/track",
                     parent_id=services.id)
        self._button("Opening hours", key="HOURS", parent_id=services.id)
        action = self.account.action_wechat_push_menu()
        self.assertEqual(action["params"]["type"], "success")
        (_params, body), = self.fake.requests("menu/create")
        self.assertEqual(body, {"button": [
            {"type": "click", "name": "人工客服", "key": "AGENT"},
            {"name": "服务", "sub_button": [
                {"type": "view", "name": "Track my order", "url": "https://example.com/track"},
                {"type": "click", "name": "Opening hours", "key": "HOURS"},
            ]},
        ]})
        self.assertEqual(self.fake.menu(self.app_id), body)

    def test_push_empty_menu_removes_it(self):
        self.account.action_wechat_push_menu()
        self.assertEqual(len(self.fake.requests("menu/delete")), 1)

    def test_menu_rules(self):
        for index in range(3):
            self._button(f"B{index}", key=f"K{index}")
        with self.assertRaisesIn(ValidationError, "allows 3"):
            self._button("Fourth", key="K4")
        parent = self.env["callcenter.wechat.menu.button"].search(
            [("account_id", "=", self.account.id)], limit=1
        )
        parent.kind = "menu"
        for index in range(5):
            self._button(f"Sub {index}", key=f"S{index}", parent_id=parent.id)
        with self.assertRaisesIn(ValidationError, "allows 5"):
            self._button("Sub 6", key="S6", parent_id=parent.id)
        sub = parent.child_ids[0]
        with self.assertRaisesIn(ValidationError, "two levels"):
            self._button("Third level", key="L3", parent_id=sub.id)
        with self.assertRaisesIn(ValidationError, "16 bytes"):
            parent.name = "客户服务中心"  # 6 characters, 18 bytes
        sub.name = "客户服务中心"  # 60 bytes allowed for a sub-button
        with self.assertRaisesIn(ValidationError, "enter the key"):
            sub.key = False
        with self.assertRaisesIn(ValidationError, "enter its URL"):
            sub.kind = "view"
        with self.assertRaisesIn(ValidationError, "http"):
            sub.write({"kind": "view", "url": "javascript:alert(1)"})
        with self.assertRaisesIn(ValidationError, "cannot open more"):
            sub.kind = "menu"
        with self.assertRaisesIn(ValidationError, "must open them"):
            parent.kind = "click"

    def test_push_checks_what_wechat_would_refuse(self):
        self._button("Empty", kind="menu")
        with self.assertRaisesIn(ValidationError, "has none"):
            self.account.action_wechat_push_menu()
        self.assertFalse(self.fake.requests("menu/create"))

    def test_push_refused_by_wechat(self):
        self._button("Help", key="HELP")
        self.fake.fail_next("menu/create", 40018)
        with self.assertRaisesIn(UserError, "refused the menu"):
            self.account.action_wechat_push_menu()


@tagged("callcenter", "post_install", "-at_install")
class TestWechatTemplate(WechatAccountCase):
    app_id = "wx_template_test"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.partner = cls.env["res.partner"].create({"name": "赵磊"})
        cls.template = cls.env["callcenter.wechat.template"].create({
            "name": "Ticket update",
            "account_id": cls.account.id,
            "template_id": "TPL_TICKET",
            "event_code": "helpdesk.ticket.stage",
            "url": "https://example.com/my/tickets/{ticket_id}",
            "line_ids": [
                (0, 0, {"key": "first", "value": "Your ticket {ticket}", "color": "#173177"}),
                (0, 0, {"key": "keyword1", "value": "{stage}"}),
                (0, 0, {"key": "remark", "value": "Thank you {unknown}"}),
            ],
        })

    def test_notify_bound_subscribed_followers_only(self):
        bound = self._create_follower("o_bound", self.partner)
        unsubscribed = self._create_follower("o_gone", self.partner, subscribed=False)
        other = self._create_follower("o_other", self.env["res.partner"].create({"name": "Other"}))
        messages = self.env["callcenter.wechat.template"]._wechat_notify(
            "helpdesk.ticket.stage", self.partner,
            {"ticket": "T-42", "ticket_id": 42, "stage": "Solved"},
        )
        self.assertEqual(messages.follower_id, bound)
        self.assertEqual(messages.state, "queued")
        self.assertFalse(self.fake.requests("message/template/send"),
                         "nothing leaves before the caller's transaction commits")
        self.env["callcenter.wechat.template"]._wechat_send_queued()
        self.assertEqual(messages.state, "sent")
        self.assertEqual(messages.kind, "template")
        self.assertEqual(messages.direction, "out")
        (_params, body), = self.fake.requests("message/template/send")
        self.assertEqual(body, {
            "touser": "o_bound",
            "template_id": "TPL_TICKET",
            "url": "https://example.com/my/tickets/42",
            "data": {
                "first": {"value": "Your ticket T-42", "color": "#173177"},
                "keyword1": {"value": "Solved"},
                "remark": {"value": "Thank you {unknown}"},
            },
        })
        self.assertNotIn(unsubscribed | other, messages.follower_id)

    def test_notify_failure_stored(self):
        self._create_follower("o_one", self.partner)
        self._create_follower("o_two", self.partner)
        self.fake.set_subscribed("o_one", False)  # unfollowed, WeChat not yet told us
        messages = self.env["callcenter.wechat.template"]._wechat_notify(
            "helpdesk.ticket.stage", self.partner, {"ticket": "T-1", "stage": "New"},
            url="https://example.com/override",
        )
        self.env["callcenter.wechat.template"]._wechat_send_queued()
        self.assertEqual(len(messages), 2)
        failed = messages.filtered(lambda m: m.state == "failed")
        self.assertEqual(failed.follower_id.openid, "o_one")
        self.assertIn("unfollowed", failed.error)
        sent = messages - failed
        self.assertEqual(sent.state, "sent")
        self.assertEqual(sent.url, "https://example.com/override")

    def test_notify_other_event_or_inactive(self):
        self._create_follower("o_bound", self.partner)
        Template = self.env["callcenter.wechat.template"]
        self.assertFalse(Template._wechat_notify("sale.order.confirmed", self.partner, {}))
        self.template.active = False
        self.assertFalse(Template._wechat_notify("helpdesk.ticket.stage", self.partner, {}))
        self.assertFalse(self.fake.requests("message/template/send"))

    def test_notify_as_unprivileged_user(self):
        self._create_follower("o_bound", self.partner)
        user = new_test_user(self.env, "wechat_plain", groups="base.group_user")
        messages = self.env["callcenter.wechat.template"].with_user(user)._wechat_notify(
            "helpdesk.ticket.stage", self.partner, {"ticket": "T-7", "stage": "Open"},
        )
        self.assertEqual(messages.state, "queued")
        self.env["callcenter.wechat.template"]._wechat_send_queued()
        self.assertEqual(messages.state, "sent")

    def test_queued_message_sent_once(self):
        self._create_follower("o_bound", self.partner)
        Template = self.env["callcenter.wechat.template"]
        Template._wechat_notify("helpdesk.ticket.stage", self.partner, {"stage": "Open"})
        Template._wechat_send_queued()
        Template._wechat_send_queued()
        self.assertEqual(len(self.fake.requests("message/template/send")), 1)

    def test_unreachable_wechat_retried(self):
        self._create_follower("o_bound", self.partner)
        messages = self.env["callcenter.wechat.template"]._wechat_notify(
            "helpdesk.ticket.stage", self.partner, {"stage": "Open"},
        )
        self.fake.fail_next("message/template/send", status=502)
        Template = self.env["callcenter.wechat.template"]
        Template._wechat_send_queued()
        self.assertEqual(messages.state, "queued", "kept for the next run")
        self.assertTrue(messages.error)
        Template._wechat_send_queued()
        self.assertEqual(messages.state, "sent")
        self.assertFalse(messages.error)

    def test_stale_queued_message_given_up(self):
        self._create_follower("o_bound", self.partner)
        messages = self.env["callcenter.wechat.template"]._wechat_notify(
            "helpdesk.ticket.stage", self.partner, {"stage": "Open"},
        )
        self.env.cr.execute("UPDATE callcenter_wechat_message SET create_date = now() - interval '2 days' "
                            "WHERE id = %s", [messages.id])
        messages.invalidate_recordset(["create_date"])
        self.fake.fail_next("message/template/send", status=502)
        self.env["callcenter.wechat.template"]._wechat_send_queued()
        self.assertEqual(messages.state, "failed")

    def test_line_rules(self):
        with self.assertRaises(ValidationError):
            self.template.line_ids[0].color = "blue"
        with self.assertRaises(ValidationError):
            self.template.line_ids[0].key = "first name"


@tagged("callcenter", "post_install", "-at_install")
class TestWechatBindingQr(WechatAccountCase):
    app_id = "wx_qrcode_test"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.partner = cls.env["res.partner"].create({"name": "李娜"})
        cls.QrCode = cls.env["callcenter.wechat.qrcode"]

    def test_create_and_reuse(self):
        code = self.QrCode._wechat_binding_qr(self.partner, self.account)
        self.assertTrue(code.scene.startswith("bind:"))
        self.assertGreater(len(code.scene), 30)
        (_params, body), = self.fake.requests("qrcode/create")
        self.assertEqual(body["action_name"], "QR_STR_SCENE")
        self.assertEqual(body["action_info"]["scene"]["scene_str"], code.scene)
        self.assertEqual(self.fake.qrcode(code.ticket)["url"], code.url)
        self.assertGreater(code.expires_at, fields.Datetime.now() + timedelta(days=6))
        self.assertEqual(self.QrCode._wechat_binding_qr(self.partner, self.account), code)
        self.assertEqual(len(self.fake.requests("qrcode/create")), 1)
        png = code._wechat_png()
        self.assertTrue(png.startswith(b"\x89PNG"))
        # Close to its end: a new code rather than one that dies while shown.
        code.expires_at = fields.Datetime.now() + timedelta(minutes=30)
        fresh = self.QrCode._wechat_binding_qr(self.partner, self.account)
        self.assertNotEqual(fresh, code)
        self.assertNotEqual(fresh.scene, code.scene)

    def test_bind_by_scan_and_by_subscribe(self):
        code = self.QrCode._wechat_binding_qr(self.partner, self.account)
        scanner = self._create_follower("o_scanner")
        self.assertEqual(self.QrCode._wechat_bind(scanner, code.scene), self.partner)
        self.assertEqual(scanner.partner_id, self.partner)
        newcomer = self._create_follower("o_newcomer")
        self.assertEqual(self.QrCode._wechat_bind(newcomer, "qrscene_" + code.scene), self.partner)
        self.assertEqual(newcomer.partner_id, self.partner)
        self.assertEqual(self.partner.wechat_follower_ids, scanner | newcomer)

    def test_bind_refused(self):
        code = self.QrCode._wechat_binding_qr(self.partner, self.account)
        follower = self._create_follower("o_someone")
        for scene in ("", "qrscene_", "bind:guessed", "qrscene_promo2026", code.scene + "x"):
            self.assertFalse(self.QrCode._wechat_bind(follower, scene), scene)
        other_account = self.env["callcenter.wechat.account"].create({
            "name": "Other account", "app_id": "wx_qrcode_other", "app_secret": "x",
            "api_base_url": self.fake.base_url,
        })
        stranger = self._create_follower("o_someone", account=other_account)
        self.assertFalse(self.QrCode._wechat_bind(stranger, code.scene))
        code.expires_at = fields.Datetime.now() - timedelta(seconds=1)
        self.assertFalse(self.QrCode._wechat_bind(follower, code.scene))
        self.assertFalse(follower.partner_id)
