"""Ballots, electors (turnout and who has not voted yet) and declarations.

Meetings have their own read model (``coop.projections.governance.meetings``).

Secret ballots project only *that* someone voted; what anyone chose reaches the
read side only in the published count.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

import asyncpg
import msgspec

from coop.domain.governance.ballots import Ballot, vote_id
from coop.domain.governance.seats import Trustee
from coop.domain.governance.votes import Participation, Vote
from coop.projections.base import Projection, Statement

governance = Projection(
    "governance", tables=("ballots", "ballot_electors", "ballot_declarations", "ballot_proposals")
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


@governance.on(Ballot.ProposalsInvited)
def proposals_invited(e: Ballot.ProposalsInvited, position: int) -> list[Statement]:
    return [
        (
            "UPDATE {ballots} SET proposals_until = $2, period = $3, hours_delivered = $4"
            " WHERE ballot_id = $1",
            (e.originator_id, e.until, e.period, e.hours_delivered),
        )
    ]


@governance.on(Ballot.OptionProposed)
def option_proposed(e: Ballot.OptionProposed, position: int) -> list[Statement]:
    c = e.costing
    return [
        (
            "INSERT INTO {ballot_proposals} (proposal_id, ballot_id, member_id, title, description,"
            " benefits, cost_pence, rate, pence_per_hour, hours, state, proposed_at, position)"
            " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'proposed', $11, $12)",
            (
                e.proposal_id,
                e.originator_id,
                e.member_id,
                e.title,
                e.description,
                e.benefits,
                c.cost_pence,
                c.rate,
                c.pence_per_hour,
                c.hours,
                e.at,
                position,
            ),
        )
    ]


@governance.on(Ballot.ProposalWithdrawn)
def proposal_withdrawn(e: Ballot.ProposalWithdrawn, position: int) -> list[Statement]:
    return [
        (
            "UPDATE {ballot_proposals} SET state = 'withdrawn' WHERE proposal_id = $1",
            (e.proposal_id,),
        )
    ]


@governance.on(Ballot.ProposalListed)
def proposal_listed(e: Ballot.ProposalListed, position: int) -> list[Statement]:
    return [
        (
            "UPDATE {ballot_proposals} SET state = 'listed', option_id = $2 WHERE proposal_id = $1",
            (e.proposal_id, e.option.id),
        ),
        (
            "UPDATE {ballots} SET options = options || $2::jsonb WHERE ballot_id = $1",
            (e.originator_id, _json([e.option])),
        ),
    ]


@governance.on(Ballot.ProposalDeclined)
def proposal_declined(e: Ballot.ProposalDeclined, position: int) -> list[Statement]:
    return [
        (
            "UPDATE {ballot_proposals} SET state = 'declined', reason = $2 WHERE proposal_id = $1",
            (e.proposal_id, e.reason),
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
            # opens_at becomes the moment it actually opened: "Open now" comes early.
            "UPDATE {ballots} SET state = 'open', rules_version = $2, electorate = $3,"
            " opens_at = $4 WHERE ballot_id = $1",
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


@governance.on(Ballot.SeatsReserved)
def seats_reserved(e: Ballot.SeatsReserved, position: int) -> list[Statement]:
    return [
        (
            "UPDATE {ballots} SET reserved = $2::jsonb, rules_reserve = $3::jsonb,"
            " continuing = $4::jsonb WHERE ballot_id = $1",
            (e.originator_id, _json(e.reserved), _json(e.rules_reserve), _json(e.continuing)),
        )
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
    proposals_until: datetime | None = None
    period: str = ""
    hours_delivered: Decimal = Decimal(0)
    seats_reserved: SeatsReserved | None = None  # an election's, once it has opened


class SeatsReserved(msgspec.Struct, frozen=True, kw_only=True):
    """An election's reserved seats as fixed when it opened, and what they came from."""

    reserved: list[tuple[str, int]]  # per class, in the rules' order
    rules_reserve: list[tuple[str, int]]
    continuing: list[Trustee]


_BALLOT_COLUMNS = (
    "ballot_id, kind, title, question, easy_read, topic, special, secret, opens_at, closes_at,"
    " state, options, seats, budget_pence, rules_version, electorate, result, proposals_until,"
    " period, hours_delivered, reserved, rules_reserve, continuing"
)


def _ballot_view(row: asyncpg.Record) -> BallotView:
    fields = dict(row)
    fields["options"] = msgspec.json.decode(row["options"])
    fields["result"] = msgspec.json.decode(row["result"]) if row["result"] else None
    reserved, rules_reserve, continuing = (
        fields.pop("reserved"),
        fields.pop("rules_reserve"),
        fields.pop("continuing"),
    )
    if reserved is not None:
        fields["seats_reserved"] = SeatsReserved(
            reserved=msgspec.json.decode(reserved, type=list[tuple[str, int]]),
            rules_reserve=msgspec.json.decode(rules_reserve, type=list[tuple[str, int]]),
            continuing=msgspec.json.decode(continuing, type=list[Trustee]),
        )
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


class ProposalView(msgspec.Struct, frozen=True, kw_only=True):
    """A member's proposal for a reinvestment ballot, and what the trustees decided."""

    proposal_id: UUID
    member_id: UUID
    member_class: str
    proposer: str  # the proposer's name, for trustees' eyes
    membership_number: int | None
    title: str
    description: str
    benefits: str
    cost_pence: int
    rate: str
    pence_per_hour: int
    hours: Decimal
    state: str
    on_ballot: bool  # listed, and still among the ballot's options
    reason: str
    proposed_at: datetime


async def proposals(pool: asyncpg.Pool, ballot_id: UUID) -> list[ProposalView]:
    """Every proposal for the ballot, in the order members made them."""
    rows = await pool.fetch(
        "SELECT p.proposal_id, p.member_id, coalesce(m.member_class, '') AS member_class,"
        " coalesce(m.name, '') AS proposer, m.membership_number, p.title, p.description,"
        " p.benefits, p.cost_pence, p.rate, p.pence_per_hour, p.hours, p.state,"
        " p.state = 'listed' AND b.options @> jsonb_build_array(jsonb_build_object('id',"
        " p.option_id)) AS on_ballot, p.reason, p.proposed_at FROM ballot_proposals p"
        " JOIN ballots b ON b.ballot_id = p.ballot_id"
        " LEFT JOIN members m ON m.member_id = p.member_id"
        " WHERE p.ballot_id = $1 ORDER BY p.position",
        ballot_id,
    )
    return [ProposalView(**dict(r)) for r in rows]
