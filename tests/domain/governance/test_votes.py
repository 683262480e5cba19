"""Votes with no database: cast, changed, refused after the close, and secret papers."""

from __future__ import annotations

import os
from datetime import datetime, timedelta
from uuid import UUID

import msgspec
import pytest

from coop.domain.errors import InvalidInput
from coop.domain.governance.ballots import (
    Ballot,
    BallotKind,
    BallotNotOpen,
    Mark,
    NotAnElector,
    paper_key_id,
    vote_id,
)
from coop.domain.governance.rules import ConflictPolicy
from coop.domain.governance.secrecy import small_classes
from coop.domain.governance.votes import (
    PAPER_BYTES,
    RECEIPT_ALPHABET,
    Paper,
    Participation,
    Vote,
    mark_paper,
    new_receipt,
    paper_id,
    published,
    record_voting,
    secret_paper,
    vote_on,
)
from tests.domain.governance.people import (
    AMIRA,
    CLOSES,
    EWAN,
    MARCUS,
    OPENS,
    PA_PAY_RISE,
    PRIYA,
    TOM,
    VOLUNTEER,
    opened,
)

DURING = OPENS + timedelta(hours=2)
PAPER_KEY = os.urandom(32)  # what the ballot's paper key derives; only the count holds it


def test_a_first_vote_is_cast_with_the_voters_class_and_one_id_per_member_per_ballot() -> None:
    ballot = opened()
    vote = vote_on(
        ballot, None, AMIRA, Mark(answer="for"), cast_by=AMIRA, supported=False, now=DURING
    )
    (cast,) = vote.collect_events()
    assert isinstance(cast, Vote.Cast)
    assert vote.id == vote_id(ballot.id, AMIRA)
    assert (cast.member_class, cast.mark, cast.conflicted, cast.at) == (
        "user",
        Mark(answer="for"),
        False,
        DURING,
    )


def test_a_changed_vote_replaces_the_mark_and_only_the_last_counts() -> None:
    ballot = opened()
    vote = vote_on(
        ballot, None, TOM, Mark(answer="against"), cast_by=TOM, supported=False, now=DURING
    )
    vote.collect_events()
    later = DURING + timedelta(days=1)
    again = vote_on(ballot, vote, TOM, Mark(answer="for"), cast_by=TOM, supported=False, now=later)
    assert again is vote and vote.mark == Mark(answer="for")
    (changed,) = vote.collect_events()
    assert isinstance(changed, Vote.Changed) and changed.at == later


def test_a_vote_cast_by_an_advocate_records_who_cast_it() -> None:
    ballot = opened()
    vote = vote_on(
        ballot, None, AMIRA, Mark(answer="for"), cast_by=PRIYA, supported=True, now=DURING
    )
    (cast,) = vote.collect_events()
    assert isinstance(cast, Vote.Cast)
    assert (cast.member_id, cast.cast_by, cast.supported) == (AMIRA, PRIYA, True)


def test_a_pa_who_declared_an_interest_votes_and_the_vote_is_marked() -> None:
    ballot = opened()
    ballot.declare_interest(MARCUS, "I am a PA", ConflictPolicy.DECLARE)
    vote = vote_on(
        ballot, None, MARCUS, Mark(answer="for"), cast_by=MARCUS, supported=False, now=DURING
    )
    (cast,) = vote.collect_events()
    assert isinstance(cast, Vote.Cast) and cast.conflicted is True


def test_a_vote_after_the_close_is_refused_and_nothing_is_recorded() -> None:
    ballot = opened()
    vote = vote_on(
        ballot, None, EWAN, Mark(answer="for"), cast_by=EWAN, supported=False, now=DURING
    )
    vote.collect_events()
    with pytest.raises(BallotNotOpen, match="has closed"):
        vote_on(
            ballot, vote, EWAN, Mark(answer="against"), cast_by=EWAN, supported=False, now=CLOSES
        )
    ballot.close(CLOSES)
    with pytest.raises(BallotNotOpen, match="has closed"):
        vote_on(
            ballot, vote, EWAN, Mark(answer="against"), cast_by=EWAN, supported=False, now=DURING
        )
    assert vote.collect_events() == [] and vote.mark == Mark(answer="for")


def test_someone_outside_the_electorate_cannot_vote() -> None:
    ballot = opened()
    with pytest.raises(NotAnElector):
        vote_on(
            ballot,
            None,
            VOLUNTEER,
            Mark(answer="for"),
            cast_by=VOLUNTEER,
            supported=False,
            now=DURING,
        )


# Secret ballots -------------------------------------------------------------------------------


