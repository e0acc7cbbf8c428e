# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging

from odoo import api, fields, models
from odoo.tools import SQL

from odoo.addons.callcenter_base.tools.facts import device_key, fact_datetime

_logger = logging.getLogger(__name__)

ATTEMPT_RESULTS = [("connected", "Connected"), ("abandoned", "Abandoned"),
                   ("no_answer", "No Answer"), ("busy", "Busy"),
                   ("congestion", "Network Failure"), ("failed", "Not Placed")]


class CallcenterCatiAttempt(models.Model):
    """One call of a case, its outcome and who made it: the case's history."""

    _name = "callcenter.cati.attempt"
    _description = "CATI Call Attempt"
    _order = "dialed_at desc, id desc"

    case_id = fields.Many2one("callcenter.cati.case", required=True, index=True, ondelete="cascade")
    campaign_id = fields.Many2one(related="case_id.campaign_id", store=True, index=True)
    company_id = fields.Many2one(related="case_id.company_id", store=True)
    number_id = fields.Many2one("callcenter.cati.number", string="Case Number", ondelete="set null")
    number = fields.Char(related="number_id.number")
    agent_id = fields.Many2one("callcenter.agent", string="Interviewer", index="btree_not_null")
    user_id = fields.Many2one(related="agent_id.user_id", store=True, string="User")
    call_id = fields.Many2one("callcenter.call", string="Call", index="btree_not_null")
    linkedid = fields.Char(index="btree_not_null", help="The PBX call, for the dialer's calls.")
    mode = fields.Selection([("preview", "Preview"), ("progressive", "Progressive"),
                             ("predictive", "Predictive")], required=True, default="preview")
    result = fields.Selection(ATTEMPT_RESULTS, help="How the call ended on the PBX.")
    disposition_id = fields.Many2one("callcenter.cati.disposition", index=True)
    aapor_category = fields.Selection(related="disposition_id.aapor_category", store=True)
    is_complete = fields.Boolean(related="disposition_id.is_complete", store=True)
    note = fields.Text()
    dialed_at = fields.Datetime(index=True)
    answered_at = fields.Datetime()
    connected_at = fields.Datetime()
    ended_at = fields.Datetime()
    duration = fields.Integer(string="Duration (s)", compute="_compute_duration", store=True,
                              aggregator="avg")
    talk_seconds = fields.Integer(string="Talk (s)", compute="_compute_duration", store=True,
                                  aggregator="avg")

    def init(self):
        # The dialer's abandon ratio is counted over 30 days for every connector
        # configuration (each ingest answer carries one): only live answers matter.
        self.env.cr.execute(SQL("""
            CREATE INDEX IF NOT EXISTS callcenter_cati_attempt_live_idx
                ON callcenter_cati_attempt (campaign_id, dialed_at, result)
                WHERE result IN ('connected', 'abandoned')
        """))

    @api.depends("dialed_at", "connected_at", "ended_at")
    def _compute_duration(self):
        for attempt in self:
            end = attempt.ended_at
            attempt.duration = int((end - attempt.dialed_at).total_seconds()) \
                if end and attempt.dialed_at else 0
            attempt.talk_seconds = int((end - attempt.connected_at).total_seconds()) \
                if end and attempt.connected_at else 0

    # ------------------------------------------------------------
    # DIALER FACTS
    # ------------------------------------------------------------

    @api.model
    def _cati_apply_dialer_facts(self, pbx, facts):
        """Outcomes of the connector's calls (see connector/CATI.md): a connected call
        goes to its interviewer's console; any other end gives the dialer's disposition."""
        agents = self.env["callcenter.agent"]._callcenter_agents_by_device(pbx)
        ids = {_int(fact.get("attempt_id")) for fact in facts} - {None}
        attempts = {attempt.id: attempt for attempt in self.browse(sorted(ids)).exists()
                    if attempt.campaign_id.pbx_id == pbx}
        for fact in facts:
            attempt = attempts.get(_int(fact.get("attempt_id")))
            if attempt is None:
                _logger.warning("PBX %s: CATI fact for unknown attempt %r ignored",
                                pbx.name, fact.get("attempt_id"))
                continue
            agent = agents.get(device_key(fact.get("agent") or ""), self.env["callcenter.agent"])
            if fact.get("event") == "connected":
                attempt._cati_connected(agent, fact)
            elif fact.get("event") == "ended":
                attempt._cati_ended(agent, fact)

    def _cati_connected(self, agent, fact):
        self.write({
            "agent_id": agent.id or self.agent_id.id,
            "linkedid": fact.get("linkedid") or self.linkedid,
            "result": "connected",
            "connected_at": fact_datetime(fact.get("at")) or fields.Datetime.now(),
        })
        case = self.case_id
        if agent and not self.disposition_id:
            case.write({"locked_agent_id": agent.id, "locked_at": fields.Datetime.now()})
            agent.user_id._bus_send("callcenter.cati/case", {
                "case_id": case.id, "attempt_id": self.id, "campaign_id": case.campaign_id.id})

    def _cati_ended(self, agent, fact):
        result = fact.get("result")
        if result not in dict(ATTEMPT_RESULTS):
            _logger.warning("CATI attempt %s: unknown result %r ignored", self.id, result)
            return
        self.write({
            "agent_id": agent.id or self.agent_id.id,
            "linkedid": fact.get("linkedid") or self.linkedid,
            "result": result,
            "answered_at": fact_datetime(fact.get("answered_at")) or self.answered_at,
            "connected_at": fact_datetime(fact.get("connected_at")) or self.connected_at,
            "ended_at": fact_datetime(fact.get("ended_at")) or fields.Datetime.now(),
        })
        case = self.case_id
        if self.disposition_id or result == "connected":
            return
        if result == "failed":
            case._cati_release()
            return
        disposition = self.env["callcenter.cati.disposition"]._cati_for_dialer_result(result)
        case._cati_apply_outcome(self, disposition)


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
