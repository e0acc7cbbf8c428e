# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from . import callcenter_cati_disposition
from . import callcenter_cati_campaign
from . import callcenter_cati_window
from . import callcenter_cati_field
from . import callcenter_cati_case
from . import callcenter_cati_number
from . import callcenter_cati_attempt
from . import callcenter_cati_appointment
from . import callcenter_cati_quota
from . import callcenter_cati_quota_condition
from . import callcenter_pbx
from . import survey_user_input
from . import callcenter_cati_console
