# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from . import callcenter_team
from . import callcenter_agent
from . import callcenter_queue
from . import callcenter_report_ratio_mixin
from . import callcenter_report_pending_interval
from . import callcenter_report_queue_interval
from . import callcenter_report_agent_interval
from . import callcenter_call
from . import callcenter_agent_state_log
from . import callcenter_report_dashboard
from . import callcenter_qa_scorecard
from . import callcenter_qa_criterion
from . import callcenter_qa_review
from . import callcenter_qa_review_line
from . import callcenter_report_schedule
from . import callcenter_staffing_plan
from . import callcenter_staffing_plan_line
