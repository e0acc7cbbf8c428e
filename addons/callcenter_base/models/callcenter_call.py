# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
import os
import uuid
from datetime import datetime, timedelta

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

from ..tools import demo_traffic
from ..tools.facts import device_key, fact_datetime
from ..tools.phone import normalize_number

_logger = logging.getLogger(__name__)

CALL_DIRECTIONS = [("inbound", "Inbound"), ("outbound", "Outbound"), ("internal", "Internal")]
CALL_STATES = [
    ("ringing", "Ringing"),
    ("queued", "Queued"),
    ("answered", "Answered"),
    ("abandoned", "Abandoned"),
    ("missed", "Missed"),
    ("failed", "Failed"),
    ("completed", "Completed"),
]
FINAL_CALL_STATES = frozenset({"abandoned", "missed", "failed", "completed"})
CALL_STATE_TRANSITIONS = {
    "ringing": {"queued", "answered", "abandoned", "missed", "failed", "completed"},
    "queued": {"ringing", "answered", "abandoned", "missed", "failed"},
    "answered": {"completed", "failed"},
    "abandoned": set(),
    "missed": set(),
    "failed": set(),
    "completed": set(),
}
HANGUP_BY = [("customer", "Customer"), ("agent", "Agent"), ("system", "System")]
LAST_CALLS_IN_POP = 5


def _seconds_between(start, end):
    return max(int((end - start).total_seconds()), 0) if start and end else 0


