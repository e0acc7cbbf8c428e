/** License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl). */
import { registry } from "@web/core/registry";

/** A day two days ahead as the date input expects it, whatever the browser's zone. */
function inTwoDays() {
    const day = new Date(Date.now() + 2 * 24 * 3600 * 1000);
    return day.toISOString().slice(0, 10);
}

function setValue(value) {
    return function () {
        this.anchor.value = value;
        this.anchor.dispatchEvent(new Event("change", { bubbles: true }));
    };
}

/** Set up in tests/test_portal_ui.py: the customer has calls and a queue is offered. */
registry.category("web_tour.tours").add("callcenter_helpdesk_portal_tour", {
    url: "/my",
    steps: () => [
        {
            content: "The calls card shows once its counter is loaded",
            trigger: ".o_portal_index_card:not(.d-none) a[href='/my/calls']",
            run: "click",
        },
        {
            content: "The customer's calls are listed",
            trigger: "tr.o_callcenter_portal_call",
        },
        {
            content: "Back to the portal home",
            trigger: ".o_portal_submenu a[href='/my/home'], .o_portal_submenu a[href='/my']",
            run: "click",
        },
        {
            content: "Ask to be called back",
            trigger: "a[href='/my/callbacks']",
            run: "click",
        },
        {
            trigger: "a.o_callcenter_portal_new_callback",
            run: "click",
        },
        {
            content: "The number comes from the contact",
            trigger: "input[name='phone']:value(13800000001)",
        },
        {
            trigger: "select[name='queue_id']",
            run: "selectByLabel Portal Support",
        },
        {
            trigger: "input[name='preferred_date']",
            run: setValue(inTwoDays()),
        },
        {
            trigger: "input[name='window_from']",
            run: setValue("14:00"),
        },
        {
            trigger: "input[name='window_to']",
            run: setValue("16:00"),
        },
        {
            trigger: "textarea[name='note']",
            run: "edit Tour: please call me about my contract",
        },
        {
            trigger: "button.o_callcenter_portal_callback_submit",
            run: "click",
        },
        {
            content: "The request is confirmed and listed",
            trigger: ".o_callcenter_portal_callback_ok",
        },
        {
            trigger: "tr.o_callcenter_portal_callback td:contains('Portal Support')",
        },
    ],
});
