import re

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

DID_PATTERN = re.compile(r"^\+?[0-9]{1,20}$")
EXTENSION_PATTERN = re.compile(r"^[0-9]{2,8}$")


class CallcenterIvrRoute(models.Model):
    """A dialed number (DID) and where its calls go. The route without a number is
    the PBX's default route: every other inbound number takes it."""

    _name = "callcenter.ivr.route"
    _description = "Inbound Route"
    _order = "pbx_id, sequence, did, id"

    name = fields.Char(required=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    pbx_id = fields.Many2one("callcenter.pbx", string="PBX", required=True, index=True,
                             ondelete="cascade", check_company=True)
    company_id = fields.Many2one(related="pbx_id.company_id", store=True)
    did = fields.Char(string="Dialed Number",
                      help="The number as the trunk delivers it (DID); empty for the default route.")
    destination = fields.Selection(
        [("ivr", "IVR flow"), ("queue", "Queue"), ("extension", "Extension")],
        default="ivr", required=True,
    )
    ivr_id = fields.Many2one("callcenter.ivr", string="Flow", ondelete="restrict",
                             domain="[('pbx_id', '=', pbx_id)]")
    queue_id = fields.Many2one("callcenter.queue", string="Queue", ondelete="restrict",
                               domain="[('pbx_id', '=', pbx_id)]")
    extension = fields.Char()
    max_wait = fields.Integer(string="Maximum Wait (s)", default=300)
    warning = fields.Char(compute="_compute_warning")

    @api.depends("destination", "ivr_id.published_version_id")
    def _compute_warning(self):
        for route in self:
            route.warning = (
                _("The flow has no published version: calls go to its safe destination.")
                if route.destination == "ivr" and route.ivr_id and not route.ivr_id.published_version_id
                else False)

    @api.constrains("did", "destination", "ivr_id", "queue_id", "extension", "pbx_id", "active")
    def _check_route(self):
        for route in self:
            did = (route.did or "").strip()
            if did and not DID_PATTERN.match(did):
                raise ValidationError(_("“%(did)s” is not a dialed number: digits only, an "
                                        "optional leading +.", did=route.did))
            if route.destination == "ivr" and not route.ivr_id:
                raise ValidationError(_("Route “%(route)s” needs a flow.", route=route.name))
            if route.destination == "queue" and not route.queue_id:
                raise ValidationError(_("Route “%(route)s” needs a queue.", route=route.name))
            if route.destination == "extension" and not EXTENSION_PATTERN.match(route.extension or ""):
                raise ValidationError(_("Route “%(route)s” needs an extension of 2 to 8 digits.",
                                        route=route.name))
            if route.ivr_id and route.ivr_id.pbx_id != route.pbx_id:
                raise ValidationError(_("The flow of route “%(route)s” belongs to another PBX.",
                                        route=route.name))
            if route.queue_id and route.queue_id.pbx_id != route.pbx_id:
                raise ValidationError(_("The queue of route “%(route)s” belongs to another PBX.",
                                        route=route.name))
            if route.active and self.search_count([
                ("pbx_id", "=", route.pbx_id.id), ("id", "!=", route.id),
                ("did", "=", did or False) if did else ("did", "in", (False, "")),
            ]):
                raise ValidationError(
                    _("Number %(did)s already has a route on this PBX.", did=did) if did else
                    _("This PBX already has a default route."))

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            vals["did"] = (vals.get("did") or "").strip() or False
        routes = super().create(vals_list)
        routes.pbx_id._callcenter_ivr_notify_connector()
        return routes

    def write(self, vals):
        if "did" in vals:
            vals["did"] = (vals["did"] or "").strip() or False
        pbxs = self.pbx_id
        result = super().write(vals)
        (pbxs | self.pbx_id)._callcenter_ivr_notify_connector()
        return result

    def unlink(self):
        pbxs = self.pbx_id
        result = super().unlink()
        pbxs._callcenter_ivr_notify_connector()
        return result

    def _callcenter_runtime(self):
        self.ensure_one()
        if self.destination == "ivr":
            version = self.ivr_id.published_version_id
            return {"type": "ivr", "ivr": self.ivr_id.id, "version": version.id or None,
                    "fallback_queue": self.ivr_id.fallback_queue_id.asterisk_name}
        if self.destination == "queue":
            return {"type": "queue", "queue": self.queue_id.asterisk_name}
        return {"type": "extension", "extension": self.extension}
