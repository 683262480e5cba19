"""Sharing a surplus by the Method of Equal Shares: published examples checked by hand, and properties."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from fractions import Fraction
from random import Random
from typing import NamedTuple

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coop.domain.counting.equal_shares import (
    InvalidAllocation,
    MesResult,
    Project,
    Voter,
    budget_shares,
    equal_shares,
)

# The Mutual Support co-op's rules: users 50 %, carers 25 %, PAs 25 %.
WEIGHTS = {"user": Fraction(1, 2), "carer": Fraction(1, 4), "pa": Fraction(1, 4)}
ONE_CLASS = {"resident": Fraction(1)}
POUNDS = 100


def ids(projects: tuple[Project, ...]) -> list[str]:
    return [p.id for p in projects]


def ballots(voters: list[Voter], table: Mapping[str, list[int]]) -> dict[str, frozenset[str]]:
    """Approvals from a table of option -> the (1-based) numbers of the voters approving it."""
    return {
        v.id: frozenset(pid for pid, cols in table.items() if n in cols)
        for n, v in enumerate(voters, start=1)
    }


# equalshares.net, "Explanation", Examples 1 and 2: 11 voters, £1,100, five projects.
RESIDENTS = [Voter(f"r{n:02d}", "resident") for n in range(1, 12)]
PARK_PROJECTS = [
    Project("bike", "Bike path", 700 * POUNDS),
    Project("gym", "Outdoor gym", 400 * POUNDS),
    Project("park", "New park", 250 * POUNDS),
    Project("playground", "New playground", 200 * POUNDS),
    Project("library", "Library for kids", 100 * POUNDS),
]
EXAMPLE_1 = {
    "bike": [1, 2, 3, 4, 5, 6, 11],
    "gym": [1, 2, 3, 4, 5, 6],
    "park": [2, 4, 5, 7, 10],
    "playground": [7, 8, 9, 10],
    "library": [7, 9, 10],
}
EXAMPLE_2 = EXAMPLE_1 | {"bike": [1, 2, 3, 4, 5, 6], "gym": [1, 2, 3, 4, 5, 6, 11]}


def test_equalshares_net_example_1_funds_the_bike_path_then_the_kids_projects() -> None:
    result = equal_shares(
        PARK_PROJECTS, RESIDENTS, ballots(RESIDENTS, EXAMPLE_1), 1100 * POUNDS, ONE_CLASS
    )
    assert ids(result.selected) == ["bike", "playground", "library"]
    bike, playground, library = (s for s in result.steps if s.kind == "mes")
    assert set(bike.payments.values()) == {100 * POUNDS}  # 7 supporters, £100 each
    assert bike.rho == Fraction(1, 7)  # an "effective vote count" of 7
    assert set(playground.payments.values()) == {50 * POUNDS}
    assert library.payments == {v: Fraction(100 * POUNDS, 3) for v in ("r07", "r09", "r10")}
    assert result.remaining["r08"] == 50 * POUNDS
    # £100 is left and nothing unfunded costs that little, so Add1 has nothing to do.
    assert result.add1_rounds == 0 and result.raised_budget == 1100 * POUNDS
    assert (result.total_cost, result.leftover) == (1000 * POUNDS, 100 * POUNDS)


def test_equalshares_net_example_2_splits_the_park_as_equally_as_budgets_allow() -> None:
    # A raise of £100 a head would overspend, so the equal-shares phase keeps the true
    # shares, exactly as on the page; greedy completion then adds the library.
    result = equal_shares(
        PARK_PROJECTS,
        RESIDENTS,
        ballots(RESIDENTS, EXAMPLE_2),
        1100 * POUNDS,
        ONE_CLASS,
        unit=100 * POUNDS,
    )
    gym, park, playground = (s for s in result.steps if s.kind == "mes")
    assert [gym.project, park.project, playground.project] == PARK_PROJECTS[1:4]
    assert set(gym.payments.values()) == {Fraction(400 * POUNDS, 7)}
    # Three supporters have only £300/7 ≈ £42.86 left and pay it all; the other two
    # share the remaining £850/7 equally: £425/7 ≈ £60.71 each.
    assert park.payments == {
        "r02": Fraction(300 * POUNDS, 7),
        "r04": Fraction(300 * POUNDS, 7),
        "r05": Fraction(300 * POUNDS, 7),
        "r07": Fraction(425 * POUNDS, 7),
        "r10": Fraction(425 * POUNDS, 7),
    }
    assert park.rho is not None and 1 / park.rho == Fraction(70, 17)  # ≈ 4.1 effective votes
    assert result.add1_rounds == 0
    assert ids(result.chosen_by("greedy")) == ["library"]
    assert result.total_cost == 950 * POUNDS


def test_add1_raises_example_2_shares_until_the_library_is_affordable() -> None:
    result = equal_shares(
        PARK_PROJECTS, RESIDENTS, ballots(RESIDENTS, EXAMPLE_2), 1100 * POUNDS, ONE_CLASS
    )
    # At £117 a head the library's three supporters have £17, £66 and £17 left after
    # the gym, park and playground: just £100. At £116 they had only £98.
    assert result.add1_rounds == 17 and result.raised_budget == 11 * 117 * POUNDS
    assert ids(result.chosen_by("mes")) == ["gym", "park", "playground", "library"]
    library = result.steps[-1]
    assert library.payments == {"r07": 17 * POUNDS, "r09": 66 * POUNDS, "r10": 17 * POUNDS}
    assert result.chosen_by("greedy") == ()


def test_a_51_percent_majority_does_not_take_every_project() -> None:
    # The motivating example of Wikipedia's article on the method: 51 % back
    # ten red projects, 49 % ten blue ones, and the money buys ten. Equal shares buys
    # five red at £10 a head; Add1 at £11 a head buys five of each.
    voters = [Voter(f"v{n:03d}", "resident") for n in range(100)]
    red = [Project(f"red{k:02d}", f"Red {k}", 100 * POUNDS) for k in range(10)]
    blue = [Project(f"blue{k:02d}", f"Blue {k}", 100 * POUNDS) for k in range(10)]
    approvals = {
        v.id: frozenset(p.id for p in (red if n < 51 else blue)) for n, v in enumerate(voters)
    }
    result = equal_shares(red + blue, voters, approvals, 1000 * POUNDS, ONE_CLASS)
    assert ids(result.selected) == ids(tuple(red[:5] + blue[:5]))
    assert result.add1_rounds == 1 and result.leftover == 0


# The worked example in docs/counting.md: Mutual Support shares out £1,000.
MEMBERS = [
    Voter("amira", "user"),
    Voter("ben", "user"),
    Voter("chloe", "carer"),
    Voter("dev", "carer"),
    *(Voter(f"pa{n:02d}", "pa") for n in range(1, 13)),
]
OPTIONS = [
    Project("activities", "Weekend activities for users", 520 * POUNDS),
    Project("respite", "Respite breaks for carers", 250 * POUNDS),
    Project("training", "PA training fund", 200 * POUNDS),
    Project("pay", "PA pay +50p an hour", 600 * POUNDS),
]
CHOICES = {
    "amira": frozenset({"activities", "pay"}),
    "ben": frozenset({"activities"}),
    "chloe": frozenset({"respite"}),
    "dev": frozenset({"respite"}),
} | {f"pa{n:02d}": frozenset({"training", "pay"}) for n in range(1, 13)}


def greedy_by_approvals(
    projects: list[Project], approvals: Mapping[str, frozenset[str]], budget: int
) -> list[str]:
    """The usual city rule: most approvals first, whatever still fits."""
    count = {p.id: sum(p.id in chosen for chosen in approvals.values()) for p in projects}
    chosen: list[str] = []
    for p in sorted(projects, key=lambda p: -count[p.id]):
        if p.cost <= budget:
            chosen.append(p.id)
            budget -= p.cost
    return chosen


def test_the_most_numerous_class_takes_everything_under_plain_approval_voting() -> None:
    assert greedy_by_approvals(OPTIONS, CHOICES, 1000 * POUNDS) == ["pay", "training"]


def test_class_weights_give_users_and_carers_their_share_whatever_the_numbers() -> None:
    result = equal_shares(OPTIONS, MEMBERS, CHOICES, 1000 * POUNDS, WEIGHTS)
    assert ids(result.selected) == ["training", "respite", "activities"]
    assert (result.total_cost, result.leftover) == (970 * POUNDS, 30 * POUNDS)
    # Users had £500 for a £520 option; Add1 raised the average share from £62 to £65 a
    # head (£1,040 in all), which gave users £520, carers £260 and PAs £260.
    assert result.add1_rounds == 3 and result.raised_budget == 1040 * POUNDS
    assert result.shares["amira"] == 260 * POUNDS and result.payments["amira"] == 260 * POUNDS
    assert result.shares["pa01"] == Fraction(260 * POUNDS, 12)
    assert result.payments["pa01"] == Fraction(200 * POUNDS, 12)


def test_each_step_is_explained_in_plain_english() -> None:
    result = equal_shares(OPTIONS, MEMBERS, CHOICES, 1000 * POUNDS, WEIGHTS)
    assert [s.text for s in result.steps] == [
        "Shares of £1,000.00: user 50% = £500.00, shared by 2 (£250.00 each); "
        "carer 25% = £250.00, shared by 2 (£125.00 each); "
        "pa 25% = £250.00, shared by 12 (£20.83 each).",
        "Add1: the shares were raised 3 times: the average member's share, rounded down to "
        "£62.00, went up £1.00 at a time to £65.00, £1,040.00 in all (user 50% = £520.00, "
        "shared by 2 (£260.00 each); carer 25% = £260.00, shared by 2 (£130.00 each); "
        "pa 25% = £260.00, shared by 12 (£21.67 each)); it stopped there because nothing "
        "more that anyone supported would fit in what was left.",
        "Equal shares: chose 'PA training fund' (£200.00), which its supporters could fund at "
        "the lowest price per £1 of benefit, ρ = 0.0833 (as if 12 of them split it equally): "
        "12 paid £16.67 each.",
        "Equal shares: chose 'Respite breaks for carers' (£250.00), which its supporters could "
        "fund at the lowest price per £1 of benefit, ρ = 0.5000 (as if 2 of them split it "
        "equally): 2 paid £125.00 each.",
        "Equal shares: chose 'Weekend activities for users' (£520.00), which its supporters "
        "could fund at the lowest price per £1 of benefit, ρ = 0.5000 (as if 2 of them split "
        "it equally): 2 paid £260.00 each.",
    ]


def test_a_class_in_which_nobody_voted_has_its_weight_shared_among_the_others() -> None:
    voters = [Voter("amira", "user"), *(Voter(f"pa{n}", "pa") for n in range(3))]
    shares = budget_shares(voters, WEIGHTS, 900 * POUNDS)
    assert shares["amira"] == 600 * POUNDS  # 50 % of 75 %: two-thirds
    assert shares["pa0"] == 100 * POUNDS


def test_greedy_completion_funds_the_best_supported_option_that_still_fits() -> None:
    # At £100 a head no option is affordable; one raise (£200 a head) would buy both, £450
    # in all, so Add1 stops at £100. Greedy then funds the minibus (two approvals), after
    # which the grant no longer fits.
    voters = [Voter(name, "user") for name in ("amira", "ben", "cara")]
    projects = [
        Project("minibus", "Minibus", 250 * POUNDS),
        Project("grant", "Grant", 200 * POUNDS),
    ]
    approvals = {
        "amira": frozenset({"minibus"}),
        "ben": frozenset({"minibus"}),
        "cara": frozenset({"grant"}),
    }
    result = equal_shares(
        projects, voters, approvals, 300 * POUNDS, {"user": Fraction(1)}, unit=100 * POUNDS
    )
    assert result.chosen_by("mes") == ()
    assert result.steps[1].text == (
        "Add1: the shares were not raised: raising them to £600.00 in all would have chosen "
        "options costing £450.00."
    )
    assert ids(result.chosen_by("greedy")) == ["minibus"]
    assert result.leftover == 50 * POUNDS


def test_an_option_nobody_supports_is_never_funded() -> None:
    voters = [Voter("amira", "user")]
    projects = [Project("garden", "Garden", 10 * POUNDS)]
    result = equal_shares(projects, voters, {}, 100 * POUNDS, {"user": Fraction(1)})
    assert result.selected == () and result.leftover == 100 * POUNDS


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"weights": {"user": Fraction(1, 2), "carer": Fraction(1, 4)}}, "add up to 1"),
        ({"voters": [Voter("sam", "supporter")]}, "no vote: supporter"),
        ({"approvals": {"amira": frozenset({"moon"})}}, "unknown options: moon"),
        ({"approvals": {"zed": frozenset({"pay"})}}, "people not voting: zed"),
        ({"projects": [Project("pay", "Pay", 0)]}, "positive number of pence"),
        ({"projects": [Project("pay", "Pay", 1), Project("pay", "Pay", 2)]}, "appear once"),
        ({"budget": -1}, "non-negative"),
    ],
)
def test_inputs_that_cannot_be_counted_are_refused(change: dict[str, object], message: str) -> None:
    args: dict[str, object] = {
        "projects": [Project("pay", "PA pay", 100)],
        "voters": [Voter("amira", "user")],
        "approvals": {"amira": frozenset({"pay"})},
        "budget": 1000,
        "weights": WEIGHTS,
    } | change
    with pytest.raises(InvalidAllocation, match=message):
        equal_shares(**args)  # type: ignore[arg-type]


# Properties, on small random co-ops; units of 1p to 4p keep Add1's rounds few.
CLASSES = ("user", "carer", "pa")


class Election(NamedTuple):
    projects: list[Project]
    voters: list[Voter]
    approvals: dict[str, frozenset[str]]
    budget: int
    weights: Mapping[str, Fraction] = WEIGHTS
    unit: int = 1

    def count(self) -> MesResult:
        return equal_shares(
            self.projects, self.voters, self.approvals, self.budget, self.weights, unit=self.unit
        )

    def approved(self) -> set[str]:
        return {pid for chosen in self.approvals.values() for pid in chosen}


@st.composite
def elections(draw: st.DrawFn) -> Election:
    members = draw(st.lists(st.sampled_from(CLASSES), min_size=1, max_size=8))
    voters = [Voter(f"m{n}", c) for n, c in enumerate(members)]
    costs = draw(st.lists(st.integers(1, 60), min_size=1, max_size=5))
    projects = [Project(f"o{n}", f"Option {n}", cost) for n, cost in enumerate(costs)]
    options = st.sets(st.sampled_from([p.id for p in projects]))
    approvals = {v.id: frozenset(draw(options)) for v in voters}
    return Election(
        projects, voters, approvals, draw(st.integers(0, 150)), unit=draw(st.integers(1, 4))
    )


@given(elections())
def test_no_voter_pays_more_than_their_raised_share(election: Election) -> None:
    result = election.count()
    for step in result.steps:
        if step.kind == "mes" and step.project is not None:
            assert sum(step.payments.values()) == step.project.cost
    for v, share in result.shares.items():
        assert 0 <= result.payments[v] <= share
        assert result.remaining[v] == share - result.payments[v]
    assert result.raised_budget >= result.budget


@given(elections())
def test_the_outcome_never_costs_more_than_the_budget(election: Election) -> None:
    result = election.count()
    mes_cost = sum(p.cost for p in result.chosen_by("mes"))
    assert mes_cost <= result.total_cost <= result.budget
    assert result.total_cost == sum(p.cost for p in result.selected)
    assert result.leftover == result.budget - result.total_cost


@given(elections(), st.randoms(use_true_random=False))
def test_the_outcome_does_not_depend_on_the_order_of_voters_or_ballots(
    election: Election, random: Random
) -> None:
    projects, voters = list(election.projects), list(election.voters)
    ballots = list(election.approvals.items())
    for items in (projects, voters, ballots):
        random.shuffle(items)  # type: ignore[arg-type]
    shuffled = election._replace(projects=projects, voters=voters, approvals=dict(ballots))
    assert shuffled.count() == election.count()


@given(st.lists(st.sampled_from(CLASSES), min_size=1, max_size=30), st.integers(0, 10**6))
def test_each_class_carries_its_weight_whatever_its_size(members: list[str], total: int) -> None:
    voters = [Voter(f"m{n}", c) for n, c in enumerate(members)]
    shares = budget_shares(voters, WEIGHTS, total)
    present = set(members)
    scale = sum(WEIGHTS[c] for c in present)  # 1 when every class voted
    for c in present:
        class_total = sum(shares[v.id] for v in voters if v.member_class == c)
        assert class_total == total * WEIGHTS[c] / scale
    assert sum(shares.values()) == total


@given(elections())
def test_the_final_shares_split_the_raised_budget_by_class_weight(election: Election) -> None:
    result = election.count()
    assert result.shares == budget_shares(election.voters, WEIGHTS, result.raised_budget)


@given(elections())
def test_an_option_nobody_approves_is_never_chosen(election: Election) -> None:
    result = election.count()
    assert {p.id for p in result.chosen_by("mes")} <= election.approved()
    assert {p.id for p in result.selected} <= election.approved()


@given(elections())
def test_greedy_completion_stays_within_the_budget_and_leaves_nothing_that_fits(
    election: Election,
) -> None:
    result = election.count()
    unfunded = [
        p for p in election.projects if p.id in election.approved() and p not in result.selected
    ]
    assert result.total_cost <= result.budget
    assert all(p.cost > result.leftover for p in unfunded)


@settings(max_examples=50)
@given(elections())
def test_weights_in_proportion_to_class_sizes_give_plain_equal_shares(election: Election) -> None:
    sizes = Counter(v.member_class for v in election.voters)
    proportional = {c: Fraction(n, len(election.voters)) for c, n in sizes.items()}
    weighted = election._replace(weights=proportional).count()
    residents = [Voter(v.id, "resident") for v in election.voters]
    plain = election._replace(voters=residents, weights=ONE_CLASS).count()
    assert weighted.selected == plain.selected
    assert weighted.payments == plain.payments
