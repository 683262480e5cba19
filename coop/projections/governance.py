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
    # A trustee may open a ballot before its planned time: the pages then say when voting
    # really opened, not a time still to come.
    return [
        (
            "UPDATE {ballots} SET state = 'open', rules_version = $2, electorate = $3,"
            " opens_at = least(opens_at, $4) WHERE ballot_id = $1",
            (e.originator_id, e.rules_version, len(e.electorate), e.at),
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


class BallotView(msgspec.Struct, frozen=True, kw_only=True):
    """One ballot as members see it; ``result`` once it is counted."""

    ballot_id: UUID
    kind: str
    title: str
    question: str
    easy_read: str
    topic: str
    special: bool
    secret: bool
    opens_at: datetime
    closes_at: datetime
    state: str
    options: list[dict[str, Any]]
    seats: int
    budget_pence: int
    rules_version: int | None
    electorate: int
    result: dict[str, Any] | None


_BALLOT_COLUMNS = (
    "ballot_id, kind, title, question, easy_read, topic, special, secret, opens_at, closes_at,"
    " state, options, seats, budget_pence, rules_version, electorate, result"
)


def _ballot_view(row: asyncpg.Record) -> BallotView:
    fields = dict(row)
    fields["options"] = msgspec.json.decode(row["options"])
    fields["result"] = msgspec.json.decode(row["result"]) if row["result"] else None
    return BallotView(**fields)


async def ballot(pool: asyncpg.Pool, ballot_id: UUID) -> BallotView | None:
    """The ballot, or None if there is no such ballot."""
    row = await pool.fetchrow(
        f"SELECT {_BALLOT_COLUMNS} FROM ballots WHERE ballot_id = $1", ballot_id
    )
    return None if row is None else _ballot_view(row)


class BallotLine(msgspec.Struct, frozen=True, kw_only=True):
    """A line in the list of ballots, with whether this member may vote and has."""

    ballot_id: UUID
    kind: str
    title: str
    special: bool
    secret: bool
    opens_at: datetime
    closes_at: datetime
    state: str
    outcome: str | None
    elector: bool
    voted: bool


async def ballots_for(pool: asyncpg.Pool, member_id: UUID | None) -> list[BallotLine]:
    """Every ballot, soonest to close first, marked with ``member_id``'s part in it."""
    rows = await pool.fetch(
        "SELECT b.ballot_id, b.kind, b.title, b.special, b.secret, b.opens_at, b.closes_at,"
        " b.state, b.result->>'outcome' AS outcome, e.member_id IS NOT NULL AS elector,"
        " e.voted_at IS NOT NULL AS voted FROM ballots b LEFT JOIN ballot_electors e"
        " ON e.ballot_id = b.ballot_id AND e.member_id = $1 ORDER BY b.closes_at, b.title",
        member_id,
    )
    return [BallotLine(**dict(r)) for r in rows]


class ElectorView(msgspec.Struct, frozen=True, kw_only=True):
    """A member on a ballot's list of voters; ``mark`` only in an open ballot."""

    member_class: str
    voted_at: datetime | None
    mark: dict[str, Any] | None


async def elector(pool: asyncpg.Pool, ballot_id: UUID, member_id: UUID) -> ElectorView | None:
    """``member_id``'s place on the ballot's list of voters, or None if they are not on it."""
    row = await pool.fetchrow(
        "SELECT member_class, voted_at, mark FROM ballot_electors"
        " WHERE ballot_id = $1 AND member_id = $2",
        ballot_id,
        member_id,
    )
    if row is None:
        return None
    mark = msgspec.json.decode(row["mark"]) if row["mark"] else None
    return ElectorView(member_class=row["member_class"], voted_at=row["voted_at"], mark=mark)
