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
import queue
import re
import tempfile
import threading
import time
from itertools import islice

import psycopg2
from markupsafe import Markup
from phonenumbers import COUNTRY_CODE_TO_REGION_CODE, PhoneNumber
from phonenumbers.timezone import TIMEZONE_DATA, UNKNOWN_TIMEZONE, time_zones_for_number

from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL
from odoo.tools.misc import clean_context

from ..models.callcenter_cati_case import EPOCH
from ..tools.sample_numbers import NumberNormalizer, split_international
from ..tools.sample_reader import (
    UNDECODABLE,
    ZIP_MAGIC,
    SampleFileError,
    SampleReader,
    cell_text,
    guess_role,
)
from ..tools.timezones import is_zone, pick_zone, zone_for_number
from .callcenter_cati_import_column import SINGLE_ROLES

_logger = logging.getLogger(__name__)

BATCH_SIZE = 10_000
MAX_BATCH_SIZE = 100_000
PREVIEW_ROWS = 10
SHOWN_PROBLEMS = 100
REPORTED_PROBLEMS = 100_000
SHOWN_FAILED_BATCHES = 20
PARSE_MEMO_SIZE = 50_000
QUEUE_POLL_SECONDS = 0.2
COPY_LINES_PER_READ = 4000
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
                plan.preparer.check_decoding = reader.kind == "csv"
                self._cati_import_rows(reader, plan, report)
            if report.rows_imported:
                # New respondents of a cell that is already full must not be called.
                self.campaign_id.quota_ids.filtered(lambda q: q.state == "full")._cati_close_cases()
                self.campaign_id._cati_note_zones(plan.zones_written)
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
        """Import batch after batch while a helper thread reads, types and
        normalizes the next one.

        PostgreSQL's share of an import (COPY, index entries, foreign key
        checks) is the larger one and runs in its own process: while this
        thread waits for the COPY of a batch (libpq waits without the GIL), the
        helper prepares the next. Only what depends on the database is done
        here: each batch is checked against the numbers the campaign has by
        then, and written. The helper runs the reader and `_RowPreparer`,
        which touch neither the ORM nor the cursor; a large XLSX sheet, whose
        parsing alone keeps a core busy, is parsed by a process of its own.
        """
        with _PreparedBatches(reader, plan.preparer, self.batch_size) as batches:
            for batch, stop in batches:
                if batch:
                    self._cati_import_batch(plan, batch, report)
                if stop:
                    report.stopped(stop.row, _file_error_message(self.env, stop))

    def _cati_import_batch(self, plan, batch, report):
        """Write the batch without its duplicate and blocked numbers, or nothing of it
        if one of its rows has an error."""
        report.rows_read += len(batch)
        if any(row.errors for row in batch):
            report.batch_failed(batch)
            return
        try:
            with self.env.cr.savepoint(flush=False):
                plan.write_batch(batch)
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


class _PreparedBatches:
    """The file's rows, prepared by a helper thread in batches of `size`, which
    iterate as (batch, None), and a last (rows read until then, SampleFileError)
    when the file cannot be read further.

    The helper keeps at most one batch waiting, so that memory does not grow
    with the file; an error of its own is raised in the iterating thread.
    """

    def __init__(self, reader, preparer, size):
        self._reader = reader
        self._preparer = preparer
        self._size = size
        self._queue = queue.Queue(maxsize=1)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="cati-import", daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc_info):
        self._stop.set()
        self._thread.join()

    def __iter__(self):
        while True:
            item = self._queue.get()
            if item is None:
                return
            if isinstance(item, BaseException):
                raise item
            yield item

    def _run(self):
        try:
            rows = self._reader.rows(worker=True)
            prepare = self._preparer.prepare
            while True:
                batch, stop = [], None
                try:
                    for row_number, cells in islice(rows, self._size):
                        batch.append(prepare(row_number, cells))
                except SampleFileError as error:
                    stop = error
                if not (batch or stop):
                    break
                self._preparer.render(batch)
                if not self._put((batch, stop)) or stop or len(batch) < self._size:
                    break
            self._put(None)
        except Exception as error:  # noqa: BLE001 - raised again in the importing thread
            self._put(error)

    def _put(self, item):
        """Queue `item` once there is room, unless the import stopped meanwhile."""
        while not self._stop.is_set():
            try:
                self._queue.put(item, timeout=QUEUE_POLL_SECONDS)
            except queue.Full:
                continue
            return True
        return False


