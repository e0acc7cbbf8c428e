# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.callcenter_wechat.tools.token_store import TokenStore

from .wechat_fake import WeChatFake

APP_ID = "wx_portal_test"


@tagged("callcenter", "post_install", "-at_install")
class TestWechatPortal(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.fake = WeChatFake()
        cls.addClassCleanup(cls.fake.close)
        # The portal offers the first account of the user's company: this one.
        cls.env["callcenter.wechat.account"].search([]).active = False
        cls.account = cls.env["callcenter.wechat.account"].create({
            "name": "ACME 客服", "app_id": APP_ID, "app_secret": "portal-secret",
            "api_base_url": cls.fake.base_url,
        })
        cls.user_a = new_test_user(cls.env, "wechat_portal_a", groups="base.group_portal",
                                   name="Portal Alice")
        cls.user_b = new_test_user(cls.env, "wechat_portal_b", groups="base.group_portal",
                                   name="Portal Bob")
        Follower = cls.env["callcenter.wechat.follower"]
        cls.follower_a = Follower.create({
            "account_id": cls.account.id, "openid": "o_alice", "nickname": "Alice on WeChat",
            "partner_id": cls.user_a.partner_id.id, "subscribed": True,
        })
        cls.follower_b = Follower.create({
            "account_id": cls.account.id, "openid": "o_bob", "nickname": "Bob on WeChat",
            "partner_id": cls.user_b.partner_id.id, "subscribed": True,
        })

    def setUp(self):
        super().setUp()
        self.fake.reset()
        TokenStore(self.env.cr.dbname, APP_ID, fetch=None).clear()

    def _code(self, user):
        return self.env["callcenter.wechat.qrcode"].search([("partner_id", "=", user.partner_id.id)])

    def test_each_user_sees_only_their_own(self):
        self.authenticate("wechat_portal_a", "wechat_portal_a")
        page = self.url_open("/my/wechat")
        self.assertEqual(page.status_code, 200)
        self.assertIn("Alice on WeChat", page.text)
        self.assertNotIn("Bob on WeChat", page.text)
        self.assertIn('src="/my/wechat/qr.png"', page.text)
        code_a = self._code(self.user_a)
        self.assertEqual(len(code_a), 1)
        image = self.url_open("/my/wechat/qr.png")
        self.assertEqual(image.headers["Content-Type"], "image/png")
        self.assertEqual(image.content, code_a._wechat_png())
        self.assertEqual(len(self.fake.requests("qrcode/create")), 1)

        self.authenticate("wechat_portal_b", "wechat_portal_b")
        page = self.url_open("/my/wechat")
        self.assertIn("Bob on WeChat", page.text)
        self.assertNotIn("Alice on WeChat", page.text)
        code_b = self._code(self.user_b)
        self.assertEqual(len(code_b), 1)
        self.assertNotEqual(code_b.scene, code_a.scene)
        image = self.url_open("/my/wechat/qr.png", allow_redirects=False)
        self.assertEqual(image.content, code_b._wechat_png())
        self.assertNotEqual(image.content, code_a._wechat_png())
        # Query parameters change nothing: the code is always the user's own.
        image = self.url_open(f"/my/wechat/qr.png?partner_id={self.user_a.partner_id.id}")
        self.assertEqual(image.content, code_b._wechat_png())
        self.assertEqual(self._code(self.user_a), code_a)

    def test_home_card_and_breadcrumb(self):
        self.authenticate("wechat_portal_a", "wechat_portal_a")
        home = self.url_open("/my")
        self.assertIn('href="/my/wechat"', home.text)
        page = self.url_open("/my/wechat")
        self.assertIn('<li class="breadcrumb-item active">WeChat</li>', page.text)

    def test_no_account(self):
        self.account.active = False
        self.authenticate("wechat_portal_a", "wechat_portal_a")
        self.assertNotIn('href="/my/wechat"', self.url_open("/my").text)
        page = self.url_open("/my/wechat")
        self.assertEqual(page.status_code, 200)
        self.assertIn("We do not offer WeChat yet", page.text)
        self.assertEqual(self.url_open("/my/wechat/qr.png").status_code, 404)
        self.assertFalse(self.fake.requests("qrcode/create"))

    def test_wechat_refuses(self):
        self.fake.fail_next("qrcode/create", 48001, times=2)
        self.authenticate("wechat_portal_a", "wechat_portal_a")
        with self.assertLogs("odoo.addons.callcenter_wechat.controllers.portal", "WARNING"):
            page = self.url_open("/my/wechat")
        self.assertIn("cannot be shown right now", page.text)
        self.assertIn("Alice on WeChat", page.text)
        self.assertFalse(self._code(self.user_a))

    def test_login_required(self):
        page = self.url_open("/my/wechat")
        self.assertIn("/web/login", page.url)
        self.assertFalse(self.fake.requests())
