"""A diary as one command sees it: the diary, and the week pages the command opens.

``PaBook`` and ``UserBook`` answer what the booking steps ask of a diary (can
the PA take this visit, can the user have it; hold it, release it) from the
diary (``coop.domain.care.diaries``) and its pages (``coop.domain.care.weeks``).
The command saves what a book wrote (``written``) and names what it only read
(``read``) as unchanged, in the same save as the visit.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from uuid import UUID

from eventsourcing.domain import Aggregate

from coop.domain.care.availability import Availability, AvailabilityException, WeeklyPattern
from coop.domain.care.diaries import NoPlan, PaDiary, UserDiary
from coop.domain.care.plans import SupportPlan
from coop.domain.care.rota import Booked, check_funded, check_pa_free, check_user_free
from coop.domain.care.tasks import Task
from coop.domain.care.times import Interval, monday_of
from coop.domain.care.weeks import Pages, mondays
from coop.domain.errors import NotFound


class _Book:
    def __init__(self, diary: PaDiary | UserDiary, pages: Pages) -> None:
        self.diary = diary
        self.pages = pages

    @property
    def held(self) -> dict[UUID, Interval]:
        """Every visit on the pages opened so far (and any held before the pages)."""
        found = dict(self.diary.held)
        for page in self.pages.opened.values():
            found.update(page.held)
        return found

    def written(self) -> list[Aggregate]:
        """What to save: the diary, if it changed, and the pages written."""
        changed: list[Aggregate] = [self.diary] if self.diary.pending_events else []
        return [*changed, *self.pages.written()]

    # Whether a change to the diary may strand what the pages hold (a PA's new hours
    # may; a user's new plan holds from now on), so a booking that read it must lose
    # to such a change, as the change loses to the booking.
    diary_guards_pages = True

    def read(self) -> list[tuple[UUID, int]]:
        """What the decision rested on but is not saved: it must not have moved on."""
        guards = self.diary_guards_pages and not self.diary.pending_events
        unchanged = [(self.diary.id, self.diary.version)] if guards else []
        return [*unchanged, *self.pages.read()]

    def holds(self, visit_id: UUID, interval: Interval) -> bool:
        return visit_id in self.diary.held or self.pages.holds(visit_id, interval)

    def _near(self, interval: Interval, gap: timedelta = timedelta(0)) -> list[Booked]:
        return [*self._before_pages(), *self.pages.near(interval, gap)]

    def _before_pages(self) -> list[Booked]:
        return [Booked(v, i) for v, i in self.diary.held.items()]

    def _hold(
        self, visit_id: UUID, interval: Interval, approved_by: UUID | None, was: Interval | None
    ) -> None:
        if visit_id in self.diary.held:  # moved: from the diary onto its pages
            self.diary.release_held(visit_id)
            was = None
        self.pages.hold(visit_id, interval, approved_by, was=was)

    def _release(self, visit_id: UUID, interval: Interval, what: str) -> None:
        if not self.holds(visit_id, interval):
            raise NotFound(f"This visit is not in this {what}'s diary.")
        if visit_id in self.diary.held:
            self.diary.release_held(visit_id)
        self.pages.release(visit_id, interval)


class PaBook(_Book):
    """A PA's diary and pages: no two visits within the travel buffer, all in their hours."""

    diary: PaDiary

    def __init__(self, diary: PaDiary, pages: Pages) -> None:
        super().__init__(diary, pages)

    @property
    def pa_id(self) -> UUID:
        return self.diary.pa_id

    @property
    def availability(self) -> Availability:
        return self.diary.availability

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
        gap = timedelta(minutes=buffer_minutes)
        self.diary.check_skills(tasks, pa=pa)
        check_pa_free(pa, self._near(interval, gap), interval, buffer_minutes, besides=visit_id)
        self.diary.check_hours(interval, pa=pa)

    def hold(
        self,
        visit_id: UUID,
        interval: Interval,
        tasks: tuple[Task, ...],
        *,
        pa: str,
        buffer_minutes: int,
        was: Interval | None = None,
    ) -> None:
        """Take a confirmed visit (checked as ``check_hold``); ``was``: its time before a move."""
        self.check_hold(visit_id, interval, tasks, pa=pa, buffer_minutes=buffer_minutes)
        self._hold(visit_id, interval, None, was)
        for monday in mondays(interval):
            self.diary.open_week(monday)

    def release(self, visit_id: UUID, interval: Interval) -> None:
        """The visit was cancelled or went to another PA."""
        self._release(visit_id, interval, "PA")

    def set_pattern(self, pattern: WeeklyPattern, *, pa: str, today: date, by: UUID) -> None:
        """A new weekly pattern, unless it strands a confirmed visit from its start on."""
        visits = self.pages.from_week(monday_of(pattern.starts_on), self.diary.weeks)
        self.diary.set_pattern(pattern, [*self._before_pages(), *visits], pa=pa, today=today, by=by)

    def add_exception(
        self, exception: AvailabilityException, *, pa: str, now: datetime, by: UUID
    ) -> tuple[UUID, ...]:
        """Leave or extra hours (refused if they strand a visit), or sickness, which releases
        the visits in it: those returned must be released from their visits too."""
        visits = self._near(exception.span)
        released = self.diary.add_exception(exception, visits, pa=pa, now=now, by=by)
        held = {b.visit_id: b.interval for b in visits}
        for visit_id in released:
            self._release(visit_id, held[visit_id], "PA")
        return released

    def withdraw_exception(self, exception_id: UUID, *, pa: str, by: UUID) -> None:
        """Take back leave, sickness or extra hours (refused if a visit needs the extra hours)."""
        exception = self.diary.exception(exception_id)
        visits = [] if exception is None else self._near(exception.span)
        self.diary.withdraw_exception(exception_id, visits, pa=pa, by=by)


