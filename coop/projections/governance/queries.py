"""The governance projection's named reads: ballots, their electors, declarations and
members' proposals, as the pages and the scheduler ask for them.

Some of them join the members table for names and e-mail addresses: who may take
part is governance's question, the register only answers it.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

import asyncpg
import msgspec

from coop.domain.governance.seats import Trustee


class DueBallot(msgspec.Struct, frozen=True):
    """A ballot whose time to open or to close has come, and its state now."""

    ballot_id: UUID
    state: str


async def ballots_due_to_open_or_close(pool: asyncpg.Pool, now: datetime) -> list[DueBallot]:
    """Drafted ballots whose opening time has come, and open ones whose closing time has."""
    rows = await pool.fetch(
        "SELECT ballot_id, state FROM ballots WHERE (state = 'drafted' AND opens_at <= $1)"
        " OR (state IN ('open', 'closed') AND closes_at <= $1) ORDER BY closes_at",
        now,
    )
    return [DueBallot(*r) for r in rows]


class Turnout(msgspec.Struct, frozen=True):
    """How many of a class may vote in a ballot, and how many have."""

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


class MarkCast(msgspec.Struct, frozen=True, kw_only=True):
    """A counted vote in a ballot that was not secret: the voter's class and last mark."""

    member_class: str
    mark: dict[str, Any]


async def marks_cast(pool: asyncpg.Pool, ballot_id: UUID) -> list[MarkCast]:
    """Each voter's last mark in a ballot that was not secret (none in a secret one).

    A vote is saved only while the ballot is open, so once it is counted these are the
    marks the count used. In the order of the votes' ids, which says nothing of who cast them.
    """
    rows = await pool.fetch(
        "SELECT member_class, mark FROM ballot_electors"
        " WHERE ballot_id = $1 AND mark IS NOT NULL ORDER BY vote_id",
        ballot_id,
    )
    return [
        MarkCast(member_class=r["member_class"], mark=msgspec.json.decode(r["mark"])) for r in rows
    ]


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


class ElectorToRemind(msgspec.Struct, frozen=True):
    """An elector who has not voted yet, and the e-mail address a reminder goes to."""

    member_id: UUID
    membership_number: int | None
    name: str
    preferred_name: str
    member_class: str
    email: str


async def electors_yet_to_vote(pool: asyncpg.Pool, ballot_id: UUID) -> list[ElectorToRemind]:
    """Electors who have not voted yet, with their names: reminders go only to them."""
    rows = await pool.fetch(
        "SELECT e.member_id, m.membership_number, m.name, m.preferred_name, e.member_class,"
        " m.email FROM ballot_electors e JOIN members m ON m.member_id = e.member_id"
        " WHERE e.ballot_id = $1 AND e.voted_at IS NULL AND m.erased_on IS NULL"
        " ORDER BY m.membership_number",
        ballot_id,
    )
    return [ElectorToRemind(*r) for r in rows]


async def declarations_on(pool: asyncpg.Pool, ballot_id: UUID) -> list[tuple[str, str]]:
    """Who declared an interest in the ballot, and what it is: (name, interest)."""
    rows = await pool.fetch(
        "SELECT m.name, d.interest FROM ballot_declarations d JOIN members m"
        " ON m.member_id = d.member_id WHERE d.ballot_id = $1 ORDER BY m.membership_number",
        ballot_id,
    )
    return [(r["name"], r["interest"]) for r in rows]


async def interest_declared_by(pool: asyncpg.Pool, ballot_id: UUID, member_id: UUID) -> str | None:
    """The interest the member declared in the ballot, if they declared one."""
    found: str | None = await pool.fetchval(
        "SELECT interest FROM ballot_declarations WHERE ballot_id = $1 AND member_id = $2",
        ballot_id,
        member_id,
    )
    return found


class OpenBallotFor(msgspec.Struct, frozen=True):
    """An open ballot a member may vote in, and whether they have."""

    member_id: UUID
    name: str
    ballot_id: UUID
    title: str
    closes_at: datetime
    voted: bool


async def open_ballots_for(
    pool: asyncpg.Pool, member_ids: list[UUID], now: datetime
) -> list[OpenBallotFor]:
    """Open ballots these members may vote in, and whether they have, by member's name."""
    rows = await pool.fetch(
        "SELECT e.member_id, m.name, b.ballot_id, b.title, b.closes_at,"
        " e.voted_at IS NOT NULL AS voted FROM ballot_electors e"
        " JOIN ballots b ON b.ballot_id = e.ballot_id JOIN members m"
        " ON m.member_id = e.member_id WHERE e.member_id = ANY($1) AND b.state = 'open'"
        " AND b.closes_at > $2 ORDER BY m.name, b.closes_at",
        member_ids,
        now,
    )
    return [OpenBallotFor(*r) for r in rows]


# Members, as governance pages name and offer them ---------------------------------------


class CurrentMember(msgspec.Struct, frozen=True):
    """A current member, as the governance forms offer them."""

    member_id: UUID
    membership_number: int
    name: str
    member_class: str


async def current_members(pool: asyncpg.Pool) -> list[CurrentMember]:
    """Members in good standing now, by membership number."""
    rows = await pool.fetch(
        "SELECT member_id, membership_number, name, member_class FROM members"
        " WHERE status = 'admitted' ORDER BY membership_number"
    )
    return [CurrentMember(*r) for r in rows]


async def names_of_members(pool: asyncpg.Pool, member_ids: list[UUID]) -> dict[UUID, str]:
    """The names of these members (former members too), by member id."""
    rows = await pool.fetch(
        "SELECT member_id, name FROM members WHERE member_id = ANY($1)", member_ids
    )
    return {r["member_id"]: r["name"] for r in rows}
