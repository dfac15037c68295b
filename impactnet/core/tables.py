"""A table of plain values, and writing it as CSV or XLSX bytes (the dashboards' downloads, the
staff search's export, the open data)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from flask import Response, send_file
from flask_babel import get_locale

# A cell that starts with one of these is read as a formula by Excel, LibreOffice and Google
# Sheets when the CSV is opened ("CSV injection"); tab and carriage return are on OWASP's list too.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
MAX_WIDTH = 50

# Werkzeug adds "; charset=utf-8" to a text type itself (what to_csv writes); naming it here too
# sent "text/csv; charset=utf-8; charset=utf-8".
CSV_MIMETYPE = "text/csv"
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Table:
    """A header and rows of plain values (str, int or None), ready for any file format."""

    sheet: str
    columns: tuple[str, ...]
    rows: list[tuple]


def neutralised(value):
    """``value``, with a text that a spreadsheet would run as a formula prefixed by a quote.
    Numbers stay numbers: -3 is a count, not a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def to_csv(table: Table) -> bytes:
    """RFC 4180 CSV with ',' between cells, in UTF-8 with a byte-order mark so that Excel reads
    accents (Súdwest-Fryslân) right; None is an empty cell."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=",", lineterminator="\r\n")
    writer.writerow(table.columns)
    writer.writerows(tuple("" if cell is None else neutralised(cell) for cell in row) for row in table.rows)
    return out.getvalue().encode("utf-8-sig")


@dataclass(frozen=True)
class CsvDialect:
    """How a spreadsheet in a language reads CSV: Dutch Excel splits on ';' (its list separator,
    the ',' being the decimal sign), English Excel on ','."""

    delimiter: str
    decimal: str


DIALECTS = {"nl": CsvDialect(";", ","), "en": CsvDialect(",", ".")}


def _number(value, dialect: CsvDialect):
    """A float with the language's decimal sign (4,5 for Dutch Excel); other cells as they are."""
    if isinstance(value, float):
        return repr(value).replace(".", dialect.decimal) if dialect.decimal != "." else repr(value)
    return value


def to_spreadsheet_csv(table: Table, language: str) -> bytes:
    """CSV as a spreadsheet in ``language`` opens it with a double click: for Dutch ';' between
    cells and a decimal comma, for English ',' and a decimal point; UTF-8 with a byte-order mark.
    No "sep=" line: Excel ignores the byte-order mark of a file that starts with one, and reads
    the accents wrong; Dutch Excel splits on ';' without it."""
    dialect = DIALECTS.get(language, DIALECTS["nl"])
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=dialect.delimiter, lineterminator="\r\n")
    writer.writerow(table.columns)
    writer.writerows(
        tuple("" if cell is None else neutralised(_number(cell, dialect)) for cell in row) for row in table.rows
    )
    return out.getvalue().encode("utf-8-sig")


def to_xlsx(table: Table) -> bytes:
    """One sheet: a bold, frozen header row, numbers as numbers, columns as wide as their text.
    Text goes in with ``write_string``, which stores it as text, never as a formula, so no quote
    prefix is needed there."""
    import xlsxwriter  # here: only an XLSX download needs it, not every web worker

    out = io.BytesIO()
    workbook = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = workbook.add_worksheet(table.sheet)
    bold = workbook.add_format({"bold": True})
    widths = [len(column) for column in table.columns]
    for col, column in enumerate(table.columns):
        sheet.write_string(0, col, column, bold)
    for row_number, row in enumerate(table.rows, start=1):
        for col, cell in enumerate(row):
            if cell is None:
                continue
            if isinstance(cell, bool) or not isinstance(cell, int | float):
                sheet.write_string(row_number, col, str(cell))
            else:
                sheet.write_number(row_number, col, cell)
            widths[col] = max(widths[col], len(str(cell)))
    for col, width in enumerate(widths):
        sheet.set_column(col, col, min(width, MAX_WIDTH) + 2)
    sheet.freeze_panes(1, 0)
    workbook.close()
    return out.getvalue()


def download(table: Table, fmt: str, filename: str, cache_control: str) -> Response:
    """``table`` as an attachment: ``fmt`` "csv" as the page's language's Excel opens it (``;`` and
    decimal commas in Dutch), else XLSX."""
    if fmt == "csv":
        body, mimetype = to_spreadsheet_csv(table, str(get_locale())), CSV_MIMETYPE
    else:
        body, mimetype = to_xlsx(table), XLSX_MIMETYPE
    response = send_file(io.BytesIO(body), mimetype=mimetype, as_attachment=True, download_name=filename)
    response.headers["Cache-Control"] = cache_control
    return response
