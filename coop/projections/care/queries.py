"""Named reads of the care read model, for the pages, the feeds and the scheduler."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from enum import StrEnum
from uuid import UUID

import asyncpg
import msgspec

from coop.domain.care.availability import AvailabilityException, WeeklyPattern
from coop.domain.care.times import MAX_MINUTES, wall_span, week_interval
from coop.domain.care.visits import ON_TIME_MINUTES, State

# A member's name as the pages use it; an erased member reads as the members table masks them.
_NAME = "coalesce(nullif({m}.preferred_name, ''), {m}.name)"


class RotaVisit(msgspec.Struct, frozen=True):
    """A visit in a PA's week, with where it happens."""

    visit_id: UUID
    user_id: UUID
    user_name: str
    starts_at: datetime
    ends_at: datetime
    tasks: list[str]
    state: str
    address: str | None
    postcode: str | None
    access: str | None


async def pa_week(pool: asyncpg.Pool, pa_id: UUID, monday: date) -> list[RotaVisit]:
    """The PA's visits in the UK week from ``monday`` (cancelled ones left out), in order."""
    week = week_interval(monday)
    rows = await pool.fetch(
        f"SELECT v.visit_id, v.user_id, {_NAME.format(m='m')}, v.starts_at, v.ends_at, v.tasks,"
        " v.state, p.address, p.postcode, p.access FROM care_visits v"
        " JOIN members m ON m.member_id = v.user_id"
        " LEFT JOIN care_plans p ON p.user_id = v.user_id"
        " WHERE v.pa_id = $1 AND v.starts_at >= $2 AND v.starts_at < $3 AND v.state <> 'cancelled'"
        " ORDER BY v.starts_at",
        pa_id,
        week.start,
        week.end,
    )
    return [RotaVisit(*r) for r in rows]


class UpcomingVisit(msgspec.Struct, frozen=True):
    """One of a user's visits still to come (or under way)."""

    visit_id: UUID
    day: date
    start_time: time
    minutes: int
    starts_at: datetime
    ends_at: datetime
    tasks: list[str]
    state: str
    pa_id: UUID | None
    pa_name: str | None


async def upcoming_visits(
    pool: asyncpg.Pool, user_id: UUID, now: datetime, limit: int = 50
) -> list[UpcomingVisit]:
    """The user's visits that have not yet ended, soonest first (not the cancelled ones)."""
    rows = await pool.fetch(
        "SELECT v.visit_id, v.day, v.start_time, v.minutes, v.starts_at, v.ends_at, v.tasks,"
        f" v.state, v.pa_id, {_NAME.format(m='m')} FROM care_visits v"
        " LEFT JOIN members m ON m.member_id = v.pa_id"
        " WHERE v.user_id = $1 AND v.starts_at > $2::timestamptz - interval '1 day' AND v.ends_at > $2"
        " AND v.state <> 'cancelled' ORDER BY v.starts_at LIMIT $3",
        user_id,
        now,
        limit,
    )
    return [UpcomingVisit(*r) for r in rows]


class Status(StrEnum):
    """How a visit on the day board is going."""

    UNFILLED = "unfilled"  # no PA confirmed
    BOOKED = "booked"  # a PA is confirmed and it has not started
    LATE = "late"  # started with no check-in yet, or checked in late
    ON_TIME = "on time"
    MISSED = "missed"
    CANCELLED = "cancelled"


class BoardVisit(msgspec.Struct, frozen=True):
    """A visit on the coordinator's day board."""

    visit_id: UUID
    user_id: UUID
    user_name: str
    pa_id: UUID | None
    pa_name: str | None
    starts_at: datetime
    ends_at: datetime
    state: str
    checked_in_at: datetime | None
    status: Status


