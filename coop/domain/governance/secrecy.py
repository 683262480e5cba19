"""What a secret ballot's published count must show, and whom that can single out.

A published paper carries only what its count uses, so that anyone can recount it
and nothing more: the voter's class where classes carry weights (resolutions and
reinvestment ballots), and whether they declared an interest where the result is
also shown without such votes (resolutions). An election counts every paper alike,
so its papers carry neither.

Where classes carry weights, each class's votes must be published for the count to
be checked, and a class with very few voters gives them away: with one voter, their
vote is the class's; with two, each can tell the other's. coop cannot hide that and
keep the count checkable, so it warns the trustees before such a ballot opens, and
the voters in that class before they vote (docs/counting.md, "Small classes").
"""

from __future__ import annotations

from collections.abc import Mapping

from coop.domain.governance.ballots import BallotKind

# A class with fewer voters than this can have its members' votes told apart.
SMALL_CLASS = 3


def counts_by_class(kind: BallotKind | str) -> bool:
    """Whether the count weighs each class's votes (so the papers must say the class)."""
    return kind in (BallotKind.RESOLUTION, BallotKind.REINVESTMENT)


def counts_conflicts(kind: BallotKind | str) -> bool:
    """Whether the result is also shown without declared interests (so papers say which)."""
    return kind == BallotKind.RESOLUTION


def small_classes(
    kind: BallotKind | str, secret: bool, voters: Mapping[str, int]
) -> list[tuple[str, int]]:
    """The classes of a secret ballot whose published votes would show how members voted:
    (class, how many can vote), for classes with at least one and fewer than SMALL_CLASS."""
    if not secret or not counts_by_class(kind):
        return []
    return sorted((c, n) for c, n in voters.items() if 0 < n < SMALL_CLASS)
