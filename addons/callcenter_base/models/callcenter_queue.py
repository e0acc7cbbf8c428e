# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

QUEUE_STRATEGIES = [
    ("ringall", "Ring All"),
    ("leastrecent", "Least Recent"),
    ("fewestcalls", "Fewest Calls"),
    ("random", "Random"),
    ("rrmemory", "Round Robin with Memory"),
    ("linear", "Linear"),
    ("wrandom", "Weighted Random"),
]
OVERFLOW_KINDS = [
    ("none", "Keep Waiting"),
    ("queue", "Another Queue"),
    ("extension", "Extension or Number"),
    ("voicemail", "Voicemail"),
]


class CallcenterQueue(models.Model):
    _name = "callcenter.queue"
    _description = "Call Queue"
    _order = "sequence, name, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    color = fields.Integer()
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    pbx_id = fields.Many2one("callcenter.pbx", string="PBX", index=True, check_company=True)
    asterisk_name = fields.Char(
        string="Asterisk Queue", required=True,
        help="The queue's name in queues.conf; events are matched on it.",
    )
    strategy = fields.Selection(QUEUE_STRATEGIES, default="rrmemory", required=True)
    required_skill_ids = fields.Many2many("callcenter.skill", string="Required Skills")
    member_ids = fields.One2many("callcenter.queue.member", "queue_id", string="Members")
    agent_ids = fields.Many2many(
        "callcenter.agent", compute="_compute_agent_ids", string="Agents"
    )
    team_lead_ids = fields.Many2many(
        "res.users", "callcenter_queue_team_lead_rel", "queue_id", "user_id",
        string="Team Leads", domain="[('share', '=', False)]",
        help="Team leads see and supervise this queue's calls and agents.",
    )
    sl_threshold = fields.Integer(
        string="Service Level Threshold (s)", default=30, required=True,
        help="A call answered within this many seconds counts as within service level.",
    )
    sl_target = fields.Float(
        string="Service Level Target (%)", default=90.0, required=True,
        help="Share of calls that should be answered within the threshold.",
    )
    short_abandon_threshold = fields.Integer(
        string="Short Abandon (s)", default=5,
        help="Calls abandoned sooner than this are left out of abandon and "
        "service-level figures.",
    )
    priority = fields.Integer(
        default=0, help="Asterisk queue weight: higher-priority queues get shared agents first."
    )
    max_wait = fields.Integer(
        string="Maximum Wait (s)", default=300,
        help="After this wait the call overflows. 0 waits for ever.",
    )
    overflow_kind = fields.Selection(OVERFLOW_KINDS, default="none", required=True)
    overflow_queue_id = fields.Many2one(
        "callcenter.queue", string="Overflow Queue", check_company=True
    )
    overflow_destination = fields.Char(help="Extension or number the call overflows to.")
    resource_calendar_id = fields.Many2one(
        "resource.calendar", string="Business Hours", check_company=True,
        help="Opening hours; outside them calls go to the overflow destination.",
    )
    call_ids = fields.One2many("callcenter.call", "queue_id")
    member_count = fields.Integer(compute="_compute_agent_ids")

    _sql_constraints = [
        ("asterisk_name_unique", "UNIQUE(pbx_id, asterisk_name)",
         "Another queue of this PBX already has this Asterisk name."),
        ("sl_target_range", "CHECK(sl_target >= 0 AND sl_target <= 100)",
         "The service level target is a percentage between 0 and 100."),
        ("thresholds_positive",
         "CHECK(sl_threshold > 0 AND short_abandon_threshold >= 0 AND max_wait >= 0)",
         "Service level threshold must be positive; other thresholds cannot be negative."),
    ]

    @api.depends("member_ids.agent_id")
    def _compute_agent_ids(self):
        for queue in self:
            queue.agent_ids = queue.member_ids.agent_id
            queue.member_count = len(queue.member_ids)

    @api.constrains("overflow_kind", "overflow_queue_id", "overflow_destination")
    def _check_overflow(self):
        for queue in self:
            if queue.overflow_kind == "queue" and not queue.overflow_queue_id:
                raise ValidationError(_("Queue %(queue)s overflows to a queue: choose it.",
                                        queue=queue.name))
            if queue.overflow_kind == "queue" and queue.overflow_queue_id == queue:
                raise ValidationError(_("Queue %(queue)s cannot overflow to itself.",
                                        queue=queue.name))
            if queue.overflow_kind == "extension" and not queue.overflow_destination:
                raise ValidationError(_(
                    "Queue %(queue)s overflows to an extension or number: enter it.",
                    queue=queue.name))

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def action_add_skilled_agents(self):
        """Make every agent who has all the required skills a member."""
        for queue in self:
            agents = self.env["callcenter.agent"].search([("company_id", "=", queue.company_id.id)])
            for skill in queue.required_skill_ids:
                agents = agents.filtered(lambda a, s=skill: s in a.skill_ids.skill_id)
            new_agents = agents - queue.member_ids.agent_id
            self.env["callcenter.queue.member"].create(
                [{"queue_id": queue.id, "agent_id": agent.id} for agent in new_agents]
            )
        return True

    def action_view_calls(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("callcenter_base.callcenter_call_action")
        action["domain"] = [("queue_id", "=", self.id)]
        return action

    # ------------------------------------------------------------
    # TOOLS
    # ------------------------------------------------------------

    @api.model
    def _callcenter_find(self, asterisk_names, pbx=None):
        """Queues by their Asterisk name, as a dict name -> record."""
        domain = [("asterisk_name", "in", list(asterisk_names))]
        if pbx:
            domain.append(("pbx_id", "=", pbx.id))
        return {queue.asterisk_name: queue for queue in self.with_context(active_test=False).search(domain)}
