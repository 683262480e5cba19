"""Sharing out a surplus by the Method of Equal Shares, with class weights, Add1 and greedy completion.

The rule is equalshares.net's default for approval ballots (cost utilities: a member's
benefit from an option is its cost), computed exactly with ``Fraction``:

1. **Shares.** Each class's weight of the money, split equally among its voters (a class
   in which nobody voted has its weight shared among the others pro rata).
2. **Equal shares.** Repeatedly fund the option its supporters can pay for at the lowest
   price ρ per penny of benefit, each paying ρ × cost or all they have left, until no
   option is affordable. Ties: lower cost, then more weighted support, then more
   approvals, then option id.
3. **Add1.** While some supported option still fits in the money left, raise the budget
   shares — the average member's share goes up one ``unit`` at a time from the whole-unit
   floor of the true share, every class keeping its weight — and rerun step 2, keeping
   the last outcome that costs no more than the real budget.
4. **Greedy.** Fund what still fits, most weighted support first.

Plain-English account, with a worked example: docs/counting.md.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from decimal import Decimal
from fractions import Fraction
from math import floor
from typing import Literal

import msgspec

from coop.domain.counting import equal_shares_run
from coop.domain.errors import CoopError

StepKind = Literal["shares", "add1", "mes", "greedy"]
POUND = 100  # pence: Add1's default unit, as real elections raise shares by one currency unit


class InvalidAllocation(CoopError):
    """The allocation's inputs contradict each other or the rules."""


class Project(msgspec.Struct, frozen=True):
    """A reinvestment option on the ballot; ``cost`` in pence."""

    id: str
    title: str
    cost: int


class Voter(msgspec.Struct, frozen=True):
    """A member who cast a ballot, and their class."""

    id: str
    member_class: str


class Step(msgspec.Struct, frozen=True, kw_only=True):
    """One step of the count, with ``text`` to show members and the exact figures behind it.

    ``rho`` is the price each supporter paid per penny of benefit (so each paid at most
    ρ × cost); ``payments`` maps voter ids to what they paid; ``budget`` is the total of
    everyone's shares for the "shares" and "add1" steps.
    """

    kind: StepKind
    text: str
    project: Project | None = None
    rho: Fraction | None = None
    payments: dict[str, Fraction] = {}
    budget: Fraction | None = None


class MesResult(msgspec.Struct, frozen=True, kw_only=True):
    """The allocation: what was funded, in order, and how each step came about."""

    selected: tuple[Project, ...]
    total_cost: int
    leftover: int
    steps: list[Step]
    budget: int
    raised_budget: Fraction  # the total of all shares after Add1, used by the equal-shares phase
    add1_rounds: int
    weights: dict[str, Fraction]  # the weights counted (renormalised over classes that voted)
    shares: dict[str, Fraction]  # voter id -> final (Add1-raised) budget share
    payments: dict[str, Fraction]  # voter id -> paid in the equal-shares phase
    remaining: dict[str, Fraction]  # voter id -> share left unspent

    def chosen_by(self, kind: StepKind) -> tuple[Project, ...]:
        """The projects chosen in one phase ("mes" or "greedy")."""
        return tuple(s.project for s in self.steps if s.kind == kind and s.project is not None)


class _Election(msgspec.Struct, frozen=True):
    """Validated input in a canonical order, so the outcome cannot depend on input order."""

    projects: tuple[Project, ...]  # best tie-break rank first
    voters: tuple[str, ...]
    approvers: dict[str, tuple[str, ...]]  # project id -> voter ids
    unit_share: dict[str, Fraction]  # voter id -> their share of a budget of 1
    support: dict[str, Fraction]  # project id -> weighted approvals, in votes

    def shares(self, total: Fraction) -> dict[str, Fraction]:
        return {v: total * self.unit_share[v] for v in self.voters}


class _Purchase(msgspec.Struct, frozen=True):
    project: Project
    rho: Fraction
    payments: dict[str, Fraction]


def counted_weights(
    voters: Iterable[Voter], weights: Mapping[str, Fraction]
) -> dict[str, Fraction]:
    """The weights of the classes that voted, scaled up to add to 1 again."""
    present = {v.member_class for v in voters}
    total = sum((w for c, w in weights.items() if c in present), Fraction(0))
    return {c: w / total for c, w in weights.items() if c in present}


