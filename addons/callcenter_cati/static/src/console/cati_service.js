/** License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl). */
import { EventBus } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { user } from "@web/core/user";

export const CONSOLE_ACTION = "callcenter_cati.callcenter_cati_console_action";

/**
 * Cases the dialer puts through to this interviewer (`callcenter.cati/case`).
 * An open console takes them at once; elsewhere in Odoo the interviewer is
 * told, with a way to the console.
 */
export class CatiService {
    constructor(env, services) {
        this.busService = services.bus_service;
        this.notification = services.notification;
        this.actionService = services.action;
        /** Consoles on screen: they take pushed cases instead of a notification. */
        this.watchers = 0;
        this.bus = new EventBus();
        this.closeNotification = null;
    }

    async start() {
        if (!(await user.hasGroup("callcenter_base.group_callcenter_agent"))) {
            return;
        }
        this.busService.subscribe("callcenter.cati/case", (payload) => this._onCase(payload));
        // Notifications older than the bus history are lost after a long
        // disconnection: open consoles read their state again.
        this.busService.addEventListener("reconnect", () => this.bus.trigger("reconnect"));
        this.busService.start();
    }

    watch() {
        this.watchers++;
        this.closeNotification?.();
        this.closeNotification = null;
    }

    unwatch() {
        this.watchers = Math.max(this.watchers - 1, 0);
    }

    _onCase(payload) {
        if (this.watchers) {
            this.bus.trigger("case", payload);
            return;
        }
        this.closeNotification?.();
        this.closeNotification = this.notification.add(_t("A respondent is on the line for you."), {
            title: _t("Survey call"),
            type: "info",
            sticky: true,
            buttons: [
                {
                    name: _t("Open the console"),
                    primary: true,
                    onClick: () => this.actionService.doAction(CONSOLE_ACTION),
                },
            ],
        });
    }
}

export const catiService = {
    dependencies: ["action", "bus_service", "notification"],
    start(env, services) {
        const service = new CatiService(env, services);
        service.start();
        return service;
    },
};

registry.category("services").add("callcenter.cati", catiService);
