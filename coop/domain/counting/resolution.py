"""Counting a resolution: for / against / abstain, class-weighted, against the rules' threshold and quorum.

Everything is an exact ``Fraction``; nothing is rounded until it is shown.
Plain-English account, with a worked example: docs/counting.md.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from fractions import Fraction
from math import ceil, floor
from typing import Literal

import msgspec

from coop.domain.errors import CoopError

Choice = Literal["for", "against", "abstain"]
Status = Literal["carried", "not_carried", "no_quorum", "awaiting_confirmation"]

HALF = Fraction(1, 2)
TWO_THIRDS = Fraction(2, 3)
THREE_QUARTERS = Fraction(3, 4)

OUTCOMES: dict[Status, str] = {
    "carried": "Carried",
    "not_carried": "Not carried",
    "no_quorum": "Not carried: quorum not reached",
    "awaiting_confirmation": "Carried at the first meeting; needs confirming",
}
TABLE_COLUMNS = ("Class", "Weight", "For", "Against", "Abstain", "Turnout", "For share")


class InvalidCount(CoopError):
    """The count's inputs contradict each other or the rules."""


class Vote(msgspec.Struct, frozen=True):
    """One member's last ballot; ``conflicted`` if they declared an interest (``declare`` policy)."""

    member_class: str
    choice: Choice
    conflicted: bool = False


class Ordinary(msgspec.Struct, frozen=True, tag="ordinary"):
    """Carried by more than half of the weighted votes for and against."""


class Special75(msgspec.Struct, frozen=True, tag="special_75"):
    """Carried by at least three-quarters of the weighted votes for and against."""


class Special75AndEachClass(msgspec.Struct, frozen=True, tag="special_75_and_each_class"):
    """At least three-quarters overall and more than half within each class that voted."""


class TwoThirdsConfirmed(msgspec.Struct, frozen=True, tag="two_thirds_confirmed"):
    """Two-thirds at a first meeting, then confirmed by more than half at a second.

    ``first_meeting_result`` is None for the first meeting's count; for the second
    meeting's count it holds the first meeting's weighted share (see ``confirming_after``).
    """

    first_meeting_result: Fraction | None = None

    @property
    def confirming(self) -> bool:
        """Whether this is the second, confirming count."""
        return self.first_meeting_result is not None

    @classmethod
    def confirming_after(cls, first: ResolutionResult) -> TwoThirdsConfirmed:
        """The threshold for the second meeting, after the first meeting's result."""
        if first.status != "awaiting_confirmation" or first.weighted_for_share is None:
            raise InvalidCount(
                "The first meeting did not carry the resolution: nothing to confirm."
            )
        return cls(first.weighted_for_share)


Threshold = Ordinary | Special75 | Special75AndEachClass | TwoThirdsConfirmed


class Quorum(msgspec.Struct, frozen=True):
    """E.g. ``Quorum(Fraction(1, 10), 20, each_class=True)``: 10 % or 20, whichever is lower, one of each class."""

    fraction_of_electorate: Fraction
    or_at_least: int | None = None
    each_class: bool = False


class QuorumCheck(msgspec.Struct, frozen=True, kw_only=True):
    """Whether enough members cast a ballot (abstentions count), and if not, why not."""

    met: bool
    cast: int
    required: int
    reasons: tuple[str, ...]


class ClassTally(msgspec.Struct, frozen=True, kw_only=True):
    """One member class's votes; ``counted_weight`` is its weight after renormalising."""

    member_class: str
    electorate: int
    votes_for: int
    votes_against: int
    abstentions: int
    weight: Fraction
    counted_weight: Fraction

    @property
    def cast(self) -> int:
        return self.votes_for + self.votes_against + self.abstentions

    @property
    def turnout(self) -> Fraction | None:
        return Fraction(self.cast, self.electorate) if self.electorate else None

    @property
    def for_share(self) -> Fraction | None:
        """For / (for + against); None when the class cast no vote for or against."""
        return _share(self.votes_for, self.votes_against)


