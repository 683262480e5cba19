"""The Method of Equal Shares as coop counted it before Add1 learnt to jump: a test oracle.

A verbatim copy of ``coop/domain/counting/equal_shares.py`` as it stood when the faster
completion was written (it raises the shares one unit a head at a time and reruns the
whole method each time). Kept only so tests can check that the faster count gives
exactly the same result, every field of it; do not change it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from fractions import Fraction
from math import floor
from typing import Literal

import msgspec

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
    weights: Mapping[str, Fraction],
    *,
    unit: int = POUND,
) -> MesResult:
    """Allocate ``budget`` pence among ``projects`` by the Method of Equal Shares (see module doc)."""
    projects, voters = list(projects), list(voters)
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
    Returns the total used, the rounds of raising, its purchases and why it stopped.
    """
    n = len(election.voters)
    level, rounds, purchases = Fraction(budget), 0, _fixed_budget(election, Fraction(budget))
    raised = budget // (n * unit) * n * unit if n else 0
    while n and not _exhaustive(election, purchases, budget):
        raised += n * unit
        trial = _fixed_budget(election, Fraction(raised))
        cost = sum(p.project.cost for p in trial)
        if cost > budget:
            return (
                level,
                rounds,
                purchases,
                (
                    f"raising them to {_money(raised)} in all would have chosen options "
                    f"costing {_money(cost)}"
                ),
            )
        level, rounds, purchases = Fraction(raised), rounds + 1, trial
    return level, rounds, purchases, "nothing more that anyone supported would fit in what was left"


def _fixed_budget(election: _Election, total: Fraction) -> list[_Purchase]:
    """One run of the Method of Equal Shares with cost utilities, shares summing to ``total``."""
    money = election.shares(total)
    by_id = {p.id: p for p in election.projects}
    rank = {p.id: r for r, p in enumerate(election.projects)}
    # A project's price can only rise as money is spent, so its last price is a lower
    # bound: scan in that order and stop once no project left could beat the best.
    lowest = {p.id: Fraction(0) for p in election.projects if election.support[p.id]}
    purchases: list[_Purchase] = []
    while True:
        best: tuple[Fraction, int] | None = None  # (rho, rank)
        for pid in sorted(lowest, key=lambda c: (lowest[c], rank[c])):
            if best is not None and lowest[pid] > best[0]:
                break
            cap = _cap(by_id[pid].cost, [money[v] for v in election.approvers[pid]])
            if cap is None:  # unaffordable now, so for ever
                del lowest[pid]
                continue
            lowest[pid] = cap / by_id[pid].cost
            best = min(best or (lowest[pid], rank[pid]), (lowest[pid], rank[pid]))
        if best is None:
            return purchases
        rho, project = best[0], election.projects[best[1]]
        cap = rho * project.cost
        paid = {v: min(money[v], cap) for v in election.approvers[project.id] if money[v]}
        for v, amount in paid.items():
            money[v] -= amount
        purchases.append(_Purchase(project, rho, paid))
        del lowest[project.id]


def _cap(cost: int, budgets: list[Fraction]) -> Fraction | None:
    """The least q such that paying min(budget, q) each raises ``cost``; None if they cannot."""
    if sum(budgets) < cost:
        return None
    paid, left = Fraction(0), len(budgets)
    for b in sorted(budgets):
        q = (cost - paid) / left
        if b >= q:
            return q
        paid, left = paid + b, left - 1
    raise AssertionError("unreachable: the budgets cover the cost")


def _exhaustive(election: _Election, purchases: list[_Purchase], budget: int) -> bool:
    """Whether no supported project left fits in what the purchases leave of ``budget``."""
    chosen = {p.project.id for p in purchases}
    left = budget - sum(p.project.cost for p in purchases)
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
