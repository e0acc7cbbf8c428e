/** License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl). */
import { Component, useState } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";

/**
 * The WeChat counter in the navbar: the agent's conversations with unread
 * messages and the waiting ones of their queues; a click opens the inbox.
 */
export class WechatSystray extends Component {
    static template = "callcenter_wechat.WechatSystray";
    static props = {};

    setup() {
        this.inbox = useState(useService("callcenter.wechat"));
    }

    get title() {
        return _t("WeChat: %(unread)s unread conversations, %(waiting)s waiting", {
            unread: this.inbox.unreadConversations,
            waiting: this.inbox.waitingCount,
        });
    }

    open() {
        this.inbox.openInbox();
    }
}

registry
    .category("systray")
    .add("callcenter_wechat.systray", { Component: WechatSystray }, { sequence: 105 });
