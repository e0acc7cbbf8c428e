# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models
from odoo.tools import SQL

from .callcenter_report_pending_interval import INTERVAL_MINUTES, REPEAT_DAYS

# The sums a queue fact row stores, in insert order, over the inbound calls of its
# interval (`c`: one call with its flags, see _callcenter_compute_intervals).
QUEUE_SUMS = {
    "offered": "count(*)",
    "short_abandoned": "count(*) FILTER (WHERE c.is_short)",
    "offered_counted": "count(*) FILTER (WHERE NOT c.is_short)",
    "answered": "count(*) FILTER (WHERE c.is_answered)",
    "answered_in_sl": "count(*) FILTER (WHERE c.is_answered AND c.in_time)",
    "abandoned": "count(*) FILTER (WHERE c.is_abandoned AND NOT c.is_short)",
    "abandoned_in_sl": "count(*) FILTER (WHERE c.is_abandoned AND NOT c.is_short AND c.in_time)",
    "unanswered": "count(*) FILTER (WHERE NOT c.is_answered AND NOT c.is_abandoned)",
    "transferred": "count(*) FILTER (WHERE c.is_answered AND c.transferred)",
    "repeat_calls": "count(*) FILTER (WHERE c.is_repeat)",
    "waited": "count(*) FILTER (WHERE c.is_answered OR (c.is_abandoned AND NOT c.is_short))",
    "wait_answered_total": "COALESCE(SUM(c.wait) FILTER (WHERE c.is_answered), 0)",
    "wait_total": "COALESCE(SUM(c.wait) FILTER (WHERE c.is_answered OR (c.is_abandoned AND NOT c.is_short)), 0)",
    "wait_max": "COALESCE(MAX(c.wait) FILTER (WHERE c.is_answered OR (c.is_abandoned AND NOT c.is_short)), 0)",
    "abandon_wait_total": "COALESCE(SUM(c.wait) FILTER (WHERE c.is_abandoned AND NOT c.is_short), 0)",
    "talk_total": "COALESCE(SUM(c.talk) FILTER (WHERE c.is_answered), 0)",
    "hold_total": "COALESCE(SUM(c.hold) FILTER (WHERE c.is_answered), 0)",
    "wrapup_total": "COALESCE(SUM(c.wrapup) FILTER (WHERE c.is_answered), 0)",
    "handle_total": "COALESCE(SUM(c.handle) FILTER (WHERE c.is_answered), 0)",
}
# The service level's numerator and denominator by the queue's formula (sl_variant).
SL_NUMERATOR = ("CASE f.sl_variant WHEN 'abandon_in_time' THEN f.answered_in_sl + f.abandoned_in_sl "
                "ELSE f.answered_in_sl END")
SL_DENOMINATOR = "CASE f.sl_variant WHEN 'answered' THEN f.answered ELSE f.offered_counted END"


