"""What is open in the co-op's governance now, as the homes list it: proposal windows,
ballots running (with turnout so far), ballots waiting to be counted, meetings ahead."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import asyncpg
import msgspec

from coop.projections.governance.meetings import MEETING, MeetingView


class ProposalWindow(msgspec.Struct, frozen=True):
    """A reinvestment ballot taking members' proposals until ``until``."""

    ballot_id: UUID
    title: str
    until: datetime


async def proposal_windows_open(pool: asyncpg.Pool, now: datetime) -> list[ProposalWindow]:
    """Drafted ballots still taking proposals, the soonest to stop first."""
    rows = await pool.fetch(
        "SELECT ballot_id, title, proposals_until FROM ballots WHERE state = 'draft'"
        " AND proposals_until > $1 ORDER BY proposals_until, title",
        now,
    )
    return [ProposalWindow(*r) for r in rows]


class RunningBallot(msgspec.Struct, frozen=True):
    """An open ballot and how many of its electors have voted so far."""

    ballot_id: UUID
    title: str
    closes_at: datetime
    electorate: int
    voted: int


async def ballots_running(pool: asyncpg.Pool) -> list[RunningBallot]:
    """Open ballots, the soonest to close first, with their turnout so far."""
    rows = await pool.fetch(
        "SELECT b.ballot_id, b.title, b.closes_at, count(e.member_id) AS electorate,"
        " count(e.voted_at) AS voted FROM ballots b"
        " LEFT JOIN ballot_electors e ON e.ballot_id = b.ballot_id WHERE b.state = 'open'"
        " GROUP BY b.ballot_id ORDER BY b.closes_at, b.title"
    )
    return [RunningBallot(*r) for r in rows]


class ClosedBallot(msgspec.Struct, frozen=True):
    """A ballot that has closed and waits for its count."""

    ballot_id: UUID
    title: str
    closed_at: datetime


async def ballots_to_count(pool: asyncpg.Pool) -> list[ClosedBallot]:
    """Closed ballots not yet counted, the longest waiting first."""
    rows = await pool.fetch(
        "SELECT ballot_id, title, closes_at FROM ballots WHERE state = 'closed'"
        " ORDER BY closes_at, title"
    )
    return [ClosedBallot(*r) for r in rows]


async def meetings_ahead(
    pool: asyncpg.Pool, now: datetime, *, general_only: bool
) -> list[MeetingView]:
    """Meetings still to come, the soonest first (general meetings only, for members:
    board meetings and their papers stay with the trustees)."""
    rows = await pool.fetch(
        MEETING + " WHERE starts_at >= $1 AND (NOT $2 OR kind <> 'board') ORDER BY starts_at",
        now,
        general_only,
    )
    return [MeetingView(**dict(r)) for r in rows]
