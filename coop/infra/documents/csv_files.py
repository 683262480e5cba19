"""CSV files that open correctly in Excel and cannot carry a formula into it."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal

# A spreadsheet treats a cell starting with one of these as a formula (OWASP "CSV Injection").
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    """The header and rows as CSV: UTF-8 with a byte-order mark, CRLF line endings."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([cell(name) for name in header])
    writer.writerows([cell(value) for value in row] for row in rows)
    # The byte-order mark is how Excel knows the file is UTF-8 (Łukasz, not Å\x81ukasz).
    return out.getvalue().encode("utf-8-sig")


def cell(value: object) -> str:
    """One value as CSV cell text; text that a spreadsheet would run gets a leading apostrophe."""
    if value is None:
        return ""
    if isinstance(value, date):  # datetimes too
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")  # "1.00", never "1E+2"
    if isinstance(value, bool | int | float):
        return str(value)  # numbers we made, so "-1" stays a number
    text = str(value)
    # Some spreadsheets skip leading spaces and line breaks before reading a formula.
    if text.lstrip(" \n").startswith(_FORMULA_STARTS):
        return "'" + text
    return text
