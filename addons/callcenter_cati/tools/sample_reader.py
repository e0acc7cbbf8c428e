# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Sample files (CSV or XLSX) read one row at a time, whatever produced them.

Samples come from survey vendors, CRM exports and hand-made spreadsheets: CSV
in UTF-8 with or without a byte-order mark, in GB18030/GBK from Chinese Excel,
with commas, semicolons or tabs; or XLSX sheets of up to a million rows. A
file is never held in memory as rows: CSV is decoded while it is read and
XLSX is parsed by openpyxl's streaming reader, so memory does not grow with
the number of rows. A large sheet may be parsed in a process of its own
(`xlsx_rows.py`), openpyxl being slow enough to keep a core busy.

Nothing here knows Odoo; the import wizard maps the columns and types the
cells.
"""

import codecs
import csv
import io
import logging
import os
import pickle
import re
import subprocess
import sys
import tempfile
from datetime import date, datetime, time

import chardet
import openpyxl

_logger = logging.getLogger(__name__)

SNIFF_BYTES = 1 << 20
SNIFF_LINES = 20
DELIMITERS = (",", ";", "\t", "|")
UNDECODABLE = "\ufffd"
LATIN_GUESSES = ("ascii", "iso-8859-1", "latin-1", "windows-1252")
# Below this size an XLSX sheet parses in well under a second: no worker process.
WORKER_MIN_BYTES = 1 << 20
XLSX_WORKER = os.path.join(os.path.dirname(__file__), "xlsx_rows.py")
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"
BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# CSV cells may hold a whole free-text answer; the csv module's default limit
# (128 KiB) is kept as a guard against a wrong quote character eating the file.
csv.field_size_limit(max(csv.field_size_limit(), 1 << 20))

ROLE_SYNONYMS = {
    "reference": {"reference", "ref", "id", "caseid", "sampleid", "respondentid", "customerid",
                  "编号", "样本编号", "样本id", "客户编号", "案例编号", "问卷编号"},
    "name": {"name", "respondent", "fullname", "contact", "contactname", "customer",
             "customername", "姓名", "名字", "客户", "客户姓名", "客户名称", "联系人", "受访者"},
    "priority": {"priority", "prio", "优先级", "优先"},
    "agent": {"interviewer", "agent", "login", "extension", "ext", "访员", "访问员", "调查员",
              "坐席", "座席", "分机", "分机号", "工号"},
    "tz": {"tz", "timezone", "zone", "时区"},
}
PHONE_HEADER = re.compile(r"phone|tel|mobile|cell|msisdn|number|电话|手机|号码|联系方式|座机")
NOT_PHONE_HEADER = re.compile(r"身份证|证件|护照|邮编|订单|idcard|idnumber|passport|zip|postal|order")
HEADER_NOISE = re.compile(r"[\s_\-.:：()（）]+")


class SampleFileError(ValueError):
    """The file cannot be read as a sample, or not beyond `row`.

    `reason` is a code (`empty`, `xls`, `xlsx`, `csv`) that the caller turns
    into a translated message; `detail` is the underlying library's text.
    """

    def __init__(self, reason, row=None, detail=""):
        super().__init__(reason, row, detail)
        self.reason = reason
        self.row = row
        self.detail = detail


# ------------------------------------------------------------
# DETECTION
# ------------------------------------------------------------

def file_kind(head, filename=""):
    """`xlsx` or `csv`, from the file's first bytes first, since names lie."""
    if head.startswith(ZIP_MAGIC):
        return "xlsx"
    if head.startswith(OLE_MAGIC) or (filename or "").lower().endswith(".xls"):
        raise SampleFileError("xls")
    return "csv"


def _decodes(head, encoding, complete):
    try:
        codecs.getincrementaldecoder(encoding)().decode(head, final=complete)
    except (UnicodeDecodeError, LookupError):
        return False
    return True


