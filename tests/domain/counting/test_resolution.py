"""Counting resolutions: class weights, thresholds, quorum and conflicts, checked by hand."""

from __future__ import annotations

from fractions import Fraction
from random import Random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coop.domain.counting.resolution import (
    TABLE_COLUMNS,
    InvalidCount,
    Ordinary,
    Quorum,
    ResolutionResult,
    Special75,
    Special75AndEachClass,
    Threshold,
    TwoThirdsConfirmed,
    Vote,
    count_resolution,
)

# The Mutual Support co-op's rules: users 50 %, carers 25 %, PAs 25 %.
WEIGHTS = {"user": Fraction(1, 2), "carer": Fraction(1, 4), "pa": Fraction(1, 4)}
ELECTORATE = {"user": 12, "carer": 5, "pa": 60}
TEN_PERCENT_OR_20 = Quorum(Fraction(1, 10), 20)
NO_QUORUM = Quorum(Fraction(0))
ONLY_USERS = {"user": Fraction(1)}


def ballots(
    member_class: str,
    votes_for: int = 0,
    against: int = 0,
    abstain: int = 0,
    *,
    conflicted: bool = False,
) -> list[Vote]:
    return (
        [Vote(member_class, "for", conflicted)] * votes_for
        + [Vote(member_class, "against", conflicted)] * against
        + [Vote(member_class, "abstain", conflicted)] * abstain
    )


def count(
    votes: list[Vote],
    threshold: Threshold | None = None,
    quorum: Quorum = TEN_PERCENT_OR_20,
    electorate: dict[str, int] | None = None,
    weights: dict[str, Fraction] | None = None,
) -> ResolutionResult:
    return count_resolution(
        votes,
        ELECTORATE if electorate is None else electorate,
        WEIGHTS if weights is None else weights,
        threshold or Ordinary(),
        quorum,
    )


def users_only(votes_for: int, against: int, threshold: Threshold) -> ResolutionResult:
    return count(
        ballots("user", votes_for, against), threshold, NO_QUORUM, {"user": 10_000}, ONLY_USERS
    )


WORKED_EXAMPLE = ballots("user", 6, 4) + ballots("carer", 0, 3) + ballots("pa", 30, 10)


def test_the_worked_example_is_not_carried_although_most_members_voted_for() -> None:
    result = count(WORKED_EXAMPLE)
    assert result.weighted_for_share == Fraction(1, 2) * Fraction(6, 10) + Fraction(
        1, 4
    ) * Fraction(3, 4)
    assert result.weighted_for_share == Fraction("0.4875")
    assert result.raw_for_share == Fraction(36, 53)
    assert (result.votes_for, result.votes_against, result.cast) == (36, 17, 53)
    assert result.quorum.met and result.quorum.required == 8  # 10 % of 77, rounded up
    assert not result.threshold_met
    assert result.threshold_reasons == (
        "48.8% of the weighted votes were for; more than 50% needed.",
    )
    assert result.outcome == "Not carried"
    assert result.without_conflicted is None


def test_the_worked_example_as_a_data_table() -> None:
    assert len(TABLE_COLUMNS) == 7
    assert count(WORKED_EXAMPLE).table_rows() == [
        ("user", "50%", "6", "4", "0", "10 of 12 (83.3%)", "60%"),
        ("carer", "25%", "0", "3", "0", "3 of 5 (60%)", "0%"),
        ("pa", "25%", "30", "10", "0", "40 of 60 (66.7%)", "75%"),
        ("All classes, raw", "", "36", "17", "0", "53 of 77 (68.8%)", "67.9%"),
        ("All classes, weighted", "100%", "", "", "", "", "48.8%"),
    ]


def test_exactly_half_does_not_carry_an_ordinary_resolution() -> None:
    assert users_only(50, 50, Ordinary()).outcome == "Not carried"
    assert users_only(51, 50, Ordinary()).outcome == "Carried"


