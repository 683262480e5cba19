"""Reserved trustee seats: what an election must reserve, given who stays on the board.

The rules reserve seats per class on the whole board. Trustees whose terms run on
past an election already hold some of them, so the election reserves, per class,
the rules' seats less the continuing trustees of that class (never below 0), as far
as its seats go round, in the rules' order. It is worked out once, when the ballot
opens, and recorded with it (``Ballot.SeatsReserved``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Sequence
from datetime import date
from uuid import UUID

import msgspec


class Trustee(msgspec.Struct, frozen=True):
    """A trustee in office when a ballot opens: their class then, and when their term began."""

    member_id: UUID
    member_class: str
    appointed_on: date


def term_ends(appointed_on: date, term_years: int) -> date:
    """A term of N years ends on the Nth anniversary of the appointment (29 Feb: 28 Feb)."""
    year = appointed_on.year + term_years
    try:
        return appointed_on.replace(year=year)
    except ValueError:
        return appointed_on.replace(year=year, day=28)


def continuing(
    trustees: Iterable[Trustee], *, after: date, term_years: int, standing: Collection[str]
) -> tuple[Trustee, ...]:
    """The trustees who stay on the board after an election that closes on ``after``.

    A trustee continues if their term ends after the close and they are not standing
    in this election (a candidate's seat is what the election decides).
    """
    return tuple(
        t
        for t in sorted(trustees, key=lambda t: (t.member_class, t.appointed_on, t.member_id))
        if term_ends(t.appointed_on, term_years) > after and str(t.member_id) not in standing
    )


def reserved_seats(
    seats: int, rules_reserve: Sequence[tuple[str, int]], staying: Iterable[Trustee]
) -> tuple[tuple[str, int], ...]:
    """Per class, in the rules' order: the rules' reserved seats less the continuing
    trustees of that class (never below 0), as far as the ``seats`` being filled go."""
    held = Counter(t.member_class for t in staying)
    left, reserved = seats, []
    for member_class, n in rules_reserve:
        needed = min(max(0, n - held[member_class]), left)
        reserved.append((member_class, needed))
        left -= needed
    return tuple(reserved)
