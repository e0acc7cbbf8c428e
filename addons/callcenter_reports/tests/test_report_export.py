# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Excel exports and scheduled reports, read back with openpyxl."""

import io
import zipfile
from datetime import date, datetime, timedelta
from unittest.mock import patch

import openpyxl
from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from ..models import callcenter_report_builder as builder_module
from ..models.callcenter_report_builder import ReportRequest
from ..tools.report_periods import (
    chart_granularity,
    local_today,
    next_run_date,
    period_slices,
    report_period,
    utc_bounds,
)
from .report_common import (
    DAY,
    EXPECTED_AGENT,
    EXPECTED_AGENT_TOTAL,
    EXPECTED_QUEUE,
    EXPECTED_SUPPORT_TOTAL,
    INTERVAL_A,
    INTERVAL_B,
    ReportCommon,
)

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
REPORT_DAY = DAY.date()
CALLS_OF_THE_DAY = ["c1", "c2", "s1", "c3", "c4", "c5", "s2", "s3", "c6", "n1", "c7", "c8",
                    "o1", "o2", "c9", "c10"]


def load(content):
    return openpyxl.load_workbook(io.BytesIO(content))


def header_row(sheet):
    """The index of the header row: the first whose cell B is bold."""
    for row in sheet.iter_rows(max_row=10):
        if row[1].value and row[1].font.b:
            return row[0].row
    raise AssertionError("no header row")


def table(sheet):
    """{title: column letter}, [data rows as {title: cell}], totals row as {title: cell}."""
    head = header_row(sheet)
    titles = [cell.value for cell in sheet[head]]
    rows = [dict(zip(titles, row)) for row in sheet.iter_rows(min_row=head + 1)]
    return head, rows[:-1], rows[-1]


def seconds(cell):
    return cell.value.total_seconds()


