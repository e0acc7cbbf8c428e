import logging

from odoo import api, fields, models

from odoo.addons.callcenter_base.tools.facts import fact_datetime

from .callcenter_ivr_prompt import IVR_LANGUAGES
from .callcenter_ivr_visit import VISIT_RESULTS

_logger = logging.getLogger(__name__)


def as_int(value):
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        return 0


def epoch_datetime(value):
    try:
        return fact_datetime(value)
    except (TypeError, ValueError, OverflowError):
        return False


OUTCOMES = [
    ("queue", "Queue"),
    ("dial", "Agent or number"),
    ("voicemail", "Voicemail"),
    ("hangup", "Ended by the flow"),
    ("caller_hangup", "Caller hung up"),
    ("fallback", "Safe destination"),
    ("error", "Error"),
]
ROUTED_OUTCOMES = {"queue", "dial", "voicemail", "fallback", "error"}
MAX_VISITS_PER_FACT = 500
RESULT_CODES = frozenset(code for code, _label in VISIT_RESULTS)
MAX_VARIABLES = 50


class CallcenterIvrSession(models.Model):
    """A call's way through one flow, merged over the times the call came back to the
    flow (after a queue, for the rating). Self-served: the call ended in the flow
    without going to a person, having used it (a key pressed, or a hang-up node)."""

    _name = "callcenter.ivr.session"
    _description = "IVR Session"
    _order = "started desc, id desc"
    _rec_name = "caller"

    pbx_id = fields.Many2one("callcenter.pbx", string="PBX", required=True, index=True,
                             ondelete="cascade")
    company_id = fields.Many2one("res.company", index=True)
    linkedid = fields.Char(string="Linked ID", required=True, index=True)
    call_id = fields.Many2one("callcenter.call", string="Call", index=True, ondelete="set null")
    partner_id = fields.Many2one("res.partner", string="Contact", index="btree_not_null")
    ivr_id = fields.Many2one("callcenter.ivr", string="Flow", required=True, index=True,
                             ondelete="cascade")
    version_id = fields.Many2one("callcenter.ivr.version", string="Version", ondelete="set null")
    did = fields.Char(string="Dialed Number")
    caller = fields.Char(string="Caller Number")
    started = fields.Datetime(index=True)
    ended = fields.Datetime()
    duration = fields.Float(string="Time in IVR (s)", digits=(10, 1), aggregator="avg")
    language = fields.Selection(IVR_LANGUAGES)
    outcome = fields.Selection(OUTCOMES, index=True)
    target = fields.Char(string="Destination")
    rating = fields.Integer(aggregator="avg")
    variables = fields.Json()
    self_served = fields.Boolean(string="Self-served", index=True)
    self_served_pct = fields.Integer(string="Self-service Rate (%)", aggregator="avg", default=0,
                                     help="100 for a self-served call, 0 otherwise; its "
                                     "average is the flow's self-service rate.")
    path = fields.Char(help="The nodes the caller went through, with the keys pressed.")
    visit_ids = fields.One2many("callcenter.ivr.visit", "session_id", string="Visits")

    _sql_constraints = [
        ("session_unique", "unique(pbx_id, linkedid, ivr_id)", "One session per call and flow."),
    ]

    @api.model
    def _callcenter_apply_ivr_facts(self, pbx, facts):
        """Store the IVR sessions the connector reports; batched, one write per table."""
        flows = self.env["callcenter.ivr"].browse({as_int(f.get("ivr")) for f in facts} - {0}).exists()
        flows = flows.filtered(lambda f: f.pbx_id == pbx)
        usable = [f for f in facts if f.get("linkedid") and as_int(f.get("ivr")) in flows.ids]
        if len(usable) < len(facts):
            _logger.warning("PBX %s: %d IVR facts without a known flow of this PBX skipped",
                            pbx.name, len(facts) - len(usable))
        if not usable:
            return self.browse()
        linkedids = {f["linkedid"] for f in usable}
        sessions = {
            (s.linkedid, s.ivr_id.id): s
            for s in self.search([("pbx_id", "=", pbx.id), ("linkedid", "in", list(linkedids))])
        }
        calls = {c.linkedid: c for c in self.env["callcenter.call"].search(
            [("pbx_id", "=", pbx.id), ("linkedid", "in", list(linkedids))])}
        versions = self.env["callcenter.ivr.version"].browse(
            {as_int(f.get("version")) for f in usable} - {0}).exists()
        node_kinds = {v.id: {n.id: n.kind for n in v.node_ids} for v in versions}
        visits, touched, next_sequence = [], self.browse(), {}
        for fact in sorted(usable, key=lambda f: as_int(f.get("seq"))):
            key = (fact["linkedid"], as_int(fact["ivr"]))
            session = sessions.get(key)
            call = calls.get(fact["linkedid"])
            vals = self._callcenter_session_values(fact, session, call, versions)
            if session:
                session.write(vals)
            else:
                session = sessions[key] = self.create({
                    **vals, "pbx_id": pbx.id, "company_id": pbx.company_id.id,
                    "linkedid": fact["linkedid"], "ivr_id": key[1],
                })
            touched |= session
            version = as_int(fact.get("version"))
            known_nodes = node_kinds.get(version, {})
            sequence = next_sequence.get(session.id, len(session.visit_ids))
            for visit in (fact.get("visits") or [])[:MAX_VISITS_PER_FACT]:
                result = visit.get("result")
                if result not in RESULT_CODES:
                    continue
                node = as_int(visit.get("node"))
                sequence += 1
                visits.append({
                    "session_id": session.id, "sequence": sequence, "ivr_id": key[1],
                    "version_id": version if version in node_kinds else False,
                    "node_id": node if node in known_nodes else False,
                    "node_kind": known_nodes.get(node, False),
                    "company_id": pbx.company_id.id,
                    "at": epoch_datetime(visit.get("at")) or session.started,
                    "result": result, "key": str(visit.get("key") or "")[:8] or False,
                    "branch": str(visit.get("branch") or "")[:32] or False,
                })
            next_sequence[session.id] = sequence
            if fact.get("voicemail"):
                self.env["callcenter.voicemail"]._callcenter_from_fact(pbx, session, call, fact)
        if visits:
            self.env["callcenter.ivr.visit"].create(visits)
        touched._callcenter_summarize()
        for session in touched.filtered(lambda s: s.call_id and s.rating):
            session.call_id.ivr_rating = session.rating
        return touched

    @api.model
    def _callcenter_session_values(self, fact, session, call, versions):
        started = epoch_datetime(fact.get("started"))
        ended = epoch_datetime(fact.get("ended"))
        outcome = fact.get("outcome") if fact.get("outcome") in dict(OUTCOMES) else "error"
        vals = {"ended": max(filter(None, [ended, session and session.ended])) if ended else
                (session and session.ended) or False}
        if session and session.outcome in ROUTED_OUTCOMES and outcome in ("hangup", "caller_hangup"):
            outcome = session.outcome
        else:
            vals["target"] = str(fact.get("target") or "")[:64] or False
        vals["outcome"] = outcome
        if not session:
            version = as_int(fact.get("version"))
            vals.update({
                "started": started, "did": str(fact.get("did") or "")[:32],
                "caller": str(fact.get("caller") or "")[:32],
                "version_id": version if version in versions.ids else False,
            })
        if fact.get("language") in dict(IVR_LANGUAGES):
            vals["language"] = fact["language"]
        rating = fact.get("rating")
        if isinstance(rating, int) and 1 <= rating <= 5:
            vals["rating"] = rating
        variables = fact.get("variables")
        if isinstance(variables, dict) and variables:
            merged = dict((session and session.variables) or {})
            merged.update({str(k)[:32]: str(v)[:128] for k, v in list(variables.items())[:MAX_VARIABLES]})
            vals["variables"] = merged
        if call:
            vals.update({"call_id": call.id, "partner_id": call.partner_id.id})
        return vals

    def _callcenter_summarize(self):
        for session in self:
            visits = session.visit_ids.sorted("sequence")
            routed = session.outcome in ROUTED_OUTCOMES or any(
                v.result in ("transfer", "voicemail") for v in visits)
            used = session.outcome == "hangup" or any(v.result == "key" for v in visits)
            steps = []
            for visit in visits:
                name = visit.node_id.name or "?"
                if visit.result == "enter":
                    steps.append(name)
                elif visit.result == "key" and steps:
                    steps[-1] += f" [{visit.key}]"
            started, ended = session.started, session.ended
            session.write({
                "self_served": not routed and used,
                "self_served_pct": 100 if not routed and used else 0,
                "path": " › ".join(steps)[:500] or False,
                "duration": (ended - started).total_seconds() if started and ended else 0.0,
            })

    @api.model
    def _callcenter_link_calls(self, calls):
        """Sessions reported before their call reached Odoo join it when it arrives."""
        sessions = self.search([("call_id", "=", False), ("linkedid", "in", calls.mapped("linkedid"))])
        by_key = {(c.pbx_id.id, c.linkedid): c for c in calls}
        for session in sessions:
            call = by_key.get((session.pbx_id.id, session.linkedid))
            if call:
                session.write({"call_id": call.id, "partner_id": call.partner_id.id})
                if session.rating:
                    call.ivr_rating = session.rating
