/** License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl). */
import { Component } from "@odoo/owl";

import { formatCount, formatRate, formatSeconds } from "./format";

/** One row per queue of the period; a row opens that queue's figures. */
export class DashboardQueueTable extends Component {
    static template = "callcenter_reports.DashboardQueueTable";
    static props = {
        rows: Array,
        onOpen: { type: Function, optional: true },
    };

    setup() {
        this.formatCount = formatCount;
        this.formatRate = formatRate;
        this.formatSeconds = formatSeconds;
    }

    slClass(row) {
        if (row.sl_ok === null) {
            return "o_callcenter_sl_none";
        }
        return row.sl_ok ? "o_callcenter_sl_ok" : "o_callcenter_sl_bad";
    }

    onRowClick(row) {
        this.props.onOpen?.(row);
    }
}
