# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from . import callcenter_wechat_transfer
from . import callcenter_wechat_close
from . import callcenter_wechat_link
