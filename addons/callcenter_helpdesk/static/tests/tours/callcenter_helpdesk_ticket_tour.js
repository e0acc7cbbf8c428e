/** License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl). */
import { rpc } from "@web/core/network/rpc";
import { registry } from "@web/core/registry";

function callKw(model, method, args) {
    return rpc(`/web/dataset/call_kw/${model}/${method}`, { model, method, args, kwargs: {} });
}

/** What the connector sends when a customer's call rings the tour agent's device. */
async function ingestRingingCall(linkedid, seq) {
    const [pbxId] = await callKw("callcenter.pbx", "search", [[["name", "=", "Tour PBX"]]]);
    const now = Date.now() / 1000;
    await callKw("callcenter.pbx", "callcenter_ingest", [
        [pbxId],
        [
            {
                seq,
                type: "call",
                call: {
                    linkedid,
                    uniqueid: linkedid,
                    direction: "inbound",
                    state: "ringing",
                    caller: "+8613666661234",
                    caller_name: "Tour Caller",
                    callee: "4001",
                    queue: "support",
                    agent: "PJSIP/1001",
                    started_at: now,
                    ring_started_at: now,
                },
            },
            { seq: seq + 1, type: "ring", agent: "PJSIP/1001", linkedid, at: now },
        ],
    ]);
}

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
