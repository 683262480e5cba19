"""The JSON API's care part: the same commands as the care pages, and the same reads.

Who may reach each route is said once per group in ``routes.py``; which visit,
plan or diary a person may change is decided by the command itself, on the
write side (``coop.commands.care.access``), and which one they may read here,
from the read model. Every refusal is a problem document that says why.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time
from typing import Any
from uuid import UUID

import msgspec
from litestar import Request, delete, get, post, put
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import FromPath, FromQuery, JSONBody

from coop.application import Coop, Done
from coop.clock import today
from coop.domain.care.availability import ExceptionKind, WeeklyPattern
from coop.domain.care.matching import Ranking, rank
from coop.domain.care.notes import VisitNote
from coop.domain.care.plans import Place, SupportPlan
from coop.domain.care.tasks import parse_tasks
from coop.domain.care.times import Interval, monday_of
from coop.domain.errors import CoopError
from coop.projections.care.matching import open_requests, pa_profiles
from coop.projections.care.queries import (
    BoardVisit,
    CareVisit,
    NotesRead,
    PaAvailability,
    RotaVisit,
    UpcomingVisit,
    care_visit,
    day_board,
    notes_reads,
    pa_availability,
    pa_week,
    upcoming_visits,
)
from coop.projections.membership.carers import may_act_for
from coop.web.auth import User, current_user
from coop.web.problems import Problem
from coop.web.services import services

# Requests ------------------------------------------------------------------------------


class VisitRequest(msgspec.Struct, kw_only=True):
    """A visit asked for: on ``day`` at ``start`` (UK time) for ``minutes``."""

    user_id: UUID
    day: date
    start: time
    minutes: int
    tasks: list[str]
    pa_id: UUID | None = None  # a named PA, asked first
    approve_extra_hours: bool = False  # beyond the plan's funded hours: coordinators only


class OfferRequest(msgspec.Struct):
    pa_ids: list[UUID]  # best first


class ConfirmRequest(msgspec.Struct):
    pa_id: UUID


class RescheduleRequest(msgspec.Struct, kw_only=True):
    day: date
    start: time
    minutes: int
    approve_extra_hours: bool = False


class CancelRequest(msgspec.Struct):
    reason: str = ""


class OnTheDayRequest(msgspec.Struct):
    """When the PA arrived or left (default: now); a reason if over 15 minutes off the plan."""

    actual: datetime | None = None
    reason: str = ""


class NoteRequest(msgspec.Struct):
    text: str


class ExceptionRequest(msgspec.Struct):
    """Leave, sickness or extra hours from ``start`` to ``end`` (times with their offset)."""

    kind: ExceptionKind
    start: datetime
    end: datetime


class SkillsRequest(msgspec.Struct):
    skills: list[str]


class PlanRequest(msgspec.Struct, kw_only=True):
    """A user's support plan, and where the visits happen."""

    funded_minutes_a_week: int
    tasks: list[str]
    preferred: list[UUID] = msgspec.field(default_factory=list)  # most preferred first
    not_wanted: list[UUID] = msgspec.field(default_factory=list)
    address: str
    postcode: str
    access: str = ""


class PlanSaved(msgspec.Struct):
    user_id: UUID
    funded_minutes_a_week: int
    tasks: list[str]


# What each refusal is, for the OpenAPI document ------------------------------------------


class FieldError(msgspec.Struct):
    field: str
    message: str


class ProblemDocument(msgspec.Struct):
    """An RFC 9457 problem document: ``title`` says why, in plain words."""

    type: str
    title: str
    status: int
    detail: str = ""
    errors: list[FieldError] = msgspec.field(default_factory=list)


_MEANING = {
    400: "The request was not in the expected form (JSON, dates, times, ids)",
    401: "Sign in first: send a bearer token from POST /api/tokens",
    403: "This person may not do this to this visit, plan or diary",
    404: "There is no such visit or person",
    409: "Refused by the co-op's rules (a clash, availability, the visit's stage, …)",
    422: "A value is not acceptable (a date in the past, a duration, an unknown task, …)",
}


def _problems(*codes: int) -> dict[int, ResponseSpec]:
    return {
        code: ResponseSpec(
            data_container=ProblemDocument,
            description=_MEANING[code],
            media_type="application/problem+json",
            generate_examples=False,
        )
        for code in (400, 401, 403, *codes)
    }


COMMAND = _problems(404, 409, 422)
READ = _problems(404)

# Running commands ----------------------------------------------------------------------