def test_exactly_three_quarters_carries_a_special_resolution() -> None:
    assert users_only(75, 25, Special75()).outcome == "Carried"
    assert users_only(74, 25, Special75()).outcome == "Not carried"


def test_a_share_that_rounds_to_the_threshold_is_said_to_be_just_under_it() -> None:
    result = users_only(2999, 1001, Special75())
    assert result.threshold_reasons == (
        "just under 75% of the weighted votes were for; at least 75% needed.",
    )


def test_special_with_each_class_needs_a_majority_in_every_class_that_voted() -> None:
    strong = ballots("user", 10) + ballots("pa", 40)
    assert count(strong + ballots("carer", 1, 2), Special75AndEachClass()).threshold_reasons == (
        "33.3% of the carer class's votes were for; more than 50% needed.",
    )
    assert count(strong + ballots("carer", 1, 1), Special75AndEachClass()).outcome == "Not carried"
    assert count(strong + ballots("carer", 2, 1), Special75AndEachClass()).outcome == "Carried"
    # Carers who only abstain do not block it: they did not vote for or against.
    assert count(strong + ballots("carer", abstain=2), Special75AndEachClass()).outcome == "Carried"


def test_special_with_each_class_also_needs_three_quarters_overall() -> None:
    # Every class has a majority, but 0.5·0.6 + 0.25·0.6 + 0.25·1 = 0.7.
    votes = ballots("user", 6, 4) + ballots("carer", 3, 2) + ballots("pa", 20)
    result = count(votes, Special75AndEachClass())
    assert result.weighted_for_share == Fraction(7, 10)
    assert result.threshold_reasons == ("70% of the weighted votes were for; at least 75% needed.",)


def test_two_thirds_at_a_first_meeting_is_carried_subject_to_confirmation() -> None:
    first = users_only(200, 100, TwoThirdsConfirmed())
    assert first.weighted_for_share == Fraction(2, 3)
    assert first.status == "awaiting_confirmation"
    assert first.outcome == "Carried at the first meeting; needs confirming"
    assert users_only(199, 100, TwoThirdsConfirmed()).outcome == "Not carried"

    confirming = TwoThirdsConfirmed.confirming_after(first)
    assert confirming.confirming and confirming.first_meeting_result == Fraction(2, 3)
    assert users_only(50, 50, confirming).outcome == "Not carried"
    assert users_only(51, 50, confirming).outcome == "Carried"


def test_only_a_resolution_carried_at_a_first_meeting_can_be_confirmed() -> None:
    with pytest.raises(InvalidCount, match="nothing to confirm"):
        TwoThirdsConfirmed.confirming_after(users_only(199, 100, TwoThirdsConfirmed()))
    with pytest.raises(InvalidCount, match="nothing to confirm"):
        users_only(51, 50, TwoThirdsConfirmed(Fraction(1, 2)))


@pytest.mark.parametrize(
    ("electorate", "cast", "met"),
    [
        (50, 4, False),  # 10 % of 50 is 5, lower than 20
        (50, 5, True),
        (55, 5, False),  # 10 % of 55 is 5.5: a sixth ballot is needed
        (55, 6, True),
        (200, 19, False),  # 10 % of 200 is 20, the same as 20
        (200, 20, True),
        (1000, 19, False),  # 20 is lower than 10 % of 1000
        (1000, 20, True),
    ],
)
def test_the_quorum_is_ten_percent_or_twenty_whichever_is_lower(
    electorate: int, cast: int, met: bool
) -> None:
    # Abstentions count towards the quorum: they are ballots cast.
    votes = ballots("user", 1, abstain=cast - 1)
    result = count(votes, electorate={"user": electorate}, weights=ONLY_USERS)
    assert result.quorum.met is met
    assert result.outcome == ("Carried" if met else "Not carried: quorum not reached")


def test_an_inquorate_ballot_says_how_many_were_needed() -> None:
    result = count(ballots("user", 4), electorate={"user": 50}, weights=ONLY_USERS)
    assert result.threshold_met
    assert result.quorum.reasons == ("4 of 50 voting members cast a ballot; 5 needed.",)