class CallcenterCall(models.Model):
    _name = "callcenter.call"
    _description = "Call"
    _order = "started_at desc, id desc"

    # ------------------------------------------------------------
    # FIELDS
    # ------------------------------------------------------------

    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    pbx_id = fields.Many2one("callcenter.pbx", string="PBX", index=True, check_company=True)
    uniqueid = fields.Char(string="Unique ID", index=True, readonly=True, copy=False)
    linkedid = fields.Char(
        string="Linked ID", index=True, readonly=True, copy=False,
        help="Asterisk Linkedid: the identity of the whole call across its channels.",
    )
    direction = fields.Selection(CALL_DIRECTIONS, required=True, default="inbound", index=True)
    state = fields.Selection(CALL_STATES, required=True, default="ringing", index=True)
    caller_number_raw = fields.Char(string="Caller (as received)", readonly=True)
    caller_number = fields.Char(
        compute="_compute_numbers", store=True, index=True, precompute=True, string="Caller Number"
    )
    caller_name = fields.Char()
    callee_number_raw = fields.Char(string="Called (as received)", readonly=True)
    callee_number = fields.Char(
        compute="_compute_numbers", store=True, index=True, precompute=True, string="Called Number"
    )
    customer_number = fields.Char(
        compute="_compute_customer_number", store=True, index=True, precompute=True,
        help="The outside party's number: the caller of an inbound call, the callee of an outbound one.",
    )
    partner_id = fields.Many2one(
        "res.partner", string="Contact", index=True,
        compute="_compute_partner_id", store=True, readonly=False, precompute=True,
    )
    agent_id = fields.Many2one("callcenter.agent", index=True, check_company=True)
    user_id = fields.Many2one(
        related="agent_id.user_id", store=True, index=True, string="Agent User"
    )
    queue_id = fields.Many2one("callcenter.queue", index=True, check_company=True)
    started_at = fields.Datetime(required=True, default=fields.Datetime.now, index=True)
    queue_entered_at = fields.Datetime(string="Queue Entry")
    ring_started_at = fields.Datetime(string="Agent Ring Start")
    answered_at = fields.Datetime()
    ended_at = fields.Datetime(index=True)
    wrapup_ended_at = fields.Datetime(string="Wrap-up End")
    wait_duration = fields.Integer(
        string="Wait (s)", compute="_compute_durations", store=True, aggregator="avg",
        help="Time in queue until answered or abandoned.",
    )
    ring_duration = fields.Integer(
        string="Ring (s)", compute="_compute_durations", store=True, aggregator="avg",
        help="Time the answering agent's device rang.",
    )
    hold_duration = fields.Integer(string="Hold (s)", aggregator="avg", default=0)
    talk_duration = fields.Integer(
        string="Talk (s)", compute="_compute_durations", store=True, aggregator="avg",
        help="Answered time less time on hold.",
    )
    wrapup_duration = fields.Integer(
        string="Wrap-up (s)", compute="_compute_durations", store=True, aggregator="avg"
    )
    handle_duration = fields.Integer(
        string="Handle (s)", compute="_compute_durations", store=True, aggregator="avg",
        help="Talk + hold + wrap-up.",
    )
    total_duration = fields.Integer(
        string="Duration (s)", compute="_compute_durations", store=True, aggregator="avg",
        help="From the first ring to the hangup.",
    )
    hangup_cause = fields.Integer(help="Q.850 cause code reported by the PBX.")
    hangup_cause_text = fields.Char(string="Hangup Reason")
    hangup_by = fields.Selection(HANGUP_BY)
    disposition_id = fields.Many2one("callcenter.call.disposition", index=True)
    summary = fields.Text(string="Notes")
    tag_ids = fields.Many2many("callcenter.call.tag", string="Tags")
    res_model = fields.Char(string="Related Document Model", index=True)
    res_id = fields.Many2oneReference(string="Related Document", model_field="res_model")
    recording_attachment_id = fields.Many2one("ir.attachment", string="Recording", copy=False)
    recording_filename = fields.Char(copy=False)
    leg_ids = fields.One2many("callcenter.call.leg", "call_id", string="Legs")
    leg_count = fields.Integer(compute="_compute_leg_count")
    transferred = fields.Boolean(index=True, readonly=True)
    reconciled = fields.Boolean(
        readonly=True,
        help="Closed after a PBX reconnect: the call ended while the connector was "
        "disconnected, so its end time is when this was noticed.",
    )
    vip_level = fields.Selection(related="partner_id.callcenter_vip_level")

    _sql_constraints = [
        ("linkedid_unique", "UNIQUE(pbx_id, linkedid)", "A call with this Linked ID exists."),
        ("durations_positive",
         "CHECK(hold_duration >= 0)", "Hold time cannot be negative."),
    ]

    # ------------------------------------------------------------
    # COMPUTES
    # ------------------------------------------------------------

    @api.depends("caller_number_raw", "callee_number_raw", "pbx_id")
    def _compute_numbers(self):
        default_region = self.env["callcenter.pbx"]._callcenter_default_region()
        for call in self:
            region = call.pbx_id._callcenter_region() if call.pbx_id else default_region
            call.caller_number = normalize_number(call.caller_number_raw, region)
            call.callee_number = normalize_number(call.callee_number_raw, region)

    @api.depends("direction", "caller_number", "callee_number")
    def _compute_customer_number(self):
        for call in self:
            call.customer_number = (
                call.callee_number if call.direction == "outbound" else call.caller_number
            )

    @api.depends("customer_number")
    def _compute_partner_id(self):
        Partner = self.env["res.partner"]
        numbers = {call.customer_number for call in self if call.customer_number and not call.partner_id}
        matches = Partner._callcenter_match_numbers(numbers) if numbers else {}
        for call in self:
            if not call.partner_id and call.customer_number in matches:
                call.partner_id = matches[call.customer_number][:1]

    @api.depends(
        "started_at", "queue_entered_at", "ring_started_at", "answered_at",
        "ended_at", "wrapup_ended_at", "hold_duration",
    )
    def _compute_durations(self):
        for call in self:
            stop = call.answered_at or call.ended_at
            call.wait_duration = _seconds_between(call.queue_entered_at, stop)
            call.ring_duration = (
                _seconds_between(call.ring_started_at or call.started_at, call.answered_at)
                if call.answered_at else 0
            )
            answered = _seconds_between(call.answered_at, call.ended_at)
            call.talk_duration = max(answered - call.hold_duration, 0)
            call.wrapup_duration = (
                _seconds_between(call.ended_at, call.wrapup_ended_at) if call.answered_at else 0
            )
            call.handle_duration = call.talk_duration + call.hold_duration + call.wrapup_duration
            call.total_duration = _seconds_between(call.started_at, call.ended_at)

    def _compute_leg_count(self):
        counts = dict(self.env["callcenter.call.leg"]._read_group(
            [("call_id", "in", self.ids)], ["call_id"], ["__count"]
        ))
        for call in self:
            call.leg_count = counts.get(call, 0)

    @api.depends("direction", "customer_number", "partner_id", "started_at")
    def _compute_display_name(self):
        directions = dict(self._fields["direction"]._description_selection(self.env))
        for call in self:
            party = call.partner_id.name or call.customer_number or call.caller_name or _("Unknown")
            call.display_name = f"{directions.get(call.direction, '')} · {party}"

    # ------------------------------------------------------------
    # ORM
    # ------------------------------------------------------------

    def write(self, vals):
        if "state" in vals and not self.env.context.get("callcenter_ingest"):
            self._callcenter_check_transition(vals["state"])
        return super().write(vals)

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def action_open_partner(self):
        self.ensure_one()
        if not self.partner_id:
            raise UserError(_("This call is not linked to a contact."))
        return {
            "type": "ir.actions.act_window",
            "res_model": "res.partner",
            "res_id": self.partner_id.id,
            "views": [(False, "form")],
        }

    def action_create_partner(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "res.partner",
            "views": [(False, "form")],
            "target": "current",
            "context": {
                "default_phone": self.customer_number,
                "default_name": self.caller_name or False,
                "callcenter_call_id": self.id,
            },
        }

    def action_view_related_document(self):
        self.ensure_one()
        if not (self.res_model and self.res_id):
            raise UserError(_("This call is not linked to a document."))
        return {
            "type": "ir.actions.act_window",
            "res_model": self.res_model,
            "res_id": self.res_id,
            "views": [(False, "form")],
        }

    # ------------------------------------------------------------
    # BUSINESS
    # ------------------------------------------------------------

    def _callcenter_check_transition(self, new_state):
        if new_state not in CALL_STATE_TRANSITIONS:
            raise UserError(_("Unknown call state %(state)s.", state=new_state))
        for call in self:
            if call.state != new_state and new_state not in CALL_STATE_TRANSITIONS[call.state]:
                states = dict(CALL_STATES)
                raise UserError(_(
                    "A call cannot go from %(old)s to %(new)s.",
                    old=states[call.state], new=states[new_state],
                ))

    # ------------------------------------------------------------
    # INGESTION
    # ------------------------------------------------------------

    @api.model
    def _callcenter_apply_call_facts(self, pbx, call_facts, recording_facts=()):
        """Upsert calls and their legs from connector snapshots, in a handful of queries.

        Each `call` fact is the connector's full current view of one call (keyed by
        linkedid), so only the last snapshot of a call in a batch matters and a
        replay rewrites the same values.
        """
        latest = {}
        for fact in call_facts:
            call = fact.get("call") or {}
            if call.get("linkedid"):
                latest[call["linkedid"]] = call
        recordings = {f["linkedid"]: f for f in recording_facts if f.get("linkedid")}
        linkedids = set(latest) | set(recordings)
        if not linkedids:
            return self.browse()
        Call = self.with_context(callcenter_ingest=True, tracking_disable=True)
        existing = {
            call.linkedid: call
            for call in Call.search([("pbx_id", "=", pbx.id), ("linkedid", "in", list(linkedids))])
        }
        agents = pbx.env["callcenter.agent"]._callcenter_agents_by_device(pbx)
        queues = pbx.env["callcenter.queue"]._callcenter_find(
            {c.get("queue") for c in latest.values() if c.get("queue")}, pbx
        )
        to_create, legs_by_linkedid = [], {}
        for linkedid, snapshot in latest.items():
            vals = self._callcenter_call_values(pbx, snapshot, agents, queues)
            legs_by_linkedid[linkedid] = snapshot.get("legs") or []
            call = existing.get(linkedid)
            if call:
                if call.partner_id:
                    vals.pop("partner_id", None)
                call.write(vals)
            else:
                to_create.append(vals)
        if to_create:
            for call in Call.create(to_create):
                existing[call.linkedid] = call
        self._callcenter_apply_legs(existing, legs_by_linkedid, agents, queues)
        for linkedid, fact in recordings.items():
            if linkedid in existing:
                existing[linkedid]._callcenter_attach_recording(fact)
        calls = self.browse([existing[lid].id for lid in linkedids if lid in existing])
        calls._callcenter_notify_agents()
        return calls

    @api.model
    def _callcenter_call_values(self, pbx, snapshot, agents, queues):
        agent = agents.get(device_key(snapshot.get("agent")))
        queue = queues.get(snapshot.get("queue"))
        vals = {
            "pbx_id": pbx.id,
            "company_id": pbx.company_id.id,
            "linkedid": snapshot["linkedid"],
            "uniqueid": snapshot.get("uniqueid") or snapshot["linkedid"],
            "direction": snapshot.get("direction") or "inbound",
            "state": snapshot.get("state") or "ringing",
            "caller_number_raw": snapshot.get("caller") or False,
            "caller_name": snapshot.get("caller_name") or False,
            "callee_number_raw": snapshot.get("callee") or False,
            "agent_id": agent.id if agent else False,
            "queue_id": queue.id if queue else False,
            "started_at": fact_datetime(snapshot.get("started_at")) or fields.Datetime.now(),
            "queue_entered_at": fact_datetime(snapshot.get("queue_entered_at")),
            "ring_started_at": fact_datetime(snapshot.get("ring_started_at")),
            "answered_at": fact_datetime(snapshot.get("answered_at")),
            "ended_at": fact_datetime(snapshot.get("ended_at")),
            "hold_duration": int(snapshot.get("hold_seconds") or 0),
            "hangup_cause": int(snapshot.get("hangup_cause") or 0),
            "hangup_cause_text": snapshot.get("hangup_cause_text") or False,
            "hangup_by": snapshot.get("hangup_by") or False,
            "transferred": bool(snapshot.get("transferred")),
            "reconciled": bool(snapshot.get("reconciled")),
        }
        if snapshot.get("recording_file"):
            vals["recording_filename"] = snapshot["recording_file"]
        if snapshot.get("ended_at") and agent and vals["answered_at"]:
            vals["wrapup_ended_at"] = fact_datetime(
                float(snapshot["ended_at"]) + agent.wrapup_seconds
            )
        return vals

    @api.model
    def _callcenter_apply_legs(self, calls_by_linkedid, legs_by_linkedid, agents, queues):
        call_ids = [calls_by_linkedid[lid].id for lid in legs_by_linkedid if lid in calls_by_linkedid]
        if not call_ids:
            return
        Leg = self.env["callcenter.call.leg"]
        existing = {(leg.call_id.id, leg.uniqueid): leg for leg in Leg.search([("call_id", "in", call_ids)])}
        to_create = []
        for linkedid, legs in legs_by_linkedid.items():
            call = calls_by_linkedid.get(linkedid)
            if not call:
                continue
            for sequence, leg in enumerate(legs, start=1):
                agent = agents.get(device_key(leg.get("agent")))
                queue = queues.get(leg.get("queue"))
                vals = {
                    "sequence": sequence,
                    "agent_id": agent.id if agent else False,
                    "queue_id": queue.id if queue else False,
                    "channel": leg.get("channel") or False,
                    "destination": leg.get("destination") or False,
                    "result": leg.get("result") or "ringing",
                    "transfer_kind": leg.get("transfer_kind") or False,
                    "started_at": fact_datetime(leg.get("started_at")) or call.started_at,
                    "answered_at": fact_datetime(leg.get("answered_at")),
                    "ended_at": fact_datetime(leg.get("ended_at")),
                    "hold_duration": int(leg.get("hold_seconds") or 0),
                }
                current = existing.get((call.id, leg.get("uniqueid")))
                if current:
                    current.write(vals)
                else:
                    to_create.append({**vals, "call_id": call.id, "uniqueid": leg.get("uniqueid")})
        if to_create:
            Leg.create(to_create)

    def _callcenter_attach_recording(self, fact):
        """Store the MixMonitor file as the call's recording attachment (idempotent)."""
        self.ensure_one()
        if self.recording_attachment_id:
            return self.recording_attachment_id
        filename = os.path.basename(fact.get("filename") or self.recording_filename or "")
        content = fact.get("content_b64")
        if not content:
            content = self._callcenter_read_recording_file(fact.get("filename"))
        if not content:
            self.recording_filename = fact.get("filename") or self.recording_filename
            return self.env["ir.attachment"]
        attachment = self.env["ir.attachment"].create({
            "name": filename or f"{self.linkedid}.wav",
            "res_model": self._name,
            "res_id": self.id,
            "datas": content,
            "mimetype": fact.get("mimetype") or "audio/wav",
        })
        self.write({"recording_attachment_id": attachment.id,
                    "recording_filename": fact.get("filename") or filename})
        return attachment

    def _callcenter_read_recording_file(self, path):
        return self.pbx_id._callcenter_read_pbx_file(path)

    def _callcenter_notify_agents(self):
        """Tell each agent's browser that their current call changed (systray timer, pop-up)."""
        for call in self.filtered("user_id"):
            call.user_id._bus_send("callcenter.call/update", call._callcenter_softphone_payload())

    def _callcenter_softphone_payload(self):
        self.ensure_one()
        return {
            "id": self.id,
            "linkedid": self.linkedid,
            "state": self.state,
            "direction": self.direction,
            "number": self.customer_number or "",
            "partner_id": self.partner_id.id or False,
            "partner_name": self.partner_id.display_name or self._callcenter_customer_name(),
            "queue": self.queue_id.name or "",
            "answered_at": fields.Datetime.to_string(self.answered_at) if self.answered_at else False,
            "started_at": fields.Datetime.to_string(self.started_at),
            "ended_at": fields.Datetime.to_string(self.ended_at) if self.ended_at else False,
        }

    def _callcenter_customer_name(self):
        """The caller ID name of the customer: on an outbound call the caller is the agent."""
        return (self.caller_name or "") if self.direction != "outbound" else ""

    def _callcenter_pop_payload(self):
        """What the ringing agent sees: the number, matching contacts and their last calls."""
        self.ensure_one()
        partners = self.partner_id or self.env["res.partner"]._callcenter_find_by_number(
            self.customer_number
        )
        history = self.env["callcenter.call"].search(
            [("partner_id", "in", partners[:5].ids), ("id", "!=", self.id)],
            order="started_at desc", limit=LAST_CALLS_IN_POP,
        )
        states = dict(self._fields["state"]._description_selection(self.env))
        return {
            **self._callcenter_softphone_payload(),
            "caller_name": self._callcenter_customer_name(),
            "vip_level": self.partner_id.callcenter_vip_level or "0",
            "blacklisted": bool(self.env["callcenter.blacklist"]._callcenter_match(self.customer_number)),
            "partners": [
                {"id": p.id, "name": p.display_name, "email": p.email or "",
                 "company": p.commercial_company_name or "", "vip_level": p.callcenter_vip_level,
                 "open_items": p._callcenter_pop_open_items()}
                for p in partners[:5]
            ],
            "last_calls": [
                {"id": c.id, "started_at": fields.Datetime.to_string(c.started_at),
                 "direction": c.direction, "state": states.get(c.state, c.state),
                 "agent": c.agent_id.name or "", "queue": c.queue_id.name or "",
                 "disposition": c.disposition_id.name or "", "summary": (c.summary or "")[:140]}
                for c in history
            ],
        }

    @api.model
    def _callcenter_purge_recordings(self, limit=1000):
        """Cron: delete recordings older than their queue's retention period."""
        purged = 0
        for queue in self.env["callcenter.queue"].with_context(active_test=False).search(
            [("recording_retention_days", ">", 0)]
        ):
            limit_date = fields.Datetime.subtract(fields.Datetime.now(),
                                                  days=queue.recording_retention_days)
            calls = self.search([
                ("queue_id", "=", queue.id), ("recording_attachment_id", "!=", False),
                ("started_at", "<", limit_date),
            ], limit=limit - purged)
            attachments = calls.recording_attachment_id
            calls.write({"recording_attachment_id": False})
            attachments.unlink()
            purged += len(calls)
            if purged >= limit:
                break
        return purged

    # ------------------------------------------------------------
    # TELEPHONY ACTIONS
    # ------------------------------------------------------------

    @api.model
    def action_callcenter_dial(self, number, res_model=False, res_id=False):
        """Click-to-dial: create the call, then ring the agent's device and the customer.

        The call record exists before Originate is sent; the channel ids given to
        Asterisk become the call's linkedid and uniqueid, so the PBX's events land
        on this very record. A refused dial is kept as a failed call and returned
        with an `error` message rather than raised, so the attempt stays on record.
        """
        return self._callcenter_dial(number, res_model=res_model, res_id=res_id)

    @api.model
    def _callcenter_dial(self, number, res_model=False, res_id=False, caller_id=False):
        """Click-to-dial for the current agent; `caller_id` is the number the customer
        sees (a campaign's), not settable from the client."""
        agent = self.env["callcenter.agent"]._callcenter_current_agent()
        if not agent.interface or not agent.pbx_id:
            raise UserError(_("Your agent profile has no device or PBX: ask your team lead."))
        region = agent.pbx_id._callcenter_region()
        normalized = normalize_number(number, region)
        if not normalized:
            raise UserError(_("%(number)s is not a phone number.", number=number))
        if self.env["callcenter.blacklist"]._callcenter_match(normalized, "outbound"):
            raise UserError(_("%(number)s is blacklisted for outbound calls.", number=number))
        channel_id, other_channel_id = str(uuid.uuid4()), str(uuid.uuid4())
        # sudo: agents may not create calls of other agents' queues; this one is theirs.
        call = self.sudo().with_context(callcenter_ingest=True).create({
            "pbx_id": agent.pbx_id.id,
            "company_id": agent.company_id.id,
            "direction": "outbound",
            "state": "ringing",
            "linkedid": channel_id,
            "uniqueid": channel_id,
            "caller_number_raw": agent.extension or False,
            "caller_name": agent.name,
            "callee_number_raw": number,
            "agent_id": agent.id,
            "ring_started_at": fields.Datetime.now(),
            "res_model": res_model or False,
            "res_id": res_id or False,
        })
        try:
            agent.pbx_id._callcenter_command(
                "originate", interface=agent.interface, number=normalized,
                caller_id=caller_id or f'"{agent.name}" <{agent.extension or ""}>',
                channel_id=channel_id, other_channel_id=other_channel_id,
            )
        except UserError as exc:
            message = exc.args[0]
            call.write({"state": "failed", "ended_at": fields.Datetime.now(),
                        "hangup_cause_text": message[:200]})
            return {**call._callcenter_softphone_payload(), "error": message}
        return call._callcenter_softphone_payload()

    def action_callcenter_hangup(self):
        self.ensure_one()
        self.check_access("write")
        self.pbx_id._callcenter_command("hangup", linkedid=self.linkedid)
        return True

    def action_callcenter_transfer(self, target, kind="blind"):
        self.ensure_one()
        self.check_access("write")
        if kind not in ("blind", "attended"):
            raise UserError(_("Unknown transfer kind %(kind)s.", kind=kind))
        if not target:
            raise UserError(_("Choose an extension, agent or number to transfer to."))
        agent = self.env["callcenter.agent"]._callcenter_current_agent()
        self.pbx_id._callcenter_command(
            "transfer", linkedid=self.linkedid, target=str(target), kind=kind,
            interface=agent.interface,
        )
        return True

    def action_callcenter_supervise(self, mode):
        """Listen to, whisper to or barge into this call from the team lead's own device."""
        self.ensure_one()
        if mode not in ("listen", "whisper", "barge"):
            raise UserError(_("Unknown supervision mode %(mode)s.", mode=mode))
        if not self.env.user.has_group("callcenter_base.group_callcenter_supervisor"):
            raise AccessError(_("Only team leads may listen to calls."))
        self.check_access("read")
        supervisor = self.env["callcenter.agent"]._callcenter_current_agent()
        if not self.agent_id.interface:
            raise UserError(_("This call has no agent to supervise."))
        self.pbx_id._callcenter_command(
            "spy", mode=mode, supervisor_interface=supervisor.interface,
            target_interface=self.agent_id.interface, linkedid=self.linkedid,
        )
        return True

    # ------------------------------------------------------------
    # DEMO
    # ------------------------------------------------------------

    @api.model
    def _callcenter_generate_demo_history(self, days=30, seed=2026):
        """Fill the demo database with `days` of simulated traffic ending yesterday."""
        queues = self.env["callcenter.queue"].search([])
        agents = self.env["callcenter.agent"].search([])
        if not queues or not agents or self.search_count([], limit=1):
            return False
        today = datetime.combine(fields.Date.context_today(self), datetime.min.time())
        day_starts = [today - timedelta(days=offset) for offset in range(days, 0, -1)]
        demo_queues = [
            demo_traffic.DemoQueue(queue.id, max(3.0 - index, 1.0), queue.member_ids.agent_id.ids)
            for index, queue in enumerate(queues)
        ]
        demo_agents = {
            agent.id: demo_traffic.DemoAgent(agent.id, agent.wrapup_seconds, (index % 3) * 30)
            for index, agent in enumerate(agents)
        }
        partners = self.env["res.partner"].search(
            ["|", ("phone", "!=", False), ("mobile", "!=", False)], order="id"
        )
        customer_numbers = [
            p.callcenter_mobile_key or p.callcenter_phone_key for p in partners
            if (p.callcenter_mobile_key or p.callcenter_phone_key or "").startswith("+")
        ]
        unknown_numbers = ["+86 139 %04d %04d" % (1000 + i * 37, 2000 + i * 53) for i in range(40)]
        calls, logs = demo_traffic.generate(
            day_starts, demo_queues, demo_agents, customer_numbers, unknown_numbers, seed
        )
        dispositions = self.env["callcenter.call.disposition"].search([])
        for index, values in enumerate(calls):
            if values.get("answered_at") and dispositions:
                values["disposition_id"] = dispositions[index % len(dispositions)].id
        context = {"tracking_disable": True, "mail_create_nolog": True}
        self.with_context(**context).create(calls)
        lunch = self.env.ref("callcenter_base.callcenter_pause_reason_lunch", raise_if_not_found=False)
        for values in logs:
            if values["state"] == "paused" and lunch:
                values["pause_reason_id"] = lunch.id
        day_ends = {}
        for values in logs:
            key = (values["agent_id"], values["date_start"].date())
            day_ends[key] = max(day_ends.get(key, values["date_end"]), values["date_end"])
        for agent in agents:
            for day in day_starts:
                next_open = day + timedelta(days=1, hours=demo_traffic.OPEN_HOUR)
                logs.append({
                    "agent_id": agent.id, "state": "logged_out",
                    "date_start": day_ends[(agent.id, day.date())],
                    "date_end": next_open if day != day_starts[-1] else False,
                })
        self.env["callcenter.agent.state.log"].create(logs)
        for agent in agents:
            agent.write({
                "state": "logged_out", "pause_reason_id": False,
                "state_since": day_ends[(agent.id, day_starts[-1].date())],
            })
        self.env.flush_all()
        return True
