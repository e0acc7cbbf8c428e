# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import datetime, timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..tools import demo_traffic
from ..tools.phone import normalize_number

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
HANGUP_BY = [("caller", "Caller"), ("agent", "Agent"), ("system", "System")]
NUMBER_FIELDS = {"caller_number_raw": "caller_number", "callee_number_raw": "callee_number"}


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
        if "state" in vals:
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
