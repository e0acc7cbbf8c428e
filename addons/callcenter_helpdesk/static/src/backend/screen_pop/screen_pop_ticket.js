/** License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl). */
import { ScreenPop } from "@callcenter_base/softphone/screen_pop";
import { patch } from "@web/core/utils/patch";

/** "New ticket" in the screen pop: the ticket form pre-filled from the call. */
patch(ScreenPop.prototype, {
    async newTicket() {
        this.softphone.pop.collapsed = true;
        const action = await this.env.services.orm.call(
            "callcenter.call",
            "action_new_helpdesk_ticket",
            [[this.pop.id]]
        );
        return this.env.services.action.doAction(action);
    },
});
