# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The one place that builds the call center's Excel reports.

The export wizard builds a report on demand; scheduled reports
(callcenter.report.schedule) build theirs as their "run as" user; both hand a
ReportRequest to `callcenter.report.builder`, so a report holds the same figures
whoever asks for it and however.

Queue and agent figures come from the fact tables through `_read_group` with
the ratio measures (a group's service level, ASA... are sums over sums, never
averages of rows), under the reader's access rules, one slice of the period
at a time. Call details read callcenter.call under the reader's rules too, by
chunks of ids dropped from the cache after each chunk: 100,000 calls never sit
in memory together, and the file is written as they are read (see
tools/xlsx_report.py).
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

import pytz

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools.misc import format_date, get_lang
from odoo.tools.translate import LazyTranslate

from ..tools.report_periods import (
    GRANULARITY_ORDER,
    chart_granularity,
    period_groupby,
    period_slices,
    period_value,
    utc_bounds,
)
from ..tools.xlsx_report import EXCEL_MAX_ROWS, ChartData, Column, TooManyRows, XlsxReport

_lt = LazyTranslate(__name__)

REPORT_KINDS = [
    ("queue", "Queue Performance"),
    ("agent", "Agent Performance"),
    ("calls", "Call Details"),
]
GRANULARITIES = [
    ("interval", "15 Minutes"),
    ("hour", "Hour"),
    ("day", "Day"),
    ("week", "Week"),
    ("month", "Month"),
]
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_EXPORT_ROWS = EXCEL_MAX_ROWS - 8
"""Data rows of one export: a sheet's rows less the title lines, header and totals."""
CALL_CHUNK = 2000
"""Calls read, written and dropped from the cache together."""
CHART_MAX_AGENTS = 40

PERIOD_TITLES = {
    "interval": _lt("Interval"),
    "hour": _lt("Hour"),
    "day": _lt("Day"),
    "week": _lt("Week"),
    "month": _lt("Month"),
}
CHART_LABELS = {
    "interval": "%m-%d %H:%M",
    "hour": "%m-%d %H:%M",
    "day": "%Y-%m-%d",
    "week": "%Y-%m-%d",
    "month": "%Y-%m",
}

