# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models
from odoo.exceptions import UserError
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
    """Calls mark the report intervals they count in, so that the facts follow them,
    and list their quality reviews."""

    _inherit = "callcenter.call"

    qa_review_ids = fields.One2many("callcenter.qa.review", "call_id", string="Quality Reviews")
    qa_review_count = fields.Integer(compute="_compute_qa_review_count")

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

    # ------------------------------------------------------------
    # QUALITY REVIEW
    # ------------------------------------------------------------

    def _compute_qa_review_count(self):
        counts = dict(self.env["callcenter.qa.review"]._read_group(
            [("call_id", "in", self.ids)], ["call_id"], ["__count"]
        ))
        for call in self:
            call.qa_review_count = counts.get(call, 0)

    def action_callcenter_qa_review(self):
        """A new review of this call, its lines filled from the default scorecard."""
        self.ensure_one()
        if not self.recording_attachment_id:
            raise UserError(_("Only recorded calls can be reviewed: this call has no recording."))
        return {
            "type": "ir.actions.act_window",
            "name": _("New Review"),
            "res_model": "callcenter.qa.review",
            "views": [(False, "form")],
            "target": "current",
            "context": {"default_call_id": self.id},
        }

    def action_view_callcenter_qa_reviews(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "callcenter_reports.callcenter_qa_review_action"
        )
        action["domain"] = [("call_id", "=", self.id)]
        action["context"] = {"default_call_id": self.id}
        return action
