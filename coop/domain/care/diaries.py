"""Diaries: one per PA (availability, skills) and one per user (the plan, known PAs).

The visits a diary holds are on its week pages (``coop.domain.care.weeks``),
and ``coop.domain.care.books`` puts a diary and its pages together for a
command. Diaries written before the pages held their visits themselves
(``held``): those events still load, and such visits are still guarded and
released here, so an older co-op's diaries keep their word.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, ClassVar
from uuid import UUID, uuid5

from eventsourcing.domain import Aggregate, event

from coop.domain.care.availability import (
    Availability,
    AvailabilityException,
    ExceptionKind,
    WeeklyPattern,
    check_pattern,
    is_available,
)
from coop.domain.care.errors import CareError, InThePast, LacksSkills, NotWanted
from coop.domain.care.plans import Place, SupportPlan, check_plan
from coop.domain.care.rota import (
    Booked,
    check_available,
)
from coop.domain.care.tasks import Task, listed, missing_skills
from coop.domain.care.times import Interval, local_span, long_date
from coop.domain.errors import InvalidInput, NotFound
from coop.infra.sealing import Erased, is_erased

_NAMESPACE = UUID("c5a3e0d2-7f41-4b8e-9c16-2d8f0a4b6e93")


class VisitsInTheWay(CareError):
    def __init__(self, pa: str, first: Interval, count: int) -> None:
        more = f" and {count - 1} more" if count > 1 else ""
        super().__init__(
            f"{pa} has a confirmed visit {local_span(first)} on {long_date(first.start)}{more}"
            " in that time. Ask the office to move those visits to another PA first."
        )


class NoPlan(CareError):
    def __init__(self, user: str) -> None:
        super().__init__(f"{user} has no support plan yet: set one up before booking visits.")


class _Diary(Aggregate):
    """A diary's copy for a command (the library copies what it caches) shares what
    cannot change: its visits are ids and frozen intervals, so only the containers
    are new. A year of visits made ``deepcopy`` a quarter of a booking's time."""

    def __deepcopy__(self, memo: dict[int, Any]) -> Any:
        copy = object.__new__(type(self))
        copy.__dict__.update(
            {k: type(v)(v) if type(v) in (dict, list, set) else v for k, v in vars(self).items()}
        )
        return copy


