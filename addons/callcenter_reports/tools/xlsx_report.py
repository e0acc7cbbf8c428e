# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""One formatted Excel report, written as its rows arrive.

Pure Python on top of xlsxwriter, without Odoo: the models give the columns,
stream the rows, and get the bytes of the file back.

xlsxwriter's constant_memory mode writes each row to a temporary file as soon
as the next row starts (strings inline, no shared-string table), so 100,000
rows take the memory of one row; the price is that rows must come in order:
title lines, header, data, then the totals row. Column widths and the
autofilter are only metadata, set when the sheet is closed.

Column kinds and what a cell holds:

- ``text``: the value as a string, always written as text, never as a formula
  (a caller's name or a note starting with "=" stays harmless);
- ``int`` and ``float``: numbers with thousands separators;
- ``duration``: seconds, shown as ``[h]:mm:ss`` (Excel stores a day as 1.0);
- ``percent``: a percentage as Odoo stores it (85.5 for 85.5 %), shown as
  ``0.0%`` (Excel stores 0.855);
- ``datetime`` and ``date``: naive datetimes and dates, already in the time
  zone of the reader.

None and False leave the cell empty.
"""

import io
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime

import xlsxwriter

EXCEL_MAX_ROWS = 1_048_576
MAX_SHEET_NAME = 31
MAX_CELL_TEXT = 32_767
MAX_TEXT_WIDTH = 50
MAX_TITLE_WIDTH = 18
CHART_MIN_WIDTH = 720
CHART_POINT_WIDTH = 22
CHART_HEIGHT = 420
SHEET_NAME_FORBIDDEN = str.maketrans({char: " " for char in "[]:*?/\\"})

NUM_FORMATS = {
    "text": None,
    "int": "#,##0",
    "float": "#,##0.00",
    "duration": "[h]:mm:ss",
    "percent": "0.0%",
    "datetime": "yyyy-mm-dd hh:mm",
    "date": "yyyy-mm-dd",
}
DEFAULT_WIDTHS = {
    "text": 10, "int": 10, "float": 11, "duration": 11, "percent": 9, "datetime": 17, "date": 11,
}
HEADER_STYLE = {
    "bold": True, "text_wrap": True, "valign": "top", "bg_color": "#DDE4EE", "bottom": 1,
}
TOTAL_STYLE = {"bold": True, "top": 1}
SECONDS_PER_DAY = 86_400.0


class TooManyRows(ValueError):
    """More rows than a sheet holds: the caller should narrow its period or filters."""


@dataclass(frozen=True)
class Column:
    """One column: its header, its kind (see the module doc), and optionally a
    number format of its own (a month shown as ``yyyy-mm``) or a fixed width."""

    title: str
    kind: str = "text"
    num_format: str | None = None
    width: float | None = None

    def __post_init__(self):
        if self.kind not in NUM_FORMATS:
            raise ValueError(f"Unknown column kind {self.kind!r}")


@dataclass
class ChartData:
    """A chart of one value per category: counts as columns on the left axis,
    ratios or durations as lines on the right one.

    ``bars`` and ``lines`` are lists of ``(title, values)``, each ``values``
    as long as ``categories``; ``line_kind`` is the column kind of the lines
    (``percent`` or ``duration``).
    """

    title: str
    category_title: str
    categories: list
    bars: list = field(default_factory=list)
    lines: list = field(default_factory=list)
    line_kind: str = "percent"
    bar_axis_title: str = ""
    line_axis_title: str = ""
    empty_text: str = "No data."


def text_width(text):
    """Columns Excel needs for `text`: East Asian wide characters take two."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def sheet_name(name):
    """`name` made acceptable to Excel as a sheet name."""
    return (name.translate(SHEET_NAME_FORBIDDEN).strip("' ") or "Sheet")[:MAX_SHEET_NAME]


class XlsxReport:
    """A workbook with one report sheet and, optionally, a chart sheet.

    Usage::

        report = XlsxReport("Queues", columns, title="Queue Performance",
                            subtitle_lines=["Period: ..."])
        report.write_rows(rows)          # any iterable, as often as needed
        report.write_totals(values, label="Total")
        report.add_chart(chart_data, sheet_title="Chart")
        content = report.close()         # the .xlsx file as bytes
    """

    def __init__(self, name, columns, *, title=None, subtitle_lines=(), tmpdir=None):
        self.columns = list(columns)
        self._output = io.BytesIO()
        self.workbook = xlsxwriter.Workbook(self._output, {
            "constant_memory": True,
            "tmpdir": tmpdir,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        })
        self.sheet = self.workbook.add_worksheet(sheet_name(name))
        self._header_format = self.workbook.add_format(HEADER_STYLE)
        self._title_format = self.workbook.add_format({"bold": True, "font_size": 14})
        self._subtitle_format = self.workbook.add_format({"italic": True, "font_color": "#555555"})
        self._cell_formats = [self._format(column) for column in self.columns]
        self._total_formats = [self._format(column, TOTAL_STYLE) for column in self.columns]
        self._widths = [column.width or DEFAULT_WIDTHS[column.kind] for column in self.columns]
        self._writers = [self._cell_writer(index, column)
                         for index, column in enumerate(self.columns)]
        self.row = 0
        if title:
            self.sheet.write_string(self.row, 0, title, self._title_format)
            self.row += 1
        for line in subtitle_lines:
            self.sheet.write_string(self.row, 0, line, self._subtitle_format)
            self.row += 1
        if self.row:
            self.row += 1  # a blank line before the header
        self.header_row = self.row
        self._write_header()
        self.first_data_row = self.row
        self.rows_written = 0
        self._closed = False

    @property
    def max_data_rows(self):
        """Data rows this sheet can still hold, keeping one for the totals."""
        return EXCEL_MAX_ROWS - self.first_data_row - 1

    # ------------------------------------------------------------
    # WRITING
    # ------------------------------------------------------------

    def write_rows(self, rows):
        """Write `rows` (sequences in column order) below the previous ones."""
        writers = self._writers
        limit = EXCEL_MAX_ROWS - 1
        row_index = self.row
        for values in rows:
            if row_index >= limit:
                raise TooManyRows(
                    f"More than {self.max_data_rows} rows: more than an Excel sheet holds")
            for writer, value in zip(writers, values):
                if value is not None and value is not False:
                    writer(row_index, value)
            row_index += 1
        self.rows_written += row_index - self.row
        self.row = row_index
        return self.rows_written

    def write_totals(self, values, label=None):
        """A bold totals row under the data: `values` in column order (None leaves
        a cell empty), `label` in the first column."""
        values = list(values)
        if label is not None:
            values[0] = label
        for index, (column, value) in enumerate(zip(self.columns, values)):
            if value is None or value is False:
                continue
            fmt = self._total_formats[index]
            if index == 0 and label is not None or column.kind == "text":
                self.sheet.write_string(self.row, index, str(value)[:MAX_CELL_TEXT], fmt)
            else:
                self._write_value(self.row, index, column.kind, value, fmt)
        self.total_row = self.row
        self.row += 1

    def add_chart(self, data, sheet_title="Chart"):
        """A sheet holding the chart's figures (left) and the chart (right)."""
        sheet = self.workbook.add_worksheet(sheet_name(sheet_title))
        name = sheet.get_name()
        header = self.workbook.add_format(HEADER_STYLE)
        bar_format = self.workbook.add_format({"num_format": NUM_FORMATS["int"]})
        line_format = self.workbook.add_format({"num_format": NUM_FORMATS[data.line_kind]})
        titles = [data.category_title] + [t for t, _v in data.bars] + [t for t, _v in data.lines]
        sheet.set_row(0, 30)
        for col, title in enumerate(titles):
            sheet.write_string(0, col, title, header)
        sheet.set_column(0, 0, max(12, max((text_width(str(c)) for c in data.categories),
                                           default=0) + 2))
        sheet.set_column(1, len(titles) - 1, 12)
        sheet.freeze_panes(1, 0)
        count = len(data.categories)
        if not count:
            sheet.write_string(1, 0, data.empty_text)
            return sheet
        series = [(t, v, bar_format, "int") for t, v in data.bars] + [
            (t, v, line_format, data.line_kind) for t, v in data.lines]
        for row, category in enumerate(data.categories, start=1):
            sheet.write_string(row, 0, str(category))
            for col, (_title, values, fmt, kind) in enumerate(series, start=1):
                value = values[row - 1]
                if value is not None and value is not False:
                    self._write_value(row, col, kind, value, fmt, sheet=sheet)
        categories = [name, 1, 0, count, 0]
        chart = self.workbook.add_chart({"type": "column"})
        for col, (title, _values) in enumerate(data.bars, start=1):
            chart.add_series({
                "name": [name, 0, col], "categories": categories,
                "values": [name, 1, col, count, col], "gap": 60,
            })
        if data.lines:
            line = self.workbook.add_chart({"type": "line"})
            for col, (title, _values) in enumerate(data.lines, start=1 + len(data.bars)):
                line.add_series({
                    "name": [name, 0, col], "categories": categories,
                    "values": [name, 1, col, count, col], "y2_axis": True,
                    "marker": {"type": "circle", "size": 5},
                })
            line.set_y2_axis({
                "name": data.line_axis_title, "num_format": NUM_FORMATS[data.line_kind],
                "min": 0, "major_gridlines": {"visible": False},
            })
            chart.combine(line)
        chart.set_title({"name": data.title})
        chart.set_x_axis({"name": data.category_title, "num_font": {"rotation": -45}})
        chart.set_y_axis({"name": data.bar_axis_title, "num_format": NUM_FORMATS["int"], "min": 0})
        chart.set_legend({"position": "bottom"})
        chart.set_size({"width": max(CHART_MIN_WIDTH, CHART_POINT_WIDTH * count),
                        "height": CHART_HEIGHT})
        sheet.insert_chart(1, len(titles) + 1, chart)
        return sheet

    def close(self):
        """Finish the file (frozen header, autofilter, widths) and return its bytes."""
        if self._closed:
            return self._output.getvalue()
        last_col = len(self.columns) - 1
        self.sheet.freeze_panes(self.header_row + 1, 0)
        last_data_row = self.first_data_row + self.rows_written - 1
        self.sheet.autofilter(self.header_row, 0, max(last_data_row, self.header_row), last_col)
        for index, width in enumerate(self._widths):
            self.sheet.set_column(index, index, width + 2)
        self.workbook.close()
        self._closed = True
        return self._output.getvalue()

    # ------------------------------------------------------------
    # TOOLS
    # ------------------------------------------------------------

    def _format(self, column, style=None):
        properties = dict(style or {})
        num_format = column.num_format or NUM_FORMATS[column.kind]
        if num_format:
            properties["num_format"] = num_format
        return self.workbook.add_format(properties) if properties else None

    def _write_header(self):
        """Header titles wrap rather than widen a narrow column; the row is made
        two lines high when one of them has to."""
        wraps = False
        for index, column in enumerate(self.columns):
            title_width = text_width(column.title)
            if column.width is None:
                self._widths[index] = max(self._widths[index], min(title_width, MAX_TITLE_WIDTH))
            wraps = wraps or title_width > self._widths[index]
        if wraps:
            self.sheet.set_row(self.row, 32)
        for index, column in enumerate(self.columns):
            self.sheet.write_string(self.row, index, column.title, self._header_format)
        self.row += 1

    def _cell_writer(self, index, column):
        """A function writing one value of the column, chosen once per column
        rather than per cell: the 100,000-row exports call it millions of times."""
        sheet, fmt = self.sheet, self._cell_formats[index]
        kind = column.kind
        if kind == "text":
            widths = self._widths
            fixed = column.width is not None

            def write_text(row, value):
                text = value if isinstance(value, str) else str(value)
                if len(text) > MAX_CELL_TEXT:
                    text = text[:MAX_CELL_TEXT]
                # A text is at most twice as wide as long: most cells skip the measure,
                # and the others take the quick one (exact for Latin and CJK scripts).
                if not fixed and 2 * len(text) > widths[index] < MAX_TEXT_WIDTH:
                    width = (len(text) + len(text.encode())) // 2
                    if width > widths[index]:
                        widths[index] = min(width, MAX_TEXT_WIDTH)
                sheet.write_string(row, index, text, fmt)
            return write_text
        if kind == "duration":
            return lambda row, value: sheet.write_number(row, index, value / SECONDS_PER_DAY, fmt)
        if kind == "percent":
            return lambda row, value: sheet.write_number(row, index, value / 100.0, fmt)
        if kind in ("datetime", "date"):
            return lambda row, value: sheet.write_datetime(row, index, value, fmt)
        return lambda row, value: sheet.write_number(row, index, value, fmt)

    def _write_value(self, row, col, kind, value, fmt, sheet=None):
        sheet = sheet or self.sheet
        if kind == "text":
            sheet.write_string(row, col, str(value)[:MAX_CELL_TEXT], fmt)
        elif kind == "duration":
            sheet.write_number(row, col, value / SECONDS_PER_DAY, fmt)
        elif kind == "percent":
            sheet.write_number(row, col, value / 100.0, fmt)
        elif isinstance(value, (datetime, date)):
            sheet.write_datetime(row, col, value, fmt)
        else:
            sheet.write_number(row, col, value, fmt)
