/** License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl). */
import { WechatInboxAction } from "@callcenter_wechat/inbox/inbox_action";
import { patch } from "@web/core/utils/patch";

/** "New ticket" in the WeChat inbox: the ticket form pre-filled from the conversation. */
patch(WechatInboxAction.prototype, {
    async newTicket() {
        const answer = await this.call("action_new_helpdesk_ticket", [[this.state.selectedId]]);
        if (answer.ok && answer.result) {
            await this.actionService.doAction(answer.result);
        }
    },
});