class PaDiary(_Diary):
    """A PA's availability and skills, and the weeks their diary has pages for."""

    class Opened(Aggregate.Created):
        pa_id: UUID

    class PatternSet(Aggregate.Event):
        pattern: WeeklyPattern
        by: UUID

    class SkillsSet(Aggregate.Event):
        skills: tuple[Task, ...]
        by: UUID

    class ExceptionAdded(Aggregate.Event):
        exception: AvailabilityException
        by: UUID

    class ExceptionWithdrawn(Aggregate.Event):
        exception_id: UUID
        by: UUID

    class VisitHeld(Aggregate.Event):
        visit_id: UUID
        interval: Interval

    class VisitMoved(Aggregate.Event):
        visit_id: UUID
        interval: Interval

    class VisitReleased(Aggregate.Event):
        visit_id: UUID

    class WeekOpened(Aggregate.Event):
        """The PA's page for the week from ``monday`` holds its first visit."""

        monday: date

    @staticmethod
    def create_id(pa_id: UUID) -> UUID:
        return pa_diary_id(pa_id)

    @event(Opened)
    def __init__(self, pa_id: UUID) -> None:
        self.pa_id = pa_id
        self.availability = Availability()
        self.skills: frozenset[Task] = frozenset()
        self.held: dict[UUID, Interval] = {}  # before pages: see the module's docstring
        self.weeks: frozenset[date] = frozenset()  # the Mondays of the PA's pages

    # What the PA keeps ------------------------------------------------------------
    # ``visits``: the confirmed visits the change could strand (``PaBook`` finds them).

    def set_pattern(
        self, pattern: WeeklyPattern, visits: list[Booked], *, pa: str, today: date, by: UUID
    ) -> None:
        """Work to a new weekly pattern from its start date (replacing one on the same date)."""
        check_pattern(pattern)
        if pattern.starts_on < today:
            raise InvalidInput("A new pattern can start today or later, not in the past.", "on")
        kept = tuple(p for p in self.availability.patterns if p.starts_on != pattern.starts_on)
        patterns = tuple(sorted((*kept, pattern), key=lambda p: p.starts_on))
        after = Availability(patterns=patterns, exceptions=self._exc)
        _check_still_available(pa, visits, after)
        self._pattern_set(pattern=pattern, by=by)

    def set_skills(self, skills: tuple[Task, ...], *, by: UUID) -> None:
        """Record what the PA is trained for."""
        self._skills_set(skills=tuple(sorted(set(skills))), by=by)

    def add_exception(
        self,
        exception: AvailabilityException,
        visits: list[Booked],
        *,
        pa: str,
        now: datetime,
        by: UUID,
    ) -> tuple[UUID, ...]:
        """Add leave, sickness or extra hours; the visits sickness takes the PA away from.

        Leave is planned, so it is refused while it would leave visits stranded.
        Sickness cannot be refused: the returned visits must be released from the
        PA's diary and the visits (``Visit.release_pa``) in the same save.
        """
        if exception.span.end <= now:
            raise InThePast("Leave, sickness or extra hours")
        if exception.span.minutes < 1:
            raise InvalidInput("The end must be after the start.", "end")
        if any(e.id == exception.id for e in self._exc):
            raise InvalidInput("That change to your availability is already recorded.")
        after = Availability(patterns=self._patterns, exceptions=(*self._exc, exception))
        if exception.kind is ExceptionKind.SICKNESS:
            self._exception_added(exception=exception, by=by)
            return tuple(b.visit_id for b in _stranded(visits, after))
        _check_still_available(pa, visits, after)
        self._exception_added(exception=exception, by=by)
        return ()

    def withdraw_exception(
        self, exception_id: UUID, visits: list[Booked], *, pa: str, by: UUID
    ) -> None:
        """Take back leave, sickness or extra hours (e.g. back early from sick leave)."""
        kept = tuple(e for e in self._exc if e.id != exception_id)
        if len(kept) == len(self._exc):
            raise NotFound("There is no such change to this PA's availability.")
        after = Availability(patterns=self._patterns, exceptions=kept)
        _check_still_available(pa, visits, after)
        self._exception_withdrawn(exception_id=exception_id, by=by)

    def exception(self, exception_id: UUID) -> AvailabilityException | None:
        return next((e for e in self._exc if e.id == exception_id), None)

    def check_skills(self, tasks: tuple[Task, ...], *, pa: str) -> None:
        if missing := missing_skills(tasks, self.skills):
            raise LacksSkills(pa, listed(missing))

    def check_hours(self, interval: Interval, *, pa: str) -> None:
        """Refuse a visit outside the PA's hours, or in their leave or sickness."""
        check_available(pa, self.availability, interval)

    def open_week(self, monday: date) -> None:
        """Note the PA's page for a week, so that a change of pattern finds its visits."""
        if monday not in self.weeks:
            self._week_opened(monday=monday)

    def release_held(self, visit_id: UUID) -> None:
        """Release a visit held here before the pages (see the module's docstring)."""
        self._visit_released(visit_id=visit_id)

    @property
    def _patterns(self) -> tuple[WeeklyPattern, ...]:
        return self.availability.patterns

    @property
    def _exc(self) -> tuple[AvailabilityException, ...]:
        return self.availability.exceptions

    # State changes ---------------------------------------------------------------------

    @event(PatternSet)
    def _pattern_set(self, pattern: WeeklyPattern, by: UUID) -> None:
        kept = [p for p in self._patterns if p.starts_on != pattern.starts_on]
        patterns = tuple(sorted((*kept, pattern), key=lambda p: p.starts_on))
        self.availability = Availability(patterns=patterns, exceptions=self._exc)

    @event(SkillsSet)
    def _skills_set(self, skills: tuple[Task, ...], by: UUID) -> None:
        self.skills = frozenset(skills)

    @event(ExceptionAdded)
    def _exception_added(self, exception: AvailabilityException, by: UUID) -> None:
        self.availability = Availability(
            patterns=self._patterns, exceptions=(*self._exc, exception)
        )

    @event(ExceptionWithdrawn)
    def _exception_withdrawn(self, exception_id: UUID, by: UUID) -> None:
        kept = tuple(e for e in self._exc if e.id != exception_id)
        self.availability = Availability(patterns=self._patterns, exceptions=kept)

    @event(VisitHeld)
    def _visit_held(self, visit_id: UUID, interval: Interval) -> None:
        self.held[visit_id] = interval

    @event(VisitMoved)
    def _visit_moved(self, visit_id: UUID, interval: Interval) -> None:
        self.held[visit_id] = interval

    @event(VisitReleased)
    def _visit_released(self, visit_id: UUID) -> None:
        self.held.pop(visit_id, None)

    @event(WeekOpened)
    def _week_opened(self, monday: date) -> None:
        self.weeks = self.weeks | {monday}


