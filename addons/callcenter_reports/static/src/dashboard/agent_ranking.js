/** License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl). */
import { Component, useState } from "@odoo/owl";

import { formatCount, formatRate, formatSeconds } from "./format";

/** How many agents the ranking shows before "Show all". */
const RANKING_SIZE = 10;

/** The agents by calls handled (接听排名), with their time split. */
export class DashboardAgentRanking extends Component {
    static template = "callcenter_reports.DashboardAgentRanking";
    static props = {
        rows: Array,
        onOpen: { type: Function, optional: true },
    };

    setup() {
        this.state = useState({ expanded: false });
        this.formatCount = formatCount;
        this.formatRate = formatRate;
        this.formatSeconds = formatSeconds;
    }

    get visibleRows() {
        return this.state.expanded ? this.props.rows : this.props.rows.slice(0, RANKING_SIZE);
    }

    get hiddenCount() {
        return Math.max(this.props.rows.length - RANKING_SIZE, 0);
    }

    get best() {
        return Math.max(1, ...this.props.rows.map((row) => row.handled));
    }

    handledWidth(row) {
        return `${Math.round((100 * row.handled) / this.best)}%`;
    }

    occupancyWidth(row) {
        return `${Math.min(Math.max(row.occupancy || 0, 0), 100)}%`;
    }

    onRowClick(row) {
        this.props.onOpen?.(row);
    }
}