class ExportCommon(ReportCommon):
    """ReportCommon without the demo history, whose month of calls ends the day
    before the install and so may cover the test days: a manager's reports then
    hold exactly the hand-built calls."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        ours = [call.id for call in cls.calls.values()]
        cls.env["callcenter.call"].search([("id", "not in", ours)]).unlink()
        cls.env["callcenter.agent.state.log"].search(
            [("id", "not in", cls.state_logs.ids)]).unlink()
        cls._refresh()


@tagged("callcenter")
class TestReportExport(ExportCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Export = cls.env["callcenter.report.export"]
        cls.Builder = cls.env["callcenter.report.builder"]

    def _export(self, kind, user=None, **values):
        """Run the wizard as `user` (the manager by default) on the test day, in UTC,
        by 15-minute interval, and return the downloaded workbook."""
        user = user or self.user_manager
        wizard = self.Export.with_user(user).create({
            "report_kind": kind, "period": "custom", "date_from": REPORT_DAY,
            "date_to": REPORT_DAY, "tz": "UTC", "granularity": "interval", **values,
        })
        action = wizard.action_export()
        self.assertEqual(action["type"], "ir.actions.act_url")
        attachment_id = int(action["url"].split("/web/content/")[1].split("?")[0])
        self.assertTrue(action["url"].endswith("?download=true"))
        attachment = self.env["ir.attachment"].with_user(user).browse(attachment_id)
        self.assertEqual(attachment.mimetype, XLSX_MIMETYPE)
        self.assertEqual((attachment.res_model, attachment.res_id), (wizard._name, wizard.id))
        return load(attachment.raw)

    def _build(self, user, kind, **values):
        request = ReportRequest(**{"kind": kind, "date_from": REPORT_DAY, "date_to": REPORT_DAY,
                                   "tz": "UTC", "granularity": "interval", **values})
        return self.Builder.with_user(user)._callcenter_report_build(request)

    # ------------------------------------------------------------
    # FILE
    # ------------------------------------------------------------

    def test_queue_report_by_interval(self):
        book = self._export("queue")
        self.assertEqual(book.sheetnames, ["Queue Performance", "Chart"])
        sheet = book["Queue Performance"]
        head, rows, total = table(sheet)
        self.assertEqual(sheet.freeze_panes, f"A{head + 1}", "header row frozen")
        self.assertEqual(sheet.auto_filter.ref.split(":")[0], f"A{head}")
        self.assertTrue(all(cell.font.b for cell in sheet[head]), "bold header")
        self.assertIn("Queue Performance", sheet["A1"].value)
        names = {"support": "Support", "sales": "Sales", None: "No queue"}
        by_key = {(row["Interval"].value, row["Queue"].value): row for row in rows}
        self.assertEqual(set(by_key), {(interval, names[key]) for interval, key in EXPECTED_QUEUE})
        for (interval, key), expected in EXPECTED_QUEUE.items():
            row = by_key[interval, names[key]]
            self.assertEqual(row["Offered"].value, expected["offered"])
            self.assertEqual(row["Short Abandons"].value, expected["short_abandoned"])
            self.assertEqual(row["Answered"].value, expected["answered"])
            self.assertEqual(row["Abandoned"].value, expected["abandoned"])
            self.assertAlmostEqual(row["Service Level"].value, expected["service_level"] / 100)
            self.assertAlmostEqual(row["Abandon Rate"].value, expected["abandon_rate"] / 100)
            self.assertAlmostEqual(seconds(row["ASA"]), expected["asa"], places=3)
            self.assertAlmostEqual(seconds(row["AHT"]), expected["aht"], places=3)
            self.assertAlmostEqual(seconds(row["Longest Wait"]), expected["wait_max"], places=3)
        row = by_key[INTERVAL_A, "Support"]
        self.assertEqual(row["Interval"].number_format, "yyyy-mm-dd hh:mm")
        self.assertEqual(row["Offered"].number_format, "#,##0")
        self.assertEqual(row["Service Level"].number_format, "0.0%")
        self.assertEqual(row["ASA"].number_format, "[h]:mm:ss")
        # Totals: sums, and ratios of the sums (6 of 11 in time), as the facts give them.
        self.assertEqual(total["Interval"].value, "Total")
        self.assertTrue(total["Offered"].font.b)
        self.assertEqual(total["Offered"].value,
                         sum(expected["offered"] for expected in EXPECTED_QUEUE.values()))
        facts = self.env["callcenter.report.queue.interval"]._read_group(
            [("interval_start", ">=", DAY), ("interval_start", "<", DAY + timedelta(days=1))],
            [], ["service_level:avg", "asa:avg"])[0]
        self.assertAlmostEqual(total["Service Level"].value, facts[0] / 100)
        self.assertAlmostEqual(total["Service Level"].value, 0.5455)
        self.assertAlmostEqual(seconds(total["ASA"]), facts[1], places=3)

    def test_queue_report_by_day_is_the_ratio_of_sums(self):
        book = self._export("queue", granularity="day", queue_ids=[(6, 0, self.queue_support.ids)])
        _head, rows, total = table(book["Queue Performance"])
        self.assertEqual(len(rows), 1)
        row = rows[0]
        self.assertEqual(row["Day"].value, DAY)
        self.assertEqual(row["Day"].number_format, "yyyy-mm-dd")
        self.assertEqual(row["Queue"].value, "Support")
        self.assertEqual(row["Offered"].value, EXPECTED_SUPPORT_TOTAL["offered"])
        # 50 %, where the average of the two intervals' rows would be 71.43 %
        self.assertAlmostEqual(row["Service Level"].value,
                               EXPECTED_SUPPORT_TOTAL["service_level"] / 100)
        self.assertAlmostEqual(seconds(row["ASA"]), EXPECTED_SUPPORT_TOTAL["asa"], places=3)
        self.assertAlmostEqual(seconds(row["AHT"]), EXPECTED_SUPPORT_TOTAL["aht"], places=3)
        self.assertAlmostEqual(total["Service Level"].value, 0.5)

    def test_chart_sheet(self):
        book = self._export("queue")
        chart_sheet = book["Chart"]
        self.assertEqual(len(chart_sheet._charts), 1)
        self.assertEqual([cell.value for cell in chart_sheet[1]],
                         ["Interval", "Offered", "Answered", "Service Level"],
                         "one day: the chart keeps the 15-minute intervals")
        figures = {row[0].value: (row[1].value, row[2].value, row[3].value)
                   for row in chart_sheet.iter_rows(min_row=2)}
        self.assertEqual(figures["11-02 09:00"][:2], (12, 7))
        self.assertAlmostEqual(figures["11-02 09:00"][2], 5 / 10)  # 3+1+1 of 7+2+1 in time
        self.assertEqual(figures["11-02 09:15"][:2], (2, 1))
        wizard = self.Export.with_user(self.user_manager).create({
            "report_kind": "queue", "period": "custom", "date_from": REPORT_DAY,
            "date_to": REPORT_DAY, "tz": "UTC"})
        content = self.Builder._callcenter_report_build(wizard._callcenter_report_request()).content
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            self.assertIn("xl/charts/chart1.xml", archive.namelist())
            chart_xml = archive.read("xl/charts/chart1.xml").decode()
        self.assertIn("<c:barChart>", chart_xml)
        self.assertIn("<c:lineChart>", chart_xml, "service level line on the secondary axis")

    def test_agent_report(self):
        book = self._export("agent")
        head, rows, total = table(book["Agent Performance"])
        by_key = {(row["Interval"].value, row["Agent"].value): row for row in rows}
        row = by_key[INTERVAL_A, "Agent Support"]
        expected = EXPECTED_AGENT[INTERVAL_A, "agent"]
        self.assertEqual(row["Team"].value, "Support Team")
        self.assertEqual(row["Calls Handled"].value, expected["handled"])
        self.assertEqual(row["Missed"].value, expected["missed"])
        self.assertAlmostEqual(seconds(row["Idle"]), expected["available_seconds"], places=3)
        self.assertAlmostEqual(seconds(row["Paused"]), expected["paused_seconds"], places=3)
        self.assertAlmostEqual(seconds(row["AHT"]), expected["aht"], places=3)
        self.assertAlmostEqual(row["Occupancy"].value, expected["occupancy"] / 100)
        self.assertEqual(row["Occupancy"].number_format, "0.0%")
        self.assertEqual(row["Idle"].number_format, "[h]:mm:ss")
        self.assertEqual(by_key[INTERVAL_B, "Agent Sales"]["Team"].value, "Sales Team")
        self.assertEqual(total["Calls Handled"].value, sum(
            figures.get("handled", 0) for figures in EXPECTED_AGENT.values()))
        chart = book["Chart"]
        self.assertEqual(len(chart._charts), 1)
        ranking = [(row[0].value, row[1].value) for row in chart.iter_rows(min_row=2)]
        self.assertEqual(ranking[0], ("Agent Support", 4), "the most calls first")

    def test_agent_report_by_day_for_one_agent(self):
        book = self._export("agent", granularity="day", agent_ids=[(6, 0, self.agent.ids)])
        _head, rows, total = table(book["Agent Performance"])
        self.assertEqual([row["Agent"].value for row in rows], ["Agent Support"])
        self.assertEqual(rows[0]["Calls Handled"].value, EXPECTED_AGENT_TOTAL["handled"])
        self.assertAlmostEqual(rows[0]["Occupancy"].value, EXPECTED_AGENT_TOTAL["occupancy"] / 100)
        self.assertAlmostEqual(seconds(rows[0]["AHT"]), EXPECTED_AGENT_TOTAL["aht"], places=3)
        self.assertAlmostEqual(total["Occupancy"].value, EXPECTED_AGENT_TOTAL["occupancy"] / 100)

    def test_call_details(self):
        formula = '=HYPERLINK("http://example.com","x")'
        self.calls["c1"].partner_id = self.env["res.partner"].create({"name": formula})
        with patch.object(builder_module, "CALL_CHUNK", 5):  # several chunks
            book = self._export("calls", tz="Asia/Shanghai", date_from=REPORT_DAY,
                                date_to=REPORT_DAY)
        sheet = book["Call Details"]
        head, rows, total = table(sheet)
        self.assertEqual(sheet.freeze_panes, f"A{head + 1}")
        self.assertEqual(len(rows), len(CALLS_OF_THE_DAY))
        # Oldest first, in Shanghai time (UTC+8).
        calls = [self.calls[name] for name in CALLS_OF_THE_DAY]
        self.assertEqual([row["Started"].value for row in rows],
                         [call.started_at + timedelta(hours=8) for call in calls])
        self.assertEqual(rows[0]["Started"].number_format, "yyyy-mm-dd hh:mm:ss")
        first = rows[0]
        self.assertEqual(first["Queue"].value, "Support")
        self.assertEqual(first["Agent"].value, "Agent Support")
        self.assertEqual(first["Team"].value, "Support Team")
        self.assertEqual((first["Contact"].value, first["Contact"].data_type), (formula, "s"),
                         "a name is text, never a formula")
        self.assertEqual(first["Status"].value, "Completed")
        self.assertEqual(seconds(first["Wait"]), 10)
        self.assertEqual(seconds(first["Talk"]), 150)
        self.assertEqual(seconds(first["Handle"]), 210)
        self.assertEqual(first["Wait"].number_format, "[h]:mm:ss")
        self.assertEqual(rows[1]["Transferred"].value, "Yes")
        self.assertEqual(total["Started"].value, "Total: 16 calls")
        self.assertEqual(seconds(total["Handle"]), sum(call.handle_duration for call in calls))
        self.assertEqual(len(book["Chart"]._charts), 1)

    def test_call_details_follow_access_rules(self):
        # The team lead of Support: the calls of the queue they lead.
        book = self._export("calls", user=self.user_lead)
        _head, rows, _total = table(book["Call Details"])
        self.assertEqual({row["Queue"].value for row in rows}, {"Support"})
        self.assertEqual(len(rows), 10)
        # An agent may not open the wizard; the shared builder gives them their own
        # calls and their queues' calls only.
        with self.assertRaises(AccessError):
            self.Export.with_user(self.user_agent_sales).create({"report_kind": "calls"})
        result = self._build(self.user_agent_sales, "calls")
        _head, rows, _total = table(load(result.content)["Call Details"])
        self.assertEqual(sorted(row["Customer Number"].value for row in rows), sorted(
            self.calls[name].customer_number for name in ("s1", "s2", "s3", "n1")))
        self.assertEqual(result.row_count, 4)

    def test_queue_report_follows_access_rules(self):
        book = self._export("queue", user=self.user_lead)
        _head, rows, total = table(book["Queue Performance"])
        self.assertEqual({row["Queue"].value for row in rows}, {"Support"})
        self.assertEqual(total["Offered"].value, EXPECTED_SUPPORT_TOTAL["offered"])
        chart_rows = list(book["Chart"].iter_rows(min_row=2, values_only=True))
        self.assertEqual(sum(row[1] for row in chart_rows), EXPECTED_SUPPORT_TOTAL["offered"])

    def test_empty_period(self):
        book = self._export("queue", date_from=date(2026, 12, 1), date_to=date(2026, 12, 1))
        _head, rows, total = table(book["Queue Performance"])
        self.assertEqual(rows, [])
        self.assertEqual(total["Offered"].value, 0)
        self.assertEqual(book["Chart"]["A2"].value, "No calls in this period.")

    # ------------------------------------------------------------
    # ERRORS
    # ------------------------------------------------------------

    def test_dates_in_the_wrong_order(self):
        wizard = self.Export.with_user(self.user_manager).create({
            "report_kind": "queue", "period": "custom", "date_from": date(2026, 11, 3),
            "date_to": date(2026, 11, 2)})
        with self.assertRaisesRegex(UserError, "ends .* before it starts"):
            wizard.action_export()

    def test_too_many_rows(self):
        with patch.object(builder_module, "MAX_EXPORT_ROWS", 3):
            with self.assertRaisesRegex(UserError, "16 calls, more than the 3 rows"):
                self._export("calls")
            with self.assertRaisesRegex(UserError, "more than 3 rows"):
                self._export("queue")
            self._export("queue", granularity="day")  # 3 rows: fits

    def test_wizard_periods(self):
        with freeze_time(datetime(2026, 3, 1, 20, 0)):  # Mar 2, 04:00 in Shanghai
            wizard = self.Export.with_user(self.user_manager).create({
                "report_kind": "queue", "tz": "Asia/Shanghai"})
            self.assertEqual((wizard.date_from, wizard.date_to), (date(2026, 3, 1),) * 2)
            wizard.period = "last_month"
            self.assertEqual((wizard.date_from, wizard.date_to),
                             (date(2026, 2, 1), date(2026, 2, 28)))
            wizard.period = "last_week"
            self.assertEqual((wizard.date_from, wizard.date_to),
                             (date(2026, 2, 23), date(2026, 3, 1)))
            wizard.tz = "UTC"  # still Sunday March 1st
            self.assertEqual((wizard.date_from, wizard.date_to),
                             (date(2026, 2, 16), date(2026, 2, 22)))

    # ------------------------------------------------------------
    # PERIODS
    # ------------------------------------------------------------

    def test_report_periods(self):
        self.assertEqual(report_period("yesterday", date(2026, 3, 1)), (date(2026, 2, 28),) * 2)
        self.assertEqual(report_period("yesterday", date(2027, 1, 1)), (date(2026, 12, 31),) * 2)
        # Last week is Monday to Sunday, whichever day it is seen from.
        for today in (date(2026, 11, 9), date(2026, 11, 12), date(2026, 11, 15)):
            self.assertEqual(report_period("last_week", today),
                             (date(2026, 11, 2), date(2026, 11, 8)))
        self.assertEqual(report_period("last_week", date(2027, 1, 4)),
                         (date(2026, 12, 28), date(2027, 1, 3)))
        self.assertEqual(report_period("last_month", date(2026, 3, 1)),
                         (date(2026, 2, 1), date(2026, 2, 28)))
        self.assertEqual(report_period("last_month", date(2028, 3, 31)),
                         (date(2028, 2, 1), date(2028, 2, 29)))
        self.assertEqual(report_period("last_month", date(2027, 1, 15)),
                         (date(2026, 12, 1), date(2026, 12, 31)))

    def test_next_run_dates(self):
        self.assertEqual(next_run_date("daily", date(2026, 12, 31)), date(2027, 1, 1))
        self.assertEqual(next_run_date("weekly", date(2026, 11, 9)), date(2026, 11, 16))
        self.assertEqual(next_run_date("weekly", date(2026, 11, 15)), date(2026, 11, 16))
        self.assertEqual(next_run_date("monthly", date(2026, 1, 31)), date(2026, 2, 1))
        self.assertEqual(next_run_date("monthly", date(2026, 12, 1)), date(2027, 1, 1))

    def test_time_zones(self):
        now = datetime(2026, 11, 2, 16, 30)
        self.assertEqual(local_today("UTC", now), date(2026, 11, 2))
        self.assertEqual(local_today("Asia/Shanghai", now), date(2026, 11, 3))
        self.assertEqual(local_today("America/New_York", datetime(2026, 11, 3, 3, 0)),
                         date(2026, 11, 2))
        self.assertEqual(utc_bounds(date(2026, 11, 2), date(2026, 11, 2), "Asia/Shanghai"),
                         (datetime(2026, 11, 1, 16, 0), datetime(2026, 11, 2, 16, 0)))
        # A month in New York spans the change to winter time (Nov 1st, 2026).
        self.assertEqual(utc_bounds(date(2026, 10, 1), date(2026, 11, 30), "America/New_York"),
                         (datetime(2026, 10, 1, 4, 0), datetime(2026, 12, 1, 5, 0)))
        # Slices hold whole weeks (Mondays here) and whole months.
        self.assertEqual(list(period_slices(date(2026, 11, 4), date(2026, 11, 18), "week")), [
            (date(2026, 11, 4), date(2026, 11, 9)), (date(2026, 11, 9), date(2026, 11, 16)),
            (date(2026, 11, 16), date(2026, 11, 19))])
        self.assertEqual(list(period_slices(date(2026, 11, 20), date(2026, 12, 3), "day")), [
            (date(2026, 11, 20), date(2026, 12, 1)), (date(2026, 12, 1), date(2026, 12, 4))])
        self.assertEqual(chart_granularity("interval", date(2026, 11, 1), date(2026, 11, 1)),
                         "interval")
        self.assertEqual(chart_granularity("interval", date(2026, 11, 1), date(2026, 11, 7)),
                         "day")
        self.assertEqual(chart_granularity("day", date(2026, 1, 1), date(2026, 12, 31)), "week")

    def test_day_in_a_time_zone(self):
        """The calls of 09:00-09:30 UTC are on Nov 2 in Shanghai, and Nov 2 in
        Honolulu (UTC-10) starts after them."""
        result = self._build(self.user_manager, "queue", tz="Asia/Shanghai", granularity="day")
        _head, rows, _total = table(load(result.content)["Queue Performance"])
        self.assertEqual({row["Day"].value for row in rows}, {DAY})
        result = self._build(self.user_manager, "queue", tz="Pacific/Honolulu", granularity="day")
        _head, rows, total = table(load(result.content)["Queue Performance"])
        self.assertEqual((rows, total["Offered"].value), ([], 0))
        result = self._build(self.user_manager, "queue", tz="Pacific/Honolulu", granularity="day",
                             date_from=date(2026, 11, 1), date_to=date(2026, 11, 1))
        _head, rows, _total = table(load(result.content)["Queue Performance"])
        self.assertEqual({row["Day"].value for row in rows}, {datetime(2026, 11, 1)})


@tagged("callcenter")
class TestReportSchedule(ExportCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user_manager.tz = "Asia/Shanghai"
        cls.Schedule = cls.env["callcenter.report.schedule"].with_context(
            tracking_disable=True, mail_create_nolog=True)
        cls.recipients = cls.user_manager | cls.user_lead

    def _schedule(self, **values):
        return self.Schedule.with_user(self.user_manager).create({
            "name": "Daily queues", "report_kind": "queue", "frequency": "daily",
            "tz": "Asia/Shanghai", "user_ids": [(6, 0, self.recipients.ids)], **values,
        })

    def _mails(self, schedule):
        return self.env["mail.mail"].search([("subject", "=like", f"{schedule.name}:%")])

    def test_defaults(self):
        with freeze_time(datetime(2026, 11, 2, 16, 30)):  # Nov 3, 00:30 in Shanghai
            daily = self._schedule()
            weekly = self._schedule(name="Weekly", frequency="weekly")
            monthly = self._schedule(name="Monthly", frequency="monthly", tz="UTC")
        self.assertEqual(daily.run_as_user_id, self.user_manager)
        self.assertEqual(daily.next_run_date, date(2026, 11, 4))
        self.assertEqual(daily.granularity, "hour")
        self.assertEqual(weekly.next_run_date, date(2026, 11, 9))
        self.assertEqual((monthly.next_run_date, monthly.granularity), (date(2026, 12, 1), "day"))

    def test_cron_sends_when_due_in_the_schedule_time_zone(self):
        shanghai = self._schedule(next_run_date=date(2026, 11, 3))
        new_york = self._schedule(name="New York", tz="America/New_York",
                                  next_run_date=date(2026, 11, 3))
        with freeze_time(datetime(2026, 11, 2, 15, 30)):  # 23:30 in Shanghai: not yet
            self.Schedule._cron_send_due_reports()
        self.assertFalse(self._mails(shanghai))
        with freeze_time(datetime(2026, 11, 2, 16, 30)):  # Nov 3, 00:30 in Shanghai
            self.Schedule._cron_send_due_reports()
        mail = self._mails(shanghai)
        self.assertEqual(len(mail), 1)
        self.assertFalse(self._mails(new_york), "still Nov 2 in New York")
        self.assertEqual(shanghai.next_run_date, date(2026, 11, 4))
        self.assertEqual(shanghai.last_sent, datetime(2026, 11, 2, 16, 30))
        self.assertEqual(new_york.next_run_date, date(2026, 11, 3))
        self.assertEqual(mail.recipient_ids, self.recipients.partner_id)
        self.assertEqual(mail.state, "outgoing")
        self.assertIn("11/02/2026", mail.subject)
        self.assertRegex(mail.body_html, r"Offered</td>\s*<td[^>]*>14</td>", "headline KPIs")
        self.assertRegex(mail.body_html, r"Service Level</td>\s*<td[^>]*>54\.[56] %</td>")
        attachment = mail.attachment_ids
        self.assertEqual(len(attachment), 1)
        self.assertEqual(attachment.mimetype, XLSX_MIMETYPE)
        self.assertEqual(attachment.res_model, "mail.message")
        book = load(attachment.raw)
        _head, rows, total = table(book["Queue Performance"])
        self.assertEqual(rows[0]["Hour"].value, datetime(2026, 11, 2, 17, 0), "Shanghai hours")
        self.assertEqual(total["Offered"].value, 14)
        self.assertEqual(len(book["Chart"]._charts), 1)
        # Sent once per period.
        with freeze_time(datetime(2026, 11, 2, 17, 30)):
            self.Schedule._cron_send_due_reports()
        self.assertEqual(len(self._mails(shanghai)), 1)

    def test_weekly_and_monthly_periods(self):
        weekly = self._schedule(name="Weekly agents", report_kind="agent", frequency="weekly",
                                tz="UTC", next_run_date=date(2026, 11, 9))
        monthly = self._schedule(name="Monthly calls", report_kind="calls", frequency="monthly",
                                 tz="UTC", next_run_date=date(2026, 12, 1))
        with freeze_time(datetime(2026, 11, 9, 0, 30)):
            self.Schedule._cron_send_due_reports()
        weekly_mail = self._mails(weekly)
        self.assertIn("11/02/2026 to 11/08/2026", weekly_mail.subject)
        _head, rows, total = table(load(weekly_mail.attachment_ids.raw)["Agent Performance"])
        self.assertEqual(total["Calls Handled"].value, 9)
        self.assertFalse(self._mails(monthly))
        self.assertEqual((weekly.next_run_date, monthly.next_run_date),
                         (date(2026, 11, 16), date(2026, 12, 1)))
        # Weeks missed meanwhile are not caught up: the last one only is sent.
        with freeze_time(datetime(2026, 12, 1, 0, 30)):
            self.Schedule._cron_send_due_reports()
        self.assertIn("11/23/2026 to 11/29/2026", (self._mails(weekly) - weekly_mail).subject)
        monthly_mail = self._mails(monthly)
        self.assertIn("11/01/2026 to 11/30/2026", monthly_mail.subject)
        _head, rows, _total = table(load(monthly_mail.attachment_ids.raw)["Call Details"])
        self.assertEqual(len(rows), 16, "the month's calls, those of October excluded")
        self.assertEqual((weekly.next_run_date, monthly.next_run_date),
                         (date(2026, 12, 7), date(2027, 1, 1)))

    def test_run_as_limits_the_figures(self):
        schedule = self._schedule(run_as_user_id=self.user_lead.id,
                                  user_ids=[(6, 0, self.user_manager.ids)])
        mail = schedule._callcenter_send(date(2026, 11, 3))
        _head, rows, total = table(load(mail.attachment_ids.raw)["Queue Performance"])
        self.assertEqual({row["Queue"].value for row in rows}, {"Support"})
        self.assertEqual(total["Offered"].value, EXPECTED_SUPPORT_TOTAL["offered"])

    def test_failing_schedule_does_not_stop_the_others(self):
        failing = self._schedule(name="Failing", run_as_user_id=self.user_plain.id,
                                 next_run_date=date(2026, 11, 3))
        working = self._schedule(name="Working", next_run_date=date(2026, 11, 3))
        with freeze_time(datetime(2026, 11, 2, 16, 30)), \
                mute_logger("odoo.addons.callcenter_reports.models.callcenter_report_schedule"):
            self.Schedule._cron_send_due_reports()
        self.assertFalse(self._mails(failing))
        self.assertFalse(self.env["ir.attachment"].search([("name", "like", "Failing")]))
        self.assertEqual(failing.next_run_date, date(2026, 11, 3), "tried again next run")
        self.assertIn("could not be sent", failing.message_ids[0].body)
        self.assertEqual(len(self._mails(working)), 1)
        self.assertEqual(working.next_run_date, date(2026, 11, 4))

    def test_send_now(self):
        schedule = self._schedule(next_run_date=date(2026, 11, 4))
        with freeze_time(datetime(2026, 11, 2, 16, 30)):
            action = schedule.with_user(self.user_manager).action_send_now()
        self.assertEqual(action["tag"], "display_notification")
        self.assertEqual(len(self._mails(schedule)), 1)
        self.assertEqual(schedule.next_run_date, date(2026, 11, 4), "the schedule is unchanged")
        with self.assertRaises(AccessError):
            schedule.with_user(self.user_lead).action_send_now()

    def test_recipients_are_internal_users(self):
        portal = new_test_user(self.env, "cc_portal", groups="base.group_portal")
        with self.assertRaises(ValidationError):
            self._schedule(user_ids=[(6, 0, portal.ids)])
