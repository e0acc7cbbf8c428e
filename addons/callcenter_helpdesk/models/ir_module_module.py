# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models
from odoo.modules.module import get_module_path
from odoo.tools.translate import TranslationImporter

# OCA's helpdesk_mgmt ships no Chinese: this module carries its translations.
UPSTREAM_TRANSLATED = ("helpdesk_mgmt",)
UPSTREAM_FOLDER = "i18n_{module}"


class IrModuleModule(models.Model):
    _inherit = "ir.module.module"

    @api.model
    def _load_module_terms(self, modules, langs, overwrite=False, imported_module=False):
        """Also load this module's translations of the upstream screens agents work in,
        whenever either side's terms are loaded (install, update, a new language)."""
        super()._load_module_terms(modules, langs, overwrite=overwrite,
                                   imported_module=imported_module)
        if not {"callcenter_helpdesk", *UPSTREAM_TRANSLATED} & set(modules):
            return
        base = get_module_path("callcenter_helpdesk")
        importer = TranslationImporter(self.env.cr, verbose=False)
        for upstream in UPSTREAM_TRANSLATED:
            folder = f"{base}/{UPSTREAM_FOLDER.format(module=upstream)}"
            for lang in langs:
                importer.load_file(f"{folder}/{lang}.po", lang)  # a missing file is skipped
        importer.save(overwrite=overwrite)
