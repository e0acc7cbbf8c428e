# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..tools.ami_probe import AmiProbeError, probe

PROBE_TIMEOUT_SECONDS = 5.0


class CallcenterPbx(models.Model):
    _name = "callcenter.pbx"
    _description = "PBX Server"
    _order = "sequence, id"

    name = fields.Char(required=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    ami_host = fields.Char(string="AMI Host", required=True, default="127.0.0.1")
    ami_port = fields.Integer(string="AMI Port", required=True, default=5038)
    ami_username = fields.Char(string="AMI User", required=True, default="odoo")
    ami_secret = fields.Char(
        string="AMI Secret", groups="base.group_system", copy=False,
        help="Password of the AMI user in manager.conf. Only administrators can read it.",
    )
    fastagi_address = fields.Char(
        string="FastAGI Address", default="127.0.0.1:4573",
        help="host:port where the connector's FastAGI server listens; the dialplan "
        "hands calls to agi://<this address>/...",
    )
    recordings_location = fields.Char(
        default="/var/spool/asterisk/monitor",
        help="Folder (as seen by the connector) or http(s) URL prefix where "
        "MixMonitor writes recordings.",
    )
    default_region = fields.Char(
        string="Dialing Region", size=2,
        help="ISO country code used to read national numbers from this PBX "
        "(e.g. CN). Defaults to the company's country.",
    )
    last_check_message = fields.Char(readonly=True, copy=False)
    last_check_date = fields.Datetime(readonly=True, copy=False)
    queue_ids = fields.One2many("callcenter.queue", "pbx_id")
    agent_ids = fields.One2many("callcenter.agent", "pbx_id")

    _sql_constraints = [
        ("ami_port_range", "CHECK(ami_port > 0 AND ami_port < 65536)",
         "The AMI port must be between 1 and 65535."),
    ]

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def action_test_connection(self):
        self.ensure_one()
        self.check_access("write")
        # sudo: the secret is admin-only to read; the caller may write this PBX (checked above)
        # and the secret never leaves the server.
        secret = self.sudo().ami_secret or ""
        try:
            version = probe(
                self.ami_host, self.ami_port, self.ami_username, secret,
                timeout=PROBE_TIMEOUT_SECONDS,
            )
        except AmiProbeError as exc:
            message = _("Connection to %(pbx)s failed: %(reason)s", pbx=self.name, reason=exc)
            self.write({"last_check_message": message, "last_check_date": fields.Datetime.now()})
            raise UserError(message) from None
        message = _("Connected to %(pbx)s (AMI %(version)s) and logged in as %(user)s.",
                    pbx=self.name, version=version, user=self.ami_username)
        self.write({"last_check_message": message, "last_check_date": fields.Datetime.now()})
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {"type": "success", "title": _("Connection OK"), "message": message},
        }

    # ------------------------------------------------------------
    # TOOLS
    # ------------------------------------------------------------

    def _callcenter_region(self):
        self.ensure_one()
        return (self.default_region or self.company_id.country_id.code or "").upper() or None

    @api.model
    def _callcenter_default_region(self):
        # sudo: the dialing region is not sensitive and contacts are normalized by
        # every user who edits a phone, including those without call center access.
        pbx = self.sudo().search([("company_id", "in", self.env.companies.ids)], limit=1)
        if pbx:
            return pbx._callcenter_region()
        return (self.env.company.country_id.code or "").upper() or None
