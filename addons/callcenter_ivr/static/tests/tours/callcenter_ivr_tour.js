/** License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl). */
import { registry } from "@web/core/registry";

const DIAGRAM = ".o_field_callcenter_ivr_diagram";

registry.category("web_tour.tours").add("callcenter_ivr_diagram_tour", {
    url: "/odoo/action-callcenter_ivr.callcenter_ivr_action",
    steps: () => [
        {
            content: "Open the demo hotline",
            trigger: ".o_list_view .o_data_row .o_data_cell:contains(Main Menu)",
            run: "click",
        },
        {
            content: "The published flow is drawn from where calls come in",
            trigger: `${DIAGRAM} .o_callcenter_ivr_node.o_callcenter_ivr_node_start:contains(Opening hours)`,
        },
        {
            content: "Each menu key is shown on its arrow",
            trigger: `${DIAGRAM} .o_callcenter_ivr_label .o_callcenter_ivr_key:contains(9)`,
        },
        {
            content: "Repeating the menu is drawn as a loop",
            trigger: `${DIAGRAM} .o_callcenter_ivr_label_loop .o_callcenter_ivr_key:contains(0)`,
        },
        {
            content: "A published flow cannot be edited in place",
            trigger: `${DIAGRAM}:not(:has(.o_callcenter_ivr_add_node))`,
        },
        {
            content: "Start a new version",
            trigger: ".o_form_view button[name=action_open_draft]",
            run: "click",
        },
        {
            content: "The draft opens with its diagram, ready to edit",
            trigger: `.o_form_view .o_statusbar_status .o_arrow_button_current:contains(Draft)`,
        },
        {
            content: "Its nodes can be added and edited from the diagram",
            trigger: `${DIAGRAM} .o_callcenter_ivr_add_node`,
        },
        {
            content: "Open the welcome prompt",
            trigger: `${DIAGRAM} .o_callcenter_ivr_node:contains(Welcome)`,
            run: "click",
        },
        {
            content: "Rename the node",
            trigger: ".modal .o_form_view .o_field_widget[name=name] input",
            run: "edit Greeting",
        },
        {
            trigger: ".modal .o_form_button_save",
            run: "click",
        },
        {
            content: "The diagram shows the change",
            trigger: `body:not(:has(.modal)) ${DIAGRAM} .o_callcenter_ivr_node:contains(Greeting)`,
        },
        {
            content: "Check the draft",
            trigger: ".o_form_view button[name=action_check]",
            run: "click",
        },
        {
            trigger: ".o_notification:contains(No problems)",
        },
        {
            content: "Publish it",
            trigger: ".o_form_view button[name=action_publish]",
            run: "click",
        },
        {
            content: "Confirm",
            trigger: ".modal-footer .btn-primary",
            run: "click",
        },
        {
            content: "The new version is live and read-only",
            trigger: `.o_form_view .o_statusbar_status .o_arrow_button_current:contains(Published)`,
        },
        {
            trigger: `${DIAGRAM}:not(:has(.o_callcenter_ivr_add_node)) .o_callcenter_ivr_node:contains(Greeting)`,
        },
    ],
});