def test_the_quorum_can_need_one_member_of_each_class() -> None:
    each_class = Quorum(Fraction(1, 10), 20, each_class=True)
    votes = ballots("user", 8) + ballots("pa", 12)
    result = count(votes, quorum=each_class)
    assert result.quorum.reasons == (
        "No one in the carer class cast a ballot; at least one needed.",
    )
    assert result.outcome == "Not carried: quorum not reached"
    assert count(votes + ballots("carer", abstain=1), quorum=each_class).quorum.met
    # A class with no members yet cannot block the quorum.
    assert count(votes, quorum=each_class, electorate={"user": 12, "pa": 60}).quorum.met


def test_abstentions_count_in_turnout_but_not_in_shares() -> None:
    without = count(ballots("user", 6, 4) + ballots("carer", 1, 1) + ballots("pa", 3, 1))
    with_abstentions = count(
        ballots("user", 6, 4, 2) + ballots("carer", 1, 1, 3) + ballots("pa", 3, 1, 50)
    )
    assert with_abstentions.weighted_for_share == without.weighted_for_share
    assert with_abstentions.raw_for_share == without.raw_for_share
    assert [c.cast for c in with_abstentions.classes] == [12, 5, 54]
    assert with_abstentions.classes[0].turnout == 1


def test_a_class_that_only_abstains_leaves_its_weight_to_the_classes_that_voted() -> None:
    result = count(ballots("user", 3, 1) + ballots("carer", abstain=4) + ballots("pa", 0, 4))
    users, carers, pas = result.classes
    assert (users.counted_weight, carers.counted_weight, pas.counted_weight) == (
        Fraction(2, 3),
        Fraction(0),
        Fraction(1, 3),
    )
    assert carers.for_share is None
    assert result.weighted_for_share == Fraction(2, 3) * Fraction(3, 4)
    assert result.table_rows()[0][1] == "50% (counted as 66.7%)"
    assert result.table_rows()[1][-1] == "no votes for or against"


def test_a_ballot_with_no_votes_for_or_against_is_not_carried() -> None:
    result = count(ballots("user", abstain=10), quorum=NO_QUORUM)
    assert result.weighted_for_share is None
    assert result.threshold_reasons == ("No one voted for or against.",)
    assert result.outcome == "Not carried"


def test_the_result_is_also_shown_without_the_votes_of_members_who_declared_a_conflict() -> None:
    # PA pay: 30 of the PAs declared an interest and all voted for.
    votes = ballots("user", 5, 5) + ballots("carer", 2, 2) + ballots("pa", 4, 6)
    votes += ballots("pa", 30, conflicted=True)
    result = count(votes)
    assert result.weighted_for_share == Fraction(1, 4) + Fraction(1, 8) + Fraction(1, 4) * Fraction(
        34, 40
    )
    assert result.outcome == "Carried"

    without = result.without_conflicted
    assert without is not None and without.without_conflicted is None
    assert without.weighted_for_share == Fraction(1, 4) + Fraction(1, 8) + Fraction(1, 10)
    assert without.outcome == "Not carried"
    pas = without.classes[2]
    assert (pas.votes_for, pas.votes_against, pas.electorate) == (4, 6, 30)  # as if recused


@pytest.mark.parametrize(
    ("weights", "electorate", "votes", "message"),
    [
        ({"user": Fraction(1, 2), "pa": Fraction(1, 4)}, {}, [], "add up to 1"),
        ({"user": Fraction(1), "pa": Fraction(0)}, {}, [], "positive"),
        (ONLY_USERS, {"user": 5}, ballots("supporter", 1), "no vote under the rules: supporter"),
        (
            ONLY_USERS,
            {"user": 2},
            ballots("user", 3),
            r"More user ballots \(3\) than user electors",
        ),
        (ONLY_USERS, {"user": -1}, [], "cannot be negative"),
    ],
)
def test_a_count_with_inconsistent_inputs_is_refused(
    weights: dict[str, Fraction], electorate: dict[str, int], votes: list[Vote], message: str
) -> None:
    with pytest.raises(InvalidCount, match=message):
        count(votes, electorate=electorate, weights=weights)