class UserBook(_Book):
    """A user's diary and pages: no two visits overlap; funded hours, or approval."""

    diary: UserDiary
    diary_guards_pages = False

    def __init__(self, diary: UserDiary, pages: Pages) -> None:
        super().__init__(diary, pages)

    @property
    def user_id(self) -> UUID:
        return self.diary.user_id

    @property
    def plan(self) -> SupportPlan | None:
        return self.diary.plan

    @property
    def known_pas(self) -> dict[UUID, int]:
        return self.diary.known_pas

    def check_pa(self, pa_id: UUID, *, user: str, pa: str) -> None:
        self.diary.check_pa(pa_id, user=user, pa=pa)

    def note_pa(self, visit_id: UUID, pa_id: UUID) -> None:
        self.diary.note_pa(visit_id, pa_id)

    def check_hold(
        self, visit_id: UUID, interval: Interval, *, user: str, approved_by: UUID | None
    ) -> None:
        """Refuse, saying why, unless the user can have this visit (moved, if already held).

        The pages of the weeks the visit touches hold every visit that could
        overlap it and every visit starting in its week (the funded hours' week).
        """
        if self.diary.plan is None:
            raise NoPlan(user)
        near = self._near(interval)
        check_user_free(user, near, interval, besides=visit_id)
        check_funded(
            user,
            near,
            interval,
            self.diary.plan.funded_minutes_a_week,
            approved=approved_by is not None,
            besides=visit_id,
        )

    def hold(
        self,
        visit_id: UUID,
        interval: Interval,
        *,
        user: str,
        approved_by: UUID | None,
        was: Interval | None = None,
    ) -> None:
        """Take a requested (or moved: ``was``, its time before) visit."""
        self.check_hold(visit_id, interval, user=user, approved_by=approved_by)
        self._hold(visit_id, interval, approved_by, was)

    def release(self, visit_id: UUID, interval: Interval) -> None:
        self._release(visit_id, interval, "user")
