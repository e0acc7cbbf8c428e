/** License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl). */
import { onMounted, onWillUnmount, reactive, useState } from "@odoo/owl";
import { browser } from "@web/core/browser/browser";
import { deserializeDateTime } from "@web/core/l10n/dates";
import { _t } from "@web/core/l10n/translation";
import { RPCError } from "@web/core/network/rpc";
import { registry } from "@web/core/registry";
import { user } from "@web/core/user";

/** Call states during which the call is the agent's current call. */
export const LIVE_CALL_STATES = ["ringing", "queued", "answered"];
/** Agent states in which the agent has no call of their own. */
const IDLE_AGENT_STATES = ["available", "paused", "logged_out"];
/** Errors of the server that are messages for the user rather than bugs. */
const USER_ERRORS = [
    "odoo.exceptions.UserError",
    "odoo.exceptions.AccessError",
    "odoo.exceptions.ValidationError",
];

/** Whether `error` is a message for the user (shown as a notification), not a bug. */
export function isUserError(error, moreExceptions = []) {
    return (
        error instanceof RPCError &&
        (USER_ERRORS.includes(error.exceptionName) || moreExceptions.includes(error.exceptionName))
    );
}
const CALL_FIELDS = [
    "id",
    "linkedid",
    "state",
    "direction",
    "number",
    "partner_id",
    "partner_name",
    "queue",
    "answered_at",
    "started_at",
    "ended_at",
];

export function agentStateLabels() {
    return {
        logged_out: _t("Logged out"),
        available: _t("Available"),
        paused: _t("Paused"),
        ringing: _t("Ringing"),
        on_call: _t("On call"),
        wrapup: _t("Wrap-up"),
    };
}

/** A server datetime ("YYYY-MM-DD HH:MM:SS", UTC) in epoch milliseconds, or null. */
export function serverMillis(value) {
    return value ? deserializeDateTime(value).toMillis() : null;
}

/** Whole seconds elapsed between epoch milliseconds `since` and `now`, never negative. */
export function secondsSince(since, now) {
    return since ? Math.max(Math.floor((now - since) / 1000), 0) : 0;
}

/**
 * A clock for live timers: `clock.now` (epoch ms) changes every `interval` ms
 * while the component is mounted.
 */
export function useClock(interval = 1000) {
    const clock = useState({ now: Date.now() });
    let timer;
    onMounted(() => {
        timer = browser.setInterval(() => (clock.now = Date.now()), interval);
    });
    onWillUnmount(() => browser.clearInterval(timer));
    return clock;
}

function pickCall(payload) {
    return Object.fromEntries(CALL_FIELDS.map((field) => [field, payload[field] ?? false]));
}

/**
 * The agent's softphone: their state, current call and screen pop, kept up to
 * date by the bus. Components use it through `useState(useService(...))`.
 */
export class Softphone {
    constructor(env, services) {
        this.env = env;
        this.orm = services.orm;
        this.busService = services.bus_service;
        this.notification = services.notification;
        this.actionService = services.action;
        /** False until the first state is loaded. */
        this.ready = false;
        this.isAgent = false;
        /** {id, name, state, state_since, pause_reason_id, pause_reason, extension} */
        this.agent = null;
        this.pauseReasons = [];
        /** The agent's current call (softphone payload) or null. */
        this.call = null;
        /** The screen pop payload of the call ringing or answered, or null. */
        this.pop = null;
        /** A command is on its way to the PBX. */
        this.busy = false;
    }

    async start() {
        if (!(await user.hasGroup("callcenter_base.group_callcenter_agent"))) {
            this.ready = true;
            return;
        }
        this.busService.subscribe("callcenter.call/ringing", (pop) => this._onRinging(pop));
        this.busService.subscribe("callcenter.call/update", (call) => this._onCallUpdate(call));
        this.busService.subscribe("callcenter.agent/state", (agent) => this._onAgentState(agent));
        // Notifications older than the bus history are lost after a long
        // disconnection: read the state again.
        this.busService.addEventListener("reconnect", () => this.load());
        this.busService.start();
        await this.load();
    }

    async load() {
        const data = await this.orm.silent.call(
            "callcenter.agent",
            "callcenter_softphone_state",
            []
        );
        this.isAgent = Boolean(data.agent);
        if (this.isAgent) {
            this.agent = data.agent;
            this.pauseReasons = data.pause_reasons;
            this.call = data.call ? pickCall(data.call) : null;
            if (data.pop) {
                this._showPop(data.pop);
            } else if (this.pop && this.pop.id !== this.call?.id) {
                this.pop = null;
            }
        }
        this.ready = true;
    }

    // ------------------------------------------------------------------
    // Getters
    // ------------------------------------------------------------------

    get state() {
        return this.agent?.state || "logged_out";
    }

    get stateLabel() {
        return agentStateLabels()[this.state] || this.state;
    }

    get stateSince() {
        return serverMillis(this.agent?.state_since);
    }

    /** When the current call's timer starts: its answer, else its first ring. */
    get callSince() {
        return serverMillis(this.call?.answered_at || this.call?.started_at);
    }

    // ------------------------------------------------------------------
    // Commands
    // ------------------------------------------------------------------

