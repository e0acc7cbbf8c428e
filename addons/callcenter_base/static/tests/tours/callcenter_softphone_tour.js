/** License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl). */
import { registry } from "@web/core/registry";
import { ingestRingingCall } from "./tour_utils";

const tours = registry.category("web_tour.tours");

tours.add("callcenter_softphone_systray_tour", {
    url: "/odoo",
    steps: () => [
        {
            content: "The agent sees their state in the systray",
            trigger: ".o_callcenter_agent_systray .o_callcenter_state_logged_out",
            run: "click",
        },
        {
            content: "Pause for lunch",
            trigger: ".o_callcenter_agent_menu .o_callcenter_pause_reason:contains(Lunch)",
            run: "click",
        },
        {
            content: "The badge turns to paused",
            trigger: ".o_callcenter_agent_systray .o_callcenter_state_paused:contains(Paused)",
            run: "click",
        },
        {
            content: "The menu tells why",
            trigger: ".o_callcenter_agent_menu .o_callcenter_pause_line:contains(Lunch)",
        },
        {
            content: "Type a number in the dial box",
            trigger: ".o_callcenter_agent_menu .o_callcenter_dial_number",
            run: "edit +86 136 6666 1234",
        },
        {
            content: "Call it",
            trigger: ".o_callcenter_agent_menu .o_callcenter_dial_button:enabled",
            run: "click",
        },
        {
            content: "The call is shown with the contact's name and a timer",
            trigger:
                ".o_callcenter_agent_menu .o_callcenter_current_call .o_callcenter_call_party:contains(Zhao Lei)",
        },
        {
            trigger: ".o_callcenter_agent_systray .fa-phone",
        },
    ],
});

tours.add("callcenter_screen_pop_tour", {
    url: "/odoo",
    steps: () => [
        {
            content: "The softphone is loaded",
            trigger: ".o_callcenter_agent_systray",
        },
        {
            content: "The connector reports a call ringing this agent",
            trigger: ".o_callcenter_agent_systray",
            run: () => ingestRingingCall("tour.1", 101),
        },
        {
            content: "The pop comes through the bus with the matched contact",
            trigger:
                ".o_callcenter_screen_pop .o_callcenter_screen_pop_partner_name:contains(Zhao Lei)",
        },
        {
            trigger:
                ".o_callcenter_screen_pop .o_callcenter_screen_pop_number:contains(+8613666661234)",
        },
        {
            trigger: ".o_callcenter_screen_pop .o_callcenter_vip_badge:contains(Gold)",
        },
        {
            content: "The contact's last call, with its notes",
            trigger:
                ".o_callcenter_screen_pop .o_callcenter_screen_pop_last_call:contains(Tour Agent):contains(March invoice)",
        },
        {
            content: "Open the contact",
            trigger: ".o_callcenter_screen_pop .o_callcenter_open_contact",
            run: "click",
        },
        {
            content: "The contact's form is open",
            trigger: ".o_form_view .o_field_widget[name=name] input:value(Zhao Lei)",
        },
        {
            content: "The pop stays, minimized",
            trigger: ".o_callcenter_screen_pop.o_callcenter_screen_pop_collapsed",
        },
    ],
});

tours.add("callcenter_screen_pop_reload_tour", {
    url: "/odoo",
    steps: () => [
        {
            content: "The call rang before the page was loaded: the pop is there",
            trigger:
                ".o_callcenter_screen_pop .o_callcenter_screen_pop_partner_name:contains(Zhao Lei)",
            run: () => window.location.reload(),
        },
        {
            content: "Still there after a reload",
            trigger:
                ".o_callcenter_screen_pop .o_callcenter_screen_pop_partner_name:contains(Zhao Lei)",
        },
        {
            content: "Dismiss it",
            trigger: ".o_callcenter_screen_pop .o_callcenter_screen_pop_close",
            run: "click",
        },
        {
            content: "Gone",
            trigger: "body:not(:has(.o_callcenter_screen_pop))",
        },
    ],
});

tours.add("callcenter_wallboard_tour", {
    url: "/odoo/callcenter-wallboard",
    steps: () => [
        {
            content: "The queue tile",
            trigger: ".o_callcenter_queue_tile .o_callcenter_queue_name:contains(Tour Support)",
        },
        {
            trigger: ".o_callcenter_queue_tile .o_callcenter_service_level",
        },
        {
            content: "The agent's row with their current call",
            trigger:
                ".o_callcenter_agent_row:contains(Tour Agent) .o_callcenter_call_number:contains(+8613666661234)",
        },
        {
            content: "Listen to the call",
            trigger: ".o_callcenter_agent_row:contains(Tour Agent) .o_callcenter_listen",
            run: "click",
        },
        {
            trigger: ".o_notification:contains(pick up to listen)",
        },
        {
            content: "Pause the agent",
            trigger: ".o_callcenter_agent_row:contains(Tour Agent) .o_callcenter_pause",
            run: "click",
        },
        {
            trigger: ".o_callcenter_force_pause_reason:contains(Lunch)",
            run: "click",
        },
        {
            content: "The agent is paused",
            trigger:
                ".o_callcenter_agent_row:contains(Tour Agent) .o_callcenter_state_paused:contains(Paused)",
        },
        {
            trigger: ".o_callcenter_agent_row:contains(Tour Agent) .o_callcenter_unpause",
        },
    ],
});
