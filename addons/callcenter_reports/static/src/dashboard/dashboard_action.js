/** License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl). */
import { Component, onMounted, onWillStart, onWillUnmount, useState } from "@odoo/owl";
import { browser } from "@web/core/browser/browser";
import { DateTimeInput } from "@web/core/datetime/datetime_input";
import { Dropdown } from "@web/core/dropdown/dropdown";
import { DropdownItem } from "@web/core/dropdown/dropdown_item";
import { deserializeDateTime } from "@web/core/l10n/dates";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { useSetupAction } from "@web/search/action_hook";
import { Layout } from "@web/search/layout";
import { standardActionServiceProps } from "@web/webclient/actions/action_service";

import { DashboardAgentRanking } from "./agent_ranking";
import { DashboardChannelTile } from "./channel_tile";
import { DashboardChart } from "./dashboard_chart";
import { formatCount, formatRate, formatSeconds } from "./format";
import { DashboardKpiCard } from "./kpi_card";
import { DashboardQueueTable } from "./queue_table";

const { DateTime } = luxon;

/** The figures are brought up to date this often while the dashboard is shown. */
const REFRESH_INTERVAL_MS = 60000;

const QUEUE_MEASURES = ["offered_counted", "answered", "abandoned", "service_level", "asa", "aht"];
const AGENT_MEASURES = [
    "handled",
    "inbound_answered",
    "aht",
    "occupancy",
    "available_seconds",
    "paused_seconds",
];

/**
 * The manager dashboard: a period's KPIs against the queues' targets, calls per
 * hour or day, the queues, the agents' ranking and the optional channels. Team
 * leads see the queues they lead; agents their own figures. Every figure and
 * tile opens the report behind it.
 */
export class CallcenterDashboard extends Component {
    static template = "callcenter_reports.Dashboard";
    static components = {
        DashboardAgentRanking,
        DashboardChannelTile,
        DashboardChart,
        DashboardKpiCard,
        DashboardQueueTable,
        DateTimeInput,
        Dropdown,
        DropdownItem,
        Layout,
    };
    static props = { ...standardActionServiceProps };

    setup() {
        this.orm = useService("orm");
        this.actionService = useService("action");
        const saved = this.props.state || {};
        this.state = useState({
            data: null,
            stale: false,
            period: saved.period || "today",
            dateFrom: saved.dateFrom ? DateTime.fromISO(saved.dateFrom) : null,
            dateTo: saved.dateTo ? DateTime.fromISO(saved.dateTo) : null,
            queueIds: saved.queueIds || [],
            teamId: saved.teamId || false,
        });
        this.lastRequest = 0;
        this.formatCount = formatCount;
        this.formatRate = formatRate;
        this.formatSeconds = formatSeconds;
        // Coming back from a report through the breadcrumbs keeps the filters.
        useSetupAction({
            getLocalState: () => ({
                period: this.state.period,
                dateFrom: this.state.dateFrom?.toISODate(),
                dateTo: this.state.dateTo?.toISODate(),
                queueIds: this.state.queueIds,
                teamId: this.state.teamId,
            }),
        });
        onWillStart(() => this.load());
        let timer;
        onMounted(() => {
            timer = browser.setInterval(() => this.autoRefresh(), REFRESH_INTERVAL_MS);
        });
        onWillUnmount(() => browser.clearInterval(timer));
    }

    // ------------------------------------------------------------------
    // Data
    // ------------------------------------------------------------------

    /** Reads the figures again; an answer overtaken by a newer request is dropped. */
    async load({ silent = false } = {}) {
        const request = ++this.lastRequest;
        const kwargs = {
            period: this.state.period,
            queue_ids: this.state.queueIds,
            team_id: this.state.teamId,
        };
        if (this.state.period === "custom") {
            kwargs.date_from = this.state.dateFrom.toISODate();
            kwargs.date_to = this.state.dateTo.toISODate();
        }
        const orm = silent ? this.orm.silent : this.orm;
        const data = await orm.call(
            "callcenter.report.dashboard",
            "callcenter_dashboard_data",
            [],
            kwargs
        );
        if (request !== this.lastRequest) {
            return;
        }
        this.state.data = data;
        this.state.stale = false;
        this.state.queueIds = data.filters.queue_ids;
        this.state.teamId = data.filters.team_id;
        if (this.state.period !== "custom") {
            this.state.dateFrom = DateTime.fromISO(data.period.date_from);
            this.state.dateTo = DateTime.fromISO(data.period.date_to);
        }
    }