    /**
     * @param {"available"|"paused"|"logged_out"} state
     * @param {number|false} pauseReasonId required for "paused"
     */
    async setState(state, pauseReasonId = false) {
        const agent = await this._command(() =>
            this.orm.call("callcenter.agent", "action_callcenter_set_my_state", [
                state,
                pauseReasonId,
            ])
        );
        if (agent) {
            this.agent = agent;
        }
        return agent;
    }

    /**
     * Click-to-dial: rings the agent's device, then the number.
     *
     * @param {{notify?: boolean}} options `notify` confirms the dial with a
     *  notification, for dials started away from the systray.
     */
    async dial(number, resModel = false, resId = false, { notify = true } = {}) {
        number = (number || "").trim();
        if (!number) {
            return false;
        }
        const call = await this._command(() =>
            this.orm.call("callcenter.call", "action_callcenter_dial", [
                number,
                resModel || false,
                resId || false,
            ])
        );
        if (!call) {
            return false;
        }
        if (call.error) {
            this.notification.add(call.error, { type: "danger", title: _t("Call failed") });
            return call;
        }
        this.call = pickCall(call);
        if (notify) {
            this.notification.add(_t("Calling %(number)s: pick up your phone.", { number }), {
                type: "info",
            });
        }
        return call;
    }

    async hangup(callId = this.call?.id) {
        if (!callId) {
            return false;
        }
        return this._command(() =>
            this.orm.call("callcenter.call", "action_callcenter_hangup", [[callId]])
        );
    }

    /**
     * @param {string} target extension or number
     * @param {"blind"|"attended"} kind
     */
    async transfer(target, kind = "blind", callId = this.call?.id) {
        target = (target || "").trim();
        if (!callId || !target) {
            return false;
        }
        const done = await this._command(() =>
            this.orm.call("callcenter.call", "action_callcenter_transfer", [[callId], target, kind])
        );
        if (done) {
            this.notification.add(
                kind === "attended"
                    ? _t("Consulting %(target)s: hang up to complete the transfer.", { target })
                    : _t("Call transferred to %(target)s.", { target }),
                { type: "success" }
            );
        }
        return done;
    }

    // ------------------------------------------------------------------
    // Screen pop
    // ------------------------------------------------------------------

    dismissPop() {
        this.pop = null;
    }

    togglePop() {
        if (this.pop) {
            this.pop.collapsed = !this.pop.collapsed;
        }
    }

    openPartner(partnerId) {
        return this.actionService.doAction({
            type: "ir.actions.act_window",
            res_model: "res.partner",
            res_id: partnerId,
            views: [[false, "form"]],
            target: "current",
        });
    }

    createPartner(number, name = "") {
        return this.actionService.doAction({
            type: "ir.actions.act_window",
            name: _t("New Contact"),
            res_model: "res.partner",
            views: [[false, "form"]],
            target: "current",
            context: { default_phone: number || false, default_name: name || false },
        });
    }

    openCall(callId) {
        return this.actionService.doAction({
            type: "ir.actions.act_window",
            res_model: "callcenter.call",
            res_id: callId,
            views: [[false, "form"]],
            target: "current",
        });
    }

    openRecord(model, resId) {
        return this.actionService.doAction({
            type: "ir.actions.act_window",
            res_model: model,
            res_id: resId,
            views: [[false, "form"]],
            target: "current",
        });
    }

    // ------------------------------------------------------------------
    // Private
    // ------------------------------------------------------------------

    /** Runs an RPC; a user error (PBX unreachable...) becomes a danger notification. */
    async _command(rpcCall) {
        this.busy = true;
        try {
            return await rpcCall();
        } catch (error) {
            if (isUserError(error)) {
                this.notification.add(error.data.message, { type: "danger" });
                return false;
            }
            throw error;
        } finally {
            this.busy = false;
        }
    }

    _showPop(pop) {
        this.pop = { ...pop, collapsed: false };
    }

    _onRinging(pop) {
        this._showPop(pop);
        if (!this.call || this.call.id === pop.id || !LIVE_CALL_STATES.includes(this.call.state)) {
            this.call = pickCall(pop);
        }
    }

    _onCallUpdate(payload) {
        const call = pickCall(payload);
        const live = LIVE_CALL_STATES.includes(call.state);
        if (live && (!this.call || this.call.id === call.id || call.state === "answered")) {
            this.call = call;
        } else if (!live && this.call?.id === call.id) {
            this.call = null;
        }
        if (this.pop?.id === call.id) {
            Object.assign(this.pop, call);
            // A call that ended without being answered here needs nothing more.
            if (!live && !call.answered_at) {
                this.pop = null;
            }
        }
    }

    _onAgentState(agent) {
        const previous = this.state;
        this.agent = agent;
        // Back from a call (taken by another agent, or after wrap-up): the pop is done.
        if (
            this.pop &&
            this.pop.state !== "answered" &&
            ["ringing", "on_call", "wrapup"].includes(previous) &&
            IDLE_AGENT_STATES.includes(agent.state)
        ) {
            this.pop = null;
        }
    }
}

export const softphoneService = {
    dependencies: ["action", "bus_service", "notification", "orm"],
    start(env, services) {
        const softphone = reactive(new Softphone(env, services));
        softphone.start();
        return softphone;
    },
};

registry.category("services").add("callcenter.softphone", softphoneService);