class _Row:
    """A sample row on its way to a case; typed values, numbers and problems.

    `numbers` are (E.164, column, zone or None, blocked) and `kept` those of them
    written; `line` is the COPY text of the case but for its id and zone.
    """

    __slots__ = ("number", "reference", "name", "priority", "agent_id", "tz", "data",
                 "numbers", "kept", "dropped", "errors", "line")

    def __init__(self, number):
        self.number = number
        self.reference = self.name = self.agent_id = self.tz = self.line = None
        self.priority = None
        self.data = {}
        self.numbers = []
        self.kept = []
        self.dropped = []
        self.errors = []


class _FieldParser:
    """One sample field's cells typed (`CellTyper`), remembered per raw value.

    It depends only on the field and the cell, and sample columns repeat few
    values (regions, age groups, yes/no), so most of a million cells are typed
    by one dict lookup.

    Two spreadsheet habits are met half-way before parsing: a number or date
    cell in a text field reads as it is shown (35, not 35.0), and a date written
    2024/3/9 or 2024年3月9日 (Chinese Excel) is read as 2024-03-09.
    """

    __slots__ = ("typer", "key", "kind", "column", "index", "memo", "not_finite", "field_name")

    def __init__(self, field, column, index):
        self.typer = field._cati_typer()
        self.key = field.key
        self.kind = field.field_type
        self.field_name = field.name
        self.column = column
        self.index = index
        self.memo = {}
        self.not_finite = field.env._("%(field)s: %(value)s is not a valid number")

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
                value = self.typer.parse(cell)
            except ValueError as error:
                result = (None, str(error))
            else:
                if isinstance(value, float) and not math.isfinite(value):
                    result = (None, self.not_finite % {"field": self.field_name, "value": raw})
                elif value.__class__ is str:
                    result = (value.replace("\x00", ""), None)  # PostgreSQL refuses NUL
                else:
                    result = (value, None)
            if len(self.memo) < PARSE_MEMO_SIZE:
                self.memo[memo_key] = result
        return result


class _NumberZones:
    """`zone_for_number`, skipped where its answer is known in advance.

    Every number of a country whose phonenumbers zones are all the campaign's
    zone gets the campaign's zone whatever its digits (valid or not), so for
    those countries, China for a Beijing campaign, no lookup is made. Other
    plain E.164 numbers (a US sample spans six zones) are looked up without
    parsing them again (`split_international` reads them as parse does); the
    rest goes to `zone_for_number`.
    """

    def __init__(self, default_zone):
        self.default_zone = default_zone
        self._default_by_head = {}
        self._zone_of = {}

    def zone(self, e164):
        head = e164[:4]
        is_default = self._default_by_head.get(head)
        if is_default is None:
            is_default = self._default_by_head[head] = self._country_is_default(head)
        if is_default:
            return self.default_zone
        split = split_international(e164[1:]) if e164[1:].isdigit() else None
        if split is None:
            return zone_for_number(e164, self.default_zone)
        code, national = split
        zones = time_zones_for_number(PhoneNumber(country_code=code,
                                                  national_number=int(national)))
        zone = self._zone_of.get(zones)
        if zone is None:
            zone = self._zone_of[zones] = pick_zone(zones, self.default_zone)
        return zone

    def _country_is_default(self, head):
        """Whether the country calling code of a number starting with `head` (the
        first three digits decide it) has the default zone only."""
        for length in (1, 2, 3):
            code = head[1:1 + length]
            if code.isdigit() and int(code) in COUNTRY_CODE_TO_REGION_CODE:
                break
        else:
            return False
        zones = {zone for prefix, prefix_zones in TIMEZONE_DATA.items()
                 if prefix.startswith(code) or code.startswith(prefix)
                 for zone in prefix_zones if zone != UNKNOWN_TIMEZONE and is_zone(zone)}
        return zones <= {self.default_zone}