def budget_shares(
    voters: Iterable[Voter], weights: Mapping[str, Fraction], total: Fraction | int
) -> dict[str, Fraction]:
    """Each voter's share of ``total``: their class's weight of it, split equally in the class."""
    voters = sorted(voters, key=lambda v: v.id)
    sizes = Counter(v.member_class for v in voters)
    counted = counted_weights(voters, weights)
    return {v.id: total * counted[v.member_class] / sizes[v.member_class] for v in voters}


def equal_shares(
    projects: Iterable[Project],
    voters: Iterable[Voter],
    approvals: Mapping[str, frozenset[str]],
    budget: int,
    weights: Mapping[str, Fraction | int | Decimal],
    *,
    unit: int = POUND,
) -> MesResult:
    """Allocate ``budget`` pence among ``projects`` by the Method of Equal Shares (see module doc).

    ``weights`` must be exact (``Fraction``, ``int`` or ``Decimal``): a float is refused,
    since 0.1 as a float is not one tenth and the shares would not add up exactly.
    """
    projects, voters = list(projects), list(voters)
    weights = exact_weights(weights)
    _check(projects, voters, approvals, budget, weights, unit)
    election = _election(projects, voters, approvals, weights)
    level, rounds, purchases, why = _add1(election, budget, unit)
    spent = sum(p.project.cost for p in purchases)
    greedy = _greedy(election, {p.project.id for p in purchases}, budget - spent)
    shares = election.shares(level)
    paid = {
        v: sum((p.payments.get(v, Fraction(0)) for p in purchases), Fraction(0)) for v in shares
    }
    counted = counted_weights(voters, weights)
    steps = [
        _shares_step(voters, counted, budget),
        _add1_step(voters, counted, level, rounds, unit, why),
        *(_mes_step(p) for p in purchases),
        *greedy,
    ]
    selected = tuple(s.project for s in steps if s.project is not None)
    total = sum(p.cost for p in selected)
    return MesResult(
        selected=selected,
        total_cost=total,
        leftover=budget - total,
        steps=steps,
        budget=budget,
        raised_budget=level,
        add1_rounds=rounds,
        weights=counted,
        shares=shares,
        payments=paid,
        remaining={v: shares[v] - paid[v] for v in shares},
    )


def _add1(
    election: _Election, budget: int, unit: int
) -> tuple[Fraction, int, list[_Purchase], str]:
    """Raise the shares one unit a head at a time while the outcome stays within ``budget``.

    As equalshares.net's reference code: the first run uses the true shares; the raised
    totals are (floor(budget / (n × unit)) + k) × n × unit for k = 1, 2, …; stop when the
    outcome is exhaustive or the next raise would overspend. A total is split by class
    weight, so the average member's share rises by exactly one unit each round.

    Each run follows the order bought at the last total run and checks it; it also finds
    a total up to which that order is certain (equal_shares_run). The raises up to that,
    each choosing the same options and so each kept, are counted without running.
    Returns the total used, the rounds of raising, its purchases and why it stopped.
    """
    n, data = len(election.voters), _ballots(election)
    level, rounds = Fraction(budget), 0
    last = equal_shares_run.run(data, budget)
    bought = _bought(election, last.purchases)
    step = n * unit
    raised = budget // step * step if n else 0
    why = "nothing more that anyone supported would fit in what was left"
    while n and not _exhaustive(election, bought, budget):
        raised += step
        trial = equal_shares_run.run(data, raised, guess=last)
        cost = sum(election.projects[p.rank].cost for p in trial.purchases)
        if cost > budget:
            why = (
                f"raising them to {_money(raised)} in all would have chosen options "
                f"costing {_money(cost)}"
            )
            break
        level, rounds, last = Fraction(raised), rounds + 1, trial
        bought = _bought(election, trial.purchases)
        if trial.certain and trial.sure_through is not None:
            # The raises up to sure_through choose the same options, so each is kept.
            kept = (trial.sure_through - raised) // step
            if kept > 0 and not _exhaustive(election, bought, budget):
                raised += kept * step
                level, rounds = Fraction(raised), rounds + kept
    return level, rounds, _purchases(election, data, int(level), last), why


