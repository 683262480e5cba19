"""Trustee elections by Scottish STV: hand-checked counts, tie-breaks, reserved seats, properties."""

from __future__ import annotations

from collections import Counter
from hashlib import sha256
from random import Random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coop.domain.counting.stv import (
    SCALE,
    Ballot,
    Candidate,
    InvalidRanking,
    Stage,
    StvResult,
    check_ranking,
    count_sheet_rows,
    count_stv,
    format_votes,
)

AMIRA = Candidate("amira", "Amira Hassan", "user")
BILL = Candidate("bill", "Bill Okafor", "carer")
CHEN = Candidate("chen", "Chen Wei", "pa")
DANA = Candidate("dana", "Dana Reid", "user")


def papers(*groups: tuple[int, Ballot]) -> list[Ballot]:
    """``papers((5, ("amira", "bill")), ...)``: five papers ranking Amira then Bill."""
    return [ranking for n, ranking in groups for _ in range(n)]


def votes(stage: Stage) -> dict[str, str]:
    return {cid: format_votes(v) for cid, v in stage.totals.items()}


def people(*ids: str, member_class: str = "user") -> list[Candidate]:
    return [Candidate(i, i.title(), member_class) for i in ids]


# Hand-checked counts


def _worked_example() -> list[Ballot]:
    return papers(
        (5, ("amira", "bill")),
        (4, ("amira", "chen")),
        (1, ("bill",)),
        (2, ("chen", "bill")),
        (1, ("dana", "bill")),
    )


def test_a_two_seat_count_worked_by_hand() -> None:
    """13 valid papers, 2 seats: quota = floor(13 / 3) + 1 = 5.

    Stage 1  Amira 9, Bill 1, Chen 2, Dana 1: Amira is elected with a surplus of 4.
    Stage 2  Amira's 9 papers move at 4 × 1 / 9 = 0.44444 (0.444444… truncated):
             5 to Bill (+2.22220 = 3.22220), 4 to Chen (+1.77776 = 3.77776);
             4 − 9 × 0.44444 = 0.00004 is lost to truncation; Amira keeps 5.
    Stage 3  no surplus; Dana (1) is lowest and excluded: her paper goes to Bill, 4.22220.
    Stage 4  Bill 4.22220 and Chen 3.77776 for one seat: Chen is excluded. Her own two
             papers go to Bill (6.22220, over the quota: elected); the four from Amira
             rank nobody after Chen, so 1.77776 is non-transferable.
    Check:   5 + 6.22220 + 1.77776 + 0.00004 = 13.
    """
    ballots = _worked_example()
    result = count_stv([AMIRA, BILL, CHEN, DANA], ballots, seats=2)

    assert (result.quota, result.valid, result.invalid) == (5, 13, 0)
    assert result.elected == ("amira", "bill")
    first, surplus, dana_out, chen_out = result.stages
    assert votes(first) == {
        "amira": "9.00000",
        "bill": "1.00000",
        "chen": "2.00000",
        "dana": "1.00000",
    }
    assert first.elected == ("amira",)
    assert surplus.kind == "surplus" and surplus.subjects == ("amira",)
    assert surplus.transfer_values == ((SCALE, 44444),)
    assert votes(surplus) == {
        "amira": "5.00000",
        "bill": "3.22220",
        "chen": "3.77776",
        "dana": "1.00000",
    }
    assert format_votes(surplus.truncation_loss) == "0.00004"
    assert dana_out.excluded == ("dana",) and votes(dana_out)["bill"] == "4.22220"
    assert chen_out.excluded == ("chen",) and chen_out.elected == ("bill",)
    assert votes(chen_out) == {
        "amira": "5.00000",
        "bill": "6.22220",
        "chen": "0.00000",
        "dana": "0.00000",
    }
    assert format_votes(chen_out.non_transferable) == "1.77776"