class ResolutionResult(msgspec.Struct, frozen=True, kw_only=True):
    """The published count of one resolution ballot."""

    classes: tuple[ClassTally, ...]
    weighted_for_share: Fraction | None
    threshold: Threshold
    threshold_met: bool
    threshold_reasons: tuple[str, ...]  # why the threshold was not met; empty if it was
    quorum: QuorumCheck
    status: Status
    without_conflicted: ResolutionResult | None = None

    @property
    def outcome(self) -> str:
        return OUTCOMES[self.status]

    @property
    def votes_for(self) -> int:
        return sum(c.votes_for for c in self.classes)

    @property
    def votes_against(self) -> int:
        return sum(c.votes_against for c in self.classes)

    @property
    def abstentions(self) -> int:
        return sum(c.abstentions for c in self.classes)

    @property
    def cast(self) -> int:
        return sum(c.cast for c in self.classes)

    @property
    def electorate(self) -> int:
        return sum(c.electorate for c in self.classes)

    @property
    def raw_for_share(self) -> Fraction | None:
        """For / (for + against) over all members, as if there were no class weights."""
        return _share(self.votes_for, self.votes_against)

    def table_rows(self) -> list[tuple[str, ...]]:
        """The chart's data as a table, one row per class then the totals (see TABLE_COLUMNS)."""
        rows = [_class_row(c) for c in self.classes]
        raw = (self.votes_for, self.votes_against, self.abstentions)
        turnout = _turnout(self.cast, self.electorate)
        rows.append(("All classes, raw", "", *map(str, raw), turnout, _shown(self.raw_for_share)))
        rows.append(
            ("All classes, weighted", "100%", "", "", "", "", _shown(self.weighted_for_share))
        )
        return rows


def count_resolution(
    votes: Sequence[Vote],
    electorate: Mapping[str, int],
    weights: Mapping[str, Fraction],
    threshold: Threshold,
    quorum: Quorum,
) -> ResolutionResult:
    """Count a resolution; if anyone declared a conflict, count it again without their votes.

    The second count treats the conflicted voters as if recused: their votes go and so
    do their places in the electorate, just as the ``recuse`` policy would have done.
    """
    _check(votes, electorate, weights, threshold, quorum)
    result = _count(votes, electorate, weights, threshold, quorum)
    recused = Counter(v.member_class for v in votes if v.conflicted)
    if not recused:
        return result
    others = [v for v in votes if not v.conflicted]
    rest = {c: n - recused[c] for c, n in electorate.items()}
    return msgspec.structs.replace(
        result, without_conflicted=_count(others, rest, weights, threshold, quorum)
    )


def _count(
    votes: Sequence[Vote],
    electorate: Mapping[str, int],
    weights: Mapping[str, Fraction],
    threshold: Threshold,
    quorum: Quorum,
) -> ResolutionResult:
    tally = Counter((v.member_class, v.choice) for v in votes)
    # A class with no vote for or against has nothing to say: its weight is shared
    # among the classes that did vote, pro rata, rather than counted as "against".
    voted = {c for c in weights if tally[c, "for"] + tally[c, "against"]}
    voted_weight = sum((weights[c] for c in voted), Fraction(0))
    classes = tuple(
        ClassTally(
            member_class=c,
            electorate=electorate.get(c, 0),
            votes_for=tally[c, "for"],
            votes_against=tally[c, "against"],
            abstentions=tally[c, "abstain"],
            weight=w,
            counted_weight=w / voted_weight if c in voted else Fraction(0),
        )
        for c, w in weights.items()
    )
    share: Fraction | None = None
    if voted:
        share = sum((t.counted_weight * (t.for_share or 0) for t in classes), Fraction(0))
    met, reasons = _judge(threshold, share, classes)
    checked = _check_quorum(quorum, classes)
    return ResolutionResult(
        classes=classes,
        weighted_for_share=share,
        threshold=threshold,
        threshold_met=met,
        threshold_reasons=reasons,
        quorum=checked,
        status=_status(checked.met, met, threshold),
    )


def _judge(
    threshold: Threshold, share: Fraction | None, classes: tuple[ClassTally, ...]
) -> tuple[bool, tuple[str, ...]]:
    if share is None:
        return False, ("No one voted for or against.",)
    match threshold:
        case Ordinary():
            reasons = _short_of(share, HALF, strict=True)
        case Special75():
            reasons = _short_of(share, THREE_QUARTERS, strict=False)
        case Special75AndEachClass():
            reasons = _short_of(share, THREE_QUARTERS, strict=False) + tuple(
                reason
                for t in classes
                if t.for_share is not None
                for reason in _short_of(
                    t.for_share, HALF, strict=True, of=f"the {t.member_class} class's votes"
                )
            )
        case TwoThirdsConfirmed(first_meeting_result=None):
            reasons = _short_of(share, TWO_THIRDS, strict=False)
        case TwoThirdsConfirmed():
            reasons = _short_of(share, HALF, strict=True)
    return not reasons, reasons