    /** In the background: a failed refresh keeps the last figures, marked as old. */
    async autoRefresh() {
        if (document.hidden) {
            return;
        }
        try {
            await this.load({ silent: true });
        } catch {
            this.state.stale = true;
        }
    }

    refresh() {
        return this.load();
    }

    get data() {
        return this.state.data;
    }

    get isCenter() {
        return this.data.scope === "center";
    }

    get display() {
        return { controlPanel: {} };
    }

    // ------------------------------------------------------------------
    // Filters
    // ------------------------------------------------------------------

    get periods() {
        return [
            { key: "today", label: _t("Today") },
            { key: "yesterday", label: _t("Yesterday") },
            { key: "this_week", label: _t("This week") },
            { key: "last_7_days", label: _t("Last 7 days") },
            { key: "this_month", label: _t("This month") },
            { key: "last_month", label: _t("Last month") },
            { key: "custom", label: _t("Custom") },
        ];
    }

    selectPeriod(key) {
        this.state.period = key;
        return this.load();
    }

    /**
     * One end of the custom period ("dateFrom" or "dateTo") picked: the other end
     * moves to the same day when it would otherwise be on the wrong side of it.
     */
    onDateChange(end, date) {
        if (!date) {
            return;
        }
        const day = date.startOf("day");
        this.state[end] = day;
        if (this.state.dateFrom > this.state.dateTo) {
            this.state[end === "dateFrom" ? "dateTo" : "dateFrom"] = day;
        }
        return this.load();
    }

    get periodLabel() {
        const { date_from: first, date_to: last } = this.data.period;
        const from = DateTime.fromISO(first);
        if (first === last) {
            return from.toLocaleString(DateTime.DATE_MED_WITH_WEEKDAY);
        }
        return `${from.toLocaleString(DateTime.DATE_MED)} – ${DateTime.fromISO(last).toLocaleString(
            DateTime.DATE_MED
        )}`;
    }

    get updatedLabel() {
        const at = deserializeDateTime(this.data.refreshed_at);
        return _t("Updated %(time)s", { time: at.toFormat("HH:mm") });
    }

    get updatedTitle() {
        return this.state.stale
            ? _t("The last refresh failed: these figures may be old.")
            : _t("Refreshed every minute");
    }

    isQueueSelected(queue) {
        return this.state.queueIds.includes(queue.id);
    }

    toggleQueue(queue) {
        const ids = this.state.queueIds;
        this.state.queueIds = ids.includes(queue.id)
            ? ids.filter((id) => id !== queue.id)
            : [...ids, queue.id];
        return this.load();
    }

    clearQueues() {
        this.state.queueIds = [];
        return this.load();
    }

    get queueFilterLabel() {
        const selected = this.data.filters.queues.filter((queue) => this.isQueueSelected(queue));
        if (!selected.length) {
            return _t("All queues");
        }
        return selected.length === 1
            ? selected[0].name
            : _t("%(count)s queues", { count: selected.length });
    }

    selectTeam(teamId) {
        this.state.teamId = teamId;
        return this.load();
    }

    get teamFilterLabel() {
        const team = this.data.filters.teams.find((team) => team.id === this.state.teamId);
        return team ? team.name : _t("All teams");
    }

    // ------------------------------------------------------------------
    // Figures
    // ------------------------------------------------------------------

    get kpiCards() {
        return this.isCenter ? this.centerCards : this.agentCards;
    }