async def _me(request: Request[Any, Any, Any]) -> User:
    user = await current_user(request)
    assert user is not None, "the routes' access rule lets only signed-in people in"
    return user


async def _carry_out(
    request: Request[Any, Any, Any], command: Callable[..., Done], *args: Any, **kwargs: Any
) -> Done:
    """Run the command as the person asking; once the care views have it, it is done.

    A refusal is a problem document with the command's own words, under the
    field it names (if it names one).
    """
    s = services(request.app)
    me = await _me(request)
    try:
        done = await s.run(command, *args, by=me.account_id, **kwargs)
    except CoopError as refused:
        field: str | None = getattr(refused, "field", None)
        raise Problem(
            refused.status, str(refused), {field: str(refused)} if field else None
        ) from None
    await s.seen(done.position, "care")
    return done


async def _visit(request: Request[Any, Any, Any], visit_id: UUID) -> CareVisit:
    found = await care_visit(services(request.app).pool, visit_id)
    if found is None:
        raise Problem(404, "There is no visit with that reference.")
    return found


async def _changed(
    request: Request[Any, Any, Any], visit_id: UUID, command: Callable[..., Done], **kwargs: Any
) -> CareVisit:
    await _carry_out(request, command, visit_id, **kwargs)
    return await _visit(request, visit_id)


def _coop(request: Request[Any, Any, Any]) -> Coop:
    return services(request.app).coop


# Visits --------------------------------------------------------------------------------


@post("/visits", status_code=201, summary="Ask for a visit", responses=COMMAND)
async def request_visit(request: Request[Any, Any, Any], data: JSONBody[VisitRequest]) -> CareVisit:
    done = await _carry_out(
        request,
        _coop(request).request_visit,
        data.user_id,
        day=data.day,
        start=data.start,
        minutes=data.minutes,
        tasks=data.tasks,
        pa_id=data.pa_id,
        approve_extra_hours=data.approve_extra_hours,
    )
    return await _visit(request, done.subject)


@get("/visits/{visit_id:uuid}", summary="One visit", responses=READ)
async def one_visit(request: Request[Any, Any, Any], visit_id: FromPath[UUID]) -> CareVisit:
    visit = await _visit(request, visit_id)
    me = await _me(request)
    if me.member_id is not None and me.member_id in (visit.pa_id, *visit.offered):
        return visit
    await _may_see_users_visits(request, me, visit.user_id)
    return visit


@post("/visits/{visit_id:uuid}/offer", status_code=200, summary="Offer to PAs", responses=COMMAND)
async def offer(
    request: Request[Any, Any, Any], visit_id: FromPath[UUID], data: JSONBody[OfferRequest]
) -> CareVisit:
    return await _changed(request, visit_id, _coop(request).offer_visit, pa_ids=data.pa_ids)


@post("/visits/{visit_id:uuid}/accept", status_code=200, summary="Accept (a PA)", responses=COMMAND)
async def accept(request: Request[Any, Any, Any], visit_id: FromPath[UUID]) -> CareVisit:
    return await _changed(request, visit_id, _coop(request).accept_visit)


@post(
    "/visits/{visit_id:uuid}/decline", status_code=200, summary="Decline (a PA)", responses=COMMAND
)
async def decline(request: Request[Any, Any, Any], visit_id: FromPath[UUID]) -> CareVisit:
    return await _changed(request, visit_id, _coop(request).decline_visit)


@post("/visits/{visit_id:uuid}/confirm", status_code=200, summary="Confirm a PA", responses=COMMAND)
async def confirm(
    request: Request[Any, Any, Any], visit_id: FromPath[UUID], data: JSONBody[ConfirmRequest]
) -> CareVisit:
    return await _changed(request, visit_id, _coop(request).confirm_visit, pa_id=data.pa_id)


@post(
    "/visits/{visit_id:uuid}/reassign",
    status_code=200,
    summary="Take off its PA",
    responses=COMMAND,
)
async def reassign(request: Request[Any, Any, Any], visit_id: FromPath[UUID]) -> CareVisit:
    return await _changed(request, visit_id, _coop(request).reassign_visit)


@post("/visits/{visit_id:uuid}/reschedule", status_code=200, summary="Move", responses=COMMAND)
async def reschedule(
    request: Request[Any, Any, Any], visit_id: FromPath[UUID], data: JSONBody[RescheduleRequest]
) -> CareVisit:
    return await _changed(
        request,
        visit_id,
        _coop(request).reschedule_visit,
        day=data.day,
        start=data.start,
        minutes=data.minutes,
        approve_extra_hours=data.approve_extra_hours,
    )