class _RowPreparer:
    """A row typed and checked, its numbers normalized: pure Python on what the
    import plan read from the database at its start, so that it runs in the
    import's helper thread."""

    def __init__(self, plan, columns):
        env = plan.env
        campaign = plan.campaign
        self.normalize = NumberNormalizer(plan.region).normalize
        self.zones = plan.zones
        self.blocked_numbers = plan.blocked_numbers
        self.blocked_prefixes = plan.blocked_prefixes
        self.prefix_lengths = plan.prefix_lengths
        self.phones = [(column.index, column.name) for column in columns
                       if column.role == "phone"]
        self.single = [(column.index, column.name, getattr(self, "_read_" + column.role))
                       for column in columns if column.role in SINGLE_ROLES]
        self.parsers = [_FieldParser(column.field_id, column.name, column.index)
                        for column in columns if column.role == "field"]
        self.parser_slots = [(p.index, p.memo, p, p.key, p.column) for p in self.parsers]
        tz_field = campaign.tz_field_id
        self.tz_parser = next((p for p in self.parsers if tz_field and p.key == tz_field.key),
                              None)
        self.agents = {}
        for agent in campaign.agent_ids:
            for key in (agent.user_id.login, agent.extension):
                if key:
                    self.agents.setdefault(key, agent.id)
                    self.agents.setdefault(key.casefold(), agent.id)
        self.default_priority = plan.default_priority
        self.case_suffix = plan.case_table.suffix
        self.no_number = env._("no phone number")
        self.not_a_number = env._("not a phone number")
        self.not_a_zone = env._("%(zone)s is not a time zone")
        self.bad_priority = env._("the priority is a whole number from 0 to %(max)s",
                                  max=MAX_PRIORITY)
        self.unknown_agent = env._("no interviewer of this campaign has this login or extension")
        self.undecodable = env._("characters that the file's encoding cannot read: choose the "
                                 "encoding of the file")
        self.check_decoding = False

    def blocked(self, number):
        if number in self.blocked_numbers:
            return True
        for length in self.prefix_lengths:
            if number[:length] in self.blocked_prefixes:
                return True
        return False

    def prepare(self, row_number, cells):
        row = _Row(row_number)
        errors = row.errors
        width = len(cells)
        if self.check_decoding and UNDECODABLE in "".join(cells):
            errors.append(("", next(cell for cell in cells if UNDECODABLE in cell),
                           self.undecodable))
        data = row.data
        for index, memo, parser, key, column in self.parser_slots:
            raw = cells[index] if index < width else None
            result = memo.get(raw) if raw.__class__ is str else None
            value, error = result or parser(raw)
            if error:
                errors.append((column, raw, error))
            elif value is not None:
                data[key] = value
        for index, column, read in self.single:
            text = cell_text(cells[index]) if index < width else ""
            if text:
                read(row, column, text.replace("\x00", ""))
        phone_errors = len(errors)
        numbers = row.numbers
        normalize = self.normalize
        zone_of = self.zones.zone  # of the row's first number only
        for index, column in self.phones:
            text = cell_text(cells[index]) if index < width else ""
            if not text:
                continue
            for piece in NUMBER_SEPARATORS.split(text) if NUMBER_SEPARATORS.search(text) \
                    else (text,):
                if not piece.strip():
                    continue
                number = normalize(piece)
                if not E164.fullmatch(number):
                    errors.append((column, piece, self.not_a_number))
                elif all(number != known[0] for known in numbers):
                    numbers.append((number, column, zone_of and zone_of(number),
                                    self.blocked(number)))
                    zone_of = None
        if not numbers and len(errors) == phone_errors:
            errors.append(("", "", self.no_number))
        if row.tz is None and self.tz_parser:
            zone = data.get(self.tz_parser.key)
            if zone and is_zone(zone):
                row.tz = zone
            elif zone:
                errors.append((self.tz_parser.column, zone, self.not_a_zone % {"zone": zone}))
        return row

    def render(self, batch):
        """The COPY text of each case but for its id and zone, unless the batch fails."""
        if any(row.errors for row in batch):
            return
        default_priority = self.default_priority
        suffix = self.case_suffix
        to_json = JSON_ENCODER.encode
        for row in batch:
            priority = default_priority if row.priority is None else row.priority
            row.line = "%s\t%s\t%s\t%s\t%s\t%s%s" % (
                _copy_text(row.reference), _copy_text(row.name), _copy_text(to_json(row.data)),
                priority, priority, row.agent_id or COPY_NULL, suffix)

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
            row.errors.append((column, text, self.bad_priority))
        else:
            row.priority = int(number)

    def _read_agent(self, row, column, text):
        agent_id = self.agents.get(text) or self.agents.get(text.casefold())
        if agent_id:
            row.agent_id = agent_id
        else:
            row.errors.append((column, text, self.unknown_agent))

    def _read_tz(self, row, column, text):
        if is_zone(text):
            row.tz = text
        else:
            row.errors.append((column, text, self.not_a_zone % {"zone": text}))


