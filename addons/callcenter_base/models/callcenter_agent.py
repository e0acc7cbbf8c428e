# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from ..tools.facts import device_key, fact_datetime

AGENT_STATES = [
    ("logged_out", "Logged Out"),
    ("available", "Available"),
    ("paused", "Paused"),
    ("ringing", "Ringing"),
    ("on_call", "On Call"),
    ("wrapup", "Wrap-up"),
]
DEFAULT_WRAPUP_SECONDS = 15
SELECTABLE_STATES = ("available", "paused", "logged_out")
LAST_CALLS_IN_POP = 5


class CallcenterAgent(models.Model):
    _name = "callcenter.agent"
    _description = "Call Center Agent"
    _order = "name, id"

    user_id = fields.Many2one(
        "res.users", required=True, index=True, ondelete="cascade", string="User",
        domain="[('share', '=', False)]",
    )
    name = fields.Char(related="user_id.name", store=True, readonly=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    pbx_id = fields.Many2one("callcenter.pbx", string="PBX", index=True, check_company=True)
    extension = fields.Char(help="The agent's internal number, e.g. 1001.")
    interface = fields.Char(
        string="Device",
        help="The Asterisk interface that rings this agent, e.g. PJSIP/1001. "
        "It is the queue member interface.",
    )
    skill_ids = fields.One2many("callcenter.agent.skill", "agent_id", string="Skills")
    queue_member_ids = fields.One2many("callcenter.queue.member", "agent_id", string="Queues")
    queue_ids = fields.Many2many(
        "callcenter.queue", compute="_compute_queue_ids", search="_search_queue_ids"
    )
    state = fields.Selection(
        AGENT_STATES, default="logged_out", required=True, readonly=True, index=True,
        group_expand=True,
    )
    state_since = fields.Datetime(readonly=True)
    pause_reason_id = fields.Many2one("callcenter.pause.reason", readonly=True)
    wrapup_seconds = fields.Integer(
        string="Wrap-up Time (s)", default=DEFAULT_WRAPUP_SECONDS,
        help="After a call, the agent stays in wrap-up this long before becoming "
        "available again.",
    )
    chat_capacity = fields.Integer(
        default=3, help="How many chat conversations the agent handles beside calls."
    )
    current_call_id = fields.Many2one(
        "callcenter.call", readonly=True, index="btree_not_null",
        help="The call ringing, answered or in wrap-up on this agent's device.",
    )
    state_log_ids = fields.One2many("callcenter.agent.state.log", "agent_id")
    call_ids = fields.One2many("callcenter.call", "agent_id")
    call_count = fields.Integer(compute="_compute_call_count")
    color = fields.Integer(compute="_compute_color")

    _sql_constraints = [
        ("user_unique", "UNIQUE(user_id)", "This user is already an agent."),
        ("wrapup_positive", "CHECK(wrapup_seconds >= 0)", "Wrap-up time cannot be negative."),
    ]

    @api.depends("queue_member_ids.queue_id")
    def _compute_queue_ids(self):
        for agent in self:
            agent.queue_ids = agent.queue_member_ids.queue_id

    def _search_queue_ids(self, operator, value):
        return [("queue_member_ids.queue_id", operator, value)]

    def _compute_call_count(self):
        counts = dict(self.env["callcenter.call"]._read_group(
            [("agent_id", "in", self.ids)], ["agent_id"], ["__count"]
        ))
        for agent in self:
            agent.call_count = counts.get(agent, 0)

    @api.depends("state")
    def _compute_color(self):
        colors = {"available": 10, "paused": 2, "ringing": 3, "on_call": 1, "wrapup": 4}
        for agent in self:
            agent.color = colors.get(agent.state, 0)

    @api.constrains("interface")
    def _check_interface(self):
        for agent in self.filtered("interface"):
            if "/" not in agent.interface:
                raise ValidationError(_(
                    "Device %(device)s of %(agent)s is not an Asterisk interface "
                    "(technology/resource, e.g. PJSIP/1001).",
                    device=agent.interface, agent=agent.name,
                ))

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def action_view_calls(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("callcenter_base.callcenter_call_action")
        action["domain"] = [("agent_id", "=", self.id)]
        action["context"] = {"search_default_group_by_day": 0}
        return action

    def action_view_state_logs(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "callcenter_base.callcenter_agent_state_log_action"
        )
        action["domain"] = [("agent_id", "=", self.id)]
        return action

    # ------------------------------------------------------------
    # BUSINESS
    # ------------------------------------------------------------

    def _callcenter_set_state(self, state, pause_reason=False, at=None):
        """Move agents to `state` at `at`, closing their open state interval and opening a new one.

        Agents already in that state (and pause reason) are left alone, so a
        repeated PBX event does not split an interval.
        """
        if state not in dict(AGENT_STATES):
            raise UserError(_("Unknown agent state %(state)s.", state=state))
        if state != "paused" and pause_reason:
            raise UserError(_("Only a paused agent has a pause reason."))
        at = at or fields.Datetime.now()
        reason = pause_reason or self.env["callcenter.pause.reason"]
        changing = self.filtered(
            lambda agent: agent.state != state or agent.pause_reason_id != reason
        )
        if not changing:
            return self.browse()
        # PBX clocks and event order allow slightly earlier times than the open
        # interval's start: such a change starts when the open interval did.
        starts = {agent: max(at, agent.state_since) if agent.state_since else at for agent in changing}
        logs = self.env["callcenter.agent.state.log"]
        for log in logs.search([("agent_id", "in", changing.ids), ("date_end", "=", False)]):
            log.date_end = max(starts[log.agent_id], log.date_start)
        logs.create([
            {"agent_id": agent.id, "state": state, "pause_reason_id": reason.id,
             "date_start": starts[agent]}
            for agent in changing
        ])
        for agent in changing:
            agent.write({"state": state, "pause_reason_id": reason.id, "state_since": starts[agent]})
        return changing

    # ------------------------------------------------------------
    # SOFTPHONE (the agent's own systray)
    # ------------------------------------------------------------

    @api.model
    def _callcenter_current_agent(self):
        agent = self.search([("user_id", "=", self.env.uid)], limit=1)
        if not agent:
            raise UserError(_("You are not a call center agent: ask your team lead to create "
                              "your agent profile."))
        return agent

    @api.model
    def callcenter_softphone_state(self):
        """Everything the systray shows after a page load: state, pause reasons, current call."""
        agent = self.search([("user_id", "=", self.env.uid)], limit=1)
        if not agent:
            return {"agent": False}
        reasons = self.env["callcenter.pause.reason"].search([])
        Call = self.env["callcenter.call"]
        current = agent.current_call_id or Call.search([
            ("agent_id", "=", agent.id),
            ("state", "in", ("ringing", "queued", "answered")),
            ("started_at", ">=", fields.Datetime.subtract(fields.Datetime.now(), hours=12)),
        ], order="started_at desc", limit=1)
        ringing = current if current and (
            agent.state in ("ringing", "on_call") or current.state in ("ringing", "queued", "answered")
        ) else Call
        return {
            "agent": agent._callcenter_agent_payload(),
            "pause_reasons": [{"id": r.id, "name": r.name} for r in reasons],
            "call": current._callcenter_softphone_payload() if current else False,
            "pop": ringing._callcenter_pop_payload() if ringing else False,
        }

    def _callcenter_agent_payload(self):
        self.ensure_one()
        return {
            "id": self.id,
            "name": self.name,
            "state": self.state,
            "state_since": fields.Datetime.to_string(self.state_since) if self.state_since else False,
            "pause_reason_id": self.pause_reason_id.id or False,
            "pause_reason": self.pause_reason_id.name or "",
            "extension": self.extension or "",
        }

    @api.model
    def action_callcenter_set_my_state(self, state, pause_reason_id=False):
        """The agent's state selector: log in/out of their queues, pause and unpause."""
        agent = self._callcenter_current_agent()
        # sudo: an agent changes only their own state (current user's profile).
        agent.sudo()._callcenter_change_state_on_pbx(state, pause_reason_id)
        return agent._callcenter_agent_payload()

    def action_callcenter_force_state(self, state, pause_reason_id=False):
        """Team leads force a pause, unpause or logout of the agents of queues they lead."""
        if not self.env.user.has_group("callcenter_base.group_callcenter_supervisor"):
            raise AccessError(_("Only team leads may change another agent's state."))
        for agent in self:
            led = agent.queue_ids.filtered(lambda q: self.env.user in q.team_lead_ids)
            if not led and not self.env.user.has_group("callcenter_base.group_callcenter_manager"):
                raise AccessError(_("%(agent)s is not in a queue you lead.", agent=agent.name))
            # sudo: access to this agent was checked just above.
            agent.sudo()._callcenter_change_state_on_pbx(state, pause_reason_id)
        return True

    def _callcenter_change_state_on_pbx(self, state, pause_reason_id=False):
        """Queue members are logged in, paused and unpaused on the PBX; an agent in no
        queue (outbound work only, e.g. preview survey calls) changes state in Odoo only."""
        self.ensure_one()
        if state not in SELECTABLE_STATES:
            raise UserError(_("Agents choose between available, paused and logged out."))
        reason = self.env["callcenter.pause.reason"].browse(pause_reason_id).exists()
        if state == "paused" and not reason:
            raise UserError(_("Choose why you pause."))
        if self.state in ("ringing", "on_call") and state == "logged_out":
            raise UserError(_("Finish the current call before logging out."))
        if not self.interface or not self.pbx_id:
            raise UserError(_("%(agent)s has no device or PBX configured.", agent=self.name))
        queues = [
            {"queue": member.queue_id.asterisk_name, "penalty": member.penalty}
            for member in self.queue_member_ids if member.queue_id.active
        ]
        if queues:
            self.pbx_id._callcenter_command(
                "agent_state", interface=self.interface, member_name=self.name, state=state,
                reason=(reason.code or reason.name) if state == "paused" else "", queues=queues,
            )
        if self.state not in ("ringing", "on_call") or state == "paused":
            self._callcenter_set_state(state, reason if state == "paused" else False)
        self.user_id._bus_send("callcenter.agent/state", self._callcenter_agent_payload())

    # ------------------------------------------------------------
    # INGESTION
    # ------------------------------------------------------------

    @api.model
    def _callcenter_agents_by_device(self, pbx):
        agents = self.with_context(active_test=False).search([("pbx_id", "=", pbx.id)])
        return {agent._callcenter_device_key(): agent for agent in agents if agent.interface}

    def _callcenter_device_key(self):
        self.ensure_one()
        return device_key(self.interface)

    @api.model
    def _callcenter_apply_agent_facts(self, pbx, facts):
        """Agent state changes seen on the PBX, applied in order per agent."""
        if not facts:
            return
        agents = self._callcenter_agents_by_device(pbx)
        reasons = self.env["callcenter.pause.reason"]._callcenter_by_code()
        calls = {
            call.linkedid: call for call in self.env["callcenter.call"].search([
                ("pbx_id", "=", pbx.id),
                ("linkedid", "in", [f["linkedid"] for f in facts if f.get("linkedid")]),
            ])
        }
        changed = self.browse()
        for fact in facts:
            agent = agents.get(device_key(fact.get("agent")))
            state = fact.get("state")
            if not agent or state not in dict(AGENT_STATES):
                continue
            call = calls.get(fact.get("linkedid")) or self.env["callcenter.call"]
            if agent.current_call_id != call:
                agent.current_call_id = call
            reason = False
            if state == "paused":
                reason = reasons.get((fact.get("reason") or "").lower())
                if reason is None:
                    reason = self.env["callcenter.pause.reason"]._callcenter_for_pbx_reason(
                        fact.get("reason"))
                    reasons[(fact.get("reason") or "").lower()] = reason
            changed |= agent._callcenter_set_state(state, reason, at=fact_datetime(fact.get("at")))
        for agent in changed:
            agent.user_id._bus_send("callcenter.agent/state", agent._callcenter_agent_payload())

    @api.model
    def _callcenter_apply_member_facts(self, pbx, facts):
        """Queue membership as the PBX reports it (logged in, paused) for the wallboard."""
        if not facts:
            return
        agents = self._callcenter_agents_by_device(pbx)
        queues = self.env["callcenter.queue"]._callcenter_find({f.get("queue") for f in facts}, pbx)
        members = {
            (m.queue_id.id, m.agent_id.id): m
            for m in self.env["callcenter.queue.member"].search([
                ("queue_id", "in", [q.id for q in queues.values()]),
            ])
        }
        for fact in facts:
            agent, queue = agents.get(device_key(fact.get("agent"))), queues.get(fact.get("queue"))
            member = members.get((queue.id, agent.id)) if agent and queue else None
            if not member:
                continue
            event = fact.get("event")
            if event == "added":
                member.write({"logged_in": True, "paused": bool(fact.get("paused"))})
            elif event == "removed":
                member.write({"logged_in": False, "paused": False})
            elif event in ("paused", "unpaused"):
                member.write({"logged_in": True, "paused": event == "paused"})
            elif event == "penalty" and fact.get("penalty") is not None:
                member.penalty = int(fact["penalty"])

    @api.model
    def _callcenter_apply_ring_facts(self, pbx, facts, set_current=True):
        """Screen pop: the agent whose device rings gets the caller and their history."""
        if not facts:
            return
        agents = self._callcenter_agents_by_device(pbx)
        calls = {
            call.linkedid: call for call in self.env["callcenter.call"].search([
                ("pbx_id", "=", pbx.id), ("linkedid", "in", [f.get("linkedid") for f in facts]),
            ])
        }
        for fact in facts:
            agent = agents.get(device_key(fact.get("agent")))
            call = calls.get(fact.get("linkedid"))
            if agent and call:
                if set_current:
                    agent.current_call_id = call
                agent.user_id._bus_send("callcenter.call/ringing", call._callcenter_pop_payload())
