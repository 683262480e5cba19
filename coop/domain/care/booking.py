"""The steps that change a visit and its diaries together, checking everything first.

Each step checks every aggregate before any of them records an event, so a
refusal changes nothing. The command layer loads the aggregates, calls one
step and saves all of them in one transaction: a concurrent step on the same
diary then fails on the diary's version, and its retry sees the winner.
Names are the caller's, for the messages.
"""

from __future__ import annotations

from datetime import date, datetime, time
from uuid import UUID

from coop.domain.care.books import PaBook, UserBook
from coop.domain.care.errors import VisitNotFound
from coop.domain.care.tasks import Task
from coop.domain.care.times import visit_interval
from coop.domain.care.visits import Requester, State, Visit
from coop.domain.governance.rules import RuleBook


def request(
    visit_id: UUID,
    diary: UserBook,
    *,
    user: str,
    day: date,
    start: time,
    minutes: int,
    tasks: tuple[Task, ...],
    pa_id: UUID | None,
    by: UUID,
    by_role: Requester,
    approved_by: UUID | None,
    now: datetime,
) -> Visit:
    """A new visit, held in the user's diary (no overlap; funded hours or approval)."""
    interval = visit_interval(day, start, minutes)
    diary.check_hold(visit_id, interval, user=user, approved_by=approved_by)
    visit = Visit.request(
        visit_id,
        user_id=diary.user_id,
        day=day,
        start=start,
        minutes=minutes,
        tasks=tasks,
        pa_id=pa_id,
        by=by,
        by_role=by_role,
        now=now,
    )
    diary.hold(visit_id, interval, user=user, approved_by=approved_by)
    return visit


def accept(
    visit: Visit,
    pa_diary: PaBook,
    user_diary: UserBook,
    *,
    pa: str,
    user: str,
    rules: RuleBook,
    now: datetime,
) -> None:
    """An offered PA says yes: accepted and confirmed at once, if the diaries allow it."""
    # The visit's state first: one another PA has just taken says so, not "no such visit".
    visit.check_accept(pa_diary.pa_id, now)
    _check_same(visit, pa_diary, user_diary)
    _check_pa_can_take(visit, pa_diary, user_diary, pa=pa, user=user, rules=rules)
    visit.accept(pa_diary.pa_id, now=now)
    _confirm(
        visit,
        pa_diary,
        user_diary,
        pa=pa,
        rules=rules,
        by=pa_diary.pa_id,
        now=now,
        as_coordinator=False,
    )


def confirm(
    visit: Visit,
    pa_diary: PaBook,
    user_diary: UserBook,
    *,
    pa: str,
    user: str,
    rules: RuleBook,
    by: UUID,
    now: datetime,
) -> None:
    """A coordinator confirms a PA for the visit (e.g. from "fill next week")."""
    visit.check_confirm(pa_diary.pa_id, as_coordinator=True, now=now)  # state first, as accept
    _check_same(visit, pa_diary, user_diary)
    _check_pa_can_take(visit, pa_diary, user_diary, pa=pa, user=user, rules=rules)
    _confirm(visit, pa_diary, user_diary, pa=pa, rules=rules, by=by, now=now, as_coordinator=True)


def reschedule(
    visit: Visit,
    user_diary: UserBook,
    pa_diary: PaBook | None,
    *,
    day: date,
    start: time,
    minutes: int,
    user: str,
    pa: str,
    rules: RuleBook,
    approved_by: UUID | None,
    by: UUID,
    now: datetime,
) -> None:
    """Move a visit; a confirmed one keeps its PA only if the PA's diary allows the new time."""
    _check_same(visit, pa_diary, user_diary)
    interval = visit_interval(day, start, minutes)
    visit.check_reschedule(interval, now)
    user_diary.check_hold(visit.id, interval, user=user, approved_by=approved_by)
    confirmed = visit.state is State.CONFIRMED
    if confirmed:
        if pa_diary is None:
            raise VisitNotFound()
        pa_diary.check_hold(
            visit.id, interval, visit.tasks, pa=pa, buffer_minutes=rules.travel_buffer_minutes
        )
    was = visit.interval
    visit.reschedule(day, start, minutes, by=by, now=now)
    user_diary.hold(visit.id, interval, user=user, approved_by=approved_by, was=was)
    if confirmed and pa_diary is not None:
        pa_diary.hold(
            visit.id,
            interval,
            visit.tasks,
            pa=pa,
            buffer_minutes=rules.travel_buffer_minutes,
            was=was,
        )


def cancel(
    visit: Visit,
    user_diary: UserBook,
    pa_diary: PaBook | None,
    *,
    reason: str,
    by: UUID,
    by_role: Requester,
    rules: RuleBook,
    now: datetime,
) -> bool:
    """Cancel a visit and free both diaries; True if it is chargeable (a late cancellation)."""
    _check_same(visit, pa_diary, user_diary)
    if visit.pa_id is not None and pa_diary is None:
        raise VisitNotFound()
    chargeable = visit.cancel(reason=reason, by=by, by_role=by_role, rules=rules, now=now)
    user_diary.release(visit.id, visit.interval)
    if pa_diary is not None and pa_diary.holds(visit.id, visit.interval):
        pa_diary.release(visit.id, visit.interval)
    return chargeable


def release_pa(visit: Visit, pa_diary: PaBook, *, by: UUID, now: datetime) -> None:
    """Take a confirmed visit off its PA (to reassign it): it is open again."""
    _check_same(visit, pa_diary, None)
    visit.release_pa(by=by, now=now)
    if pa_diary.holds(visit.id, visit.interval):  # sickness has already released it
        pa_diary.release(visit.id, visit.interval)


def _check_same(visit: Visit, pa_diary: PaBook | None, user_diary: UserBook | None) -> None:
    """Refuse diaries that are not this visit's (forged or mixed-up ids)."""
    if user_diary is not None and user_diary.user_id != visit.user_id:
        raise VisitNotFound()
    if pa_diary is not None and visit.pa_id is not None and pa_diary.pa_id != visit.pa_id:
        raise VisitNotFound()


def _check_pa_can_take(
    visit: Visit,
    pa_diary: PaBook,
    user_diary: UserBook,
    *,
    pa: str,
    user: str,
    rules: RuleBook,
) -> None:
    user_diary.check_pa(pa_diary.pa_id, user=user, pa=pa)
    pa_diary.check_hold(
        visit.id, visit.interval, visit.tasks, pa=pa, buffer_minutes=rules.travel_buffer_minutes
    )


def _confirm(
    visit: Visit,
    pa_diary: PaBook,
    user_diary: UserBook,
    *,
    pa: str,
    rules: RuleBook,
    by: UUID,
    now: datetime,
    as_coordinator: bool,
) -> None:
    visit.confirm(pa_diary.pa_id, by=by, as_coordinator=as_coordinator, now=now)
    pa_diary.hold(
        visit.id, visit.interval, visit.tasks, pa=pa, buffer_minutes=rules.travel_buffer_minutes
    )
    user_diary.note_pa(visit.id, pa_diary.pa_id)
