# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Call Center Helpdesk",
    "summary": "Tickets from calls and chats, routing between departments with deadlines, "
    "follow-up calls with satisfaction, complaints, a knowledge base for agents, and "
    "the customer portal",
    "version": "18.0.1.0.0",
    "development_status": "Beta",
    "category": "Productivity/Call Center",
    "website": "https://github.com/callcenter-suite/callcenter",
    "author": "Call Center Suite contributors",
    "maintainers": [],
    "license": "LGPL-3",
    "installable": True,
    "depends": ["callcenter_base", "helpdesk_mgmt", "mail", "portal"],
    "data": [
        "security/ir.model.access.csv",
        # tickets from calls, hand-overs, deadlines, contact history
        "security/callcenter_helpdesk_ticket_security.xml",
        "data/callcenter_helpdesk_ticket_data.xml",
        "views/helpdesk_ticket_views.xml",
        "views/helpdesk_ticket_team_views.xml",
        "views/callcenter_call_views.xml",
        "views/callcenter_helpdesk_deadline_views.xml",
        "views/callcenter_contact_history_views.xml",
        "views/res_partner_views.xml",
        "wizard/callcenter_helpdesk_transfer_wizard_views.xml",
        "views/callcenter_helpdesk_menus.xml",
        # follow-up calls and complaints
        "security/callcenter_helpdesk_followup_security.xml",
        "data/callcenter_helpdesk_followup_data.xml",
        "views/callcenter_helpdesk_followup_views.xml",
        # knowledge base
        "security/callcenter_kb_security.xml",
        "views/callcenter_kb_views.xml",
        # callbacks and the portal
        "security/callcenter_portal_security.xml",
        "views/callcenter_callback_views.xml",
        "views/callcenter_queue_views.xml",
        "views/res_config_settings_views.xml",
        "views/portal_templates.xml",
    ],
    "demo": [
        "demo/callcenter_helpdesk_ticket_demo.xml",
        "demo/callcenter_helpdesk_followup_demo.xml",
        "demo/callcenter_kb_demo.xml",
        "demo/callcenter_portal_demo.xml",
    ],
    "assets": {
        "web.assets_backend": [
            "callcenter_helpdesk/static/src/backend/**/*",
        ],
        "web.assets_frontend": [
            "callcenter_helpdesk/static/src/portal/**/*",
        ],
        "web.assets_tests": [
            "callcenter_helpdesk/static/tests/tours/**/*",
        ],
    },
}
