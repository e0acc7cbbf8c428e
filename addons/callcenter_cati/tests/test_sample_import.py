# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64
import codecs
import csv
import io
import random
import tempfile
from datetime import date, datetime
from unittest.mock import patch

import openpyxl

from odoo.exceptions import AccessError, UserError
from odoo.tests import BaseCase, new_test_user, tagged

from odoo.addons.callcenter_base.tests.common import SUPERVISOR_GROUPS, CallcenterCommon
from odoo.addons.callcenter_base.tools.phone import normalize_number
from odoo.addons.callcenter_cati.tools import sample_reader
from odoo.addons.callcenter_cati.tools.sample_numbers import NumberNormalizer
from odoo.addons.callcenter_cati.tools.timezones import zone_for_number
from odoo.addons.callcenter_cati.wizard.callcenter_cati_import import _NumberZones, _RowPreparer

HEADER = ["ref", "name", "phone", "mobile", "region", "age", "income", "joined", "member"]


@tagged("callcenter")
class TestSampleImport(CallcenterCommon):
    """Sample files into a campaign with five typed sample fields, imported by its team lead."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.campaign = cls.env["callcenter.cati.campaign"].create({
            "name": "Panel 2026",
            "pbx_id": cls.pbx.id,
            "tz": "Asia/Shanghai",
            "agent_ids": [(6, 0, (cls.agent | cls.agent_sales).ids)],
            "team_lead_ids": [(6, 0, cls.user_lead.ids)],
            "field_ids": [
                (0, 0, {"key": "region", "name": "地区", "field_type": "selection",
                        "selection_values": "north,south", "required": True, "sequence": 1}),
                (0, 0, {"key": "age", "name": "Age", "field_type": "integer", "sequence": 2}),
                (0, 0, {"key": "income", "name": "Income", "field_type": "float", "sequence": 3}),
                (0, 0, {"key": "joined", "name": "Joined", "field_type": "date", "sequence": 4}),
                (0, 0, {"key": "member", "name": "Member", "field_type": "boolean", "sequence": 5}),
                (0, 0, {"key": "zone", "name": "Zone", "field_type": "char", "sequence": 6}),
            ],
        })
        cls.Case = cls.env["callcenter.cati.case"]

    # ------------------------------------------------------------
    # HELPERS
    # ------------------------------------------------------------

    @staticmethod
    def _csv(rows, header=HEADER, encoding="utf-8", delimiter=","):
        text = io.StringIO()
        writer = csv.writer(text, delimiter=delimiter, lineterminator="\r\n")
        writer.writerow(header)
        writer.writerows(rows)
        return text.getvalue().encode(encoding)

    def _wizard(self, content, filename="sample.csv", user=None, **values):
        return self.env["callcenter.cati.import"].with_user(user or self.user_lead).create({
            "campaign_id": self.campaign.id,
            "file": base64.b64encode(content),
            "filename": filename,
            **values,
        })

    def _import(self, content, filename="sample.csv", roles=None, **values):
        wizard = self._wizard(content, filename, **values)
        wizard.action_preview()
        for column in wizard.column_ids:
            if roles and column.name in roles:
                column.role = roles[column.name]
        wizard.action_import()
        return wizard

    def _cases(self):
        return self.Case.search([("campaign_id", "=", self.campaign.id)], order="id")

    def _problems(self, wizard):
        content = base64.b64decode(wizard.report_file)
        self.assertTrue(content.startswith(codecs.BOM_UTF8), "Excel needs the BOM to read UTF-8")
        return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))

    # ------------------------------------------------------------
    # FORMATS
    # ------------------------------------------------------------

    def test_csv_utf8_typed_fields(self):
        wizard = self._import(self._csv([
            ["R1", "Zhao Lei", "138 0013 8000", "", "north", "35", "4200.5", "2024-03-09", "yes"],
            ["R2", "Li Na", "+86 10 6552 9988", "13900139000", "south", "", "", "", "no"],
        ]))
        self.assertEqual((wizard.state, wizard.rows_read, wizard.rows_imported,
                          wizard.numbers_imported, wizard.error_count), ("done", 2, 2, 3, 0))
        first, second = self._cases()
        self.assertEqual(first.data, {"region": "north", "age": 35, "income": 4200.5,
                                      "joined": "2024-03-09", "member": True})
        self.assertEqual(second.data, {"region": "south", "member": False})
        self.assertEqual((first.reference, first.name, first.state, first.tz),
                         ("R1", "Zhao Lei", "new", "Asia/Shanghai"))
        self.assertEqual((first.priority, first.rank, first.next_call),
                         (50, 50, datetime(2000, 1, 1)))
        self.assertEqual((first.company_id, first.create_uid, first.write_uid),
                         (self.campaign.company_id, self.user_lead, self.user_lead))
        self.assertEqual(first.number_ids.mapped("number"), ["+8613800138000"])
        self.assertEqual([(n.number, n.label, n.sequence, n.state, n.attempt_count)
                          for n in second.number_ids],
                         [("+861065529988", "phone", 10, "active", 0),
                          ("+8613900139000", "mobile", 20, "active", 0)])
        self.assertEqual(self.campaign.case_count, 2, "the ORM sees the rows written with COPY")
        self.assertFalse(wizard.report_file)

    def test_csv_bom_semicolon_chinese_headers(self):
        content = codecs.BOM_UTF8 + self._csv(
            [["张三", "13800138000", "13900139000", "north", "否"]],
            header=["姓名", "电话", "手机", "地区", "Member"], delimiter=";")
        wizard = self._wizard(content)
        wizard.action_preview()
        self.assertEqual(wizard.file_info, "CSV · UTF-8-SIG · Semicolon")
        self.assertEqual([(c.name, c.role, c.field_id.key) for c in wizard.column_ids], [
            ("姓名", "name", False), ("电话", "phone", False), ("手机", "phone", False),
            ("地区", "field", "region"), ("Member", "field", "member")])
        self.assertIn("张三", wizard.preview_html)
        wizard.action_import()
        case = self._cases()
        self.assertEqual((case.name, case.data), ("张三", {"region": "north", "member": False}))
        self.assertEqual(case.number_ids.mapped("label"), ["电话", "手机"])

    def test_csv_gb18030(self):
        content = self._csv([["赵磊", "13800138000", "north", "广州"],
                             ["钱芳", "010-65529988", "south", "北京"]],
                            header=["客户姓名", "联系电话", "region", "zone"], encoding="gb18030")
        wizard = self._import(content, roles={"zone": "skip"})
        self.assertEqual(wizard.file_info, "CSV · GB18030 · Comma")
        self.assertEqual(self._cases().mapped("name"), ["赵磊", "钱芳"])

    def test_wrong_encoding_is_a_row_error(self):
        content = self._csv([["赵磊", "13800138000", "north"]], header=["name", "phone", "region"],
                            encoding="gb18030")
        wizard = self._import(content, encoding="utf-8")
        self.assertEqual((wizard.rows_imported, wizard.error_count), (0, 1))
        self.assertIn("encoding", self._problems(wizard)[0]["Problem"])

    def test_xlsx(self):
        workbook = openpyxl.Workbook()
        sheet = workbook.active
        sheet.append(["Reference", "Respondent", "Phone", "Mobile", "region", "age", "income",
                      "joined", "member", "zone"])
        sheet.append([1001, "Zhao Lei", 13800138000, None, "north", 35, 4200.5,
                      datetime(2024, 3, 9), True, 8])
        sheet.append([None, None, None, None, None, None, None, None, None, None])
        sheet.append([1002, "Li Na", "+1 212 555 0100", 13900139000.0, "south", 40.0, None,
                      date(2024, 1, 2), "yes", None])
        stream = io.BytesIO()
        workbook.save(stream)
        wizard = self._import(stream.getvalue(), "sample.xlsx", roles={"zone": "skip"})
        self.assertEqual(wizard.file_info, "XLSX")
        self.assertEqual((wizard.rows_read, wizard.rows_imported, wizard.error_count), (2, 2, 0))
        first, second = self._cases()
        self.assertEqual((first.reference, first.data["age"], first.data["joined"],
                          first.data["member"], first.number_ids.number),
                         ("1001", 35, "2024-03-09", True, "+8613800138000"))
        self.assertEqual(second.data, {"region": "south", "age": 40, "joined": "2024-01-02",
                                       "member": True})
        self.assertEqual(second.number_ids.mapped("number"), ["+12125550100", "+8613900139000"])
        self.assertEqual(second.tz, "America/New_York")

    def test_xlsx_read_by_a_worker_process(self):
        """A large sheet is parsed by xlsx_rows.py in a process of its own; its cells
        arrive as openpyxl gives them in this process (numbers, dates, blank rows)."""
        workbook = openpyxl.Workbook()
        sheet = workbook.active
        sheet.append(["ref", "phone", "region", "age", "joined"])
        sheet.append([1001, 13800138000, "north", 35, datetime(2024, 3, 9)])
        sheet.append([None, None, None, None, None])
        sheet.append(["R2", "+1 212 555 0100", "south", 40.0, "2024/1/2"])
        stream = io.BytesIO()
        workbook.save(stream)
        with patch.object(sample_reader, "WORKER_MIN_BYTES", 0):
            wizard = self._import(stream.getvalue(), "sample.xlsx")
        self.assertEqual((wizard.rows_read, wizard.rows_imported, wizard.error_count), (2, 2, 0))
        self.assertEqual([(case.reference, case.data, case.number_ids.number, case.tz)
                          for case in self._cases()], [
            ("1001", {"region": "north", "age": 35, "joined": "2024-03-09"}, "+8613800138000",
             "Asia/Shanghai"),
            ("R2", {"region": "south", "age": 40, "joined": "2024-01-02"}, "+12125550100",
             "America/New_York"),
        ])

    def test_upload_is_stored_unindexed(self):
        wizard = self._wizard(self._csv([["13800138000", "north"]], header=["phone", "region"]))
        wizard.write({"file": base64.b64encode(self._csv([["13900139000", "south"]],
                                                         header=["phone", "region"]))})
        attachment = self.env["ir.attachment"].search([
            ("res_model", "=", wizard._name), ("res_id", "=", wizard.id),
            ("res_field", "=", "file")])
        self.assertEqual((len(attachment), attachment.mimetype, attachment.index_content),
                         (1, "application/csv", "application"))
        wizard.action_preview()
        self.assertEqual(wizard.column_ids[0].example, "13900139000")
        self.assertIn(b"13900139000", base64.b64decode(wizard.file))

    def test_bad_files(self):
        for content, filename in ((b"", "empty.csv"), (b"\n\n", "blank.csv"),
                                  (b"\xd0\xcf\x11\xe0" + b"\0" * 100, "old.xls")):
            with self.subTest(filename=filename), self.assertRaises(UserError):
                self._wizard(content, filename).action_preview()

    # ------------------------------------------------------------
    # ERRORS AND SKIPS
    # ------------------------------------------------------------

    def test_errors_listed_with_row_and_column(self):
        wizard = self._import(self._csv([
            ["R1", "", "13800138000", "", "north", "35", "", "", ""],
            ["R2", "", "13800138001", "", "", "3.5", "", "2024-13-01", "maybe"],
            [],
            ["R4", "", "", "", "south", "", "", "", ""],
            ["R5", "", "12", "hello", "west", "", "inf", "", ""],
        ], header=HEADER + ["priority"]))
        self.assertEqual((wizard.rows_read, wizard.rows_imported, wizard.batches_failed,
                          wizard.rows_failed), (4, 0, 1, 4))
        errors = [(p["Row"], p["Column"], p["Value"]) for p in self._problems(wizard)]
        self.assertEqual(errors, [
            ("3", "region", ""), ("3", "age", "3.5"), ("3", "joined", "2024-13-01"),
            ("3", "member", "maybe"),
            ("5", "", ""),
            ("6", "region", "west"), ("6", "income", "inf"), ("6", "phone", "12"),
            ("6", "mobile", "hello"),
        ])
        problems = {(p["Row"], p["Column"]): p["Problem"] for p in self._problems(wizard)}
        self.assertEqual(problems[("3", "region")], "地区 is required")
        self.assertEqual(problems[("3", "age")], "Age: 3.5 is not a valid Integer")
        self.assertEqual(problems[("5", "")], "no phone number")
        self.assertEqual(problems[("6", "phone")], "not a phone number")
        self.assertIn("Error", self._problems(wizard)[0]["Outcome"])
        self.assertIn("地区 is required", wizard.result_html)
        self.assertFalse(self._cases())

    def test_priority_and_interviewer(self):
        header = ["phone", "region", "priority", "interviewer"]
        wizard = self._import(self._csv([
            ["13800138000", "north", "80", "cc_agent"],
            ["13800138001", "north", "", "1002"],
            ["13800138002", "north", "", ""],
        ], header=header))
        cases = self._cases()
        self.assertEqual(wizard.rows_imported, 3)
        self.assertEqual(cases.mapped("priority"), [80, 50, 50])
        self.assertEqual(cases.mapped("rank"), [80, 50, 50])
        self.assertEqual(cases.mapped("agent_id"), self.agent | self.agent_sales)
        self.assertFalse(cases[2].agent_id)
        wizard = self._import(self._csv([
            ["13800138010", "north", "101", ""],
            ["13800138011", "north", "high", ""],
            ["13800138012", "north", "", "cc_lead"],
        ], header=header))
        self.assertEqual(wizard.rows_imported, 0)
        self.assertEqual([(p["Row"], p["Column"]) for p in self._problems(wizard)],
                         [("2", "priority"), ("3", "priority"), ("4", "interviewer")])

    def test_mapping_checks(self):
        content = self._csv([["13800138000", "north"]], header=["phone", "region"])
        wizard = self._wizard(content)
        wizard.action_preview()
        with self.assertRaisesRegex(UserError, "required sample fields"):
            wizard.column_ids.filtered(lambda c: c.name == "region").role = "skip"
            wizard.action_import()
        wizard.column_ids.filtered(lambda c: c.name == "region").role = "field"
        wizard.column_ids.filtered(lambda c: c.name == "phone").role = "name"
        with self.assertRaisesRegex(UserError, "phone numbers"):
            wizard.action_import()

    def test_duplicates_in_file_and_campaign(self):
        self.Case.create({"campaign_id": self.campaign.id, "tz": "Asia/Shanghai",
                          "number_ids": [(0, 0, {"number": "+8613800138000"})]})
        wizard = self._import(self._csv([
            ["R1", "", "13800138000", "", "north"],
            ["R2", "", "13900139000", "13800138000", "north"],
            ["R3", "", "+86 139 0013 9000", "", "south"],
            ["R4", "", "13700137000", "137-0013-7000", "south"],
        ], header=HEADER[:5]), batch_size=2)
        self.assertEqual((wizard.rows_read, wizard.rows_imported, wizard.rows_skipped,
                          wizard.error_count), (4, 2, 2, 0))
        cases = self._cases()[1:]
        self.assertEqual(cases.mapped("reference"), ["R2", "R4"])
        self.assertEqual(cases[0].number_ids.mapped("number"), ["+8613900139000"])
        self.assertEqual(cases[1].number_ids.mapped("number"), ["+8613700137000"],
                         "the same number twice in a row is one number")
        problems = [(p["Row"], p["Column"], p["Problem"], p["Outcome"])
                    for p in self._problems(wizard)]
        self.assertEqual(problems, [
            ("2", "phone", "every number is already in the campaign", "Row skipped"),
            ("3", "mobile", "already in the campaign", "Number not imported"),
            ("4", "phone", "every number is already in the campaign", "Row skipped"),
        ], "row 4 repeats a number of row 3, imported by the batch before")
        again = self._import(self._csv([
            ["R5", "", "13600136000", "", "north"],
            ["R6", "", "13600136000", "", "north"],
        ], header=HEADER[:5]))
        self.assertEqual((again.rows_imported, again.rows_skipped), (1, 1))
        self.assertEqual(self._problems(again)[0]["Problem"],
                         "every number is already earlier in the file")

    def test_reimport_skips_everything(self):
        content = self._csv([["R1", "", "13800138000", "13900139000", "north"]],
                            header=HEADER[:5])
        self._import(content)
        wizard = self._import(content)
        self.assertEqual((wizard.rows_imported, wizard.rows_skipped), (0, 1))
        self.assertEqual(len(self._cases()), 1)

    def test_blacklist(self):
        Blacklist = self.env["callcenter.blacklist"]
        Blacklist.create([
            {"number": "13800138000", "direction": "outbound", "reason": "asked"},
            {"number": "13800138001", "direction": "both", "reason": "asked"},
            {"number": "400", "is_prefix": True, "direction": "outbound", "reason": "hotlines"},
            {"number": "13800138002", "direction": "inbound", "reason": "spam caller"},
            {"number": "13800138003", "direction": "outbound", "reason": "lifted",
             "date_expiry": datetime(2020, 1, 1)},
            {"number": "13800138004", "direction": "outbound", "reason": "archived",
             "active": False},
        ])
        wizard = self._import(self._csv([
            ["R0", "", "13800138000", "", "north"],
            ["R1", "", "13800138001", "13900139000", "north"],
            ["R2", "", "4001234567", "", "north"],
            ["R3", "", "13800138002", "", "north"],
            ["R4", "", "13800138003", "", "north"],
            ["R5", "", "13800138004", "", "north"],
        ], header=HEADER[:5]))
        self.assertEqual((wizard.rows_imported, wizard.rows_skipped), (4, 2))
        self.assertEqual(self._cases().mapped("reference"), ["R1", "R3", "R4", "R5"])
        self.assertEqual(self._cases()[0].number_ids.number, "+8613900139000")
        self.assertEqual([(p["Row"], p["Problem"]) for p in self._problems(wizard)], [
            ("2", "every number is on the do-not-call list"),
            ("3", "on the do-not-call list"),
            ("4", "every number is on the do-not-call list"),
        ])

    def test_several_numbers_per_case(self):
        wizard = self._import(self._csv(
            [["R1", "13800138000", "13900139000/13700137000", "010 6552 9988", "north"]],
            header=["ref", "phone", "mobile", "home tel", "region"]))
        self.assertEqual(wizard.numbers_imported, 4)
        numbers = self._cases().number_ids
        self.assertEqual([(n.number, n.label, n.sequence) for n in numbers], [
            ("+8613800138000", "phone", 10), ("+8613900139000", "mobile", 20),
            ("+8613700137000", "mobile", 30), ("+861065529988", "home tel", 40)])

    def test_full_quota_cell_closes_new_cases(self):
        region = self.campaign.field_ids.filtered(lambda f: f.key == "region")
        self.env["callcenter.cati.quota"].create({
            "campaign_id": self.campaign.id, "name": "North", "target": 1, "complete_count": 1,
            "state": "full",
            "condition_ids": [(0, 0, {"field_id": region.id, "value": "north"})],
        })
        self._import(self._csv([["R1", "", "13800138000", "", "north"],
                                ["R2", "", "13800138001", "", "south"]], header=HEADER[:5]))
        north, south = self._cases()
        self.assertEqual((north.state, north.disposition_id),
                         ("done", self.env.ref("callcenter_cati.disposition_quota_full")))
        self.assertEqual(south.state, "new")

    # ------------------------------------------------------------
    # TIME ZONES
    # ------------------------------------------------------------

    def test_time_zone_from_column_field_and_number(self):
        self.campaign.tz_field_id = self.campaign.field_ids.filtered(lambda f: f.key == "zone")
        wizard = self._import(self._csv([
            ["R1", "13800138000", "north", "Asia/Urumqi", "Europe/Paris"],
            ["R2", "13800138001", "north", "Asia/Urumqi", ""],
            ["R3", "+1 212 555 0100", "north", "", ""],
            ["R4", "13800138002", "north", "", ""],
            ["R5", "+1 415 555 0100", "north", "", ""],
        ], header=["ref", "phone", "region", "zone", "tz"]))
        self.assertEqual(wizard.rows_imported, 5)
        self.assertEqual(self._cases().mapped("tz"), [
            "Europe/Paris", "Asia/Urumqi", "America/New_York", "Asia/Shanghai",
            "America/Los_Angeles"])
        wizard = self._import(self._csv([
            ["R6", "13800138003", "north", "Mars/Olympus", ""],
            ["R7", "13800138004", "north", "", "UTC+8"],
        ], header=["ref", "phone", "region", "zone", "tz"]))
        self.assertEqual([(p["Row"], p["Column"], p["Problem"]) for p in self._problems(wizard)], [
            ("2", "zone", "Mars/Olympus is not a time zone"),
            ("3", "tz", "UTC+8 is not a time zone")])

    def test_imported_zone_is_picked(self):
        """Cases written with COPY in a zone new to the campaign are seen by the
        scheduler, which caches the campaign's zones."""
        self.campaign.write({"window_ids": [(0, 0, {"weekday": str(day), "hour_from": 9.0,
                                                    "hour_to": 21.0}) for day in range(7)]})
        monday_1400_utc = datetime(2026, 11, 23, 14, 0)  # 22:00 in Shanghai, 09:00 in New York
        self._import(self._csv([["R1", "", "13800138000", "", "north"]], header=HEADER[:5]))
        self.assertFalse(self.Case._cati_pick(self.campaign, now=monday_1400_utc))
        self._import(self._csv([["R2", "", "+1 212 555 0100", "", "north"]], header=HEADER[:5]))
        self.assertEqual(self.Case._cati_pick(self.campaign, now=monday_1400_utc).reference, "R2")

    def test_number_zones_agree_with_zone_for_number(self):
        numbers = ["+8613800138000", "+861065529988", "+12125550100", "+14155550100",
                   "+33142685300", "+74959379992", "+79141234567", "+61290000000",
                   "+85221234567", "+8869123456789", "+999123456789", "+1", "+86"]
        for default in ("Asia/Shanghai", "America/New_York", "Europe/Paris", "Asia/Vladivostok",
                        "Asia/Hong_Kong"):
            zones = _NumberZones(default)
            for number in numbers:
                with self.subTest(default=default, number=number):
                    self.assertEqual(zones.zone(number), zone_for_number(number, default))

    # ------------------------------------------------------------
    # BATCHES AND REPORT
    # ------------------------------------------------------------

    def test_batch_with_an_error_writes_nothing(self):
        rows = [["R%d" % i, "", "1380013800%d" % i, "", "north", str(20 + i)] for i in range(7)]
        rows[3][5] = "thirty"
        wizard = self._import(self._csv(rows, header=HEADER[:6]), batch_size=3)
        self.assertEqual((wizard.rows_read, wizard.rows_imported, wizard.batches_failed,
                          wizard.rows_failed, wizard.error_count), (7, 4, 1, 3, 1))
        self.assertEqual(self._cases().mapped("reference"), ["R0", "R1", "R2", "R6"])
        self.assertEqual([(p["Row"], p["Column"], p["Value"], p["Problem"])
                          for p in self._problems(wizard)],
                         [("5", "age", "thirty", "Age: thirty is not a valid Integer")])
        self.assertIn("5-7", wizard.result_html)
        fixed = self._import(self._csv([["R3", "", "13800138003", "", "north", "30"]]
                                       + rows[4:6], header=HEADER[:6]))
        self.assertEqual((fixed.rows_imported, fixed.rows_skipped), (3, 0))
        self.assertEqual(len(self._cases()), 7)

    def test_database_refusal_fails_only_its_batch(self):
        """A row the checks above let through but PostgreSQL refuses (here a reference
        too long for nothing but a check constraint added for the test) fails its
        batch through the savepoint, not the import."""
        self.env.cr.execute("ALTER TABLE callcenter_cati_case ADD CONSTRAINT test_ref_short "
                            "CHECK (length(reference) < 10)")
        rows = [["R%d" % i, "", "1380013800%d" % i, "", "north"] for i in range(4)]
        rows[2][0] = "R-much-too-long"
        wizard = self._import(self._csv(rows, header=HEADER[:5]), batch_size=2)
        self.assertEqual((wizard.rows_imported, wizard.batches_failed), (2, 1))
        self.assertEqual(self._cases().mapped("reference"), ["R0", "R1"])
        self.assertIn("refused", self._problems(wizard)[0]["Problem"])

    def test_unreadable_row_stops_with_the_rows_before(self):
        """The helper thread reads the file: a row the reader cannot get past (past the
        lines the delimiter is guessed from) ends the import there, the rows before it
        written and the reason reported."""
        self.addCleanup(csv.field_size_limit, csv.field_size_limit(1000))
        rows = [["R%d" % i, "", "13800138%03d" % i, "", "north"] for i in range(23)]
        rows[22][1] = "x" * 1001
        wizard = self._import(self._csv(rows, header=HEADER[:5]), batch_size=10)
        self.assertEqual((wizard.rows_read, wizard.rows_imported, wizard.batches_failed),
                         (22, 22, 0))
        self.assertIn("Reading stopped at row 24", wizard.result_html)
        self.assertEqual(self._cases()[-1].reference, "R21")

    def test_helper_failure_is_raised_in_the_import(self):
        wizard = self._wizard(self._csv([["R1", "", "13800138000", "", "north"]],
                                        header=HEADER[:5]))
        wizard.action_preview()
        with patch.object(_RowPreparer, "prepare", side_effect=RuntimeError("helper broke")), \
                self.assertRaisesRegex(RuntimeError, "helper broke"):
            wizard.action_import()
        self.assertFalse(self._cases())

    def test_report_csv(self):
        wizard = self._import(self._csv([
            ["R1", "", "13800138000", "", "north", "x"],
            ["R2", "", "13800138000", "", "north", "1"],
        ], header=HEADER[:6]), batch_size=1)
        self.assertEqual(wizard.report_filename, "sample-problems.csv")
        content = base64.b64decode(wizard.report_file).decode("utf-8-sig")
        self.assertEqual(content.splitlines(), [
            "Row,Column,Value,Problem,Outcome",
            "2,age,x,Age: x is not a valid Integer,Error: batch not imported",
        ], "row 3 is imported: the number it shares with row 2 was not written")
        self.assertEqual(self._cases().mapped("reference"), ["R2"])

    # ------------------------------------------------------------
    # ACCESS
    # ------------------------------------------------------------

    def test_access(self):
        content = self._csv([["13800138000", "north"]], header=["phone", "region"])
        with self.assertRaises(AccessError):
            self._wizard(content, user=self.user_agent)
        other_lead = new_test_user(self.env, "cc_lead_other", groups=SUPERVISOR_GROUPS)
        with self.assertRaises(AccessError):
            self._wizard(content, user=other_lead).action_preview()
        self._import(content, user=self.user_manager)
        self.assertEqual(self._cases().create_uid, self.user_manager)
        self.campaign.action_close()
        with self.assertRaisesRegex(UserError, "closed"):
            self._wizard(content).action_preview()


