# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Call Center Helpdesk WeChat",
    "summary": "Tickets from WeChat conversations, conversations on tickets and in the "
    "contact's history",
    "version": "18.0.1.0.0",
    "development_status": "Beta",
    "category": "Productivity/Call Center",
    "website": "https://github.com/callcenter-suite/callcenter",
    "author": "Call Center Suite contributors",
    "maintainers": [],
    "license": "LGPL-3",
    "installable": True,
    "auto_install": True,
    "depends": ["callcenter_helpdesk", "callcenter_wechat"],
    "data": [
        "security/ir.model.access.csv",
        "views/callcenter_wechat_conversation_views.xml",
        "views/helpdesk_ticket_views.xml",
        "views/callcenter_contact_history_views.xml",
    ],
    "assets": {
        "web.assets_backend": [
            "callcenter_helpdesk_wechat/static/src/**/*",
        ],
    },
}
