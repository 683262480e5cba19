"""Add1 that jumps: exactly the result of raising the shares one unit at a time."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any

import msgspec
import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from coop.domain.counting import equal_shares as es
from coop.domain.counting import equal_shares_run
from coop.domain.counting.equal_shares import InvalidAllocation, Project, Voter, equal_shares
from tests.domain.counting import equal_shares_oracle as oracle

WEIGHTS = {"user": Fraction(1, 2), "carer": Fraction(1, 4), "pa": Fraction(1, 4)}
CLASSES = tuple(WEIGHTS)


def _plain(value: Any) -> Any:
    return repr(value)


def both(
    projects: list[Project],
    voters: list[Voter],
    approvals: dict[str, frozenset[str]],
    budget: int,
    unit: int,
) -> tuple[Any, Any]:
    """The result by the present count and by the unit-by-unit oracle, as plain data."""
    ours = equal_shares(projects, voters, approvals, budget, WEIGHTS, unit=unit)
    theirs = oracle.equal_shares(projects, voters, approvals, budget, WEIGHTS, unit=unit)  # type: ignore[arg-type]
    return (
        msgspec.to_builtins(ours, enc_hook=_plain),
        msgspec.to_builtins(theirs, enc_hook=_plain),
    )


@st.composite
def co_ops(
    draw: st.DrawFn,
) -> tuple[list[Project], list[Voter], dict[str, frozenset[str]], int, int]:
    members = draw(st.lists(st.sampled_from(CLASSES), min_size=1, max_size=12))
    voters = [Voter(f"m{n}", c) for n, c in enumerate(members)]
    # Few distinct costs and approval patterns, so ties (equal prices, equal money) are common.
    costs = draw(st.lists(st.sampled_from([5, 10, 12, 20, 30, 45]), min_size=1, max_size=6))
    projects = [Project(f"o{n}", f"Option {n}", cost) for n, cost in enumerate(costs)]
    patterns = draw(
        st.lists(st.frozensets(st.sampled_from([p.id for p in projects])), min_size=1, max_size=4)
    )
    approvals = {v.id: draw(st.sampled_from(patterns)) for v in voters}
    return projects, voters, approvals, draw(st.integers(0, 200)), draw(st.integers(1, 5))


@settings(max_examples=400, deadline=None)
@given(co_ops())
def test_the_jumping_completion_gives_exactly_the_unit_by_unit_result(
    co_op: tuple[list[Project], list[Voter], dict[str, frozenset[str]], int, int],
) -> None:
    ours, theirs = both(*co_op)
    assert ours == theirs


def test_exact_weights_may_be_fractions_whole_numbers_or_decimals() -> None:
    voters = [Voter("amira", "user"), Voter("ben", "pa")]
    projects = [Project("respite", "Respite breaks", 600)]
    approvals = {"amira": frozenset({"respite"}), "ben": frozenset({"respite"})}
    as_fractions = equal_shares(projects, voters, approvals, 1000, WEIGHTS)
    as_decimals = equal_shares(
        projects,
        voters,
        approvals,
        1000,
        {"user": Decimal("0.5"), "carer": Decimal("0.25"), "pa": Decimal("0.25")},
    )
    assert as_decimals == as_fractions


@pytest.mark.parametrize("weight", [0.5, "1/2", None, True, Decimal("NaN")])
def test_an_inexact_weight_is_refused_saying_which_class(weight: object) -> None:
    voters = [Voter("amira", "user"), Voter("ben", "pa")]
    with pytest.raises(InvalidAllocation, match="'user'"):
        equal_shares([], voters, {}, 1000, {"user": weight, "pa": Fraction(1, 2)})  # type: ignore[dict-item]


def purchases(run: equal_shares_run.Run) -> list[tuple[int, Fraction, dict[str, Fraction]]]:
    return [(p.rank, p.rho, p.payments) for p in run.purchases]


@settings(max_examples=300, deadline=None)
@given(co_ops(), st.integers(0, 300), st.integers(1, 80))
def test_a_run_guided_by_a_lower_total_buys_the_same_and_is_right_about_higher_ones(
    co_op: tuple[list[Project], list[Voter], dict[str, frozenset[str]], int, int],
    low: int,
    rise: int,
) -> None:
    projects, voters, approvals, _, _ = co_op
    election = es._election(projects, voters, approvals, WEIGHTS)
    data = es._ballots(election)
    lower = equal_shares_run.run(data, low, payments=True)
    guided = equal_shares_run.run(data, low + rise, payments=True, guess=lower)
    assert purchases(guided) == purchases(equal_shares_run.run(data, low + rise, payments=True))
    if guided.certain:
        top = low + rise + 40 if guided.sure_through is None else guided.sure_through
        event("certain beyond the run" if top > low + rise else "certain at the run only")
        for total in range(low + rise, top + 1):
            bought = [p.rank for p in equal_shares_run.run(data, total).purchases]
            assert bought == [p.rank for p in guided.purchases], total
