# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from . import callcenter_contact_history
from . import callcenter_wechat_conversation
from . import helpdesk_ticket
