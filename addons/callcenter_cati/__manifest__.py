# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Call Center CATI",
    "summary": "Outbound survey campaigns: samples, quotas, case scheduling, preview, "
    "progressive and predictive dialing, interviewer console, AAPOR rates",
    "version": "18.0.1.0.2",
    "development_status": "Beta",
    "category": "Productivity/Call Center",
    "website": "https://github.com/callcenter-suite/callcenter",
    "author": "Call Center Suite contributors",
    "maintainers": [],
    "license": "LGPL-3",
    "installable": True,
    "external_dependencies": {"python": ["openpyxl", "phonenumbers"]},
    "depends": ["callcenter_base", "survey", "mail"],
    "data": [
        "security/ir.model.access.csv",
        "security/callcenter_cati_security.xml",
        "data/callcenter_cati_disposition_data.xml",
        "data/callcenter_cati_data.xml",
        "views/callcenter_cati_disposition_views.xml",
        "views/callcenter_cati_case_views.xml",
        "views/callcenter_cati_attempt_views.xml",
        "views/callcenter_cati_appointment_views.xml",
        "views/callcenter_cati_quota_views.xml",
        "views/callcenter_cati_campaign_views.xml",
        "wizard/callcenter_cati_import_views.xml",
        "views/callcenter_cati_menus.xml",
        "views/callcenter_cati_console_views.xml",
        "views/callcenter_cati_survey_templates.xml",
    ],
    "demo": [
        "demo/callcenter_cati_demo.xml",
    ],
    "assets": {
        "web.assets_backend": [
            "callcenter_cati/static/src/**/*",
        ],
        "web.assets_tests": [
            "callcenter_cati/static/tests/tours/**/*",
        ],
    },
    "uninstall_hook": "uninstall_hook",
}