@post("/visits/{visit_id:uuid}/cancel", status_code=200, summary="Cancel", responses=COMMAND)
async def cancel(
    request: Request[Any, Any, Any], visit_id: FromPath[UUID], data: JSONBody[CancelRequest]
) -> CareVisit:
    return await _changed(request, visit_id, _coop(request).cancel_visit, reason=data.reason)


@post("/visits/{visit_id:uuid}/check-in", status_code=200, summary="Check in", responses=COMMAND)
async def check_in(
    request: Request[Any, Any, Any], visit_id: FromPath[UUID], data: JSONBody[OnTheDayRequest]
) -> CareVisit:
    return await _changed(
        request, visit_id, _coop(request).check_in, actual=data.actual, reason=data.reason
    )


@post("/visits/{visit_id:uuid}/check-out", status_code=200, summary="Check out", responses=COMMAND)
async def check_out(
    request: Request[Any, Any, Any], visit_id: FromPath[UUID], data: JSONBody[OnTheDayRequest]
) -> CareVisit:
    return await _changed(
        request, visit_id, _coop(request).check_out, actual=data.actual, reason=data.reason
    )


@post("/visits/{visit_id:uuid}/complete", status_code=200, summary="Complete", responses=COMMAND)
async def complete(request: Request[Any, Any, Any], visit_id: FromPath[UUID]) -> CareVisit:
    return await _changed(request, visit_id, _coop(request).complete_visit)


@post("/visits/{visit_id:uuid}/notes", status_code=201, summary="Write a note", responses=COMMAND)
async def write_note(
    request: Request[Any, Any, Any], visit_id: FromPath[UUID], data: JSONBody[NoteRequest]
) -> CareVisit:
    return await _changed(request, visit_id, _coop(request).write_visit_note, text=data.text)


@get(
    "/visits/{visit_id:uuid}/notes",
    summary="Read the notes (staff reads are recorded)",
    responses=READ,
)
async def read_notes(request: Request[Any, Any, Any], visit_id: FromPath[UUID]) -> list[VisitNote]:
    s, me = services(request.app), await _me(request)
    try:
        notes = await s.run(s.coop.read_visit_notes, visit_id, by=me.account_id)
    except CoopError as refused:
        raise Problem(refused.status, str(refused)) from None
    return list(notes)


@get(
    "/visits/{visit_id:uuid}/candidates",
    summary="PAs who could take it, best first",
    responses=READ,
)
async def candidates(request: Request[Any, Any, Any], visit_id: FromPath[UUID]) -> Ranking:
    s = services(request.app)
    visit = await _visit(request, visit_id)
    found = await open_requests(s.pool, visit.starts_at, visit.ends_at)
    wanted = [r for r in found if r.visit_id == visit_id]
    if not wanted:
        raise Problem(409, "This visit is not waiting for a PA, so there is no one to find.")
    rules = await s.run(s.coop.rules_in_force)
    profiles = await pa_profiles(s.pool, Interval(visit.starts_at, visit.ends_at))
    return rank(wanted[0], profiles, buffer_minutes=rules.rules.travel_buffer_minutes)


# PAs' diaries --------------------------------------------------------------------------


async def _may_see_pa(request: Request[Any, Any, Any], pa_id: UUID, what: str) -> None:
    me = await _me(request)
    if me.member_id != pa_id and not me.has("coordinator"):
        raise Problem(403, f"Only the PA themselves or a coordinator can see a PA's {what}.")


@get("/pas/{pa_id:uuid}/availability", summary="A PA's availability and skills", responses=READ)
async def availability(request: Request[Any, Any, Any], pa_id: FromPath[UUID]) -> PaAvailability:
    await _may_see_pa(request, pa_id, "availability")
    return await pa_availability(services(request.app).pool, pa_id)


@put("/pas/{pa_id:uuid}/availability", summary="Set the weekly pattern", responses=COMMAND)
async def set_availability(
    request: Request[Any, Any, Any], pa_id: FromPath[UUID], data: JSONBody[WeeklyPattern]
) -> PaAvailability:
    await _carry_out(request, _coop(request).set_availability, pa_id, data)
    return await pa_availability(services(request.app).pool, pa_id)


@post(
    "/pas/{pa_id:uuid}/exceptions",
    status_code=201,
    summary="Add leave, sickness or extra hours",
    responses=COMMAND,
)
async def add_exception(
    request: Request[Any, Any, Any], pa_id: FromPath[UUID], data: JSONBody[ExceptionRequest]
) -> PaAvailability:
    await _carry_out(
        request, _coop(request).add_availability_exception, pa_id, data.kind, data.start, data.end
    )
    return await pa_availability(services(request.app).pool, pa_id)


