"""The clash rules, pure: what a PA's or a user's diary may hold at once.

- A PA never holds two confirmed visits closer than the rules' travel buffer.
- A user never has two overlapping visits (requested or confirmed, not cancelled).
- A confirmed visit lies inside the PA's availability and outside their exceptions.
- Care beyond the user's funded hours in a week (Monday to Sunday, UK time, a
  visit counting in the week it starts) needs a coordinator's approval.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from uuid import UUID

import msgspec

from coop.domain.care.availability import Availability, why_unavailable
from coop.domain.care.errors import (
    OverFundedHours,
    PaDoubleBooked,
    PaUnavailable,
    UserDoubleBooked,
)
from coop.domain.care.times import Interval, local_day, monday_of


class Booked(msgspec.Struct, frozen=True):
    """A visit a diary holds."""

    visit_id: UUID
    interval: Interval


def pa_clash(
    held: Iterable[Booked], new: Interval, buffer_minutes: int, *, besides: UUID | None = None
) -> Booked | None:
    """The held visit (other than ``besides``) within the travel buffer of ``new``, if any."""
    gap = timedelta(minutes=buffer_minutes)
    for booked in held:
        if booked.visit_id != besides and booked.interval.overlaps(new, gap):
            return booked
    return None


def user_clash(
    held: Iterable[Booked], new: Interval, *, besides: UUID | None = None
) -> Booked | None:
    """The held visit (other than ``besides``) that overlaps ``new``, if any."""
    for booked in held:
        if booked.visit_id != besides and booked.interval.overlaps(new):
            return booked
    return None


def week_minutes(held: Iterable[Booked], monday: date, *, besides: UUID | None = None) -> int:
    """Minutes of the visits starting in the UK week from ``monday``."""
    return sum(
        b.interval.minutes
        for b in held
        if b.visit_id != besides and monday_of(local_day(b.interval.start)) == monday
    )


def check_pa_free(
    pa: str, held: Iterable[Booked], new: Interval, buffer_minutes: int, besides: UUID | None
) -> None:
    if (clash := pa_clash(held, new, buffer_minutes, besides=besides)) is not None:
        raise PaDoubleBooked(pa, clash.interval, buffer_minutes, new)


def check_user_free(user: str, held: Iterable[Booked], new: Interval, besides: UUID | None) -> None:
    if (clash := user_clash(held, new, besides=besides)) is not None:
        raise UserDoubleBooked(user, clash.interval, new)


def check_available(pa: str, availability: Availability, new: Interval) -> None:
    if (why := why_unavailable(availability, new)) is not None:
        raise PaUnavailable(pa, new, why)


def check_funded(
    user: str,
    held: Iterable[Booked],
    new: Interval,
    funded_minutes: int,
    *,
    approved: bool,
    besides: UUID | None = None,
) -> None:
    """Refuse care beyond the funded hours unless a coordinator approved it."""
    monday = monday_of(local_day(new.start))
    total = week_minutes(held, monday, besides=besides) + new.minutes
    if total > funded_minutes and not approved:
        raise OverFundedHours(user, monday, total, funded_minutes)
