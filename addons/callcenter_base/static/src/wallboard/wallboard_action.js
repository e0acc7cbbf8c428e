/** License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl). */
import { Component, onMounted, onWillStart, onWillUnmount, reactive, useState } from "@odoo/owl";
import { browser } from "@web/core/browser/browser";
import { ConfirmationDialog } from "@web/core/confirmation_dialog/confirmation_dialog";
import { Dropdown } from "@web/core/dropdown/dropdown";
import { DropdownItem } from "@web/core/dropdown/dropdown_item";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { debounce } from "@web/core/utils/timing";
import { standardActionServiceProps } from "@web/webclient/actions/action_service";

import { formatDuration } from "@callcenter_base/fields/duration_field";
import {
    agentStateLabels,
    isUserError,
    useClock,
} from "@callcenter_base/softphone/softphone_service";

/** Fallback refresh when no bus notification came (connector silent, bus down). */
const REFRESH_INTERVAL_MS = 15000;
const BUS_DEBOUNCE_MS = 300;

/**
 * Live queue and agent figures for team leads. The service owns the bus
 * subscription; it only fetches while a wallboard is on screen.
 */
export class Wallboard {
    constructor(env, services) {
        this.orm = services.orm;
        this.busService = services.bus_service;
        this.queues = [];
        this.agents = [];
        /** Client time (epoch ms) of the last answer, to tick durations from. */
        this.fetchedAt = null;
        this.watchers = 0;
        this.lastRequest = 0;
        this.debouncedFetch = debounce(() => this.fetch(), BUS_DEBOUNCE_MS);
    }

    start() {
        this.busService.subscribe("callcenter.wallboard/refresh", () => {
            if (this.watchers) {
                this.debouncedFetch();
            }
        });
        this.busService.start();
    }

    /** Reads the figures again; an answer overtaken by a newer request is dropped. */
    async fetch() {
        const request = ++this.lastRequest;
        const data = await this.orm.silent.call(
            "callcenter.queue",
            "callcenter_wallboard_data",
            []
        );
        if (request !== this.lastRequest) {
            return;
        }
        this.queues = data.queues;
        this.agents = data.agents;
        this.fetchedAt = Date.now();
    }

    watch() {
        this.watchers++;
        return this.fetch();
    }

    unwatch() {
        this.watchers = Math.max(this.watchers - 1, 0);
    }
}

export const wallboardService = {
    dependencies: ["bus_service", "orm"],
    start(env, services) {
        const wallboard = reactive(new Wallboard(env, services));
        wallboard.start();
        return wallboard;
    },
};

registry.category("services").add("callcenter.wallboard", wallboardService);

export class WallboardAction extends Component {
    static template = "callcenter_base.Wallboard";
    static components = { Dropdown, DropdownItem };
    static props = { ...standardActionServiceProps };

    setup() {
        this.wallboard = useState(useService("callcenter.wallboard"));
        // Listening rings the team lead's own device: only team leads who are agents can.
        this.softphone = useState(useService("callcenter.softphone"));
        this.orm = useService("orm");
        this.dialog = useService("dialog");
        this.notification = useService("notification");
        this.clock = useClock();
        this.stateLabels = agentStateLabels();
        this.pauseReasons = [];
        onWillStart(async () => {
            const [reasons] = await Promise.all([
                this.orm.searchRead("callcenter.pause.reason", [], ["name"]),
                this.wallboard.watch(),
            ]);
            this.pauseReasons = reasons;
        });
        let timer;
        onMounted(() => {
            timer = browser.setInterval(() => this.wallboard.fetch(), REFRESH_INTERVAL_MS);
        });
        onWillUnmount(() => {
            browser.clearInterval(timer);
            this.wallboard.unwatch();
        });
    }

    /** Seconds elapsed since the last fetch, to keep durations ticking in between. */
    get elapsed() {
        const since = this.wallboard.fetchedAt;
        return since ? Math.max(Math.floor((this.clock.now - since) / 1000), 0) : 0;
    }

    get totals() {
        const totals = { waiting: 0, available: 0, paused: 0, busy: 0 };
        for (const queue of this.wallboard.queues) {
            totals.waiting += queue.waiting;
        }
        for (const agent of this.wallboard.agents) {
            if (agent.state === "available") {
                totals.available++;
            } else if (agent.state === "paused") {
                totals.paused++;
            } else if (["ringing", "on_call", "wrapup"].includes(agent.state)) {
                totals.busy++;
            }
        }
        return totals;
    }

    get pauseTooLongTitle() {
        return _t("Longer than expected for this reason");
    }

    longestWait(queue) {
        return queue.waiting ? formatDuration(queue.longest_wait + this.elapsed) : "–";
    }

    timeInState(agent) {
        return formatDuration(agent.seconds_in_state + this.elapsed);
    }

    serviceLevel(queue) {
        return queue.service_level === null ? "–" : `${queue.service_level.toFixed(0)}%`;
    }

    serviceLevelClass(queue) {
        if (queue.service_level === null) {
            return "o_callcenter_sl_none";
        }
        return queue.service_level >= queue.sl_target
            ? "o_callcenter_sl_ok"
            : "o_callcenter_sl_bad";
    }

    // ------------------------------------------------------------------
    // Team lead commands
    // ------------------------------------------------------------------

    supervise(agent, mode) {
        return this._command(
            () =>
                this.orm.call("callcenter.call", "action_callcenter_supervise", [
                    [agent.call_id],
                    mode,
                ]),
            {
                listen: _t("Your phone rings: pick up to listen to %(agent)s.", {
                    agent: agent.name,
                }),
                whisper: _t("Your phone rings: pick up to whisper to %(agent)s.", {
                    agent: agent.name,
                }),
                barge: _t("Your phone rings: pick up to join the call of %(agent)s.", {
                    agent: agent.name,
                }),
            }[mode]
        );
    }

    hangup(agent) {
        this.dialog.add(ConfirmationDialog, {
            title: _t("Hang up"),
            body: _t("End the call of %(agent)s with %(number)s?", {
                agent: agent.name,
                number: agent.call_number || _t("an unknown number"),
            }),
            confirmLabel: _t("Hang up"),
            confirm: () =>
                this._command(() =>
                    this.orm.call("callcenter.call", "action_callcenter_hangup", [[agent.call_id]])
                ),
            cancel: () => {},
        });
    }

    forceState(agent, state, reasonId = false) {
        const run = () =>
            this._command(() =>
                this.orm.call("callcenter.agent", "action_callcenter_force_state", [
                    [agent.id],
                    state,
                    reasonId,
                ])
            );
        if (state !== "logged_out") {
            return run();
        }
        this.dialog.add(ConfirmationDialog, {
            title: _t("Log out"),
            body: _t("Log %(agent)s out of all their queues?", { agent: agent.name }),
            confirmLabel: _t("Log out"),
            confirm: run,
            cancel: () => {},
        });
    }

    refresh() {
        return this.wallboard.fetch();
    }

    async _command(rpcCall, successMessage = "") {
        try {
            await rpcCall();
        } catch (error) {
            if (isUserError(error)) {
                this.notification.add(error.data.message, { type: "danger" });
                return;
            }
            throw error;
        }
        if (successMessage) {
            this.notification.add(successMessage, { type: "info" });
        }
        await this.wallboard.fetch();
    }
}

registry.category("actions").add("callcenter_base.wallboard", WallboardAction);
