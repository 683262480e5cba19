"""What PAs and users keep: availability and skills in a PA's diary, the plan in a user's.

Who may: availability, the PA or a coordinator; skills, a coordinator; a plan,
the user, a carer while the user consents, or a coordinator (``access``).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from uuid import UUID, uuid4

from eventsourcing.domain import Aggregate

from coop.clock import today
from coop.commands.base import Commands, Done
from coop.commands.care import access
from coop.commands.care.loads import CareLoads
from coop.domain.care import booking
from coop.domain.care.availability import AvailabilityException, ExceptionKind, WeeklyPattern
from coop.domain.care.books import PaBook
from coop.domain.care.diaries import UserDiary, pa_diary_id, user_diary_id
from coop.domain.care.plans import Place, SupportPlan
from coop.domain.care.tasks import parse_tasks
from coop.domain.care.times import Interval
from coop.domain.errors import InvalidInput


class DiaryCommands(Commands):
    """Commands on ``PaDiary`` (availability, skills) and ``UserDiary`` (the plan)."""

    def set_availability(self, pa_id: UUID, pattern: WeeklyPattern, *, by: UUID) -> Done:
        """The PA works to this weekly pattern from its start date (the PA or a coordinator)."""
        care = CareLoads(self.repository)
        actor = care.actor(by)
        access.require_pa_or_coordinator(care, actor, pa_id, "change")
        pa = care.pa(pa_id)

        def attempt() -> tuple[PaBook, ...]:
            diary = care.pa_diary(pa_id)
            diary.set_pattern(pattern, pa=pa, today=today(self.clock), by=actor.person)
            return (diary,)

        return self._retrying(pa_diary_id(pa_id), attempt)

    def add_availability_exception(
        self, pa_id: UUID, kind: ExceptionKind, start: datetime, end: datetime, *, by: UUID
    ) -> Done:
        """Leave, sickness or extra hours from ``start`` to ``end`` (the PA or a coordinator).

        What has already happened stays as it was: a span starting in the past
        counts from now. Sickness releases the PA's visits in it, which open again.
        """
        care = CareLoads(self.repository)
        actor = care.actor(by)
        access.require_pa_or_coordinator(care, actor, pa_id, "change")
        pa = care.pa(pa_id)
        if start.tzinfo is None or end.tzinfo is None:
            raise InvalidInput("Give the start and end as times in the UK.", "start")
        now = self.clock.now()
        if start < now < end:
            start = now
        exception = AvailabilityException(id=uuid4(), kind=kind, span=Interval(start, end))

        def attempt() -> tuple[Aggregate | PaBook, ...]:
            diary = care.pa_diary(pa_id)
            released = diary.add_exception(exception, pa=pa, now=now, by=actor.person)
            # A refusal here (a visit already under way) saves nothing: all go in one save.
            visits = [care.visit(v) for v in released]
            for visit in visits:
                booking.release_pa(visit, diary, by=actor.person, now=now)
            return (diary, *visits)

        return self._retrying(pa_diary_id(pa_id), attempt)

    def withdraw_availability_exception(self, pa_id: UUID, exception_id: UUID, *, by: UUID) -> Done:
        """Take back leave, sickness or extra hours (the PA or a coordinator)."""
        care = CareLoads(self.repository)
        actor = care.actor(by)
        access.require_pa_or_coordinator(care, actor, pa_id, "change")
        pa = care.pa(pa_id)

        def attempt() -> tuple[PaBook, ...]:
            diary = care.pa_diary(pa_id)
            diary.withdraw_exception(exception_id, pa=pa, by=actor.person)
            return (diary,)

        return self._retrying(pa_diary_id(pa_id), attempt)

    def set_skills(self, pa_id: UUID, skills: Iterable[str], *, by: UUID) -> Done:
        """Record what the PA is trained for (a coordinator: training is the office's record)."""
        care = CareLoads(self.repository)
        actor = care.actor(by)
        access.require_coordinator(actor, "record a PA's skills")
        care.pa(pa_id)
        trained = parse_tasks(skills)
        return self._changing(
            pa_diary_id(pa_id),
            lambda _: care.pa_diary(pa_id).diary,
            lambda d: d.set_skills(trained, by=actor.person),
        )

    def set_support_plan(self, user_id: UUID, plan: SupportPlan, place: Place, *, by: UUID) -> Done:
        """The user's plan from today (the user, a consented carer or a coordinator)."""
        care = CareLoads(self.repository)
        actor = care.actor(by)
        access.acting_for(care, actor, user_id, "change the support plan")
        care.user(user_id)
        for pa_id in (*plan.preferred, *plan.not_wanted):
            care.pa(pa_id)  # PAs named in a plan are real, current PAs

        def attempt() -> tuple[Aggregate, ...]:
            diary = self._get_or_none(UserDiary, user_diary_id(user_id))
            diary = diary or UserDiary(user_id=user_id)
            diary.set_plan(plan, place, on=today(self.clock), by=actor.person)
            return (diary,)

        return self._retrying(user_diary_id(user_id), attempt)
