/** License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl). */
import { registry } from "@web/core/registry";

/** An agent finds the return policy from the systray with a Chinese query and opens it. */
registry.category("web_tour.tours").add("callcenter_kb_systray_tour", {
    url: "/odoo",
    steps: () => [
        {
            content: "Open the knowledge base next to the softphone",
            trigger: ".o_callcenter_kb_systray",
            run: "click",
        },
        {
            content: "Type a Chinese query",
            trigger: ".o_callcenter_kb_menu .o_callcenter_kb_search_input",
            run: "edit 退货",
        },
        {
            content: "The policy ranks first, with a snippet",
            trigger: ".o_callcenter_kb_result:first-child .o_callcenter_kb_result_name:contains(退换货政策)",
        },
        {
            trigger: ".o_callcenter_kb_result:first-child .o_callcenter_kb_snippet:contains(退货)",
        },
        {
            content: "The draft stays hidden",
            trigger: ".o_callcenter_kb_results:not(:has(.o_callcenter_kb_result_name:contains(草稿)))",
        },
        {
            content: "Open the article",
            trigger: ".o_callcenter_kb_result:first-child",
            run: "click",
        },
        {
            content: "The dialog shows the body and the voice clip",
            trigger: ".modal .o_callcenter_kb_article_body:contains(无理由退货)",
        },
        {
            trigger: ".modal .o_callcenter_kb_article_clip audio",
        },
        {
            content: "No live call: the clip cannot be played to a caller",
            trigger: ".modal .o_callcenter_kb_play:disabled",
        },
        {
            content: "Close the dialog",
            trigger: ".modal-footer .btn-primary",
            run: "click",
        },
        {
            trigger: "body:not(:has(.modal))",
        },
    ],
});

/** During a live call the screen pop searches too, and the clip goes to the caller. */
registry.category("web_tour.tours").add("callcenter_kb_screen_pop_tour", {
    url: "/odoo",
    steps: () => [
        {
            content: "The screen pop has a knowledge base section",
            trigger: ".o_callcenter_screen_pop .o_callcenter_kb_screen_pop .o_callcenter_kb_search_input",
            run: "edit 发票",
        },
        {
            trigger: ".o_callcenter_kb_screen_pop .o_callcenter_kb_result:first-child .o_callcenter_kb_result_name:contains(发票开具)",
        },
        {
            content: "Open the return policy, which mentions invoices too",
            trigger: ".o_callcenter_kb_screen_pop .o_callcenter_kb_result .o_callcenter_kb_result_name:contains(退换货政策)",
            run: "click",
        },
        {
            content: "Play the clip to the caller",
            trigger: ".modal .o_callcenter_kb_play:enabled",
            run: "click",
        },
        {
            trigger: ".o_notification:contains(to the caller)",
        },
    ],
});
