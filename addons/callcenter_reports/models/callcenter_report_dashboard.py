# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import datetime, time, timedelta

import pytz

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools.misc import get_lang

from ..tools.report_periods import local_now, local_today, report_period, utc_bounds

PERIODS = ("today", "yesterday", "this_week", "last_7_days", "this_month", "last_month", "custom")
MAX_CUSTOM_DAYS = 366
"""The longest custom period: a year of days on the chart."""
DASHBOARD_REFRESH_LIMIT = 200

QUEUE_FACTS_ACTION = "callcenter_reports.callcenter_report_queue_interval_action"
AGENT_FACTS_ACTION = "callcenter_reports.callcenter_report_agent_interval_action"
MY_FACTS_ACTION = "callcenter_reports.callcenter_report_agent_interval_action_my"

QUEUE_COUNTS = (
    "offered_counted", "short_abandoned", "answered", "answered_in_sl", "abandoned", "unanswered",
    "transferred", "repeat_calls", "sl_numerator", "sl_denominator",
)
QUEUE_RATIOS = (
    "service_level", "answer_rate", "abandon_rate", "asa", "aht", "avg_talk", "avg_wait",
    "avg_abandon_time", "transfer_rate", "repeat_rate",
)
QUEUE_AGGREGATES = [
    *(f"{fname}:sum" for fname in QUEUE_COUNTS),
    *(f"{fname}:avg" for fname in QUEUE_RATIOS),
    "wait_max:max",
]
AGENT_SUMS = (
    "inbound_answered", "outbound_calls", "outbound_connected", "handled", "missed", "transferred",
    "handle_total", "available_seconds", "paused_seconds", "busy_seconds", "logged_in_seconds",
)
AGENT_RATIOS = ("aht", "avg_talk", "occupancy", "transfer_rate")
AGENT_AGGREGATES = [
    *(f"{fname}:sum" for fname in AGENT_SUMS),
    *(f"{fname}:avg" for fname in AGENT_RATIOS),
]

# Optional modules whose figures the dashboard shows when they are installed:
# {tile: (model, xmlid of that module's own report action)}.
BRIDGES = {
    "ivr": ("callcenter.ivr.session", "callcenter_ivr.callcenter_ivr_session_action"),
    "wechat": ("callcenter.wechat.conversation",
               "callcenter_wechat.callcenter_wechat_conversation_action_analysis"),
    "cati": ("callcenter.cati.attempt", "callcenter_cati.callcenter_cati_attempt_action_completes"),
}


def _or_none(value):
    """A grouped ratio with no denominator comes back False: shown as no figure, not 0."""
    return None if value is False or value is None else value


