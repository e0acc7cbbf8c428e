import json
import re

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from .callcenter_ivr_node import BRANCH_LABELS, BRANCHES, WAITING_KINDS

VARIABLE_NAME = re.compile(r"^[A-Za-z0-9_]{1,32}$")
MAX_HTTP_TIMEOUT = 10.0
PROMPT_FIELDS = {"menu": ["prompt_id"], "language": ["prompt_id"], "rating": ["prompt_id"]}


class CallcenterIvrVersion(models.Model):
    """A flow's nodes at one point in time. Drafts are edited; publishing checks the
    graph, freezes it and compiles it into the definition the connector runs. The
    connector caches definitions by version, so a call finishes on the version it
    started with."""

    _name = "callcenter.ivr.version"
    _description = "IVR Flow Version"
    _order = "ivr_id, number desc"

    ivr_id = fields.Many2one("callcenter.ivr", string="Flow", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="ivr_id.company_id", store=True)
    number = fields.Integer(string="Version Number", required=True, readonly=True, default=1)
    state = fields.Selection(
        [("draft", "Draft"), ("published", "Published"), ("retired", "Retired")],
        default="draft", required=True, readonly=True, index=True,
    )
    node_ids = fields.One2many("callcenter.ivr.node", "version_id", string="Nodes")
    start_node_id = fields.Many2one(
        "callcenter.ivr.node", string="Start", ondelete="set null",
        domain="[('version_id', '=', id)]",
    )
    published_date = fields.Datetime(readonly=True, copy=False)
    published_uid = fields.Many2one("res.users", string="Published By", readonly=True, copy=False)
    definition = fields.Text(readonly=True, copy=False,
                             help="The compiled flow the connector runs (JSON).")
    check_message = fields.Text(string="Problems", readonly=True, copy=False)
    node_count = fields.Integer(compute="_compute_node_count")
    diagram = fields.Json(compute="_compute_diagram")

    _sql_constraints = [
        ("number_unique", "unique(ivr_id, number)", "Version numbers are unique per flow."),
    ]

    @api.depends("ivr_id.name", "number", "state")
    def _compute_display_name(self):
        states = dict(self._fields["state"]._description_selection(self.env))
        for version in self:
            version.display_name = f"{version.ivr_id.name} v{version.number} ({states[version.state]})"

    @api.depends("node_ids")
    def _compute_node_count(self):
        for version in self:
            version.node_count = len(version.node_ids)

    def write(self, vals):
        if set(vals) & {"start_node_id", "node_ids"}:
            self._callcenter_check_editable()
        return super().write(vals)

    def unlink(self):
        if self.filtered(lambda v: v.state == "published"):
            raise UserError(_("A published version serves calls and cannot be deleted."))
        return super().unlink()

    def _callcenter_check_editable(self):
        if self.env.context.get("callcenter_ivr_copy"):
            return
        for version in self.filtered(lambda v: v.state != "draft"):
            raise UserError(_(
                "Version %(version)s of “%(flow)s” is no longer a draft and cannot change: "
                "create a new version to edit the flow.",
                version=version.number, flow=version.ivr_id.name))

    # ------------------------------------------------------------ diagram

    @api.depends("node_ids", "start_node_id", "node_ids.kind", "node_ids.name",
                 "node_ids.next_node_id", "node_ids.failure_node_id", "node_ids.vip_node_id",
                 "node_ids.blacklisted_node_id", "node_ids.option_ids.target_node_id",
                 "node_ids.option_ids.label", "node_ids.prompt_id", "node_ids.queue_id",
                 "node_ids.agent_id", "node_ids.calendar_id", "node_ids.url")
    def _compute_diagram(self):
        for version in self:
            version.diagram = version._callcenter_diagram()

    def _callcenter_diagram(self):
        """Nodes and labelled edges for the flow diagram widget, with visit counts."""
        self.ensure_one()
        kinds = dict(self.env["callcenter.ivr.node"]._fields["kind"]._description_selection(self.env))
        nodes = self.node_ids.filtered(lambda n: n._origin.id)
        stats = {}
        if nodes:
            for node, result, key, count in self.env["callcenter.ivr.visit"]._read_group(
                    [("node_id", "in", nodes._origin.ids)], ["node_id", "result", "key"],
                    ["__count"]):
                entry = stats.setdefault(node.id, {"keys": {}})
                if result == "key":
                    entry["keys"][key or ""] = count
                else:
                    entry[result] = entry.get(result, 0) + count
        return {
            "start": self.start_node_id._origin.id or False,
            "nodes": [{
                "id": node._origin.id, "name": node.name, "kind": node.kind,
                "kind_label": kinds[node.kind], "summary": node._callcenter_summary(),
                "edges": [{"branch": branch, "target": target._origin.id,
                           "label": str(BRANCH_LABELS[branch]) if branch in BRANCH_LABELS else branch,
                           "option_label": node.option_ids.filtered(
                               lambda o, key=branch: o.key == key)[:1].label or ""}
                          for branch, target in node._callcenter_edges() if target._origin.id],
                "stats": stats.get(node._origin.id, {}),
            } for node in nodes],
        }

    # ------------------------------------------------------------ validation

    def _callcenter_problems(self):
        """Every reason the version cannot be published, each naming its node."""
        self.ensure_one()
        problems = []
        nodes = self.node_ids
        if not nodes:
            return [_("The flow has no nodes.")]
        if not self.start_node_id:
            problems.append(_("The flow has no start node."))
        for node in nodes:
            problems += self._callcenter_node_problems(node)
        if self.start_node_id:
            reached = self._callcenter_reachable()
            problems += [_("%(node)s cannot be reached from the start node.", node=node._callcenter_label())
                         for node in nodes - reached]
        problems += self._callcenter_spinning_loops()
        return problems

    def _callcenter_node_problems(self, node):
        label = node._callcenter_label()
        problems = []
        for branch, field, required in BRANCHES[node.kind]:
            if required and not node[field]:
                problems.append(_("%(node)s is a dead end: its “%(branch)s” branch leads nowhere.",
                                  node=label, branch=str(BRANCH_LABELS[branch])))
        for field in PROMPT_FIELDS.get(node.kind, []):
            if not node[field]:
                problems.append(_("%(node)s has no prompt.", node=label))
        if node.kind == "play" and not node.prompt_id and not node.say_variable:
            problems.append(_("%(node)s has no prompt.", node=label))
        for field in ("prompt_id", "invalid_prompt_id", "timeout_prompt_id", "thanks_prompt_id"):
            prompt = node[field]
            if prompt and not prompt.audio_ids:
                problems.append(_("%(node)s: prompt “%(prompt)s” has no audio yet (generate the "
                                  "speech or upload a file).", node=label, prompt=prompt.name))
        if node.kind == "menu":
            routed = node.option_ids.filtered("target_node_id")
            if not routed and not node.direct_dial:
                problems.append(_("%(node)s is a dead end: no key leads anywhere.", node=label))
            for option in node.option_ids - routed:
                problems.append(_("%(node)s is a dead end: key %(key)s leads nowhere.",
                                  node=label, key=option.key))
            if not node.failure_node_id:
                problems.append(_("%(node)s has no path for invalid input: set where callers go "
                                  "after %(attempts)s failed attempts.", node=label, attempts=node.attempts))
            if node.direct_dial and not 2 <= node.extension_length <= 6:
                problems.append(_("%(node)s: extensions for direct dial must have 2 to 6 digits.",
                                  node=label))
            if node.attempts < 1 or node.timeout <= 0 or node.digit_timeout <= 0:
                problems.append(_("%(node)s needs at least one attempt and positive timeouts.",
                                  node=label))
        if node.kind == "language":
            if not node.option_ids.filtered("language"):
                problems.append(_("%(node)s offers no language.", node=label))
        if node.kind == "queue" and not node.queue_id:
            problems.append(_("%(node)s has no queue.", node=label))
        if node.kind == "queue" and node.queue_id and node.queue_id.pbx_id != node.ivr_id.pbx_id:
            problems.append(_("%(node)s: queue “%(queue)s” is not on this flow's PBX.",
                              node=label, queue=node.queue_id.name))
        if node.kind == "agent" and not (node.agent_id.interface or node.extension):
            problems.append(_("%(node)s has neither an agent with a device nor an extension.",
                              node=label))
        if node.kind == "external" and not (node.external_number or "").strip():
            problems.append(_("%(node)s has no external number.", node=label))
        if node.kind == "voicemail" and not (node.voicemail_agent_id or node.voicemail_queue_id):
            problems.append(_("%(node)s has no mailbox: choose an agent or a queue.", node=label))
        if node.kind == "time" and not node.calendar_id:
            problems.append(_("%(node)s has no opening hours.", node=label))
        if node.kind == "http":
            if not re.match(r"^https?://[^\s/]+", node.url or ""):
                problems.append(_("%(node)s needs an http:// or https:// URL.", node=label))
            if not 0 < node.timeout <= MAX_HTTP_TIMEOUT:
                problems.append(_("%(node)s: the HTTP timeout must be more than 0 and at most %(max)s seconds.",
                                  node=label, max=int(MAX_HTTP_TIMEOUT)))
            bad = [name for name in node._callcenter_http_variables() if not VARIABLE_NAME.match(name)]
            if bad:
                problems.append(_("%(node)s: variable names may hold only letters, digits and _ "
                                  "(%(names)s).", node=label, names=", ".join(bad)))
        if node.kind in ("lookup", "queue", "sticky") and not 0 < node.lookup_timeout <= MAX_HTTP_TIMEOUT:
            problems.append(_("%(node)s: the lookup timeout must be more than 0 and at most %(max)s seconds.",
                              node=label, max=int(MAX_HTTP_TIMEOUT)))
        if node.kind == "play" and node.say_variable and not VARIABLE_NAME.match(node.say_variable):
            problems.append(_("%(node)s: “%(name)s” is not a variable name.", node=label,
                              name=node.say_variable))
        return problems

    def _callcenter_reachable(self):
        seen = self.env["callcenter.ivr.node"]
        todo = list(self.start_node_id)
        while todo:
            node = todo.pop()
            if node in seen:
                continue
            seen |= node
            todo += [target for _label, target in node._callcenter_edges() if target not in seen]
        return seen

    def _callcenter_spinning_loops(self):
        """Cycles in which no node waits for the caller or an agent (Tarjan's SCCs)."""
        spinning = self.node_ids.filtered(lambda n: n.kind not in WAITING_KINDS)
        graph = {node.id: [t.id for _l, t in node._callcenter_edges() if t in spinning]
                 for node in spinning}
        index, low, stack, on_stack, components = {}, {}, [], set(), []

        def visit(start):
            work = [(start, iter(graph[start]))]
            index[start] = low[start] = len(index)
            stack.append(start)
            on_stack.add(start)
            while work:
                vertex, successors = work[-1]
                advanced = False
                for successor in successors:
                    if successor not in index:
                        index[successor] = low[successor] = len(index)
                        stack.append(successor)
                        on_stack.add(successor)
                        work.append((successor, iter(graph[successor])))
                        advanced = True
                        break
                    if successor in on_stack:
                        low[vertex] = min(low[vertex], index[successor])
                if advanced:
                    continue
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[vertex])
                if low[vertex] == index[vertex]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == vertex:
                            break
                    if len(component) > 1 or vertex in graph[vertex]:
                        components.append(component)

        for vertex in graph:
            if vertex not in index:
                visit(vertex)
        Node = self.env["callcenter.ivr.node"]
        return [_("Nodes %(nodes)s form a loop that never waits for the caller.",
                  nodes=", ".join(f"“{name}”" for name in Node.browse(sorted(c)).mapped("name")))
                for c in components]

    def action_check(self):
        self.ensure_one()
        problems = self._callcenter_problems()
        self.check_message = "\n".join(problems) or False
        return {
            "type": "ir.actions.client", "tag": "display_notification",
            "params": {
                "type": "warning" if problems else "success",
                "title": _("Problems found: %(count)s", count=len(problems)) if problems else _("No problems"),
                "message": "\n".join(problems) or _("The flow can be published."),
                "sticky": bool(problems),
            },
        }

    # ------------------------------------------------------------ publishing

    def action_publish(self):
        for version in self:
            if version.state != "draft":
                raise UserError(_("Only a draft can be published."))
            problems = version._callcenter_problems()
            if problems:
                version.check_message = "\n".join(problems)
                raise UserError(_("“%(flow)s” cannot be published:\n%(problems)s",
                                  flow=version.ivr_id.name,
                                  problems="\n".join("• " + p for p in problems)))
            definition = json.dumps(version._callcenter_compile(), ensure_ascii=False,
                                    separators=(",", ":"))
            previous = version.ivr_id.version_ids.filtered(lambda v: v.state == "published")
            previous.write({"state": "retired"})
            version.write({
                "state": "published", "definition": definition, "check_message": False,
                "published_date": fields.Datetime.now(), "published_uid": self.env.uid,
            })
            version.ivr_id.pbx_id._callcenter_ivr_notify_connector()
        return True

    def action_new_draft(self):
        """A draft copy of this version, branches re-pointed at the copied nodes."""
        self.ensure_one()
        flow = self.ivr_id
        if flow.version_ids.filtered(lambda v: v.state == "draft"):
            raise UserError(_("“%(flow)s” already has a draft: edit it or delete it first.",
                              flow=flow.name))
        number = max(flow.version_ids.mapped("number")) + 1
        draft = self.with_context(callcenter_ivr_copy=True).copy({"number": number, "state": "draft"})
        draft.with_context(callcenter_ivr_copy=True)._callcenter_copy_nodes_from(self)
        return {"type": "ir.actions.act_window", "res_model": self._name, "res_id": draft.id,
                "view_mode": "form", "target": "current"}

    def _callcenter_copy_nodes_from(self, source):
        mapping = {}
        for node in source.node_ids:
            mapping[node] = node.copy({"version_id": self.id, "next_node_id": False,
                                       "failure_node_id": False, "vip_node_id": False,
                                       "blacklisted_node_id": False})
        for node, twin in mapping.items():
            twin.write({field: mapping[node[field]].id if node[field] else False
                        for field in ("next_node_id", "failure_node_id", "vip_node_id",
                                      "blacklisted_node_id")})
            twin_options = {option.key: option for option in twin.option_ids}
            for option in node.option_ids.filtered("target_node_id"):
                twin_options[option.key].target_node_id = mapping[option.target_node_id]
        self.start_node_id = mapping.get(source.start_node_id, False)

    # ------------------------------------------------------------ compiling

    def _callcenter_compile(self):
        self.ensure_one()
        flow = self.ivr_id
        return {
            "id": self.id, "ivr": flow.id, "name": flow.name, "start": str(self.start_node_id.id),
            "default_language": flow.default_language,
            "fallback_queue": flow.fallback_queue_id.asterisk_name,
            "nodes": {str(node.id): node._callcenter_compile() for node in self.node_ids},
        }

    def _callcenter_definition(self):
        self.ensure_one()
        return json.loads(self.definition or "{}")
