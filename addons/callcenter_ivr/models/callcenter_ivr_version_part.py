from odoo import api, models


class CallcenterIvrVersionPart(models.AbstractModel):
    """What a flow version is made of (nodes, menu keys): it freezes with its version
    once published, so that what the connector cached is what Odoo shows."""

    _name = "callcenter.ivr.version.part"
    _description = "IVR Version Part"

    def _callcenter_versions(self):
        raise NotImplementedError

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        records._callcenter_versions()._callcenter_check_editable()
        return records

    def write(self, vals):
        self._callcenter_versions()._callcenter_check_editable()
        return super().write(vals)

    def unlink(self):
        self._callcenter_versions()._callcenter_check_editable()
        return super().unlink()
