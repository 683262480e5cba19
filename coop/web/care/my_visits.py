"""A user's visits, as the user or their carer sees them: what is coming up (standard and
Easy Read), one visit, and changing or cancelling it.

Before a late cancellation the page warns, from the rules in force, that it will be
charged; the command decides whether it is (``Visit.cancel``), and the visit's
page then says so.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import partial
from typing import Any
from uuid import UUID

from litestar import Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from coop.clock import today
from coop.domain.care.visits import CHANGEABLE, State
from coop.projections.care.queries import VisitView, upcoming_visits
from coop.web.care.booking import refusal_field
from coop.web.care.forms import check_cancel, check_change, example_day, visit_values
from coop.web.care.whose import cared_for, visit_cared_for
from coop.web.care.words import (
    easy_state_words,
    ends_words,
    state_words,
    tasks_words,
    when_words,
)
from coop.web.commands import carry_out
from coop.web.forms import Checked
from coop.web.governance.lookups import rules_in_force
from coop.web.pages import form_page, page, posted_form
from coop.web.services import services

DONE = {
    "booked": "Your visit has been asked for.",
    "changed": "The visit has been moved.",
    "cancelled": "The visit has been cancelled.",
}


async def _visits_page(request: Request[Any, Any, Any], template: str) -> Template:
    s = services(request.app)
    now = s.clock.now()
    people = [
        (person, await upcoming_visits(s.pool, person.user_id, now))
        for person in await cared_for(request)
    ]
    return page(
        request,
        template,
        people=people,
        carer=request.state.user.has("carer"),
        state_words=state_words,
        easy_state_words=easy_state_words,
        tasks_words=tasks_words,
        when_words=when_words,
    )


@get("/care/visits")
async def my_visits(request: Request[Any, Any, Any]) -> Template:
    return await _visits_page(request, "care/visits.html")


@get("/care/visits/easy-read")
async def my_visits_easy_read(request: Request[Any, Any, Any]) -> Template:
    return await _visits_page(request, "care/visits_easy_read.html")


def _can_change(v: VisitView, now: datetime) -> bool:
    return v.state in CHANGEABLE and now < v.starts_at


@get("/care/visits/{visit_id:uuid}")
async def visit_page(request: Request[Any, Any, Any], visit_id: FromPath[UUID]) -> Template:
    v, person = await visit_cared_for(request, visit_id, "see visits")
    now = services(request.app).clock.now()
    done = request.query_params.get("done", "")
    return page(
        request,
        "care/visit.html",
        visit=v,
        person=person,
        when=when_words(v.day, v.start_time, v.minutes),
        ends=ends_words(v.ends_at),
        state=state_words(v, own=person.own),
        tasks=tasks_words(v.tasks),
        can_change=_can_change(v, now),
        done=DONE.get(done) if person.own or done != "booked" else "The visit has been asked for.",
        easy_read=request.query_params.get("view") == "easy-read",
    )


# Changing ------------------------------------------------------------------------------


async def _change_page(
    request: Request[Any, Any, Any],
    v: VisitView,
    checked: Checked | None = None,
    *,
    status: int = 200,
) -> Template:
    checked = checked or Checked(values=visit_values(v.day, v.start_time, v.minutes))
    return form_page(
        request,
        "care/change.html",
        checked,
        status=status,
        visit=v,
        when=when_words(v.day, v.start_time, v.minutes),
        has_pa=v.pa_id is not None,
        example=example_day(today(services(request.app).clock)),
    )


@get("/care/visits/{visit_id:uuid}/change")
async def change_form(request: Request[Any, Any, Any], visit_id: FromPath[UUID]) -> Template:
    v, _ = await visit_cared_for(request, visit_id, "move visits")
    if not _can_change(v, services(request.app).clock.now()):
        return _too_late(request, v)
    return await _change_page(request, v)


def _too_late(request: Request[Any, Any, Any], v: VisitView, status: int = 409) -> Template:
    return page(request, "care/too_late.html", status=status, visit=v, state=state_words(v))


@post("/care/visits/{visit_id:uuid}/change", status_code=303)
async def change(request: Request[Any, Any, Any], visit_id: FromPath[UUID]) -> Template | Redirect:
    """Move a visit: the write side keeps its PA only if they are free then too."""
    s = services(request.app)
    v, _ = await visit_cared_for(request, visit_id, "move visits")
    if not _can_change(v, s.clock.now()):
        return _too_late(request, v)
    when, checked = check_change(await posted_form(request), today(s.clock))
    command = None
    if when is not None:
        command = partial(
            s.coop.reschedule_visit,
            visit_id,
            day=when.day,
            start=when.start,
            minutes=when.minutes,
            by=request.state.user.account_id,
        )

    async def again(checked: Checked, status: int) -> Template:
        return await _change_page(request, v, checked, status=status)

    return await carry_out(
        request,
        checked,
        command,
        seen_by=("care",),
        then=f"/care/visits/{visit_id}?done=changed",
        field=refusal_field,
        again=again,
    )


# Cancelling ----------------------------------------------------------------------------


async def _cancel_page(
    request: Request[Any, Any, Any],
    v: VisitView,
    checked: Checked | None = None,
    *,
    status: int = 200,
) -> Template:
    s = services(request.app)
    rules = await rules_in_force(request)
    late = (
        rules is not None
        and v.state == State.CONFIRMED
        and s.clock.now() >= v.starts_at - timedelta(hours=rules.late_cancellation_hours)
    )
    return form_page(
        request,
        "care/cancel.html",
        checked or Checked(),
        status=status,
        visit=v,
        when=when_words(v.day, v.start_time, v.minutes),
        late=late,
        hours=rules.late_cancellation_hours if rules else 0,
        percent=rules.late_cancellation_charge_percent if rules else 0,
    )


@get("/care/visits/{visit_id:uuid}/cancel")
async def cancel_form(request: Request[Any, Any, Any], visit_id: FromPath[UUID]) -> Template:
    v, _ = await visit_cared_for(request, visit_id, "cancel visits")
    if not _can_change(v, services(request.app).clock.now()):
        return _too_late(request, v, status=200)
    return await _cancel_page(request, v)


@post("/care/visits/{visit_id:uuid}/cancel", status_code=303)
async def cancel(request: Request[Any, Any, Any], visit_id: FromPath[UUID]) -> Template | Redirect:
    """Cancel a visit; inside the rules' window the write side flags it chargeable."""
    s = services(request.app)
    v, _ = await visit_cared_for(request, visit_id, "cancel visits")
    if not _can_change(v, s.clock.now()):
        return _too_late(request, v)
    checked = check_cancel(await posted_form(request))
    command = partial(
        s.coop.cancel_visit,
        visit_id,
        reason=checked.values.get("reason", ""),
        by=request.state.user.account_id,
    )

    async def again(checked: Checked, status: int) -> Template:
        return await _cancel_page(request, v, checked, status=status)

    return await carry_out(
        request,
        checked,
        command,
        seen_by=("care",),
        then=f"/care/visits/{visit_id}?done=cancelled",
        field="reason",
        again=again,
    )
