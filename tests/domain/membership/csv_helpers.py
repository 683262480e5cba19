"""Old registers as a co-op's spreadsheet would export them."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping

HEADER = (
    "membership_number",
    "name",
    "email",
    "phone",
    "address",
    "postcode",
    "member_class",
    "contact_methods",
    "date_entered",
    "amount_paid",
    "date_ceased",
    "how_ceased",
    "share",
)

ROWS: list[dict[str, str]] = [
    {
        "membership_number": "1",
        "name": "Grace Okafor",
        "email": "grace.okafor@example.org",
        "address": "14 Roundhay Road\nLeeds",
        "postcode": "LS8 2AB",
        "member_class": "User",
        "date_entered": "05/03/2019",
    },
    {
        "membership_number": "2",
        "name": "Priya Raman",
        "email": "priya.raman@example.org",
        "phone": "0113 496 0123",
        "address": "3 Chapeltown Road\nLeeds",
        "postcode": "ls7 3aa",
        "member_class": "Carer",
        "contact_methods": "email; large print",
        "date_entered": "2019-03-05",
        "amount_paid": "£1",
    },
    {
        "membership_number": "3",
        "name": "Łukasz Wójcik",
        "address": "22 Harehills Lane\nLeeds",
        "postcode": "LS9 6HA",
        "member_class": "Personal Assistant",
        "date_entered": "12/06/2020",
        "amount_paid": "0.50",
    },
    {
        "membership_number": "5",
        "name": "Siobhán Kelly",
        "email": "siobhan.kelly@example.org",
        "address": "9 Gledhow Valley Road\nLeeds",
        "postcode": "LS17 6AA",
        "member_class": "user",
        "date_entered": "01/09/2020",
        "date_ceased": "30/04/2024",
        "how_ceased": "withdrawal",
        "share": "repaid",
    },
]


def csv_bytes(
    rows: Iterable[Mapping[str, str]] = ROWS, header: Iterable[str] = HEADER, bom: bool = False
) -> bytes:
    """A CSV file (UTF-8, CRLF line ends, as Excel writes it) of ``rows``."""
    header = list(header)
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(h.strip().lower().replace(" ", "_"), "") for h in header])
    return ("\ufeff" if bom else "").encode() + out.getvalue().encode()


def with_row(**cells: str) -> list[dict[str, str]]:
    """The sample rows and one more."""
    return [*ROWS, cells]
