/** License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl). */
import { Component } from "@odoo/owl";

import { avatarTint, formatListTime, initial, windowInfo } from "./format";

const { DateTime } = luxon;

/**
 * The inbox's left column: the agent's open conversations, then the waiting
 * ones of their queues with a Take button.
 */
export class WechatConversationList extends Component {
    static template = "callcenter_wechat.WechatConversationList";
    static props = {
        mine: Array,
        waiting: Array,
        waitingCount: Number,
        selectedId: [Number, Boolean],
        now: Number,
        busy: Boolean,
        onSelect: Function,
        onTake: Function,
    };

    get nowDateTime() {
        return DateTime.fromMillis(this.props.now);
    }

    time(conversation) {
        return formatListTime(conversation.last_message_at, this.nowDateTime);
    }

    windowOf(conversation) {
        return windowInfo(conversation, this.props.now);
    }

    initial(conversation) {
        return initial(conversation.name);
    }

    tint(conversation) {
        return avatarTint(conversation.id);
    }

    partnerName(conversation) {
        return conversation.partner ? conversation.partner[1] : "";
    }

    queueName(conversation) {
        return conversation.queue ? conversation.queue[1] : "";
    }

    onKeydown(ev, conversation) {
        if (ev.key === "Enter" || ev.key === " ") {
            ev.preventDefault();
            this.props.onSelect(conversation.id);
        }
    }
}
