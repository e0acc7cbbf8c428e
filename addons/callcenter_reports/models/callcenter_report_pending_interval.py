# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

INTERVAL_MINUTES = 15


class CallcenterReportPendingInterval(models.Model):
    """A 15-minute interval whose facts must be computed again.

    Calls and agent states mark the intervals they touch as they are written; the
    refresh cron recomputes only those, so history is never recomputed and every
    fact row always equals what a full recomputation would give.
    """

    _name = "callcenter.report.pending.interval"
    _description = "Call Center Report Interval to Refresh"
    _log_access = False
    _order = "interval_start"
    _rec_name = "interval_start"

    interval_start = fields.Datetime(required=True, readonly=True)

    _sql_constraints = [
        ("interval_start_unique", "UNIQUE(interval_start)", "An interval is pending once."),
    ]

    def _callcenter_rebuild_facts(self, date_from=None, date_to=None):
        """Placeholder until the refresh lands."""
        return 0
