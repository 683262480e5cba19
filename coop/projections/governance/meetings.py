"""Meetings: when and where, the agenda, who was there, the minutes, and the ballots that
decide their resolutions."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

import asyncpg
import msgspec

from coop.domain.governance.meetings import Meeting
from coop.projections.base import Projection, Statement

meetings = Projection("meetings", tables=("meetings", "meeting_resolutions"))


@meetings.on(Meeting.Convened)
def convened(e: Meeting.Convened, position: int) -> list[Statement]:
    return [
        (
            "INSERT INTO {meetings} (meeting_id, kind, title, starts_at, place, agenda, notice_given)"
            " VALUES ($1, $2, $3, $4, $5, $6, $7)",
            (
                e.originator_id,
                str(e.kind),
                e.title,
                e.starts_at,
                e.place,
                list(e.agenda),
                e.notice_given,
            ),
        )
    ]


@meetings.on(Meeting.Minuted)
def minuted(e: Meeting.Minuted, position: int) -> list[Statement]:
    return [
        ("UPDATE {meetings} SET minutes = $2 WHERE meeting_id = $1", (e.originator_id, e.minutes))
    ]


@meetings.on(Meeting.AttendanceRecorded)
def attended(e: Meeting.AttendanceRecorded, position: int) -> list[Statement]:
    return [
        (
            "UPDATE {meetings} SET present = $2 WHERE meeting_id = $1",
            (e.originator_id, list(e.present)),
        )
    ]


@meetings.on(Meeting.ResolutionLinked)
def resolution_linked(e: Meeting.ResolutionLinked, position: int) -> list[Statement]:
    # Linking an item again points it at the later ballot, as the aggregate does.
    return [
        (
            "INSERT INTO {meeting_resolutions} (meeting_id, item, ballot_id) VALUES ($1, $2, $3)"
            " ON CONFLICT (meeting_id, item) DO UPDATE SET ballot_id = EXCLUDED.ballot_id",
            (e.originator_id, e.item, e.ballot_id),
        )
    ]


# Queries ------------------------------------------------------------------------------


class MeetingView(msgspec.Struct, frozen=True, kw_only=True):
    meeting_id: UUID
    kind: str
    title: str
    starts_at: datetime
    place: str
    agenda: list[str]
    notice_given: date
    minutes: str
    present: list[UUID]


MEETING = (
    "SELECT meeting_id, kind, title, starts_at, place, agenda, notice_given, minutes, present"
    " FROM meetings"
)


async def meetings_list(pool: asyncpg.Pool) -> list[MeetingView]:
    """Every meeting, latest first."""
    rows = await pool.fetch(MEETING + " ORDER BY starts_at DESC")
    return [MeetingView(**dict(r)) for r in rows]


async def meeting(pool: asyncpg.Pool, meeting_id: UUID) -> MeetingView | None:
    """The meeting, or None if there is no such meeting."""
    row = await pool.fetchrow(MEETING + " WHERE meeting_id = $1", meeting_id)
    return None if row is None else MeetingView(**dict(row))


class Resolution(msgspec.Struct, frozen=True):
    """An agenda item and the ballot that decides it (title None if it is not projected)."""

    item: int
    ballot_id: UUID
    title: str | None


async def resolutions(pool: asyncpg.Pool, meeting_id: UUID) -> dict[int, Resolution]:
    """The meeting's linked resolutions, by agenda item."""
    rows = await pool.fetch(
        "SELECT r.item, r.ballot_id, b.title FROM meeting_resolutions r"
        " LEFT JOIN ballots b ON b.ballot_id = r.ballot_id WHERE r.meeting_id = $1",
        meeting_id,
    )
    return {r["item"]: Resolution(*r) for r in rows}
