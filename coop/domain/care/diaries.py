"""Diaries: one per PA and one per user, holding the visits that must never clash.

Each diary is one aggregate, so two confirms that would clash in it are two
saves of the same version: the second loses in the event store, and when it
is retried it sees the first visit and is refused. That makes the clash rules
hold under concurrency without any lock of our own.
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
    check_funded,
    check_pa_free,
    check_user_free,
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
    """A PA's availability, skills and the confirmed visits they hold."""

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

    @staticmethod
    def create_id(pa_id: UUID) -> UUID:
        return pa_diary_id(pa_id)

    @event(Opened)
    def __init__(self, pa_id: UUID) -> None:
        self.pa_id = pa_id
        self.availability = Availability()
        self.skills: frozenset[Task] = frozenset()
        self.held: dict[UUID, Interval] = {}

    # What the PA keeps ------------------------------------------------------------

    def set_pattern(self, pattern: WeeklyPattern, *, pa: str, today: date, by: UUID) -> None:
        """Work to a new weekly pattern from its start date (replacing one on the same date)."""
        check_pattern(pattern)
        if pattern.starts_on < today:
            raise InvalidInput("A new pattern can start today or later, not in the past.", "on")
        kept = tuple(p for p in self.availability.patterns if p.starts_on != pattern.starts_on)
        patterns = tuple(sorted((*kept, pattern), key=lambda p: p.starts_on))
        self._check_still_available(pa, Availability(patterns=patterns, exceptions=self._exc))
        self._pattern_set(pattern=pattern, by=by)

    def set_skills(self, skills: tuple[Task, ...], *, by: UUID) -> None:
        """Record what the PA is trained for."""
        self._skills_set(skills=tuple(sorted(set(skills))), by=by)

    def add_exception(
        self, exception: AvailabilityException, *, pa: str, now: datetime, by: UUID
    ) -> tuple[UUID, ...]:
        """Add leave, sickness or extra hours; the visits sickness takes the PA away from.

        Leave is planned, so it is refused while it would leave visits stranded.
        Sickness cannot be refused: the PA's visits in it are released here, and
        the returned visits must be released (``Visit.release_pa``) in the same save.
        """
        if exception.span.end <= now:
            raise InThePast("Leave, sickness or extra hours")
        if exception.span.minutes < 1:
            raise InvalidInput("The end must be after the start.", "end")
        if any(e.id == exception.id for e in self._exc):
            raise InvalidInput("That change to your availability is already recorded.")
        after = Availability(patterns=self._patterns, exceptions=(*self._exc, exception))
        if exception.kind is ExceptionKind.SICKNESS:
            stranded = self._stranded(after)
            self._exception_added(exception=exception, by=by)
            for visit_id in stranded:
                self._visit_released(visit_id=visit_id)
            return stranded
        self._check_still_available(pa, after)
        self._exception_added(exception=exception, by=by)
        return ()

    def withdraw_exception(self, exception_id: UUID, *, pa: str, by: UUID) -> None:
        """Take back leave, sickness or extra hours (e.g. back early from sick leave)."""
        kept = tuple(e for e in self._exc if e.id != exception_id)
        if len(kept) == len(self._exc):
            raise NotFound("There is no such change to this PA's availability.")
        self._check_still_available(pa, Availability(patterns=self._patterns, exceptions=kept))
        self._exception_withdrawn(exception_id=exception_id, by=by)

    # The visits it holds ----------------------------------------------------------------

    def check_hold(
        self,
        visit_id: UUID,
        interval: Interval,
        tasks: tuple[Task, ...],
        *,
        pa: str,
        buffer_minutes: int,
    ) -> None:
        """Refuse, saying why, unless the PA can take this visit (moved, if already held)."""
        if missing := missing_skills(tasks, self.skills):
            raise LacksSkills(pa, listed(missing))
        check_pa_free(pa, self._booked(), interval, buffer_minutes, besides=visit_id)
        check_available(pa, self.availability, interval)

    def hold(
        self,
        visit_id: UUID,
        interval: Interval,
        tasks: tuple[Task, ...],
        *,
        pa: str,
        buffer_minutes: int,
    ) -> None:
        """Take a confirmed visit into the diary (checked as ``check_hold``)."""
        self.check_hold(visit_id, interval, tasks, pa=pa, buffer_minutes=buffer_minutes)
        if visit_id in self.held:
            self._visit_moved(visit_id=visit_id, interval=interval)
        else:
            self._visit_held(visit_id=visit_id, interval=interval)

    def release(self, visit_id: UUID) -> None:
        """The visit was cancelled or went to another PA."""
        if visit_id not in self.held:
            raise NotFound("This visit is not in this PA's diary.")
        self._visit_released(visit_id=visit_id)

    def bookings(self) -> list[Booked]:
        return self._booked()

    # Guards -----------------------------------------------------------------------

    @property
    def _patterns(self) -> tuple[WeeklyPattern, ...]:
        return self.availability.patterns

    @property
    def _exc(self) -> tuple[AvailabilityException, ...]:
        return self.availability.exceptions

    def _booked(self) -> list[Booked]:
        return [Booked(v, i) for v, i in self.held.items()]

    def _stranded(self, after: Availability) -> tuple[UUID, ...]:
        return tuple(
            v
            for v, i in sorted(self.held.items(), key=lambda h: h[1])
            if not is_available(after, i)
        )

    def _check_still_available(self, pa: str, after: Availability) -> None:
        stranded = self._stranded(after)
        if stranded:
            raise VisitsInTheWay(pa, self.held[stranded[0]], len(stranded))

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


