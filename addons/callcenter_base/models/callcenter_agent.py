# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

AGENT_STATES = [
    ("logged_out", "Logged Out"),
    ("available", "Available"),
    ("paused", "Paused"),
    ("ringing", "Ringing"),
    ("on_call", "On Call"),
    ("wrapup", "Wrap-up"),
]
DEFAULT_WRAPUP_SECONDS = 15


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
    state_since = fields.Datetime(readonly=True, default=fields.Datetime.now)
    pause_reason_id = fields.Many2one("callcenter.pause.reason", readonly=True)
    wrapup_seconds = fields.Integer(
        string="Wrap-up Time (s)", default=DEFAULT_WRAPUP_SECONDS,
        help="After a call, the agent stays in wrap-up this long before becoming "
        "available again.",
    )
    chat_capacity = fields.Integer(
        default=3, help="How many chat conversations the agent handles beside calls."
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
        logs = self.env["callcenter.agent.state.log"]
        logs.search([("agent_id", "in", changing.ids), ("date_end", "=", False)]).write(
            {"date_end": at}
        )
        logs.create([
            {"agent_id": agent.id, "state": state, "pause_reason_id": reason.id, "date_start": at}
            for agent in changing
        ])
        changing.write({"state": state, "pause_reason_id": reason.id, "state_since": at})
        return changing
