/** License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl). */
import { Component, onMounted, onPatched, onWillPatch, useRef, useState } from "@odoo/owl";

import { formatDay, toDateTime } from "./format";
import { WechatMessage } from "./message";

/** How close to the end (px) still counts as reading the latest messages. */
const BOTTOM_SLACK = 48;

/**
 * The messages of one conversation, grouped by day. While the agent reads the
 * latest messages the view follows new ones; scrolled up in the history, it
 * stays put and offers a way down.
 */
export class WechatThread extends Component {
    static template = "callcenter_wechat.WechatThread";
    static components = { WechatMessage };
    static props = {
        messages: Array,
        loaded: Boolean,
        onRetry: { type: Function, optional: true },
        onRetryMedia: { type: Function, optional: true },
    };

    setup() {
        this.scrollRef = useRef("scroll");
        this.state = useState({ newBelow: false });
        this.stick = true;
        this.lastCount = 0;
        onMounted(() => this.scrollToBottom());
        onWillPatch(() => {
            const el = this.scrollRef.el;
            if (el && el.scrollHeight > el.clientHeight) {
                this.stick = this.isAtBottom(el);
            }
        });
        onPatched(() => {
            const count = this.props.messages.length;
            const grew = count > this.lastCount;
            this.lastCount = count;
            if (this.stick) {
                this.scrollToBottom();
            } else if (grew && !this.state.newBelow) {
                this.state.newBelow = true;
            }
        });
    }

    /** Messages with a day heading before the first message of each day. */
    get items() {
        const items = [];
        let day = null;
        for (const message of this.props.messages) {
            const when = toDateTime(message.time);
            const key = when ? when.toISODate() : day;
            if (when && key !== day) {
                day = key;
                items.push({ key: `day-${key}`, day: formatDay(when) });
            }
            items.push({ key: `msg-${message.id}`, message });
        }
        return items;
    }

    isAtBottom(el) {
        return el.scrollHeight - el.scrollTop - el.clientHeight <= BOTTOM_SLACK;
    }

    scrollToBottom() {
        const el = this.scrollRef.el;
        if (el) {
            el.scrollTop = el.scrollHeight;
        }
        this.stick = true;
        this.lastCount = this.props.messages.length;
        if (this.state.newBelow) {
            this.state.newBelow = false;
        }
    }

    onScroll() {
        const el = this.scrollRef.el;
        this.stick = this.isAtBottom(el);
        if (this.stick && this.state.newBelow) {
            this.state.newBelow = false;
        }
    }

    /** A picture or video got its size: keep the latest message in view. */
    onMediaLoad() {
        if (this.stick) {
            this.scrollToBottom();
        }
    }
}
