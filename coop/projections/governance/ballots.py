"""The governance projection: ballots, their electors, declarations and members'
proposals, as events make them (events → rows).

The named reads of these tables are in ``coop.projections.governance.queries``;
meetings have their own read model (``coop.projections.governance.meetings``).

Secret ballots project only *that* someone voted; what anyone chose reaches the
read side only in the published count.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

import msgspec

from coop.domain.governance.ballots import Ballot, vote_id
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