def detect_encoding(head, complete=False):
    """The encoding of a CSV file from its first bytes.

    A byte-order mark decides. Otherwise UTF-8 is tried first because invalid
    UTF-8 is easy to tell from valid; GB18030 (a superset of GBK and GB2312)
    next, because that is what Chinese Excel writes; then chardet's guess, and
    Windows-1252 as the last resort since it decodes nearly everything. The
    preview shows the result so that a wrong guess is seen and overridden.
    `complete` says that `head` is the whole file (no character cut at its end).
    """
    for bom, encoding in BOMS:
        if head.startswith(bom):
            return encoding
    for encoding in ("utf-8", "gb18030"):
        if _decodes(head, encoding, complete):
            return encoding
    guess = (chardet.detect(head[:SNIFF_BYTES // 4]).get("encoding") or "").lower()
    if guess in LATIN_GUESSES:
        guess = "cp1252"  # what Windows writes; chardet names it by its ISO subset
    if guess and _decodes(head, guess, complete):
        return guess
    return "cp1252" if _decodes(head, "cp1252", complete) else "latin-1"


def sniff_delimiter(text):
    """The delimiter that splits the first lines into the same number (> 1) of cells.

    csv.Sniffer guesses from character frequencies and is easily fooled by
    commas inside names or decimal numbers; a consistent cell count across
    lines is a stronger sign. Ties go to the first of DELIMITERS.
    """
    lines = text.splitlines()[:SNIFF_LINES]
    if len(lines) > 1 and len(text) >= SNIFF_BYTES // 2:
        lines = lines[:-1]  # the last line may be cut
    best, best_score = ",", (False, 0)
    for delimiter in DELIMITERS:
        counts = [len(row) for row in csv.reader(lines, delimiter=delimiter) if row]
        if not counts or counts[0] < 2:
            continue
        score = (len(set(counts)) == 1, counts[0])
        if score > best_score:
            best, best_score = delimiter, score
    return best


# ------------------------------------------------------------
# READING
# ------------------------------------------------------------

class SampleReader:
    """A sample file's header and its data rows, read lazily.

    `rows()` yields `(row_number, cells)` where row_number is the row as a
    spreadsheet shows it (the header is row 1) and cells are strings for CSV,
    native values (str, int, float, datetime, bool) for XLSX. Blank rows are
    passed over silently but keep their number, so that the numbers in error
    messages match the file.
    """

    def __init__(self, stream, filename="", encoding=None, delimiter=None):
        self.stream = stream
        self._workbook = None
        try:
            self._open(filename, encoding, delimiter)
        except BaseException:
            self.close()
            raise

    def _open(self, filename, encoding, delimiter):
        stream = self.stream
        stream.seek(0)
        head = stream.read(SNIFF_BYTES)
        complete = len(head) < SNIFF_BYTES
        if not head.strip():
            raise SampleFileError("empty")
        self.kind = file_kind(head, filename)
        self.encoding = self.delimiter = None
        if self.kind == "csv":
            self.encoding = encoding or detect_encoding(head, complete)
            text = head.decode(self.encoding, errors="replace")
            self.delimiter = delimiter or sniff_delimiter(text)
        else:
            try:
                self._workbook = openpyxl.load_workbook(stream, read_only=True, data_only=True)
            except Exception as error:  # openpyxl raises zip, XML and key errors alike
                raise SampleFileError("xlsx") from error
            if not self._workbook.worksheets:
                raise SampleFileError("empty")
        self.header = self._read_header()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    def close(self):
        """Close the workbook and the stream: the reader owns the stream it was given."""
        if self._workbook is not None:
            self._workbook.close()
            self._workbook = None
        self.stream.close()

    def _raw_rows(self, worker=False):
        """Every row of the file including the header, blank ones as they are."""
        if self.kind == "xlsx":
            path = getattr(self.stream, "name", None)
            if worker and isinstance(path, str) and os.path.getsize(path) >= WORKER_MIN_BYTES:
                yield from self._worker_rows(path)
                return
            sheet = self._workbook.worksheets[0]
            yield from sheet.iter_rows(values_only=True)
            return
        self.stream.seek(0)
        text = io.TextIOWrapper(self.stream, encoding=self.encoding, errors="replace",
                                newline="")
        try:
            yield from csv.reader(text, delimiter=self.delimiter)
        finally:
            # Closing the wrapper would close the stream, which the next rows() reads again;
            # a preview's unfinished generator may end after close() closed the stream.
            if not self.stream.closed:
                text.detach()

    def _worker_rows(self, path):
        """The sheet's rows as `xlsx_rows.py` reads them in a process of its own; in
        this process when that process cannot be started. A sheet that cannot be
        read further raises SampleFileError("xlsx") from the row it stopped at."""
        stderr = tempfile.TemporaryFile()  # not a pipe, which a chatty worker could fill
        try:
            worker = subprocess.Popen([sys.executable, XLSX_WORKER, path],
                                      stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                      stderr=stderr)
        except OSError as error:
            stderr.close()
            _logger.warning("XLSX rows read in this process: no worker process (%s)", error)
            yield from self._workbook.worksheets[0].iter_rows(values_only=True)
            return
        read = 0
        try:
            while True:
                try:
                    kind, payload = pickle.load(worker.stdout)
                except EOFError:
                    worker.wait()
                    stderr.seek(0)
                    kind, payload = "error", stderr.read().decode(errors="replace")
                if kind == "rows":
                    read += len(payload)
                    yield from payload
                elif kind == "end":
                    return
                else:
                    raise SampleFileError("xlsx", read + 1, payload.strip()[-500:])
        finally:
            if worker.poll() is None:
                worker.kill()
            worker.wait()
            worker.stdout.close()
            stderr.close()

    def _read_header(self):
        for cells in self._raw_rows():
            if any(cell_text(cell) for cell in cells):
                header = [cell_text(cell) for cell in cells]
                while header and not header[-1]:
                    header.pop()
                return header
        raise SampleFileError("empty")

    def rows(self, worker=False):
        """`worker`: parse a large XLSX sheet in a process of its own (`xlsx_rows.py`)."""
        header_seen = False
        number = 0
        raw_rows = self._raw_rows(worker)
        while True:
            try:
                cells = next(raw_rows)
            except StopIteration:
                return
            except csv.Error as error:
                raise SampleFileError("csv", number + 1, str(error)) from error
            number += 1
            if _is_blank(cells):
                continue
            if not header_seen:
                header_seen = True
                continue
            yield number, cells


def _is_blank(cells):
    try:
        return not "".join(cells).strip()  # CSV: all strings, the fast way
    except TypeError:
        return all(cell is None or (isinstance(cell, str) and not cell.strip())
                   for cell in cells)


# ------------------------------------------------------------
# CELLS AND HEADERS
# ------------------------------------------------------------

def cell_text(value):
    """A cell as text: what a number, a date or a phone stored as a number reads as."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(" ")
    if isinstance(value, (date, time)):
        return value.isoformat()
    return str(value)


def _header_key(header):
    return HEADER_NOISE.sub("", (header or "").casefold())


def guess_role(header, fields=None):
    """(role, field key) for a column header: a sample field by its key or label
    (`fields` maps keys to labels), then the usual names, English and Chinese,
    of the case's columns, then phone-like names; ("skip", None) if nothing fits."""
    key = _header_key(header)
    if not key:
        return "skip", None
    for field_key, label in (fields or {}).items():
        if key in (_header_key(field_key), _header_key(label)):
            return "field", field_key
    for role, names in ROLE_SYNONYMS.items():
        if key in names:
            return role, None
    if PHONE_HEADER.search(key) and not NOT_PHONE_HEADER.search(key):
        return "phone", None
    return "skip", None
