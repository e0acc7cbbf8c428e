/** License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl). */
import { Component, onMounted, onWillStart, onWillUnmount, useState } from "@odoo/owl";
import { browser } from "@web/core/browser/browser";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { useBus, useService } from "@web/core/utils/hooks";
import { standardActionServiceProps } from "@web/webclient/actions/action_service";

import { useClock } from "@callcenter_base/softphone/softphone_service";

import { WechatComposer } from "./composer";
import { WechatConversationList } from "./conversation_list";
import { avatarTint, initial, windowInfo } from "./format";
import { WechatThread } from "./thread";
import { MODEL, isUserError } from "./wechat_service";

/** The window countdown and the list's times move on every half minute. */
const CLOCK_INTERVAL = 30000;

/**
 * The agent's WeChat inbox: conversations on the left, the selected thread
 * with its reply box on the right. The server decides everything (routing,
 * the 48-hour window, what a transfer or a close does); the inbox shows it,
 * follows the bus and keeps typing fast.
 */
export class WechatInboxAction extends Component {
    static template = "callcenter_wechat.InboxAction";
    static components = { WechatComposer, WechatConversationList, WechatThread };
    static props = { ...standardActionServiceProps };

    setup() {
        this.orm = useService("orm");
        this.notification = useService("notification");
        this.actionService = useService("action");
        this.inbox = useState(useService("callcenter.wechat"));
        this.clock = useClock(CLOCK_INTERVAL);
        this.state = useState({
            loaded: false,
            selectedId: false,
            messages: [],
            threadLoaded: false,
            busy: false,
            filter: "",
            /** Unsent text per conversation id. */
            drafts: {},
        });
        this.fetching = null;
        this.fetchAgain = false;
        this.markingRead = false;
        /** A conversation the agent transferred or closed leaves without a warning. */
        this.leaving = new Set();

        useBus(this.inbox.bus, "update", (ev) => this.onUpdate(ev.detail));
        useBus(this.inbox.bus, "reloaded", () => this.onListReloaded());
        useBus(this.inbox.bus, "reconnect", () => this.fetchThread({ reset: true }));
        onWillStart(async () => {
            await this.inbox.started;
            await this.inbox.load();
            this.state.loaded = true;
            this.selectInitial();
        });
        const onVisibility = () => this.markReadIfSeen();
        onMounted(() => {
            this.inbox.watch();
            document.addEventListener("visibilitychange", onVisibility);
        });
        onWillUnmount(() => {
            this.inbox.unwatch();
            this.inbox.lastSelectedId = this.state.selectedId;
            document.removeEventListener("visibilitychange", onVisibility);
        });
    }

    // ------------------------------------------------------------------
    // Getters
    // ------------------------------------------------------------------

    get conversation() {
        return (this.state.selectedId && this.inbox.get(this.state.selectedId)) || null;
    }

    get isMine() {
        return this.conversation?.state === "open";
    }

    get mine() {
        return this.inbox.mine.filter((c) => this.matches(c));
    }

    get waiting() {
        return this.inbox.waiting.filter((c) => this.matches(c));
    }

    get replyWindow() {
        return windowInfo(this.conversation, this.clock.now);
    }

    get draft() {
        return this.state.drafts[this.state.selectedId] || "";
    }

    get composerDisabledReason() {
        if (!this.replyWindow.open) {
            return _t(
                "The customer wrote more than 48 hours ago: WeChat accepts no reply until they write again.",
            );
        }
        return "";
    }

    get headerInitial() {
        return initial(this.conversation?.name);
    }

    get headerTint() {
        return avatarTint(this.conversation?.id);
    }

    matches(conversation) {
        const filter = this.state.filter.trim().toLowerCase();
        if (!filter) {
            return true;
        }
        return [conversation.name, conversation.partner?.[1], conversation.preview].some((text) =>
            (text || "").toLowerCase().includes(filter),
        );
    }

