from odoo import _, api, fields, models
from odoo.tools.translate import LazyTranslate

_lt = LazyTranslate(__name__)

NODE_KINDS = [
    ("play", "Play a prompt"),
    ("menu", "Menu"),
    ("queue", "Route to a queue"),
    ("agent", "Route to an agent or extension"),
    ("sticky", "Route to the last agent"),
    ("external", "Route to an external number"),
    ("voicemail", "Voicemail"),
    ("time", "Time condition"),
    ("lookup", "Caller lookup"),
    ("http", "HTTP lookup"),
    ("language", "Language choice"),
    ("rating", "Satisfaction rating"),
    ("hangup", "Hang up"),
    ("goto", "Go to"),
]
#: Kinds that wait for the caller or for a person: a loop through one of them is
#: paced by the caller, a loop without one spins.
WAITING_KINDS = {"menu", "language", "rating", "voicemail", "queue", "agent", "sticky", "external"}
ROUTING_KINDS = {"queue", "agent", "sticky", "external"}
#: What each branch label means, for messages and the diagram.
BRANCH_LABELS = {
    "next": _lt("next"), "failure": _lt("after failed attempts"), "answered": _lt("answered"),
    "no answer": _lt("no answer"), "open": _lt("open"), "closed": _lt("closed"),
    "known": _lt("known caller"), "unknown": _lt("unknown caller"), "vip": _lt("VIP caller"),
    "blacklisted": _lt("blacklisted caller"), "success": _lt("answer received"),
    "go to": _lt("go to"),
}
#: Branch labels per kind: (label, field, required).
BRANCHES = {
    "play": [("next", "next_node_id", True)],
    "menu": [("failure", "failure_node_id", False)],
    "queue": [("answered", "next_node_id", False), ("no answer", "failure_node_id", False)],
    "agent": [("answered", "next_node_id", False), ("no answer", "failure_node_id", False)],
    "sticky": [("answered", "next_node_id", False), ("no answer", "failure_node_id", False)],
    "external": [("answered", "next_node_id", False), ("no answer", "failure_node_id", False)],
    "voicemail": [("next", "next_node_id", False)],
    "time": [("open", "next_node_id", True), ("closed", "failure_node_id", True)],
    "lookup": [("known", "next_node_id", True), ("unknown", "failure_node_id", True),
               ("vip", "vip_node_id", False), ("blacklisted", "blacklisted_node_id", False)],
    "http": [("success", "next_node_id", True), ("failure", "failure_node_id", True)],
    "language": [("next", "next_node_id", True)],
    "rating": [("next", "next_node_id", False)],
    "hangup": [],
    "goto": [("go to", "next_node_id", True)],
}