# Properties over random co-ops of three classes.

Tally = tuple[int, int, int]  # for, against, abstain
tallies = st.tuples(*[st.integers(0, 12)] * 3)
weight_parts = st.tuples(*[st.integers(1, 9)] * 3)
CLASSES = ("user", "carer", "pa")


def weights_from(parts: tuple[int, ...]) -> dict[str, Fraction]:
    return {c: Fraction(p, sum(parts)) for c, p in zip(CLASSES, parts, strict=True)}


def votes_from(per_class: list[Tally]) -> list[Vote]:
    return [v for c, t in zip(CLASSES, per_class, strict=True) for v in ballots(c, *t)]


def share_of(per_class: list[Tally], parts: tuple[int, ...]) -> Fraction | None:
    electorate = {c: sum(t) for c, t in zip(CLASSES, per_class, strict=True)}
    result = count_resolution(
        votes_from(per_class), electorate, weights_from(parts), Ordinary(), NO_QUORUM
    )
    return result.weighted_for_share


@given(
    st.lists(tallies, min_size=3, max_size=3),
    weight_parts,
    st.sampled_from(range(3)),
    st.integers(2, 6),
)
def test_a_class_carries_its_weight_whatever_its_size(
    per_class: list[Tally], parts: tuple[int, ...], which: int, k: int
) -> None:
    scaled = list(per_class)
    votes_for, against, abstain = per_class[which]
    scaled[which] = (votes_for * k, against * k, abstain * k)
    assert share_of(scaled, parts) == share_of(per_class, parts)


@given(
    st.lists(st.tuples(st.integers(1, 12), st.integers(0, 12)), min_size=3, max_size=3),
    weight_parts,
    st.sampled_from(range(3)),
)
def test_a_class_swinging_from_against_to_for_moves_the_result_by_exactly_its_weight(
    per_class: list[tuple[int, int]], parts: tuple[int, ...], which: int
) -> None:
    tallies_ = [(n // 2, n - n // 2, abstain) for n, abstain in per_class]
    size = sum(tallies_[which][:2])
    against, in_favour = list(tallies_), list(tallies_)
    against[which] = (0, size, tallies_[which][2])
    in_favour[which] = (size, 0, tallies_[which][2])
    high, low = share_of(in_favour, parts), share_of(against, parts)
    assert high is not None and low is not None
    assert high - low == weights_from(parts)[CLASSES[which]]


@given(st.lists(tallies, min_size=3, max_size=3), weight_parts, st.randoms())
def test_the_result_does_not_depend_on_the_order_of_the_votes(
    per_class: list[Tally], parts: tuple[int, ...], random: Random
) -> None:
    votes = votes_from(per_class)
    shuffled = list(votes)
    random.shuffle(shuffled)
    electorate = {c: sum(t) + 1 for c, t in zip(CLASSES, per_class, strict=True)}
    weights = weights_from(parts)
    for threshold in (Ordinary(), Special75AndEachClass(), TwoThirdsConfirmed()):
        assert count_resolution(
            votes, electorate, weights, threshold, TEN_PERCENT_OR_20
        ) == count_resolution(shuffled, electorate, weights, threshold, TEN_PERCENT_OR_20)


@given(st.lists(tallies, min_size=3, max_size=3), weight_parts)
def test_the_weighted_share_lies_between_none_and_all(
    per_class: list[Tally], parts: tuple[int, ...]
) -> None:
    share = share_of(per_class, parts)
    voted = any(t[0] + t[1] for t in per_class)
    assert (share is not None) is voted
    assert share is None or 0 <= share <= 1
