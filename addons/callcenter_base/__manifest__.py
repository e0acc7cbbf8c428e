# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Call Center",
    "summary": "PBX servers, agents and their states, queues and skills, "
    "call records on contacts, blacklist",
    "version": "18.0.1.0.0",
    "development_status": "Beta",
    "category": "Productivity/Call Center",
    "website": "https://github.com/callcenter-suite/callcenter",
    "author": "Call Center Suite contributors",
    "maintainers": [],
    "license": "LGPL-3",
    "application": True,
    "installable": True,
    "external_dependencies": {"python": ["phonenumbers"]},
    "depends": ["mail", "contacts", "phone_validation", "resource"],
    "data": [
        "security/callcenter_groups.xml",
        "security/ir.model.access.csv",
        "security/callcenter_security.xml",
        "data/callcenter_pause_reason_data.xml",
        "data/callcenter_call_disposition_data.xml",
        "data/callcenter_call_data.xml",
        "views/callcenter_pbx_views.xml",
        "views/callcenter_skill_views.xml",
        "views/callcenter_pause_reason_views.xml",
        "views/callcenter_agent_views.xml",
        "views/callcenter_agent_state_log_views.xml",
        "views/callcenter_queue_views.xml",
        "views/callcenter_call_views.xml",
        "views/callcenter_call_disposition_views.xml",
        "views/callcenter_call_tag_views.xml",
        "views/callcenter_blacklist_views.xml",
        "views/res_partner_views.xml",
        "views/callcenter_menus.xml",
        "views/callcenter_wallboard_views.xml",
    ],
    "demo": [
        "demo/callcenter_demo.xml",
    ],
    "assets": {
        "web.assets_backend": [
            "callcenter_base/static/src/**/*",
        ],
        "web.assets_tests": [
            "callcenter_base/static/tests/tours/**/*",
        ],
    },
}
