/** License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl). */
import { Component, useState } from "@odoo/owl";
import { Dropdown } from "@web/core/dropdown/dropdown";
import { DropdownItem } from "@web/core/dropdown/dropdown_item";
import { useDropdownState } from "@web/core/dropdown/dropdown_hooks";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";

import { formatDuration } from "@callcenter_base/fields/duration_field";
import { secondsSince, useClock } from "@callcenter_base/softphone/softphone_service";

/**
 * The agent's softphone in the navbar: state badge with time in state, state
 * selector, current call with hang-up and transfer, and a dial box.
 */
export class AgentSystray extends Component {
    static template = "callcenter_base.AgentSystray";
    static components = { Dropdown, DropdownItem };
    static props = {};

    setup() {
        this.softphone = useState(useService("callcenter.softphone"));
        this.clock = useClock();
        this.dropdown = useDropdownState();
        this.form = useState({ number: "", transferOpen: false, target: "" });
    }

    get stateTime() {
        return formatDuration(secondsSince(this.softphone.stateSince, this.clock.now));
    }

    get callTime() {
        return formatDuration(secondsSince(this.softphone.callSince, this.clock.now));
    }

    /** Talk time once answered, else the time in the current state. */
    get badgeTime() {
        return this.softphone.call?.state === "answered" ? this.callTime : this.stateTime;
    }

    get callStateLabel() {
        const call = this.softphone.call;
        if (call.state === "answered") {
            return _t("Connected");
        }
        return call.direction === "outbound" ? _t("Dialing") : _t("Ringing");
    }

    get callDirectionLabel() {
        return this.softphone.call.direction === "outbound" ? _t("Outbound") : _t("Inbound");
    }

    get badgeTitle() {
        const agent = this.softphone.agent;
        const reason = agent.pause_reason ? ` (${agent.pause_reason})` : "";
        return _t("%(name)s, extension %(extension)s: %(state)s%(reason)s", {
            name: agent.name,
            extension: agent.extension || "-",
            state: this.softphone.stateLabel,
            reason,
        });
    }

    isCurrent(state, reasonId = false) {
        const agent = this.softphone.agent;
        return agent.state === state && (!reasonId || agent.pause_reason_id === reasonId);
    }

    setState(state, reasonId = false) {
        return this.softphone.setState(state, reasonId);
    }

    async dial() {
        const call = await this.softphone.dial(this.form.number, false, false, { notify: false });
        if (call && !call.error) {
            this.form.number = "";
        }
    }

    hangup() {
        return this.softphone.hangup();
    }

    toggleTransfer() {
        this.form.transferOpen = !this.form.transferOpen;
    }

    async transfer(kind) {
        if (await this.softphone.transfer(this.form.target, kind)) {
            Object.assign(this.form, { target: "", transferOpen: false });
        }
    }

    /** Enter in an input acts on the input, not on the highlighted menu item. */
    onKeydown(ev, action) {
        if (ev.key === "Enter") {
            ev.preventDefault();
            ev.stopPropagation();
            action();
        }
    }
}

registry
    .category("systray")
    .add("callcenter_base.agent_systray", { Component: AgentSystray }, { sequence: 110 });
