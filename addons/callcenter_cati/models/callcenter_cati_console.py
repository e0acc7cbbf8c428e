# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import datetime, time

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

from ..tools.timezones import is_zone, local_time, to_utc, utc_now
from .callcenter_cati_campaign import DIALER_MODES
from .callcenter_cati_case import CALLABLE_STATES

LIVE_CALL_STATES = ("ringing", "queued", "answered")
CALLBACK_FORMAT = "%Y-%m-%d %H:%M"
HISTORY_LIMIT = 20


class CallcenterCatiConsole(models.AbstractModel):
    """The interviewer console's RPC surface.

    The console is a client action, not a record view: these methods gather what
    it shows in one round trip and guard every change with the same two checks
    (the user interviews on the campaign, and holds the case) before handing over
    to the case's own business methods.
    """

    _name = "callcenter.cati.console"
    _description = "CATI Interviewer Console"

    # ------------------------------------------------------------
    # CONSOLE (RPC)
    # ------------------------------------------------------------

    @api.model
    def cati_console_state(self, campaign_id=None):
        """Everything the console shows when it opens or switches campaign."""
        agent = self.env["callcenter.agent"].search([("user_id", "=", self.env.uid)], limit=1)
        if not agent:
            return {"agent": False, "campaigns": [], "campaign_id": False, "case": False,
                    "dispositions": [], "pause_reasons": [], "stats": False}
        campaigns = self.env["callcenter.cati.campaign"].search([
            ("agent_ids", "in", agent.ids), ("state", "=", "running")])
        held = self._cati_held_case(agent)
        if held:
            campaign = held.campaign_id
            campaigns |= campaign
        else:
            campaign = campaigns.filtered(lambda c: c.id == campaign_id)[:1] or campaigns[:1]
        return {
            "agent": agent._callcenter_agent_payload(),
            "pause_reasons": [{"id": reason.id, "name": reason.name}
                              for reason in self.env["callcenter.pause.reason"].search([])],
            "campaigns": [self._cati_campaign_payload(c) for c in campaigns],
            "campaign_id": campaign.id or False,
            "case": self._cati_case_payload(held) if held else False,
            "dispositions": self._cati_dispositions_payload(),
            "stats": self._cati_stats(agent, campaign),
        }

    @api.model
    def cati_next_case(self, campaign_id):
        """The case the interviewer holds, else the next one the scheduler gives them.

        Dialer campaigns pick for the interviewers: their cases arrive with the
        connected call (`callcenter.cati/case`), so nothing is picked here.
        """
        agent = self._cati_agent()
        campaign = self.env["callcenter.cati.campaign"].browse(int(campaign_id))
        self._cati_check_interviewer(campaign, agent)
        held = self._cati_held_case(agent)
        if held:
            return {"case": self._cati_case_payload(held)}
        if campaign.state != "running":
            return {"case": False, "reason": "not_running",
                    "message": _("%(campaign)s is not running.", campaign=campaign.name)}
        if campaign.dial_mode in DIALER_MODES:
            return {"case": False, "reason": "dialer",
                    "message": _("The dialer calls for you: stay ready, and the next "
                                 "respondent who answers is put through to you.")}
        case = self.env["callcenter.cati.case"]._cati_pick(campaign, agent)
        if case:
            return {"case": self._cati_case_payload(case)}
        return {"case": False, **self._cati_nothing_to_call(campaign)}

    @api.model
    def cati_case(self, case_id):
        """The held case again, e.g. when the dialer puts a respondent through."""
        agent = self._cati_agent()
        return self._cati_case_payload(self._cati_console_case(case_id, agent))

    @api.model
    def cati_save_case_data(self, case_id, values):
        """Corrections of the sample data, typed by the campaign's field definitions."""
        agent = self._cati_agent()
        case = self._cati_console_case(case_id, agent)
        campaign = case.campaign_id
        definitions = {field.key: field for field in campaign.field_ids}
        data = dict(case.data or {})
        problems = []
        for key, raw in (values or {}).items():
            field = definitions.get(key)
            if not field or not field.editable:
                raise AccessError(_("%(field)s cannot be changed in the console.",
                                    field=field.name if field else key))
            try:
                data[key] = field._cati_parse(raw)
            except ValueError as exc:
                problems.append(str(exc))
        if problems:
            raise UserError("\n".join(problems))
        vals = {"data": data}
        zone_key = campaign.tz_field_id.key
        if zone_key and zone_key in (values or {}) and data.get(zone_key):
            if not is_zone(data[zone_key]):
                raise UserError(_("%(zone)s is not a time zone, e.g. Asia/Urumqi.",
                                  zone=data[zone_key]))
            vals["tz"] = data[zone_key]
        case.write(vals)
        return self._cati_case_payload(case)

    @api.model
    def cati_dial(self, case_id, number_id):
        """Preview dialing of one of the case's numbers, the first or another one."""
        agent = self._cati_agent()
        case = self._cati_console_case(case_id, agent)
        if not self._cati_close_unanswered(case, agent):
            return {"error": _("%(case)s is closed: it has no number left to call or has "
                               "reached its call limit.", case=case.display_name),
                    "case_closed": True}
        answer = case.action_cati_dial(int(number_id))
        return {**answer, "case": self._cati_case_payload(case)}

    @api.model
    def cati_set_disposition(self, case_id, disposition_id, note=False, callback_local=False,
                             callback_mine=False):
        """The interviewer's outcome of the case's current call; gives the case back.

        `callback_local` is a naive "YYYY-MM-DD HH:MM" in the respondent's zone, as
        the respondent said it; `callback_mine` keeps the appointment for this
        interviewer instead of anyone of the campaign.
        """
        agent = self._cati_agent()
        case = self._cati_console_case(case_id, agent)
        disposition = self.env["callcenter.cati.disposition"].browse(int(disposition_id)).exists()
        if not disposition or not disposition.active:
            raise UserError(_("This outcome is no longer offered: reload the console."))
        callback_at = self._cati_callback_utc(case, callback_local) \
            if disposition.is_appointment else False
        attempt = self._cati_open_attempts(case)[:1]
        # sudo: interviewers only read calls, numbers and quotas; the outcome closes
        # their own call of a case they hold (both checked above).
        if not attempt:
            attempt = case.sudo()._cati_start_attempt(False, agent, mode="preview")
        case.sudo()._cati_apply_outcome(
            attempt.sudo(), disposition, note=note or False, callback_at=callback_at,
            callback_agent=agent if callback_mine and callback_at else False)
        given = attempt.sudo().disposition_id
        screened_out = disposition.is_complete and given != disposition
        if screened_out:
            message = _("The quota cell of this respondent is already full: the interview "
                        "is recorded as %(outcome)s.", outcome=given.name)
        elif callback_at:
            message = _("Callback set for %(when)s, the respondent's time.",
                        when=local_time(case.tz, callback_at).strftime(CALLBACK_FORMAT))
        else:
            message = _("Recorded as %(outcome)s.", outcome=given.name)
        return {
            "case_state": case.state,
            "case_state_label": dict(case._fields["state"]._description_selection(self.env))
            [case.state],
            "disposition": given.display_name,
            "screened_out": screened_out,
            "message": message,
            "stats": self._cati_stats(agent, case.campaign_id),
        }

    @api.model
    def cati_set_ready(self, ready, pause_reason_id=False):
        """Ready for the next respondent, or paused with a reason, as in the systray."""
        return self.env["callcenter.agent"].action_callcenter_set_my_state(
            "available" if ready else "paused", pause_reason_id or False)

    @api.model
    def cati_release_case(self, case_id):
        """Give an untouched case back to the scheduler."""
        agent = self._cati_agent()
        case = self._cati_console_case(case_id, agent)
        if self._cati_open_attempts(case):
            raise UserError(_("You called this respondent: give the call's outcome instead."))
        case._cati_release()
        return True

    @api.model
    def cati_survey_state(self, case_id):
        """Whether the questionnaire is finished, to suggest the complete outcome."""
        agent = self._cati_agent()
        case = self._cati_console_case(case_id, agent)
        # sudo: interviewers have no survey rights; the answers are those of their case.
        return {"state": case.sudo().user_input_id.state or False}

    # ------------------------------------------------------------
    # BUSINESS
    # ------------------------------------------------------------

    def _cati_agent(self):
        return self.env["callcenter.agent"]._callcenter_current_agent()

    def _cati_check_interviewer(self, campaign, agent):
        # sudo: reads only the membership that decides access, for every role alike.
        if not campaign.exists() or agent not in campaign.sudo().agent_ids:
            raise AccessError(_("You are not an interviewer of this campaign."))

    def _cati_console_case(self, case_id, agent):
        case = self.env["callcenter.cati.case"].browse(int(case_id)).exists()
        if not case:
            raise UserError(_("This case no longer exists."))
        # sudo: the campaign is read only to check that the user interviews on it.
        self._cati_check_interviewer(case.sudo().campaign_id, agent)
        case._cati_check_holder(agent)
        return case

    def _cati_held_case(self, agent):
        return self.env["callcenter.cati.case"].search([
            ("state", "=", "locked"), ("locked_agent_id", "=", agent.id)],
            order="locked_at desc, id desc", limit=1)

    @api.model
    def _cati_may_answer(self, answer):
        """The current user may fill `answer` (a sudo survey.user_input reached by
        its token): it is the answers of a case they hold right now."""
        # sudo: the answers were reached by their access token; only the case's
        # holder is read, to compare with the current user.
        case = answer.sudo().cati_case_id
        return bool(case and case.state == "locked" and not self.env.user._is_public()
                    and case.locked_agent_id.user_id == self.env.user)

    def _cati_open_attempts(self, case):
        """Calls of the case still waiting for an outcome, newest first; a dial the
        PBX refused never took place and waits for nothing."""
        return case.attempt_ids.filtered(
            lambda a: not a.disposition_id and a.result != "failed"
        ).sorted(lambda a: (a.dialed_at or datetime.min, a.id), reverse=True)

    def _cati_close_unanswered(self, case, agent):
        """Before another dial of the same case, the previous call that nobody
        answered counts as a no-answer of its number; an answered one needs the
        interviewer's outcome. Returns False when that closed the case."""
        for attempt in self._cati_open_attempts(case):
            call = attempt.call_id
            if call.state in LIVE_CALL_STATES:
                raise UserError(_("Hang up the current call before dialing again."))
            if call.answered_at or attempt.connected_at:
                raise UserError(_("Someone answered the last call: give its outcome first."))
            no_answer = self.env["callcenter.cati.disposition"]._cati_for_dialer_result("no_answer")
            # sudo: as in cati_set_disposition, the interviewer's own call of their case.
            attempt.sudo().result = "no_answer"
            case.sudo()._cati_apply_outcome(attempt.sudo(), no_answer)
            if case.state == "done":
                return False
            case.write({"state": "locked", "locked_agent_id": agent.id,
                        "locked_at": fields.Datetime.now()})
        return True

    def _cati_callback_utc(self, case, callback_local):
        try:
            local = datetime.strptime((callback_local or "").strip(), CALLBACK_FORMAT)
        except ValueError:
            raise UserError(_("Give the callback date and time as the respondent said it, "
                              "e.g. 2026-11-02 18:30.")) from None
        when = case._cati_local_to_utc(local)
        if when <= fields.Datetime.now():
            raise UserError(_("This callback time has passed in the respondent's zone "
                              "(%(zone)s): choose a later time.", zone=case.tz))
        return when

    def _cati_nothing_to_call(self, campaign):
        """Why the scheduler has nothing for the interviewer now."""
        now = utc_now()
        Case = self.env["callcenter.cati.case"]
        callable_domain = [("campaign_id", "=", campaign.id), ("state", "in", CALLABLE_STATES)]
        if not Case.search_count(callable_domain, limit=1):
            return {"reason": "finished", "next_call": False,
                    "message": _("Every case of this campaign is closed or being called.")}
        if not campaign._cati_open_zones(now):
            return {"reason": "windows_closed", "next_call": False,
                    "message": _("It is outside the calling hours of every respondent.")}
        waiting = Case.search(callable_domain + [("next_call", ">", now)],
                              order="next_call", limit=1)
        return {
            "reason": "no_case",
            "next_call": fields.Datetime.to_string(waiting.next_call) if waiting else False,
            "message": _("No case can be called now: the others wait for their retry delay "
                         "or their appointment."),
        }

    def _cati_today_start(self):
        """Midnight of the interviewer's day, in UTC."""
        zone = self.env.context.get("tz") or self.env.user.tz or "UTC"
        today = local_time(zone, utc_now()).date()
        return to_utc(datetime.combine(today, time.min), zone)

    def _cati_stats(self, agent, campaign):
        start = self._cati_today_start()
        Attempt = self.env["callcenter.cati.attempt"]
        done_today = [("is_complete", "=", True), ("ended_at", ">=", start)]
        mine = Attempt.search_count([("agent_id", "=", agent.id)] + done_today)
        board = []
        if campaign:
            counts = dict(Attempt._read_group([("campaign_id", "=", campaign.id)] + done_today,
                                              ["agent_id"], ["__count"]))
            board = sorted(
                ({"agent_id": interviewer.id, "name": interviewer.name,
                  "completes": counts.get(interviewer, 0), "is_me": interviewer == agent}
                 for interviewer in campaign.agent_ids),
                key=lambda row: (-row["completes"], row["name"] or ""))
        return {"my_completes": mine, "leaderboard": board}

    # ------------------------------------------------------------
    # TOOLS (payloads)
    # ------------------------------------------------------------

    def _cati_campaign_payload(self, campaign):
        return {
            "id": campaign.id,
            "name": campaign.name,
            "dial_mode": campaign.dial_mode,
            "dial_mode_label": dict(campaign._fields["dial_mode"]._description_selection(
                self.env))[campaign.dial_mode],
            "state": campaign.state,
            "description": campaign.description or "",
        }

    def _cati_frontend_lang_prefix(self):
        """The survey page is a frontend page: its language comes from the URL (else
        a cookie, often that of the login page), so the interviewer's own language is
        put in the URL unless it is the frontend's default one."""
        lang = self.env["res.lang"]._get_data(code=self.env.user.lang or "")
        default = self.env["ir.default"]._get("res.partner", "lang") or next(
            iter(self.env["res.lang"]._get_active_by("code")), None)
        return f"/{lang.url_code}" if lang and lang.code != default else ""

    def _cati_dispositions_payload(self):
        # The dialer's abandon is a fact of the PBX, never an interviewer's choice.
        dispositions = self.env["callcenter.cati.disposition"].search([
            ("dialer_result", "!=", "abandoned")])
        return [{
            "id": d.id,
            "code": d.code,
            "name": d.name,
            "shortcut": (d.shortcut or "").strip().lower(),
            "is_contact": d.is_contact,
            "is_complete": d.is_complete,
            "is_final": d.is_final,
            "is_appointment": d.is_appointment,
            "note_required": d.note_required,
        } for d in dispositions]

    def _cati_case_payload(self, case):
        campaign = case.campaign_id
        data = case.data or {}
        callable_numbers = case._cati_callable_numbers()
        number_states = dict(case.number_ids._fields["state"]._description_selection(self.env))
        results = dict(case.attempt_ids._fields["result"]._description_selection(self.env))
        survey = False
        if campaign.survey_id:
            # sudo: interviewers have no survey rights; they answer for the respondent
            # of the case they hold (checked by every caller).
            answer = case.sudo()._cati_ensure_user_input()
            survey = {
                "title": answer.survey_id.title,
                "state": answer.state,
                "url": self._cati_frontend_lang_prefix()
                + f"/survey/{answer.survey_id.access_token}/{answer.access_token}",
            }
        open_attempt = self._cati_open_attempts(case)[:1]
        return {
            "id": case.id,
            "name": case.display_name,
            "reference": case.reference or "",
            "campaign_id": campaign.id,
            "tz": case.tz,
            "local_time": case.local_time,
            "state": case.state,
            "call_count": case.call_count,
            "max_calls": campaign.max_calls_per_case,
            "disposition": case.disposition_id.display_name or "",
            "note": case.note or "",
            "fields": [{
                "key": field.key,
                "name": field.name,
                "type": field.field_type,
                "required": field.required,
                "editable": field.editable,
                "choices": field._cati_choices(),
                "value": data.get(field.key),
            } for field in campaign.field_ids],
            "numbers": [{
                "id": number.id,
                "label": number.label or "",
                "number": number.number,
                "state": number.state,
                "state_label": number_states[number.state],
                "attempts": number.attempt_count,
                "max_attempts": campaign.max_attempts_per_number,
                "callable": number in callable_numbers,
            } for number in case.number_ids],
            "history": [{
                "id": attempt.id,
                "dialed_at": fields.Datetime.to_string(attempt.dialed_at)
                if attempt.dialed_at else False,
                "number": attempt.number_id.number or "",
                "agent": attempt.agent_id.name or "",
                "result": results.get(attempt.result, ""),
                "disposition": attempt.disposition_id.display_name or "",
                "note": attempt.note or "",
                "talk_seconds": attempt.talk_seconds,
            } for attempt in case.attempt_ids[:HISTORY_LIMIT]],
            "appointments": [{
                "id": appointment.id,
                "respondent_time": appointment.respondent_time,
                "agent": appointment.agent_id.name or "",
                "state": appointment.state,
                "note": appointment.note or "",
            } for appointment in case.appointment_ids],
            "open_attempt": {
                "id": open_attempt.id,
                "number_id": open_attempt.number_id.id or False,
                "call_id": open_attempt.call_id.id or False,
                "linkedid": open_attempt.linkedid or open_attempt.call_id.linkedid or False,
                "mode": open_attempt.mode,
            } if open_attempt else False,
            "survey": survey,
        }