class CallcenterIvrNode(models.Model):
    """One step of a flow version. Branches are plain many2ones to nodes of the same
    version; `BRANCHES` says what each means for each kind."""

    _name = "callcenter.ivr.node"
    _inherit = ["callcenter.ivr.version.part"]
    _description = "IVR Node"
    _order = "version_id, sequence, id"

    name = fields.Char(required=True)
    sequence = fields.Integer(default=10)
    version_id = fields.Many2one("callcenter.ivr.version", required=True, ondelete="cascade", index=True)
    ivr_id = fields.Many2one(related="version_id.ivr_id", store=True, index=True)
    company_id = fields.Many2one(related="version_id.ivr_id.company_id", store=True)
    pbx_id = fields.Many2one(related="version_id.ivr_id.pbx_id")
    kind = fields.Selection(NODE_KINDS, required=True, default="play")
    is_start = fields.Boolean(compute="_compute_is_start", string="Start Node")
    note = fields.Text()

    prompt_id = fields.Many2one("callcenter.ivr.prompt", string="Prompt", ondelete="restrict")
    say_variable = fields.Char(help="Speak this variable of an HTTP lookup after the prompt.")
    say_as = fields.Selection([("number", "Number"), ("digits", "Digits"), ("alpha", "Letters")],
                              default="number")

    timeout = fields.Float(string="Timeout (s)", default=5.0,
                           help="How long to wait for the first key, or for the HTTP answer.")
    digit_timeout = fields.Float(string="Inter-digit Timeout (s)", default=3.0)
    attempts = fields.Integer(default=3, help="How many times the caller may try before the "
                              "flow goes on without a valid key.")
    invalid_prompt_id = fields.Many2one("callcenter.ivr.prompt", string="Invalid Key Prompt",
                                        ondelete="restrict")
    timeout_prompt_id = fields.Many2one("callcenter.ivr.prompt", string="No Key Prompt",
                                        ondelete="restrict")
    option_ids = fields.One2many("callcenter.ivr.node.option", "node_id", string="Keys", copy=True)
    direct_dial = fields.Boolean(string="Direct Dial",
                                 help="Callers may key an extension to reach an agent directly.")
    extension_length = fields.Integer(default=4)

    queue_id = fields.Many2one("callcenter.queue", string="Queue", ondelete="restrict")
    priority = fields.Integer(default=0, help="Asterisk queue priority of the call.")
    vip_priority = fields.Integer(string="VIP Priority", default=10,
                                  help="Priority used instead when the caller is a VIP contact.")
    max_wait = fields.Integer(string="Maximum Wait (s)", default=300)
    lookup_timeout = fields.Float(string="Lookup Timeout (s)", default=1.5,
                                  help="How long the caller may wait for Odoo to find the contact.")

    agent_id = fields.Many2one("callcenter.agent", string="Agent", ondelete="restrict")
    extension = fields.Char()
    ring_timeout = fields.Integer(string="Ring Time (s)", default=30)
    max_age_days = fields.Integer(string="Look Back (days)", default=30)
    external_number = fields.Char()

    voicemail_agent_id = fields.Many2one("callcenter.agent", string="Mailbox of Agent",
                                         ondelete="restrict")
    voicemail_queue_id = fields.Many2one("callcenter.queue", string="Mailbox of Queue",
                                         ondelete="restrict")
    max_seconds = fields.Integer(string="Maximum Length (s)", default=120)

    calendar_id = fields.Many2one("resource.calendar", string="Opening Hours", ondelete="restrict")

    url = fields.Char(string="URL")
    http_method = fields.Selection([("GET", "GET"), ("POST", "POST")], string="HTTP Method",
                                   default="GET")
    http_variables = fields.Char(
        string="Variables", help="Comma-separated names to keep from the JSON answer; "
        "empty keeps every plain value.")

    thanks_prompt_id = fields.Many2one("callcenter.ivr.prompt", string="Thank-you Prompt",
                                       ondelete="restrict")

    next_node_id = fields.Many2one("callcenter.ivr.node", string="Next", ondelete="set null",
                                   domain="[('version_id', '=', version_id), ('id', '!=', id)]")
    failure_node_id = fields.Many2one("callcenter.ivr.node", string="On Failure", ondelete="set null",
                                      domain="[('version_id', '=', version_id), ('id', '!=', id)]")
    vip_node_id = fields.Many2one("callcenter.ivr.node", string="VIP Caller", ondelete="set null",
                                  domain="[('version_id', '=', version_id), ('id', '!=', id)]")
    blacklisted_node_id = fields.Many2one("callcenter.ivr.node", string="Blacklisted Caller",
                                          ondelete="set null",
                                          domain="[('version_id', '=', version_id), ('id', '!=', id)]")

    visit_count = fields.Integer(compute="_compute_visit_stats", string="Visits")
    hangup_count = fields.Integer(compute="_compute_visit_stats", string="Hang-ups")

    @api.depends("version_id.start_node_id")
    def _compute_is_start(self):
        for node in self:
            node.is_start = node.version_id.start_node_id == node

    def _compute_visit_stats(self):
        counts = {
            (node.id, result): count
            for node, result, count in self.env["callcenter.ivr.visit"]._read_group(
                [("node_id", "in", self.ids), ("result", "in", ("enter", "hangup"))],
                ["node_id", "result"], ["__count"])
        }
        for node in self:
            node.visit_count = counts.get((node.id, "enter"), 0)
            node.hangup_count = counts.get((node.id, "hangup"), 0)

    def _callcenter_versions(self):
        return self.version_id

    # ------------------------------------------------------------ graph

    def _callcenter_edges(self):
        """[(label, node)] for every branch of this node that leads somewhere."""
        self.ensure_one()
        edges = []
        if self.kind in ("menu", "language"):
            edges += [(option.key, option.target_node_id) for option in self.option_ids
                      if option.target_node_id]
        for label, field, _required in BRANCHES[self.kind]:
            if self[field]:
                edges.append((label, self[field]))
        return edges

    def _callcenter_label(self):
        return _("Node “%(node)s”", node=self.name)

    def _callcenter_http_variables(self):
        return [name.strip() for name in (self.http_variables or "").split(",") if name.strip()]

    def _callcenter_summary(self):
        """One line for the diagram: what the node does, in the user's words."""
        self.ensure_one()
        kind = self.kind
        if kind in ("play", "menu", "language", "rating", "hangup"):
            text = self.prompt_id.name or ""
            if kind == "play" and self.say_variable:
                text = f"{text} + {self.say_variable}".strip(" +")
            return text
        if kind == "queue":
            return self.queue_id.name or ""
        if kind == "agent":
            return self.agent_id.name or self.extension or ""
        if kind == "external":
            return self.external_number or ""
        if kind == "voicemail":
            return (self.voicemail_agent_id or self.voicemail_queue_id).name or ""
        if kind == "time":
            return self.calendar_id.name or ""
        if kind == "http":
            return self.url or ""
        if kind == "sticky":
            return _("last %(days)s days", days=self.max_age_days)
        return ""

    def _callcenter_compile(self):
        """The node as the connector's runtime reads it (connector/IVR.md)."""
        self.ensure_one()
        pbx = self.ivr_id.pbx_id

        def ref(node):
            return str(node.id) if node else None

        def prompt(record):
            return record._callcenter_sounds(pbx) if record else None

        data = {"id": str(self.id), "kind": self.kind, "name": self.name}
        kind = self.kind
        if kind == "play":
            data.update(prompt=prompt(self.prompt_id), next=ref(self.next_node_id),
                        say={"variable": self.say_variable, "as": self.say_as}
                        if self.say_variable else None)
        elif kind == "menu":
            data.update(
                prompt=prompt(self.prompt_id), timeout_ms=int(self.timeout * 1000),
                digit_timeout_ms=int(self.digit_timeout * 1000),
                max_digits=self.extension_length if self.direct_dial else 1,
                attempts=self.attempts, invalid_prompt=prompt(self.invalid_prompt_id),
                timeout_prompt=prompt(self.timeout_prompt_id),
                options={o.key: ref(o.target_node_id) for o in self.option_ids if o.target_node_id},
                direct_dial=self.direct_dial, extension_length=self.extension_length,
                direct_dial_format=pbx.ivr_extension_dial_format, failure=ref(self.failure_node_id))
        elif kind in ROUTING_KINDS:
            data.update(next=ref(self.next_node_id), failure=ref(self.failure_node_id))
            if kind == "queue":
                data.update(queue=self.queue_id.asterisk_name, priority=self.priority,
                            vip_priority=self.vip_priority, max_wait=self.max_wait,
                            lookup_timeout_ms=int(self.lookup_timeout * 1000))
            elif kind == "agent":
                data.update(dial=self._callcenter_agent_dial(), timeout=self.ring_timeout)
            elif kind == "sticky":
                data.update(max_age_days=self.max_age_days, timeout=self.ring_timeout,
                            lookup_timeout_ms=int(self.lookup_timeout * 1000))
            else:
                data.update(dial=pbx.ivr_external_dial_format.format(
                    number=self.external_number.strip().replace(" ", "")), timeout=self.ring_timeout)
        elif kind == "voicemail":
            data.update(prompt=prompt(self.prompt_id), max_seconds=self.max_seconds,
                        agent=self.voicemail_agent_id.id or None,
                        queue=self.voicemail_queue_id.id or None, next=ref(self.next_node_id))
        elif kind == "time":
            data.update(calendar=str(self.calendar_id.id), open=ref(self.next_node_id),
                        closed=ref(self.failure_node_id))
        elif kind == "lookup":
            data.update(timeout_ms=int(self.lookup_timeout * 1000), known=ref(self.next_node_id),
                        unknown=ref(self.failure_node_id), vip=ref(self.vip_node_id),
                        blacklisted=ref(self.blacklisted_node_id))
        elif kind == "http":
            data.update(url=self.url, method=self.http_method, timeout_ms=int(self.timeout * 1000),
                        variables=self._callcenter_http_variables(), next=ref(self.next_node_id),
                        failure=ref(self.failure_node_id))
        elif kind == "language":
            data.update(prompt=prompt(self.prompt_id), timeout_ms=int(self.timeout * 1000),
                        attempts=self.attempts, next=ref(self.next_node_id),
                        options={o.key: o.language for o in self.option_ids if o.language})
        elif kind == "rating":
            data.update(prompt=prompt(self.prompt_id), thanks_prompt=prompt(self.thanks_prompt_id),
                        timeout_ms=int(self.timeout * 1000), attempts=self.attempts,
                        next=ref(self.next_node_id))
        elif kind == "hangup":
            data.update(prompt=prompt(self.prompt_id))
        elif kind == "goto":
            data.update(target=ref(self.next_node_id))
        return data

    def _callcenter_agent_dial(self):
        if self.agent_id.interface:
            return self.agent_id.interface
        return self.ivr_id.pbx_id.ivr_extension_dial_format.format(ext=self.extension.strip())
