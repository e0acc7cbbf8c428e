/** License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl). */
import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("callcenter_reports_dashboard_tour", {
    url: "/odoo/callcenter-dashboard",
    steps: () => [
        {
            content: "Today's figures of the led queue",
            trigger: ".o_callcenter_dashboard .o_callcenter_kpi[data-kpi=offered] .o_callcenter_kpi_value:contains(3)",
        },
        {
            content: "The service level misses its target: one call of three abandoned",
            trigger: ".o_callcenter_kpi_bad[data-kpi=service_level] .o_callcenter_kpi_value:contains(66.7)",
        },
        {
            trigger: ".o_callcenter_kpi[data-kpi=service_level] .o_callcenter_kpi_hint:contains(80)",
        },
        {
            content: "The chart is drawn",
            trigger: ".o_callcenter_dashboard_chart canvas",
        },
        {
            content: "The agent leads the ranking",
            trigger: ".o_callcenter_agent_rank_row:first:contains(Tour Agent)",
        },
        {
            content: "Yesterday",
            trigger: ".o_callcenter_period_selector [data-period=yesterday]",
            run: "click",
        },
        {
            content: "Yesterday's single call",
            trigger: ".o_callcenter_period_yesterday.active",
        },
        {
            trigger: ".o_callcenter_kpi[data-kpi=offered] .o_callcenter_kpi_value:contains(1)",
        },
        {
            content: "Back to today",
            trigger: ".o_callcenter_period_selector [data-period=today]",
            run: "click",
        },
        {
            trigger: ".o_callcenter_kpi[data-kpi=offered] .o_callcenter_kpi_value:contains(3)",
        },
        {
            content: "Open the queue's figures",
            trigger: ".o_callcenter_queue_row:contains(Tour Support)",
            run: "click",
        },
        {
            content: "The queue facts, in the pivot",
            trigger: ".o_pivot_view .o_pivot",
        },
        {
            trigger: ".o_breadcrumb .active:contains(Tour Support)",
        },
        {
            content: "Back to the dashboard",
            trigger: ".o_breadcrumb .o_back_button, .o_breadcrumb li.breadcrumb-item a",
            run: "click",
        },
        {
            content: "The dashboard is back, still on today",
            trigger: ".o_callcenter_period_today.active",
        },
        {
            trigger: ".o_callcenter_queue_row:contains(Tour Support)",
        },
    ],
});
