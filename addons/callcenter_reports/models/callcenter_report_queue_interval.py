# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

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

    offered = fields.Integer(readonly=True, help="Inbound calls that reached the queue.")
    short_abandoned = fields.Integer(
        string="Short Abandons", readonly=True,
        help="Hung up sooner than the queue's short-abandon threshold: left out of the other figures.")
    offered_counted = fields.Integer(
        string="Offered (Counted)", readonly=True, help="Offered calls less short abandons.")
    answered = fields.Integer(readonly=True)
    answered_in_sl = fields.Integer(string="Answered in Time", readonly=True)
    abandoned = fields.Integer(readonly=True, help="Abandoned after the short-abandon threshold.")
    abandoned_in_sl = fields.Integer(string="Abandoned in Time", readonly=True)
    unanswered = fields.Integer(
        string="Other Unanswered", readonly=True,
        help="Neither answered nor abandoned: missed, overflowed or failed.")
    transferred = fields.Integer(readonly=True)
    repeat_calls = fields.Integer(
        readonly=True, help="Calls from a number that called within the 7 days before.")
    waited = fields.Integer(
        string="Calls That Waited", readonly=True, help="Answered plus abandoned calls.")
    sl_numerator = fields.Integer(string="Service Level: Calls in Time", readonly=True)
    sl_denominator = fields.Integer(string="Service Level: Calls Counted", readonly=True)
    wait_answered_total = fields.Integer(string="Wait of Answered (s)", readonly=True)
    wait_total = fields.Integer(string="Wait (s)", readonly=True)
    wait_max = fields.Integer(string="Longest Wait (s)", readonly=True, aggregator="max")
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