def test_the_wikipedia_food_election_elects_chocolate_oranges_and_strawberries() -> None:
    """Wikipedia's STV example: 20 voters, 3 seats, quota floor(20 / 4) + 1 = 6.

    Chocolate's 12 leave a surplus of 6, moving at 6 / 12 = 0.5: strawberries 1 + 8 × 0.5 = 5,
    sweets 1 + 4 × 0.5 = 3. Pears (2) are excluded, giving oranges 6: elected. Sweets (3) are
    excluded, their 3 votes non-transferable, and strawberries, the one continuing candidate
    for the one seat left, are deemed elected at that same stage (rule 52): the sheet has no
    stage of its own for it, as a returning officer's has none.
    """
    food = people("oranges", "pears", "chocolate", "strawberries", "sweets")
    ballots = papers(
        (4, ("oranges",)),
        (2, ("pears", "oranges")),
        (8, ("chocolate", "strawberries")),
        (4, ("chocolate", "sweets")),
        (1, ("strawberries",)),
        (1, ("sweets",)),
    )
    result = count_stv(food, ballots, seats=3)

    assert result.quota == 6
    assert result.elected == ("chocolate", "oranges", "strawberries")
    assert [s.kind for s in result.stages] == [
        "first preferences",
        "surplus",
        "exclusion",
        "exclusion",
    ]
    assert result.stages[1].transfer_values == ((SCALE, 50000),)
    assert votes(result.stages[1])["strawberries"] == "5.00000"
    assert result.stages[2].elected == ("oranges",)
    last = result.stages[-1]
    assert last.excluded == ("sweets",) and last.elected == ("strawberries",)
    assert any("deemed elected (rule 52(1))" in note for note in last.notes)
    assert format_votes(last.non_transferable) == "3.00000"


def test_once_the_last_vacancies_are_filled_a_surplus_is_not_transferred() -> None:
    """Rule 52: 16 papers, 3 seats, quota 5. Amira (6) is elected; her surplus of 1 is
    non-transferable. Eve (1) goes to Chen (4); Dana's 2 papers take Bill to 6, over the
    quota. Chen is now the one continuing candidate for the one seat left: deemed elected
    at that same stage, and Bill's surplus stays where it is (52(2)): 4 stages, not 5.
    """
    five = people("amira", "bill", "chen", "dana", "eve")
    ballots = papers(
        (6, ("amira",)), (4, ("bill",)), (3, ("chen",)), (2, ("dana", "bill")), (1, ("eve", "chen"))
    )
    result = count_stv(five, ballots, seats=3)

    assert result.quota == 5 and result.elected == ("amira", "bill", "chen")
    assert [s.kind for s in result.stages] == [
        "first preferences",
        "surplus",
        "exclusion",
        "exclusion",
    ]
    last = result.stages[-1]
    assert last.excluded == ("dana",) and last.elected == ("bill", "chen")
    assert votes(last)["bill"] == "6.00000"
    assert any("surplus of Bill stays where it is" in note for note in last.notes)


def test_with_one_seat_left_the_leader_is_not_elected_before_the_last_exclusion() -> None:
    """The Order has no rule electing a candidate who can no longer be caught (Northern
    Ireland's and Ireland's rules do). In the worked example Bill leads Chen after stage 3
    by more than Chen has, but Chen is still excluded at stage 4, as a returning officer
    would: the Scottish wards of 2017 all end so (tests/domain/test_scottish_councils.py).
    """
    result = count_stv([AMIRA, BILL, CHEN, DANA], _worked_example(), seats=2)
    third = result.stages[2]
    assert third.totals["bill"] > third.totals["chen"] and third.elected == ()
    assert len(result.stages) == 4 and result.stages[3].excluded == ("chen",)


def test_a_transfer_value_is_truncated_to_five_places_never_rounded_up() -> None:
    """11 papers, 5 seats: quota 2. Amira's surplus of 4 over 6 papers is 0.666666…: 0.66666."""
    others = people("b", "c", "d", "e", "f")
    ballots = [*papers((6, ("amira", "b"))), ("b",), ("c",), ("d",), ("e",), ("f",)]
    result = count_stv([AMIRA, *others], ballots, seats=5)

    surplus = result.stages[1]
    assert result.quota == 2
    assert surplus.transfer_values == ((SCALE, 66666),)
    assert votes(surplus)["b"] == "4.99996"
    assert surplus.truncation_loss == 4  # 4 − 6 × 0.66666, in hundred-thousandths


def test_a_later_surplus_moves_each_paper_at_its_own_value() -> None:
    """A paper received at 0.5 moves on at surplus × 0.5 / total, not at the first-preference rate."""
    result = count_stv(people("a", "b", "c", "d", "e"), _equal_surplus_ballots(), seats=4)
    c_surplus = result.stages[2]  # c's surplus of 1 over 7: 1/7 for whole papers, 0.5/7 for halves
    assert c_surplus.transfer_values == ((SCALE, 14285), (50000, 7142))