def status(
    state: str, starts_at: datetime, checked_in_at: datetime | None, now: datetime
) -> Status:
    """On time, late, missed, unfilled … as the office sees it at ``now``."""
    if state in (State.REQUESTED, State.ACCEPTED):
        return Status.UNFILLED
    if state == State.CANCELLED:
        return Status.CANCELLED
    if state == State.MISSED:
        return Status.MISSED
    if checked_in_at is None:
        return Status.BOOKED if now < starts_at else Status.LATE
    late = checked_in_at - starts_at > timedelta(minutes=ON_TIME_MINUTES)
    return Status.LATE if late else Status.ON_TIME


async def day_board(pool: asyncpg.Pool, day: date, now: datetime) -> list[BoardVisit]:
    """Every visit starting on ``day`` (UK time), with how it is going at ``now``."""
    today = wall_span(day, 0, MAX_MINUTES)  # 23 to 25 hours, as the clocks change
    rows = await pool.fetch(
        f"SELECT v.visit_id, v.user_id, {_NAME.format(m='u')} AS user_name, v.pa_id,"
        f" {_NAME.format(m='p')} AS pa_name,"
        " v.starts_at, v.ends_at, v.state, v.checked_in_at FROM care_visits v"
        " JOIN members u ON u.member_id = v.user_id LEFT JOIN members p ON p.member_id = v.pa_id"
        " WHERE v.starts_at >= $1 AND v.starts_at < $2 ORDER BY v.starts_at, v.visit_id",
        today.start,
        today.end,
    )
    return [
        BoardVisit(
            **dict(r.items()), status=status(r["state"], r["starts_at"], r["checked_in_at"], now)
        )
        for r in rows
    ]


class DueVisit(msgspec.Struct, frozen=True):
    visit_id: UUID
    starts_at: datetime


async def confirmed_visits_started_before(
    pool: asyncpg.Pool, before: datetime, limit: int = 500
) -> list[DueVisit]:
    """Confirmed visits (nobody checked in) that started before ``before``, oldest first."""
    rows = await pool.fetch(
        "SELECT visit_id, starts_at FROM care_visits WHERE state = 'confirmed' AND starts_at <= $1"
        " ORDER BY starts_at LIMIT $2",
        before,
        limit,
    )
    return [DueVisit(*r) for r in rows]


class NotesRead(msgspec.Struct, frozen=True):
    """Someone read one of the user's visit notes."""

    read_at: datetime
    reader: UUID
    reader_name: str
    role: str
    visit_id: UUID
    visit_starts_at: datetime


async def notes_reads(pool: asyncpg.Pool, user_id: UUID) -> list[NotesRead]:
    """Who read the user's visit notes and when, newest first."""
    rows = await pool.fetch(
        "SELECT r.read_at, r.reader,"
        f" coalesce({_NAME.format(m='m')}, a.name, 'A former member of staff'), r.role,"
        " r.visit_id, v.starts_at FROM care_notes_reads r"
        " JOIN care_visits v ON v.visit_id = r.visit_id"
        " LEFT JOIN members m ON m.member_id = r.reader"
        " LEFT JOIN accounts a ON a.account_id = r.reader"
        " WHERE r.user_id = $1 ORDER BY r.read_at DESC, r.position DESC",
        user_id,
    )
    return [NotesRead(*r) for r in rows]


class VisitView(msgspec.Struct, frozen=True):
    """One visit as its user (or their carer) sees it."""

    visit_id: UUID
    user_id: UUID
    user_name: str
    pa_id: UUID | None
    pa_name: str | None
    named_pa: UUID | None
    named_pa_name: str | None
    state: str
    day: date
    start_time: time
    minutes: int
    starts_at: datetime
    ends_at: datetime
    tasks: list[str]
    chargeable: bool
    charge_percent: int
    cancelled_at: datetime | None
    notes: int


