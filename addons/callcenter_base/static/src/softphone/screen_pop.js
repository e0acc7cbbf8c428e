/** License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl). */
import { Component, useState } from "@odoo/owl";
import { deserializeDateTime } from "@web/core/l10n/dates";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";

import { formatDuration } from "@callcenter_base/fields/duration_field";
import { secondsSince, serverMillis, useClock } from "@callcenter_base/softphone/softphone_service";

const { DateTime } = luxon;

/**
 * The screen pop: who is calling, their contacts, open items and last calls,
 * shown over any screen while a call rings or is answered for this agent.
 */
export class ScreenPop extends Component {
    static template = "callcenter_base.ScreenPop";
    static props = {};

    setup() {
        this.softphone = useState(useService("callcenter.softphone"));
        this.clock = useClock();
    }

    get pop() {
        return this.softphone.pop;
    }

    get vipLabels() {
        return { 1: _t("Silver"), 2: _t("Gold"), 3: _t("Platinum") };
    }

    get title() {
        switch (this.pop.state) {
            case "answered":
                return _t("On call");
            case "ringing":
            case "queued":
                return this.pop.direction === "outbound"
                    ? _t("Outgoing call")
                    : _t("Incoming call");
            default:
                return _t("Call ended");
        }
    }

    get stateClass() {
        switch (this.pop.state) {
            case "answered":
                return "o_callcenter_state_on_call";
            case "ringing":
            case "queued":
                return "o_callcenter_state_ringing";
            default:
                return "o_callcenter_state_logged_out";
        }
    }

    get toggleTitle() {
        return this.pop.collapsed ? _t("Show details") : _t("Minimize");
    }

    get isLive() {
        return ["ringing", "queued", "answered"].includes(this.pop.state);
    }

    get timer() {
        const since = serverMillis(this.pop.answered_at || this.pop.started_at);
        const until = this.isLive ? this.clock.now : serverMillis(this.pop.ended_at) || since;
        return formatDuration(secondsSince(since, until));
    }

    /** The caller as the agent greets them: matched contact, else the caller id name. */
    get displayName() {
        return this.pop.partner_name || this.pop.caller_name || _t("Unknown caller");
    }

    get mainPartnerId() {
        return this.pop.partner_id || this.pop.partners[0]?.id || false;
    }

    formatDate(value) {
        return value ? deserializeDateTime(value).toLocaleString(DateTime.DATETIME_SHORT) : "";
    }

    /** A previous call's queue, outcome and notes on one line. */
    lastCallDetails(call) {
        const outcome = [call.disposition, call.summary].filter(Boolean).join(": ");
        return [call.queue, outcome].filter(Boolean).join(" · ");
    }

    openPartner(partnerId = this.mainPartnerId) {
        this.softphone.pop.collapsed = true;
        return this.softphone.openPartner(partnerId);
    }

    createPartner() {
        this.softphone.pop.collapsed = true;
        return this.softphone.createPartner(this.pop.number, this.pop.caller_name);
    }

    openCall(callId = this.pop.id) {
        this.softphone.pop.collapsed = true;
        return this.softphone.openCall(callId);
    }

    openItem(item) {
        this.softphone.pop.collapsed = true;
        return this.softphone.openRecord(item.model, item.id);
    }
}

registry.category("main_components").add("callcenter_base.ScreenPop", { Component: ScreenPop });
