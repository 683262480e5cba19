"""Reads for the staff's care pages: what is offered to a PA, a PA's availability, one
visit as the staff see it, and the people a coordinator chooses from.

Like every read here, these lag the write side a little; who may do what is
decided by the commands, never by these rows.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import asyncpg
import msgspec

from coop.domain.care.availability import AvailabilityException, WeeklyPattern
from coop.domain.care.tasks import Task

_patterns = msgspec.json.Decoder(tuple[WeeklyPattern, ...])
_exceptions = msgspec.json.Decoder(tuple[AvailabilityException, ...])
_NAME = "coalesce(nullif({m}.preferred_name, ''), {m}.name)"


class OfferedVisit(msgspec.Struct, frozen=True):
    """A request offered to a PA, still open."""

    visit_id: UUID
    user_name: str
    starts_at: datetime
    ends_at: datetime
    tasks: list[str]
    postcode: str | None


async def offered_to(pool: asyncpg.Pool, pa_id: UUID, now: datetime) -> list[OfferedVisit]:
    """Open requests offered to the PA that have not started, soonest first."""
    rows = await pool.fetch(
        f"SELECT v.visit_id, {_NAME.format(m='m')}, v.starts_at, v.ends_at, v.tasks, p.postcode"
        " FROM care_visits v JOIN members m ON m.member_id = v.user_id"
        " LEFT JOIN care_plans p ON p.user_id = v.user_id"
        " WHERE v.state = 'requested' AND $1 = ANY(v.offered) AND v.starts_at > $2"
        " ORDER BY v.starts_at, v.visit_id",
        pa_id,
        now,
    )
    return [OfferedVisit(*r) for r in rows]


class PaAvailability(msgspec.Struct, frozen=True):
    """A PA's skills, weekly patterns (oldest first) and exceptions, as last recorded."""

    skills: tuple[Task, ...] = ()
    patterns: tuple[WeeklyPattern, ...] = ()
    exceptions: tuple[AvailabilityException, ...] = ()


async def pa_availability(pool: asyncpg.Pool, pa_id: UUID) -> PaAvailability:
    """What the PA's diary says (empty for a PA who has not said yet)."""
    row = await pool.fetchrow(
        "SELECT skills, patterns::text, exceptions::text FROM care_pas WHERE pa_id = $1", pa_id
    )
    if row is None:
        return PaAvailability()
    return PaAvailability(
        skills=tuple(sorted(Task(s) for s in row[0])),
        patterns=_patterns.decode(row[1]),
        exceptions=tuple(sorted(_exceptions.decode(row[2]), key=lambda e: e.span.start)),
    )


class StaffVisit(msgspec.Struct, frozen=True):
    """One visit as its PA and the office see it: who, where, what and how it stands."""

    visit_id: UUID
    user_id: UUID
    user_name: str
    pa_id: UUID | None
    pa_name: str | None
    starts_at: datetime
    ends_at: datetime
    tasks: list[str]
    state: str
    offered: list[UUID]
    checked_in_at: datetime | None
    checked_out_at: datetime | None
    notes: int
    address: str | None
    postcode: str | None
    access: str | None


async def staff_visit(pool: asyncpg.Pool, visit_id: UUID) -> StaffVisit | None:
    rows = await pool.fetch(
        f"SELECT v.visit_id, v.user_id, {_NAME.format(m='u')}, v.pa_id, {_NAME.format(m='p')},"
        " v.starts_at, v.ends_at, v.tasks, v.state, v.offered, v.checked_in_at,"
        " v.checked_out_at, v.notes, c.address, c.postcode, c.access FROM care_visits v"
        " JOIN members u ON u.member_id = v.user_id"
        " LEFT JOIN members p ON p.member_id = v.pa_id"
        " LEFT JOIN care_plans c ON c.user_id = v.user_id WHERE v.visit_id = $1",
        visit_id,
    )
    return StaffVisit(*rows[0]) if rows else None


class Person(msgspec.Struct, frozen=True):
    """A current member a coordinator can choose, with their care skills (PAs)."""

    member_id: UUID
    name: str
    skills: list[str]


async def current(pool: asyncpg.Pool, member_class: str) -> list[Person]:
    """Admitted members of the class (users or PAs), by name."""
    rows = await pool.fetch(
        f"SELECT m.member_id, {_NAME.format(m='m')} AS n, coalesce(c.skills, '{{}}')"
        " FROM members m LEFT JOIN care_pas c ON c.pa_id = m.member_id"
        " WHERE m.status = 'admitted' AND m.member_class = $1 ORDER BY n, m.member_id",
        member_class,
    )
    return [Person(*r) for r in rows]


async def names_of(pool: asyncpg.Pool, member_ids: list[UUID]) -> dict[UUID, str]:
    """Members' names as the pages use them."""
    rows = await pool.fetch(
        f"SELECT member_id, {_NAME.format(m='m')} FROM members m WHERE member_id = ANY($1::uuid[])",
        member_ids,
    )
    return {r[0]: r[1] for r in rows}


async def travel_buffer_minutes(pool: asyncpg.Pool) -> int:
    """The minutes a PA needs between visits, by the rules in force (0 before any rules).

    Matching only advises the office, so the read model's rules will do; confirming
    a visit checks it against the rules on the write side.
    """
    found = await pool.fetchval(
        "SELECT (rules::jsonb ->> 'travel_buffer_minutes')::int FROM rules_versions"
        " ORDER BY version DESC LIMIT 1"
    )
    return int(found or 0)
