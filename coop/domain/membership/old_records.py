"""Members taken from a co-op's old records (a spreadsheet), one row each."""

from __future__ import annotations

from datetime import date

import msgspec

from coop.domain.membership.member_details import (
    Cessation,
    ContactDetails,
    MemberClass,
    ShareSettlement,
)


class OldRecord(msgspec.Struct, frozen=True, kw_only=True):
    """One member as the old register shows them; ``line`` is where, in the file."""

    line: int
    number: int
    member_class: MemberClass
    details: ContactDetails
    entered_on: date
    amount_paid_pence: int = 100
    loans_pence: int = 0
    deposits_pence: int = 0
    ceased_on: date | None = None
    how_ceased: Cessation | None = None
    share_settled: ShareSettlement | None = None


class Problem(msgspec.Struct, frozen=True):
    """What is wrong with one cell (or one row) of an import, in plain words."""

    line: int
    column: str
    message: str


class ImportReport(msgspec.Struct, frozen=True, kw_only=True):
    """What an import did (or, for a dry run, would do)."""

    imported: int
    already_there: int
    problems: list[Problem]
    position: int | None = None  # the last event's position, when something was saved
