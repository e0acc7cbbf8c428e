# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Sample import: a CSV or XLSX file of respondents becomes a campaign's cases.

A sample may hold a million rows, so the file is streamed, rows are typed in
batches, and each batch is written with PostgreSQL COPY instead of the ORM's
create (a millisecond or more per record, every record kept in the cache).

What is an error and what is a skip:

- An *error* is a cell the file gets wrong: a sample field that does not type
  (`callcenter.cati.field._cati_parse`), a required field left empty, a phone
  cell that is not a phone number, a row without any number, a priority
  outside 0-100, an unknown interviewer or time zone. The user must fix the
  file, so a batch with one error writes none of its rows, and every error of
  it is listed with its row and column. The other batches are imported.
- A *skip* is a good row that must not be called: every number of it is
  already in the campaign, earlier in the file, or on the outbound do-not-call
  list. It is listed, and does not fail its batch. A row that keeps at least
  one of its numbers is imported, and each number it loses is listed too.

Importing the same file again is thus harmless: every row is skipped as a
duplicate, and a corrected file brings in only the rows of failed batches.
"""

import base64
import csv
import io
import json
import logging
import math
import re
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from itertools import islice

import psycopg2
from markupsafe import Markup
from phonenumbers import COUNTRY_CODE_TO_REGION_CODE
from phonenumbers.timezone import TIMEZONE_DATA, UNKNOWN_TIMEZONE

from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL
from odoo.tools.misc import clean_context

from odoo.addons.callcenter_base.tools.phone import normalize_number

from ..models.callcenter_cati_case import EPOCH
from ..tools.sample_reader import (
    UNDECODABLE,
    ZIP_MAGIC,
    SampleFileError,
    SampleReader,
    cell_text,
    guess_role,
)
from ..tools.timezones import is_zone, zone_for_number
from .callcenter_cati_import_column import SINGLE_ROLES

_logger = logging.getLogger(__name__)

BATCH_SIZE = 10_000
MAX_BATCH_SIZE = 100_000
PREVIEW_ROWS = 10
SHOWN_PROBLEMS = 100
REPORTED_PROBLEMS = 100_000
SHOWN_FAILED_BATCHES = 20
PARSE_MEMO_SIZE = 50_000
MAX_PRIORITY = 100  # the case's priority_range constraint
E164 = re.compile(r"\+[1-9]\d{6,14}")
LOOSE_DATE = re.compile(r"(\d{4})\s*[/.年-]\s*(\d{1,2})\s*[/.月-]\s*(\d{1,2})\s*日?")
NUMBER_SEPARATORS = re.compile(r"[;,/|、，；]+")
COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r", "\x00": ""})
COPY_NULL = "\\N"
# json.dumps with options builds an encoder per call; a million rows share this one.
JSON_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), check_circular=False)
ENCODINGS = [
    ("auto", "Detect"),
    ("utf-8", "UTF-8"),
    ("gb18030", "GB18030 / GBK (Chinese, simplified)"),
    ("big5", "Big5 (Chinese, traditional)"),
    ("utf-16", "UTF-16"),
    ("cp1252", "Western (Windows-1252)"),
]
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_MIMETYPE = "application/csv"  # not text/csv, which Odoo would index word by word
DELIMITERS = [("auto", "Detect"), (",", "Comma"), (";", "Semicolon"), ("\t", "Tab"),
              ("|", "Vertical Bar")]


class CallcenterCatiImport(models.TransientModel):
    _name = "callcenter.cati.import"
    _description = "CATI Sample Import"

    campaign_id = fields.Many2one("callcenter.cati.campaign", required=True, ondelete="cascade")
    state = fields.Selection([("upload", "Upload"), ("map", "Map Columns"), ("done", "Done")],
                             default="upload", required=True)
    file = fields.Binary(string="Sample File", attachment=True,
                         help="CSV (any delimiter; UTF-8, GB18030/GBK...) or Excel .xlsx, "
                         "with a header row.")
    filename = fields.Char()
    encoding = fields.Selection(
        ENCODINGS, default="auto", required=True,
        help="Of a CSV file; the preview shows whether the text reads right.")
    delimiter = fields.Selection(DELIMITERS, default="auto", required=True)
    batch_size = fields.Integer(
        default=BATCH_SIZE,
        help="Rows written together: a batch with an error in any of its rows is not imported "
        "at all; the other batches are.")
    file_info = fields.Char(string="File", readonly=True)
    preview_html = fields.Html(string="Preview", readonly=True, sanitize=True)
    column_ids = fields.One2many("callcenter.cati.import.column", "wizard_id", string="Columns")
    rows_read = fields.Integer(readonly=True)
    rows_imported = fields.Integer(string="Cases Imported", readonly=True)
    rows_skipped = fields.Integer(string="Rows Skipped", readonly=True)
    rows_failed = fields.Integer(string="Rows in Failed Batches", readonly=True)
    numbers_imported = fields.Integer(readonly=True)
    batches_failed = fields.Integer(string="Failed Batches", readonly=True)
    error_count = fields.Integer(string="Errors", readonly=True)
    skip_count = fields.Integer(string="Skipped Rows and Numbers", readonly=True)
    duration = fields.Float(string="Duration (s)", readonly=True, digits=(16, 1))
    result_html = fields.Html(string="Problems", readonly=True, sanitize=True)
    report_file = fields.Binary(string="Problem Report", attachment=True, readonly=True)
    report_filename = fields.Char()

    # ------------------------------------------------------------
    # ORM
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        files = [vals.pop("file", None) for vals in vals_list]
        wizards = super().create(vals_list)
        for wizard, content in zip(wizards, files):
            wizard._cati_store_file(content)
        return wizards

    def write(self, vals):
        new_file = "file" in vals
        content = vals.pop("file", None)
        result = super().write(vals)
        if new_file:
            for wizard in self:
                wizard._cati_store_file(content)
        return result

    def _cati_store_file(self, content):
        """Store the upload as the `file` field's attachment, with a mimetype given.

        Through the field, Odoo would guess text/csv (decoding the base64 once
        more to do so) and index the attachment's words (`ir.attachment._index`
        does it for text/*), which for a hundred-megabyte sample takes seconds
        and several hundred megabytes; a sample is never searched by content.
        """
        self.ensure_one()
        Attachment = self.env["ir.attachment"]
        Attachment.search([("res_model", "=", self._name), ("res_id", "=", self.id),
                           ("res_field", "=", "file")]).unlink()
        if content:
            Attachment.create({
                "name": self.filename or "sample", "res_model": self._name, "res_id": self.id,
                "res_field": "file", "datas": content, "mimetype": _sample_mimetype(content),
            })
        self.invalidate_recordset(["file"])

    # ------------------------------------------------------------
    # ACTIONS
    # ------------------------------------------------------------

    def action_preview(self):
        """Read the header and the first rows, and propose a role for every column."""
        self.ensure_one()
        self._cati_check_access()
        field_names = {field.key: field.name for field in self.campaign_id.field_ids}
        with self._cati_reader() as reader:
            preview = list(islice(reader.rows(), PREVIEW_ROWS))
            header = reader.header
            delimiters = dict(self._fields["delimiter"]._description_selection(self.env))
            info = "XLSX" if reader.kind == "xlsx" else "CSV · %s · %s" % (
                reader.encoding.upper(), delimiters.get(reader.delimiter, reader.delimiter))
        width = max([len(header)] + [len(cells) for _row, cells in preview])
        taken = set()
        columns = [Command.clear()]
        for index in range(width):
            name = header[index] if index < len(header) else ""
            role, key = guess_role(name, field_names)
            if role in SINGLE_ROLES or role == "field":
                if (role, key) in taken:
                    role, key = "skip", None
                taken.add((role, key))
            examples = [cell_text(cells[index]) for _row, cells in preview if index < len(cells)]
            columns.append(Command.create({
                "index": index,
                "name": name or _("Column %(number)s", number=index + 1),
                "example": ", ".join(value for value in examples if value)[:200] or False,
                "role": role,
                "field_id": self.campaign_id.field_ids.filtered(lambda f: f.key == key)[:1].id
                if key else False,
            }))
        self.write({
            "state": "map",
            "file_info": info,
            "column_ids": columns,
            "preview_html": _preview_table(header, preview, width),
        })
        return self._cati_reopen()

    def action_import(self):
        self.ensure_one()
        self._cati_check_access()
        if self.state != "map":
            raise UserError(_("Preview the file and check its columns first."))
        if not 0 < self.batch_size <= MAX_BATCH_SIZE:
            raise UserError(_("The batch size goes from 1 to %(max)s rows.", max=MAX_BATCH_SIZE))
        plan = _ImportPlan(self)
        report = _ImportReport(self.env)
        started = time.monotonic()
        self.env.flush_all()
        try:
            with self._cati_reader() as reader:
                plan.check_decoding = reader.kind == "csv"
                self._cati_import_rows(reader, plan, report)
            if report.rows_imported:
                # New respondents of a cell that is already full must not be called.
                self.campaign_id.quota_ids.filtered(lambda q: q.state == "full")._cati_close_cases()
        finally:
            self.env.invalidate_all()
        self._cati_store_result(report, time.monotonic() - started)
        _logger.info("Sample import into campaign %s: %s rows read, %s imported, %s skipped, "
                     "%s batches failed, in %.1f s", self.campaign_id.id, report.rows_read,
                     report.rows_imported, report.rows_skipped, report.batches_failed,
                     self.duration)
        return self._cati_reopen()

    def action_view_cases(self):
        self.ensure_one()
        return self.campaign_id.action_view_cases()

    def _cati_reopen(self):
        return {
            "type": "ir.actions.act_window",
            "name": _("Import Sample"),
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
        }

    # ------------------------------------------------------------
    # BUSINESS
    # ------------------------------------------------------------

    def _cati_check_access(self):
        """Cases and numbers are written with COPY, past the ORM's checks: the user
        must be allowed to edit the campaign and to create its cases and numbers."""
        self.campaign_id.check_access("write")
        self.env["callcenter.cati.case"].check_access("create")
        self.env["callcenter.cati.number"].check_access("create")
        if self.campaign_id.state == "closed":
            raise UserError(_("A closed campaign takes no new sample."))

    def _cati_reader(self):
        """A reader of the uploaded file, opened in the filestore rather than read
        through the field, which would load it whole, base64-encoded, into memory
        (a million-row sample weighs a hundred megabytes)."""
        attachment = self.env["ir.attachment"].search([
            ("res_model", "=", self._name), ("res_id", "=", self.id), ("res_field", "=", "file"),
        ], limit=1)
        if not attachment.file_size:
            raise UserError(_("Choose the sample file."))
        if attachment.store_fname:
            stream = open(attachment._full_path(attachment.store_fname), "rb")
        else:
            stream = io.BytesIO(attachment.raw)
        try:
            return SampleReader(
                stream, self.filename or "",
                encoding=None if self.encoding == "auto" else self.encoding,
                delimiter=None if self.delimiter == "auto" else self.delimiter)
        except SampleFileError as error:
            raise UserError(_file_error_message(self.env, error)) from error

    def _cati_import_rows(self, reader, plan, report):
        """Import batch after batch, the numbers of each batch normalized ahead.

        normalize_number costs about 0.1 ms a number, most of the Python time of
        an import; a helper thread runs it for the next batch while this one is
        typed and written. It holds the GIL only while PostgreSQL works on the
        COPY (libpq waits without it), so the two overlap. The helper runs pure
        phonenumbers code only, never the ORM or the cursor, and it is the only
        thread of the import that does: phonenumbers loads a country's metadata
        on first use, which two threads must not do at once.
        """
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="cati-import") as helper:
            pending = None
            for raw_batch in _raw_batches(reader, self.batch_size, report, self.env):
                numbers = helper.submit(_normalize_numbers, plan.region, plan.zones,
                                        plan.phone_indexes, raw_batch)
                if pending:
                    self._cati_import_batch(plan, *pending, report)
                pending = (raw_batch, numbers)
            if pending:
                self._cati_import_batch(plan, *pending, report)

    def _cati_import_batch(self, plan, raw_batch, numbers, report):
        """Type the rows, drop duplicate and blocked numbers, then write the batch, or
        nothing of it if one of its rows has an error."""
        if not raw_batch:
            return
        batch = [plan.prepare(row_number, cells, row_numbers)
                 for (row_number, cells), row_numbers in zip(raw_batch, numbers.result())]
        report.rows_read += len(batch)
        existing = plan.existing_numbers({n[0] for row in batch for n in row.numbers})
        seen = set()
        failed = False
        in_campaign, in_file, blocked = plan.drop_reasons
        for row in batch:
            for number, column, zone in row.numbers:
                if number in existing:
                    row.dropped.append((column, number, in_campaign))
                elif number in seen:
                    row.dropped.append((column, number, in_file))
                elif plan.blocked(number):
                    row.dropped.append((column, number, blocked))
                else:
                    row.kept.append((number, column, zone))
                    seen.add(number)
            if row.errors:
                failed = True
            elif row.kept and row.tz is None:
                number, _column, zone = row.kept[0]
                # A number the helper parsed: its country's metadata is loaded, so that
                # parsing it again here cannot race with the helper.
                row.tz = zone or plan.zones.zone(number)
        if failed:
            report.batch_failed(batch)
            return
        to_write = [row for row in batch if row.kept]
        try:
            with self.env.cr.savepoint(flush=False):
                plan.copy_rows(to_write)
        except psycopg2.Error as error:
            report.batch_failed(batch, database_error=error.diag.message_primary or str(error))
            return
        report.batch_done(batch)

    def _cati_store_result(self, report, duration):
        content = report.csv_content()
        filename = "%s-problems.csv" % (self.filename or "sample").rsplit(".", 1)[0]
        self.write({
            "state": "done",
            "rows_read": report.rows_read,
            "rows_imported": report.rows_imported,
            "rows_skipped": report.rows_skipped,
            "rows_failed": report.rows_failed,
            "numbers_imported": report.numbers_imported,
            "batches_failed": report.batches_failed,
            "error_count": report.error_count,
            "skip_count": report.skip_count,
            "duration": duration,
            "result_html": report.html(),
            "report_file": base64.b64encode(content) if content else False,
            "report_filename": filename if content else False,
        })


def _sample_mimetype(content):
    head = base64.b64decode(content[:12])
    return XLSX_MIMETYPE if head.startswith(ZIP_MAGIC) else CSV_MIMETYPE


def _raw_batches(reader, size, report, env):
    """The file's rows in lists of `size`; a file that cannot be read further ends
    with the rows read until then, and the reason in the report."""
    rows = reader.rows()
    while True:
        batch = []
        try:
            for row in rows:
                batch.append(row)
                if len(batch) >= size:
                    break
        except SampleFileError as error:
            report.stopped(error.row, _file_error_message(env, error))
            if batch:
                yield batch
            return
        if not batch:
            return
        yield batch


def _normalize_numbers(region, zones, indexes, raw_batch):
    """For each row, for each phone column, the [(piece, E.164 or None, zone)] of its
    cell; `zones` is the import's _NumberZones, and gives the zone of the row's first
    number only (None for the others), the one whose zone the case almost always gets.

    A cell may hold several numbers ("138.../139..."). Pure: it runs in the
    import's helper thread.
    """
    result = []
    for _row_number, cells in raw_batch:
        width = len(cells)
        row = []
        zone_of = zones.zone
        for index in indexes:
            text = cell_text(cells[index]) if index < width else ""
            if not text:
                row.append(())
                continue
            pieces = NUMBER_SEPARATORS.split(text) if NUMBER_SEPARATORS.search(text) else (text,)
            numbers = []
            for piece in pieces:
                if piece.strip():
                    number = normalize_number(piece, region)
                    if E164.fullmatch(number):
                        numbers.append((piece, number, zone_of and zone_of(number)))
                        zone_of = None
                    else:
                        numbers.append((piece, None, None))
            row.append(numbers)
        result.append(row)
    return result


class _Row:
    """A sample row on its way to a case; typed values, numbers and problems."""

    __slots__ = ("number", "reference", "name", "priority", "agent_id", "tz", "data",
                 "numbers", "kept", "dropped", "errors")

    def __init__(self, number):
        self.number = number
        self.reference = self.name = self.agent_id = self.tz = None
        self.priority = None
        self.data = {}
        self.numbers = []
        self.kept = []
        self.dropped = []
        self.errors = []


class _FieldParser:
    """`_cati_parse` of one sample field, remembered per raw value.

    It depends only on the field and the cell, and sample columns repeat few
    values (regions, age groups, yes/no), so most of a million cells are typed
    by one dict lookup instead of a call through the ORM.

    Two spreadsheet habits are met half-way before parsing: a number or date
    cell in a text field reads as it is shown (35, not 35.0), and a date written
    2024/3/9 or 2024年3月9日 (Chinese Excel) is read as 2024-03-09.
    """

    __slots__ = ("field", "key", "column", "index", "memo", "env", "kind")

    def __init__(self, field, column, index):
        self.field = field
        self.key = field.key
        self.kind = field.field_type
        self.column = column
        self.index = index
        self.memo = {}
        self.env = field.env

    def __call__(self, raw):
        memo_key = raw if raw.__class__ is str else (raw.__class__, raw)
        result = self.memo.get(memo_key)
        if result is None:
            cell = raw
            if self.kind in ("char", "selection") and raw is not None and raw.__class__ is not str:
                cell = cell_text(raw)
            elif self.kind == "date" and raw.__class__ is str and (match := LOOSE_DATE.fullmatch(
                    raw.strip())):
                cell = "%04d-%02d-%02d" % tuple(int(part) for part in match.groups())
            try:
                value = self.field._cati_parse(cell)
            except ValueError as error:
                result = (None, str(error))
            else:
                if isinstance(value, float) and not math.isfinite(value):
                    result = (None, self.env._("%(field)s: %(value)s is not a valid number",
                                               field=self.field.name, value=raw))
                elif value.__class__ is str:
                    result = (value.replace("\x00", ""), None)  # PostgreSQL refuses NUL
                else:
                    result = (value, None)
            if len(self.memo) < PARSE_MEMO_SIZE:
                self.memo[memo_key] = result
        return result


class _NumberZones:
    """`zone_for_number`, skipped where its answer is known in advance.

    The lookup parses the number again (about 0.1 ms). Every number of a
    country whose phonenumbers zones are all the campaign's zone gets the
    campaign's zone whatever its digits (valid or not), so for those countries,
    China for a Beijing campaign, the lookup is not made; other numbers (a US
    sample spans six zones) are looked up one by one.
    """

    def __init__(self, default_zone):
        self.default_zone = default_zone
        self._country_is_default = {}

    def zone(self, e164):
        code = _country_code(e164)
        if code is None:
            return zone_for_number(e164, self.default_zone)
        is_default = self._country_is_default.get(code)
        if is_default is None:
            zones = {zone for prefix, prefix_zones in TIMEZONE_DATA.items()
                     if prefix.startswith(code) or code.startswith(prefix)
                     for zone in prefix_zones if zone != UNKNOWN_TIMEZONE and is_zone(zone)}
            is_default = self._country_is_default[code] = zones <= {self.default_zone}
        return self.default_zone if is_default else zone_for_number(e164, self.default_zone)


def _country_code(e164):
    for length in (1, 2, 3):
        code = e164[1:1 + length]
        if int(code) in COUNTRY_CODE_TO_REGION_CODE:
            return code
    return None


class _ImportPlan:
    """Everything one import needs to turn rows into cases, read once at its start:
    the column mapping, the field parsers, the interviewers, the do-not-call list."""

    def __init__(self, wizard):
        env = wizard.env
        self.env = env
        campaign = self.campaign = wizard.campaign_id
        columns = wizard.column_ids.sorted("index")
        self._check_mapping(columns)
        phone_columns = columns.filtered(lambda column: column.role == "phone")
        self.phone_indexes = phone_columns.mapped("index")
        self.phone_names = phone_columns.mapped("name")
        self.single = [(column.index, column.name, getattr(self, "_read_" + column.role))
                       for column in columns if column.role in SINGLE_ROLES]
        self.parsers = [_FieldParser(column.field_id, column.name, column.index)
                        for column in columns if column.role == "field"]
        self.parser_slots = [(p.index, p.memo, p, p.key, p.column) for p in self.parsers]
        tz_field = campaign.tz_field_id
        self.tz_parser = next((p for p in self.parsers if tz_field and p.field == tz_field), None)
        pbx = campaign.pbx_id
        self.region = pbx._callcenter_region() if pbx else (
            (campaign.company_id.country_id.code or "").upper() or None)
        self.zones = _NumberZones(campaign.tz)
        Case = env["callcenter.cati.case"]
        self.default_priority = Case.default_get(["priority"]).get("priority", 50)
        self.agents = {}
        for agent in campaign.agent_ids:
            for key in (agent.user_id.login, agent.extension):
                if key:
                    self.agents.setdefault(key, agent.id)
                    self.agents.setdefault(key.casefold(), agent.id)
        self._load_blacklist()
        self.drop_reasons = (env._("already in the campaign"), env._("already earlier in the file"),
                             env._("on the do-not-call list"))
        self.no_number = env._("no phone number")
        self.not_a_number = env._("not a phone number")
        self.undecodable = env._("characters that the file's encoding cannot read: choose the "
                                 "encoding of the file")
        self.check_decoding = False
        now = env.cr.now()
        self.case_table = _CopyTable(Case, {
            "campaign_id": campaign.id, "company_id": campaign.company_id.id, "state": "new",
            "next_call": EPOCH, "quota_boost": 0, "call_count": 0,
            "create_uid": env.uid, "create_date": now, "write_uid": env.uid, "write_date": now,
        }, ("id", "reference", "name", "data", "priority", "rank", "tz", "agent_id"))
        self.number_table = _CopyTable(env["callcenter.cati.number"], {
            "campaign_id": campaign.id, "state": "active", "attempt_count": 0,
            "create_uid": env.uid, "create_date": now, "write_uid": env.uid, "write_date": now,
        }, ("id", "case_id", "sequence", "label", "number"))

    def _check_mapping(self, columns):
        env = self.env
        roles = columns.mapped("role")
        if "phone" not in roles:
            raise UserError(env._("Choose at least one column of phone numbers."))
        for role, label in columns._fields["role"]._description_selection(env):
            if role in SINGLE_ROLES and roles.count(role) > 1:
                raise UserError(env._("Only one column can be imported as %(role)s.", role=label))
        field_columns = columns.filtered(lambda c: c.role == "field")
        if not all(field_columns.mapped("field_id")):
            raise UserError(env._("Choose the sample field of every column imported as a "
                                  "sample field."))
        fields_mapped = field_columns.field_id
        if len(fields_mapped) < len(field_columns):
            raise UserError(env._("Each sample field can come from one column only."))
        missing = self.campaign.field_ids.filtered("required") - fields_mapped
        if missing:
            raise UserError(env._("These required sample fields have no column: %(fields)s",
                                  fields=", ".join(missing.mapped("name"))))

    def _load_blacklist(self):
        """The campaign company's active outbound entries, once: full numbers in a set,
        prefixes in a set probed with each of the number's own prefixes."""
        entries = self.env["callcenter.blacklist"].search_fetch([
            ("company_id", "=", self.campaign.company_id.id),
            ("direction", "in", ("outbound", "both")),
            "|", ("date_expiry", "=", False), ("date_expiry", ">", fields.Datetime.now()),
        ], ["number_normalized", "is_prefix"])
        self.blocked_numbers = {e.number_normalized for e in entries if not e.is_prefix}
        self.blocked_prefixes = {e.number_normalized for e in entries if e.is_prefix}
        self.prefix_lengths = sorted({len(prefix) for prefix in self.blocked_prefixes})

    def blocked(self, number):
        if number in self.blocked_numbers:
            return True
        prefixes = self.blocked_prefixes
        return any(number[:length] in prefixes for length in self.prefix_lengths)

    def existing_numbers(self, numbers):
        if not numbers:
            return set()
        self.env.cr.execute(SQL(
            "SELECT number FROM callcenter_cati_number WHERE campaign_id = %s AND number = ANY(%s)",
            self.campaign.id, list(numbers)))
        return {number for number, in self.env.cr.fetchall()}

    # ------------------------------------------------------------
    # ROWS
    # ------------------------------------------------------------

    def prepare(self, row_number, cells, numbers):
        """The row typed and checked; `numbers` are its phone cells as _normalize_numbers
        gives them."""
        row = _Row(row_number)
        width = len(cells)
        if self.check_decoding and UNDECODABLE in "".join(cells):
            row.errors.append(("", next(cell for cell in cells if UNDECODABLE in cell),
                               self.undecodable))
        data = row.data
        for index, memo, parser, key, column in self.parser_slots:
            raw = cells[index] if index < width else None
            result = memo.get(raw) if raw.__class__ is str else None
            value, error = result or parser(raw)
            if error:
                row.errors.append((column, raw, error))
            elif value is not None:
                data[key] = value
        for index, column, read in self.single:
            text = cell_text(cells[index]) if index < width else ""
            if text:
                read(row, column, text.replace("\x00", ""))
        phone_errors = len(row.errors)
        for column, pieces in zip(self.phone_names, numbers):
            for piece, number, zone in pieces:
                if number is None:
                    row.errors.append((column, piece, self.not_a_number))
                elif all(number != known[0] for known in row.numbers):
                    row.numbers.append((number, column, zone))
        if not row.numbers and len(row.errors) == phone_errors:
            row.errors.append(("", "", self.no_number))
        if row.tz is None and self.tz_parser:
            zone = row.data.get(self.tz_parser.key)
            if zone and is_zone(zone):
                row.tz = zone
            elif zone:
                row.errors.append((self.tz_parser.column, zone,
                                   self.env._("%(zone)s is not a time zone", zone=zone)))
        return row

    def _read_reference(self, row, column, text):
        row.reference = text

    def _read_name(self, row, column, text):
        row.name = text

    def _read_priority(self, row, column, text):
        try:
            number = float(text)
        except ValueError:
            number = -1.0
        if not (number.is_integer() and 0 <= number <= MAX_PRIORITY):
            row.errors.append((column, text, self.env._(
                "the priority is a whole number from 0 to %(max)s", max=MAX_PRIORITY)))
        else:
            row.priority = int(number)

    def _read_agent(self, row, column, text):
        agent_id = self.agents.get(text) or self.agents.get(text.casefold())
        if agent_id:
            row.agent_id = agent_id
        else:
            row.errors.append((column, text, self.env._(
                "no interviewer of this campaign has this login or extension")))

    def _read_tz(self, row, column, text):
        if is_zone(text):
            row.tz = text
        else:
            row.errors.append((column, text, self.env._("%(zone)s is not a time zone", zone=text)))

    # ------------------------------------------------------------
    # WRITING
    # ------------------------------------------------------------

    def copy_rows(self, rows):
        """COPY the rows' cases and numbers, with ids drawn from the tables' sequences
        first so that the numbers can point to their cases."""
        if not rows:
            return
        case_ids = self.case_table.new_ids(self.env.cr, len(rows))
        number_ids = self.number_table.new_ids(self.env.cr, sum(len(row.kept) for row in rows))
        next_number_id = iter(number_ids).__next__
        cases = io.StringIO()
        numbers = io.StringIO()
        case_line = self.case_table.line_format
        number_line = self.number_table.line_format
        default_priority = self.default_priority
        to_json = JSON_ENCODER.encode
        for case_id, row in zip(case_ids, rows):
            priority = default_priority if row.priority is None else row.priority
            cases.write(case_line % (
                case_id, _copy_text(row.reference), _copy_text(row.name),
                _copy_text(to_json(row.data)),
                priority, priority, _copy_text(row.tz), row.agent_id or COPY_NULL))
            for sequence, (number, label, _zone) in enumerate(row.kept, start=1):
                numbers.write(number_line % (
                    next_number_id(), case_id, sequence * 10, _copy_text(label), number))
        self.case_table.copy(self.env.cr, cases, case_ids)
        self.number_table.copy(self.env.cr, numbers, number_ids)


class _CopyTable:
    """The COPY statement and line format of one model's table.

    `constants` and `per_row` columns are given; every other stored field gets
    its default as create() would give it, so that a field added by another
    module is not left NULL, and a required field without a default is caught
    before any row is read. Stored computed fields are computed after the
    COPY, except related fields through a many2one that the import leaves
    empty, which are empty too.
    """

    def __init__(self, model, constants, per_row):
        env = model.env
        values = dict(constants)
        given = set(values) | set(per_row)
        stored = {name: field for name, field in model._fields.items()
                  if field.store and field.column_type and name not in given}
        defaults = model.with_context(clean_context(env.context)).default_get(list(stored))
        self.recompute = []
        for name, field in stored.items():
            if name in defaults:
                values[name] = defaults[name]
            elif field.compute:
                if not _related_through_empty(model, field, given | set(defaults)):
                    self.recompute.append(field)
            elif field.required:
                raise UserError(env._(
                    "%(model)s.%(field)s is required and has no default: the sample import "
                    "cannot fill it.", model=model._name, field=name))
        fields_by_name = model._fields
        constant_text = "".join(
            "\t" + _copy_constant(fields_by_name[name], value).replace("%", "%%")
            for name, value in values.items())
        self.model = model
        self.columns = list(per_row) + list(values)
        self.line_format = "\t".join(["%s"] * len(per_row)) + constant_text + "\n"

    def new_ids(self, cr, count):
        if not count:
            return []
        cr.execute(SQL("SELECT nextval(pg_get_serial_sequence(%s, 'id')) "
                       "FROM generate_series(1, %s)", self.model._table, count))
        return [new_id for new_id, in cr.fetchall()]

    def copy(self, cr, buffer, ids=()):
        buffer.seek(0)
        cr.copy_expert(SQL("COPY %s (%s) FROM STDIN", SQL.identifier(self.model._table),
                           SQL(", ").join(SQL.identifier(c) for c in self.columns)).code, buffer)
        if self.recompute and ids:
            records = self.model.browse(ids)
            for field in self.recompute:
                self.model.env.add_to_compute(field, records)
            records.flush_recordset()


def _related_through_empty(model, field, given):
    related = field.related
    if not related:
        return False
    first = related.split(".")[0] if isinstance(related, str) else related[0]
    return first not in given and model._fields[first].type == "many2one"


def _copy_text(value):
    if value is None:
        return COPY_NULL
    return value.translate(COPY_ESCAPES)


def _copy_constant(field, value):
    """A constant value in COPY's text format, as the ORM would store it."""
    if field.type == "boolean":
        return "t" if value else "f"
    if value is None or value is False:
        return COPY_NULL
    if field.type in ("json", "properties"):
        return _copy_text(json.dumps(value, ensure_ascii=False))
    if field.type in ("datetime", "date"):
        return str(value)
    return _copy_text(str(value))


class _ImportReport:
    """Counts, the first problems for the form, and every problem (up to
    REPORTED_PROBLEMS) in a temporary CSV file, so that memory does not grow
    with a file that fails everywhere."""

    def __init__(self, env):
        self.env = env
        self.rows_read = self.rows_imported = self.rows_skipped = self.rows_failed = 0
        self.numbers_imported = self.batches_failed = 0
        self.error_count = self.skip_count = 0
        self.failed_ranges = []
        self.shown_errors = []
        self.shown_skips = []
        self.stop_message = None
        self._reported = 0
        self._binary = tempfile.TemporaryFile()
        # utf-8-sig: Excel opens a CSV as UTF-8 (Chinese included) only after a BOM.
        self._file = io.TextIOWrapper(self._binary, encoding="utf-8-sig", newline="")
        self._csv = csv.writer(self._file)
        _ = env._
        self._csv.writerow([_("Row"), _("Column"), _("Value"), _("Problem"), _("Outcome")])
        self.outcomes = {
            "error": _("Error: batch not imported"),
            "skip": _("Row skipped"),
            "drop": _("Number not imported"),
        }

    def _add(self, kind, row, column, value, message):
        if kind == "error":
            self.error_count += 1
            shown = self.shown_errors
        else:
            self.skip_count += 1
            shown = self.shown_skips
        value = cell_text(value)
        if len(shown) < SHOWN_PROBLEMS:
            shown.append((row, column, value, message, self.outcomes[kind]))
        if self._reported < REPORTED_PROBLEMS:
            self._reported += 1
            self._csv.writerow([row, column, value, message, self.outcomes[kind]])

    def batch_failed(self, batch, database_error=None):
        self.batches_failed += 1
        self.rows_failed += len(batch)
        self.failed_ranges.append((batch[0].number, batch[-1].number))
        for row in batch:
            for column, value, message in row.errors:
                self._add("error", row.number, column, value, message)
        if database_error:
            self._add("error", batch[0].number, "", "", self.env._(
                "The database refused the batch of rows %(first)s to %(last)s: %(error)s",
                first=batch[0].number, last=batch[-1].number, error=database_error))

    def batch_done(self, batch):
        _ = self.env._
        for row in batch:
            if row.kept:
                self.rows_imported += 1
                self.numbers_imported += len(row.kept)
                for column, number, reason in row.dropped:
                    self._add("drop", row.number, column, number, reason)
            else:
                self.rows_skipped += 1
                reasons = sorted({reason for _column, _number, reason in row.dropped})
                self._add("skip", row.number, ", ".join(c for c, _n, _r in row.dropped),
                          ", ".join(n for _c, n, _r in row.dropped),
                          _("every number is %(reasons)s", reasons=_(" or ").join(reasons)))

    def stopped(self, row, message):
        self.stop_message = message
        self._add("error", row or "", "", "", message)

    def csv_content(self):
        self._file.flush()
        self._binary.seek(0)
        data = self._binary.read() if self._reported else b""
        self._file.close()
        return data

    def html(self):
        _ = self.env._
        parts = []
        if self.stop_message:
            parts.append(Markup("<p class='text-danger'>%s</p>") % self.stop_message)
        if self.failed_ranges:
            ranges = ", ".join("%s-%s" % pair for pair in self.failed_ranges[:SHOWN_FAILED_BATCHES])
            if len(self.failed_ranges) > SHOWN_FAILED_BATCHES:
                ranges += ", …"
            parts.append(Markup("<p>%s</p>") % _(
                "Batches not imported because of errors, by rows: %(ranges)s", ranges=ranges))
        for title, shown, total in ((_("Errors"), self.shown_errors, self.error_count),
                                    (_("Skipped"), self.shown_skips, self.skip_count)):
            if not shown:
                continue
            heading = title if total <= len(shown) else _(
                "%(title)s (the first %(shown)s of %(total)s; all are in the problem report)",
                title=title, shown=len(shown), total=total)
            parts.append(Markup("<h5>%s</h5>") % heading)
            parts.append(_table([_("Row"), _("Column"), _("Value"), _("Problem")],
                                [line[:4] for line in shown]))
        return Markup("").join(parts) or False


def _table(header, rows):
    head = Markup("").join(Markup("<th>%s</th>") % cell for cell in header)
    body = Markup("").join(
        Markup("<tr>%s</tr>") % Markup("").join(Markup("<td>%s</td>") % cell for cell in row)
        for row in rows)
    return Markup("<table class='table table-sm table-striped'><thead><tr>%s</tr></thead>"
                  "<tbody>%s</tbody></table>") % (head, body)


def _preview_table(header, preview, width):
    header = [header[i] if i < len(header) else "" for i in range(width)]
    rows = [[cell_text(cells[i]) if i < len(cells) else "" for i in range(width)]
            for _row, cells in preview]
    return _table(header, rows)


def _file_error_message(env, error):
    _ = env._
    reasons = {
        "empty": _("The file is empty or has no header row."),
        "xls": _("Old Excel files (.xls) cannot be read: save the sheet as .xlsx or CSV."),
        "xlsx": _("The file looks like an Excel file but cannot be opened."),
    }
    if error.reason == "csv":
        return _("Reading stopped at row %(row)s: %(detail)s", row=error.row, detail=error.detail)
    return reasons.get(error.reason, error.detail or error.reason)
