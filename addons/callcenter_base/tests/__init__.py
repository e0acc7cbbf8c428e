# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from . import (
    test_callcenter_agent,
    test_callcenter_blacklist,
    test_callcenter_call,
    test_callcenter_pbx,
    test_connector_e2e,
    test_connector_ingest,
    test_demo_data,
    test_i18n,
    test_phone_number,
    test_security,
    test_ui,
)
