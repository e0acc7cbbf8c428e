# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models
from odoo.tools import SQL

# Fields a fact figure depends on: a write touching none of them leaves the facts alone.
REPORT_FIELDS = frozenset({
    "state", "direction", "started_at", "queue_entered_at", "ring_started_at", "answered_at",
    "ended_at", "wrapup_ended_at", "hold_duration", "wait_duration", "talk_duration",
    "wrapup_duration", "handle_duration", "queue_id", "agent_id", "transferred",
    "caller_number_raw", "callee_number_raw", "customer_number", "pbx_id", "company_id",
})
# Fields that decide whether the later calls of the same number are repeat calls.
REPEAT_FIELDS = frozenset({
    "direction", "started_at", "caller_number_raw", "callee_number_raw", "customer_number",
    "pbx_id", "company_id",
})


class CallcenterCall(models.Model):
    """Calls mark the report intervals they count in, so that the facts follow them."""

    _inherit = "callcenter.call"

    # ------------------------------------------------------------
    # ORM
    # ------------------------------------------------------------

    def init(self):
        """Repeat callers look up the earlier inbound calls of a number by start."""
        super().init()
        self.env.cr.execute(SQL(
            "CREATE INDEX IF NOT EXISTS callcenter_call_customer_started_idx "
            "ON callcenter_call (customer_number, started_at) WHERE direction = 'inbound'"))

    @api.model_create_multi
    def create(self, vals_list):
        calls = super().create(vals_list)
        calls._callcenter_mark_report(repeat=True)
        return calls

    def write(self, vals):
        if not REPORT_FIELDS.intersection(vals):
            return super().write(vals)
        repeat = bool(REPEAT_FIELDS.intersection(vals))
        self._callcenter_mark_report(repeat=repeat)
        result = super().write(vals)
        self._callcenter_mark_report(repeat=repeat)
        return result

    def unlink(self):
        self._callcenter_mark_report(repeat=True)
        return super().unlink()

    # ------------------------------------------------------------
    # BUSINESS
    # ------------------------------------------------------------

    def _callcenter_mark_report(self, repeat=False):
        """Mark the intervals of these calls' starts, written at commit in one statement;
        with `repeat`, the later calls of their numbers within the repeat window too."""
        Pending = self.env["callcenter.report.pending.interval"]
        # sudo: the marks only name intervals; the caller may write calls it cannot read all of.
        calls = self.sudo()
        Pending._callcenter_defer_marks(
            times=calls.mapped("started_at"),
            numbers=[(call.customer_number, call.started_at) for call in calls
                     if call.direction == "inbound"] if repeat else (),
        )
