from . import (
    test_i18n,
    test_ivr_e2e,
    test_ivr_prompt,
    test_ivr_runtime,
    test_ivr_session,
    test_ivr_version,
    test_ui,
    test_voicemail_access,
)
