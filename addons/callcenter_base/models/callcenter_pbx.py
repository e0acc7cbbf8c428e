# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64
import logging
import os

import requests

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

from ..tools.ami_probe import AmiProbeError, probe

_logger = logging.getLogger(__name__)

PROBE_TIMEOUT_SECONDS = 5.0
COMMAND_TIMEOUT_SECONDS = 2.0
FACT_TYPES = ("call", "ring", "agent", "member", "queue", "recording")


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
    connector_url = fields.Char(
        default="http://127.0.0.1:8765",
        help="Where the connector accepts commands from Odoo (click-to-dial, pauses, "
        "transfers, supervision).",
    )
    connector_token = fields.Char(
        groups="base.group_system", copy=False,
        help="Shared secret the connector expects on every command "
        "(CALLCENTER_COMMAND_TOKEN). Only administrators can read it.",
    )
    last_fact_seq = fields.Float(
        digits=(20, 0), readonly=True, copy=False, aggregator=None,
        help="Sequence number of the last connector fact applied; replayed facts "
        "at or below it change nothing.",
    )
    last_fact_date = fields.Datetime(readonly=True, copy=False)
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
    # CONNECTOR
    # ------------------------------------------------------------

    def callcenter_ingest(self, facts):
        """Apply a batch of call facts sent by the connector; returns the PBX configuration.

        Facts carry a strictly increasing `seq`; those at or below the last applied
        one are skipped, so a replayed batch changes nothing. The whole batch is one
        transaction: a failure rolls it back and the connector sends it again.
        """
        self.ensure_one()
        if not self.env.user.has_group("callcenter_base.group_callcenter_connector"):
            raise AccessError(_("Only the connector's user may send call facts."))
        # sudo: the caller is the authenticated connector (group checked above); facts
        # touch calls, agents and logs of every queue, beyond any human role's rules.
        pbx = self.sudo()
        pbx.flush_recordset(["last_fact_seq"])
        self.env.cr.execute(SQL(
            "SELECT last_fact_seq FROM callcenter_pbx WHERE id = %s FOR UPDATE", pbx.id
        ))
        last_seq = int(self.env.cr.fetchone()[0] or 0)
        fresh = [fact for fact in facts or [] if int(fact.get("seq") or 0) > last_seq]
        if fresh:
            by_type = {kind: [f for f in fresh if f.get("type") == kind] for kind in FACT_TYPES}
            Agent = pbx.env["callcenter.agent"]
            Agent._callcenter_apply_member_facts(pbx, by_type["member"])
            pbx.env["callcenter.call"]._callcenter_apply_call_facts(
                pbx, by_type["call"], by_type["recording"]
            )
            Agent._callcenter_apply_agent_facts(pbx, by_type["agent"])
            Agent._callcenter_apply_ring_facts(pbx, by_type["ring"])
            pbx.env["callcenter.queue"]._callcenter_apply_queue_facts(pbx, by_type["queue"])
            pbx._callcenter_apply_other_facts(
                [fact for fact in fresh if fact.get("type") not in FACT_TYPES])
            pbx.write({
                "last_fact_seq": max(int(f["seq"]) for f in fresh),
                "last_fact_date": fields.Datetime.now(),
            })
        return {"applied": len(fresh), "skipped": len(facts or []) - len(fresh),
                "last_seq": int(pbx.last_fact_seq), "config": pbx._callcenter_connector_config()}

    def _callcenter_apply_other_facts(self, facts):
        """Facts of the types feature addons add (IVR sessions, ...): each addon takes
        its own and hands the rest to super()."""
        unknown = sorted({str(fact.get("type")) for fact in facts})
        if unknown:
            _logger.warning("PBX %s: ignoring facts of unknown types %s", self.name, unknown)

    def callcenter_ring(self, facts):
        """Screen pops, sent by the connector on a lane of their own so that they never
        wait behind a batch of other facts. Read-only apart from the notification:
        the connector sends a ring once Odoo has the call, and the agent's state and
        current call arrive with the regular facts.
        """
        self.ensure_one()
        if not self.env.user.has_group("callcenter_base.group_callcenter_connector"):
            raise AccessError(_("Only the connector's user may send call facts."))
        rings = [fact for fact in facts or [] if fact.get("type") == "ring"]
        # sudo: authenticated connector (group checked above), as in callcenter_ingest.
        self.sudo().env["callcenter.agent"]._callcenter_apply_ring_facts(
            self.sudo(), rings, set_current=False)
        return {"rung": len(rings)}

    def callcenter_connector_config(self):
        self.ensure_one()
        if not self.env.user.has_group("callcenter_base.group_callcenter_connector"):
            raise AccessError(_("Only the connector's user may read its configuration."))
        # sudo: authenticated connector (group checked above).
        return self.sudo()._callcenter_connector_config()

    def _callcenter_connector_config(self):
        agents = self.env["callcenter.agent"].search([("pbx_id", "=", self.id)])
        queues = self.env["callcenter.queue"].search([("pbx_id", "=", self.id)])
        return {
            "pbx_id": self.id,
            "last_seq": int(self.last_fact_seq),
            "region": self._callcenter_region(),
            "agents": {
                agent._callcenter_device_key(): {
                    "wrapup_seconds": agent.wrapup_seconds, "name": agent.name,
                    "extension": agent.extension or "",
                }
                for agent in agents if agent.interface
            },
            "queues": {
                queue.asterisk_name: {
                    "name": queue.name,
                    "strategy": queue.strategy,
                    "members": [
                        {"agent": m.agent_id._callcenter_device_key(), "penalty": m.penalty}
                        for m in queue.member_ids if m.agent_id.interface
                    ],
                }
                for queue in queues
            },
        }

    def _callcenter_command(self, action, **params):
        """Send one command to the connector and return its answer, or raise a clear UserError.

        Bounded by COMMAND_TIMEOUT_SECONDS so that a user never waits on a dead PBX.
        """
        self.ensure_one()
        # sudo: the token is admin-only to read; callers have checked that the
        # current user may perform `action` before calling this.
        token = self.sudo().connector_token or ""
        url = (self.connector_url or "").rstrip("/") + "/v1/commands"
        try:
            response = requests.post(
                url, json={"action": action, "params": params},
                headers={"Authorization": f"Bearer {token}"},
                timeout=COMMAND_TIMEOUT_SECONDS,
            )
        except requests.Timeout:
            raise UserError(_("The telephony connector did not answer within %(seconds)s seconds.",
                              seconds=int(COMMAND_TIMEOUT_SECONDS))) from None
        except requests.RequestException:
            raise UserError(_("The telephony connector of %(pbx)s is not reachable. "
                              "Ask an administrator to check that it is running.",
                              pbx=self.name)) from None
        try:
            answer = response.json()
        except ValueError:
            answer = {}
        if response.status_code == 401:
            raise UserError(_("The telephony connector refused Odoo's token: the PBX "
                              "configuration and the connector disagree."))
        if response.status_code >= 400 or not answer.get("ok"):
            raise UserError(answer.get("error") or _("The PBX refused the command (%(status)s).",
                                                      status=response.status_code))
        return answer

    def _callcenter_command_after_commit(self, action):
        """Send `action` to these PBXs' connectors once the transaction commits (so
        that they read the new state), at most once per transaction; a connector that
        cannot be reached catches up at its next configuration poll."""
        key = f"callcenter.command.{action}"
        pending = self.env.cr.postcommit.data.setdefault(key, set())
        if not pending:
            self.env.cr.postcommit.add(lambda: self._callcenter_send_pending(action))
        pending.update(self.filtered("connector_url").ids)

    def _callcenter_send_pending(self, action):
        ids = self.env.cr.postcommit.data.pop(f"callcenter.command.{action}", set())
        for pbx in self.browse(sorted(ids)).exists():
            try:
                pbx._callcenter_command(action)
            except UserError as exc:
                _logger.info("PBX %s: connector not sent %s (%s); it catches up at its next "
                             "configuration poll", pbx.name, action, exc)

    # ------------------------------------------------------------
    # TOOLS
    # ------------------------------------------------------------

    def _callcenter_read_pbx_file(self, path):
        """A recording or voicemail file (base64) from the PBX's recordings folder, when
        Odoo can see it; only the file's name is used, never a path the PBX sent."""
        self.ensure_one()
        location = (self.recordings_location or "").rstrip("/")
        if not path or not location or location.startswith(("http://", "https://")):
            return False
        full = os.path.realpath(os.path.join(location, os.path.basename(path)))
        if not full.startswith(os.path.realpath(location) + os.sep) or not os.path.isfile(full):
            return False
        with open(full, "rb") as handle:
            return base64.b64encode(handle.read())

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