    get centerCards() {
        const kpis = this.data.kpis;
        const openQueue = (measures) => () => this.openQueueFacts(null, measures);
        const slStatus = kpis.sl_ok === null ? null : kpis.sl_ok ? "ok" : "bad";
        return [
            {
                name: "offered",
                label: _t("Offered"),
                value: formatCount(kpis.offered),
                hint: kpis.short_abandoned
                    ? _t("%(count)s short abandons left out", {
                          count: formatCount(kpis.short_abandoned),
                      })
                    : _t("Calls that reached a queue"),
                onOpen: openQueue(["offered_counted", "offered", "short_abandoned"]),
            },
            {
                name: "answered",
                label: _t("Answered"),
                value: formatCount(kpis.answered),
                hint: _t("%(rate)s of offered", { rate: formatRate(kpis.answer_rate) }),
                onOpen: openQueue(["answered", "answer_rate", "answered_in_sl"]),
            },
            {
                name: "abandoned",
                label: _t("Abandoned"),
                value: formatCount(kpis.abandoned),
                hint: _t("%(rate)s abandon rate", { rate: formatRate(kpis.abandon_rate) }),
                onOpen: openQueue(["abandoned", "abandon_rate", "avg_abandon_time"]),
            },
            {
                name: "service_level",
                label: _t("Service level"),
                value: formatRate(kpis.service_level),
                hint:
                    kpis.sl_target === null
                        ? _t("No target")
                        : _t("Target %(target)s", { target: formatRate(kpis.sl_target) }),
                help: _t(
                    "Calls answered within each queue's threshold, by each queue's formula; the target is the queues' targets weighted by their calls."
                ),
                status: slStatus,
                gauge: { value: kpis.service_level, target: kpis.sl_target },
                className: "o_callcenter_kpi_wide",
                onOpen: openQueue(["service_level", "sl_numerator", "sl_denominator"]),
            },
            {
                name: "asa",
                label: _t("Avg. speed of answer"),
                value: formatSeconds(kpis.asa),
                hint: _t("Wait of answered calls"),
                onOpen: openQueue(["asa", "answered", "wait_answered_total"]),
            },
            {
                name: "aht",
                label: _t("Avg. handle time"),
                value: formatSeconds(kpis.aht),
                hint: _t("Talk, hold and wrap-up"),
                onOpen: openQueue(["aht", "avg_talk", "answered"]),
            },
            {
                name: "avg_wait",
                label: _t("Avg. wait"),
                value: formatSeconds(kpis.avg_wait),
                hint: _t("Longest %(wait)s", { wait: formatSeconds(kpis.wait_max) }),
                onOpen: openQueue(["avg_wait", "wait_max", "waited"]),
            },
            {
                name: "avg_abandon_time",
                label: _t("Avg. abandon time"),
                value: formatSeconds(kpis.avg_abandon_time),
                hint: _t("Wait before hanging up"),
                onOpen: openQueue(["avg_abandon_time", "abandoned"]),
            },
            {
                name: "transfer_rate",
                label: _t("Transfer rate"),
                value: formatRate(kpis.transfer_rate),
                hint: _t("%(count)s calls transferred", { count: formatCount(kpis.transferred) }),
                onOpen: openQueue(["transfer_rate", "transferred"]),
            },
            {
                name: "repeat_rate",
                label: _t("Repeat callers"),
                value: formatRate(kpis.repeat_rate),
                hint: _t("Called again within 7 days"),
                help: _t("A proxy for first-contact resolution: the lower, the better."),
                onOpen: openQueue(["repeat_rate", "repeat_calls"]),
            },
            {
                name: "occupancy",
                label: _t("Occupancy"),
                value: formatRate(kpis.occupancy),
                hint: _t("Handle time / (handle + idle)"),
                onOpen: () =>
                    this.openAgentFacts(null, ["occupancy", "handle_total", "available_seconds"]),
            },
        ];
    }

