# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import datetime, time, timedelta

import pytz

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from odoo.addons.base.models.res_partner import _tz_get
from odoo.addons.callcenter_base.tools.phone import normalize_number

CALLBACK_STATES = [
    ("requested", "Requested"),
    ("scheduled", "Scheduled"),
    ("done", "Done"),
    ("cancelled", "Cancelled"),
]
CALLBACK_SOURCES = [("portal", "Portal"), ("agent", "Agent")]
# Allowed moves; "scheduled" back to "requested" is an agent releasing a callback it took.
CALLBACK_STATE_TRANSITIONS = {
    "requested": {"scheduled", "done", "cancelled"},
    "scheduled": {"requested", "done", "cancelled"},
    "done": set(),
    "cancelled": set(),
}
OPEN_CALLBACK_STATES = ("requested", "scheduled")
# How far ahead a customer may book.
MAX_DAYS_AHEAD = 60
NOTE_MAX_LENGTH = 1000


class CallcenterCallback(models.Model):
    _name = "callcenter.callback"
    _description = "Callback Request"
    _inherit = ["mail.thread"]
    _order = "preferred_start, id"
    _rec_name = "partner_id"
    _check_company_auto = True

    # ------------------------------------------------------------
    # FIELDS
    # ------------------------------------------------------------

    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    partner_id = fields.Many2one(
        "res.partner", string="Contact", required=True, index=True, tracking=True
    )
    commercial_partner_id = fields.Many2one(
        related="partner_id.commercial_partner_id", store=True, index=True
    )
    phone = fields.Char(
        string="Number", required=True, tracking=True,
        compute="_compute_phone", store=True, readonly=False, precompute=True,
    )
    phone_key = fields.Char(
        compute="_compute_phone_key", store=True, index=True,
        help="The number in the suite's canonical form, as calls and contacts store it.",
    )
    queue_id = fields.Many2one(
        "callcenter.queue", required=True, index=True, check_company=True, tracking=True
    )
    tz = fields.Selection(
        _tz_get, string="Time Zone", required=True,
        compute="_compute_tz", store=True, readonly=False, precompute=True,
        help="The customer's time zone: the preferred window is in it.",
    )
    preferred_date = fields.Date(required=True, default=fields.Date.context_today)
    window_from = fields.Float(
        string="From", required=True, default=9.0, help="Hour of day, in the customer's time zone."
    )
    window_to = fields.Float(
        string="To", required=True, default=11.0, help="Hour of day, in the customer's time zone."
    )
    preferred_start = fields.Datetime(
        compute="_compute_preferred_window", store=True, index=True, string="Window Start"
    )
    preferred_end = fields.Datetime(
        compute="_compute_preferred_window", store=True, string="Window End"
    )
    note = fields.Text()
    state = fields.Selection(
        CALLBACK_STATES, required=True, default="requested", index=True, tracking=True
    )
    source = fields.Selection(CALLBACK_SOURCES, required=True, default="agent", readonly=True)
    agent_id = fields.Many2one("callcenter.agent", index=True, check_company=True, tracking=True)
    user_id = fields.Many2one(
        related="agent_id.user_id", store=True, index=True, string="Agent User"
    )
    call_id = fields.Many2one("callcenter.call", string="Last Call", index=True, readonly=True)
    call_count = fields.Integer(compute="_compute_call_count")
    is_due = fields.Boolean(
        compute="_compute_is_due", search="_search_is_due",
        help="Open and its window has started.",
    )

    @api.depends("partner_id")
    def _compute_phone(self):
        for callback in self:
            if not callback.phone and callback.partner_id:
                callback.phone = callback.partner_id.mobile or callback.partner_id.phone or False

    @api.depends("phone", "partner_id.country_id", "company_id")
    def _compute_phone_key(self):
        default_region = self.env["callcenter.pbx"]._callcenter_default_region()
        for callback in self:
            region = callback.partner_id.country_id.code or default_region
            callback.phone_key = normalize_number(callback.phone, region) or False

    @api.depends("partner_id")
    def _compute_tz(self):
        for callback in self:
            if not callback.tz:
                callback.tz = (callback.partner_id.tz or self.env.user.tz
                               or self.env.company.partner_id.tz or "UTC")

    @api.depends("preferred_date", "window_from", "window_to", "tz")
    def _compute_preferred_window(self):
        for callback in self:
            if not callback.preferred_date:
                callback.preferred_start = callback.preferred_end = False
                continue
            callback.preferred_start = callback._callcenter_to_utc(callback.window_from)
            callback.preferred_end = callback._callcenter_to_utc(callback.window_to)

    def _compute_call_count(self):
        counts = dict(self.env["callcenter.call"]._read_group(
            [("res_model", "=", self._name), ("res_id", "in", self.ids)], ["res_id"], ["__count"]
        ))
        for callback in self:
            callback.call_count = counts.get(callback.id, 0)

    def _compute_is_due(self):
        now = fields.Datetime.now()
        for callback in self:
            callback.is_due = (callback.state in OPEN_CALLBACK_STATES
                               and bool(callback.preferred_start)
                               and callback.preferred_start <= now)

    def _search_is_due(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(_("Unsupported search on due callbacks."))
        due = [("state", "in", OPEN_CALLBACK_STATES),
               ("preferred_start", "<=", fields.Datetime.now())]
        return due if (operator == "=") == value else ["!", "&", *due]

    @api.constrains("phone", "phone_key")
    def _check_phone(self):
        for callback in self:
            if callback.phone and not callback.phone_key:
                raise ValidationError(
                    _("%(number)s is not a phone number.", number=callback.phone))

    @api.constrains("window_from", "window_to")
    def _check_window(self):
        for callback in self:
            if not (0 <= callback.window_from < 24 and 0 < callback.window_to <= 24):
                raise ValidationError(_("The time window must lie within one day (00:00 to 24:00)."))
            if callback.window_from >= callback.window_to:
                raise ValidationError(
                    _("The end of the time window must come after its start."))

    # ------------------------------------------------------------
    # ORM
    # ------------------------------------------------------------

    @api.depends("partner_id", "preferred_date", "window_from", "window_to")
    def _compute_display_name(self):
        for callback in self:
            if not callback.preferred_date:
                callback.display_name = callback.partner_id.display_name or _("New callback")
                continue
            callback.display_name = _(
                "%(partner)s · %(date)s %(start)s–%(end)s",
                partner=callback.partner_id.display_name or "",
                date=fields.Date.to_string(callback.preferred_date),
                start=_format_hour(callback.window_from), end=_format_hour(callback.window_to),
            )

    def write(self, vals):
        if "state" in vals:
            for callback in self:
                callback._callcenter_check_transition(vals["state"])
        return super().write(vals)

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def action_take(self):
        """The current agent takes the callbacks: they are theirs to dial."""
        agent = self.env["callcenter.agent"]._callcenter_current_agent()
        for callback in self:
            if callback.state not in OPEN_CALLBACK_STATES:
                raise UserError(_("Only open callbacks can be taken."))
            if callback.agent_id and callback.agent_id != agent and callback.state == "scheduled":
                raise UserError(_("%(agent)s already took this callback.",
                                  agent=callback.agent_id.name))
        self.write({"agent_id": agent.id, "state": "scheduled"})
        return True

    def action_release(self):
        """Give the callbacks back to their queues."""
        self.filtered(lambda c: c.state == "scheduled").write(
            {"agent_id": False, "state": "requested"})
        return True

    def action_dial(self):
        """Ring the agent's phone, then the customer; the call is linked to the callback."""
        self.ensure_one()
        if self.state not in OPEN_CALLBACK_STATES:
            raise UserError(_("This callback is closed: there is nobody to call back."))
        agent = self.env["callcenter.agent"]._callcenter_current_agent()
        if self.agent_id != agent or self.state != "scheduled":
            self.action_take()
        answer = self.env["callcenter.call"]._callcenter_dial(
            self.phone, res_model=self._name, res_id=self.id)
        if answer.get("id"):
            self.call_id = answer["id"]
        if answer.get("error"):
            return _notification(answer["error"], "danger")
        return _notification(_("Calling %(number)s…", number=self.phone), "info")

    def action_done(self):
        self.write({"state": "done"})
        return True

    def action_cancel(self):
        self.write({"state": "cancelled"})
        return True

    def action_view_calls(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("callcenter_base.callcenter_call_action")
        action["domain"] = [("res_model", "=", self._name), ("res_id", "=", self.id)]
        action["context"] = {}
        return action

    # ------------------------------------------------------------
    # BUSINESS
    # ------------------------------------------------------------

    def _callcenter_check_transition(self, new_state):
        if new_state != self.state and new_state not in CALLBACK_STATE_TRANSITIONS[self.state]:
            states = dict(self._fields["state"]._description_selection(self.env))
            raise UserError(_("A callback cannot go from %(old)s to %(new)s.",
                              old=states[self.state], new=states[new_state]))

    @api.model
    def _callcenter_portal_queues(self, company=None):
        """Queues a customer may ask to be called back by: those offered on the portal."""
        company = company or self.env.company
        # sudo: portal users have no access to queues; they only see the offered ones' names.
        return self.env["callcenter.queue"].sudo().search([
            ("callcenter_portal_offered", "=", True),
            ("company_id", "=", company.id),
        ])

    @api.model
    def _callcenter_portal_domain(self, partner, companies=None):
        """Callbacks a portal contact may see: those of its commercial entity (a
        company's contacts see each other's), in the user's companies.

        Portal users have no access rights on callbacks (they would read the agent's
        notes, the agent, the call…): the portal searches with sudo under this domain
        and shows `_callcenter_portal_rows()` only.
        """
        domain = [("partner_id", "child_of", partner.commercial_partner_id.id)]
        if companies is not None:
            domain.append(("company_id", "in", companies.ids))
        return domain

    def _callcenter_portal_rows(self):
        """What a customer sees of their callbacks: plain values, nothing else."""
        states = dict(self._fields["state"]._description_selection(self.env))
        return [{
            "id": callback.id,
            "preferred_date": callback.preferred_date,
            "window": f"{_format_hour(callback.window_from)}–{_format_hour(callback.window_to)}",
            "phone": callback.phone or "",
            "queue": callback.queue_id.name or "",
            "state": callback.state,
            "state_label": states.get(callback.state, ""),
        } for callback in self]

    @api.model
    def _callcenter_portal_request(self, partner, values):
        """Create a callback requested by `partner` on the portal.

        `values` are the form's raw strings (phone, queue_id, preferred_date,
        window_from, window_to as HH:MM, note). Returns (callback, errors): the
        callback is empty and `errors` maps each wrong field to its message when
        the request is refused, so the form can show them beside the fields.
        """
        errors = {}
        company = partner.company_id or self.env.company
        phone = (values.get("phone") or "").strip()
        region = partner.country_id.code or self.env["callcenter.pbx"]._callcenter_default_region()
        normalized = normalize_number(phone, region) if phone else False
        if not phone:
            errors["phone"] = _("Please give the number we should call.")
        elif not normalized or len(normalized) < 7:
            errors["phone"] = _("%(number)s is not a phone number.", number=phone)
        queues = self._callcenter_portal_queues(company)
        queue = queues.filtered(lambda q: str(q.id) == str(values.get("queue_id") or ""))
        if len(queues) == 1 and not values.get("queue_id"):
            queue = queues
        if not queue:
            errors["queue_id"] = _("Please choose what your call is about.")
        tz_name = partner.tz or company.partner_id.tz or "UTC"
        today = datetime.now(pytz.timezone(tz_name)).date()
        try:
            preferred_date = fields.Date.to_date(values.get("preferred_date") or "")
        except ValueError:
            preferred_date = None
        if not preferred_date:
            errors["preferred_date"] = _("Please choose a day.")
        elif preferred_date < today:
            errors["preferred_date"] = _("Please choose today or a later day.")
        elif preferred_date > today + timedelta(days=MAX_DAYS_AHEAD):
            errors["preferred_date"] = _("Please choose a day within %(days)s days.",
                                         days=MAX_DAYS_AHEAD)
        window_from = _parse_hour(values.get("window_from"))
        window_to = _parse_hour(values.get("window_to"))
        if window_from is None:
            errors["window_from"] = _("Please give a time such as 09:30.")
        if window_to is None:
            errors["window_to"] = _("Please give a time such as 11:00.")
        elif window_from is not None and window_to <= window_from:
            errors["window_to"] = _("The end of the time window must come after its start.")
        elif (window_from is not None and preferred_date == today
              and window_to <= _hour_of(datetime.now(pytz.timezone(tz_name)))):
            errors["window_to"] = _("This time window is already over: please choose a later one.")
        note = (values.get("note") or "").strip()
        if len(note) > NOTE_MAX_LENGTH:
            errors["note"] = _("Please keep the note under %(count)s characters.",
                               count=NOTE_MAX_LENGTH)
        if errors:
            return self.browse(), errors
        # sudo: portal users may not create callbacks themselves; every value was
        # checked above and the callback is bound to the requesting partner.
        callback = self.sudo().create({
            "partner_id": partner.id,
            "company_id": queue.company_id.id,
            "phone": phone,
            "queue_id": queue.id,
            "tz": tz_name,
            "preferred_date": preferred_date,
            "window_from": window_from,
            "window_to": window_to,
            "note": note or False,
            "source": "portal",
        })
        return callback.sudo(False), {}

    def _callcenter_to_utc(self, hour):
        """The naive UTC datetime of `hour` (float) on the preferred day in the callback's zone."""
        self.ensure_one()
        zone = pytz.timezone(self.tz or "UTC")
        day = fields.Date.to_date(self.preferred_date)
        local = zone.localize(datetime.combine(day, time()) + timedelta(hours=hour))
        return local.astimezone(pytz.utc).replace(tzinfo=None)


# ------------------------------------------------------------
# TOOLS
# ------------------------------------------------------------

def _format_hour(value):
    hours, minutes = divmod(round((value or 0.0) * 60), 60)
    return f"{hours:02d}:{minutes:02d}"


def _parse_hour(text):
    """`HH:MM` (or `HH`) as a float hour, or None when it is not a time of day."""
    text = (text or "").strip()
    if not text:
        return None
    hours, _sep, minutes = text.partition(":")
    try:
        hours, minutes = int(hours), int(minutes or 0)
    except ValueError:
        return None
    if not (0 <= hours <= 24 and 0 <= minutes < 60) or (hours == 24 and minutes):
        return None
    return hours + minutes / 60.0


def _hour_of(moment):
    return moment.hour + moment.minute / 60.0


def _notification(message, kind):
    return {
        "type": "ir.actions.client",
        "tag": "display_notification",
        "params": {
            "message": message,
            "type": kind,
            "sticky": False,
            "next": {"type": "ir.actions.client", "tag": "soft_reload"},
        },
    }
