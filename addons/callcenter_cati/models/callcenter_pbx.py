# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, fields, models
from odoo.exceptions import AccessError

from .callcenter_cati_campaign import DIALER_MODES

MAX_CASES_PER_REQUEST = 200


class CallcenterPbx(models.Model):
    _inherit = "callcenter.pbx"

    def _callcenter_connector_config(self):
        config = super()._callcenter_connector_config()
        campaigns = self.env["callcenter.cati.campaign"].search([
            ("pbx_id", "=", self.id), ("state", "=", "running"),
            ("dial_mode", "in", DIALER_MODES), ("queue_id", "!=", False)])
        abandon = campaigns._cati_abandon_counts()
        stamp = max(campaigns.mapped("write_date"), default=False)
        config["cati"] = {
            "stamp": f"{stamp or ''}/{len(campaigns)}",
            "campaigns": {
                str(campaign.id): {
                    "name": campaign.name,
                    "mode": campaign.dial_mode,
                    "queue": campaign.queue_id.asterisk_name,
                    "caller_id": campaign.caller_id or "",
                    "ring_seconds": campaign.ring_seconds,
                    "connect_seconds": campaign.connect_seconds,
                    "abandon_cap": campaign.abandon_cap / 100.0,
                    "abandoned_30d": abandon[campaign.id][0],
                    "live_30d": abandon[campaign.id][1],
                    "max_dial_ratio": campaign.max_dial_ratio,
                    "abandon_sound": campaign.abandon_sound or "",
                }
                for campaign in campaigns
            },
        }
        return config

    def callcenter_cati_dial_cases(self, campaign_id, count):
        """Cases for the dialer of a running campaign, each locked with an open attempt."""
        self.ensure_one()
        if not self.env.user.has_group("callcenter_base.group_callcenter_connector"):
            raise AccessError(_("Only the connector's user may ask for cases to dial."))
        # sudo: authenticated connector (group checked above); it dials for every interviewer.
        pbx = self.sudo()
        campaign = pbx.env["callcenter.cati.campaign"].browse(int(campaign_id)).exists()
        if (not campaign or campaign.pbx_id != pbx or campaign.state != "running"
                or campaign.dial_mode not in DIALER_MODES):
            return []
        count = max(0, min(int(count or 0), MAX_CASES_PER_REQUEST))
        if not count:
            return []
        Blacklist = pbx.env["callcenter.blacklist"]
        dialed = [(case, case._cati_dialable_number(Blacklist))
                  for case in pbx.env["callcenter.cati.case"]._cati_pick(campaign, limit=count)]
        dialed = [(case, number) for case, number in dialed if number]
        now = fields.Datetime.now()
        attempts = pbx.env["callcenter.cati.attempt"].create([{
            "case_id": case.id, "number_id": number.id, "mode": campaign.dial_mode, "dialed_at": now,
        } for case, number in dialed])
        return [{"case_id": case.id, "number_id": number.id, "number": number.number,
                 "campaign_id": campaign.id, "attempt_id": attempt.id}
                for (case, number), attempt in zip(dialed, attempts)]

    def _callcenter_apply_other_facts(self, facts):
        cati = [fact for fact in facts if fact.get("type") == "cati"]
        if cati:
            self.env["callcenter.cati.attempt"]._cati_apply_dialer_facts(self, cati)
        return super()._callcenter_apply_other_facts(
            [fact for fact in facts if fact.get("type") != "cati"])
