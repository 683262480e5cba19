"""Reading a co-op's old register from a CSV file: every problem, by line and column.

Pure: bytes in, records and problems out, no database. Lines are numbered as a
spreadsheet shows its rows (the header is line 1), so a trustee can find each
problem in the spreadsheet the file came from. Line 0 means the whole file.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Callable, Iterator, Mapping
from datetime import date
from functools import partial
from typing import TypeVar

from coop.clock import SystemClock
from coop.clock import today as today_on
from coop.domain.membership import csv_cells as cells
from coop.domain.membership.csv_cells import Bad
from coop.domain.membership.member_details import ContactDetails, ContactMethod
from coop.domain.membership.old_records import OldRecord, Problem

T = TypeVar("T")

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000

REQUIRED = ("membership_number", "name", "address", "member_class", "date_entered")
COLUMNS = (
    "membership_number",
    "name",
    "preferred_name",
    "email",
    "phone",
    "address",
    "postcode",
    "member_class",
    "contact_methods",
    "access_needs",
    "date_entered",
    "amount_paid",
    "loans",
    "deposits",
    "date_ceased",
    "how_ceased",
    "share",
)

SAVE_AS_UTF8 = (
    'Save it as "CSV UTF-8" and choose the new file. In Excel: File > Save As (or Save a Copy),'
    ' then choose "CSV UTF-8 (Comma delimited) (*.csv)". In LibreOffice Calc: File > Save As,'
    ' choose "Text CSV (.csv)", tick "Edit filter settings", then choose "Unicode (UTF-8)".'
)


def read_members_csv(
    data: bytes, *, today: date | None = None
) -> tuple[list[OldRecord], list[Problem]]:
    """The members in a CSV file, and every problem with it (none means all can be imported)."""
    today = today or today_on(SystemClock())
    decoded = _decode(data)
    if isinstance(decoded, Problem):
        return [], [decoded]
    problems: list[Problem] = []
    rows = list(_rows(decoded, problems))
    if not rows:
        return [], [*problems, Problem(0, "", "The file is empty: there is no header row.")]
    header = rows[0][1]
    data_rows = [(line, r) for line, r in rows[1:] if any(c.strip() for c in r)]
    if len(data_rows) > MAX_ROWS:
        return [], [
            Problem(
                0,
                "",
                f"The file has {len(data_rows):,} members in it: coop imports at most"
                f" {MAX_ROWS:,} at once. Split it into smaller files and import each one.",
            )
        ]
    columns = _columns(header, data_rows, problems)
    if columns is None:
        return [], problems
    if not data_rows and not problems:
        problems.append(Problem(0, "", "The file has a header row but no members under it."))
    reader = _Reader(columns, len(header), today)
    records: list[OldRecord] = []
    for line, row in data_rows:
        record = reader.record(line, row, problems)
        if record is not None:
            records.append(record)
    problems.sort(key=lambda p: p.line)  # a broken quote found at the end goes in its place
    return records, problems


def too_big(size: int) -> Problem:
    """The problem with a file of ``size`` bytes, over the limit."""
    return Problem(
        0,
        "",
        f"The file is {size / 1024 / 1024:.1f} MB: coop imports files up to"
        f" {MAX_BYTES // 1024 // 1024} MB. Split it into smaller files and import each one.",
    )


def source(filename: str, data: bytes) -> str:
    """How the governance record names an imported file: its name and fingerprint."""
    return f"{filename} (SHA-256 {hashlib.sha256(data).hexdigest()[:16]})"


def described(problem: Problem) -> str:
    """One problem on one line, as the command line prints it: ``line 12, email: …``."""
    if problem.line == 0:
        return problem.message
    where = f"line {problem.line}" + (f", {problem.column}" if problem.column else "")
    return f"{where}: {problem.message}"


# The file as a whole ------------------------------------------------------------------


def _decode(data: bytes) -> str | Problem:
    if len(data) > MAX_BYTES:
        return too_big(len(data))
    if data.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        return Problem(
            0,
            "",
            f"This is a spreadsheet workbook (like .xlsx or .ods), not a CSV file. {SAVE_AS_UTF8}",
        )
    if data.startswith(b"%PDF"):
        return Problem(
            0,
            "",
            "This is a PDF, not a CSV file. Export the register from the spreadsheet it came from.",
        )
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or _looks_like_utf16(data):
        return Problem(
            0, "", f'The file is saved as UTF-16 ("Unicode text"), not CSV UTF-8. {SAVE_AS_UTF8}'
        )
    if b"\x00" in data or sum(data.count(b, 0, 65536) for b in _CONTROL) > 8:
        return Problem(
            0,
            "",
            "This is not a CSV file: it contains bytes that are not text. Choose the CSV file exported from your spreadsheet.",
        )
    try:
        text = data.removeprefix(b"\xef\xbb\xbf").decode("utf-8")
    except UnicodeDecodeError as e:
        near = data[: e.start].count(b"\n") + 1
        return Problem(
            0,
            "",
            f"The file is not saved as CSV UTF-8 (the first character coop cannot read is near"
            f" line {near}), so names like Zoë or José would come out wrong. {SAVE_AS_UTF8}",
        )
    if not text.strip():
        return Problem(0, "", "The file is empty.")
    return text


# Control bytes that text files do not have (tab, line feed, form feed and carriage return
# they do). A stray one is a problem of its cell; many of them, or any NUL, mean binary.
_CONTROL = [bytes([b]) for b in (*range(0x01, 0x09), 0x0B, *range(0x0E, 0x20), 0x7F)]


def _looks_like_utf16(data: bytes) -> bool:
    """UTF-16 text without its mark: every other byte is zero."""
    sample = data[:4096]
    return len(sample) >= 4 and (
        sample[1::2].count(0) > len(sample) // 4 or sample[0::2].count(0) > len(sample) // 4
    )


def _rows(text: str, problems: list[Problem]) -> Iterator[tuple[int, list[str]]]:
    """Each row and its line as a spreadsheet numbers it; a broken row ends the file."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    line = 0
    while True:
        line += 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as e:
            problems.append(Problem(line, "", _csv_error(str(e))))
            return
        yield line, row