# Tie-breaks


def test_equal_lowest_are_separated_at_the_latest_stage_at_which_they_differed() -> None:
    """Rule 51(2)(a). X 1, Y 2 at stage 1; 2.5 and 2 at stage 2; 2.5 each at stage 3.

    Looking back from stage 3, stage 2 is the latest difference: Y had fewer, so Y goes,
    although X had fewer at stage 1.
    """
    ballots = papers(
        (3, ("a", "x")),
        (9, ("a",)),
        (1, ("x",)),
        (2, ("y",)),
        (2, ("b", "y")),
        (6, ("b",)),
    )
    result = count_stv(people("a", "b", "x", "y"), ballots, seats=3)

    assert votes(result.stages[2])["x"] == votes(result.stages[2])["y"] == "2.50000"
    exclusion = result.stages[3]
    assert exclusion.excluded == ("y",)
    assert any("stage 2" in note for note in exclusion.notes)
    assert result.elected == ("a", "b", "x")


def test_equal_lowest_at_every_stage_are_decided_by_a_lot_drawn_from_the_seed() -> None:
    """Rule 51(2)(b): the lot is the smallest SHA-256 of "seed|stage|id", recorded on the sheet."""
    ballots = papers((3, ("a",)), (2, ("b",)), (1, ("x",)), (1, ("y",)))
    outcomes = {}
    for seed in ("agm-2026", "agm-2027", "egm-1", "egm-2", "egm-3", "egm-4"):
        result = count_stv(people("a", "b", "x", "y"), ballots, seats=2, lot_seed=seed)
        exclusion = next(s for s in result.stages if s.kind == "exclusion")
        drawn = min(("x", "y"), key=lambda c: sha256(f"{seed}|1|{c}".encode()).hexdigest())
        assert exclusion.excluded == (drawn,)
        assert any("lot" in n and repr(seed) in n for n in exclusion.notes)
        assert count_stv(people("a", "b", "x", "y"), ballots, 2, lot_seed=seed) == result
        outcomes[seed] = drawn
    assert set(outcomes.values()) == {"x", "y"}


def _equal_surplus_ballots() -> list[Ballot]:
    return papers(
        (6, ("a", "b")),
        (4, ("a", "c")),
        (2, ("a",)),
        (4, ("b", "e")),
        (5, ("c", "d")),
        (3, ("d",)),
        (2, ("e",)),
    )


def test_equal_surpluses_move_first_for_whoever_led_at_the_latest_unequal_stage() -> None:
    """Rule 49(2). 26 papers, 4 seats, quota 6. a's surplus of 6 moves at 0.5:
    b 4 + 3 = 7, c 5 + 2 = 7, both elected with equal surpluses of 1. At stage 1 c had more,
    so c is elected first and c's surplus moves first.
    """
    result = count_stv(people("a", "b", "c", "d", "e"), _equal_surplus_ballots(), seats=4)

    assert result.quota == 6
    assert result.stages[1].elected == ("c", "b")
    assert result.stages[2].subjects == ("c",) and result.stages[3].subjects == ("b",)
    assert any("stage 1" in note for note in result.stages[2].notes)
    assert result.stages[2].truncation_loss == 7  # 1 − 5 × 0.14285 − 4 × 0.07142
    assert result.elected == ("a", "c", "b", "d")


def test_equal_surpluses_equal_at_every_stage_are_ordered_by_lot_which_can_decide_the_seat() -> (
    None
):
    """Rule 49(3). a and b both 4 (quota 3): whichever surplus moves first puts its
    favourite ahead at the stage the final tie looks back to."""
    ballots = papers((4, ("a", "c")), (4, ("b", "d")), (1, ("c",)), (1, ("d",)))
    winners = set()
    for seed in ("1", "2", "3", "4", "5", "6", "7", "8"):
        result = count_stv(people("a", "b", "c", "d"), ballots, seats=3, lot_seed=seed)
        first_surplus = result.stages[1]
        assert first_surplus.subjects == (result.elected[0],)
        assert any("lot" in note for note in result.stages[0].notes)
        favourite = {"a": "c", "b": "d"}[result.elected[0]]
        assert result.elected[2] == favourite
        winners.add(favourite)
    assert winners == {"c", "d"}


# Reserved seats


def _users_and_a_pa() -> list[Candidate]:
    return [*people("u1", "u2", "u3"), Candidate("p1", "P1", "pa")]