class _ImportPlan:
    """Everything one import needs to turn rows into cases, read once at its start:
    the column mapping, the field parsers, the interviewers, the do-not-call list."""

    def __init__(self, wizard):
        env = wizard.env
        self.env = env
        campaign = self.campaign = wizard.campaign_id
        columns = wizard.column_ids.sorted("index")
        self._check_mapping(columns)
        pbx = campaign.pbx_id
        self.region = pbx._callcenter_region() if pbx else (
            (campaign.company_id.country_id.code or "").upper() or None)
        self.zones = _NumberZones(campaign.tz)
        Case = env["callcenter.cati.case"]
        self.default_priority = Case.default_get(["priority"]).get("priority", 50)
        self._load_blacklist()
        self.drop_reasons = (env._("already in the campaign"), env._("already earlier in the file"),
                             env._("on the do-not-call list"))
        now = env.cr.now()
        self.case_table = _CopyTable(Case, {
            "campaign_id": campaign.id, "company_id": campaign.company_id.id, "state": "new",
            "next_call": EPOCH, "quota_boost": 0, "call_count": 0,
            "create_uid": env.uid, "create_date": now, "write_uid": env.uid, "write_date": now,
        }, ("id", "tz", "reference", "name", "data", "priority", "rank", "agent_id"),
            with_ids=True)
        self.number_table = _CopyTable(env["callcenter.cati.number"], {
            "campaign_id": campaign.id, "state": "active", "attempt_count": 0,
            "create_uid": env.uid, "create_date": now, "write_uid": env.uid, "write_date": now,
        }, ("case_id", "sequence", "label", "number"))
        self.labels = {column.name: _copy_text(column.name) for column in columns
                       if column.role == "phone"}
        self.zones_written = set()  # for the scheduler's cache of the campaign's zones
        self.preparer = _RowPreparer(self, columns)

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
        self.blocked_numbers = frozenset(e.number_normalized for e in entries if not e.is_prefix)
        self.blocked_prefixes = frozenset(e.number_normalized for e in entries if e.is_prefix)
        self.prefix_lengths = sorted({len(prefix) for prefix in self.blocked_prefixes})

    # ------------------------------------------------------------
    # WRITING
    # ------------------------------------------------------------

    def write_batch(self, batch):
        """COPY the cases and numbers of an error-free batch, but for the numbers
        that the campaign has, that come earlier in the batch or that are blocked.

        One query draws an id for every row (a row left without numbers wastes
        its id) and finds the numbers the campaign has; the rows are then
        checked while COPY reads them (`_case_lines`), so that PostgreSQL writes
        one part of the batch while Python checks the next.
        """
        cr = self.env.cr
        numbers = " ".join(entry[0] for row in batch for entry in row.numbers)
        cr.execute(SQL(
            "SELECT (%s), "
            "(SELECT string_agg(number, ' ') FROM callcenter_cati_number "
            " WHERE campaign_id = %s AND number = ANY(string_to_array(%s, ' ')))",
            self.case_table.ids_sql(cr, len(batch)), self.campaign.id, numbers))
        case_ids, existing = cr.fetchone()
        number_lines, written = [], []
        self.case_table.copy(cr, self._case_lines(
            batch, case_ids.split(" "), set((existing or "").split(" ")), number_lines,
            written), written)
        number_ids = None
        if self.number_table.with_ids:
            number_ids = self.number_table.new_ids(cr, len(number_lines))
            number_lines = ("%s\t%s" % pair for pair in zip(number_ids, number_lines))
        self.number_table.copy(cr, number_lines, number_ids)

    def _case_lines(self, batch, case_ids, existing, number_lines, written):
        """The COPY lines of the batch's cases, each row's numbers checked on the way:
        its kept numbers' lines go to `number_lines`, its case's id to `written`."""
        seen = set()
        in_campaign, in_file, blocked = self.drop_reasons
        zone = self.zones.zone
        labels = self.labels
        suffix = self.number_table.suffix
        zone_texts = {}
        for case_id, row in zip(case_ids, batch):
            kept = row.kept
            for entry in row.numbers:
                number, column, _zone, is_blocked = entry
                if number in existing:
                    row.dropped.append((column, number, in_campaign))
                elif number in seen:
                    row.dropped.append((column, number, in_file))
                elif is_blocked:
                    row.dropped.append((column, number, blocked))
                else:
                    kept.append(entry)
                    seen.add(number)
                    number_lines.append("%s\t%d\t%s\t%s%s" % (
                        case_id, len(kept) * 10, labels[column], number, suffix))
            if kept:
                if row.tz is None:
                    # The helper looked up the zone of the row's first number only.
                    row.tz = kept[0][2] or zone(kept[0][0])
                zone_text = zone_texts.get(row.tz)
                if zone_text is None:
                    zone_text = zone_texts[row.tz] = _copy_text(row.tz)
                    self.zones_written.add(row.tz)
                written.append(case_id)
                yield "%s\t%s\t%s" % (case_id, zone_text, row.line)