def _ballots(election: _Election) -> equal_shares_run.Ballots:
    return equal_shares_run.ballots(
        [p.cost for p in election.projects],
        [election.approvers[p.id] for p in election.projects],
        election.unit_share,
    )


def _bought(election: _Election, purchases: list[equal_shares_run.Purchase]) -> list[Project]:
    return [election.projects[p.rank] for p in purchases]


def _purchases(
    election: _Election, data: equal_shares_run.Ballots, total: int, guess: equal_shares_run.Run
) -> list[_Purchase]:
    """The purchases at ``total`` (``guess``: the run there without payments), with who paid what."""
    return [
        _Purchase(election.projects[p.rank], p.rho, p.payments)
        for p in equal_shares_run.run(data, total, payments=True, guess=guess).purchases
    ]


def _exhaustive(election: _Election, bought: list[Project], budget: int) -> bool:
    """Whether no supported project left fits in what ``bought`` leaves of ``budget``."""
    chosen = {p.id for p in bought}
    left = budget - sum(p.cost for p in bought)
    return not any(
        p.cost <= left for p in election.projects if p.id not in chosen and election.support[p.id]
    )


def _greedy(election: _Election, chosen: set[str], left: int) -> list[Step]:
    """Fund what still fits, most weighted support first (then approvals, cost, id)."""
    steps = []
    order = sorted(
        (p for p in election.projects if p.id not in chosen and election.support[p.id]),
        key=lambda p: (-election.support[p.id], -len(election.approvers[p.id]), p.cost, p.id),
    )
    for p in order:
        if p.cost <= left:
            left -= p.cost
            text = (
                f"Greedy: '{p.title}' ({_money(p.cost)}) has the most support "
                f"({_votes(election.support[p.id])} weighted votes) of the options that "
                f"still fit; {_money(left)} is left."
            )
            steps.append(Step(kind="greedy", text=text, project=p))
    return steps


def _election(
    projects: list[Project],
    voters: list[Voter],
    approvals: Mapping[str, frozenset[str]],
    weights: Mapping[str, Fraction],
) -> _Election:
    unit_share = budget_shares(voters, weights, 1)
    approvers = {
        p.id: tuple(sorted(v for v, chosen in approvals.items() if p.id in chosen))
        for p in projects
    }
    # Support in votes: a member's approval counts n × their share of the budget, so
    # with weights in proportion to class sizes it is the plain number of approvals.
    support = {
        pid: len(voters) * sum((unit_share[v] for v in vs), Fraction(0))
        for pid, vs in approvers.items()
    }
    ordered = sorted(projects, key=lambda p: (p.cost, -support[p.id], -len(approvers[p.id]), p.id))
    return _Election(tuple(ordered), tuple(sorted(unit_share)), approvers, unit_share, support)


def exact_weights(weights: Mapping[str, object]) -> dict[str, Fraction]:
    """The class weights as fractions; a float or anything else inexact is refused."""
    exact: dict[str, Fraction] = {}
    for member_class, weight in weights.items():
        if isinstance(weight, bool) or not isinstance(weight, Fraction | int | Decimal):
            raise InvalidAllocation(
                f"The weight of class {member_class!r} must be exact (a fraction, a whole "
                f"number or a decimal), not {type(weight).__name__} {weight!r}."
            )
        if isinstance(weight, Decimal) and not weight.is_finite():
            raise InvalidAllocation(f"The weight of class {member_class!r} must be a number.")
        exact[member_class] = Fraction(weight)
    return exact