class CallcenterReportQueueInterval(models.Model):
    """Inbound calls offered to a queue, per 15-minute interval of their arrival.

    One row per (interval, queue, company); the figures of the KPIs are defined
    in readme/DESCRIPTION.md. Short abandons (sooner than the queue's threshold)
    are counted apart and left out of every other figure.
    """

    _name = "callcenter.report.queue.interval"
    _inherit = ["callcenter.report.ratio.mixin"]
    _description = "Queue Performance per Interval"
    _log_access = False
    _order = "interval_start desc, queue_id"
    _rec_name = "interval_start"
    _ratio_measures = {
        "service_level": ("sl_numerator", "sl_denominator", 100.0),
        "answer_rate": ("answered", "offered_counted", 100.0),
        "abandon_rate": ("abandoned", "offered_counted", 100.0),
        "asa": ("wait_answered_total", "answered", 1.0),
        "aht": ("handle_total", "answered", 1.0),
        "avg_talk": ("talk_total", "answered", 1.0),
        "avg_wait": ("wait_total", "waited", 1.0),
        "avg_abandon_time": ("abandon_wait_total", "abandoned", 1.0),
        "transfer_rate": ("transferred", "answered", 100.0),
        "repeat_rate": ("repeat_calls", "offered_counted", 100.0),
    }

    interval_start = fields.Datetime(string="Interval", required=True, readonly=True, index=True)
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    queue_id = fields.Many2one("callcenter.queue", readonly=True, index=True)

    offered = fields.Integer(
        readonly=True, help="Inbound calls that reached the queue, counted in the interval they "
        "started in, whatever became of them (calls still waiting included).")
    short_abandoned = fields.Integer(
        string="Short Abandons", readonly=True,
        help="Hung up sooner than the queue's short-abandon threshold: left out of the other figures.")
    offered_counted = fields.Integer(
        string="Offered (Counted)", readonly=True, help="Offered calls less short abandons.")
    answered = fields.Integer(readonly=True, help="Calls an agent answered.")
    answered_in_sl = fields.Integer(
        string="Answered in Time", readonly=True,
        help="Answered within the queue's service-level threshold (wait <= threshold).")
    abandoned = fields.Integer(readonly=True, help="Abandoned after the short-abandon threshold.")
    abandoned_in_sl = fields.Integer(
        string="Abandoned in Time", readonly=True,
        help="Abandoned (not short) within the queue's service-level threshold.")
    unanswered = fields.Integer(
        string="Other Unanswered", readonly=True,
        help="Neither answered nor abandoned: missed (no agent answered in time, overflowed), "
        "failed, or still waiting.")
    transferred = fields.Integer(readonly=True, help="Answered calls that were transferred.")
    repeat_calls = fields.Integer(
        readonly=True, help="Counted calls from a number that made another inbound call "
        "within the 7 days before.")
    waited = fields.Integer(
        string="Calls That Waited", readonly=True, help="Answered plus abandoned calls.")
    sl_numerator = fields.Integer(
        string="Service Level: Calls in Time", readonly=True,
        help="Answered in time, plus abandoned in time under the formula that counts them.")
    sl_denominator = fields.Integer(
        string="Service Level: Calls Counted", readonly=True,
        help="Offered (counted), or answered under the formula that leaves abandons out.")
    wait_answered_total = fields.Integer(string="Wait of Answered (s)", readonly=True)
    wait_total = fields.Integer(string="Wait (s)", readonly=True,
                                help="Wait of the calls that waited: answered and abandoned.")
    wait_max = fields.Integer(string="Longest Wait (s)", readonly=True, aggregator="max",
                              help="Longest wait of an answered or abandoned call.")
    abandon_wait_total = fields.Integer(string="Wait of Abandoned (s)", readonly=True)
    talk_total = fields.Integer(string="Talk (s)", readonly=True)
    hold_total = fields.Integer(string="Hold (s)", readonly=True)
    wrapup_total = fields.Integer(string="Wrap-up (s)", readonly=True)
    handle_total = fields.Integer(string="Handle (s)", readonly=True)

    service_level = fields.Float(string="Service Level (%)", readonly=True, aggregator="avg")
    answer_rate = fields.Float(string="Answer Rate (%)", readonly=True, aggregator="avg")
    abandon_rate = fields.Float(string="Abandon Rate (%)", readonly=True, aggregator="avg")
    asa = fields.Float(string="ASA (s)", readonly=True, aggregator="avg",
                       help="Average speed of answer: wait of answered calls / answered calls.")
    aht = fields.Float(string="AHT (s)", readonly=True, aggregator="avg",
                       help="Average handle time: (talk + hold + wrap-up) / answered calls.")
    avg_talk = fields.Float(string="Average Talk (s)", readonly=True, aggregator="avg")
    avg_wait = fields.Float(string="Average Wait (s)", readonly=True, aggregator="avg")
    avg_abandon_time = fields.Float(string="Average Abandon Time (s)", readonly=True, aggregator="avg")
    transfer_rate = fields.Float(string="Transfer Rate (%)", readonly=True, aggregator="avg")
    repeat_rate = fields.Float(string="Repeat Callers (%)", readonly=True, aggregator="avg",
                               help="Calls from a number that called within the 7 days before, "
                               "a proxy for first-contact resolution.")

    # ------------------------------------------------------------
    # BUSINESS
    # ------------------------------------------------------------

    def _callcenter_compute_intervals(self, intervals):
        """Replace the facts of `intervals` (15-minute starts, UTC) by what the calls say now.

        Two set-based statements whatever the number of calls: one DELETE, one
        INSERT ... SELECT ... GROUP BY. A call counts in the interval of its
        started_at; thresholds and formula are its queue's (none without a queue:
        nothing is short and the wait, 0 without a queue entry, is always in time).
        """
        if not intervals:
            return
        cr = self.env.cr
        cr.execute(SQL("DELETE FROM callcenter_report_queue_interval WHERE interval_start = ANY(%s)",
                       list(intervals)))
        columns = ["interval_start", "company_id", "queue_id", *QUEUE_SUMS,
                   "sl_numerator", "sl_denominator", *self._ratio_measures]
        cr.execute(SQL("""
            WITH bins AS (
                SELECT DISTINCT unnest(%(bins)s::timestamp[]) AS interval_start
            ), calls AS (
                SELECT b.interval_start, c.company_id, c.queue_id,
                       COALESCE(q.sl_variant, 'offered') AS sl_variant,
                       c.answered_at IS NOT NULL AS is_answered,
                       c.answered_at IS NULL AND c.state = 'abandoned' AS is_abandoned,
                       c.answered_at IS NULL AND c.state = 'abandoned'
                           AND c.wait_duration < COALESCE(q.short_abandon_threshold, 0) AS is_short,
                       c.wait_duration <= COALESCE(q.sl_threshold, 0) AS in_time,
                       COALESCE(c.transferred, false) AS transferred,
                       COALESCE(c.wait_duration, 0) AS wait,
                       COALESCE(c.talk_duration, 0) AS talk,
                       COALESCE(c.hold_duration, 0) AS hold,
                       COALESCE(c.wrapup_duration, 0) AS wrapup,
                       COALESCE(c.handle_duration, 0) AS handle,
                       c.customer_number, c.started_at
                  FROM bins b
                  JOIN callcenter_call c
                    ON c.started_at >= b.interval_start
                   AND c.started_at < b.interval_start + %(step)s::interval
             LEFT JOIN callcenter_queue q ON q.id = c.queue_id
                 WHERE c.direction = 'inbound'
            ), flagged AS (
                SELECT calls.*,
                       NOT calls.is_short AND calls.customer_number IS NOT NULL AND EXISTS (
                           SELECT 1 FROM callcenter_call p
                            WHERE p.customer_number = calls.customer_number
                              AND p.direction = 'inbound'
                              AND p.company_id = calls.company_id
                              AND p.started_at >= calls.started_at - %(repeat)s::interval
                              AND p.started_at < calls.started_at
                       ) AS is_repeat
                  FROM calls
            ), f AS (
                SELECT c.interval_start, c.company_id, c.queue_id, MIN(c.sl_variant) AS sl_variant,
                       %(sums)s
                  FROM flagged c
              GROUP BY c.interval_start, c.company_id, c.queue_id
            ), r AS (
                SELECT f.*, %(sl_numerator)s AS sl_numerator, %(sl_denominator)s AS sl_denominator
                  FROM f
            )
            INSERT INTO callcenter_report_queue_interval (%(columns)s)
            SELECT r.interval_start, r.company_id, r.queue_id, %(values)s, %(ratios)s
              FROM r
            ON CONFLICT (interval_start, company_id, COALESCE(queue_id, 0))
            DO UPDATE SET %(updates)s
        """, bins=list(intervals), step=f"{INTERVAL_MINUTES} minutes", repeat=f"{REPEAT_DAYS} days",
            sums=SQL(", ").join(SQL(f"{expression} AS {name}") for name, expression in QUEUE_SUMS.items()),
            sl_numerator=SQL(SL_NUMERATOR), sl_denominator=SQL(SL_DENOMINATOR),
            columns=SQL(", ").join(SQL.identifier(name) for name in columns),
            values=SQL(", ").join(SQL.identifier("r", name)
                                  for name in [*QUEUE_SUMS, "sl_numerator", "sl_denominator"]),
            ratios=SQL(", ").join(self._ratio_sql(name, "r") for name in self._ratio_measures),
            updates=SQL(", ").join(SQL("%s = EXCLUDED.%s", SQL.identifier(name), SQL.identifier(name))
                                   for name in columns[3:])))

    def init(self):
        """One row per interval, company and queue: a refresh working from a snapshot older
        than another's commit fails to serialize (and is retried) instead of adding a row."""
        self.env.cr.execute(SQL(
            "CREATE UNIQUE INDEX IF NOT EXISTS callcenter_report_queue_interval_key "
            "ON callcenter_report_queue_interval (interval_start, company_id, COALESCE(queue_id, 0))"))
