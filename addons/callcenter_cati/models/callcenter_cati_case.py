# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import datetime, timedelta

import psycopg2.errors
from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL

from ..tools.timezones import is_zone, local_time, to_utc, utc_now

CASE_STATES = [("new", "New"), ("retry", "To Call Again"), ("appointment", "Appointment"),
               ("locked", "In Progress"), ("done", "Closed")]
CALLABLE_STATES = ("new", "retry", "appointment")
LOCK_TIMEOUT_MINUTES = 30
CANDIDATE_SLACK = 8
CANDIDATE_WINDOW = 32  # candidates past the skipped ones, where others' locks may be
MAX_SKIP = 128
EPOCH = datetime(2000, 1, 1)
LOCK_FUNCTION = SQL.identifier("callcenter_cati_lock_cases")


class CallcenterCatiCase(models.Model):
    """One respondent of a campaign's sample: its numbers, data, attempts and answers.

    The scheduler works on a handful of indexed columns (state, rank, next_call,
    tz, assignments) so that picking the next case stays a few index probes at a
    million cases; `rank` is the priority plus the boost of lagging quota cells.
    """

    _name = "callcenter.cati.case"
    _description = "CATI Case"
    _order = "rank desc, next_call, id"

    name = fields.Char(string="Respondent")
    reference = fields.Char(index="btree_not_null", help="The case's id in the sample file.")
    campaign_id = fields.Many2one("callcenter.cati.campaign", required=True, ondelete="cascade")
    company_id = fields.Many2one(related="campaign_id.company_id", store=True, index=True)
    partner_id = fields.Many2one("res.partner", string="Contact", index="btree_not_null")
    data = fields.Json(string="Sample Data", help="The campaign's sample fields, by key.")
    state = fields.Selection(CASE_STATES, default="new", required=True, readonly=True)
    priority = fields.Integer(default=50, help="0 (last) to 100 (first).")
    rank = fields.Integer(readonly=True, default=50,
                          help="Priority plus the boost of lagging quota cells; highest first.")
    quota_boost = fields.Integer(readonly=True)
    next_call = fields.Datetime(string="Callable From", default=lambda self: EPOCH, readonly=True)
    tz = fields.Char(string="Time Zone", required=True, default="Asia/Shanghai")
    agent_id = fields.Many2one("callcenter.agent", string="Assigned Interviewer",
                               index="btree_not_null",
                               help="Only this interviewer gets the case.")
    locked_agent_id = fields.Many2one("callcenter.agent", string="With Interviewer", readonly=True,
                                      index="btree_not_null")
    locked_at = fields.Datetime(readonly=True)
    appointment_agent_id = fields.Many2one("callcenter.agent", readonly=True)
    number_ids = fields.One2many("callcenter.cati.number", "case_id", string="Numbers")
    attempt_ids = fields.One2many("callcenter.cati.attempt", "case_id", string="Calls")
    appointment_ids = fields.One2many("callcenter.cati.appointment", "case_id")
    call_count = fields.Integer(string="Calls Made", readonly=True)
    last_call_at = fields.Datetime(readonly=True)
    disposition_id = fields.Many2one("callcenter.cati.disposition", string="Outcome", readonly=True,
                                     index="btree_not_null")
    aapor_category = fields.Selection(related="disposition_id.aapor_category", store=True)
    user_input_id = fields.Many2one("survey.user_input", string="Answers", readonly=True,
                                    copy=False)
    note = fields.Text()
    local_time = fields.Char(string="Respondent's Time", compute="_compute_local_time")
    data_html = fields.Html(string="Sample", compute="_compute_data_html", sanitize=True)

    _sql_constraints = [
        ("priority_range", "CHECK(priority >= 0 AND priority <= 100)",
         "Priority goes from 0 to 100."),
    ]

    def init(self):
        """The scheduler's indexes: one per queue of candidates, in its order, and the
        (campaign_id, tz) one its skip scan of zones walks; and its lock function
        (`_cati_lock_function_sql`), made again at each update of the module.

        The queues keep each case in an entry of its own (no deduplication): a
        picked case leaves a dead entry at the head of its queue, which the next
        scan marks dead so that the others skip it; merged with the entries of
        the cases of the same rank and time (all new cases of one priority), it
        could not be marked while one of them is callable, and every pick would
        read again all the cases picked since the last VACUUM.
        """
        self.env.cr.execute(SQL("""
            CREATE INDEX IF NOT EXISTS callcenter_cati_case_pick_idx
                ON callcenter_cati_case (campaign_id, rank DESC, next_call)
                WITH (deduplicate_items = off)
                WHERE state IN ('new', 'retry');
            CREATE INDEX IF NOT EXISTS callcenter_cati_case_appointment_idx
                ON callcenter_cati_case (campaign_id, next_call)
                WITH (deduplicate_items = off)
                WHERE state = 'appointment' AND appointment_agent_id IS NULL;
            CREATE INDEX IF NOT EXISTS callcenter_cati_case_appointment_agent_idx
                ON callcenter_cati_case (campaign_id, appointment_agent_id, next_call)
                WITH (deduplicate_items = off)
                WHERE state = 'appointment' AND appointment_agent_id IS NOT NULL;
            CREATE INDEX IF NOT EXISTS callcenter_cati_case_zone_idx
                ON callcenter_cati_case (campaign_id, tz);
            CREATE INDEX IF NOT EXISTS callcenter_cati_case_locked_idx
                ON callcenter_cati_case (locked_at) WHERE state = 'locked';
            CREATE INDEX IF NOT EXISTS callcenter_cati_case_campaign_state_idx
                ON callcenter_cati_case (campaign_id, state);
        """))
        self.env.cr.execute(self._cati_lock_function_sql())

    @api.depends("tz")
    def _compute_local_time(self):
        now = utc_now()
        for case in self:
            case.local_time = local_time(case.tz, now).strftime("%a %H:%M") if case.tz else ""

    @api.depends("data", "campaign_id.field_ids")
    def _compute_data_html(self):
        for case in self:
            data = case.data or {}
            rows = [
                Markup("<tr><th class='pe-3'>%s</th><td>%s</td></tr>") % (field.name, _display(data.get(field.key)))
                for field in case.campaign_id.field_ids
            ]
            case.data_html = Markup("<table class='table table-sm'>%s</table>") % Markup("").join(rows) \
                if rows else False

    @api.depends("name", "reference")
    def _compute_display_name(self):
        for case in self:
            case.display_name = case.name or case.reference or _("Case %s", case.id)

    @api.constrains("tz")
    def _check_tz(self):
        for case in self:
            if not is_zone(case.tz):
                raise ValidationError(_("%(zone)s is not a time zone.", zone=case.tz))

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if "priority" in vals and "rank" not in vals:
                vals["rank"] = vals["priority"]
        cases = super().create(vals_list)
        cases._cati_note_zones()
        return cases

    def write(self, vals):
        if "priority" in vals:
            ids_by_boost = {}
            for case in self:
                ids_by_boost.setdefault(case.quota_boost, []).append(case.id)
            for boost, ids in ids_by_boost.items():
                super(CallcenterCatiCase, self.browse(ids)).write(
                    {**vals, "rank": vals["priority"] + boost})
            result = True
        else:
            result = super().write(vals)
        if "tz" in vals or "campaign_id" in vals:
            self._cati_note_zones()
        return result

    def _cati_note_zones(self):
        """Tell the cases' campaigns their zones, which the scheduler caches."""
        zones = {}
        for case in self:
            zones.setdefault(case.campaign_id, set()).add(case.tz)
        for campaign, campaign_zones in zones.items():
            campaign._cati_note_zones(campaign_zones)

    # ------------------------------------------------------------
    # SCHEDULER
    # ------------------------------------------------------------

    @api.model
    def _cati_pick(self, campaign, agent=None, limit=1, now=None):
        """Lock and return the next `limit` cases to call, for `agent` (or the dialer).

        Due appointments come first (the respondent chose the time, so calling
        windows do not apply), those made for this interviewer before those for
        anyone; then callable cases whose local time is inside a calling window,
        by rank then by how long they have waited.

        Twenty interviewers may pick at once among a million cases, so a pick is
        one call of a database function that locks the cases of the queues in
        turn and marks them locked (`_cati_lock`). Which zones are open is
        decided before, from the campaign's windows and zones, which are cached
        (`_cati_schedule`): nothing is read before that call, whose snapshot is
        thus as recent as the transaction allows.
        """
        now = now or utc_now()
        self.flush_model()
        cases = self.browse(self._cati_lock(campaign, agent, limit, now))
        cases.invalidate_recordset(["state", "locked_agent_id", "locked_at", "write_date",
                                    "write_uid"])
        return cases

    @api.model
    def _cati_lock(self, campaign, agent, limit, now):
        """The ids of the cases `_cati_pick` gives, locked and marked.

        The function `init` makes from `_cati_lock_sql` does the common case in one
        round trip, planned once per connection. When it gives up (see
        `_cati_lock_function_sql`), each candidate is tried in turn
        (`_cati_lock_candidates`).
        """
        zones = campaign._cati_open_zones(now)
        agent_id = agent.id if agent else None
        cr = self.env.cr
        cr.execute(SQL("SELECT %s(%s, %s, %s::varchar[], %s, %s, %s)", LOCK_FUNCTION,
                       campaign.id, agent_id, zones, now, limit, self.env.uid))
        picked = cr.fetchone()[0]
        if picked is not None:
            return picked
        picked = []
        queues = self._cati_queues(campaign.id, agent_id, zones, now)
        for condition, order in queues:
            if len(picked) < limit:
                picked += self._cati_lock_candidates(queues.common, condition, order,
                                                     limit - len(picked))
        if picked:
            cr.execute(self._cati_mark_sql((agent_id, now, self.env.uid), SQL("%s", picked)))
        return picked

    @api.model
    def _cati_queues(self, campaign_id, agent_id, zones, now):
        """The scheduler's queues of candidates, first to last, as (condition, order)
        pairs over the cases matching `.common`; each has a partial index in its
        order. The arguments are values, or the SQL of the lock function's
        parameters: without an agent, or open zones, a queue reads nothing."""
        queues = _Queues()
        queues.common = SQL(
            "campaign_id = %s AND next_call <= %s AND (agent_id IS NULL OR agent_id = %s)",
            campaign_id, now, agent_id)
        queues.append((SQL("state = 'appointment' AND appointment_agent_id = %s", agent_id),
                       SQL("next_call")))
        queues.append((SQL("state = 'appointment' AND appointment_agent_id IS NULL"),
                       SQL("next_call")))
        queues.append((SQL("state IN ('new', 'retry') AND cardinality(%s::varchar[]) > 0 "
                           "AND tz = ANY(%s::varchar[])", zones, zones),
                       SQL("rank DESC, next_call")))
        return queues

    @api.model
    def _cati_lock_sql(self, queues, limit, marking, skip=None):
        """One statement that locks up to `limit` cases, from the first queue on, and
        marks them locked for `marking` (agent, time, user): each queue walks its
        index, skips the cases that others hold (SKIP LOCKED) and takes what the
        queues before it left; a queue with nothing left to take reads nothing.
        It gives the ids locked, in order.

        With `skip`, each queue looks only at a window of candidates past its
        first `skip`, which are not even locked.

        Marked by the statement that locked them: updated by the (sub)transaction
        that locked it, a case's old row version does not get a MultiXact (locker
        and updater), which would keep its index entries from being marked dead,
        and every later pick would read them again until the next VACUUM.
        """
        names, ctes = [], []
        for index, (condition, order) in enumerate(queues):
            name = SQL.identifier(f"queue_{index}")
            wanted = SQL(" - ").join([SQL("%s", limit)] + [
                SQL("(SELECT count(*) FROM %s)", taken) for taken in names])
            if skip is None:
                ctes.append(SQL(
                    "%s AS (SELECT id FROM callcenter_cati_case WHERE %s AND %s ORDER BY %s "
                    "LIMIT %s FOR NO KEY UPDATE SKIP LOCKED)",
                    name, queues.common, condition, order, wanted))
            else:
                ctes.append(SQL(
                    "%s AS (SELECT c.id FROM unnest(ARRAY("
                    "  SELECT id FROM callcenter_cati_case WHERE %s AND %s ORDER BY %s "
                    "  OFFSET %s LIMIT %s + %s)) WITH ORDINALITY AS candidate(id, position) "
                    "JOIN callcenter_cati_case c ON c.id = candidate.id "
                    "ORDER BY candidate.position LIMIT %s FOR NO KEY UPDATE OF c SKIP LOCKED)",
                    name, queues.common, condition, order, skip, limit, CANDIDATE_WINDOW,
                    wanted))
            names.append(name)
        # A CTE is read back in the order its rows were made, here the queue's order.
        picked = SQL(" || ").join(SQL("ARRAY(SELECT id FROM %s)", name) for name in names)
        ctes.append(SQL("marked AS (%s)", self._cati_mark_sql(marking, picked)))
        return SQL("WITH %s SELECT %s", SQL(", ").join(ctes), picked)

    @api.model
    def _cati_mark_sql(self, marking, ids):
        """Mark the cases of `ids` (an SQL array) locked for `marking` (agent, time,
        user)."""
        agent_id, now, uid = marking
        return SQL(
            "UPDATE callcenter_cati_case SET state = 'locked', locked_agent_id = %s, "
            "locked_at = %s, write_date = %s, write_uid = %s WHERE id = ANY(%s)",
            agent_id, now, now, uid, ids)

    @api.model
    def _cati_lock_function_sql(self):
        """The lock function: `_cati_lock_sql` in a loop, which PL/pgSQL plans once per
        connection (planning costs several times running it, and twenty pickers
        share two cores).

        Odoo's transactions are REPEATABLE READ: locking a case that another
        picker took and committed after this transaction's snapshot raises a
        serialization failure, which the function catches (its block is a
        savepoint). It then locks past the head of each queue, further each
        time, from a random start so that pickers who failed together do not
        meet again. It gives up (NULL) after too many failures, or when a window
        runs short of cases.
        """
        params = {name: SQL.identifier(name) for name in (
            "p_campaign", "p_agent", "p_zones", "p_now", "p_limit", "p_uid", "p_skip")}
        queues = self._cati_queues(params["p_campaign"], params["p_agent"], params["p_zones"],
                                   params["p_now"])
        marking = (params["p_agent"], params["p_now"], params["p_uid"])
        limit = params["p_limit"]
        body = SQL("""
            DECLARE
                picked integer[];
                p_skip integer := 0;
            BEGIN
                LOOP
                    BEGIN
                        IF p_skip = 0 THEN
                            %(first)s INTO picked;
                            RETURN picked;
                        END IF;
                        %(window)s INTO picked;
                        IF cardinality(picked) = p_limit THEN
                            RETURN picked;
                        END IF;
                        RAISE SQLSTATE 'CCWIN';
                    EXCEPTION
                        WHEN serialization_failure THEN
                            p_skip := CASE p_skip WHEN 0 THEN %(slack)s + floor(random() * %(slack)s)::integer
                                      ELSE p_skip * 2 END;
                            IF p_skip > %(max_skip)s THEN
                                RETURN NULL;
                            END IF;
                        WHEN SQLSTATE 'CCWIN' THEN
                            RETURN NULL;
                    END;
                END LOOP;
            END
        """, first=self._cati_lock_sql(queues, limit, marking),
            window=self._cati_lock_sql(queues, limit, marking, params["p_skip"]),
            slack=CANDIDATE_SLACK, max_skip=MAX_SKIP)
        return SQL(
            "CREATE OR REPLACE FUNCTION %s(p_campaign integer, p_agent integer, "
            "p_zones varchar[], p_now timestamp, p_limit integer, p_uid integer) "
            "RETURNS integer[] LANGUAGE plpgsql AS %s",
            LOCK_FUNCTION, self.env.cr.mogrify(body.code, body.params).decode())

    def _cati_lock_candidates(self, common, condition, order, limit):
        """Row-lock up to `limit` callable cases matching `common` and `condition`, in
        `order` (each queue of candidates has a partial index in that order).

        Odoo's transactions are REPEATABLE READ: a case another picker took and
        committed after this transaction began still looks callable here, and
        locking it raises a serialization failure. Such a case is skipped (it is
        taken), as are cases locked by pickers still in flight (SKIP LOCKED), so
        concurrent pickers never wait for, collide with or fail on each other.
        """
        locked, tried, skip = [], [], 0
        while len(locked) < limit:
            ids = self._cati_select(SQL(
                "SELECT id FROM callcenter_cati_case WHERE %s AND %s AND id != ALL(%s::int[]) "
                "ORDER BY %s OFFSET %s LIMIT %s",
                common, condition, tried, order, skip, limit - len(locked) + CANDIDATE_SLACK))
            if not ids:
                if not skip:
                    break
                skip = 0
                continue
            tried += ids
            stale = False
            while ids and len(locked) < limit:
                chunk, ids = ids[:limit - len(locked)], ids[limit - len(locked):]
                got = self._cati_try_lock(chunk)
                if got is None:
                    stale = True
                    got = [case_id for case_id in chunk
                           if len(chunk) > 1 and self._cati_try_lock([case_id])]
                locked += got
            if stale:
                # Others took the head of the queue since this snapshot: jump past it
                # rather than fail on each case they took.
                skip = max(CANDIDATE_SLACK, skip * 2)
        return locked

    def _cati_try_lock(self, ids):
        """The ids of `ids` now locked by this transaction, or None when one of them
        changed since its snapshot."""
        try:
            with self.env.cr.savepoint(flush=False):
                self.env.cr.execute(SQL(
                    "SELECT id FROM callcenter_cati_case WHERE id = ANY(%s) "
                    "AND state IN ('new', 'retry', 'appointment') "
                    "FOR NO KEY UPDATE SKIP LOCKED", ids), log_exceptions=False)
                got = {row[0] for row in self.env.cr.fetchall()}
        except psycopg2.errors.SerializationFailure:
            return None
        return [case_id for case_id in ids if case_id in got]

    def _cati_select(self, query):
        self.env.cr.execute(query)
        return [row[0] for row in self.env.cr.fetchall()]

    def _cati_release(self):
        """Give locked cases back to the scheduler, in the state their history gives."""
        locked = self.filtered(lambda c: c.state == "locked")
        with_appointment = self.env["callcenter.cati.appointment"].search(
            [("case_id", "in", locked.ids), ("state", "=", "pending")]).case_id
        by_state = {}
        for case in locked:
            state = "appointment" if case in with_appointment else (
                "retry" if case.call_count else "new")
            by_state.setdefault(state, []).append(case.id)
        for state, ids in by_state.items():
            self.browse(ids).write({"state": state, "locked_agent_id": False, "locked_at": False})

    @api.model
    def _cati_release_stale(self):
        """Cron: cases an interviewer or the dialer held too long without a call."""
        limit = fields.Datetime.now() - timedelta(minutes=LOCK_TIMEOUT_MINUTES)
        stale = self.search([("state", "=", "locked"), ("locked_at", "<", limit)])
        busy = self.env["callcenter.cati.attempt"].search([
            ("case_id", "in", stale.ids), ("ended_at", "=", False),
            ("dialed_at", ">=", limit)]).case_id
        (stale - busy)._cati_release()

    def _cati_callable_numbers(self):
        self.ensure_one()
        limit = self.campaign_id.max_attempts_per_number
        return self.number_ids.filtered(
            lambda n: n.state == "active" and n.attempt_count < limit
        ).sorted(lambda n: (n.attempt_count, n.sequence, n.id))

    def _cati_dialable_number(self, blacklist):
        """The number the dialer calls now; blacklisted numbers are set to do-not-call and
        a case left without a number is closed."""
        self.ensure_one()
        for number in self._cati_callable_numbers():
            if not blacklist._callcenter_match(number.number, "outbound"):
                return number
            number.state = "blocked"
        self.write({"state": "done", "locked_agent_id": False, "locked_at": False})
        return number.browse()

    def _cati_check_holder(self, agent):
        self.ensure_one()
        if self.state != "locked" or self.locked_agent_id != agent:
            raise UserError(_("This case is no longer yours: it was released or given to "
                              "another interviewer."))

    # ------------------------------------------------------------
    # ATTEMPTS AND OUTCOMES
    # ------------------------------------------------------------

    def _cati_start_attempt(self, number, agent=None, mode="preview"):
        self.ensure_one()
        return self.env["callcenter.cati.attempt"].create({
            "case_id": self.id,
            "number_id": number.id if number else False,
            "agent_id": agent.id if agent else False,
            "mode": mode,
            "dialed_at": fields.Datetime.now(),
        })

    def _cati_apply_outcome(self, attempt, disposition, note=False, callback_at=False,
                            callback_agent=False, now=None):
        """Close `attempt` with `disposition` and move the case on: final, appointment,
        retry after the delay, or closed when its calls or numbers run out."""
        self.ensure_one()
        now = now or fields.Datetime.now()
        if disposition.is_complete and self.campaign_id.quota_ids._cati_full_cells(self):
            disposition = self.env.ref("callcenter_cati.disposition_quota_full")
        if disposition.note_required and not (note or "").strip():
            raise UserError(_("%(disposition)s needs a note.", disposition=disposition.display_name))
        if disposition.is_appointment and not callback_at:
            raise UserError(_("Give the callback time."))
        attempt.write({
            "disposition_id": disposition.id,
            "note": note or attempt.note,
            "ended_at": attempt.ended_at or now,
        })
        counted = attempt.result != "failed"
        number = attempt.number_id
        if number and counted:
            number_vals = {"attempt_count": number.attempt_count + 1,
                           "last_disposition_id": disposition.id}
            if disposition.try_other_number:
                number_vals["state"] = "invalid"
            number.write(number_vals)
        case_vals = {
            "call_count": self.call_count + (1 if counted else 0),
            "last_call_at": attempt.dialed_at or now,
            "locked_agent_id": False,
            "locked_at": False,
        }
        if note:
            case_vals["note"] = "\n".join(filter(None, [self.note, note]))
        current = self.disposition_id
        if disposition.is_final or not current or not current.is_contact or disposition.is_contact:
            case_vals["disposition_id"] = disposition.id
        self.appointment_ids.filtered(lambda a: a.state == "pending").write({"state": "done"})
        if disposition.is_final:
            case_vals.update(state="done")
        elif disposition.is_appointment:
            self.env["callcenter.cati.appointment"].create({
                "case_id": self.id, "scheduled_at": callback_at,
                "agent_id": callback_agent.id if callback_agent else False,
                "note": note or False,
            })
            case_vals.update(state="appointment", next_call=callback_at,
                             appointment_agent_id=callback_agent.id if callback_agent else False)
        else:
            limit_reached = case_vals["call_count"] >= self.campaign_id.max_calls_per_case
            case_vals.update(
                state="done" if limit_reached else "retry",
                next_call=now + timedelta(minutes=max(disposition.retry_minutes, 0)),
                appointment_agent_id=False,
            )
        self.write(case_vals)
        if self.state != "done" and not self._cati_callable_numbers():
            self.state = "done"
        if disposition.is_complete:
            self.campaign_id.quota_ids._cati_count_complete(self)
        return self

    def _cati_local_to_utc(self, local_when):
        """`local_when`, a naive wall-clock time in the respondent's zone, in UTC."""
        self.ensure_one()
        return to_utc(local_when, self.tz)

    def _cati_ensure_user_input(self):
        """The case's survey answers, created on first need; partial answers resume."""
        self.ensure_one()
        survey = self.campaign_id.survey_id
        if not survey:
            raise UserError(_("The campaign has no questionnaire."))
        if not self.user_input_id or self.user_input_id.survey_id != survey:
            # sudo: interviewers answer on the respondent's behalf; they may not
            # create answers of surveys they do not manage otherwise.
            answer = survey.sudo()._create_answer(
                partner=self.partner_id, check_attempts=False, cati_case_id=self.id)
            self.sudo().user_input_id = answer
        return self.user_input_id

    # ------------------------------------------------------------
    # ACTIONS (interviewer)
    # ------------------------------------------------------------

    def action_cati_dial(self, number_id):
        """Preview dialing: ring the interviewer's phone, then the respondent."""
        self.ensure_one()
        agent = self.env["callcenter.agent"]._callcenter_current_agent()
        self._cati_check_holder(agent)
        number = self.number_ids.filtered(lambda n: n.id == number_id)
        if not number:
            raise AccessError(_("This number is not one of the case's."))
        if number not in self._cati_callable_numbers():
            raise UserError(_("%(number)s may not be dialed again.", number=number.number))
        attempt = self.sudo()._cati_start_attempt(number, agent, mode="preview")
        answer = self.env["callcenter.call"]._callcenter_dial(
            number.number, res_model=self._name, res_id=self.id,
            caller_id=self.campaign_id.caller_id)
        attempt.sudo().write({"call_id": answer.get("id") or False,
                              "result": "failed" if answer.get("error") else False})
        return {**answer, "attempt_id": attempt.id}

    def action_release(self):
        self._cati_release()

    def action_view_survey_answers(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "survey.user_input",
            "res_id": self.user_input_id.id,
            "views": [(False, "form")],
        }


class _Queues(list):
    """The scheduler's queues, with the condition they share (`common`)."""

    common = None


def _display(value):
    if value is None:
        return ""
    if value is True:
        return "✓"
    if value is False:
        return "✗"
    return str(value)
