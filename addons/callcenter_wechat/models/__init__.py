# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from . import callcenter_wechat_token
from . import callcenter_wechat_account
from . import callcenter_wechat_follower
from . import callcenter_wechat_conversation
from . import callcenter_wechat_message
from . import callcenter_wechat_autoreply
from . import callcenter_wechat_menu_button
from . import callcenter_wechat_template
from . import callcenter_wechat_template_line
from . import callcenter_wechat_qrcode
from . import callcenter_wechat_follow_report
from . import res_partner
from . import callcenter_agent
