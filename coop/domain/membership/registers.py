"""The legal registers as at any date, folded straight from the events.

This is the definition the projections must agree with (a property test
compares them): an event counts from the date it took effect, and an erased
person's entry keeps only what the law requires (number, class, shares, dates).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

import msgspec

from coop.domain.membership.member_details import ContactDetails
from coop.domain.membership.members import Member
from coop.infra.sealing import is_erased

ERASED_NAME = "Erased"


class RegisterLine(msgspec.Struct, frozen=True, kw_only=True):
    """A line of the register of members (Co-operative and Community Benefit Societies Act 2014 s.30)."""

    membership_number: int
    name: str
    address: str
    postcode: str
    email: str
    member_class: str
    shares: int
    amount_paid: Decimal
    loans: Decimal
    deposits: Decimal
    date_entered: date
    date_ceased: date | None
    how_ceased: str | None
    erased: bool


class TrusteeLine(msgspec.Struct, frozen=True, kw_only=True):
    """A line of the register of trustees: one term in one office."""

    membership_number: int
    name: str
    address: str
    postcode: str
    office: str
    appointed_on: date
    appointed_reference: str
    left_on: date | None
    left_reference: str | None


def _pounds(pence: int) -> Decimal:
    return Decimal(pence) / 100


class _Entry:
    """One member's register entry while folding."""

    def __init__(self) -> None:
        self.contact: ContactDetails | None = None
        self.fields: dict[str, Any] | None = None  # None until admitted by the date
        self.erased = False
        self.terms: list[dict[str, Any]] = []

    def line(self) -> RegisterLine:
        assert self.fields is not None
        c = None if self.erased else self.contact
        return RegisterLine(
            name=c.name if c else ERASED_NAME,
            address=c.address if c else "",
            postcode=c.postcode if c else "",
            email=c.email if c else "",
            erased=c is None,
            **self.fields,
        )


def _fold(events: Iterable[Any], as_at: date) -> dict[UUID, _Entry]:
    entries: dict[UUID, _Entry] = {}
    for e in events:
        if not isinstance(e, Member.Event) and not isinstance(e, Member.Applied):
            continue
        entry = entries.setdefault(e.originator_id, _Entry())
        if isinstance(e, Member.Applied):
            entry.contact = None if is_erased(e.details) else e.details.contact()
        elif isinstance(e, Member.Erased):
            entry.erased = True  # erasure reaches back: the data is gone for every date
        elif isinstance(e, Member.Admitted) and e.decision.on <= as_at:
            entry.fields = {
                "membership_number": e.number,
                "member_class": str(e.member_class),
                "shares": e.shares,
                "amount_paid": _pounds(e.amount_paid_pence),
                "loans": Decimal(0),
                "deposits": Decimal(0),
                "date_entered": e.decision.on,
                "date_ceased": None,
                "how_ceased": None,
            }
        elif (on := getattr(e, "on", None)) is not None and on <= as_at:
            _apply(entry, e)
    return entries


def _apply(entry: _Entry, e: Any) -> None:
    if isinstance(e, Member.DetailsUpdated):
        entry.contact = None if is_erased(e.details) else e.details
        return
    if isinstance(e, Member.OfficeTaken):
        entry.terms.append(
            {
                "office": str(e.office),
                "appointed_on": e.on,
                "appointed_reference": e.reference,
                "left_on": None,
                "left_reference": None,
            }
        )
        return
    if isinstance(e, Member.OfficeLeft):
        for term in entry.terms:
            if term["office"] == str(e.office) and term["left_on"] is None:
                term.update(left_on=e.on, left_reference=e.reference)
        return
    f = entry.fields
    if f is None:
        return
    if isinstance(e, Member.ClassChanged):
        f["member_class"] = str(e.member_class)
    elif isinstance(e, Member.PropertyRecorded):
        f["loans"], f["deposits"] = _pounds(e.loans_pence), _pounds(e.deposits_pence)
    elif isinstance(e, Member.Ceased):
        f["date_ceased"], f["how_ceased"] = e.on, str(e.how)
    elif isinstance(e, Member.ShareSettled):
        f["shares"], f["amount_paid"] = 0, Decimal(0)


def register_of_members(events: Iterable[Any], as_at: date) -> list[RegisterLine]:
    """The register of members as it stood at the end of ``as_at``, ceased entries kept."""
    lines = [e.line() for e in _fold(events, as_at).values() if e.fields is not None]
    return sorted(lines, key=lambda line: line.membership_number)


def register_of_trustees(events: Iterable[Any], as_at: date) -> list[TrusteeLine]:
    """The register of trustees at the end of ``as_at``: every term begun by then."""
    lines = []
    for entry in _fold(events, as_at).values():
        if entry.fields is None:
            continue
        member = entry.line()
        for term in entry.terms:
            lines.append(
                TrusteeLine(
                    membership_number=member.membership_number,
                    name=member.name,
                    address=member.address,
                    postcode=member.postcode,
                    **term,
                )
            )
    return sorted(lines, key=lambda t: (t.appointed_on, t.membership_number, t.office))
