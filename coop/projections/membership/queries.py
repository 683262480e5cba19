"""Queries on the members projection: applications, the members list, one member's record."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from uuid import UUID

import asyncpg
import msgspec

from coop.domain.governance.ballots import Elector
from coop.domain.governance.seats import Trustee
from coop.projections.paging import Slice, Window


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


class MemberRecord(msgspec.Struct, frozen=True, kw_only=True):
    """Everything the read side holds about one person, now."""

    member_id: UUID
    status: str
    membership_number: int | None
    name: str
    preferred_name: str
    email: str
    phone: str
    address: str
    postcode: str
    requested_class: str
    member_class: str | None
    contact_methods: list[str]
    access_needs: str
    applied_on: date
    decided_on: date | None
    minute_reference: str | None
    refusal_reason: str | None
    imported_from: str | None
    shares: int
    amount_paid: Decimal
    loans: Decimal
    deposits: Decimal
    ceased_on: date | None
    how_ceased: str | None
    ceased_reference: str | None
    share_settled: str | None
    share_settled_on: date | None
    share_settled_amount: Decimal | None
    offices: list[str]
    account_id: UUID | None
    erased_on: date | None


class MemberListed(msgspec.Struct, frozen=True):
    """A line of the trustees' members list."""

    member_id: UUID
    membership_number: int | None
    name: str
    member_class: str | None
    status: str
    offices: list[str]
    can_sign_in: bool
    erased: bool


class TimelineEntry(msgspec.Struct, frozen=True):
    """One thing that happened to a member, in order."""

    position: int
    happened_on: date
    what: str
    reference: str


_APPLICANT = (
    "SELECT member_id, status, name, preferred_name, email, phone, address, postcode,"
    " requested_class, contact_methods, access_needs, applied_on, decided_on,"
    " minute_reference, refusal_reason, membership_number FROM members"
)
_RECORD = "SELECT " + ", ".join(MemberRecord.__struct_fields__) + " FROM members"


async def applications_awaiting_decision(pool: asyncpg.Pool) -> list[Applicant]:
    """Applications the trustees have not yet decided, oldest first."""
    rows = await pool.fetch(_APPLICANT + " WHERE status = 'applied' ORDER BY applied_position")
    return [Applicant(**dict(r)) for r in rows]


async def application(pool: asyncpg.Pool, member_id: UUID) -> Applicant | None:
    """One application (decided or not)."""
    row = await pool.fetchrow(_APPLICANT + " WHERE member_id = $1", member_id)
    return Applicant(**dict(row)) if row else None


async def member_record(pool: asyncpg.Pool, member_id: UUID) -> MemberRecord | None:
    """One person's whole record as it is now."""
    row = await pool.fetchrow(_RECORD + " WHERE member_id = $1", member_id)
    return MemberRecord(**dict(row)) if row else None


async def member_by_number(pool: asyncpg.Pool, number: int) -> MemberRecord | None:
    row = await pool.fetchrow(_RECORD + " WHERE membership_number = $1", number)
    return MemberRecord(**dict(row)) if row else None


_LISTED = (
    "SELECT m.member_id, m.membership_number, m.name, m.member_class, m.status, m.offices,"
    " m.account_id IS NOT NULL AS can_sign_in, m.erased_on IS NOT NULL AS erased"
)
# Members, former members and refused applicants; a search matches name, number or
# e-mail; the status and class filters are exact ('' for any).
_LISTED_WHERE = (
    " FROM members m WHERE status <> 'applied'"
    " AND ($1 = '' OR name ILIKE '%' || $1 || '%' OR email ILIKE '%' || $1 || '%'"
    "      OR membership_number::text = $1)"
    " AND ($2 = '' OR status = $2) AND ($3 = '' OR member_class = $3)"
)
_BY_NUMBER = "membership_number NULLS LAST, applied_position"  # refused applicants last


async def members_list(
    pool: asyncpg.Pool, search: str = "", status: str = "", member_class: str = ""
) -> list[MemberListed]:
    """Everyone the members list shows, all at once (for small lists and tests)."""
    rows = await pool.fetch(
        _LISTED + _LISTED_WHERE + " ORDER BY " + _BY_NUMBER, search, status, member_class
    )
    return [MemberListed(*r) for r in rows]


# One scan finds the list's keys, narrow; they are counted and sorted, and only the
# page's rows are read whole (sorting 10,000 wide rows took four times as long).
_MEMBERS_PAGE = (
    "WITH found AS MATERIALIZED (SELECT member_id, membership_number, applied_position"
    + _LISTED_WHERE
    + "), page AS (SELECT * FROM found ORDER BY "
    + _BY_NUMBER
    + " LIMIT $4 OFFSET $5)"
    + _LISTED
    + ", (SELECT count(*) FROM found) AS found FROM page JOIN members m USING (member_id)"
    " ORDER BY page.membership_number NULLS LAST, page.applied_position"
)


async def members_page(
    pool: asyncpg.Pool, window: Window, search: str = "", status: str = "", member_class: str = ""
) -> Slice[MemberListed]:
    """One page of the members list, and how many the whole list (so filtered) has."""
    args = (search, status, member_class)
    rows = await pool.fetch(_MEMBERS_PAGE, *args, window.limit, window.offset)
    if not rows:  # nobody, or past the end: still say how long the list is
        return Slice([], await pool.fetchval("SELECT count(*)" + _LISTED_WHERE, *args))
    return Slice([MemberListed(*r[:-1]) for r in rows], rows[0]["found"])


async def timeline(pool: asyncpg.Pool, member_id: UUID) -> list[TimelineEntry]:
    """What happened to this member, oldest first."""
    rows = await pool.fetch(
        "SELECT position, happened_on, what, reference FROM member_timeline"
        " WHERE member_id = $1 ORDER BY position",
        member_id,
    )
    return [TimelineEntry(*r) for r in rows]


async def addresses_and_account_of(
    pool: asyncpg.Pool, member_id: UUID
) -> tuple[list[str], UUID | None]:
    """A person's e-mail addresses (contact and sign-in, lower-cased) and their account."""
    row = await pool.fetchrow(
        "SELECT m.email, a.email AS sign_in, m.account_id FROM members m"
        " LEFT JOIN accounts a ON a.account_id = m.account_id WHERE m.member_id = $1",
        member_id,
    )
    if row is None:
        return [], None
    addresses = sorted({e.lower() for e in (row["email"], row["sign_in"]) if e})
    return addresses, row["account_id"]


async def current_electorate(pool: asyncpg.Pool) -> list[Elector]:
    """Members in good standing now: admitted, not ceased."""
    rows = await pool.fetch(
        "SELECT member_id, member_class FROM members WHERE status = 'admitted' ORDER BY member_id"
    )
    return [Elector(r["member_id"], r["member_class"]) for r in rows]


async def trustees_in_office(pool: asyncpg.Pool) -> list[Trustee]:
    """Trustees in office now, from the register of trustees: an election's reserved
    seats are fixed from them as it opens, as its electorate is from the members."""
    rows = await pool.fetch(
        "SELECT t.member_id, m.member_class, t.appointed_on FROM trustee_terms t"
        " JOIN members m ON m.member_id = t.member_id"
        " WHERE t.office = 'trustee' AND t.left_on IS NULL AND m.status = 'admitted'"
        " ORDER BY t.member_id"
    )
    return [Trustee(r["member_id"], r["member_class"], r["appointed_on"]) for r in rows]
