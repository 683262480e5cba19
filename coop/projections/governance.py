"""Ballots, electors (turnout and who has not voted yet), declarations and meetings.

Secret ballots project only *that* someone voted; what anyone chose reaches the
read side only in the published count.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg
import msgspec

from coop.domain.ballots import Ballot, vote_id
from coop.domain.meetings import Meeting
from coop.domain.votes import Participation, Vote
from coop.projections.base import Projection, Statement

governance = Projection(
    "governance", tables=("ballots", "ballot_electors", "ballot_declarations", "meetings")
)


def _json(value: Any) -> str:
    return msgspec.json.encode(value).decode()


@governance.on(Ballot.Drafted)
def drafted(e: Ballot.Drafted, position: int) -> list[Statement]:
    return [
        (
            "INSERT INTO {ballots} (ballot_id, kind, title, question, easy_read, topic, special,"
            " secret, opens_at, closes_at, state, options, seats, budget_pence, meeting_id,"
            " drafted_position) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'drafted',"
            " $11::jsonb, $12, $13, $14, $15)",
            (
                e.originator_id,
                str(e.kind),
                e.title,
                e.question,
                e.easy_read,
                e.topic,
                e.special,
                e.secret,
                e.opens_at,
                e.closes_at,
                _json(e.options),
                e.seats,
                e.budget_pence,
                e.meeting_id,
                position,
            ),
        )
    ]


@governance.on(Ballot.OptionsListed)
def options_listed(e: Ballot.OptionsListed, position: int) -> list[Statement]:
    return [
        (
            "UPDATE {ballots} SET options = $2::jsonb WHERE ballot_id = $1",
            (e.originator_id, _json(e.options)),
        )
    ]


@governance.on(Ballot.InterestDeclared)
def interest_declared(e: Ballot.InterestDeclared, position: int) -> list[Statement]:
    return [
        (
            "INSERT INTO {ballot_declarations} (ballot_id, member_id, interest) VALUES ($1, $2, $3)",
            (e.originator_id, e.member_id, e.interest),
        )
    ]


@governance.on(Ballot.Opened)
def opened(e: Ballot.Opened, position: int) -> list[Statement]:
    return [
        (
            "UPDATE {ballots} SET state = 'open', rules_version = $2, electorate = $3"
            " WHERE ballot_id = $1",
            (e.originator_id, e.rules_version, len(e.electorate)),
        ),
        *(
            (
                "INSERT INTO {ballot_electors} (ballot_id, member_id, member_class, vote_id)"
                " VALUES ($1, $2, $3, $4)",
                (
                    e.originator_id,
                    elector.member_id,
                    elector.member_class,
                    vote_id(e.originator_id, elector.member_id),
                ),
            )
            for elector in e.electorate
        ),
    ]


@governance.on(Ballot.Closed)
def closed(e: Ballot.Closed, position: int) -> list[Statement]:
    return [("UPDATE {ballots} SET state = 'closed' WHERE ballot_id = $1", (e.originator_id,))]


@governance.on(Ballot.Counted)
def counted(e: Ballot.Counted, position: int) -> list[Statement]:
    return [
        (
            "UPDATE {ballots} SET state = 'counted', result = $2::jsonb WHERE ballot_id = $1",
            (e.originator_id, _json(e.result)),
        )
    ]


@governance.on(Vote.Cast, Vote.Changed)
def voted_openly(e: Vote.Cast | Vote.Changed, position: int) -> list[Statement]:
    return [_voted(e.originator_id, e.at, e.supported, _json(e.mark))]


@governance.on(Participation.Voted, Participation.VotedAgain)
def voted_in_secret(
    e: Participation.Voted | Participation.VotedAgain, position: int
) -> list[Statement]:
    return [_voted(e.originator_id, e.at, e.supported, None)]


def _voted(vote: UUID, at: datetime, supported: bool, mark: str | None) -> Statement:
    return (
        "UPDATE {ballot_electors} SET voted_at = $2, supported = $3, mark = $4::jsonb"
        " WHERE vote_id = $1",
        (vote, at, supported, mark),
    )


@governance.on(Meeting.Convened)
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


@governance.on(Meeting.Minuted)
def minuted(e: Meeting.Minuted, position: int) -> list[Statement]:
    return [
        ("UPDATE {meetings} SET minutes = $2 WHERE meeting_id = $1", (e.originator_id, e.minutes))
    ]


@governance.on(Meeting.AttendanceRecorded)
def attended(e: Meeting.AttendanceRecorded, position: int) -> list[Statement]:
    return [
        (
            "UPDATE {meetings} SET present = $2 WHERE meeting_id = $1",
            (e.originator_id, list(e.present)),
        )
    ]


# Queries ------------------------------------------------------------------------------


class DueBallot(msgspec.Struct, frozen=True):
    ballot_id: UUID
    state: str


async def due_ballots(pool: asyncpg.Pool, now: datetime) -> list[DueBallot]:
    """Drafted ballots whose opening time has come, and open ones whose closing time has."""
    rows = await pool.fetch(
        "SELECT ballot_id, state FROM ballots WHERE (state = 'drafted' AND opens_at <= $1)"
        " OR (state IN ('open', 'closed') AND closes_at <= $1) ORDER BY closes_at",
        now,
    )
    return [DueBallot(*r) for r in rows]


class Turnout(msgspec.Struct, frozen=True):
    member_class: str
    electorate: int
    voted: int


async def turnout(pool: asyncpg.Pool, ballot_id: UUID) -> list[Turnout]:
    """Who may vote and how many have, per class (live during a ballot)."""
    rows = await pool.fetch(
        "SELECT member_class, count(*), count(voted_at) FROM ballot_electors WHERE ballot_id = $1"
        " GROUP BY member_class ORDER BY member_class",
        ballot_id,
    )
    return [Turnout(*r) for r in rows]


async def not_voted_yet(pool: asyncpg.Pool, ballot_id: UUID) -> list[UUID]:
    """Electors who have not voted yet: reminders go only to them."""
    rows = await pool.fetch(
        "SELECT member_id FROM ballot_electors WHERE ballot_id = $1 AND voted_at IS NULL"
        " ORDER BY member_id",
        ballot_id,
    )
    return [r["member_id"] for r in rows]
