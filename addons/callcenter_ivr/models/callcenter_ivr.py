from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from .callcenter_ivr_prompt import IVR_LANGUAGES


class CallcenterIvr(models.Model):
    """A voice menu. What callers hear is its published version; the admin edits a
    draft beside it and publishes when ready."""

    _name = "callcenter.ivr"
    _description = "IVR Flow"
    _inherit = ["mail.thread"]
    _order = "name, id"

    name = fields.Char(required=True, tracking=True)
    active = fields.Boolean(default=True)
    description = fields.Text()
    company_id = fields.Many2one("res.company", default=lambda self: self.env.company,
                                 required=True, index=True)
    pbx_id = fields.Many2one("callcenter.pbx", string="PBX", required=True, index=True,
                             check_company=True, ondelete="restrict")
    fallback_queue_id = fields.Many2one(
        "callcenter.queue", string="Safe Destination", required=True, check_company=True,
        domain="[('pbx_id', '=', pbx_id)]", ondelete="restrict", tracking=True,
        help="Callers go to this queue whenever the flow cannot run: the connector lost its "
        "connection to Odoo before loading the flow, or a step failed.",
    )
    default_language = fields.Selection(IVR_LANGUAGES, default="zh", required=True)
    version_ids = fields.One2many("callcenter.ivr.version", "ivr_id", string="Versions")
    published_version_id = fields.Many2one(
        "callcenter.ivr.version", compute="_compute_versions", string="Published Version")
    draft_version_id = fields.Many2one(
        "callcenter.ivr.version", compute="_compute_versions", string="Draft")
    route_ids = fields.One2many("callcenter.ivr.route", "ivr_id", string="Numbers")
    session_count = fields.Integer(compute="_compute_session_stats", string="Calls")
    self_service_rate = fields.Float(compute="_compute_session_stats", string="Self-service (%)",
                                     digits=(5, 1))
    diagram = fields.Json(compute="_compute_diagram")

    @api.depends("version_ids.state")
    def _compute_versions(self):
        for flow in self:
            versions = flow.version_ids.sorted("number", reverse=True)
            flow.published_version_id = versions.filtered(lambda v: v.state == "published")[:1]
            flow.draft_version_id = versions.filtered(lambda v: v.state == "draft")[:1]

    def _compute_diagram(self):
        for flow in self:
            version = flow.published_version_id
            flow.diagram = version._callcenter_diagram() if version else False

    def _compute_session_stats(self):
        stats = {
            flow: (count, (total or 0) / count if count else 0.0)
            for flow, count, total in self.env["callcenter.ivr.session"]._read_group(
                [("ivr_id", "in", self.ids)], ["ivr_id"], ["__count", "self_served_pct:sum"])
        }
        for flow in self:
            flow.session_count, flow.self_service_rate = stats.get(flow, (0, 0.0))

    @api.constrains("pbx_id", "fallback_queue_id")
    def _check_fallback_queue(self):
        for flow in self:
            if flow.fallback_queue_id.pbx_id and flow.fallback_queue_id.pbx_id != flow.pbx_id:
                raise ValidationError(_("The safe destination of “%(flow)s” must be a queue of "
                                        "its PBX.", flow=flow.name))

    @api.model_create_multi
    def create(self, vals_list):
        flows = super().create(vals_list)
        for flow in flows.filtered(lambda f: not f.version_ids):
            self.env["callcenter.ivr.version"].create({"ivr_id": flow.id, "number": 1})
        return flows

    def action_open_draft(self):
        self.ensure_one()
        version = self.draft_version_id
        if not version and self.published_version_id:
            return self.published_version_id.action_new_draft()
        if not version:
            version = self.env["callcenter.ivr.version"].create({
                "ivr_id": self.id, "number": max(self.version_ids.mapped("number") or [0]) + 1})
        return {"type": "ir.actions.act_window", "res_model": "callcenter.ivr.version",
                "res_id": version.id, "view_mode": "form", "target": "current"}

    def action_open_sessions(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "callcenter_ivr.callcenter_ivr_session_action")
        action["domain"] = [("ivr_id", "=", self.id)]
        action["context"] = {"search_default_group_outcome": 1}
        return action

    def action_open_node_statistics(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "callcenter_ivr.callcenter_ivr_visit_action")
        action["domain"] = [("ivr_id", "=", self.id)]
        return action

    def _callcenter_build_demo_flow(self):
        from ..tools import demo_flow  # noqa: PLC0415 (demo data only)

        env = self.env
        queues = {key: env.ref(f"callcenter_base.callcenter_queue_{name}_demo")
                  for key, name in (("1", "support"), ("2", "sales"), ("3", "billing"))}
        for flow in self:
            demo_flow.build(flow, queues)
