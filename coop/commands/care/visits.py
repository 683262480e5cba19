"""Booking visits: requested, offered, accepted or declined, confirmed, moved, cancelled.

Each command loads the visit and the diaries it touches, calls one step of
``coop.domain.care.booking`` (which checks everything before anything
changes) and saves them all in one save. Two steps that would clash meet in a
diary: the second save loses the race, is retried from the aggregates as they
now are, and is refused with the real reason ("Sam already has a visit …").

Who may: requesting, moving and cancelling, the user, a carer while the user
consents, or a coordinator; offering, confirming, reassigning and approving
hours beyond the plan, a coordinator; accepting and declining, an offered PA.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from datetime import date, time
from uuid import UUID, uuid4

from eventsourcing.domain import Aggregate

from coop.commands.base import Commands, Done, Parts
from coop.commands.care import access
from coop.commands.care.loads import CareLoads
from coop.commands.care.people import Actor
from coop.domain.care import booking
from coop.domain.care.errors import VisitStateError
from coop.domain.care.tasks import parse_tasks
from coop.domain.care.times import visit_interval
from coop.domain.care.visits import NotOffered
from coop.domain.errors import InvalidInput


class VisitCommands(Commands):
    """Commands on a ``Visit`` with the ``UserDiary`` and ``PaDiary`` it is held in."""

    def request_visit(
        self,
        user_id: UUID,
        *,
        day: date,
        start: time,
        minutes: int,
        tasks: Iterable[str],
        pa_id: UUID | None = None,
        approve_extra_hours: bool = False,
        by: UUID,
    ) -> Done:
        """Ask for a visit (optionally from a named PA); ``Done.subject`` is the new visit's id.

        ``approve_extra_hours`` books beyond the plan's funded hours: only a
        coordinator may set it.
        """
        care = CareLoads(self.repository)
        actor = care.actor(by)
        role = access.acting_for(care, actor, user_id, "book")
        approved_by = self._approval(actor, approve_extra_hours)
        wanted = parse_tasks(tasks)
        user = care.user(user_id)
        pa = None if pa_id is None else care.pa(pa_id)
        visit_id = uuid4()

        def attempt() -> tuple[Aggregate | Parts, ...]:
            with contextlib.suppress(InvalidInput):  # refused below, in its turn
                care.prefetch_diaries(visit_interval(day, start, minutes), user_id=user_id)
            diary = care.user_diary(user_id, user)
            if pa_id is not None and pa is not None:
                diary.check_pa(pa_id, user=user, pa=pa)
            visit = booking.request(
                visit_id,
                diary,
                user=user,
                day=day,
                start=start,
                minutes=minutes,
                tasks=wanted,
                pa_id=pa_id,
                by=actor.person,
                by_role=role,
                approved_by=approved_by,
                now=self.clock.now(),
            )
            return visit, diary

        return self._retrying(visit_id, attempt)

    def offer_visit(self, visit_id: UUID, pa_ids: Iterable[UUID], *, by: UUID) -> Done:
        """Offer an open visit to these PAs, best first (a coordinator)."""
        care = CareLoads(self.repository)
        actor = care.actor(by)
        access.require_coordinator(actor, "offer visits to PAs")
        offered = tuple(pa_ids)
        for pa_id in offered:
            care.pa(pa_id)
        return self._changing(
            visit_id,
            care.visit,
            lambda v: v.offer(offered, by=actor.person, now=self.clock.now()),
        )

    def accept_visit(self, visit_id: UUID, *, by: UUID) -> Done:
        """An offered PA says yes: the visit is confirmed and held in both diaries at once."""
        care = CareLoads(self.repository)
        pa_id = self._pa_asking(care.actor(by))
        pa = care.pa(pa_id)
        rules = self.rules_in_force().rules
        buffer = rules.travel_buffer_minutes

        def attempt() -> tuple[Aggregate | Parts, ...]:
            visit = care.visit(visit_id)
            care.prefetch_diaries(
                visit.interval, user_id=visit.user_id, pa_id=pa_id, buffer_minutes=buffer
            )
            user = care.name(visit.user_id)
            pa_diary, user_diary = care.pa_diary(pa_id), care.user_diary(visit.user_id, user)
            booking.accept(
                visit, pa_diary, user_diary, pa=pa, user=user, rules=rules, now=self.clock.now()
            )
            return visit, pa_diary, user_diary

        return self._retrying(visit_id, attempt)

    def decline_visit(self, visit_id: UUID, *, by: UUID) -> Done:
        """An offered PA says no; the visit stays open for others."""
        care = CareLoads(self.repository)
        pa_id = self._pa_asking(care.actor(by))
        return self._changing(
            visit_id, care.visit, lambda v: v.decline(pa_id, now=self.clock.now())
        )

    def confirm_visit(self, visit_id: UUID, pa_id: UUID, *, by: UUID) -> Done:
        """A coordinator confirms a PA for an open visit (e.g. from "fill next week")."""
        care = CareLoads(self.repository)
        actor = care.actor(by)
        access.require_coordinator(actor, "confirm a PA for a visit")
        pa = care.pa(pa_id)
        rules = self.rules_in_force().rules
        buffer = rules.travel_buffer_minutes

        def attempt() -> tuple[Aggregate | Parts, ...]:
            visit = care.visit(visit_id)
            care.prefetch_diaries(
                visit.interval, user_id=visit.user_id, pa_id=pa_id, buffer_minutes=buffer
            )
            user = care.name(visit.user_id)
            pa_diary, user_diary = care.pa_diary(pa_id), care.user_diary(visit.user_id, user)
            booking.confirm(
                visit,
                pa_diary,
                user_diary,
                pa=pa,
                user=user,
                rules=rules,
                by=actor.person,
                now=self.clock.now(),
            )
            return visit, pa_diary, user_diary

        return self._retrying(visit_id, attempt)

    def reassign_visit(self, visit_id: UUID, *, by: UUID) -> Done:
        """Take a visit off its PA so another can be confirmed (a coordinator)."""
        care = CareLoads(self.repository)
        actor = care.actor(by)
        access.require_coordinator(actor, "reassign visits")

        def attempt() -> tuple[Aggregate | Parts, ...]:
            visit = care.visit(visit_id)
            pa_diary = care.pa_diary_of(visit)
            if pa_diary is None:
                raise VisitStateError("This visit has no PA to take it off.")
            booking.release_pa(visit, pa_diary, by=actor.person, now=self.clock.now())
            return visit, pa_diary

        return self._retrying(visit_id, attempt)

    def reschedule_visit(
        self,
        visit_id: UUID,
        *,
        day: date,
        start: time,
        minutes: int,
        approve_extra_hours: bool = False,
        by: UUID,
    ) -> Done:
        """Move a visit; a confirmed one keeps its PA only if the PA is free then too."""
        care = CareLoads(self.repository)
        actor = care.actor(by)
        approved_by = self._approval(actor, approve_extra_hours)
        rules = self.rules_in_force().rules

        def attempt() -> tuple[Aggregate | Parts, ...]:
            visit = care.visit(visit_id)
            access.acting_for(care, actor, visit.user_id, "move visits")
            with contextlib.suppress(InvalidInput):  # refused below, in its turn
                care.prefetch_diaries(
                    visit.interval,
                    visit_interval(day, start, minutes),
                    user_id=visit.user_id,
                    pa_id=visit.pa_id,
                    buffer_minutes=rules.travel_buffer_minutes,
                )
            user = care.name(visit.user_id)
            pa_diary = care.pa_diary_of(visit)
            user_diary = care.user_diary(visit.user_id, user)
            booking.reschedule(
                visit,
                user_diary,
                pa_diary,
                day=day,
                start=start,
                minutes=minutes,
                user=user,
                pa="" if visit.pa_id is None else care.name(visit.pa_id),
                rules=rules,
                approved_by=approved_by,
                by=actor.person,
                now=self.clock.now(),
            )
            return (visit, user_diary) if pa_diary is None else (visit, user_diary, pa_diary)

        return self._retrying(visit_id, attempt)

    def cancel_visit(self, visit_id: UUID, *, reason: str = "", by: UUID) -> Done:
        """Cancel a visit; inside the rules' window the user's side is charged (``Visit.chargeable``)."""
        care = CareLoads(self.repository)
        actor = care.actor(by)
        rules = self.rules_in_force().rules

        def attempt() -> tuple[Aggregate | Parts, ...]:
            visit = care.visit(visit_id)
            role = access.acting_for(care, actor, visit.user_id, "cancel visits")
            care.prefetch_diaries(visit.interval, user_id=visit.user_id, pa_id=visit.pa_id)
            pa_diary = care.pa_diary_of(visit)
            user_diary = care.user_diary(visit.user_id, care.name(visit.user_id))
            booking.cancel(
                visit,
                user_diary,
                pa_diary,
                reason=reason,
                by=actor.person,
                by_role=role,
                rules=rules,
                now=self.clock.now(),
            )
            return (visit, user_diary) if pa_diary is None else (visit, user_diary, pa_diary)

        return self._retrying(visit_id, attempt)

    @staticmethod
    def _approval(actor: Actor, approve_extra_hours: bool) -> UUID | None:
        if not approve_extra_hours:
            return None
        access.require_coordinator(actor, "approve hours beyond a plan's funded hours")
        return actor.person

    @staticmethod
    def _pa_asking(actor: Actor) -> UUID:
        if actor.member_id is None:
            raise NotOffered()
        return actor.member_id