class _CopyTable:
    """The COPY statement of one model's table, and the text of its constant columns.

    `constants` and `per_row` columns are given; every other stored field gets
    its default as create() would give it, so that a field added by another
    module is not left NULL, and a required field without a default is caught
    before any row is read. Stored computed fields are computed after the
    COPY, except related fields through a many2one that the import leaves
    empty, which are empty too. Ids are drawn by the caller when it needs them
    (`with_ids`, then `id` is the first of `per_row`) or when fields are to be
    computed; otherwise PostgreSQL gives them.
    """

    def __init__(self, model, constants, per_row, with_ids=False):
        env = model.env
        values = dict(constants)
        given = set(values) | set(per_row) | {"id"}
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
        self.model = model
        self.with_ids = with_ids or bool(self.recompute)
        per_row = [column for column in per_row if column != "id"]
        self.columns = (["id"] if self.with_ids else []) + per_row + list(values)
        self.suffix = "".join("\t" + _copy_constant(fields_by_name[name], value)
                              for name, value in values.items()) + "\n"
        self._sequence = None

    def sequence(self, cr):
        if self._sequence is None:
            cr.execute(SQL("SELECT pg_get_serial_sequence(%s, 'id')", self.model._table))
            self._sequence = cr.fetchone()[0]
        return self._sequence

    def new_ids(self, cr, count):
        """`count` new ids, as text: COPY reads them so, and PostgreSQL sends them
        as one string rather than as `count` rows."""
        if not count:
            return []
        cr.execute(self.ids_sql(cr, count))
        return cr.fetchone()[0].split(" ")

    def ids_sql(self, cr, count):
        """The query of `new_ids`, to be made part of another."""
        return SQL("SELECT string_agg(nextval(%s)::text, ' ') FROM generate_series(1, %s)",
                   self.sequence(cr), count)

    def copy(self, cr, lines, ids=None):
        """COPY `lines` (an iterable of lines), made as PostgreSQL reads them;
        then compute the fields to compute of the records `ids` (read after the
        COPY: `lines` may fill the list)."""
        cr.copy_expert(SQL("COPY %s (%s) FROM STDIN", SQL.identifier(self.model._table),
                           SQL(", ").join(SQL.identifier(c) for c in self.columns)).code,
                       _LineReader(lines))
        if self.recompute and ids:
            records = self.model.browse([int(new_id) for new_id in ids])
            for field in self.recompute:
                self.model.env.add_to_compute(field, records)
            records.flush_recordset()


class _LineReader:
    """The file psycopg2's COPY reads: a few hundred lines at each read, made as
    they are read. psycopg2 sends what a read gives and reads again, so Python
    makes the next lines while PostgreSQL writes the previous ones."""

    def __init__(self, lines):
        self._lines = iter(lines)

    def read(self, size=-1):
        return "".join(islice(self._lines, COPY_LINES_PER_READ))


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
