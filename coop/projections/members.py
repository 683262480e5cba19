"""Applicants and members: the trustees' list and the register of members."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from uuid import UUID

import asyncpg
import msgspec

from coop.domain.membership import ApplicantDetails, Member, MemberClass
from coop.privacy import is_erased
from coop.projections.base import Projection, Statement

members = Projection("members", tables=("members",))


# What an erased person's application shows: nothing about them.
_ERASED_DETAILS = ApplicantDetails(
    name="Erased member",
    preferred_name="",
    email="",
    phone="",
    address="",
    postcode="",
    requested_class=MemberClass.USER,
    contact_methods=(),
    access_needs="",
    agrees_with_purpose=True,
)


@members.on(Member.Applied)
def applied(event: Member.Applied, position: int) -> list[Statement]:
    d = _ERASED_DETAILS if is_erased(event.details) else event.details
    return [
        (
            "INSERT INTO {members} (member_id, status, name, preferred_name, email, phone,"
            " address, postcode, requested_class, contact_methods, access_needs, applied_on,"
            " applied_position) VALUES ($1, 'applied', $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
            (
                event.originator_id,
                d.name,
                d.preferred_name,
                d.email,
                d.phone,
                d.address,
                d.postcode,
                str(d.requested_class),
                [str(m) for m in d.contact_methods],
                d.access_needs,
                event.applied_on,
                position,
            ),
        )
    ]


@members.on(Member.Admitted)
def admitted(event: Member.Admitted, position: int) -> list[Statement]:
    return [
        (
            "UPDATE {members} SET status = 'admitted', membership_number = $2,"
            " member_class = $8, decided_on = $3, decided_by = $4,"
            " minute_reference = $5, shares = $6, amount_paid = $7 WHERE member_id = $1",
            (
                event.originator_id,
                event.number,
                event.decision.on,
                event.decision.by,
                event.decision.minute_reference,
                event.shares,
                Decimal(event.amount_paid_pence) / 100,
                str(event.member_class),
            ),
        )
    ]


@members.on(Member.Refused)
def refused(event: Member.Refused, position: int) -> list[Statement]:
    return [
        (
            "UPDATE {members} SET status = 'refused', refusal_reason = $2, decided_on = $3,"
            " decided_by = $4, minute_reference = $5 WHERE member_id = $1",
            (
                event.originator_id,
                "" if is_erased(event.reason) else event.reason.text,
                event.decision.on,
                event.decision.by,
                event.decision.minute_reference,
            ),
        )
    ]


# Queries ---------------------------------------------------------------------------


class Applicant(msgspec.Struct, frozen=True):
    """An application as the trustees see it."""

    member_id: UUID
    status: str
    name: str
    preferred_name: str
    email: str
    phone: str
    address: str
    postcode: str
    requested_class: str
    contact_methods: list[str]
    access_needs: str
    applied_on: date
    decided_on: date | None
    minute_reference: str | None
    refusal_reason: str | None
    membership_number: int | None


class RegisterEntry(msgspec.Struct, frozen=True):
    """A line of the register of members (CCBS Act 2014 s.30)."""

    membership_number: int
    name: str
    address: str
    postcode: str
    email: str
    member_class: str
    shares: int
    amount_paid: Decimal
    date_entered: date


_APPLICANT = (
    "SELECT member_id, status, name, preferred_name, email, phone, address, postcode,"
    " requested_class, contact_methods, access_needs, applied_on, decided_on,"
    " minute_reference, refusal_reason, membership_number FROM members"
)


async def applications_awaiting_decision(pool: asyncpg.Pool) -> list[Applicant]:
    """Applications the trustees have not yet decided, oldest first."""
    rows = await pool.fetch(_APPLICANT + " WHERE status = 'applied' ORDER BY applied_position")
    return [Applicant(**dict(r)) for r in rows]


async def application(pool: asyncpg.Pool, member_id: UUID) -> Applicant | None:
    """One application (decided or not)."""
    row = await pool.fetchrow(_APPLICANT + " WHERE member_id = $1", member_id)
    return Applicant(**dict(row)) if row else None


async def register_of_members(pool: asyncpg.Pool) -> list[RegisterEntry]:
    """Admitted members in membership-number order."""
    rows = await pool.fetch(
        "SELECT membership_number, name, address, postcode, email, member_class, shares,"
        " amount_paid, decided_on AS date_entered FROM members"
        " WHERE status = 'admitted' ORDER BY membership_number"
    )
    return [RegisterEntry(**dict(r)) for r in rows]
