/** License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl). */
import { registry } from "@web/core/registry";
import { callKw } from "@callcenter_base/../tests/tours/tour_utils";

const tours = registry.category("web_tour.tours");
const INBOX = ".o_callcenter_wechat_inbox";
/** Set in tests/test_ui.py. */
const APP_ID = "wx_tour_inbox";
const WEBHOOK_TOKEN = "tour-webhook-token";

async function sha1(text) {
    const digest = await crypto.subtle.digest("SHA-1", new TextEncoder().encode(text));
    return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}

/** A follower's text, delivered to the webhook as WeChat delivers it (signed, plain mode). */
async function wechatDelivers(openid, content) {
    const [accountId] = await callKw("callcenter.wechat.account", "search", [
        [["app_id", "=", APP_ID]],
    ]);
    const timestamp = String(Math.floor(Date.now() / 1000));
    const nonce = String(Math.floor(Math.random() * 1e9));
    const signature = await sha1([WEBHOOK_TOKEN, timestamp, nonce].sort().join(""));
    const msgId = `${Date.now()}${Math.floor(Math.random() * 1000)}`;
    const xml =
        "<xml><ToUserName><![CDATA[gh_tour]]></ToUserName>" +
        `<FromUserName><![CDATA[${openid}]]></FromUserName>` +
        `<CreateTime>${timestamp}</CreateTime><MsgType><![CDATA[text]]></MsgType>` +
        `<Content><![CDATA[${content}]]></Content><MsgId>${msgId}</MsgId></xml>`;
    const params = new URLSearchParams({ signature, timestamp, nonce });
    const response = await fetch(`/callcenter/wechat/${accountId}?${params}`, {
        method: "POST",
        headers: { "Content-Type": "text/xml" },
        body: xml,
    });
    if (!response.ok) {
        throw new Error(`The webhook refused the message: ${response.status}`);
    }
}

/** Waits for an <img> to load and fails when the browser could not show it. */
async function imageShown() {
    const img = this.anchor;
    if (!img.complete) {
        await new Promise((resolve) => {
            img.addEventListener("load", resolve, { once: true });
            img.addEventListener("error", resolve, { once: true });
        });
    }
    if (!img.naturalWidth) {
        throw new Error(`The customer's photo ${img.src} could not be shown`);
    }
}

tours.add("callcenter_wechat_inbox_tour", {
    url: "/odoo/action-callcenter_wechat.inbox",
    steps: () => [
        {
            content: "The inbox opens on the agent's conversation",
            trigger: `${INBOX} .o_callcenter_wechat_conversation_selected:contains(小周)`,
        },
        {
            content: "The customer's text",
            trigger: `${INBOX} .o_callcenter_wechat_message_in .o_callcenter_wechat_message_text:contains(我的订单还没到)`,
        },
        {
            content: "The customer's photo, downloaded from WeChat, shown inline",
            trigger: `${INBOX} .o_callcenter_wechat_kind_image img[src^='/web/image/']`,
            run: imageShown,
        },
        {
            content: "The 48-hour window is open",
            trigger: `${INBOX} .o_callcenter_wechat_header .o_callcenter_wechat_window_open`,
        },
        {
            content: "Type the answer",
            trigger: `${INBOX} .o_callcenter_wechat_input:enabled`,
            run: "edit 您好，包裹已经在派送中，预计今天送达。",
        },
        {
            content: "Enter sends it",
            trigger: `${INBOX} .o_callcenter_wechat_send:enabled`,
            run: "press Enter",
        },
        {
            content: "The reply is in the thread, signed by the agent",
            trigger: `${INBOX} .o_callcenter_wechat_message_out:contains(Tour WeChat Agent) .o_callcenter_wechat_message_text:contains(包裹已经在派送中)`,
        },
        {
            content: "The reply box is empty again",
            trigger: `${INBOX} .o_callcenter_wechat_send:disabled`,
        },
        {
            content: "Close the conversation",
            trigger: `${INBOX} .o_callcenter_wechat_close:enabled`,
            run: "click",
        },
        {
            content: "with a disposition",
            trigger: ".modal .o_field_widget[name=disposition_id] input",
            run: "edit Resolved",
        },
        {
            trigger: ".o-autocomplete--dropdown-item:contains(Resolved)",
            run: "click",
        },
        {
            trigger: ".modal button[name=action_confirm]",
            run: "click",
        },
        {
            content: "The conversation leaves the inbox",
            trigger: `${INBOX}:not(:has(.o_callcenter_wechat_conversation)) .o_callcenter_wechat_empty`,
        },
    ],
});

tours.add("callcenter_wechat_inbox_bus_tour", {
    url: "/odoo/action-callcenter_wechat.inbox",
    steps: () => [
        {
            content: "The inbox shows the conversation",
            trigger: `${INBOX} .o_callcenter_wechat_message_in .o_callcenter_wechat_message_text:contains(我的订单还没到)`,
            run: () => {
                // Gone if the page reloads: updates must come without one.
                window.__wechatInboxNotReloaded = true;
            },
        },
        {
            content: "The customer writes again, through WeChat's webhook",
            trigger: `${INBOX} .o_callcenter_wechat_conversation_selected:contains(小周)`,
            run: () => wechatDelivers("o_tour_customer", "还在吗？我想改一下收货地址。"),
        },
        {
            content: "The message appears in the open thread",
            trigger: `${INBOX} .o_callcenter_wechat_message_in .o_callcenter_wechat_message_text:contains(还在吗)`,
        },
        {
            content: "and as the conversation's preview, read at once",
            trigger: `${INBOX} .o_callcenter_wechat_conversation_selected:not(:has(.o_callcenter_wechat_unread)) .o_callcenter_wechat_preview:contains(还在吗)`,
        },
        {
            content: "A new customer writes",
            trigger: `${INBOX} .o_callcenter_wechat_thread`,
            run: () => wechatDelivers("o_tour_newcomer", "你好，想咨询一下宽带套餐"),
        },
        {
            content: "Their conversation is routed to the agent and shows in the list, unread",
            trigger: `${INBOX} .o_callcenter_wechat_conversation_open:contains(o_tour_newcomer) .o_callcenter_wechat_unread:contains(1)`,
        },
        {
            content: "without a reload; the server has the first thread read",
            trigger: `${INBOX} .o_callcenter_wechat_conversation_selected:contains(小周)`,
            run: async () => {
                if (!window.__wechatInboxNotReloaded) {
                    throw new Error("The inbox was reloaded");
                }
                for (let attempt = 0; attempt < 50; attempt++) {
                    const [conversation] = await callKw(
                        "callcenter.wechat.conversation",
                        "search_read",
                        [[["follower_id.openid", "=", "o_tour_customer"]], ["unread_count"]],
                    );
                    if (conversation && !conversation.unread_count) {
                        return;
                    }
                    await new Promise((resolve) => setTimeout(resolve, 100));
                }
                throw new Error("The thread on screen was not marked read");
            },
        },
    ],
});
