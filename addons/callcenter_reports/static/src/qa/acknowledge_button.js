/** License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl). */
import { Component } from "@odoo/owl";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { standardWidgetProps } from "@web/views/widgets/standard_widget_props";
import { QaAcknowledgeDialog } from "./acknowledge_dialog";

/**
 * The agent's "Acknowledge" button on a done review of their own call. Agents
 * cannot write reviews, so the reply is not a form field: it is passed to the
 * model's checked `action_acknowledge`.
 */
export class QaAcknowledgeButton extends Component {
    static template = "callcenter_reports.QaAcknowledgeButton";
    static props = { ...standardWidgetProps };

    setup() {
        this.dialog = useService("dialog");
        this.orm = useService("orm");
    }

    onClick() {
        const record = this.props.record;
        this.dialog.add(QaAcknowledgeDialog, {
            confirm: async (comment) => {
                await this.orm.call("callcenter.qa.review", "action_acknowledge", [[record.resId]], {
                    comment,
                });
                await record.load();
            },
        });
    }
}

export const qaAcknowledgeButton = {
    component: QaAcknowledgeButton,
};

registry.category("view_widgets").add("callcenter_qa_acknowledge", qaAcknowledgeButton);