def test_a_reserved_seat_guards_out_a_candidate_who_would_leave_it_unfilled() -> None:
    """3 seats, one reserved for a PA. Users u1 (5) and u2 (4) reach the quota of 4; the
    last seat must then go to a PA, so u3 is guarded out and p1 deemed elected."""
    ballots = papers((5, ("u1",)), (4, ("u2",)), (3, ("u3", "p1")), (2, ("p1",)))
    free = count_stv(_users_and_a_pa(), ballots, seats=3)
    reserved = count_stv(_users_and_a_pa(), ballots, seats=3, reserved={"pa": 1})

    assert set(free.elected) == {"u1", "u2", "u3"}
    assert reserved.elected == ("u1", "u2", "p1")
    guard = reserved.stages[1]  # before u1's surplus: papers skip whoever cannot be elected
    assert guard.kind == "guarded" and guard.excluded == ("u3",)
    assert votes(guard)["p1"] == "5.00000"


def test_a_candidate_reaching_the_quota_is_passed_over_when_a_reserved_seat_needs_the_place() -> (
    None
):
    ballots = papers((4, ("u1",)), (4, ("u2",)), (4, ("u3",)), (1, ("p1",)))
    result = count_stv(_users_and_a_pa(), ballots, seats=3, reserved={"pa": 1}, lot_seed="x")

    assert result.quota == 4
    first = result.stages[0]
    assert len(first.elected) == 2
    assert any("reached the quota but cannot be elected" in n for n in first.notes)
    assert result.elected[-1] == "p1"
    assert Counter(c.member_class for c in _users_and_a_pa() if c.id in result.elected) == {
        "user": 2,
        "pa": 1,
    }


def test_the_last_candidate_for_a_reserved_seat_is_protected_from_exclusion() -> None:
    """3 seats, one reserved for a carer, quota 5. c1 (1) is excluded as usual: two carers
    stand for one reserved seat. Then c2 (2) is lowest but the last carer, so u3 (3) goes
    instead, u2 reaches the quota, and c2 is deemed elected."""
    candidates = [*people("u1", "u2", "u3"), *people("c1", "c2", member_class="carer")]
    ballots = papers((6, ("u1",)), (4, ("u2",)), (3, ("u3", "u2")), (1, ("c1",)), (2, ("c2",)))
    free = count_stv(candidates, ballots, seats=3)
    result = count_stv(candidates, ballots, seats=3, reserved={"carer": 1})

    assert free.elected == ("u1", "u2", "u3")
    assert result.elected == ("u1", "u2", "c2")
    exclusions = [s for s in result.stages if s.kind == "exclusion"]
    assert [s.excluded for s in exclusions] == [("c1",), ("u3",)]
    assert any("C2 is not excluded" in n for n in exclusions[1].notes)


def test_a_reservation_larger_than_the_class_standing_is_cut_down_and_noted() -> None:
    result = count_stv(_users_and_a_pa(), papers((3, ("u1",)), (1, ("p1",))), 3, {"pa": 2})
    assert result.reserved == {"pa": 1}
    assert any("only 1 standing" in n for n in result.stages[0].notes)
    assert "p1" in result.elected


def test_more_reserved_seats_than_seats_is_refused() -> None:
    with pytest.raises(ValueError, match="More seats are reserved"):
        count_stv(_users_and_a_pa(), [("u1",)], seats=2, reserved={"pa": 1, "user": 2})


# Rankings, invalid papers and the sheet


def test_a_ranking_may_not_repeat_a_candidate_or_name_someone_not_standing() -> None:
    standing = [AMIRA, BILL]
    check_ranking(("bill", "amira"), standing)
    with pytest.raises(ValueError, match="Preference 2 repeats Bill Okafor"):
        check_ranking(("bill", "bill"), standing)
    with pytest.raises(InvalidRanking, match="Preference 3 is not a candidate"):
        check_ranking(("bill", "amira", "zoe"), standing)
    with pytest.raises(InvalidRanking, match="at least one"):
        check_ranking((), standing)


def test_invalid_papers_are_counted_apart_and_do_not_move_the_quota() -> None:
    ballots = [("amira",), ("amira",), ("bill",), (), ("bill", "bill"), ("zoe",)]
    result = count_stv([AMIRA, BILL], ballots, seats=1)
    assert (result.valid, result.invalid, result.quota) == (3, 3, 2)
    assert result.elected == ("amira",)


