"""Refusals of care bookings: each names the people and the local times involved.

Names are passed in by the caller (the domain never looks people up), so a
message can say "Sam" rather than an id.
"""

from __future__ import annotations

from datetime import date

from coop.domain.care.times import Interval, duration_words, local_day, local_span, long_date
from coop.domain.errors import CoopError, InvalidInput, NotFound


class CareError(CoopError):
    """Base of care-booking refusals."""


def _on(interval: Interval, day: date | None) -> str:
    """ " on Tuesday 3 March 2026", unless that is the day already being talked about."""
    visit_day = local_day(interval.start)
    return "" if visit_day == day else f" on {long_date(visit_day)}"


class PaDoubleBooked(CareError):
    def __init__(self, pa: str, other: Interval, buffer_minutes: int, new: Interval) -> None:
        if other.overlaps(new):
            why = ""
        else:
            why = f", and needs {duration_words(buffer_minutes)} to travel between visits"
        super().__init__(
            f"{pa} already has a visit {local_span(other)}{_on(other, local_day(new.start))}{why}."
        )


class UserDoubleBooked(CareError):
    def __init__(self, user: str, other: Interval, new: Interval) -> None:
        super().__init__(
            f"{user} already has a visit {local_span(other)}{_on(other, local_day(new.start))}."
        )


class PaUnavailable(CareError):
    def __init__(self, pa: str, interval: Interval, why: str) -> None:
        super().__init__(
            f"{pa} is not available {local_span(interval)} on {long_date(interval.start)}: {why}."
        )


class LacksSkills(CareError):
    def __init__(self, pa: str, missing: str) -> None:
        super().__init__(f"{pa} is not trained for {missing}, which this visit needs.")


class NotWanted(CareError):
    def __init__(self, user: str, pa: str) -> None:
        super().__init__(f"{user} has asked not to have visits from {pa}.")


class OverFundedHours(CareError):
    def __init__(self, user: str, monday: date, total: int, funded: int) -> None:
        super().__init__(
            f"This visit would bring {user}'s care to {duration_words(total)} in the week"
            f" starting {long_date(monday)}, more than the {duration_words(funded)} a week"
            " their plan funds. A coordinator must approve the extra hours."
        )


class InThePast(InvalidInput):
    def __init__(self, what: str = "A visit") -> None:
        super().__init__(f"{what} must be in the future.", "day")


class VisitNotFound(NotFound, CareError):
    def __init__(self) -> None:
        super().__init__("There is no visit with that reference.")


class NotYourVisit(CareError):
    status = 403

    def __init__(self, doing: str) -> None:
        super().__init__(f"Only the visit's own PA can {doing}; this visit is not yours.")


class VisitStateError(CareError):
    """The visit is not at a stage where this can be done."""


class ReasonNeeded(InvalidInput):
    def __init__(self, what: str, minutes: int, planned: str) -> None:
        late = "after" if minutes > 0 else "before"
        super().__init__(
            f"You {what} {duration_words(abs(minutes))} {late} the planned {planned}:"
            " say why, so the office and the user know.",
            "reason",
        )
