"""A ballot's rules, with no database: drafting, opening, interests, closing."""

from __future__ import annotations

import copy
import dataclasses
from datetime import timedelta

import msgspec
import pytest
from eventsourcing.domain import Aggregate

from coop.domain.errors import InvalidInput
from coop.domain.governance.ballots import (
    Ballot,
    BallotDraft,
    BallotError,
    BallotKind,
    BallotNotOpen,
    Mark,
    NotAnElector,
    Option,
)
from coop.domain.governance.rules import ConflictPolicy
from tests.domain.governance.people import (
    AMIRA,
    CLOSES,
    ELECTORATE,
    EWAN,
    MARCUS,
    NOW,
    OPENS,
    PA_PAY_RISE,
    PRIYA,
    RULES,
    TOM,
    VOLUNTEER,
    drafted,
    opened,
)

FOR = Mark(answer="for")


def replayed(ballot: Ballot) -> Ballot:
    """The ballot as its events rebuild it (as loading it from the log does)."""
    copy: Ballot | None = None
    for e in ballot.collect_events():
        copy = e.mutate(copy)
    assert copy is not None
    return copy


# Drafting -----------------------------------------------------------------------------------


def test_a_drafted_ballot_records_every_field_of_its_draft_and_who_drafted_it() -> None:
    every = [f.name for f in dataclasses.fields(Ballot.Drafted)]
    base = {f.name for f in dataclasses.fields(Aggregate.Created)}
    assert [name for name in every if name not in base] == [*BallotDraft.__struct_fields__, "by"]


def test_a_resolution_is_always_for_against_or_abstain_whatever_options_were_given() -> None:
    draft = msgspec.structs.replace(PA_PAY_RISE, options=(Option(id="maybe", label="Maybe"),))
    ballot = drafted(draft)
    assert [o.id for o in ballot.options] == ["for", "against", "abstain"]
    assert ballot.state == "drafted" and ballot.topic == "pa_pay"


def test_a_draft_is_rebuilt_from_its_event_exactly_as_it_was_drafted() -> None:
    ballot = drafted(msgspec.structs.replace(PA_PAY_RISE, secret=True, easy_read="PA pay: yes?"))
    copy = replayed(ballot)
    assert (copy.kind, copy.secret, copy.opens_at, copy.closes_at, copy.options) == (
        BallotKind.RESOLUTION,
        True,
        OPENS,
        CLOSES,
        ballot.options,
    )


def test_a_ballot_must_close_after_it_opens_and_in_the_future() -> None:
    with pytest.raises(InvalidInput, match="must close after it opens"):
        drafted(msgspec.structs.replace(PA_PAY_RISE, closes_at=OPENS))
    with pytest.raises(InvalidInput, match="closing time must be in the future"):
        drafted(
            msgspec.structs.replace(
                PA_PAY_RISE, opens_at=NOW - timedelta(days=2), closes_at=NOW - timedelta(days=1)
            )
        )


def test_an_election_needs_a_seat_and_a_reinvestment_option_needs_a_cost() -> None:
    election = msgspec.structs.replace(PA_PAY_RISE, kind=BallotKind.ELECTION, seats=0)
    with pytest.raises(InvalidInput, match="at least one seat"):
        drafted(election)
    free_idea = (Option(id="garden", label="A sensory garden", cost_pence=0),)
    reinvestment = msgspec.structs.replace(
        PA_PAY_RISE, kind=BallotKind.REINVESTMENT, options=free_idea, budget_pence=500_000
    )
    with pytest.raises(InvalidInput, match="needs a cost above"):
        drafted(reinvestment)


def test_only_a_special_resolution_may_propose_new_rules() -> None:
    with pytest.raises(InvalidInput, match="only be proposed by a special resolution"):
        drafted(msgspec.structs.replace(PA_PAY_RISE, proposed_rules=RULES))


# Opening --------------------------------------------------------------------------------------


def test_opening_fixes_the_electorate_to_the_voting_classes() -> None:
    ballot = opened()
    assert ballot.state == "open"
    assert dict(ballot.electors) == {
        AMIRA: "user",
        TOM: "user",
        PRIYA: "carer",
        EWAN: "pa",
        MARCUS: "pa",
    }
    assert VOLUNTEER not in ballot.electors  # supporters have no vote under these rules