def _stranded(visits: list[Booked], after: Availability) -> list[Booked]:
    """The visits (earliest first) that ``after`` leaves outside the PA's hours."""
    return sorted(
        (b for b in visits if not is_available(after, b.interval)), key=lambda b: b.interval
    )


def _check_still_available(pa: str, visits: list[Booked], after: Availability) -> None:
    if stranded := _stranded(visits, after):
        raise VisitsInTheWay(pa, stranded[0].interval, len(stranded))


class UserDiary(_Diary):
    """A user's support plan, and the PAs who have been confirmed for their visits."""

    class Opened(Aggregate.Created):
        user_id: UUID

    class PlanSet(Aggregate.Event):
        SEALED_WITH: ClassVar[str] = "user_id"  # the place is the user's personal data
        user_id: UUID
        plan: SupportPlan
        place: Place
        on: date
        by: UUID

    class VisitHeld(Aggregate.Event):
        visit_id: UUID
        interval: Interval
        approved_by: UUID | None  # a coordinator, for hours beyond the funded hours

    class VisitMoved(Aggregate.Event):
        visit_id: UUID
        interval: Interval
        approved_by: UUID | None

    class VisitReleased(Aggregate.Event):
        visit_id: UUID

    class PaConfirmed(Aggregate.Event):
        """A PA was confirmed for one of the user's visits (so they know each other)."""

        visit_id: UUID
        pa_id: UUID

    @staticmethod
    def create_id(user_id: UUID) -> UUID:
        return user_diary_id(user_id)

    @event(Opened)
    def __init__(self, user_id: UUID) -> None:
        self.user_id = user_id
        self.plan: SupportPlan | None = None
        self.place: Place | Erased | None = None
        self.held: dict[UUID, Interval] = {}  # before pages: see the module's docstring
        self.known_pas: dict[UUID, int] = {}  # PA id: visits confirmed

    def set_plan(self, plan: SupportPlan, place: Place, *, on: date, by: UUID) -> None:
        """Record the user's plan (the user, a consented carer or a coordinator)."""
        check_plan(plan, place)
        self._plan_set(user_id=self.user_id, plan=plan, place=place, on=on, by=by)

    def check_pa(self, pa_id: UUID, *, user: str, pa: str) -> None:
        """Refuse a PA the user has said they do not want."""
        if self.plan is not None and pa_id in self.plan.not_wanted:
            raise NotWanted(user, pa)

    def note_pa(self, visit_id: UUID, pa_id: UUID) -> None:
        """Remember the PA confirmed for a visit (continuity, when finding PAs)."""
        self._pa_confirmed(visit_id=visit_id, pa_id=pa_id)

    def release_held(self, visit_id: UUID) -> None:
        """Release a visit held here before the pages (see the module's docstring)."""
        self._visit_released(visit_id=visit_id)

    @property
    def erased(self) -> bool:
        return is_erased(self.place)

    @event(PlanSet)
    def _plan_set(self, user_id: UUID, plan: SupportPlan, place: Place, on: date, by: UUID) -> None:
        self.plan = plan
        self.place = place

    @event(VisitHeld)
    def _visit_held(self, visit_id: UUID, interval: Interval, approved_by: UUID | None) -> None:
        self.held[visit_id] = interval

    @event(VisitMoved)
    def _visit_moved(self, visit_id: UUID, interval: Interval, approved_by: UUID | None) -> None:
        self.held[visit_id] = interval

    @event(VisitReleased)
    def _visit_released(self, visit_id: UUID) -> None:
        self.held.pop(visit_id, None)

    @event(PaConfirmed)
    def _pa_confirmed(self, visit_id: UUID, pa_id: UUID) -> None:
        self.known_pas[pa_id] = self.known_pas.get(pa_id, 0) + 1


def pa_diary_id(pa_id: UUID) -> UUID:
    """One diary per PA: a second one collides in the event store."""
    return uuid5(_NAMESPACE, f"pa-diary:{pa_id}")


def user_diary_id(user_id: UUID) -> UUID:
    """One diary per user."""
    return uuid5(_NAMESPACE, f"user-diary:{user_id}")
