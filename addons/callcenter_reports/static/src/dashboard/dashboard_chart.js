/** License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl). */
import { Component, onWillStart, onWillUnmount, useEffect, useRef } from "@odoo/owl";
import { loadBundle } from "@web/core/assets";
import { cookie } from "@web/core/browser/cookie";
import { getCustomColor } from "@web/core/colors/colors";
import { _t } from "@web/core/l10n/translation";
import { formatFloat } from "@web/views/fields/formatters";

const { DateTime } = luxon;

/** The state palette of callcenter_base (agent_systray.scss). */
const COLORS = {
    answered: "#1e9e5a",
    abandoned: "#d63a3a",
    serviceLevel: "#7c4dbb",
    target: "#7a828a",
};

/**
 * Calls per hour or day of the period: answered and abandoned stacked, the
 * service level on its own axis against its target. For an agent: calls handled
 * and occupancy. Updated in place on every refresh, so it does not flicker.
 */
export class DashboardChart extends Component {
    static template = "callcenter_reports.DashboardChart";
    static props = {
        series: Object,
        scope: String,
        slTarget: { type: [Number, { value: null }], optional: true },
    };

    setup() {
        this.canvasRef = useRef("canvas");
        this.chart = null;
        onWillStart(() => loadBundle("web.chartjs_lib"));
        useEffect(
            () => this.renderChart(),
            () => [this.props.series, this.props.slTarget]
        );
        onWillUnmount(() => this.chart?.destroy());
    }

    get labels() {
        const hourly = this.props.series.granularity === "hour";
        return this.props.series.keys.map((key) => {
            const bucket = DateTime.fromISO(key);
            return hourly
                ? bucket.toFormat("HH:mm")
                : bucket.toLocaleString({ month: "short", day: "numeric" });
        });
    }

    get datasets() {
        const series = this.props.series;
        if (this.props.scope === "agent") {
            return [
                this.bars(_t("Calls handled"), series.handled, COLORS.answered),
                this.line(_t("Occupancy"), series.occupancy, COLORS.serviceLevel),
            ];
        }
        const datasets = [
            this.bars(_t("Answered"), series.answered, COLORS.answered),
            this.bars(_t("Abandoned"), series.abandoned, COLORS.abandoned),
            this.line(_t("Service level"), series.service_level, COLORS.serviceLevel),
        ];
        if (this.props.slTarget !== null && this.props.slTarget !== undefined) {
            datasets.push({
                type: "line",
                label: _t("Target"),
                data: series.keys.map(() => this.props.slTarget),
                yAxisID: "y1",
                borderColor: COLORS.target,
                borderWidth: 1.5,
                borderDash: [6, 4],
                pointRadius: 0,
                pointHoverRadius: 0,
                order: 0,
            });
        }
        return datasets;
    }

    bars(label, data, color) {
        return {
            type: "bar",
            label,
            data,
            yAxisID: "y",
            backgroundColor: color,
            hoverBackgroundColor: color,
            borderRadius: 2,
            maxBarThickness: 28,
            stack: "calls",
            order: 2,
        };
    }

    line(label, data, color) {
        return {
            type: "line",
            label,
            data,
            yAxisID: "y1",
            borderColor: color,
            backgroundColor: color,
            borderWidth: 2,
            pointRadius: 2.5,
            pointHoverRadius: 4,
            tension: 0.25,
            spanGaps: true,
            order: 1,
        };
    }

    get config() {
        const colorScheme = cookie.get("color_scheme");
        const gridColor = getCustomColor(colorScheme, "#e7e9ed", "#3C3E4B");
        const labelColor = getCustomColor(colorScheme, "#6c757d", "#C8C8C8");
        const percent = (value) => `${formatFloat(value, { digits: [false, 0] })}%`;
        return {
            type: "bar",
            data: { labels: this.labels, datasets: this.datasets },
            options: {
                maintainAspectRatio: false,
                animation: false,
                interaction: { mode: "index", intersect: false },
                plugins: {
                    legend: {
                        position: "bottom",
                        labels: {
                            color: labelColor,
                            usePointStyle: true,
                            boxWidth: 8,
                            boxHeight: 8,
                            // Bars first, then lines: the datasets' order, not the drawing order.
                            sort: (a, b) => a.datasetIndex - b.datasetIndex,
                        },
                    },
                    tooltip: {
                        callbacks: {
                            footer: (items) => this.tooltipFooter(items),
                            label: (context) => {
                                const value = context.parsed.y;
                                if (value === null || value === undefined) {
                                    return null;
                                }
                                const shown =
                                    context.dataset.yAxisID === "y1" ? percent(value) : value;
                                return ` ${context.dataset.label}: ${shown}`;
                            },
                        },
                    },
                },
                scales: {
                    x: {
                        stacked: true,
                        grid: { display: false },
                        ticks: { color: labelColor, autoSkip: true, maxRotation: 0 },
                    },
                    y: {
                        stacked: true,
                        beginAtZero: true,
                        grid: { color: gridColor },
                        border: { display: false },
                        ticks: { color: labelColor, precision: 0 },
                    },
                    y1: {
                        position: "right",
                        min: 0,
                        max: 100,
                        grid: { display: false },
                        border: { display: false },
                        ticks: { color: labelColor, stepSize: 25, callback: percent },
                    },
                },
            },
        };
    }

    /** Offered calls of the hovered hour or day, also those neither answered nor abandoned. */
    tooltipFooter(items) {
        const offered = this.props.series.offered;
        if (!offered || !items.length || offered[items[0].dataIndex] === null) {
            return "";
        }
        return _t("Offered: %(count)s", { count: offered[items[0].dataIndex] });
    }

    renderChart() {
        const config = this.config;
        if (this.chart) {
            this.chart.data = config.data;
            this.chart.options = config.options;
            this.chart.update("none");
            return;
        }
        this.chart = new Chart(this.canvasRef.el, config);
    }
}
