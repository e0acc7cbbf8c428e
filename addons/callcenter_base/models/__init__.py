# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from . import (
    callcenter_pbx,
    callcenter_skill,
    callcenter_pause_reason,
    callcenter_agent,
    callcenter_agent_skill,
    callcenter_agent_state_log,
    callcenter_queue,
    callcenter_queue_member,
    callcenter_call_disposition,
    callcenter_call_tag,
    callcenter_call,
    callcenter_call_leg,
    callcenter_blacklist,
    res_partner,
    res_users,
)
