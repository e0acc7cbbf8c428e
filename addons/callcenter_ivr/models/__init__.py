from . import (
    callcenter_ivr_version_part,  # first: the nodes inherit from it
    callcenter_calendar_workday,
    callcenter_call,
    callcenter_ivr,
    callcenter_ivr_node,
    callcenter_ivr_node_option,
    callcenter_ivr_prompt,
    callcenter_ivr_prompt_audio,
    callcenter_ivr_route,
    callcenter_ivr_session,
    callcenter_ivr_version,
    callcenter_ivr_visit,
    callcenter_pbx,
    callcenter_voicemail,
    resource_calendar,
)