class UserDiary(_Diary):
    """A user's support plan and every visit they have asked for and not cancelled."""

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
        self.held: dict[UUID, Interval] = {}
        self.known_pas: dict[UUID, int] = {}  # PA id: visits confirmed

    def set_plan(self, plan: SupportPlan, place: Place, *, on: date, by: UUID) -> None:
        """Record the user's plan (the user, a consented carer or a coordinator)."""
        check_plan(plan, place)
        self._plan_set(user_id=self.user_id, plan=plan, place=place, on=on, by=by)

    def check_hold(
        self, visit_id: UUID, interval: Interval, *, user: str, approved_by: UUID | None
    ) -> None:
        """Refuse, saying why, unless the user can have this visit (moved, if already held)."""
        if self.plan is None:
            raise NoPlan(user)
        booked = [Booked(v, i) for v, i in self.held.items()]
        check_user_free(user, booked, interval, besides=visit_id)
        check_funded(
            user,
            booked,
            interval,
            self.plan.funded_minutes_a_week,
            approved=approved_by is not None,
            besides=visit_id,
        )

    def check_pa(self, pa_id: UUID, *, user: str, pa: str) -> None:
        """Refuse a PA the user has said they do not want."""
        if self.plan is not None and pa_id in self.plan.not_wanted:
            raise NotWanted(user, pa)

    def hold(
        self, visit_id: UUID, interval: Interval, *, user: str, approved_by: UUID | None
    ) -> None:
        """Take a requested (or rescheduled) visit into the diary."""
        self.check_hold(visit_id, interval, user=user, approved_by=approved_by)
        if visit_id in self.held:
            self._visit_moved(visit_id=visit_id, interval=interval, approved_by=approved_by)
        else:
            self._visit_held(visit_id=visit_id, interval=interval, approved_by=approved_by)

    def release(self, visit_id: UUID) -> None:
        if visit_id not in self.held:
            raise NotFound("This visit is not in this user's diary.")
        self._visit_released(visit_id=visit_id)

    def note_pa(self, visit_id: UUID, pa_id: UUID) -> None:
        """Remember the PA confirmed for a visit (continuity, when finding PAs)."""
        if visit_id not in self.held:
            raise NotFound("This visit is not in this user's diary.")
        self._pa_confirmed(visit_id=visit_id, pa_id=pa_id)

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
