# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from . import test_kb
from . import test_callback
from . import test_followup
from . import test_complaint
from . import test_ticket
from . import test_ticket_routing
from . import test_ticket_deadline
from . import test_ticket_history
from . import test_ticket_ui
from . import test_portal
from . import test_kb_play
from . import test_portal_ui
from . import test_i18n
from . import test_upstream_i18n