def secret_ballot_vote(
    member: UUID,
    mark: Mark,
    receipt: str,
    paper: Paper | None = None,
    record: Participation | None = None,
    now: datetime = DURING,
) -> tuple[Ballot, Paper, Participation]:
    """A member's vote in a secret ballot as the command makes it: paper and record."""
    ballot = opened(msgspec.structs.replace(PA_PAY_RISE, secret=True))
    content = secret_paper(ballot, member, mark, receipt=receipt, now=now)
    pid = paper_id(PAPER_KEY, member)
    return (
        ballot,
        mark_paper(paper, pid, ballot.id, content),
        record_voting(
            record, ballot_id=ballot.id, member_id=member, cast_by=member, supported=False, at=now
        ),
    )


def test_a_secret_paper_is_apart_from_the_record_that_the_member_voted() -> None:
    receipt = new_receipt()
    ballot, paper, record = secret_ballot_vote(AMIRA, Mark(answer="for"), receipt)
    assert paper.id == paper_id(PAPER_KEY, AMIRA) and paper.id != record.id
    assert record.id == vote_id(ballot.id, AMIRA)
    (marked,) = paper.collect_events()
    assert isinstance(marked, Paper.Marked) and marked.key_id == paper_key_id(ballot.id)
    assert (marked.content.mark, marked.content.member_class, marked.content.receipt) == (
        Mark(answer="for"),
        "user",
        receipt,
    )
    (voted,) = record.collect_events()
    assert isinstance(voted, Participation.Voted)
    assert not hasattr(voted, "mark")  # the record never says what they chose


def test_every_paper_is_sealed_at_the_same_size_whatever_its_mark() -> None:
    sizes = {
        len(
            msgspec.json.encode(secret_ballot_vote(PRIYA, Mark(answer=a), new_receipt())[1].content)
        )
        for a in ("for", "against", "abstain")
    }
    assert sizes == {PAPER_BYTES}


def test_a_member_voting_again_in_secret_remarks_the_same_paper_with_a_new_receipt() -> None:
    first_receipt, second_receipt = new_receipt(), new_receipt()
    _, paper, record = secret_ballot_vote(TOM, Mark(answer="against"), first_receipt)
    paper.collect_events()
    record.collect_events()
    _, again, record_again = secret_ballot_vote(
        TOM, Mark(answer="for"), second_receipt, paper=paper, record=record
    )
    assert again is paper and record_again is record
    (remarked,) = paper.collect_events()
    assert isinstance(remarked, Paper.Remarked) and remarked.content.receipt == second_receipt
    assert isinstance(record.collect_events()[0], Participation.VotedAgain)


def test_a_secret_vote_after_the_close_is_refused() -> None:
    with pytest.raises(BallotNotOpen, match="has closed"):
        secret_ballot_vote(EWAN, Mark(answer="for"), new_receipt(), now=CLOSES)


def test_a_secret_vote_is_checked_as_any_vote_is() -> None:
    with pytest.raises(InvalidInput, match="Choose for, against or abstain"):
        secret_ballot_vote(EWAN, Mark(answer="yes please"), new_receipt())


def test_a_published_paper_shows_the_receipt_and_the_mark_never_the_member() -> None:
    receipt = new_receipt()
    _, paper, _ = secret_ballot_vote(PRIYA, Mark(answer="abstain"), receipt)
    shown = published(paper.content, BallotKind.RESOLUTION)
    assert shown == {
        "receipt": receipt,
        "member_class": "carer",
        "mark": {"answer": "abstain", "ranking": [], "approvals": []},
        "conflicted": False,
    }
    assert str(PRIYA) not in msgspec.json.encode(shown).decode()


def test_a_published_paper_carries_only_what_its_count_uses() -> None:
    """An election counts every paper alike: its papers say neither the class nor an
    interest, so a lone carer's ranking is not marked out as hers."""
    _, paper, _ = secret_ballot_vote(PRIYA, Mark(answer="for"), new_receipt())
    election = published(paper.content, BallotKind.ELECTION)
    reinvestment = published(paper.content, BallotKind.REINVESTMENT)
    assert set(election) == {"receipt", "mark"}
    assert set(reinvestment) == {"receipt", "mark", "member_class"}


def test_only_a_secret_class_weighted_ballot_warns_of_classes_of_one_or_two() -> None:
    voters = {"user": 5, "carer": 1, "pa": 2, "volunteer": 0}
    assert small_classes(BallotKind.RESOLUTION, True, voters) == [("carer", 1), ("pa", 2)]
    assert small_classes(BallotKind.REINVESTMENT, True, voters) == [("carer", 1), ("pa", 2)]
    assert small_classes(BallotKind.ELECTION, True, voters) == []
    assert small_classes(BallotKind.RESOLUTION, False, voters) == []
    assert small_classes(BallotKind.RESOLUTION, True, {"user": 3, "pa": 40}) == []


def test_a_receipt_code_is_three_groups_of_four_easy_to_read_characters() -> None:
    receipt = new_receipt()
    groups = receipt.split("-")
    assert [len(g) for g in groups] == [4, 4, 4]
    assert set("".join(groups)) <= set(RECEIPT_ALPHABET)
