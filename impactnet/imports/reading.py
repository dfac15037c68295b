"""Reading an import file (CSV or XLSX) into rows of text, refusing what is not a plain spreadsheet.

Every refusal is an :class:`ImportFileError` with a Dutch message; nothing here touches the database.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime

from flask_babel import format_number
from flask_babel import lazy_gettext as _l

from impactnet.core.locale import Message

# The columns of St MBO's list, as the README documents them; other spellings people use map onto them.
COLUMNS = (
    "kvk_nummer",
    "naam",
    "gemeente",
    "adres",
    "postcode",
    "plaats",
    "sector",
    "grootte",
    "contactpersoon",
    "email",
    "overeenkomst_getekend",
    "inventarisatie",
    "inspiratiesessie",
    "impactplan",
    "label_toegekend",
    "label_geldig_tot",
)
REQUIRED = (
    "kvk_nummer",
    "naam",
    "gemeente",
    "adres",
    "postcode",
    "plaats",
    "sector",
    "grootte",
    "overeenkomst_getekend",
)
ALIASES = {
    "kvk": "kvk_nummer",
    "kvknummer": "kvk_nummer",
    "kvk_number": "kvk_nummer",
    "e_mail": "email",
    "e_mailadres": "email",
    "emailadres": "email",
    "partnerovereenkomst": "overeenkomst_getekend",
    "label_geldig_t_m": "label_geldig_tot",
    "omvang": "grootte",
    "straat": "adres",
    "woonplaats": "plaats",
}
XLSX_MAGIC = b"PK\x03\x04"


class ImportFileError(ValueError):
    """The file cannot be read as an import (the message says why, in Dutch)."""

    def __init__(self, message: Message):
        super().__init__(str(message))
        self.message = message


@dataclass
class Sheet:
    """The rows of a file as {column: text or date}, numbered as the spreadsheet shows them."""

    rows: list[tuple[int, dict]]
    notices: list = field(default_factory=list)


def _header_key(text) -> str:
    key = str(text or "").strip().lower().replace("-", "_").replace(" ", "_").replace(".", "_").replace("/", "_")
    while "__" in key:
        key = key.replace("__", "_")
    key = key.strip("_")
    return ALIASES.get(key, key)


def _columns(header: list) -> list[str]:
    keys = [_header_key(cell) for cell in header]
    missing = [name for name in REQUIRED if name not in keys]
    if missing:
        raise ImportFileError(
            _l(
                "De kopregel mist de kolom(men): %(names)s. Gebruik de kolommen uit het voorbeeldbestand.",
                names=", ".join(missing),
            )
        )
    doubled = sorted({key for key in keys if key and keys.count(key) > 1})
    if doubled:
        raise ImportFileError(_l("De kolom(men) %(names)s staan twee keer in de kopregel.", names=", ".join(doubled)))
    return keys


def _decode(data: bytes) -> tuple[str, list]:
    """UTF-8 (with or without BOM), else Windows-1252 with a notice; else refused."""
    if b"\x00" in data:
        raise ImportFileError(
            _l("Dit is geen CSV- of Excel-bestand (xlsx). Sla de lijst op als CSV of xlsx en probeer het opnieuw.")
        )
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        raise ImportFileError(
            _l(
                "De tekens in dit bestand zijn niet te lezen (geen UTF-8 en geen Windows-1252). "
                "Sla het op als ‘CSV UTF-8’ en probeer het opnieuw."
            )
        ) from None
    return text, [
        _l(
            "Het bestand is niet in UTF-8 opgeslagen; het is gelezen als Windows-1252. Controleer in de "
            "voorbeeldweergave of letters met accenten (é, ë) goed staan."
        )
    ]


def _read_csv(data: bytes, max_rows: int) -> Sheet:
    text, notices = _decode(data)
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=";,")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ";" if sample.count(";") >= sample.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader, None)
        if header is None:
            raise ImportFileError(_l("Het bestand is leeg."))
        keys = _columns(header)
        rows = []
        for values in reader:
            if not any(value.strip() for value in values):
                continue
            if len(rows) >= max_rows:
                raise _too_many(max_rows)
            rows.append(
                (reader.line_num, {key: value.strip() for key, value in zip(keys, values, strict=False) if key})
            )
    except csv.Error:
        raise ImportFileError(
            _l("Dit CSV-bestand is niet goed opgebouwd (bijvoorbeeld een aanhalingsteken dat niet wordt gesloten).")
        ) from None
    return Sheet(rows, notices)


def _too_many(max_rows: int) -> ImportFileError:
    return ImportFileError(
        _l(
            "Het bestand heeft meer dan %(count)s rijen. Splits het in kleinere bestanden.",
            count=format_number(max_rows),
        )
    )


def _cell(cell):
    """A cell as text or date; a formula stays the formula's text (it is refused per row, never run)."""
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _read_xlsx(data: bytes, max_rows: int) -> Sheet:
    from openpyxl import load_workbook

    try:
        # data_only=False: a formula cell reads as its formula ("=..."), which the checks refuse.
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError, IndexError):
        raise ImportFileError(_l("Dit Excel-bestand is beschadigd of geen xlsx-bestand.")) from None
    try:
        sheet = book.worksheets[0] if book.worksheets else None
        if sheet is None:
            raise ImportFileError(_l("Het bestand is leeg."))
        lines = sheet.iter_rows()
        header = next(lines, None)
        if header is None:
            raise ImportFileError(_l("Het bestand is leeg."))
        keys = _columns([_cell(cell) for cell in header])
        rows = []
        for number, line in enumerate(lines, start=2):
            values = [_cell(cell) for cell in line]
            if not any(str(value).strip() for value in values):
                continue
            if len(rows) >= max_rows:
                raise _too_many(max_rows)
            rows.append((number, {key: value for key, value in zip(keys, values, strict=False) if key}))
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError, IndexError) as error:
        if isinstance(error, ImportFileError):
            raise
        raise ImportFileError(_l("Dit Excel-bestand is beschadigd of geen xlsx-bestand.")) from None
    finally:
        book.close()
    return Sheet(rows)


def read_sheet(data: bytes, filename: str, *, max_bytes: int, max_rows: int) -> Sheet:
    """The rows of an uploaded file: an xlsx workbook (its first sheet) or a CSV file."""
    if len(data) > max_bytes:
        raise ImportFileError(
            _l(
                "Het bestand is groter dan %(size)s MB. Splits het in kleinere bestanden.",
                size=max_bytes // (1024 * 1024),
            )
        )
    if not data.strip():
        raise ImportFileError(_l("Het bestand is leeg."))
    if data.startswith(XLSX_MAGIC):
        return _read_xlsx(data, max_rows)
    if filename.lower().endswith((".xlsx", ".xls", ".xlsm", ".ods")):
        raise ImportFileError(_l("Dit is geen xlsx-bestand. Sla de lijst op als Excel-werkmap (xlsx) of als CSV."))
    return _read_csv(data, max_rows)