def _csv_error(error: str) -> str:
    stop = " coop could not read the file from here on."
    if "unexpected end of data" in error:
        return (
            'A quote mark (") starts a cell on this line but the cell never ends: close it'
            ' with another " or remove it.' + stop
        )
    if "expected after" in error:
        return (
            'A cell has text after its closing quote mark ("). To put a quote mark inside a'
            ' cell, write it twice, like "She said ""hello""".' + stop
        )
    if "field larger than field limit" in error:
        return (
            'A cell on this line is far too long: there is probably a quote mark (") that is never closed.'
            + stop
        )
    return f"This line is not valid CSV ({error})." + stop


def _heading(cell: str) -> str:
    return "_".join(cell.strip().lower().replace("-", " ").split())


def _columns(
    header: list[str], rows: list[tuple[int, list[str]]], problems: list[Problem]
) -> dict[str, int] | None:
    """Where each known column is; None if the rows cannot be read at all."""
    names = [_heading(h) for h in header]
    if len(names) == 1 and (";" in header[0] or "\t" in header[0]):
        sep = "semicolons (;)" if ";" in header[0] else "tabs"
        problems.append(
            Problem(1, "", f"The columns are separated by {sep}, not commas. {SAVE_AS_UTF8}")
        )
        return None
    if not set(names) & set(COLUMNS):
        problems.append(
            Problem(
                1,
                "",
                "The first line must be the column headings, like membership_number, name,"
                " address, member_class, date_entered (see the sample file in the guide).",
            )
        )
        return None
    found: dict[str, int] = {}
    for i, name in enumerate(names):
        if not name:
            if any(i < len(r) and r[i].strip() for _, r in rows):
                problems.append(Problem(1, f"column {i + 1}", "This column has no heading."))
        elif name in found:
            problems.append(Problem(1, name, f"There are two {name} columns: keep one."))
        elif name not in COLUMNS:
            problems.append(
                Problem(
                    1,
                    header[i].strip(),
                    f"coop does not know this column. Rename it to one of: {', '.join(COLUMNS)};"
                    " or delete it.",
                )
            )
        else:
            found[name] = i
    for name in REQUIRED:
        if name not in found:
            problems.append(
                Problem(1, name, f"The {name} column is missing: every member needs one.")
            )
    return found


# One row ---------------------------------------------------------------------------------