def test_copies_of_an_open_ballot_share_its_electorate_rather_than_copy_it() -> None:
    ballot = opened()
    assert copy.deepcopy(ballot).electors is ballot.electors


def test_a_ballot_opens_once() -> None:
    ballot = opened()
    with pytest.raises(BallotError, match="already opened"):
        ballot.open(ELECTORATE, rules=RULES, rules_version=1, at=OPENS)


def test_an_election_cannot_open_without_candidates() -> None:
    ballot = drafted(msgspec.structs.replace(PA_PAY_RISE, kind=BallotKind.ELECTION, seats=2))
    with pytest.raises(BallotError, match="List the candidates"):
        ballot.open(ELECTORATE, rules=RULES, rules_version=1, at=OPENS)


# Interests and recusal --------------------------------------------------------------------------


def test_on_a_declare_topic_a_pa_declares_while_open_and_still_votes_marked_conflicted() -> None:
    ballot = opened()
    ballot.declare_interest(MARCUS, "I am a PA", ConflictPolicy.DECLARE)
    assert ballot.check_vote(MARCUS, FOR, OPENS) == "pa"
    assert ballot.conflicted(MARCUS) and not ballot.conflicted(EWAN)


def test_on_a_recuse_topic_a_member_who_declared_stands_aside_from_the_electorate() -> None:
    trustee_pay = msgspec.structs.replace(PA_PAY_RISE, topic="trustee_pay")
    ballot = drafted(trustee_pay)
    ballot.declare_interest(TOM, "I am a trustee", ConflictPolicy.RECUSE)
    ballot.open(ELECTORATE, rules=RULES, rules_version=1, at=OPENS)
    assert TOM not in ballot.electors and AMIRA in ballot.electors
    with pytest.raises(NotAnElector):
        ballot.check_vote(TOM, FOR, OPENS)


def test_on_a_recuse_topic_an_interest_cannot_be_declared_once_the_ballot_is_open() -> None:
    ballot = opened(msgspec.structs.replace(PA_PAY_RISE, topic="trustee_pay"))
    with pytest.raises(BallotError, match="declared before the ballot opens"):
        ballot.declare_interest(TOM, "I am a trustee", ConflictPolicy.RECUSE)


def test_an_interest_is_declared_once_and_must_say_what_it_is() -> None:
    ballot = drafted()
    with pytest.raises(InvalidInput, match="Say what the interest is"):
        ballot.declare_interest(EWAN, "  ", ConflictPolicy.DECLARE)
    ballot.declare_interest(EWAN, "I am a PA", ConflictPolicy.DECLARE)
    with pytest.raises(BallotError, match="already declared"):
        ballot.declare_interest(EWAN, "I am still a PA", ConflictPolicy.DECLARE)


# Voting and closing -------------------------------------------------------------------------------


def test_a_vote_is_refused_before_the_ballot_opens() -> None:
    with pytest.raises(BallotNotOpen, match="has not opened yet"):
        drafted().check_vote(AMIRA, FOR, OPENS)


def test_a_resolution_takes_for_against_or_abstain_and_nothing_else() -> None:
    ballot = opened()
    with pytest.raises(InvalidInput, match="Choose for, against or abstain"):
        ballot.check_vote(AMIRA, Mark(answer="maybe"), OPENS)
    assert ballot.check_vote(PRIYA, Mark(answer="abstain"), OPENS) == "carer"


def test_a_vote_at_the_closing_time_is_refused_even_before_the_ballot_is_closed() -> None:
    ballot = opened()
    with pytest.raises(BallotNotOpen, match="has closed"):
        ballot.check_vote(AMIRA, FOR, CLOSES)


def test_a_closed_ballot_takes_no_votes_and_is_counted_once() -> None:
    ballot = opened()
    ballot.close(CLOSES)
    with pytest.raises(BallotNotOpen, match="has closed"):
        ballot.check_vote(AMIRA, FOR, OPENS)
    with pytest.raises(BallotNotOpen):
        ballot.close(CLOSES)
    ballot.record_count(42, {"carried": True})
    assert ballot.state == "counted" and ballot.result == {"carried": True}
    with pytest.raises(BallotError, match="counted once"):
        ballot.record_count(43, {"carried": False})