def test_the_count_sheet_has_a_row_per_candidate_and_a_column_per_stage() -> None:
    ballots = _worked_example()
    rows = count_sheet_rows(count_stv([AMIRA, BILL, CHEN, DANA], ballots, seats=2))

    assert rows[0] == [
        "Candidate",
        "1. First preferences",
        "2. Surplus of Amira Hassan",
        "3. Exclusion of Dana Reid",
        "4. Exclusion of Chen Wei",
        "Outcome",
    ]
    assert rows[2] == [
        "Bill Okafor",
        "1.00000",
        "3.22220",
        "4.22220",
        "6.22220",
        "Elected at stage 4",
    ]
    assert rows[4][-1] == "Excluded at stage 3"
    assert rows[-3] == ["Non-transferable", "0.00000", "0.00000", "0.00000", "1.77776", ""]
    assert rows[-2] == ["Lost to truncation", "0.00000", "0.00004", "0.00004", "0.00004", ""]
    assert rows[-1] == ["Total", "13.00000", "13.00000", "13.00000", "13.00000", ""]


# Properties

CLASSES = ("user", "carer", "pa")
Election = tuple[list[Candidate], list[Ballot], int, dict[str, int]]


@st.composite
def elections(draw: st.DrawFn, with_reserved: bool = False) -> Election:
    n = draw(st.integers(1, 7))
    candidates = [
        Candidate(f"c{i}", f"Candidate {i}", draw(st.sampled_from(CLASSES))) for i in range(n)
    ]
    ids = [c.id for c in candidates]
    ranking = st.permutations(ids).flatmap(
        lambda p: st.integers(1, len(p)).map(lambda k: tuple(p[:k]))
    )
    ballots = draw(st.lists(ranking, max_size=40))
    seats = draw(st.integers(1, 5))
    reserved: dict[str, int] = {}
    if with_reserved:
        for member_class in CLASSES:
            room = seats - sum(reserved.values())
            reserved[member_class] = draw(st.integers(0, min(room, 2)))
    return candidates, ballots, seats, reserved


def _count(election: Election) -> StvResult:
    candidates, ballots, seats, reserved = election
    return count_stv(candidates, ballots, seats, reserved, lot_seed="prop")


@settings(max_examples=300, deadline=None)
@given(elections(with_reserved=True))
def test_exactly_the_seats_are_filled_by_different_candidates(
    election: Election,
) -> None:
    candidates, _, seats, _ = election
    result = _count(election)
    assert len(result.elected) == min(seats, len(candidates))
    assert len(set(result.elected)) == len(result.elected)


@settings(max_examples=300, deadline=None)
@given(elections(with_reserved=True))
def test_every_stage_accounts_for_every_valid_paper(
    election: Election,
) -> None:
    result = _count(election)
    for stage in result.stages:
        accounted = sum(stage.totals.values()) + stage.non_transferable + stage.truncation_loss
        assert accounted == result.valid * SCALE
        assert stage.truncation_loss >= 0 and all(v >= 0 for v in stage.totals.values())


@settings(max_examples=200, deadline=None)
@given(elections(with_reserved=True), st.randoms(use_true_random=False))
def test_the_order_of_the_ballots_does_not_change_the_count(
    election: Election, rng: Random
) -> None:
    candidates, ballots, seats, reserved = election
    shuffled = list(ballots)
    rng.shuffle(shuffled)
    assert _count((candidates, shuffled, seats, reserved)) == _count(election)


@settings(max_examples=300, deadline=None)
@given(elections())
def test_a_candidate_with_a_quota_of_first_preferences_is_elected(
    election: Election,
) -> None:
    _, ballots, _, _ = election
    result = _count(election)
    firsts = Counter(b[0] for b in ballots)
    for cid, n in firsts.items():
        if n >= result.quota:
            assert cid in result.elected


@settings(max_examples=300, deadline=None)
@given(elections(with_reserved=True))
def test_reserved_seats_are_filled_whenever_enough_of_the_class_stand(
    election: Election,
) -> None:
    candidates, _, _, reserved = election
    result = _count(election)
    standing = Counter(c.member_class for c in candidates)
    won = Counter(c.member_class for c in candidates if c.id in result.elected)
    for member_class, n in reserved.items():
        assert won[member_class] >= min(n, standing[member_class])
