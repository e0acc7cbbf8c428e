/** License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl). */
import { Component, markup, onWillStart, useState } from "@odoo/owl";
import { Dialog } from "@web/core/dialog/dialog";
import { _t } from "@web/core/l10n/translation";
import { useService } from "@web/core/utils/hooks";

import { isUserError } from "@callcenter_base/softphone/softphone_service";

/**
 * An article as the agent reads it during a call, with its voice clips: each can
 * be heard by the agent, and played to the caller while the agent is on a call.
 */
export class KbArticleDialog extends Component {
    static template = "callcenter_helpdesk.KbArticleDialog";
    static components = { Dialog };
    static props = { articleId: Number, close: Function };

    setup() {
        this.orm = useService("orm");
        this.notification = useService("notification");
        this.action = useService("action");
        this.softphone = useState(useService("callcenter.softphone"));
        this.state = useState({ article: null, playing: false });
        onWillStart(async () => {
            const article = await this.orm.call(
                "callcenter.kb.article",
                "callcenter_kb_read",
                [[this.props.articleId]]
            );
            this.state.article = { ...article, body: markup(article.body) };
        });
    }

    /** The agent's call the clip can go to: answered and still up. */
    get liveCall() {
        const call = this.softphone.call;
        return call && call.state === "answered" ? call : null;
    }

    get playTitle() {
        return this.liveCall
            ? _t("The caller hears the clip; you stay connected.")
            : _t("Only during a call");
    }

    clipUrl(clip) {
        return `/web/content/${clip.id}`;
    }

    async playToCaller(clip) {
        const call = this.liveCall;
        if (!call) {
            return;
        }
        this.state.playing = true;
        try {
            await this.orm.call(
                "callcenter.kb.article",
                "action_callcenter_kb_play",
                [[this.props.articleId], clip.id, call.id]
            );
            this.notification.add(_t("Playing %(clip)s to the caller.", { clip: clip.name }), {
                type: "success",
            });
        } catch (error) {
            if (!isUserError(error)) {
                throw error;
            }
            this.notification.add(error.data.message, { type: "danger" });
        } finally {
            this.state.playing = false;
        }
    }

    openForm() {
        this.props.close();
        return this.action.doAction({
            type: "ir.actions.act_window",
            res_model: "callcenter.kb.article",
            res_id: this.props.articleId,
            views: [[false, "form"]],
            target: "current",
        });
    }
}
