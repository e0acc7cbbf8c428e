# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import datetime, time, timedelta

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

from ..tools.facts import fact_datetime

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
    live_waiting = fields.Integer(
        string="Waiting Now", readonly=True, help="Callers waiting in the queue, as the PBX reports."
    )
    live_longest_since = fields.Datetime(
        readonly=True, help="When the caller who has waited longest entered the queue."
    )
    recording_retention_days = fields.Integer(
        string="Keep Recordings (days)", default=0,
        help="Recordings of this queue's calls are deleted after this many days. 0 keeps them.",
    )
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

    # ------------------------------------------------------------
    # INGESTION
    # ------------------------------------------------------------

    @api.model
    def _callcenter_apply_queue_facts(self, pbx, facts):
        if not facts:
            return
        latest = {fact.get("queue"): fact for fact in facts if fact.get("queue")}
        queues = self._callcenter_find(latest, pbx)
        for name, fact in latest.items():
            if name in queues:
                queues[name].write({
                    "live_waiting": int(fact.get("waiting") or 0),
                    "live_longest_since": fact_datetime(fact.get("longest_since")),
                })
        self.env.ref("callcenter_base.group_callcenter_supervisor")._bus_send(
            "callcenter.wallboard/refresh", {"queues": sorted(latest)}
        )

    # ------------------------------------------------------------
    # WALLBOARD
    # ------------------------------------------------------------

    @api.model
    def callcenter_wallboard_data(self):
        """Live figures of the queues the current user supervises, and of their agents."""
        domain = [] if self.env.user.has_group("callcenter_base.group_callcenter_manager") else [
            ("team_lead_ids", "in", self.env.uid)]
        queues = self.search(domain)
        now = fields.Datetime.now()
        today = datetime.combine(fields.Date.context_today(self), time.min)
        stats = {
            queue: (count, answered_in_sl, short_abandons)
            for queue, count, answered_in_sl, short_abandons in self._callcenter_today_counts(
                queues, today)
        }
        result = []
        for queue in queues:
            agents = queue.member_ids.agent_id
            offered, in_sl, short = stats.get(queue, (0, 0, 0))
            counted = offered - short
            result.append({
                "id": queue.id,
                "name": queue.name,
                "waiting": queue.live_waiting,
                "longest_wait": int((now - queue.live_longest_since).total_seconds())
                if queue.live_waiting and queue.live_longest_since else 0,
                "available": len(agents.filtered(lambda a: a.state == "available")),
                "paused": len(agents.filtered(lambda a: a.state == "paused")),
                "on_call": len(agents.filtered(lambda a: a.state in ("ringing", "on_call"))),
                "wrapup": len(agents.filtered(lambda a: a.state == "wrapup")),
                "offered_today": offered,
                "service_level": round(100.0 * in_sl / counted, 1) if counted else None,
                "sl_target": queue.sl_target,
            })
        agents = queues.member_ids.agent_id
        calls = {agent: agent.current_call_id for agent in agents if agent.current_call_id}
        return {
            "queues": result,
            "agents": [{
                **agent._callcenter_agent_payload(),
                "seconds_in_state": int((now - agent.state_since).total_seconds())
                if agent.state_since else 0,
                "queues": agent.queue_ids.filtered(lambda q: q in queues).mapped("name"),
                "call_id": calls[agent].id if agent in calls else False,
                "call_number": calls[agent].customer_number if agent in calls else "",
                "pause_too_long": bool(
                    agent.state == "paused" and agent.pause_reason_id.max_minutes
                    and agent.state_since
                    and now - agent.state_since > timedelta(minutes=agent.pause_reason_id.max_minutes)
                ),
            } for agent in agents.sorted("name")],
            "now": fields.Datetime.to_string(now),
        }

    def _callcenter_today_counts(self, queues, since):
        """(queue, offered, answered within SL, short abandons) since `since`, in one query."""
        if not queues:
            return []
        self.env["callcenter.call"].flush_model()
        self.env.cr.execute(SQL("""
            SELECT c.queue_id,
                   count(*),
                   count(*) FILTER (WHERE c.answered_at IS NOT NULL AND c.wait_duration <= q.sl_threshold),
                   count(*) FILTER (WHERE c.state = 'abandoned' AND c.wait_duration < q.short_abandon_threshold)
              FROM callcenter_call c
              JOIN callcenter_queue q ON q.id = c.queue_id
             WHERE c.queue_id = ANY(%s) AND c.started_at >= %s
          GROUP BY c.queue_id
        """, queues.ids, since))
        return [(self.browse(qid), n, sl, short) for qid, n, sl, short in self.env.cr.fetchall()]