def _check(
    projects: list[Project],
    voters: list[Voter],
    approvals: Mapping[str, frozenset[str]],
    budget: int,
    weights: Mapping[str, Fraction],
    unit: int,
) -> None:
    if sum(weights.values(), Fraction(0)) != 1 or any(w <= 0 for w in weights.values()):
        raise InvalidAllocation("The class weights must be positive and add up to 1.")
    if unknown := {v.member_class for v in voters} - set(weights):
        raise InvalidAllocation(f"These classes have no vote: {', '.join(sorted(unknown))}.")
    if len({p.id for p in projects}) < len(projects) or len({v.id for v in voters}) < len(voters):
        raise InvalidAllocation("Each option and each voter must appear once.")
    if any(
        isinstance(p.cost, bool) or not isinstance(p.cost, int) or p.cost <= 0 for p in projects
    ):
        raise InvalidAllocation("Every option must cost a whole, positive number of pence.")
    if isinstance(budget, bool) or not isinstance(budget, int) or budget < 0:
        raise InvalidAllocation("The budget must be a whole, non-negative number of pence.")
    if isinstance(unit, bool) or not isinstance(unit, int) or unit <= 0:
        raise InvalidAllocation("The Add1 unit must be a whole, positive number of pence.")
    if strangers := set(approvals) - {v.id for v in voters}:
        raise InvalidAllocation(f"Ballots from people not voting: {', '.join(sorted(strangers))}.")
    named = {pid for chosen in approvals.values() for pid in chosen}
    if missing := named - {p.id for p in projects}:
        raise InvalidAllocation(f"Approvals of unknown options: {', '.join(sorted(missing))}.")


def _by_class(voters: list[Voter], counted: Mapping[str, Fraction], total: Fraction) -> str:
    """E.g. "user 50% = £500.00, shared by 2 (£250.00 each); …"."""
    parts = []
    for c, w in counted.items():
        size = sum(v.member_class == c for v in voters)
        parts.append(
            f"{c} {_percent(w)} = {_money(total * w)}, shared by {size} "
            f"({_money(total * w / size)} each)"
        )
    return "; ".join(parts) if parts else "nobody voted"


def _shares_step(voters: list[Voter], counted: Mapping[str, Fraction], budget: int) -> Step:
    text = f"Shares of {_money(budget)}: {_by_class(voters, counted, Fraction(budget))}."
    return Step(kind="shares", text=text, budget=Fraction(budget))


def _add1_step(
    voters: list[Voter],
    counted: Mapping[str, Fraction],
    level: Fraction,
    rounds: int,
    unit: int,
    why: str,
) -> Step:
    if not rounds:
        return Step(kind="add1", text=f"Add1: the shares were not raised: {why}.", budget=level)
    n = len(voters)
    start = level / n - rounds * unit
    times = {1: "once", 2: "twice"}.get(rounds, f"{rounds} times")
    text = (
        f"Add1: the shares were raised {times}: the average member's share, rounded down to "
        f"{_money(start)}, went up {_money(unit)} at a time to {_money(level / n)}, "
        f"{_money(level)} in all ({_by_class(voters, counted, level)}); it stopped there "
        f"because {why}."
    )
    return Step(kind="add1", text=text, budget=level)


def _mes_step(purchase: _Purchase) -> Step:
    p, rho = purchase.project, purchase.rho
    cap = rho * p.cost
    short = [a for a in purchase.payments.values() if a < cap]
    full = len(purchase.payments) - len(short)
    text = (
        f"Equal shares: chose '{p.title}' ({_money(p.cost)}), which its supporters could fund "
        f"at the lowest price per £1 of benefit, ρ = {_decimal(rho, 4)} (as if "
        f"{_votes(1 / rho)} of them split it equally): {full} paid {_money(cap)} each"
    )
    if short:
        text += f", {len(short)} paid all they had left ({_money(sum(short))} in all)"
    return Step(kind="mes", text=text + ".", project=p, rho=rho, payments=dict(purchase.payments))


def _decimal(x: Fraction, places: int) -> str:
    """``x`` rounded half up to ``places`` decimal places, exactly."""
    scaled = floor(x * 10**places + Fraction(1, 2))
    whole, frac = divmod(scaled, 10**places)
    return f"{whole:,}.{frac:0{places}d}" if places else f"{whole:,}"


def _money(pence: Fraction | int) -> str:
    return "£" + _decimal(Fraction(pence) / 100, 2)


def _percent(x: Fraction) -> str:
    return _decimal(x * 100, 1).removesuffix(".0") + "%"


def _votes(x: Fraction) -> str:
    return _decimal(x, 2).removesuffix(".00")
