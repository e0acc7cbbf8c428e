# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.addons.base.models.res_partner import _tz_get
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL, ormcache

from ..tools import aapor
from ..tools.timezones import utc_now, window_open

CAMPAIGN_STATES = [("draft", "Draft"), ("published", "Published"), ("running", "Running"),
                   ("paused", "Paused"), ("closed", "Closed")]
DIAL_MODES = [("preview", "Preview"), ("progressive", "Progressive"), ("predictive", "Predictive")]
DIALER_MODES = ("progressive", "predictive")
STATE_SEQUENCE = {"running": 0, "paused": 1, "published": 2, "draft": 3, "closed": 4}
ABANDON_WINDOW_DAYS = 30
MIN_RING_SECONDS = 15


class CallcenterCatiCampaign(models.Model):
    _name = "callcenter.cati.campaign"
    _description = "CATI Campaign"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "state_sequence, date_start desc, id desc"

    name = fields.Char(required=True, tracking=True)
    active = fields.Boolean(default=True)
    color = fields.Integer()
    company_id = fields.Many2one("res.company", required=True, index=True,
                                 default=lambda self: self.env.company)
    state = fields.Selection(CAMPAIGN_STATES, default="draft", required=True, tracking=True,
                             copy=False, index=True)
    state_sequence = fields.Integer(compute="_compute_state_sequence", store=True)
    description = fields.Html(help="Briefing for the interviewers, shown in the console.")
    date_start = fields.Date(string="Start", default=fields.Date.context_today)
    date_end = fields.Date(string="End")
    survey_id = fields.Many2one(
        "survey.survey", string="Questionnaire", tracking=True,
        help="Answered by the interviewer during the call; each case keeps its own answers.")
    pbx_id = fields.Many2one("callcenter.pbx", string="PBX", check_company=True)
    agent_ids = fields.Many2many(
        "callcenter.agent", "callcenter_cati_campaign_agent_rel", "campaign_id", "agent_id",
        string="Interviewers", check_company=True)
    team_lead_ids = fields.Many2many(
        "res.users", "callcenter_cati_campaign_team_lead_rel", "campaign_id", "user_id",
        string="Team Leads", domain=lambda self: [
            ("groups_id", "in", self.env.ref("callcenter_base.group_callcenter_supervisor").id)])
    caller_id = fields.Char(
        string="Caller ID", help="Number shown to respondents, e.g. 4008001234.")
    dial_mode = fields.Selection(DIAL_MODES, required=True, default="preview", tracking=True)
    queue_id = fields.Many2one(
        "callcenter.queue", string="Dialer Queue", copy=False, check_company=True, readonly=True,
        help="Asterisk queue through which the dialer hands answered calls to the interviewers; "
        "created when a progressive or predictive campaign is published.")
    ring_seconds = fields.Integer(default=20, help="How long a dialed number may ring (at least 15 s).")
    connect_seconds = fields.Integer(
        default=2, help="How long an answered call may wait for a free interviewer before it "
        "hears the abandon message.")
    abandon_cap = fields.Float(
        string="Abandon Cap (%)", default=3.0,
        help="Highest share of live-answered calls, over the last 30 days, that may be "
        "abandoned; the predictive dialer stops dialing ahead before passing it.")
    max_dial_ratio = fields.Float(default=3.0, help="At most this many lines per free interviewer.")
    abandon_sound = fields.Char(default="cc-cati-abandon",
                                help="Sound file the PBX plays to an abandoned respondent.")
    tz = fields.Selection(_tz_get, string="Time Zone", required=True,
                          default=lambda self: self.env.user.tz or "Asia/Shanghai",
                          help="Respondents' zone when neither the sample nor the number tells.")
    tz_field_id = fields.Many2one(
        "callcenter.cati.field", string="Time Zone Field",
        domain="[('campaign_id', '=', id), ('field_type', '=', 'char')]",
        help="Sample field that holds each respondent's time zone (IANA name, e.g. Asia/Urumqi). "
        "Empty: from the number's country and area code.")
    window_ids = fields.One2many("callcenter.cati.window", "campaign_id", string="Calling Windows",
                                 copy=True)
    field_ids = fields.One2many("callcenter.cati.field", "campaign_id", string="Sample Fields",
                                copy=True)
    quota_ids = fields.One2many("callcenter.cati.quota", "campaign_id", string="Quotas", copy=True)
    case_ids = fields.One2many("callcenter.cati.case", "campaign_id")
    max_calls_per_case = fields.Integer(default=10, help="The case closes after this many calls.")
    max_attempts_per_number = fields.Integer(
        default=5, help="A number is not dialed again after this many attempts.")
    eligibility_estimate = fields.Float(
        string="Eligibility Estimate (e)", digits=(3, 3),
        help="Share of cases of unknown eligibility assumed eligible, for RR3, RR4, REF2 and "
        "CON2. Zero: estimated from the cases whose eligibility is known.")
    case_count = fields.Integer(compute="_compute_case_counts")
    open_case_count = fields.Integer(compute="_compute_case_counts")
    complete_count = fields.Integer(compute="_compute_case_counts")
    progress = fields.Float(compute="_compute_case_counts", help="Share of cases closed.")

    aapor_counts_html = fields.Html(string="Final Dispositions", compute="_compute_aapor",
                                    sanitize=False)
    aapor_rr1 = fields.Float(
        string="RR1", compute="_compute_aapor", digits=(5, 1),
        help="Response rate 1: completes / (interviews + eligible non-interviews + unknown eligibility).")
    aapor_rr2 = fields.Float(
        string="RR2", compute="_compute_aapor", digits=(5, 1),
        help="Response rate 2: completes and partials / (interviews + eligible non-interviews + unknown eligibility).")
    aapor_rr3 = fields.Float(
        string="RR3", compute="_compute_aapor", digits=(5, 1),
        help="Response rate 3: as RR1, counting only the estimated eligible share (e) of unknown cases.")
    aapor_rr4 = fields.Float(
        string="RR4", compute="_compute_aapor", digits=(5, 1),
        help="Response rate 4: as RR2, counting only the estimated eligible share (e) of unknown cases.")
    aapor_rr5 = fields.Float(
        string="RR5", compute="_compute_aapor", digits=(5, 1),
        help="Response rate 5: completes / (interviews + eligible non-interviews), unknown cases left out.")
    aapor_rr6 = fields.Float(
        string="RR6", compute="_compute_aapor", digits=(5, 1),
        help="Response rate 6: completes and partials / (interviews + eligible non-interviews).")
    aapor_coop1 = fields.Float(
        string="COOP1", compute="_compute_aapor", digits=(5, 1),
        help="Cooperation rate 1: completes / (interviews + refusals + other eligible).")
    aapor_coop2 = fields.Float(
        string="COOP2", compute="_compute_aapor", digits=(5, 1),
        help="Cooperation rate 2: completes and partials / (interviews + refusals + other eligible).")
    aapor_coop3 = fields.Float(
        string="COOP3", compute="_compute_aapor", digits=(5, 1),
        help="Cooperation rate 3: completes / (interviews + refusals).")
    aapor_coop4 = fields.Float(
        string="COOP4", compute="_compute_aapor", digits=(5, 1),
        help="Cooperation rate 4: completes and partials / (interviews + refusals).")
    aapor_ref1 = fields.Float(
        string="REF1", compute="_compute_aapor", digits=(5, 1),
        help="Refusal rate 1: refusals / (interviews + eligible non-interviews + unknown eligibility).")
    aapor_ref2 = fields.Float(
        string="REF2", compute="_compute_aapor", digits=(5, 1),
        help="Refusal rate 2: as REF1, counting only the estimated eligible share (e) of unknown cases.")
    aapor_ref3 = fields.Float(
        string="REF3", compute="_compute_aapor", digits=(5, 1),
        help="Refusal rate 3: refusals / (interviews + eligible non-interviews).")
    aapor_con1 = fields.Float(
        string="CON1", compute="_compute_aapor", digits=(5, 1),
        help="Contact rate 1: contacted cases / (interviews + eligible non-interviews + unknown eligibility).")
    aapor_con2 = fields.Float(
        string="CON2", compute="_compute_aapor", digits=(5, 1),
        help="Contact rate 2: as CON1, counting only the estimated eligible share (e) of unknown cases.")
    aapor_con3 = fields.Float(
        string="CON3", compute="_compute_aapor", digits=(5, 1),
        help="Contact rate 3: contacted cases / (interviews + eligible non-interviews).")

    _sql_constraints = [
        ("ring_seconds_min", f"CHECK(ring_seconds >= {MIN_RING_SECONDS})",
         "A dialed number must ring at least 15 seconds."),
        ("abandon_cap_range", "CHECK(abandon_cap >= 0 AND abandon_cap <= 100)",
         "The abandon cap is a percentage."),
        ("limits_positive", "CHECK(max_calls_per_case > 0 AND max_attempts_per_number > 0)",
         "Call limits must be positive."),
    ]

    @api.depends("state")
    def _compute_state_sequence(self):
        for campaign in self:
            campaign.state_sequence = STATE_SEQUENCE.get(campaign.state, 9)

    def _compute_case_counts(self):
        Case = self.env["callcenter.cati.case"]
        counts = {(campaign.id, state): count for campaign, state, count in Case._read_group(
            [("campaign_id", "in", self.ids)], ["campaign_id", "state"], ["__count"])}
        completes = dict(Case._read_group(
            [("campaign_id", "in", self.ids), ("disposition_id.is_complete", "=", True)],
            ["campaign_id"], ["__count"]))
        for campaign in self:
            total = sum(count for (cid, _state), count in counts.items() if cid == campaign.id)
            done = counts.get((campaign.id, "done"), 0)
            campaign.case_count = total
            campaign.open_case_count = total - done
            campaign.complete_count = completes.get(campaign, 0)
            campaign.progress = 100.0 * done / total if total else 0.0

    def _cati_aapor_counts(self):
        """Cases per AAPOR category, by campaign id; a case never called is 3.11
        (not attempted), of unknown eligibility (UH)."""
        counts = {campaign.id: dict.fromkeys(aapor.CATEGORIES, 0) for campaign in self}
        for campaign, category, count in self.env["callcenter.cati.case"]._read_group(
                [("campaign_id", "in", self.ids)], ["campaign_id", "aapor_category"], ["__count"]):
            counts[campaign.id][category or "UH"] += count
        return counts

    @api.depends("eligibility_estimate")
    def _compute_aapor(self):
        counts = self._cati_aapor_counts()
        labels = dict(self.env["callcenter.cati.disposition"]._fields["aapor_category"]
                      ._description_selection(self.env))
        for campaign in self:
            mine = counts[campaign.id]
            rates = aapor.rates(mine, campaign.eligibility_estimate or None)
            for name, value in rates.items():
                campaign[f"aapor_{name.lower()}"] = 100.0 * value
            campaign.aapor_counts_html = Markup(
                "<table class='table table-sm w-auto'>%s</table>") % Markup("").join(
                Markup("<tr><th class='pe-4'>%s</th><td class='text-end'>%s</td></tr>")
                % (labels[key], mine[key]) for key in aapor.CATEGORIES)

    @api.constrains("tz_field_id")
    def _check_tz_field(self):
        for campaign in self:
            if campaign.tz_field_id and campaign.tz_field_id.campaign_id != campaign:
                raise ValidationError(_("The time zone field must be one of the campaign's sample fields."))

    def copy_data(self, default=None):
        vals_list = super().copy_data(default=default)
        for campaign, vals in zip(self, vals_list):
            if "name" not in (default or {}):
                vals["name"] = _("%s (copy)", campaign.name)
        return vals_list

    # ------------------------------------------------------------
    # LIFECYCLE
    # ------------------------------------------------------------

    def _cati_publish_problems(self):
        self.ensure_one()
        problems = []
        if not self.survey_id:
            problems.append(_("Choose the questionnaire."))
        if not self.agent_ids:
            problems.append(_("Assign at least one interviewer."))
        if not self.window_ids:
            problems.append(_("Set the calling windows."))
        if self.dial_mode in DIALER_MODES:
            if not self.pbx_id:
                problems.append(_("Choose the PBX that dials this campaign."))
            missing = self.agent_ids.filtered(lambda agent: not agent.interface)
            if missing:
                problems.append(_("These interviewers have no phone device: %(names)s",
                                  names=", ".join(missing.mapped("name"))))
        return problems

    def action_publish(self):
        for campaign in self:
            if campaign.state != "draft":
                raise UserError(_("Only a draft campaign can be published."))
            problems = campaign._cati_publish_problems()
            if problems:
                raise UserError(_("%(campaign)s cannot be published yet:\n%(problems)s",
                                  campaign=campaign.name,
                                  problems="\n".join("• " + problem for problem in problems)))
            campaign._cati_sync_queue()
        self.write({"state": "published"})

    def action_start(self):
        for campaign in self:
            if campaign.state not in ("published", "paused"):
                raise UserError(_("Only a published or paused campaign can start."))
            campaign._cati_sync_queue()
        self.write({"state": "running"})
        self._cati_notify_dialer()

    def action_pause(self):
        if any(campaign.state != "running" for campaign in self):
            raise UserError(_("Only a running campaign can be paused."))
        self.write({"state": "paused"})
        self._cati_notify_dialer()

    def action_close(self):
        self.write({"state": "closed"})
        self.env["callcenter.cati.case"].search([
            ("campaign_id", "in", self.ids), ("state", "=", "locked")])._cati_release()
        self._cati_notify_dialer()

    def action_reset_to_draft(self):
        if any(campaign.state not in ("published", "paused") for campaign in self):
            raise UserError(_("Only a published or paused campaign goes back to draft."))
        self.write({"state": "draft"})
        self._cati_notify_dialer()

    def write(self, vals):
        result = super().write(vals)
        if "agent_ids" in vals:
            self.filtered("queue_id")._cati_sync_queue()
        if {"dial_mode", "caller_id", "ring_seconds", "connect_seconds", "abandon_cap",
                "max_dial_ratio", "abandon_sound"} & set(vals):
            self.filtered(lambda c: c.state == "running")._cati_notify_dialer()
        return result

    def _cati_sync_queue(self):
        """The dialer's queue holds exactly the campaign's interviewers."""
        for campaign in self.filtered(lambda c: c.dial_mode in DIALER_MODES and c.pbx_id):
            # sudo: queues are configured by managers; the campaign's own queue follows
            # the campaign, which its team lead may edit.
            Queue = self.env["callcenter.queue"].sudo()
            queue = campaign.queue_id.sudo()
            if not queue:
                queue = Queue.create({
                    "name": _("Campaign: %s", campaign.name),
                    "asterisk_name": f"cati-{campaign.id}",
                    "pbx_id": campaign.pbx_id.id,
                    "company_id": campaign.company_id.id,
                    "strategy": "rrmemory",
                    "team_lead_ids": [(6, 0, campaign.team_lead_ids.ids)],
                })
                campaign.sudo().queue_id = queue
            current = queue.member_ids.agent_id
            queue.member_ids.filtered(lambda m: m.agent_id not in campaign.agent_ids).unlink()
            queue.write({"member_ids": [(0, 0, {"agent_id": agent.id})
                                        for agent in campaign.agent_ids - current]})

    def _cati_notify_dialer(self):
        pbxs = self.filtered(lambda c: c.dial_mode in DIALER_MODES).pbx_id
        if pbxs:
            pbxs._callcenter_command_after_commit("cati_refresh")

    # ------------------------------------------------------------
    # SCHEDULING
    # ------------------------------------------------------------

    def _cati_open_zones(self, now=None):
        """The zones of the campaign's cases in which it is calling time `now`."""
        windows, zones = self._cati_schedule()
        now = now or utc_now()
        return [zone for zone in zones if window_open(windows, zone, now)]

    @ormcache("self.id")
    def _cati_schedule(self):
        """(calling windows, case zones) of the campaign, for the scheduler.

        Which zones are open is decided before the scheduler locks cases, and
        it reads nothing before it does (`callcenter.cati.case._cati_pick`), so
        both are cached: windows written clear the cache, and so do cases of a
        zone the campaign had no case in (`_cati_note_zones`).
        """
        self.env["callcenter.cati.case"].flush_model(["campaign_id", "tz"])
        self.env["callcenter.cati.window"].flush_model()
        self.env.cr.execute(SQL("SELECT %s, %s", self._cati_windows_sql(), self._cati_zones_sql()))
        windows, zones = self.env.cr.fetchone()
        return tuple((int(day), start, end) for day, start, end in windows), tuple(zones)

    def _cati_note_zones(self, zones):
        """Clear the scheduler's cache when `zones` holds a zone new to the campaign."""
        self.ensure_one()
        if not set(zones) <= set(self._cati_schedule()[1]):
            self.env.registry.clear_cache()

    def _cati_windows_sql(self):
        """The campaign's calling windows as an array of [weekday, from, to]."""
        self.ensure_one()
        return SQL("ARRAY(SELECT ARRAY[weekday::float8, hour_from, hour_to] "
                   "FROM callcenter_cati_window WHERE campaign_id = %s "
                   "ORDER BY weekday, hour_from, hour_to)", self.id)

    def _cati_zones_sql(self):
        """Distinct time zones of the campaign's cases as an array: a skip scan of the
        (campaign_id, tz) index, a few index probes however large the sample."""
        self.ensure_one()
        return SQL("""ARRAY(
            WITH RECURSIVE zones(tz) AS (
                (SELECT tz FROM callcenter_cati_case WHERE campaign_id = %(campaign)s
                  ORDER BY tz LIMIT 1)
                UNION ALL
                SELECT (SELECT tz FROM callcenter_cati_case
                         WHERE campaign_id = %(campaign)s AND tz > zones.tz ORDER BY tz LIMIT 1)
                  FROM zones WHERE zones.tz IS NOT NULL
            )
            SELECT tz FROM zones WHERE tz IS NOT NULL
        )""", campaign=self.id)

    def _cati_abandon_counts(self, now=None):
        """(abandoned, live-answered) dialer calls of the last 30 days, per campaign id."""
        if not self:
            return {}
        since = (now or fields.Datetime.now()) - timedelta(days=ABANDON_WINDOW_DAYS)
        rows = self.env["callcenter.cati.attempt"].sudo()._read_group(
            [("campaign_id", "in", self.ids), ("dialed_at", ">=", since),
             ("result", "in", ("connected", "abandoned"))],
            ["campaign_id", "result"], ["__count"])
        counts = {campaign.id: [0, 0] for campaign in self}
        for campaign, result, count in rows:
            counts[campaign.id][1] += count
            if result == "abandoned":
                counts[campaign.id][0] += count
        return {cid: tuple(pair) for cid, pair in counts.items()}

    # ------------------------------------------------------------
    # VIEWS
    # ------------------------------------------------------------

    def action_view_cases(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "callcenter_cati.callcenter_cati_case_action")
        action["domain"] = [("campaign_id", "=", self.id)]
        action["context"] = {"default_campaign_id": self.id}
        return action

    def action_view_attempts(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "callcenter_cati.callcenter_cati_attempt_action")
        action["domain"] = [("campaign_id", "=", self.id)]
        return action

    def action_refresh_quota_priorities(self):
        self.quota_ids._cati_refresh_priorities()
