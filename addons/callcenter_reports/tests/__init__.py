# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from . import test_staffing
from . import test_qa
from . import test_report_dashboard
from . import test_ui
from . import test_report_kpi
from . import test_report_facts
from . import test_report_export
from . import test_report_security
from . import test_i18n
