# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from . import test_aapor
from . import test_concurrency
from . import test_dialer
from . import test_quota
from . import test_scheduler
from . import test_console
from . import test_i18n
from . import test_sample_import
