# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Call Center WeChat",
    "summary": "WeChat Official Account as a contact channel: followers, conversations "
    "routed through the call center's queues, auto-replies, menus, template messages",
    "version": "18.0.1.0.0",
    "development_status": "Beta",
    "category": "Productivity/Call Center",
    "website": "https://github.com/callcenter-suite/callcenter",
    "author": "Call Center Suite contributors",
    "maintainers": [],
    "license": "LGPL-3",
    "installable": True,
    "external_dependencies": {"python": ["wechatpy", "qrcode", "cryptography"]},
    "depends": ["callcenter_base", "mail", "portal", "resource"],
    "data": [
        "security/ir.model.access.csv",
        "security/callcenter_wechat_security.xml",
        "data/callcenter_wechat_data.xml",
        "data/callcenter_wechat_conversation_data.xml",
        "data/callcenter_wechat_template_data.xml",
        "views/callcenter_wechat_account_views.xml",
        "views/callcenter_wechat_follower_views.xml",
        "views/callcenter_wechat_message_views.xml",
        "views/callcenter_wechat_conversation_views.xml",
        "views/callcenter_wechat_autoreply_views.xml",
        "views/callcenter_wechat_menu_button_views.xml",
        "views/callcenter_wechat_template_views.xml",
        "views/callcenter_wechat_follow_report_views.xml",
        "views/res_partner_views.xml",
        "views/portal_templates.xml",
        "views/callcenter_wechat_inbox_views.xml",
        "wizard/callcenter_wechat_transfer_views.xml",
        "wizard/callcenter_wechat_close_views.xml",
        "wizard/callcenter_wechat_link_views.xml",
        "views/callcenter_wechat_menus.xml",
    ],
    "demo": [
        "demo/callcenter_wechat_demo.xml",
    ],
    "assets": {
        "web.assets_backend": [
            "callcenter_wechat/static/src/**/*",
        ],
        "web.assets_tests": [
            "callcenter_wechat/static/tests/tours/**/*",
        ],
    },
}
