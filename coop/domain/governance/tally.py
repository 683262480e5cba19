"""Counting a closed ballot: the marks in, the published result out (plain data)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from fractions import Fraction
from typing import Any

import msgspec

from coop.domain.counting import equal_shares, resolution, stv
from coop.domain.governance.ballots import Ballot, BallotKind, Mark
from coop.domain.governance.rules import RuleBook, SpecialResolution

# (voter's class, their last mark, declared a conflict, cast by an advocate)
Marked = tuple[str, Mark, bool, bool]


def _plain(value: Any) -> Any:
    if isinstance(value, Fraction):
        return f"{value.numerator}/{value.denominator}"
    raise TypeError(f"cannot publish {type(value).__name__}")


def threshold_for(ballot: Ballot, rules: RuleBook) -> resolution.Threshold:
    """The threshold the rules set for this ballot (ordinary, or their special variant)."""
    if not ballot.special:
        return resolution.Ordinary()
    if rules.special_resolution is SpecialResolution.EACH_CLASS_AND_75:
        return resolution.Special75AndEachClass()
    if rules.special_resolution is SpecialResolution.TWO_THIRDS_CONFIRMED:
        return resolution.TwoThirdsConfirmed()
    return resolution.Special75()


def quorum_for(rules: RuleBook) -> resolution.Quorum:
    return resolution.Quorum(
        Fraction(rules.quorum_fraction), rules.quorum_at_most, rules.quorum_each_class
    )


def count_ballot(ballot: Ballot, marks: Sequence[Marked]) -> dict[str, Any]:
    """The result of ``ballot`` from each elector's last mark, as it will be published."""
    rules = ballot.rules
    assert rules is not None, "a ballot is counted only after it opened"
    electorate = Counter(ballot.electors.values())
    common: dict[str, Any] = {
        "kind": str(ballot.kind),
        "rules_version": ballot.rules_version,
        "electorate": dict(electorate),
        "turnout": dict(Counter(c for c, *_ in marks)),
        "supported_votes": sum(1 for *_, supported in marks if supported),
        "declarations": len(ballot.declared),
    }
    if ballot.kind is BallotKind.RESOLUTION:
        result = resolution.count_resolution(
            [resolution.Vote(c, m.answer, conflicted) for c, m, conflicted, _ in marks],  # type: ignore[arg-type]
            dict(electorate),
            rules.weights(),
            threshold_for(ballot, rules),
            quorum_for(rules),
        )
        published = msgspec.to_builtins(result, enc_hook=_plain)
        return {
            **common,
            **published,
            "outcome": result.outcome,
            "carried": result.status == "carried",
            "table": [list(row) for row in result.table_rows()],
        }
    if ballot.kind is BallotKind.ELECTION:
        return {**common, **_election(ballot, marks)}
    return {**common, **_reinvestment(ballot, marks, rules)}


def _election(ballot: Ballot, marks: Sequence[Marked]) -> dict[str, Any]:
    """Trustee seats by Scottish STV, honouring the seats reserved when the ballot opened
    (the rules' reservation less the trustees continuing in office: coop.domain.governance.seats)."""
    candidates = [stv.Candidate(o.id, o.label, o.member_class) for o in ballot.options]
    count = stv.count_stv(
        candidates,
        [m.ranking for _, m, _, _ in marks],
        ballot.seats,
        ballot.reserved,
        lot_seed=str(ballot.id),
    )
    names = {c.id: c.name for c in candidates}
    return {
        "quota": count.quota,
        "valid": count.valid,
        "invalid": count.invalid,
        "elected": [names[c] for c in count.elected],
        "elected_ids": list(count.elected),
        "stages": [
            {
                "number": s.number,
                "heading": s.heading,
                "description": s.description,
                "notes": list(s.notes),
            }
            for s in count.stages
        ],
        "count_sheet": stv.count_sheet_rows(count),
        "reserved": ballot.reserved,
        "carried": bool(count.elected),
        "outcome": "Elected: " + ", ".join(names[c] for c in count.elected),
    }


def _reinvestment(ballot: Ballot, marks: Sequence[Marked], rules: RuleBook) -> dict[str, Any]:
    """The surplus allocated by the Method of Equal Shares, each class carrying its weight."""
    projects = [
        equal_shares.Project(id=o.id, title=o.label, cost=o.cost_pence) for o in ballot.options
    ]
    voters = [equal_shares.Voter(id=str(i), member_class=c) for i, (c, *_) in enumerate(marks)]
    approvals = {str(i): frozenset(m.approvals) for i, (_, m, _, _) in enumerate(marks)}
    allocation = equal_shares.equal_shares(
        projects, voters, approvals, ballot.budget_pence, rules.weights()
    )
    return {
        "selected": [p.title for p in allocation.selected],
        "selected_ids": [p.id for p in allocation.selected],
        "total_cost_pence": allocation.total_cost,
        "leftover_pence": allocation.leftover,
        "steps": [{"kind": str(step.kind), "text": step.text} for step in allocation.steps],
        "approvals": {p.id: sum(p.id in a for a in approvals.values()) for p in projects},
        "carried": bool(allocation.selected),
        "outcome": "Funded: " + (", ".join(p.title for p in allocation.selected) or "nothing"),
    }
