# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Excel export of the call center reports, on demand.

The wizard only gathers what to report on and downloads the file: the report
itself is built by `callcenter.report.builder`, which the scheduled reports
(callcenter.report.schedule) call too, so a report holds the same figures
whoever asks for it and however.
"""

from odoo import api, fields, models

from odoo.addons.base.models.res_partner import _tz_get

from ..models.callcenter_report_builder import (
    GRANULARITIES,
    REPORT_KINDS,
    XLSX_MIMETYPE,
    ReportRequest,
)
from ..tools.report_periods import local_today, report_period

PERIODS = [
    ("yesterday", "Yesterday"),
    ("last_week", "Last Week"),
    ("last_month", "Last Month"),
    ("custom", "Custom"),
]


class CallcenterReportExport(models.TransientModel):
    _name = "callcenter.report.export"
    _description = "Export Call Center Report"

    report_kind = fields.Selection(REPORT_KINDS, string="Report", required=True, default="queue")
    period = fields.Selection(PERIODS, required=True, default="yesterday")
    tz = fields.Selection(
        _tz_get, string="Time Zone", required=True,
        default=lambda self: self.env.context.get("tz") or self.env.user.tz or "UTC",
        help="Days, weeks and months start at midnight in this time zone; times in the "
        "file are shown in it.")
    date_from = fields.Date(
        string="From", required=True, compute="_compute_dates", store=True, readonly=False,
        precompute=True)
    date_to = fields.Date(
        string="To", required=True, compute="_compute_dates", store=True, readonly=False,
        precompute=True)
    granularity = fields.Selection(
        GRANULARITIES, string="By", required=True, default="day",
        help="One row per queue or agent and per period of this length.")
    queue_ids = fields.Many2many("callcenter.queue", string="Queues",
                                 help="Leave empty for every queue you may see.")
    team_ids = fields.Many2many("callcenter.team", string="Teams",
                                help="Leave empty for every team you may see.")
    agent_ids = fields.Many2many("callcenter.agent", string="Agents",
                                 help="Leave empty for every agent you may see.")

    @api.depends("period", "tz")
    def _compute_dates(self):
        for wizard in self:
            today = local_today(wizard.tz or "UTC")
            if wizard.period and wizard.period != "custom":
                wizard.date_from, wizard.date_to = report_period(wizard.period, today)
            else:
                yesterday = report_period("yesterday", today)[0]
                wizard.date_from = wizard.date_from or yesterday
                wizard.date_to = wizard.date_to or yesterday

    @api.onchange("date_from", "date_to")
    def _onchange_dates(self):
        """Dates changed by hand are a custom period."""
        for wizard in self:
            if wizard.period != "custom" and wizard.date_from and wizard.date_to and (
                    (wizard.date_from, wizard.date_to)
                    != report_period(wizard.period, local_today(wizard.tz or "UTC"))):
                wizard.period = "custom"

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def action_export(self):
        """Build the file, keep it as an attachment of this wizard (removed with it by
        the transient vacuum, readable only by its creator) and download it."""
        self.ensure_one()
        result = self.env["callcenter.report.builder"]._callcenter_report_build(
            self._callcenter_report_request())
        attachment = self.env["ir.attachment"].create({
            "name": result.filename,
            "raw": result.content,
            "mimetype": XLSX_MIMETYPE,
            "res_model": self._name,
            "res_id": self.id,
        })
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{attachment.id}?download=true",
            "target": "download",
        }

    def _callcenter_report_request(self):
        self.ensure_one()
        return ReportRequest(
            kind=self.report_kind, date_from=self.date_from, date_to=self.date_to,
            granularity=self.granularity, tz=self.tz,
            queue_ids=tuple(self.queue_ids.ids), team_ids=tuple(self.team_ids.ids),
            agent_ids=tuple(self.agent_ids.ids))