class CallcenterReportDashboard(models.AbstractModel):
    """The figures of the manager dashboard, in one call.

    Everything is read from the fact tables with `_read_group`, whose ratio
    measures are recomputed from their sums per group, under the user's own
    access rules: a team lead gets the queues they lead, an agent (who may not
    read queue facts) only their own figures. Nothing is cached: the facts are
    brought up to date first, so the dashboard shows the last call.
    """

    _name = "callcenter.report.dashboard"
    _description = "Call Center Dashboard"

    # ------------------------------------------------------------
    # BUSINESS
    # ------------------------------------------------------------

    @api.model
    def callcenter_dashboard_data(self, period="today", date_from=None, date_to=None,
                                  queue_ids=None, team_id=None):
        """KPIs, queues, chart series, agent ranking and channel tiles of a period.

        :param period: one of PERIODS; ``custom`` takes `date_from` and `date_to`,
            dates in the user's time zone, both included
        :param queue_ids: restrict to these queues (among those the user may see)
        :param team_id: restrict to this team's agents, and to the queues they serve
        """
        QueueFacts = self.env["callcenter.report.queue.interval"]
        AgentFacts = self.env["callcenter.report.agent.interval"]
        center = QueueFacts.browse().has_access("read")
        if not center and not AgentFacts.browse().has_access("read"):
            raise AccessError(_("Only call center agents, team leads and managers see the "
                                "call center's figures."))
        # sudo: the pending intervals are a system table; refreshing computes what the
        # cron would a minute later, and every figure below is read as the user. The
        # most recent intervals come first: a backlog older than the limit is the cron's.
        self.env["callcenter.report.pending.interval"].sudo()._callcenter_refresh_facts(
            limit=DASHBOARD_REFRESH_LIMIT)

        bounds = self._callcenter_period(period, date_from, date_to)
        if center:
            queues, teams = self._callcenter_filter_queues(), self._callcenter_filter_teams()
            selected_queues = queues.filtered(lambda q: q.id in (queue_ids or []))
            team = teams.filtered(lambda t: t.id == team_id)
        else:
            queues = selected_queues = self.env["callcenter.queue"]
            teams = team = self.env["callcenter.team"]
        period_domain = [
            ("interval_start", ">=", bounds["start"]), ("interval_start", "<", bounds["end"]),
        ]
        agent_domain = list(period_domain)
        if center:
            queue_domain = list(period_domain)
            if selected_queues:
                queue_domain.append(("queue_id", "in", selected_queues.ids))
                agent_domain.append(("agent_id.queue_member_ids.queue_id", "in", selected_queues.ids))
            if team:
                queue_domain.append(("queue_id.member_ids.agent_id.team_id", "=", team.id))
                agent_domain.append(("team_id", "=", team.id))
        else:
            agent_domain.append(("user_id", "=", self.env.uid))

        agent_totals, ranking = self._callcenter_agent_figures(agent_domain)
        result = {
            "scope": "center" if center else "agent",
            "period": {
                "key": bounds["period"],
                "date_from": fields.Date.to_string(bounds["first_day"]),
                "date_to": fields.Date.to_string(bounds["last_day"]),
                "granularity": bounds["granularity"],
                "tz": bounds["tz"].zone,
            },
            "filters": {
                "queues": [{"id": q.id, "name": q.name} for q in queues],
                "teams": [{"id": t.id, "name": t.name} for t in teams],
                "queue_ids": selected_queues.ids,
                "team_id": team.id or False,
            },
            "agent_totals": agent_totals,
            "agents": ranking,
            "channels": self._callcenter_channels(bounds, selected_queues, team, center),
            "actions": {
                "queue": QUEUE_FACTS_ACTION if center else False,
                "agent": AGENT_FACTS_ACTION if center else MY_FACTS_ACTION,
            },
            "domains": {"queue": [], "agent": self._callcenter_jsonable(agent_domain)},
            "refreshed_at": fields.Datetime.to_string(fields.Datetime.now()),
        }
        if center:
            # The queues listed even without a call: those chosen, or those of the filter.
            listed = selected_queues or queues
            if team:
                listed = listed.filtered(lambda q: team in q.member_ids.agent_id.team_id)
            kpis, queue_rows = self._callcenter_queue_figures(queue_domain, listed)
            kpis["occupancy"] = agent_totals["occupancy"]
            result.update({
                "kpis": kpis,
                "queues": queue_rows,
                "series": self._callcenter_queue_series(queue_domain, bounds),
            })
            result["domains"]["queue"] = self._callcenter_jsonable(queue_domain)
        else:
            result.update({
                "kpis": {},
                "queues": [],
                "series": self._callcenter_agent_series(agent_domain, bounds),
            })
        return result

    @api.model
    def _callcenter_period(self, period, date_from=None, date_to=None):
        """The period's days in the user's time zone and its bounds in UTC.

        Returns a dict: period, tz, first_day and last_day (dates, both included),
        start and end (naive UTC datetimes, end excluded) and the granularity of
        the chart: hours for a single day, days otherwise. The named periods are
        those of the exports (tools/report_periods.py), weeks starting on the
        language's first day of the week.
        """
        tz = self._callcenter_tz()
        if period == "custom":
            try:
                first, last = fields.Date.to_date(date_from), fields.Date.to_date(date_to)
            except ValueError:
                first = last = None
            if not first or not last:
                raise UserError(_("Choose the first and the last day of the period."))
            if last < first:
                raise UserError(_("The period ends before it starts."))
            if (last - first).days >= MAX_CUSTOM_DAYS:
                raise UserError(_("Choose a period of at most %(days)s days.", days=MAX_CUSTOM_DAYS))
        elif period in PERIODS:
            today = local_today(tz.zone, fields.Datetime.now())
            week_start = int(get_lang(self.env).week_start)  # 1 = Monday ... 7 = Sunday
            first, last = report_period(period, today, week_start)
        else:
            raise UserError(_("Unknown period: %(period)s.", period=period))
        start, end = utc_bounds(first, last, tz.zone)
        return {
            "period": period,
            "tz": tz,
            "first_day": first,
            "last_day": last,
            "start": start,
            "end": end,
            "granularity": "hour" if first == last else "day",
        }

    def _callcenter_queue_figures(self, domain, listed):
        """The KPI totals and one row per queue, with the service-level target
        weighted by each queue's calls counted in its service level. The `listed`
        queues get a row even without a call, and give the target then."""
        QueueFacts = self.env["callcenter.report.queue.interval"]
        [totals] = QueueFacts._read_group(domain, [], QUEUE_AGGREGATES)
        kpis = self._callcenter_queue_values(totals)
        rows = []
        weighted = counted = 0
        for queue, *values in QueueFacts._read_group(domain, ["queue_id"], QUEUE_AGGREGATES):
            row = self._callcenter_queue_values(values)
            row.update({
                "id": queue.id or False,
                "name": queue.name or _("No queue"),
                "sl_target": queue.sl_target if queue else None,
            })
            if queue:
                weighted += queue.sl_target * row["sl_denominator"]
                counted += row["sl_denominator"]
            rows.append(row)
        for queue in listed - self.env["callcenter.queue"].browse([r["id"] for r in rows]):
            row = self._callcenter_queue_values([False] * len(QUEUE_AGGREGATES))
            row.update({"id": queue.id, "name": queue.name, "sl_target": queue.sl_target})
            rows.append(row)
        for row in rows:
            row["sl_ok"] = self._callcenter_sl_ok(row["service_level"], row["sl_target"])
        rows.sort(key=lambda r: (-r["offered"], r["id"] is False, r["name"]))
        if counted:
            target = round(weighted / counted, 2)
        elif listed:
            target = round(sum(listed.mapped("sl_target")) / len(listed), 2)
        else:
            target = None
        kpis.update({
            "sl_target": target,
            "sl_ok": self._callcenter_sl_ok(kpis["service_level"], target),
        })
        return kpis, rows

    @api.model
    def _callcenter_queue_values(self, values):
        """One `_read_group` row of QUEUE_AGGREGATES as a dict; Offered leaves short
        abandons out, as every other figure does."""
        row = dict(zip([spec.split(":")[0] for spec in QUEUE_AGGREGATES], values, strict=True))
        result = {fname: row[fname] or 0 for fname in QUEUE_COUNTS}
        result.update({fname: _or_none(row[fname]) for fname in QUEUE_RATIOS})
        result["offered"] = result.pop("offered_counted")
        result["wait_max"] = row["wait_max"] or 0
        return result

    @api.model
    def _callcenter_sl_ok(self, service_level, target):
        if service_level is None or target is None:
            return None
        return service_level >= target

    def _callcenter_agent_figures(self, domain):
        """The agents' totals (occupancy over all of them) and their ranking by calls
        handled (接听排名), then by inbound calls answered."""
        AgentFacts = self.env["callcenter.report.agent.interval"]
        [totals] = AgentFacts._read_group(domain, [], AGENT_AGGREGATES)
        ranking = []
        for agent, *values in AgentFacts._read_group(domain, ["agent_id"], AGENT_AGGREGATES):
            row = self._callcenter_agent_values(values)
            row.update({
                "id": agent.id,
                "name": agent.name,
                "team": agent.team_id.name or "",
            })
            ranking.append(row)
        ranking.sort(key=lambda r: (-r["handled"], -r["inbound_answered"], r["name"] or ""))
        for rank, row in enumerate(ranking, start=1):
            row["rank"] = rank
        return self._callcenter_agent_values(totals), ranking

    @api.model
    def _callcenter_agent_values(self, values):
        row = dict(zip([spec.split(":")[0] for spec in AGENT_AGGREGATES], values, strict=True))
        result = {fname: row[fname] or 0 for fname in AGENT_SUMS}
        result.update({fname: _or_none(row[fname]) for fname in AGENT_RATIOS})
        return result

    def _callcenter_queue_series(self, domain, bounds):
        """Offered, answered, abandoned and service level per hour or day."""
        QueueFacts = self.env["callcenter.report.queue.interval"].with_context(tz=bounds["tz"].zone)
        groupby = f"interval_start:{bounds['granularity']}"
        groups = {
            self._callcenter_bucket_key(bucket): (offered, answered, abandoned, _or_none(sl))
            for bucket, offered, answered, abandoned, sl in QueueFacts._read_group(
                domain, [groupby],
                ["offered_counted:sum", "answered:sum", "abandoned:sum", "service_level:avg"])
        }
        return self._callcenter_series(
            bounds, groups, ("offered", "answered", "abandoned", "service_level"), (0, 0, 0, None))

    def _callcenter_agent_series(self, domain, bounds):
        """An agent's own calls handled, inbound answered and occupancy per hour or day."""
        AgentFacts = self.env["callcenter.report.agent.interval"].with_context(tz=bounds["tz"].zone)
        groupby = f"interval_start:{bounds['granularity']}"
        groups = {
            self._callcenter_bucket_key(bucket): (handled, answered, _or_none(occupancy))
            for bucket, handled, answered, occupancy in AgentFacts._read_group(
                domain, [groupby], ["handled:sum", "inbound_answered:sum", "occupancy:avg"])
        }
        return self._callcenter_series(
            bounds, groups, ("handled", "inbound_answered", "occupancy"), (0, 0, None))

    @api.model
    def _callcenter_series(self, bounds, groups, names, empty):
        """Every hour or day of the period, in order, with None after the current one
        (a chart shows the day so far, not a drop to zero)."""
        now = local_now(bounds["tz"].zone, fields.Datetime.now())
        if bounds["granularity"] == "hour":
            day = datetime.combine(bounds["first_day"], time.min)
            buckets = [day + timedelta(hours=hour) for hour in range(24)]
            current = now.replace(minute=0, second=0, microsecond=0)
        else:
            days = (bounds["last_day"] - bounds["first_day"]).days + 1
            buckets = [datetime.combine(bounds["first_day"] + timedelta(days=n), time.min)
                       for n in range(days)]
            current = datetime.combine(now.date(), time.min)
        series = {"granularity": bounds["granularity"], "keys": []}
        series.update({name: [] for name in names})
        for bucket in buckets:
            key = self._callcenter_bucket_key(bucket)
            values = (None,) * len(names) if bucket > current else groups.get(key, empty)
            series["keys"].append(key)
            for name, value in zip(names, values, strict=True):
                series[name].append(value)
        return series

    def _callcenter_channels(self, bounds, queues, team, center):
        """Tiles of the optional modules installed: IVR, WeChat and CATI."""
        period = (bounds["start"], bounds["end"])
        channels = []
        for key, compute in (("ivr", self._callcenter_channel_ivr),
                             ("wechat", self._callcenter_channel_wechat),
                             ("cati", self._callcenter_channel_cati)):
            model, xmlid = BRIDGES[key]
            if not self._callcenter_bridge_available(model):
                continue
            if not self.env[model].browse().has_access("read"):
                continue
            channels.append({
                "key": key,
                "action": xmlid if self.env.ref(xmlid, raise_if_not_found=False) else False,
                **compute(period, queues, team, center),
            })
        return channels

    def _callcenter_channel_ivr(self, period, queues, team, center):
        """Self-service rate: calls that ended in the IVR without going to a person."""
        domain = [("started", ">=", period[0]), ("started", "<", period[1])]
        counts = dict(self.env["callcenter.ivr.session"]._read_group(
            domain, ["self_served"], ["__count"]))
        sessions = sum(counts.values())
        served = counts.get(True, 0)
        return {
            "sessions": sessions,
            "self_served": served,
            "self_service_rate": round(100.0 * served / sessions, 2) if sessions else None,
            "domain": self._callcenter_jsonable(domain),
        }

    def _callcenter_channel_wechat(self, period, queues, team, center):
        """Average first response of the conversations assigned in the period."""
        domain = [("assigned_at", ">=", period[0]), ("assigned_at", "<", period[1])]
        if queues:
            domain.append(("queue_id", "in", queues.ids))
        if team:
            domain.append(("agent_id.team_id", "=", team.id))
        if not center:
            domain.append(("user_id", "=", self.env.uid))
        [(conversations, answered, total)] = self.env["callcenter.wechat.conversation"]._read_group(
            domain, [], ["__count", "first_response_at:count", "first_response_seconds:sum"])
        return {
            "conversations": conversations,
            "answered": answered,
            "avg_first_response": round((total or 0) / answered, 2) if answered else None,
            "domain": self._callcenter_jsonable(domain),
        }

    def _callcenter_channel_cati(self, period, queues, team, center):
        """Completes, completes per hour of talk and attempts per interviewer."""
        domain = [("dialed_at", ">=", period[0]), ("dialed_at", "<", period[1])]
        if team:
            domain.append(("agent_id.team_id", "=", team.id))
        if not center:
            domain.append(("user_id", "=", self.env.uid))
        Attempt = self.env["callcenter.cati.attempt"]
        [(attempts, talk, interviewers)] = Attempt._read_group(
            domain, [], ["__count", "talk_seconds:sum", "agent_id:count_distinct"])
        completes = Attempt.search_count(domain + [("is_complete", "=", True)])
        talk = talk or 0
        return {
            "attempts": attempts,
            "completes": completes,
            "talk_seconds": talk,
            "interviewers": interviewers,
            "completes_per_hour": round(completes * 3600.0 / talk, 2) if talk else None,
            "attempts_per_interviewer": round(attempts / interviewers, 2) if interviewers else None,
            "domain": self._callcenter_jsonable(domain),
        }

    # ------------------------------------------------------------
    # TOOLS
    # ------------------------------------------------------------

    @api.model
    def _callcenter_bridge_available(self, model_name):
        """Whether an optional module's model is installed (tests pretend it is not)."""
        return model_name in self.env

    @api.model
    def _callcenter_filter_queues(self):
        """The queues a user may filter on: all for managers, else those they lead
        (the queues whose facts the record rules let them read)."""
        domain = [] if self.env.user.has_group("callcenter_base.group_callcenter_manager") else [
            ("team_lead_ids", "in", self.env.uid)]
        return self.env["callcenter.queue"].search(domain)

    @api.model
    def _callcenter_filter_teams(self):
        domain = [] if self.env.user.has_group("callcenter_base.group_callcenter_manager") else [
            ("leader_id", "=", self.env.uid)]
        return self.env["callcenter.team"].search(domain)

    @api.model
    def _callcenter_tz(self):
        name = self.env.context.get("tz") or self.env.user.tz
        return pytz.timezone(name) if name in pytz.all_timezones_set else pytz.utc

    @api.model
    def _callcenter_bucket_key(self, bucket):
        """The chart key of an hour or day bucket (local, naive): ISO, to the hour."""
        return bucket.strftime("%Y-%m-%dT%H:00") if bucket else ""

    @api.model
    def _callcenter_jsonable(self, domain):
        """A domain the client can send back (datetimes as Odoo strings)."""
        return [
            (fname, operator, fields.Datetime.to_string(value) if isinstance(value, datetime)
             else value)
            for fname, operator, value in domain
        ]