async def visit(pool: asyncpg.Pool, visit_id: UUID) -> VisitView | None:
    """The visit with this id, or None."""
    row = await pool.fetchrow(
        f"SELECT v.visit_id, v.user_id, {_NAME.format(m='u')}, v.pa_id, {_NAME.format(m='p')},"
        f" v.named_pa, {_NAME.format(m='n')}, v.state, v.day, v.start_time, v.minutes,"
        " v.starts_at, v.ends_at, v.tasks, v.chargeable, v.charge_percent, v.cancelled_at,"
        " v.notes FROM care_visits v JOIN members u ON u.member_id = v.user_id"
        " LEFT JOIN members p ON p.member_id = v.pa_id"
        " LEFT JOIN members n ON n.member_id = v.named_pa WHERE v.visit_id = $1",
        visit_id,
    )
    return None if row is None else VisitView(*row)


class PlanView(msgspec.Struct, frozen=True):
    """A user's support plan as it stands (``funded_minutes`` None until one is set)."""

    user_id: UUID
    funded_minutes: int | None
    tasks: list[str]
    preferred: list[UUID]
    not_wanted: list[UUID]
    address: str | None
    postcode: str | None
    access: str | None
    since: date | None


async def support_plan(pool: asyncpg.Pool, user_id: UUID) -> PlanView | None:
    """The user's support plan, or None if there has never been one."""
    row = await pool.fetchrow(
        "SELECT user_id, funded_minutes, tasks, preferred, not_wanted, address, postcode,"
        " access, since FROM care_plans WHERE user_id = $1 AND funded_minutes IS NOT NULL",
        user_id,
    )
    return None if row is None else PlanView(*row)


class PaChoice(msgspec.Struct, frozen=True):
    pa_id: UUID
    name: str


async def current_pas(pool: asyncpg.Pool) -> list[PaChoice]:
    """The co-op's current PAs with a diary, by name: who a user can ask for by name."""
    rows = await pool.fetch(
        f"SELECT c.pa_id, {_NAME.format(m='m')} AS name FROM care_pas c"
        " JOIN members m ON m.member_id = c.pa_id"
        " WHERE m.status = 'admitted' AND m.member_class = 'pa' ORDER BY name, c.pa_id"
    )
    return [PaChoice(*r) for r in rows]


class CareVisit(msgspec.Struct, frozen=True):
    """One visit as it stands, for the JSON API (no words people wrote: see the notes)."""

    visit_id: UUID
    user_id: UUID
    pa_id: UUID | None
    named_pa: UUID | None
    offered: list[UUID]
    state: str
    day: date
    start_time: time
    minutes: int
    starts_at: datetime
    ends_at: datetime
    tasks: list[str]
    requested_by: str
    checked_in_at: datetime | None
    checked_out_at: datetime | None
    chargeable: bool
    notes: int
    version: int


async def care_visit(pool: asyncpg.Pool, visit_id: UUID) -> CareVisit | None:
    """The visit's row, or None if there is no such visit."""
    row = await pool.fetchrow(
        "SELECT visit_id, user_id, pa_id, named_pa, offered, state, day, start_time, minutes,"
        " starts_at, ends_at, tasks, requested_by, checked_in_at, checked_out_at, chargeable,"
        " notes, version FROM care_visits WHERE visit_id = $1",
        visit_id,
    )
    return None if row is None else CareVisit(*row)


class PaAvailability(msgspec.Struct, frozen=True):
    """What a PA has said about when they work, and what they are trained for."""

    pa_id: UUID
    skills: list[str]
    patterns: list[WeeklyPattern]  # oldest first
    exceptions: list[AvailabilityException]


_pattern_list = msgspec.json.Decoder(list[WeeklyPattern])
_exception_list = msgspec.json.Decoder(list[AvailabilityException])


async def pa_availability(pool: asyncpg.Pool, pa_id: UUID) -> PaAvailability:
    """The PA's patterns, exceptions and skills (empty if they have said nothing yet)."""
    row = await pool.fetchrow(
        "SELECT skills, patterns::text, exceptions::text FROM care_pas WHERE pa_id = $1", pa_id
    )
    if row is None:
        return PaAvailability(pa_id, [], [], [])
    return PaAvailability(
        pa_id, list(row[0]), _pattern_list.decode(row[1]), _exception_list.decode(row[2])
    )