class _Reader:
    """Turns rows into records, remembering numbers and e-mails to catch duplicates."""

    def __init__(self, columns: Mapping[str, int], width: int, today: date) -> None:
        self.columns = columns
        self.complete = all(c in columns for c in REQUIRED)
        self.width = width  # how many columns the header row has
        self.today = today
        self.numbers: dict[int, int] = {}  # membership number -> the line it is first on
        self.emails: dict[str, int] = {}

    def record(self, line: int, row: list[str], problems: list[Problem]) -> OldRecord | None:
        row_problems = _RowProblems(line)
        if any(c.strip() for c in row[self.width :]):
            row_problems.add(
                "",
                f"This line has {len(row)} cells but there are {self.width} columns: a comma"
                " probably belongs inside a quoted cell.",
            )
        cell = partial(self._cell, row, row_problems)
        text = cells.text
        when = partial(cells.a_date, today=self.today)
        number = cell("membership_number", cells.whole_number, "Enter the membership number")
        if number is not None:
            self._once(
                self.numbers,
                number,
                "membership_number",
                f"Membership number {number}",
                row_problems,
            )
        name = cell("name", partial(text, max_length=cells.NAME_MAX), "Enter the member's name")
        preferred = cell("preferred_name", partial(text, max_length=cells.PREFERRED_MAX))
        email = cell("email", cells.email_address)
        if email is not None:
            self._once(self.emails, email, "email", email, row_problems)
        phone = cell("phone", cells.phone_number)
        address = cell(
            "address",
            partial(text, max_length=cells.ADDRESS_MAX, multiline=True),
            "Enter the member's postal address",
        )
        postcode = cell("postcode", cells.postcode)
        member_class = cell(
            "member_class", cells.member_class, "Enter the member's class: user, carer or PA"
        )
        methods = cell("contact_methods", cells.contact_methods)
        access_needs = cell(
            "access_needs", partial(text, max_length=cells.ACCESS_NEEDS_MAX, multiline=True)
        )
        entered = cell("date_entered", when, "Enter the date the member joined, like 05/03/2024")
        paid = cell("amount_paid", cells.share_payment)
        loans = cell("loans", cells.pence)
        deposits = cell("deposits", cells.pence)
        ceased = cell("date_ceased", when)
        how = cell("how_ceased", cells.cessation)
        share = cell("share", cells.settlement)

        # Rules across cells, checked only where the cells themselves are fine.
        ok = row_problems.fine
        if ceased is not None and how is None and ok("how_ceased"):
            row_problems.add(
                "how_ceased",
                "Say how the membership ended (withdrawal, death, expulsion or cessation):"
                " date_ceased is filled in",
            )
        if how is not None and ceased is None and ok("date_ceased"):
            row_problems.add(
                "date_ceased", "Enter the date the membership ended: how_ceased is filled in"
            )
        if ceased is not None and entered is not None and ceased < entered:
            row_problems.add(
                "date_ceased",
                f"The membership can't end ({ceased:%d/%m/%Y}) before it began"
                f" (date_entered {entered:%d/%m/%Y})",
            )
        if (
            share is not None
            and (ceased is None or how is None)
            and ok("date_ceased", "how_ceased")
        ):
            row_problems.add(
                "share",
                "A share is only repaid or cancelled once the membership has ended: fill in"
                " date_ceased and how_ceased, or leave share blank",
            )
        if methods is None and ok("contact_methods"):
            methods = (ContactMethod.EMAIL,) if email else (ContactMethod.LETTER,)
        if methods and ContactMethod.EMAIL in methods and not email and ok("email"):
            row_problems.add("contact_methods", "email is chosen, but the email column is blank")
        if methods and ContactMethod.PHONE in methods and not phone and ok("phone"):
            row_problems.add("contact_methods", "phone is chosen, but the phone column is blank")

        problems.extend(row_problems.found)
        if row_problems.found or not self.complete:
            return None
        assert number and name and address and member_class and entered and methods
        return OldRecord(
            line=line,
            number=number,
            member_class=member_class,
            details=ContactDetails(
                name=name,
                preferred_name=preferred or name.split()[0],
                email=email or "",
                phone=phone or "",
                address=address,
                postcode=postcode or "",
                contact_methods=methods,
                access_needs=access_needs or "",
            ),
            entered_on=entered,
            amount_paid_pence=100 if paid is None else paid,
            loans_pence=loans or 0,
            deposits_pence=deposits or 0,
            ceased_on=ceased,
            how_ceased=how,
            share_settled=share,
        )

    def _cell(
        self,
        row: list[str],
        row_problems: _RowProblems,
        column: str,
        read: Callable[[str], T],
        missing: str | None = None,
    ) -> T | None:
        """The cell's value; None if blank (a problem too, if ``missing``) or bad."""
        at = self.columns.get(column)
        if at is None:
            return None  # a missing column is a problem of the header, said once
        raw = row[at] if at < len(row) else ""
        if not raw.strip():
            if missing:
                row_problems.add(column, missing)
            return None
        try:
            return read(raw)
        except Bad as e:
            row_problems.add(column, str(e))
            return None

    @staticmethod
    def _once(
        seen: dict[T, int], value: T, column: str, what: str, row_problems: _RowProblems
    ) -> None:
        first = seen.setdefault(value, row_problems.line)
        if first != row_problems.line:
            row_problems.add(
                column,
                f"{what} is also on line {first}: each member needs their own {_OWN[column]}",
            )


_OWN = {
    "membership_number": "number",
    "email": "email address (leave it blank for one of them)",
}


class _RowProblems:
    def __init__(self, line: int) -> None:
        self.line = line
        self.found: list[Problem] = []

    def add(self, column: str, message: str) -> None:
        self.found.append(Problem(self.line, column, message))

    def fine(self, *columns: str) -> bool:
        return not any(p.column in columns for p in self.found)