    // ------------------------------------------------------------------
    // Selection and thread
    // ------------------------------------------------------------------

    selectInitial() {
        const wanted = this.props.action.context?.conversation_id || this.inbox.lastSelectedId;
        const conversation =
            (wanted && this.inbox.get(wanted)) ||
            this.inbox.mine.find((c) => c.unread_count) ||
            this.inbox.mine[0];
        if (conversation) {
            this.select(conversation.id);
        }
    }

    async select(conversationId) {
        if (conversationId === this.state.selectedId) {
            return;
        }
        Object.assign(this.state, {
            selectedId: conversationId,
            messages: [],
            threadLoaded: false,
        });
        await this.fetchThread();
    }

    /**
     * Reads the messages after the last one shown (all of them with `reset`).
     * One reading at a time; a burst of updates costs one more.
     */
    async fetchThread({ reset = false } = {}) {
        if (!this.state.selectedId) {
            return;
        }
        if (this.fetching) {
            this.fetchAgain = this.fetchAgain || (reset ? "reset" : true);
            return this.fetching;
        }
        this.fetching = this._fetchThread(reset);
        try {
            await this.fetching;
        } finally {
            this.fetching = null;
        }
        if (this.fetchAgain) {
            const again = this.fetchAgain;
            this.fetchAgain = false;
            await this.fetchThread({ reset: again === "reset" });
        }
    }

    async _fetchThread(reset) {
        const conversationId = this.state.selectedId;
        const afterId = reset ? 0 : this.state.messages.at(-1)?.id || 0;
        const answer = await this.call("wechat_thread", [[conversationId], afterId], {
            silent: true,
        });
        if (conversationId !== this.state.selectedId) {
            return;
        }
        if (!answer.ok) {
            this.state.threadLoaded = true;
            return;
        }
        if (reset) {
            this.state.messages = answer.result;
        } else {
            const lastId = this.state.messages.at(-1)?.id || 0;
            const fresh = answer.result.filter((message) => message.id > lastId);
            if (fresh.length) {
                this.state.messages.push(...fresh);
            }
        }
        this.state.threadLoaded = true;
        await this.markReadIfSeen();
    }

    /** The agent looks at their conversation: its messages are read. */
    async markReadIfSeen() {
        const conversation = this.conversation;
        if (
            !conversation ||
            conversation.state !== "open" ||
            !conversation.unread_count ||
            document.visibilityState === "hidden" ||
            this.markingRead
        ) {
            return;
        }
        this.markingRead = true;
        this.inbox.markSeen(conversation.id);
        try {
            await this.call("action_wechat_mark_read", [[conversation.id]], { silent: true });
        } finally {
            this.markingRead = false;
        }
    }

    // ------------------------------------------------------------------
    // Bus
    // ------------------------------------------------------------------

    onUpdate(payload) {
        if (payload.conversation_id === this.state.selectedId && payload.event !== "closed") {
            this.fetchThread();
        }
    }

    /** The list was read again: follow the selected conversation, or pick one. */
    onListReloaded() {
        const selectedId = this.state.selectedId;
        if (selectedId && !this.inbox.get(selectedId)) {
            if (!this.leaving.has(selectedId)) {
                this.notification.add(_t("This conversation is no longer in your inbox."), {
                    type: "warning",
                });
            }
            this.leaving.delete(selectedId);
            delete this.state.drafts[selectedId];
            Object.assign(this.state, { selectedId: false, messages: [], threadLoaded: false });
        }
        if (!this.state.selectedId) {
            this.selectInitial();
        } else {
            this.markReadIfSeen();
        }
    }

    // ------------------------------------------------------------------
    // Agent commands
    // ------------------------------------------------------------------

    async take(conversationId) {
        this.state.busy = true;
        try {
            const answer = await this.call("action_wechat_take", [[conversationId]]);
            await this.inbox.load();
            if (answer.ok) {
                this.state.selectedId = false;
                await this.select(conversationId);
            }
        } finally {
            this.state.busy = false;
        }
    }

