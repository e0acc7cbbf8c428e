/** License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl). */
import { Component } from "@odoo/owl";

/**
 * One figure of the dashboard. With a `gauge` (service level) it draws the value
 * against its target; with `onOpen` the card opens the figures behind it.
 */
export class DashboardKpiCard extends Component {
    static template = "callcenter_reports.DashboardKpiCard";
    static props = {
        name: String,
        label: String,
        value: String,
        hint: { type: String, optional: true },
        help: { type: String, optional: true },
        status: { type: [String, { value: null }], optional: true },
        gauge: { type: Object, optional: true },
        onOpen: { type: Function, optional: true },
        className: { type: String, optional: true },
    };

    get gaugeWidth() {
        return `${Math.min(Math.max(this.props.gauge.value || 0, 0), 100)}%`;
    }

    get targetLeft() {
        return `${Math.min(Math.max(this.props.gauge.target || 0, 0), 100)}%`;
    }

    onKeydown(ev) {
        if (ev.key === "Enter") {
            this.onClick();
        }
    }

    onClick() {
        this.props.onOpen?.();
    }
}
