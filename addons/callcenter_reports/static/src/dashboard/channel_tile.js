/** License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).  */
import { Component } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";

import { formatCount, formatDecimal, formatRate, formatSeconds } from "./format";

/**
 * The figure of an optional channel (IVR, WeChat, CATI) for the period; opens
 * that module's own report when it has one.
 */
export class DashboardChannelTile extends Component {
    static template = "callcenter_reports.DashboardChannelTile";
    static props = {
        tile: Object,
        onOpen: Function,
    };

    get view() {
        const tile = this.props.tile;
        switch (tile.key) {
            case "ivr":
                return {
                    icon: "fa-sitemap",
                    title: _t("IVR self-service"),
                    value: formatRate(tile.self_service_rate),
                    details: [
                        _t("%(served)s of %(sessions)s calls served in the IVR", {
                            served: formatCount(tile.self_served),
                            sessions: formatCount(tile.sessions),
                        }),
                    ],
                };
            case "wechat":
                return {
                    icon: "fa-wechat",
                    title: _t("WeChat first response"),
                    value: formatSeconds(tile.avg_first_response),
                    details: [
                        _t("%(answered)s of %(conversations)s conversations answered", {
                            answered: formatCount(tile.answered),
                            conversations: formatCount(tile.conversations),
                        }),
                    ],
                };
            case "cati":
                return {
                    icon: "fa-list-alt",
                    title: _t("CATI completes per hour"),
                    value: formatDecimal(tile.completes_per_hour),
                    details: [
                        _t("%(completes)s completes, %(attempts)s calls", {
                            completes: formatCount(tile.completes),
                            attempts: formatCount(tile.attempts),
                        }),
                        _t("%(per)s calls per interviewer", {
                            per: formatDecimal(tile.attempts_per_interviewer),
                        }),
                    ],
                };
        }
        return { icon: "fa-bar-chart", title: tile.key, value: "", details: [] };
    }

    onKeydown(ev) {
        if (ev.key === "Enter") {
            this.onClick();
        }
    }

    onClick() {
        if (this.props.tile.action) {
            this.props.onOpen(this.props.tile);
        }
    }
}
