/** License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl). */
import { Component, useState } from "@odoo/owl";
import { Dialog } from "@web/core/dialog/dialog";

/**
 * Asks the reviewed agent for an optional reply before acknowledging a review.
 */
export class QaAcknowledgeDialog extends Component {
    static template = "callcenter_reports.QaAcknowledgeDialog";
    static components = { Dialog };
    static props = {
        confirm: Function,
        close: Function,
    };

    setup() {
        this.state = useState({ comment: "", busy: false });
    }

    async onConfirm() {
        this.state.busy = true;
        try {
            await this.props.confirm(this.state.comment);
            this.props.close();
        } finally {
            this.state.busy = false;
        }
    }
}
