import base64
import hashlib
import hmac
import logging
import secrets
from datetime import datetime, timedelta, timezone

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

from odoo.addons.callcenter_base.tools.phone import normalize_number

from ..tools.dialplan import render_dialplan
from .resource_calendar import HORIZON_DAYS

_logger = logging.getLogger(__name__)

#: Tables whose changes change what the connector runs; their row count and last
#: write make the stamp the connector compares.
STAMP_TABLES = ("callcenter_ivr", "callcenter_ivr_route", "callcenter_ivr_version",
                "callcenter_ivr_prompt_audio", "resource_calendar", "resource_calendar_leaves",
                "resource_calendar_attendance", "callcenter_calendar_workday")
MAX_LOOKUP_AGE_DAYS = 365


class CallcenterPbx(models.Model):
    _inherit = "callcenter.pbx"

    ivr_route_ids = fields.One2many("callcenter.ivr.route", "pbx_id", string="Inbound Routes")
    ivr_fallback_queue_id = fields.Many2one(
        "callcenter.queue", string="IVR Safe Destination", domain="[('pbx_id', '=', id)]",
        help="Where calls go when the IVR cannot run them: numbers without a route, or a "
        "connector that cannot reach its flows.")
    ivr_prompt_delivery = fields.Selection(
        [("sounds", "Sounds folder (the connector writes the files)"),
         ("url", "URL (Asterisk downloads them from Odoo)")],
        string="Prompt Delivery", default="sounds", required=True,
    )
    ivr_sound_base_url = fields.Char(
        string="Prompt Base URL", help="Odoo's address as the PBX reaches it, for URL delivery; "
        "empty uses web.base.url.")
    ivr_sound_secret = fields.Char(string="IVR Prompt URL Secret", groups="base.group_system", copy=False,
                                   default=lambda self: secrets.token_hex(24))
    ivr_extension_dial_format = fields.Char(
        string="Extension Dial String", default="Local/{ext}@agents/n", required=True,
        help="How the IVR dials an internal extension; {ext} is the extension.")
    ivr_external_dial_format = fields.Char(
        string="External Dial String", default="PJSIP/{number}@trunk", required=True,
        help="How the IVR dials an outside number; {number} is the number.")
    ivr_dialplan = fields.Text(compute="_compute_ivr_dialplan", string="IVR Dialplan")

    @api.depends("ivr_route_ids", "fastagi_address", "ivr_fallback_queue_id")
    def _compute_ivr_dialplan(self):
        for pbx in self:
            pbx.ivr_dialplan = pbx._callcenter_ivr_dialplan() if pbx.id else False

    @api.constrains("ivr_extension_dial_format", "ivr_external_dial_format")
    def _check_dial_formats(self):
        for pbx in self:
            for text, key in ((pbx.ivr_extension_dial_format, "{ext}"),
                              (pbx.ivr_external_dial_format, "{number}")):
                if key not in (text or "") or text.count("{") != 1:
                    raise UserError(_("The dial string “%(text)s” must contain %(key)s once.",
                                      text=text, key=key))

    # ------------------------------------------------------------ dialplan

    def _callcenter_ivr_fallback_queue(self):
        self.ensure_one()
        return self.ivr_fallback_queue_id or self.env["callcenter.queue"].search(
            [("pbx_id", "=", self.id)], order="sequence, id", limit=1)

    def _callcenter_ivr_dialplan(self):
        self.ensure_one()
        routes = self.with_context(active_test=True).ivr_route_ids.sorted(
            lambda r: (not r.did, r.sequence, r.did or ""))
        return render_dialplan(
            pbx_name=self.name, fastagi_address=self.fastagi_address or "127.0.0.1:4573",
            fallback_queue=self._callcenter_ivr_fallback_queue().asterisk_name or "",
            extension_dial_format=self.ivr_extension_dial_format,
            routes=[{"did": r.did or "", "name": r.name, **r._callcenter_runtime(),
                     "max_wait": r.max_wait,
                     "label": r.ivr_id.name or r.queue_id.name or r.extension} for r in routes],
        )

    def action_download_ivr_dialplan(self):
        self.ensure_one()
        return {"type": "ir.actions.act_url", "target": "self",
                "url": f"/callcenter/ivr/dialplan/{self.id}"}

    # ------------------------------------------------------------ connector

    def _callcenter_connector_config(self):
        config = super()._callcenter_connector_config()
        config["ivr_stamp"] = self._callcenter_ivr_stamp()
        return config

    def _callcenter_ivr_stamp(self):
        """Changes whenever something the runtime configuration depends on changes, and
        every day (the calendars' horizon moves); cheap enough for every ingest."""
        self.ensure_one()
        parts = SQL(", ").join(
            SQL("(SELECT count(*) || '.' || coalesce(max(write_date)::text, '') FROM %s)",
                SQL.identifier(table)) for table in STAMP_TABLES)
        self.env.cr.execute(SQL("SELECT %s", parts))
        row = self.env.cr.fetchone()
        text = "|".join([str(self.id), fields.Date.today().isoformat(), self.ivr_prompt_delivery,
                         *map(str, row)])
        return hashlib.sha1(text.encode()).hexdigest()[:16]

    def _callcenter_check_connector(self):
        if not self.env.user.has_group("callcenter_base.group_callcenter_connector"):
            raise AccessError(_("Only the connector's user may read the IVR configuration."))

    def callcenter_ivr_runtime(self):
        self.ensure_one()
        self._callcenter_check_connector()
        # sudo: authenticated connector (group checked above).
        return self.sudo()._callcenter_ivr_runtime()

    def _callcenter_ivr_runtime(self):
        routes = self.ivr_route_ids.filtered("active")
        versions = self.env["callcenter.ivr.version"].search(
            [("ivr_id.pbx_id", "=", self.id), ("state", "=", "published")])
        definitions = [v._callcenter_definition() for v in versions]
        nodes = [node for d in definitions for node in (d.get("nodes") or {}).values()]
        calendar_ids = {int(n["calendar"]) for n in nodes if n.get("kind") == "time" and n.get("calendar")}
        now = datetime.now(timezone.utc).replace(microsecond=0)
        start = now - timedelta(days=1)
        calendars = {}
        for calendar in self.env["resource.calendar"].browse(calendar_ids).exists():
            intervals = calendar._callcenter_open_intervals(start, days=HORIZON_DAYS + 1)
            calendars[str(calendar.id)] = {
                "name": calendar.name, "intervals": intervals,
                "until": (start + timedelta(days=HORIZON_DAYS + 1)).timestamp(),
            }
        sounds = {}
        if self.ivr_prompt_delivery == "sounds":
            names = {name for node in nodes for name in _prompt_refs(node)}
            audios = self.env["callcenter.ivr.prompt.audio"].with_context(active_test=False).search(
                [("sound_name", "in", list(names))])
            sounds = {audio.sound_name: audio.checksum for audio in audios}
        fallback = self._callcenter_ivr_fallback_queue()
        return {
            "stamp": self._callcenter_ivr_stamp(),
            "fallback": {"queue": fallback.asterisk_name or "", "timeout": 300},
            "routes": {route.did or "": route._callcenter_runtime() for route in routes},
            "calendars": calendars,
            "sounds": sounds,
        }

    def callcenter_ivr_definitions(self, version_ids):
        self.ensure_one()
        self._callcenter_check_connector()
        ids = [int(v) for v in version_ids or [] if str(v).isdigit()]
        # sudo: authenticated connector; drafts are never served.
        versions = self.env["callcenter.ivr.version"].sudo().search([
            ("id", "in", ids), ("ivr_id.pbx_id", "=", self.id), ("state", "!=", "draft")])
        return {str(v.id): v._callcenter_definition() for v in versions}

    def callcenter_ivr_sounds(self, names):
        self.ensure_one()
        self._callcenter_check_connector()
        allowed = set(self.sudo()._callcenter_ivr_runtime()["sounds"])
        wanted = [n for n in names or [] if n in allowed]
        # sudo: authenticated connector, limited to the sounds of this PBX's flows.
        audios = self.env["callcenter.ivr.prompt.audio"].sudo().with_context(active_test=False).search(
            [("sound_name", "in", wanted)])
        return {audio.sound_name: audio.sound.decode() for audio in audios if audio.sound}

    def callcenter_ivr_lookup(self, caller, max_age_days=30):
        """Who is calling, for the IVR's caller-lookup, sticky and VIP decisions."""
        self.ensure_one()
        self._callcenter_check_connector()
        # sudo: authenticated connector; the answer holds no personal data beyond ids.
        pbx = self.sudo()
        number = normalize_number(caller, pbx._callcenter_region())
        answer = {"known": False, "partner_id": None, "vip": False, "blacklisted": False,
                  "last_agent_dial": None, "last_agent_available": False}
        if not number:
            return answer
        partner = pbx.env["res.partner"]._callcenter_find_by_number(number)[:1]
        answer.update(known=bool(partner), partner_id=partner.id or None,
                      vip=bool(partner) and partner.callcenter_vip_level not in (False, "0"),
                      blacklisted=bool(pbx.env["callcenter.blacklist"]._callcenter_match(number, "inbound")))
        days = max(1, min(int(max_age_days or 30), MAX_LOOKUP_AGE_DAYS))
        last = pbx.env["callcenter.call"].search([
            ("pbx_id", "=", pbx.id), ("customer_number", "=", number), ("agent_id", "!=", False),
            ("answered_at", "!=", False),
            ("started_at", ">=", fields.Datetime.now() - timedelta(days=days)),
        ], order="started_at desc", limit=1)
        if last.agent_id.interface:
            answer.update(last_agent_dial=last.agent_id.interface,
                          last_agent_available=last.agent_id.state == "available")
        return answer

    def _callcenter_apply_other_facts(self, facts):
        ivr = [fact for fact in facts if fact.get("type") == "ivr"]
        if ivr:
            self.env["callcenter.ivr.session"]._callcenter_apply_ivr_facts(self, ivr)
        return super()._callcenter_apply_other_facts(
            [fact for fact in facts if fact.get("type") != "ivr"])

    def _callcenter_ivr_notify_connector(self):
        """Ask each connector to refresh its flows now rather than at its next poll."""
        self._callcenter_command_after_commit("ivr_refresh")

    # ------------------------------------------------------------ prompt URLs

    def _callcenter_ivr_sound_token(self, audio):
        # sudo: the secret only signs URLs; it is never shown to non-admins.
        secret = self.sudo().ivr_sound_secret or ""
        return hmac.new(secret.encode(), f"{self.id}:{audio.id}".encode(), hashlib.sha256).hexdigest()[:32]

    def _callcenter_ivr_sound(self, audio_id, token):
        """The prompt's WAV bytes when `token` signs it, else None."""
        self.ensure_one()
        audio = self.env["callcenter.ivr.prompt.audio"].sudo().with_context(active_test=False).browse(
            audio_id).exists()
        if not audio or not audio.sound or not hmac.compare_digest(
                self._callcenter_ivr_sound_token(audio), token or ""):
            return None
        return base64.b64decode(audio.sound)


def _prompt_refs(node):
    for key in ("prompt", "invalid_prompt", "timeout_prompt", "thanks_prompt"):
        for ref in (node.get(key) or {}).values():
            yield ref

