# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Call Center IVR",
    "summary": "Voice menus edited in Odoo, versioned, published to the connector's FastAGI server",
    "version": "18.0.1.0.0",
    "development_status": "Beta",
    "category": "Productivity/Call Center",
    "website": "https://github.com/callcenter-suite/callcenter",
    "author": "Call Center Suite contributors",
    "maintainers": [],
    "license": "LGPL-3",
    "installable": True,
    "external_dependencies": {"bin": ["sox", "espeak-ng"]},
    "depends": ["callcenter_base", "mail", "resource"],
    "data": [
        "security/ir.model.access.csv",
        "security/callcenter_ivr_security.xml",
        "data/callcenter_ivr_data.xml",
        "views/callcenter_ivr_prompt_views.xml",
        "views/callcenter_ivr_node_views.xml",
        "views/callcenter_ivr_version_views.xml",
        "views/callcenter_ivr_views.xml",
        "views/callcenter_ivr_route_views.xml",
        "views/callcenter_ivr_session_views.xml",
        "views/callcenter_ivr_visit_views.xml",
        "views/callcenter_voicemail_views.xml",
        "views/resource_calendar_views.xml",
        "views/callcenter_pbx_views.xml",
        "views/callcenter_call_views.xml",
        "views/callcenter_ivr_menus.xml",
    ],
    "demo": [
        "demo/callcenter_ivr_demo.xml",
    ],
    "assets": {
        "web.assets_backend": [
            "callcenter_ivr/static/src/**/*",
        ],
        "web.assets_tests": [
            "callcenter_ivr/static/tests/tours/**/*",
        ],
    },
}
