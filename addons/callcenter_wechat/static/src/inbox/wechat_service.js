/** License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl). */
import { EventBus, reactive } from "@odoo/owl";
import { browser } from "@web/core/browser/browser";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { user } from "@web/core/user";

import { isUserError as isCallcenterUserError } from "@callcenter_base/softphone/softphone_service";

export const MODEL = "callcenter.wechat.conversation";
export const INBOX_ACTION = "callcenter_wechat.inbox";
export const UPDATE_NOTIFICATION = "callcenter.wechat.conversation/update";
/** Bursts of notifications (a follower sending five pictures) cost one reload. */
const RELOAD_DELAY = 250;
/** Events after which a conversation may have become the agent's. */
const ASSIGNING_EVENTS = ["new", "assigned", "transferred"];

/** Whether `error` is a message for the agent; a conversation gone meanwhile is one too. */
export function isUserError(error) {
    return isCallcenterUserError(error, ["odoo.exceptions.MissingError"]);
}

/**
 * The agent's WeChat inbox: the conversation list, shared by the inbox and the
 * systray counter, and kept fresh by `callcenter.wechat.conversation/update`.
 *
 * An open inbox (a "watcher") gets every update to refresh its thread; while
 * none is open, a conversation newly given to the agent raises a sticky
 * notification with a way to the inbox.
 */
export class WechatInbox {
    constructor(env, services) {
        this.orm = services.orm;
        this.busService = services.bus_service;
        this.notification = services.notification;
        this.actionService = services.action;
        this.isAgent = false;
        this.loaded = false;
        /** Conversation dicts of `wechat_inbox`: the agent's open ones, then waiting ones. */
        this.conversations = [];
        this.waitingCount = 0;
        /** Inboxes on screen. */
        this.watchers = 0;
        this.bus = new EventBus();
        this.closeNotification = null;
        this.reloadTimer = null;
        /** Updates received since the last reload: {conversation_id, event}. */
        this.pendingUpdates = [];
        this.loading = null;
        this.loadAgain = false;
        /** The conversation shown when the inbox was left, shown again when it reopens. */
        this.lastSelectedId = false;
        /** Resolved once the service knows whether the user is an agent. */
        this.started = null;
    }

    async start() {
        if (!(await user.hasGroup("callcenter_base.group_callcenter_agent"))) {
            return;
        }
        this.isAgent = true;
        this.busService.subscribe(UPDATE_NOTIFICATION, (payload) => this._onUpdate(payload));
        // Notifications older than the bus history are lost after a long
        // disconnection: read everything again.
        this.busService.addEventListener("reconnect", () => {
            this.load();
            this.bus.trigger("reconnect");
        });
        this.busService.start();
        await this.load();
    }

    // ------------------------------------------------------------------
    // Getters
    // ------------------------------------------------------------------

    get mine() {
        return this.conversations.filter((c) => c.state === "open");
    }

    get waiting() {
        return this.conversations.filter((c) => c.state === "waiting");
    }

    /** The agent's conversations with messages they have not seen. */
    get unreadConversations() {
        return this.mine.filter((c) => c.unread_count > 0).length;
    }

    /** What the systray counts: unread conversations of the agent and waiting ones. */
    get counter() {
        return this.unreadConversations + this.waitingCount;
    }

    get(conversationId) {
        return this.conversations.find((c) => c.id === conversationId);
    }

    // ------------------------------------------------------------------
    // Loading
    // ------------------------------------------------------------------

    /** Reads the list again; concurrent callers share the reading in flight. */
    async load() {
        if (!this.isAgent) {
            return;
        }
        if (this.loading) {
            this.loadAgain = true;
            return this.loading;
        }
        this.loading = this._load();
        try {
            await this.loading;
        } finally {
            this.loading = null;
        }
        if (this.loadAgain) {
            this.loadAgain = false;
            await this.load();
        }
    }

    async _load() {
        let data;
        try {
            data = await this.orm.silent.call(MODEL, "wechat_inbox", []);
        } catch (error) {
            if (isUserError(error)) {
                this.conversations = [];
                this.waitingCount = 0;
                this.loaded = true;
                return;
            }
            throw error;
        }
        this.conversations = data.conversations || [];
        this.waitingCount = data.waiting_count ?? this.waiting.length;
        this.loaded = true;
    }

    /** The agent has seen the conversation: the counter drops at once. */
    markSeen(conversationId) {
        const conversation = this.get(conversationId);
        if (conversation) {
            conversation.unread_count = 0;
        }
    }

    // ------------------------------------------------------------------
    // Watchers
    // ------------------------------------------------------------------

    watch() {
        this.watchers++;
        this.closeNotification?.();
        this.closeNotification = null;
    }

    unwatch() {
        this.watchers = Math.max(this.watchers - 1, 0);
    }

    openInbox(conversationId = false) {
        return this.actionService.doAction({
            type: "ir.actions.client",
            tag: INBOX_ACTION,
            name: _t("WeChat Inbox"),
            context: conversationId ? { conversation_id: conversationId } : {},
        });
    }

    // ------------------------------------------------------------------
    // Bus
    // ------------------------------------------------------------------

    _onUpdate(payload) {
        this.pendingUpdates.push(payload);
        // The open inbox refreshes its thread at once; the list follows.
        this.bus.trigger("update", payload);
        browser.clearTimeout(this.reloadTimer);
        this.reloadTimer = browser.setTimeout(() => this._reloadAfterUpdates(), RELOAD_DELAY);
    }

    async _reloadAfterUpdates() {
        const updates = this.pendingUpdates;
        this.pendingUpdates = [];
        await this.load();
        this.bus.trigger("reloaded", updates);
        if (this.watchers) {
            return;
        }
        const given = updates
            .filter(
                (update) =>
                    ASSIGNING_EVENTS.includes(update.event) &&
                    update.state === "open" &&
                    update.user_id === user.userId,
            )
            .map((update) => this.get(update.conversation_id))
            .filter((conversation) => conversation?.state === "open");
        if (given.length) {
            this._notifyAssigned(given.at(-1), given.length);
        }
    }

    _notifyAssigned(conversation, count) {
        this.closeNotification?.();
        const message =
            count > 1
                ? _t("%(count)s WeChat conversations are waiting for your answer.", { count })
                : _t("%(name)s is waiting for your answer.", { name: conversation.name });
        this.closeNotification = this.notification.add(message, {
            title: _t("New WeChat conversation"),
            type: "info",
            sticky: true,
            buttons: [
                {
                    name: _t("Open"),
                    primary: true,
                    onClick: () => {
                        this.closeNotification?.();
                        this.closeNotification = null;
                        this.openInbox(conversation.id);
                    },
                },
            ],
        });
    }
}

export const wechatInboxService = {
    dependencies: ["action", "bus_service", "notification", "orm"],
    start(env, services) {
        const inbox = reactive(new WechatInbox(env, services));
        inbox.started = inbox.start();
        return inbox;
    },
};

registry.category("services").add("callcenter.wechat", wechatInboxService);
