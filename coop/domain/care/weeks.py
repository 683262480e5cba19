"""Week pages: the visits one PA or one user holds in one UK week (Monday to Sunday).

A diary that held every visit grew by a year of visits a year, and every command
loaded, copied and searched all of them. A page holds one week's, so what a
booking reads does not grow with the co-op's history.

A visit is written on the page of every week its time touches (one over Sunday
midnight is on two), and checked against every page within the travel buffer
of it. Two visits that clash share a moment, or come within the buffer of each
other across a page's edge: either way one of them is written on a page the
other reads. A command saves the pages it wrote and names the pages it only
read as unchanged (``Pages.read``), so of two racing commands that would clash
the second to save loses in the event store and, retried, is refused with the
real reason. The rule needs no fixed buffer: the pages read are the ones within
the buffer in force when the command runs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, timedelta
from uuid import UUID, uuid5

from eventsourcing.domain import Aggregate, event

from coop.domain.care.diaries import _Diary
from coop.domain.care.rota import Booked
from coop.domain.care.times import Interval, local_day, monday_of

_NAMESPACE = UUID("0f6d2b8e-5c13-4a97-b4e0-7e2a91c5d3f8")
_WEEK = timedelta(days=7)
_INSTANT = timedelta(microseconds=1)


class Week(_Diary):
    """One page of a diary: the visits its owner (a PA or a user) holds that week."""

    class Opened(Aggregate.Created):
        owner_id: UUID
        monday: date

    class VisitHeld(Aggregate.Event):
        visit_id: UUID
        interval: Interval
        approved_by: UUID | None  # a coordinator, for a user's hours beyond the plan

    class VisitMoved(Aggregate.Event):
        visit_id: UUID
        interval: Interval
        approved_by: UUID | None

    class VisitReleased(Aggregate.Event):
        visit_id: UUID

    @staticmethod
    def create_id(owner_id: UUID, monday: date) -> UUID:
        return week_id(owner_id, monday)

    @event(Opened)
    def __init__(self, owner_id: UUID, monday: date) -> None:
        self.owner_id = owner_id
        self.monday = monday
        self.held: dict[UUID, Interval] = {}

    def hold(self, visit_id: UUID, interval: Interval, approved_by: UUID | None) -> None:
        """Write the visit on this page (checked by the caller against every page near it)."""
        if visit_id in self.held:
            if self.held[visit_id] != interval:
                self._visit_moved(visit_id=visit_id, interval=interval, approved_by=approved_by)
        else:
            self._visit_held(visit_id=visit_id, interval=interval, approved_by=approved_by)

    def release(self, visit_id: UUID) -> None:
        if visit_id in self.held:
            self._visit_released(visit_id=visit_id)

    @event(VisitHeld)
    def _visit_held(self, visit_id: UUID, interval: Interval, approved_by: UUID | None) -> None:
        self.held[visit_id] = interval

    @event(VisitMoved)
    def _visit_moved(self, visit_id: UUID, interval: Interval, approved_by: UUID | None) -> None:
        self.held[visit_id] = interval

    @event(VisitReleased)
    def _visit_released(self, visit_id: UUID) -> None:
        self.held.pop(visit_id, None)


def week_id(owner_id: UUID, monday: date) -> UUID:
    """One page per person per week: a second one collides in the event store."""
    return uuid5(_NAMESPACE, f"week:{owner_id}:{monday.isoformat()}")


def mondays(interval: Interval, gap: timedelta = timedelta(0)) -> Iterator[date]:
    """The Mondays of the UK weeks that ``interval``, widened by ``gap`` each side, touches."""
    monday = monday_of(local_day(interval.start - gap))
    last = monday_of(local_day(interval.end + gap - _INSTANT))
    while monday <= last:
        yield monday
        monday += _WEEK


class Pages:
    """The pages of one person's diary that a command opens, each loaded when first needed.

    ``load`` gives the stored page with that id, or None if it was never written.
    """

    def __init__(self, owner_id: UUID, load: Callable[[UUID], Week | None]) -> None:
        self.owner_id = owner_id
        self._load = load
        self.opened: dict[date, Week] = {}

    def page(self, monday: date) -> Week:
        if monday not in self.opened:
            found = self._load(week_id(self.owner_id, monday))
            self.opened[monday] = found or Week(owner_id=self.owner_id, monday=monday)
        return self.opened[monday]

    def near(self, interval: Interval, gap: timedelta = timedelta(0)) -> list[Booked]:
        """The visits held within ``gap`` of ``interval``'s weeks (each once)."""
        found: dict[UUID, Interval] = {}
        for monday in mondays(interval, gap):
            found.update(self.page(monday).held)
        return [Booked(v, i) for v, i in found.items()]

    def hold(
        self, visit_id: UUID, interval: Interval, approved_by: UUID | None, *, was: Interval | None
    ) -> None:
        """Write the visit on the pages of its weeks (off those it was on and is no longer)."""
        weeks = set(mondays(interval))
        if was is not None:
            for monday in mondays(was):
                if monday not in weeks:
                    self.page(monday).release(visit_id)
        for monday in sorted(weeks):
            self.page(monday).hold(visit_id, interval, approved_by)

    def holds(self, visit_id: UUID, interval: Interval) -> bool:
        return any(visit_id in self.page(m).held for m in mondays(interval))

    def release(self, visit_id: UUID, interval: Interval) -> None:
        for monday in mondays(interval):
            self.page(monday).release(visit_id)

    def from_week(self, monday: date, weeks: frozenset[date]) -> list[Booked]:
        """The visits held on the pages of ``weeks`` from ``monday`` on."""
        found: dict[UUID, Interval] = {}
        for week in sorted(w for w in weeks if w >= monday):
            found.update(self.page(week).held)
        return [Booked(v, i) for v, i in found.items()]

    def written(self) -> list[Week]:
        """The pages with a visit to save (a page opened only to be read is not saved)."""
        return [p for p in self.opened.values() if len(p.pending_events) > _is_new(p)]

    def read(self) -> list[tuple[UUID, int]]:
        """The pages only read, at the version read (0: a page nobody has written yet)."""
        return [
            (p.id, p.version - _is_new(p))
            for p in self.opened.values()
            if len(p.pending_events) == _is_new(p)
        ]


def _is_new(page: Week) -> int:
    """1 if the page is new here (its Opened event not yet saved), else 0."""
    return int(bool(page.pending_events) and isinstance(page.pending_events[0], Week.Opened))
