# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Call Center Reports",
    "summary": "Service level, ASA, handle time, abandons and occupancy per queue, agent, "
    "team and interval; quality review of recorded calls; Excel exports mailed on "
    "schedule; Erlang C staffing",
    "version": "18.0.1.0.0",
    "development_status": "Beta",
    "category": "Productivity/Call Center",
    "website": "https://github.com/callcenter-suite/callcenter",
    "author": "Call Center Suite contributors",
    "maintainers": [],
    "license": "LGPL-3",
    "installable": True,
    "external_dependencies": {"python": ["xlsxwriter"]},
    "depends": ["callcenter_base", "mail"],
    "data": [
        "security/callcenter_reports_groups.xml",
        "security/ir.model.access.csv",
        "security/callcenter_report_security.xml",
        "security/callcenter_qa_security.xml",
        "data/callcenter_report_data.xml",
        "data/callcenter_report_schedule_data.xml",
        "views/callcenter_team_views.xml",
        "views/callcenter_agent_views.xml",
        "views/callcenter_queue_views.xml",
        "views/callcenter_report_queue_interval_views.xml",
        "views/callcenter_report_agent_interval_views.xml",
        "views/callcenter_report_dashboard_views.xml",
        "views/callcenter_qa_scorecard_views.xml",
        "views/callcenter_qa_review_views.xml",
        "views/callcenter_call_views.xml",
        "views/callcenter_report_schedule_views.xml",
        "views/callcenter_staffing_plan_views.xml",
        "wizard/callcenter_report_export_views.xml",
        "views/callcenter_reports_menus.xml",
    ],
    "demo": [
        "demo/callcenter_reports_demo.xml",
        "demo/callcenter_qa_demo.xml",
        "demo/callcenter_staffing_demo.xml",
    ],
    "post_init_hook": "post_init_hook",
    "assets": {
        "web.assets_backend": [
            "callcenter_reports/static/src/**/*",
        ],
        "web.assets_tests": [
            "callcenter_reports/static/tests/tours/**/*",
        ],
    },
}
