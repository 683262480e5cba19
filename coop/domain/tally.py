"""Counting a closed ballot: the marks in, the published result out (plain data)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from fractions import Fraction
from typing import Any

import msgspec

from coop.domain.ballots import Ballot, BallotKind, Mark
from coop.domain.counting import resolution
from coop.domain.rules import RuleBook, SpecialResolution

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
    raise NotImplementedError(f"counting {ballot.kind} ballots")