    setDraft(text) {
        this.state.drafts[this.state.selectedId] = text;
    }

    /** Sends the text; the box is emptied only once WeChat took it. */
    async sendText(text) {
        const conversationId = this.state.selectedId;
        if (!conversationId || !text.trim() || this.state.busy) {
            return false;
        }
        this.state.busy = true;
        let answer;
        try {
            answer = await this.call("action_wechat_send_text", [[conversationId], text]);
        } finally {
            this.state.busy = false;
        }
        if (answer.ok && this.state.drafts[conversationId] === text) {
            delete this.state.drafts[conversationId];
        }
        if (conversationId === this.state.selectedId) {
            await this.fetchThread();
        }
        return answer.ok;
    }

    /** Stores the picture on the conversation, then sends it. */
    async sendImage({ name, mimetype, data }) {
        const conversationId = this.state.selectedId;
        if (!conversationId || this.state.busy) {
            return;
        }
        this.state.busy = true;
        try {
            const [attachmentId] = await this.orm.create("ir.attachment", [
                { name, mimetype, datas: data, res_model: MODEL, res_id: conversationId },
            ]);
            await this.call("action_wechat_send_image", [[conversationId], attachmentId]);
        } finally {
            this.state.busy = false;
        }
        if (conversationId === this.state.selectedId) {
            await this.fetchThread();
        }
    }

    retry(message) {
        this.setDraft(message.body || "");
    }

    openContact() {
        const partner = this.conversation.partner;
        return this.actionService.doAction(
            {
                type: "ir.actions.act_window",
                res_model: "res.partner",
                res_id: partner[0],
                views: [[false, "form"]],
                target: "new",
            },
            { onClose: () => this.inbox.load() },
        );
    }

    /** The server's dialog binds the follower to a contact (or another one). */
    async linkContact() {
        const answer = await this.call("action_wechat_link_partner", [[this.state.selectedId]]);
        if (answer.ok && answer.result?.type) {
            await this.actionService.doAction(answer.result, { onClose: () => this.inbox.load() });
        }
    }

    /** Downloads again the customer's media that WeChat did not hand over. */
    async retryMedia() {
        const conversationId = this.state.selectedId;
        await this.call("action_wechat_retry_media", [[conversationId]]);
        if (conversationId === this.state.selectedId) {
            await this.fetchThread({ reset: true });
        }
    }

    transfer() {
        return this.openWizard("action_wechat_transfer");
    }

    close() {
        return this.openWizard("action_wechat_close");
    }

    /** Opens the server's wizard; the inbox is read again once it is closed. */
    async openWizard(method) {
        const conversationId = this.state.selectedId;
        const answer = await this.call(method, [[conversationId]]);
        if (!answer.ok || !answer.result) {
            return;
        }
        this.leaving.add(conversationId);
        await this.actionService.doAction(answer.result, {
            onClose: async () => {
                await this.inbox.load();
                if (this.inbox.get(conversationId)) {
                    this.leaving.delete(conversationId);
                }
                this.onListReloaded();
            },
        });
    }

    // ------------------------------------------------------------------
    // Private
    // ------------------------------------------------------------------

    /**
     * Calls a conversation method; an agent's error (closed window, taken by
     * someone else, ...) becomes a notification. Returns `{ok, result}`.
     */
    async call(method, args, { silent = false } = {}) {
        try {
            const orm = silent ? this.orm.silent : this.orm;
            return { ok: true, result: await orm.call(MODEL, method, args) };
        } catch (error) {
            if (isUserError(error)) {
                this.notification.add(error.data.message, { type: "danger" });
                return { ok: false };
            }
            throw error;
        }
    }
}

registry.category("actions").add("callcenter_wechat.inbox", WechatInboxAction);