# (field, aggregate, column kind, title, in the mail's headline)
QUEUE_MEASURES = [
    ("offered", "sum", "int", _lt("Offered"), True),
    ("short_abandoned", "sum", "int", _lt("Short Abandons"), False),
    ("answered", "sum", "int", _lt("Answered"), True),
    ("answered_in_sl", "sum", "int", _lt("Answered in Time"), False),
    ("abandoned", "sum", "int", _lt("Abandoned"), True),
    ("unanswered", "sum", "int", _lt("Other Unanswered"), False),
    ("service_level", "avg", "percent", _lt("Service Level"), True),
    ("answer_rate", "avg", "percent", _lt("Answer Rate"), False),
    ("abandon_rate", "avg", "percent", _lt("Abandon Rate"), True),
    ("asa", "avg", "duration", _lt("ASA"), True),
    ("aht", "avg", "duration", _lt("AHT"), True),
    ("avg_talk", "avg", "duration", _lt("Average Talk"), False),
    ("avg_wait", "avg", "duration", _lt("Average Wait"), False),
    ("wait_max", "max", "duration", _lt("Longest Wait"), True),
    ("avg_abandon_time", "avg", "duration", _lt("Average Abandon Time"), False),
    ("transferred", "sum", "int", _lt("Transferred"), False),
    ("transfer_rate", "avg", "percent", _lt("Transfer Rate"), False),
    ("repeat_rate", "avg", "percent", _lt("Repeat Callers"), False),
    ("handle_total", "sum", "duration", _lt("Handle Time"), False),
]
AGENT_MEASURES = [
    ("inbound_answered", "sum", "int", _lt("Inbound Answered"), False),
    ("outbound_calls", "sum", "int", _lt("Outbound Calls"), False),
    ("outbound_connected", "sum", "int", _lt("Outbound Connected"), False),
    ("handled", "sum", "int", _lt("Calls Handled"), True),
    ("missed", "sum", "int", _lt("Missed"), True),
    ("transferred", "sum", "int", _lt("Transferred"), False),
    ("transfer_rate", "avg", "percent", _lt("Transfer Rate"), False),
    ("talk_total", "sum", "duration", _lt("Talk Time"), False),
    ("hold_total", "sum", "duration", _lt("Hold Time"), False),
    ("wrapup_total", "sum", "duration", _lt("Wrap-up Time"), False),
    ("handle_total", "sum", "duration", _lt("Handle Time"), True),
    ("aht", "avg", "duration", _lt("AHT"), True),
    ("avg_talk", "avg", "duration", _lt("Average Talk"), False),
    ("available_seconds", "sum", "duration", _lt("Idle"), True),
    ("paused_seconds", "sum", "duration", _lt("Paused"), True),
    ("busy_seconds", "sum", "duration", _lt("On Calls"), False),
    ("logged_in_seconds", "sum", "duration", _lt("Logged In"), False),
    ("occupancy", "avg", "percent", _lt("Occupancy"), True),
]
# callcenter.call fields of the call details, in their columns' order
CALL_FIELDS = [
    "started_at", "direction", "state", "queue_id", "agent_id", "customer_number",
    "partner_id", "wait_duration", "ring_duration", "talk_duration", "hold_duration",
    "wrapup_duration", "handle_duration", "total_duration", "transferred", "disposition_id",
    "hangup_by",
]
CALL_DURATIONS = [
    "wait_duration", "ring_duration", "talk_duration", "hold_duration", "wrapup_duration",
    "handle_duration", "total_duration",
]
CALL_SUMMED = {"talk_duration", "hold_duration", "wrapup_duration", "handle_duration",
               "total_duration"}
CALL_LINKS = {  # many2one fields of the call details, named once per export
    "queue_id": "callcenter.queue",
    "agent_id": "callcenter.agent",
    "partner_id": "res.partner",
    "disposition_id": "callcenter.call.disposition",
}
NAME_CACHE_SIZE = 50_000
ANSWERED_STATES = ("answered", "completed")


@dataclass(frozen=True)
class ReportRequest:
    """What to report on: the wizard and the schedules both build one."""

    kind: str
    date_from: date
    date_to: date
    granularity: str = "day"
    tz: str = "UTC"
    queue_ids: tuple = ()
    team_ids: tuple = ()
    agent_ids: tuple = ()


@dataclass
class ReportResult:
    content: bytes
    filename: str
    title: str
    period_text: str
    row_count: int
    headline: list = field(default_factory=list)  # [(label, value as text)]



# ------------------------------------------------------------
# TOOLS (pure functions)
# ------------------------------------------------------------

def period_column(env, granularity):
    kind = "datetime" if granularity in ("interval", "hour") else "date"
    return Column(env._(PERIOD_TITLES[granularity]), kind,
                  num_format="yyyy-mm" if granularity == "month" else None)


def limited(rows, limit):
    """`rows`, but TooManyRows once there are more than `limit`."""
    for count, row in enumerate(rows, start=1):
        if count > limit:
            raise TooManyRows(limit)
        yield row