    get agentCards() {
        const totals = this.data.agent_totals;
        const openMine = (measures) => () => this.openAgentFacts(null, measures);
        return [
            {
                name: "handled",
                label: _t("Calls handled"),
                value: formatCount(totals.handled),
                hint: _t("Answered and connected outbound"),
                onOpen: openMine(["handled", "inbound_answered", "outbound_connected"]),
            },
            {
                name: "inbound_answered",
                label: _t("Calls answered"),
                value: formatCount(totals.inbound_answered),
                hint: _t("%(count)s missed", { count: formatCount(totals.missed) }),
                onOpen: openMine(["inbound_answered", "missed"]),
            },
            {
                name: "outbound",
                label: _t("Outbound calls"),
                value: formatCount(totals.outbound_calls),
                hint: _t("%(count)s connected", { count: formatCount(totals.outbound_connected) }),
                onOpen: openMine(["outbound_calls", "outbound_connected"]),
            },
            {
                name: "aht",
                label: _t("Avg. handle time"),
                value: formatSeconds(totals.aht),
                hint: _t("Talk, hold and wrap-up"),
                onOpen: openMine(["aht", "avg_talk", "handled"]),
            },
            {
                name: "occupancy",
                label: _t("Occupancy"),
                value: formatRate(totals.occupancy),
                hint: _t("Handle time / (handle + idle)"),
                onOpen: openMine(["occupancy", "handle_total", "available_seconds"]),
            },
            {
                name: "available_seconds",
                label: _t("Idle"),
                value: formatSeconds(totals.available_seconds),
                hint: _t("Available, waiting for a call"),
                onOpen: openMine(["available_seconds", "logged_in_seconds"]),
            },
            {
                name: "paused_seconds",
                label: _t("Paused"),
                value: formatSeconds(totals.paused_seconds),
                hint: _t("Logged in and paused"),
                onOpen: openMine(["paused_seconds", "logged_in_seconds"]),
            },
            {
                name: "transfer_rate",
                label: _t("Transfer rate"),
                value: formatRate(totals.transfer_rate),
                hint: _t("%(count)s calls transferred", { count: formatCount(totals.transferred) }),
                onOpen: openMine(["transfer_rate", "transferred"]),
            },
        ];
    }

    get chartTitle() {
        const hourly = this.data.series.granularity === "hour";
        if (!this.isCenter) {
            return hourly ? _t("My calls per hour") : _t("My calls per day");
        }
        return hourly ? _t("Calls per hour") : _t("Calls per day");
    }

    // ------------------------------------------------------------------
    // Reports behind the figures
    // ------------------------------------------------------------------

    get timeGroupby() {
        return `interval_start:${this.data.period.granularity}`;
    }

    /** Opens a report action by its XML id on these records, in the pivot view. */
    async openReport(xmlid, domain, { name, context = {}, viewType } = {}) {
        const action = await this.actionService.loadAction(xmlid);
        // The domain is the period: the report's own default filters would narrow it.
        const ownContext = Object.fromEntries(
            Object.entries(action.context || {}).filter(
                ([key]) => !key.startsWith("search_default_")
            )
        );
        return this.actionService.doAction(
            {
                ...action,
                name: name || action.name,
                display_name: name || action.display_name || action.name,
                domain,
                context: { ...ownContext, ...context },
            },
            { viewType }
        );
    }

    openQueueFacts(row = null, measures = QUEUE_MEASURES) {
        if (!this.data.actions.queue) {
            return;
        }
        const period = this.periodLabel;
        return this.openFacts("queue", row, measures, {
            name: row
                ? _t("%(queue)s · %(period)s", { queue: row.name, period })
                : _t("Queues · %(period)s", { period }),
            byRow: true,
        });
    }

    openAgentFacts(row = null, measures = AGENT_MEASURES) {
        const period = this.periodLabel;
        return this.openFacts("agent", row, measures, {
            name: row
                ? _t("%(agent)s · %(period)s", { agent: row.name, period })
                : _t("Agents · %(period)s", { period }),
            // an agent's dashboard holds their own figures only: by time
            byRow: this.isCenter,
        });
    }

    /**
     * The period's queue or agent facts (`kind`) in the pivot: those of one row
     * (a queue, an agent) by time, or all of them by row when `byRow`.
     */
    openFacts(kind, row, measures, { name, byRow }) {
        const field = `${kind}_id`;
        const domain = [...this.data.domains[kind]];
        if (row) {
            domain.push([field, "=", row.id]);
        }
        return this.openReport(this.data.actions[kind], domain, {
            name,
            viewType: "pivot",
            context: {
                pivot_row_groupby: row || !byRow ? [this.timeGroupby] : [field],
                pivot_column_groupby: [],
                pivot_measures: measures,
            },
        });
    }

    openChannel(tile) {
        return this.openReport(tile.action, tile.domain);
    }
}

registry.category("actions").add("callcenter_reports.dashboard", CallcenterDashboard);