@tagged("callcenter")
class TestSampleReader(BaseCase):
    """The reader alone: encodings, delimiters, cells and header names."""

    def test_encodings(self):
        text = "姓名,电话\n赵磊,13800138000\n"
        for encoding, expected in (("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"),
                                   ("gb18030", "gb18030"), ("gbk", "gb18030"),
                                   ("utf-16", "utf-16")):
            with self.subTest(encoding=encoding):
                self.assertEqual(sample_reader.detect_encoding(text.encode(encoding), True),
                                 expected)
                reader = sample_reader.SampleReader(io.BytesIO(text.encode(encoding)))
                self.assertEqual((reader.header, list(reader.rows())),
                                 (["姓名", "电话"], [(2, ["赵磊", "13800138000"])]))
        western = "Zoë;Müller;€ 12\n".encode("cp1252")
        self.assertEqual(sample_reader.detect_encoding(western, True), "cp1252")

    def test_cut_multibyte_character_at_sniff_end(self):
        head = "赵磊".encode("utf-8")[:-1]
        self.assertEqual(sample_reader.detect_encoding(head, complete=False), "utf-8")

    def test_delimiters(self):
        self.assertEqual(sample_reader.sniff_delimiter('name;phone\n"Li, Na";138\nWu;139\n'), ";")
        self.assertEqual(sample_reader.sniff_delimiter("name\tphone\nLi Na\t138\n"), "\t")
        self.assertEqual(sample_reader.sniff_delimiter("name,phone\nLi;Na,138\n"), ",")
        self.assertEqual(sample_reader.sniff_delimiter("phone\n138\n"), ",")

    def test_cell_text(self):
        self.assertEqual([sample_reader.cell_text(value) for value in (
            None, " x ", 13800138000, 13800138000.0, 1.5, True, datetime(2024, 3, 9),
            datetime(2024, 3, 9, 8, 30), date(2024, 3, 9))],
            ["", "x", "13800138000", "13800138000", "1.5", "1", "2024-03-09",
             "2024-03-09 08:30:00", "2024-03-09"])

    def test_guess_role(self):
        fields = {"region": "地区", "age_group": "Age Group"}
        cases = {
            "电话": ("phone", None), "手机号码": ("phone", None), "Phone 2": ("phone", None),
            "mobile_1": ("phone", None), "身份证号码": ("skip", None), "姓名": ("name", None),
            "编号": ("reference", None), "Time Zone": ("tz", None), "访员": ("agent", None),
            "Priority": ("priority", None), "地区": ("field", "region"),
            "age group": ("field", "age_group"), "REGION": ("field", "region"),
            "notes": ("skip", None), "": ("skip", None),
        }
        for header, expected in cases.items():
            with self.subTest(header=header):
                self.assertEqual(sample_reader.guess_role(header, fields), expected)

    def test_unreadable_files(self):
        for content, reason in ((b" \n", "empty"), (b"PK\x03\x04garbage", "xlsx"),
                                (b"\xd0\xcf\x11\xe0\0\0", "xls")):
            with self.subTest(reason=reason), \
                    self.assertRaises(sample_reader.SampleFileError) as caught:
                sample_reader.SampleReader(io.BytesIO(content))
            self.assertEqual(caught.exception.reason, reason)

    def test_worker_process_reports_an_unreadable_sheet(self):
        workbook = openpyxl.Workbook()
        workbook.active.append(["phone"])
        with tempfile.NamedTemporaryFile(suffix=".xlsx") as handle:
            workbook.save(handle.name)
            reader = sample_reader.SampleReader(open(handle.name, "rb"), handle.name)
            with open(handle.name, "wb") as broken:
                broken.write(b"PK\x03\x04 no longer a workbook")
            with patch.object(sample_reader, "WORKER_MIN_BYTES", 0), reader, \
                    self.assertRaises(sample_reader.SampleFileError) as caught:
                list(reader.rows(worker=True))
        self.assertEqual((caught.exception.reason, caught.exception.row), ("xlsx", 1))
        self.assertIn("zip", caught.exception.detail.lower())

    def test_number_normalizer_agrees_with_normalize_number(self):
        """The fast paths give what normalize_number gives, for the shapes they take
        (E.164, national mobiles and landlines with separators) and for the ones
        they leave to phonenumbers (prefixes, letters, brackets, short numbers)."""
        rng = random.Random(5)
        numbers = ["12", "123456", "+1", "+86", "+0123456", "1-800-FLOWERS", "(010) 6552 9988",
                   "138.0013.8000", "+86 (0) 10 6552 9988", "13800138000 ext 12",
                   "１３８００１３８０００", "0086 138 0013 8000", "+86-138-0013-8000", "1--2",
                   "138  0013 8000", "+44 020 7946 0958", "8613800138000", "+8601065529988",
                   "17912345678", "11808123456", "+1 212 555 0100", "0212 555 0100"]
        for prefix in range(100):
            for length in (7, 8, 10, 11, 12, 14):
                digits = "%02d" % prefix + "".join(rng.choice("0123456789")
                                                   for _i in range(length - 2))
                spaced = digits[:3] + rng.choice(" -") + digits[3:7] + " " + digits[7:]
                numbers += [digits, spaced, "0" + digits, "00" + digits, "+" + digits,
                            "+" + spaced, "1" + digits]
        for region in ("CN", "US", "GB", "IT", "BR", None):
            normalizer = NumberNormalizer(region)
            self.assertEqual([(number, normalizer.normalize(number)) for number in numbers],
                             [(number, normalize_number(number, region)) for number in numbers],
                             region)

    def test_blank_rows_keep_their_numbers(self):
        reader = sample_reader.SampleReader(io.BytesIO(b"\nphone\n\n138\n ,\n139\n"))
        self.assertEqual(list(reader.rows()), [(4, ["138"]), (6, ["139"])])