@delete(
    "/pas/{pa_id:uuid}/exceptions/{exception_id:uuid}",
    status_code=200,
    summary="Withdraw an exception",
    responses=COMMAND,
)
async def withdraw_exception(
    request: Request[Any, Any, Any], pa_id: FromPath[UUID], exception_id: FromPath[UUID]
) -> PaAvailability:
    await _carry_out(request, _coop(request).withdraw_availability_exception, pa_id, exception_id)
    return await pa_availability(services(request.app).pool, pa_id)


@put("/pas/{pa_id:uuid}/skills", summary="Record a PA's skills", responses=COMMAND)
async def set_skills(
    request: Request[Any, Any, Any], pa_id: FromPath[UUID], data: JSONBody[SkillsRequest]
) -> PaAvailability:
    await _carry_out(request, _coop(request).set_skills, pa_id, data.skills)
    return await pa_availability(services(request.app).pool, pa_id)


@get("/pas/{pa_id:uuid}/week", summary="A PA's week rota", responses=READ)
async def week(
    request: Request[Any, Any, Any], pa_id: FromPath[UUID], monday: FromQuery[str | None] = None
) -> list[RotaVisit]:
    await _may_see_pa(request, pa_id, "rota")
    s = services(request.app)
    return await pa_week(s.pool, pa_id, monday_of(_day("monday", monday, today(s.clock))))


# Users' plans and visits ---------------------------------------------------------------


async def _may_see_users_visits(request: Request[Any, Any, Any], me: User, user_id: UUID) -> None:
    """The user, a carer while the user consents, or a coordinator."""
    if me.member_id == user_id or me.has("coordinator"):
        return
    pool = services(request.app).pool
    if me.member_id is not None and await may_act_for(pool, me.member_id, user_id):
        return
    raise Problem(
        403, "Only the user, a carer the user consents to, or a coordinator can see this."
    )


@put("/users/{user_id:uuid}/plan", summary="Set a user's support plan", responses=COMMAND)
async def set_plan(
    request: Request[Any, Any, Any], user_id: FromPath[UUID], data: JSONBody[PlanRequest]
) -> PlanSaved:
    try:
        tasks = parse_tasks(data.tasks)
    except CoopError as refused:
        raise Problem(422, str(refused), {"tasks": str(refused)}) from None
    plan = SupportPlan(
        funded_minutes_a_week=data.funded_minutes_a_week,
        tasks=tasks,
        preferred=tuple(data.preferred),
        not_wanted=tuple(data.not_wanted),
    )
    place = Place(address=data.address, postcode=data.postcode, access=data.access)
    await _carry_out(request, _coop(request).set_support_plan, user_id, plan, place)
    return PlanSaved(user_id, plan.funded_minutes_a_week, [str(t) for t in tasks])


@get("/users/{user_id:uuid}/visits", summary="A user's upcoming visits", responses=READ)
async def upcoming(request: Request[Any, Any, Any], user_id: FromPath[UUID]) -> list[UpcomingVisit]:
    await _may_see_users_visits(request, await _me(request), user_id)
    s = services(request.app)
    return await upcoming_visits(s.pool, user_id, s.clock.now())


@get("/users/{user_id:uuid}/notes-reads", summary="Who read a user's visit notes", responses=READ)
async def who_read_notes(
    request: Request[Any, Any, Any], user_id: FromPath[UUID]
) -> list[NotesRead]:
    await _may_see_users_visits(request, await _me(request), user_id)
    return await notes_reads(services(request.app).pool, user_id)


# The office ----------------------------------------------------------------------------


@get("/day-board", summary="Every visit of a day and how it is going", responses=READ)
async def board(
    request: Request[Any, Any, Any], day: FromQuery[str | None] = None
) -> list[BoardVisit]:
    s = services(request.app)
    now = s.clock.now()
    return await day_board(s.pool, _day("day", day, today(s.clock)), now)


def _day(name: str, given: str | None, now: date) -> date:
    """The date asked for (today if none), or a problem naming the format."""
    if not given or not given.strip():
        return now
    try:
        return date.fromisoformat(given.strip())
    except ValueError:
        message = f"{name} must be a date like {now.isoformat()}, not “{given[:40]}”"
        raise Problem(400, "Check the date", {name: message}) from None