def format_seconds(seconds):
    seconds = int(round(seconds or 0))
    return "%d:%02d:%02d" % (seconds // 3600, seconds % 3600 // 60, seconds % 60)


def format_headline(kind, value):
    if kind == "duration":
        return format_seconds(value)
    if kind == "percent":
        return "%.1f %%" % (value or 0)
    if kind == "int":
        return "{:,}".format(int(value or 0))
    return str(value)


class CallcenterReportBuilder(models.AbstractModel):
    """Builds a report from a ReportRequest, with the figures the current user may
    see. Its two fields only carry the labels (translated) of the report kinds and
    of the units of time, for the titles of the files."""

    _name = "callcenter.report.builder"
    _description = "Call Center Report Builder"

    report_kind = fields.Selection(REPORT_KINDS, string="Report")
    granularity = fields.Selection(GRANULARITIES, string="By")

    # ------------------------------------------------------------
    # BUSINESS
    # ------------------------------------------------------------

    @api.model
    def _callcenter_report_build(self, request):
        """The report `request` as an Excel file (ReportResult), with the figures
        the current user may see. Shared by the export wizard and the schedules."""
        self._callcenter_check_request(request)
        # Grouping by day, week... happens in the request's time zone.
        model = self.with_context(tz=request.tz)
        title = self._callcenter_selection_label("report_kind", request.kind)
        build = {
            "queue": model._callcenter_build_queue,
            "agent": model._callcenter_build_agent,
            "calls": model._callcenter_build_calls,
        }[request.kind]
        try:
            report, headline = build(request, title)
        except TooManyRows:
            raise UserError(self.env._(
                "This export has more than %(max)s rows, more than an Excel sheet holds: "
                "choose a shorter period, a longer unit or fewer queues, teams or agents.",
                max="{:,}".format(MAX_EXPORT_ROWS))) from None
        dates = (request.date_from.isoformat() if request.date_from == request.date_to
                 else f"{request.date_from.isoformat()}~{request.date_to.isoformat()}")
        return ReportResult(
            content=report.close(), filename=f"{title} {dates}.xlsx", title=title,
            period_text=self._callcenter_period_text(request), row_count=report.rows_written,
            headline=headline)

    @api.model
    def _callcenter_check_request(self, request):
        _ = self.env._
        if request.kind not in dict(REPORT_KINDS):
            raise UserError(_("Choose which report to export."))
        if not request.date_from or not request.date_to:
            raise UserError(_("Choose the first and the last day of the period."))
        if request.date_to < request.date_from:
            raise UserError(_(
                "The period ends (%(date_to)s) before it starts (%(date_from)s).",
                date_to=format_date(self.env, request.date_to),
                date_from=format_date(self.env, request.date_from)))
        if request.granularity not in GRANULARITY_ORDER:
            raise UserError(_("Choose by which unit of time to group the figures."))
        if request.tz not in pytz.all_timezones_set:
            raise UserError(_("Unknown time zone: %(tz)s", tz=request.tz))

    # ------------------------------------------------------------
    # TOOLS
    # ------------------------------------------------------------

    def _callcenter_selection_label(self, fname, value):
        """The label of `value` of the selection field `fname`, in the user's language."""
        return dict(self._fields[fname]._description_selection(self.env))[value]

    def _callcenter_period_text(self, request):
        first = format_date(self.env, request.date_from)
        if request.date_from == request.date_to:
            return first
        return self.env._("%(first)s to %(last)s", first=first,
                          last=format_date(self.env, request.date_to))

    def _callcenter_subtitle(self, request, by_unit=True):
        """The lines under the title: period, time zone, unit, filters."""
        _ = self.env._
        line = _("Period: %(period)s (%(tz)s)", period=self._callcenter_period_text(request),
                 tz=request.tz)
        if by_unit:
            line += " · " + _("By: %(unit)s",
                              unit=self._callcenter_selection_label("granularity",
                                                                    request.granularity))
        lines = [line]
        for model, ids, label in (
                ("callcenter.queue", request.queue_ids, _("Queues")),
                ("callcenter.team", request.team_ids, _("Teams")),
                ("callcenter.agent", request.agent_ids, _("Agents"))):
            if ids:
                names = ", ".join(self.env[model].browse(ids).mapped("display_name"))
                lines.append(f"{label}: {names}")
        return lines

    def _callcenter_fact_slices(self, request):
        week_start = int(get_lang(self.env).week_start or 1)
        for start, stop in period_slices(request.date_from, request.date_to,
                                         request.granularity, week_start):
            yield utc_bounds(start, stop - timedelta(days=1), request.tz)

    def _callcenter_fact_report(self, request, title, model, measures, entities, domain):
        """A report of the facts of `model` grouped by period and `entities`
        ([(groupby spec, column title, label of no record)]), with `measures` as in
        QUEUE_MEASURES; returns the report, the whole period's domain and the headline."""
        _ = self.env._
        entity_specs = [spec for spec, _title, _empty in entities]
        Fact = self.env[model]
        start, stop = utc_bounds(request.date_from, request.date_to, request.tz)
        domain = [("interval_start", ">=", start), ("interval_start", "<", stop)] + domain
        period_specs = period_groupby("interval_start", request.granularity)
        aggregates = [f"{fname}:{aggregate}" for fname, aggregate, *_rest in measures]
        columns = [period_column(self.env, request.granularity)]
        columns += [Column(entity_title) for _spec, entity_title, _empty in entities]
        columns += [Column(_(label), kind) for _fname, _agg, kind, label, _h in measures]
        report = XlsxReport(title, columns, title=title,
                            subtitle_lines=self._callcenter_subtitle(request))
        order = ", ".join(period_specs + entity_specs)
        empty_labels = [empty for _spec, _title, empty in entities]
        width = len(period_specs)

        def rows():
            for slice_start, slice_stop in self._callcenter_fact_slices(request):
                slice_domain = domain + [("interval_start", ">=", slice_start),
                                         ("interval_start", "<", slice_stop)]
                for group in Fact._read_group(slice_domain, period_specs + entity_specs,
                                              aggregates, order=order):
                    yield [
                        period_value(request.granularity, group[:width]),
                        *(record.display_name or empty for record, empty in
                          zip(group[width:width + len(entities)], empty_labels)),
                        *group[width + len(entities):],
                    ]

        report.write_rows(limited(rows(), min(MAX_EXPORT_ROWS, report.max_data_rows)))
        # Sums of no row are NULL: an empty period totals zero.
        totals = [value or 0 for value in Fact._read_group(domain, [], aggregates)[0]]
        report.write_totals([None] * (1 + len(entities)) + list(totals), label=_("Total"))
        headline = [
            (_(label), format_headline(kind, value))
            for (_fname, _agg, kind, label, in_headline), value in zip(measures, totals)
            if in_headline
        ]
        return report, domain, headline

    def _callcenter_build_queue(self, request, title):
        _ = self.env._
        domain = [("queue_id", "in", request.queue_ids)] if request.queue_ids else []
        report, domain, headline = self._callcenter_fact_report(
            request, title, "callcenter.report.queue.interval", QUEUE_MEASURES,
            [("queue_id", _("Queue"), _("No queue"))], domain)
        unit = chart_granularity(request.granularity, request.date_from, request.date_to)
        specs = period_groupby("interval_start", unit)
        groups = self.env["callcenter.report.queue.interval"]._read_group(
            domain, specs, ["offered:sum", "answered:sum", "service_level:avg"],
            order=", ".join(specs))
        width = len(specs)
        report.add_chart(ChartData(
            title=_("Offered and Answered Calls, Service Level"),
            category_title=_(PERIOD_TITLES[unit]),
            categories=[period_value(unit, g[:width]).strftime(CHART_LABELS[unit])
                        for g in groups],
            bars=[(_("Offered"), [g[width] for g in groups]),
                  (_("Answered"), [g[width + 1] for g in groups])],
            lines=[(_("Service Level"), [g[width + 2] for g in groups])],
            bar_axis_title=_("Calls"), line_axis_title=_("Service Level"),
            empty_text=_("No calls in this period.")), sheet_title=_("Chart"))
        return report, headline

    def _callcenter_build_agent(self, request, title):
        _ = self.env._
        domain = []
        if request.agent_ids:
            domain.append(("agent_id", "in", request.agent_ids))
        if request.team_ids:
            domain.append(("team_id", "in", request.team_ids))
        report, domain, headline = self._callcenter_fact_report(
            request, title, "callcenter.report.agent.interval", AGENT_MEASURES,
            [("agent_id", _("Agent"), ""), ("team_id", _("Team"), _("No team"))], domain)
        # The answered-calls ranking (接听排名): the busiest agents, with their occupancy.
        groups = self.env["callcenter.report.agent.interval"]._read_group(
            domain, ["agent_id"], ["handled:sum", "occupancy:avg"],
            order="handled:sum DESC, agent_id", limit=CHART_MAX_AGENTS)
        report.add_chart(ChartData(
            title=_("Calls Handled per Agent, Occupancy"),
            category_title=_("Agent"),
            categories=[agent.display_name for agent, _handled, _occupancy in groups],
            bars=[(_("Calls Handled"), [handled for _agent, handled, _occ in groups])],
            lines=[(_("Occupancy"), [occupancy for _agent, _handled, occupancy in groups])],
            bar_axis_title=_("Calls"), line_axis_title=_("Occupancy"),
            empty_text=_("No agent activity in this period.")), sheet_title=_("Chart"))
        return report, headline

    def _callcenter_build_calls(self, request, title):
        """Every call of the period the user may read, oldest first."""
        _ = self.env._
        Call = self.env["callcenter.call"]
        start, stop = utc_bounds(request.date_from, request.date_to, request.tz)
        domain = [("started_at", ">=", start), ("started_at", "<", stop)]
        if request.queue_ids:
            domain.append(("queue_id", "in", request.queue_ids))
        if request.agent_ids:
            domain.append(("agent_id", "in", request.agent_ids))
        if request.team_ids:
            domain.append(("agent_id.team_id", "in", request.team_ids))
        # The ids only (a few MB for a million calls), under the user's record rules.
        query = Call._search(domain, order="started_at, id")
        call_ids = [row[0] for row in self.env.execute_query(query.select())]
        if len(call_ids) > MAX_EXPORT_ROWS:
            raise UserError(_(
                "This export has %(count)s calls, more than the %(max)s rows an Excel sheet "
                "holds: choose a shorter period or fewer queues, teams or agents.",
                count="{:,}".format(len(call_ids)), max="{:,}".format(MAX_EXPORT_ROWS)))
        columns = [
            Column(_("Started"), "datetime", num_format="yyyy-mm-dd hh:mm:ss"),
            Column(_("Direction")), Column(_("Status")), Column(_("Queue")),
            Column(_("Agent")), Column(_("Team")), Column(_("Customer Number")),
            Column(_("Contact")),
            Column(_("Wait"), "duration"), Column(_("Ring"), "duration"),
            Column(_("Talk"), "duration"), Column(_("Hold"), "duration"),
            Column(_("Wrap-up"), "duration"), Column(_("Handle"), "duration"),
            Column(_("Duration"), "duration"),
            Column(_("Transferred")), Column(_("Disposition")), Column(_("Hung Up By")),
        ]
        report = XlsxReport(title, columns, title=title,
                            subtitle_lines=self._callcenter_subtitle(request, by_unit=False))
        sums = dict.fromkeys(CALL_SUMMED | {"answered"}, 0)
        report.write_rows(self._callcenter_call_rows(Call, call_ids, request.tz, sums))
        totals = [None] * len(columns)
        for index, fname in enumerate(CALL_DURATIONS, start=8):  # the duration columns
            totals[index] = sums.get(fname)
        report.write_totals(totals, label=_("Total: %(count)s calls",
                                            count="{:,}".format(len(call_ids))))
        unit = chart_granularity(request.granularity, request.date_from, request.date_to,
                                 finest="hour")
        specs = period_groupby("started_at", unit)
        groups = Call._read_group(domain, specs, ["__count", "answered_at:count"],
                                  order=", ".join(specs))
        report.add_chart(ChartData(
            title=_("Calls and Answered Calls, Answer Rate"),
            category_title=_(PERIOD_TITLES[unit]),
            categories=[period_value(unit, g[:1]).strftime(CHART_LABELS[unit]) for g in groups],
            bars=[(_("Calls"), [count for _p, count, _a in groups]),
                  (_("Answered"), [answered_count for _p, _c, answered_count in groups])],
            lines=[(_("Answer Rate"), [100.0 * answered_count / count if count else 0.0
                                       for _p, count, answered_count in groups])],
            bar_axis_title=_("Calls"), line_axis_title=_("Answer Rate"),
            empty_text=_("No calls in this period.")), sheet_title=_("Chart"))
        headline = [
            (_("Calls"), format_headline("int", len(call_ids))),
            (_("Answered"), format_headline("int", sums["answered"])),
            (_("Talk Time"), format_headline("duration", sums["talk_duration"])),
            (_("Handle Time"), format_headline("duration", sums["handle_duration"])),
        ]
        return report, headline

    def _callcenter_call_rows(self, Call, call_ids, tz, sums):
        """The rows of `call_ids`, read CALL_CHUNK at a time and dropped from the
        cache after each chunk; adds their durations and answered calls to `sums`.

        Linked records are read as ids and named from dicts kept for the whole
        export (queues, agents and dispositions are few; a customer calls again):
        naming them anew for every chunk took half of the reading time.
        """
        _ = self.env._
        zone = pytz.timezone(tz)
        utc = pytz.utc
        directions = dict(Call._fields["direction"]._description_selection(self.env))
        states = dict(Call._fields["state"]._description_selection(self.env))
        hangups = dict(Call._fields["hangup_by"]._description_selection(self.env))
        yes = _("Yes")
        names = {fname: {} for fname in CALL_LINKS}
        teams = {}  # agent id -> team name
        for offset in range(0, len(call_ids), CALL_CHUNK):
            values_list = Call.browse(call_ids[offset:offset + CALL_CHUNK]).read(
                CALL_FIELDS, load=None)
            for fname, comodel in CALL_LINKS.items():
                known = names[fname]
                if len(known) > NAME_CACHE_SIZE:
                    known.clear()
                missing = {values[fname] for values in values_list} - known.keys() - {False}
                if missing:
                    # sudo: as read() names a many2one: whoever may read the call sees
                    # the names of its queue, agent, contact and team.
                    records = self.env[comodel].sudo().browse(missing)
                    known.update((record.id, record.display_name) for record in records)
                    if fname == "agent_id":
                        teams.update(
                            (agent.id, agent.team_id.display_name or None) for agent in records)
            queue_names, agent_names = names["queue_id"], names["agent_id"]
            partner_names, disposition_names = names["partner_id"], names["disposition_id"]
            for values in values_list:
                for fname in CALL_SUMMED:
                    sums[fname] += values[fname] or 0
                if values["state"] in ANSWERED_STATES:
                    sums["answered"] += 1
                agent_id = values["agent_id"]
                started = values["started_at"]
                yield [
                    utc.localize(started).astimezone(zone).replace(tzinfo=None)
                    if started else None,
                    directions.get(values["direction"]),
                    states.get(values["state"]),
                    queue_names.get(values["queue_id"]),
                    agent_names.get(agent_id),
                    teams.get(agent_id),
                    values["customer_number"],
                    partner_names.get(values["partner_id"]),
                    *(values[fname] for fname in CALL_DURATIONS),
                    yes if values["transferred"] else None,
                    disposition_names.get(values["disposition_id"]),
                    hangups.get(values["hangup_by"]),
                ]
            # Drop this chunk's records (and the names read) from the cache.
            self.env.invalidate_all()