def _short_of(
    share: Fraction, bound: Fraction, *, strict: bool, of: str = "the weighted votes"
) -> tuple[str, ...]:
    if share > bound or (share == bound and not strict):
        return ()
    shown = _percent(share)
    if share < bound and shown == _percent(bound):
        shown = f"just under {shown}"  # so "75% … at least 75% needed" never appears
    needed = f"more than {_percent(bound)}" if strict else f"at least {_percent(bound)}"
    return (f"{shown} of {of} were for; {needed} needed.",)


def _status(quorate: bool, met: bool, threshold: Threshold) -> Status:
    if not quorate:
        return "no_quorum"
    if not met:
        return "not_carried"
    if isinstance(threshold, TwoThirdsConfirmed) and not threshold.confirming:
        return "awaiting_confirmation"
    return "carried"


def _check_quorum(quorum: Quorum, classes: tuple[ClassTally, ...]) -> QuorumCheck:
    electorate = sum(t.electorate for t in classes)
    cast = sum(t.cast for t in classes)
    required = ceil(quorum.fraction_of_electorate * electorate)
    if quorum.or_at_least is not None:
        required = min(required, quorum.or_at_least)
    required = max(required, 1)  # a count with no ballots at all is never quorate
    reasons: list[str] = []
    if cast < required:
        reasons.append(f"{cast} of {electorate} voting members cast a ballot; {required} needed.")
    if quorum.each_class:
        # A class with no members cannot send one, so it cannot block the quorum.
        reasons += [
            f"No one in the {t.member_class} class cast a ballot; at least one needed."
            for t in classes
            if t.electorate and not t.cast
        ]
    return QuorumCheck(met=not reasons, cast=cast, required=required, reasons=tuple(reasons))


def _check(
    votes: Sequence[Vote],
    electorate: Mapping[str, int],
    weights: Mapping[str, Fraction],
    threshold: Threshold,
    quorum: Quorum,
) -> None:
    if sum(weights.values(), Fraction(0)) != 1 or any(w <= 0 for w in weights.values()):
        raise InvalidCount("The class weights must be positive and add up to 1.")
    if unknown := (set(electorate) | {v.member_class for v in votes}) - set(weights):
        raise InvalidCount(
            f"These classes have no vote under the rules: {', '.join(sorted(unknown))}."
        )
    if any(n < 0 for n in electorate.values()):
        raise InvalidCount("An electorate cannot be negative.")
    cast = Counter(v.member_class for v in votes)
    for c in weights:
        if cast[c] > electorate.get(c, 0):
            raise InvalidCount(f"More {c} ballots ({cast[c]}) than {c} electors.")
    if not 0 <= quorum.fraction_of_electorate <= 1 or (quorum.or_at_least or 1) < 1:
        raise InvalidCount("A quorum is a fraction of the electorate and a positive number.")
    first = threshold.first_meeting_result if isinstance(threshold, TwoThirdsConfirmed) else None
    if first is not None and first < TWO_THIRDS:
        raise InvalidCount("The first meeting did not reach two-thirds: nothing to confirm.")


def _share(votes_for: int, votes_against: int) -> Fraction | None:
    return Fraction(votes_for, votes_for + votes_against) if votes_for + votes_against else None


def _percent(x: Fraction) -> str:
    """Rounded half up to one decimal place, without a trailing ".0"."""
    tenths = floor(x * 1000 + HALF)
    return f"{tenths // 10}%" if tenths % 10 == 0 else f"{tenths // 10}.{tenths % 10}%"


def _shown(share: Fraction | None) -> str:
    return "no votes for or against" if share is None else _percent(share)


def _turnout(cast: int, electorate: int) -> str:
    return f"{cast} of {electorate}" + (
        f" ({_percent(Fraction(cast, electorate))})" if electorate else ""
    )


def _class_row(t: ClassTally) -> tuple[str, ...]:
    weight = _percent(t.weight)
    if t.counted_weight and t.counted_weight != t.weight:
        weight += f" (counted as {_percent(t.counted_weight)})"
    counts = (t.votes_for, t.votes_against, t.abstentions)
    return (
        t.member_class,
        weight,
        *map(str, counts),
        _turnout(t.cast, t.electorate),
        _shown(t.for_share),
    )
