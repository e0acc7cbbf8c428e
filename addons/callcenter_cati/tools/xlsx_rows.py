# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The rows of an XLSX sheet, read in a process of their own.

    python xlsx_rows.py FILE

openpyxl's streaming reader needs about a tenth of a millisecond of Python
per row of ten cells: a million-row sheet is more Python than the rest of
the import together. `SampleReader.rows(worker=True)` runs this script so
that the sheet is parsed on another core while the import types the rows and
PostgreSQL writes them.

It writes pickled messages to stdout: ("rows", [tuple of cell values, ...])
in the sheet's order, blank rows included, then ("end", None), or
("error", reason) when the sheet cannot be read further. It imports openpyxl
only, nothing of Odoo.
"""

import pickle
import sys

import openpyxl

ROWS_PER_MESSAGE = 1000


def main(path, out):
    # Opened here: given a path, openpyxl wants an .xlsx name, which a filestore file has not.
    try:
        with open(path, "rb") as stream:
            workbook = openpyxl.load_workbook(stream, read_only=True, data_only=True)
            try:
                batch = []
                for values in workbook.worksheets[0].iter_rows(values_only=True):
                    batch.append(values)
                    if len(batch) >= ROWS_PER_MESSAGE:
                        pickle.dump(("rows", batch), out, pickle.HIGHEST_PROTOCOL)
                        batch = []
                pickle.dump(("rows", batch), out, pickle.HIGHEST_PROTOCOL)
            finally:
                workbook.close()
    except Exception as error:  # noqa: BLE001 - openpyxl raises zip, XML and key errors alike
        pickle.dump(("error", str(error) or type(error).__name__), out)
    else:
        pickle.dump(("end", None), out)
    out.flush()


if __name__ == "__main__":
    main(sys.argv[1], sys.stdout.buffer)
