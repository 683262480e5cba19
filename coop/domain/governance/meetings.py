"""Meetings: board and general meetings, convened with the notice the rules require."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from enum import StrEnum
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from coop.domain.errors import CoopError, InvalidInput, NotFound
from coop.domain.stored_names import stored_under


class MeetingKind(StrEnum):
    BOARD = "board"
    AGM = "agm"  # annual general meeting
    SPECIAL = "special"  # special general meeting

    @property
    def is_general(self) -> bool:
        return self is not MeetingKind.BOARD


class MeetingNotFound(NotFound):
    def __init__(self) -> None:
        super().__init__("There is no meeting with that reference.")


class TooShortNotice(CoopError):
    status = 422

    def __init__(self, days: int, kind: MeetingKind, earliest: date) -> None:
        what = "A general meeting" if kind.is_general else "A board meeting"
        super().__init__(
            f"{what} needs {days} clear days' notice: the earliest date it can be held"
            f" is {earliest:%-d %B %Y}."
        )


def earliest_date(notice_given: date, clear_days: int) -> date:
    """Clear days leave out both the day notice is given and the day of the meeting."""
    return notice_given + timedelta(days=clear_days + 1)


class Meeting(Aggregate):
    """A meeting: convened, attended, minuted; its resolutions are linked to ballots."""

    class Convened(Aggregate.Created):
        kind: MeetingKind
        title: str
        starts_at: datetime
        place: str
        agenda: tuple[str, ...]
        notice_given: date
        by: UUID

    class AttendanceRecorded(Aggregate.Event):
        present: tuple[UUID, ...]  # member ids
        by: UUID

    class Minuted(Aggregate.Event):
        minutes: str
        by: UUID

    class ResolutionLinked(Aggregate.Event):
        item: int  # agenda item number, from 1
        ballot_id: UUID

    @event(Convened)
    def __init__(
        self,
        kind: MeetingKind,
        title: str,
        starts_at: datetime,
        place: str,
        agenda: tuple[str, ...],
        notice_given: date,
        by: UUID,
    ) -> None:
        self.kind = kind
        self.starts_at = starts_at
        self.agenda = agenda
        self.minutes = ""
        self.ballots: dict[int, UUID] = {}

    @classmethod
    def convene(
        cls,
        kind: MeetingKind,
        *,
        title: str,
        starts_at: datetime,
        held_on: date,
        place: str,
        agenda: tuple[str, ...],
        today: date,
        notice_days: int,
        by: UUID,
    ) -> Meeting:
        """Convene a meeting, refusing one called at shorter notice than the rules allow."""
        if not agenda:
            raise InvalidInput("Give at least one agenda item.", "agenda")
        earliest = earliest_date(today, notice_days)
        if held_on < earliest:
            raise TooShortNotice(notice_days, kind, earliest)
        return cls(
            kind=kind,
            title=title,
            starts_at=starts_at,
            place=place,
            agenda=agenda,
            notice_given=today,
            by=by,
        )

    @event(AttendanceRecorded)
    def record_attendance(self, present: tuple[UUID, ...], by: UUID) -> None:
        """Who was there."""
        self.present = present

    def minute(self, minutes: str, *, by: UUID) -> None:
        """Record the minutes (a later record replaces an earlier draft)."""
        if not minutes.strip():
            raise InvalidInput("Write the minutes.", "minutes")
        self._minuted(minutes=minutes, by=by)

    @event(Minuted)
    def _minuted(self, minutes: str, by: UUID) -> None:
        self.minutes = minutes

    def link_resolution(self, item: int, ballot_id: UUID) -> None:
        """The ballot that decides agenda item ``item``."""
        if not 1 <= item <= len(self.agenda):
            raise InvalidInput(f"The agenda has items 1 to {len(self.agenda)}.", "item")
        self._resolution_linked(item=item, ballot_id=ballot_id)

    @event(ResolutionLinked)
    def _resolution_linked(self, item: int, ballot_id: UUID) -> None:
        self.ballots[item] = ballot_id


# Stored in the log before governance and membership had rooms of their own.
stored_under(__name__, "coop.domain.meetings")
