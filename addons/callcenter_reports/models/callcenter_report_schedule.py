# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Reports mailed as Excel files every day, week or month.

Whose figures: a report is built once per schedule, with the access of its
"Run As" user (by default whoever created the schedule) in the schedule's
company, and the same file goes to every recipient. A recipient thus receives
what the Run As user may see, never more, whatever the recipient's own rights:
make a team lead the Run As user to mail only that lead's queues. Only
managers edit schedules, and a manager already sees every figure, so choosing
another user can only narrow what is sent.

When: the cron runs every hour and sends each schedule whose next run date has
come in the schedule's time zone, so that every zone gets its report soon
after its own midnight: daily, yesterday's; weekly, last week's (Monday to
Sunday); monthly, last month's. A report missed (server down) is sent at the
next run, for the period just before that run; periods are not caught up.

Nothing is half-sent: the file, the mail and the next run date of a schedule
are written together in a savepoint, so a failing schedule (logged, and noted
in its chatter) leaves no trace but the note, and the others are sent.
"""

import logging
import threading

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from odoo.addons.base.models.res_partner import _tz_get

from ..tools.report_periods import local_today, next_run_date, report_period
from .callcenter_report_builder import GRANULARITIES, REPORT_KINDS, XLSX_MIMETYPE, ReportRequest

_logger = logging.getLogger(__name__)

FREQUENCIES = [("daily", "Daily"), ("weekly", "Weekly"), ("monthly", "Monthly")]
FREQUENCY_PERIODS = {"daily": "yesterday", "weekly": "last_week", "monthly": "last_month"}
DEFAULT_GRANULARITIES = {"daily": "hour", "weekly": "day", "monthly": "day"}
MAIL_BODY_TEMPLATE = "callcenter_reports.callcenter_report_schedule_mail_body"
MAIL_LAYOUT = "mail.mail_notification_light"


class CallcenterReportSchedule(models.Model):
    _name = "callcenter.report.schedule"
    _inherit = ["mail.thread"]
    _description = "Scheduled Call Center Report"
    _order = "name, id"
    _check_company_auto = True

    name = fields.Char(required=True, tracking=True)
    active = fields.Boolean(default=True, tracking=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company,
        tracking=True)
    report_kind = fields.Selection(
        REPORT_KINDS, string="Report", required=True, default="queue", tracking=True)
    frequency = fields.Selection(
        FREQUENCIES, required=True, default="daily", tracking=True,
        help="Daily: yesterday's report; weekly: last week's, Monday to Sunday; monthly: "
        "last month's; each sent on the first run after midnight in the schedule's time zone.")
    granularity = fields.Selection(
        GRANULARITIES, string="By", required=True, compute="_compute_granularity", store=True,
        readonly=False, precompute=True,
        help="One row per queue or agent and per period of this length.")
    tz = fields.Selection(
        _tz_get, string="Time Zone", required=True,
        default=lambda self: self.env.user.tz or "UTC",
        help="Days, weeks and months start at midnight in this time zone, and times in the "
        "file are shown in it.")
    queue_ids = fields.Many2many("callcenter.queue", string="Queues", check_company=True,
                                 help="Leave empty for every queue the Run As user may see.")
    team_ids = fields.Many2many("callcenter.team", string="Teams", check_company=True,
                                help="Leave empty for every team the Run As user may see.")
    run_as_user_id = fields.Many2one(
        "res.users", string="Run As", required=True, index=True, tracking=True,
        default=lambda self: self.env.user, domain="[('share', '=', False)]",
        help="The report holds the figures this user may see, and every recipient gets "
        "that same report: recipients never see more than this user.")
    user_ids = fields.Many2many(
        "res.users", "callcenter_report_schedule_res_users_rel", "schedule_id", "user_id",
        string="Recipients", domain="[('share', '=', False)]",
        help="Internal users who receive the report by email.")
    next_run_date = fields.Date(
        string="Next Run", compute="_compute_next_run_date", store=True, readonly=False,
        precompute=True, copy=False, tracking=True,
        help="Local date (in the schedule's time zone) of the next report.")
    last_sent = fields.Datetime(readonly=True, copy=False)

    # ------------------------------------------------------------
    # COMPUTES AND CONSTRAINTS
    # ------------------------------------------------------------

    @api.depends("frequency")
    def _compute_granularity(self):
        for schedule in self:
            schedule.granularity = DEFAULT_GRANULARITIES[schedule.frequency or "daily"]

    @api.depends("frequency", "tz")
    def _compute_next_run_date(self):
        for schedule in self:
            schedule.next_run_date = next_run_date(
                schedule.frequency or "daily", local_today(schedule.tz or "UTC"))

    @api.constrains("user_ids", "run_as_user_id")
    def _check_users(self):
        for schedule in self:
            if schedule.run_as_user_id.share or any(schedule.user_ids.mapped("share")):
                raise ValidationError(self.env._(
                    "Scheduled reports go to internal users only, and run as one."))
            if schedule.company_id not in schedule.run_as_user_id.company_ids:
                raise ValidationError(self.env._(
                    "%(user)s has no access to %(company)s: choose another Run As user.",
                    user=schedule.run_as_user_id.name, company=schedule.company_id.name))

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def action_send_now(self):
        """Send the report of the last complete period now; the schedule itself is
        unchanged (the next run stays when it was)."""
        self.check_access("write")
        for schedule in self:
            if not schedule.user_ids:
                raise UserError(self.env._("Choose who receives %(name)s.", name=schedule.name))
            schedule._callcenter_send(local_today(schedule.tz))
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self.env._("The report is on its way."),
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    # ------------------------------------------------------------
    # BUSINESS
    # ------------------------------------------------------------

    @api.model
    def _cron_send_due_reports(self):
        """Send every active schedule whose next run date has come in its time zone,
        and move that date on. One failing schedule is logged and does not stop the
        others; when the cron runs for real each schedule is committed on its own."""
        self._callcenter_refresh_facts()
        auto_commit = not getattr(threading.current_thread(), "testing", False)
        candidates = self.search([("next_run_date", "!=", False), ("user_ids", "!=", False)])
        for schedule in candidates:
            today = local_today(schedule.tz)
            if schedule.next_run_date > today:
                continue
            try:
                with self.env.cr.savepoint():
                    schedule._callcenter_send(today)
                    schedule.next_run_date = next_run_date(schedule.frequency, today)
            except Exception as error:  # noqa: BLE001 - one schedule must not stop the others
                _logger.exception("Scheduled report %s (id %s) could not be sent",
                                  schedule.name, schedule.id)
                schedule.message_post(body=self.env._(
                    "The report could not be sent: %(error)s", error=str(error)),
                    subtype_xmlid="mail.mt_note")
            if auto_commit:
                self.env.cr.commit()

    def _callcenter_send(self, today):
        """Build the report of the period before the local date `today` as the Run As
        user, and queue one mail with the file to the recipients (sent by the mail
        queue); the file is attached to that mail's message, not to the schedule, so
        that only the recipients (and the author) may open it in Odoo."""
        self.ensure_one()
        date_from, date_to = report_period(FREQUENCY_PERIODS[self.frequency], today)
        lang = self._callcenter_lang()
        # The figures: those the Run As user may see, in the schedule's company only.
        reporter = self.env["callcenter.report.builder"].with_user(
            self.run_as_user_id).with_context(
            allowed_company_ids=self.company_id.ids, lang=lang, tz=self.tz)
        result = reporter._callcenter_report_build(ReportRequest(
            kind=self.report_kind, date_from=date_from, date_to=date_to,
            granularity=self.granularity, tz=self.tz, queue_ids=tuple(self.queue_ids.ids),
            team_ids=tuple(self.team_ids.ids)))
        schedule = self.with_context(lang=lang)
        body = schedule._callcenter_mail_body(result)
        partners = self.user_ids.partner_id
        # sudo: mail.mail and its attachment are written by the system for the cron or a
        # manager (checked by action_send_now); the content was read as run_as_user_id.
        mail = self.env["mail.mail"].sudo().create({
            "subject": f"{self.name}: {result.period_text}",
            "body_html": body,
            "email_from": (self.company_id.partner_id.email_formatted
                           or self.run_as_user_id.email_formatted
                           or self.env.ref("base.user_root").email_formatted),
            "author_id": self.run_as_user_id.partner_id.id,
            "recipient_ids": [(6, 0, partners.ids)],
            "partner_ids": [(6, 0, partners.ids)],
            "message_type": "email_outgoing",
            "auto_delete": True,
        })
        attachment = self.env["ir.attachment"].sudo().create({
            "name": result.filename,
            "raw": result.content,
            "mimetype": XLSX_MIMETYPE,
            "res_model": "mail.message",
            "res_id": mail.mail_message_id.id,
        })
        mail.attachment_ids = [(4, attachment.id)]
        # sudo: the mail queue runs hourly; wake it for this mail (cron records are admin's).
        queue = self.env.ref("mail.ir_cron_mail_scheduler_action", raise_if_not_found=False)
        if queue:
            queue.sudo()._trigger()
        self.last_sent = fields.Datetime.now()
        self.message_post(body=self.env._(
            "%(report)s for %(period)s sent to %(recipients)s.",
            report=result.title, period=result.period_text,
            recipients=", ".join(self.user_ids.mapped("name"))), subtype_xmlid="mail.mt_note")
        return mail

    # ------------------------------------------------------------
    # TOOLS
    # ------------------------------------------------------------

    @api.model
    def _callcenter_refresh_facts(self):
        """Bring the facts up to date before the reports read them; a failure here
        only makes the reports a minute late, so it is logged and the reports sent."""
        try:
            with self.env.cr.savepoint():
                self.env["callcenter.report.pending.interval"].sudo()._callcenter_refresh_facts()
        except Exception:  # noqa: BLE001
            _logger.warning("Facts not refreshed before the scheduled reports", exc_info=True)

    def _callcenter_lang(self):
        """The recipients' language if they share one, else the Run As user's."""
        langs = set(self.user_ids.mapped("lang"))
        return langs.pop() if len(langs) == 1 else self.run_as_user_id.lang

    def _callcenter_mail_body(self, result):
        body = self.env["ir.qweb"]._render(
            MAIL_BODY_TEMPLATE, {"schedule": self, "result": result}, minimal_qcontext=True)
        message = self.env["mail.message"].sudo().new({"body": body, "record_name": self.name})
        return self.env["mail.render.mixin"]._render_encapsulate(
            MAIL_LAYOUT, Markup(body), add_context={
                "message": message,
                "model_description": self.env._("Scheduled Report"),
                "company": self.company_id,
            })
