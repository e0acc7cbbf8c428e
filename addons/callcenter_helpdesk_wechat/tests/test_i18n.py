# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import TransactionCase, tagged

from odoo.addons.callcenter_base.tests.common import untranslated_terms


@tagged("callcenter")
class TestTranslations(TransactionCase):
    def test_zh_cn_complete(self):
        self.assertEqual(untranslated_terms(self.env, "callcenter_helpdesk_wechat"), [])
