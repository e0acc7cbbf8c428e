# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from . import helpdesk_ticket
from . import callcenter_callback
from . import callcenter_queue
from . import res_company
from . import res_config_settings
from . import callcenter_kb_category
from . import callcenter_kb_article
from . import callcenter_helpdesk_followup_rule
from . import callcenter_helpdesk_followup
from . import helpdesk_ticket_team
from . import callcenter_call
from . import res_partner
from . import callcenter_helpdesk_transfer
from . import callcenter_helpdesk_deadline
from . import callcenter_contact_history
from . import helpdesk_ticket_category
from . import callcenter_helpdesk_complaint_report
