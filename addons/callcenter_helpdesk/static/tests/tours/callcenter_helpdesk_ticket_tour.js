/** License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl). */
import { registry } from "@web/core/registry";
import { ingestRingingCall } from "@callcenter_base/../tests/tours/tour_utils";

registry.category("web_tour.tours").add("callcenter_helpdesk_screen_pop_ticket_tour", {
    url: "/odoo",
    steps: () => [
        {
            content: "The softphone is loaded",
            trigger: ".o_callcenter_agent_systray",
            run: () => ingestRingingCall("tour.hd.1", 801),
        },
        {
            content: "The pop shows the contact's open ticket",
            trigger:
                ".o_callcenter_screen_pop .o_callcenter_screen_pop_items:contains(Printer jammed again)",
        },
        {
            content: "Open a new ticket from the pop",
            trigger: ".o_callcenter_screen_pop .o_callcenter_new_ticket",
            run: "click",
        },
        {
            content: "The ticket form is pre-filled with the caller",
            trigger: ".o_form_view .o_field_widget[name=partner_id] input:value(Zhao Lei)",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=name] input:value(Call from Zhao Lei)",
        },
        {
            content: "Save it",
            trigger: ".o_form_view .o_form_button_save",
            run: "click",
        },
        {
            content: "The ticket is saved, with its call",
            trigger: ".o_breadcrumb:contains(Call from Zhao Lei)",
        },
        {
            trigger: ".o_form_view button[name=action_view_callcenter_calls]:contains(1)",
        },
    ],
});
