# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import polib

from odoo.modules.module import get_module_path
from odoo.tests import TransactionCase, tagged


@tagged("callcenter", "post_install", "-at_install")
class TestUpstreamTranslations(TransactionCase):
    """helpdesk_mgmt has no Chinese of its own: this module's copy covers its screens."""

    def test_every_upstream_term_translated(self):
        pot = polib.pofile(f"{get_module_path('helpdesk_mgmt')}/i18n/helpdesk_mgmt.pot")
        po = polib.pofile(
            f"{get_module_path('callcenter_helpdesk')}/i18n_helpdesk_mgmt/zh_CN.po")
        translated = {entry.msgid for entry in po if entry.msgstr.strip()}
        self.assertEqual(sorted({entry.msgid for entry in pot} - translated), [])

    def test_loaded_with_the_language(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(["helpdesk_mgmt"], ["zh_CN"])
        field = self.env["ir.model.fields"]._get("helpdesk.ticket", "team_id")
        self.assertNotEqual(field.with_context(lang="zh_CN").field_description,
                            field.with_context(lang="en_US").field_description)
