"""Booking a visit, for users and carers: who it is for, when, how long, what for, and
optionally a named PA; in a standard and an Easy Read version.

The user booked for comes from the form (a carer chooses among the users who
consent to them) and is checked twice: here, to show only their plan, and by
the command, which is the one that counts.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from litestar import Request, get, post
from litestar.response import Redirect, Template

from coop.clock import today
from coop.domain.care.errors import (
    LacksSkills,
    NotWanted,
    PaDoubleBooked,
    PaUnavailable,
)
from coop.domain.errors import CoopError
from coop.projections.care.queries import PlanView, current_pas, support_plan
from coop.web.care.forms import check_booking, example_day
from coop.web.care.whose import CaredFor, for_param, one_cared_for, whose_or_ask
from coop.web.care.words import TASK_NAMES
from coop.web.commands import carry_out, field_on_page
from coop.web.forms import Checked, one_answer
from coop.web.pages import page, posted_form
from coop.web.services import services

STANDARD, EASY_READ = "care/book.html", "care/book_easy_read.html"
# Where a refusal's message goes on the page when it names no field itself.
_ABOUT_THE_PA = (PaDoubleBooked, PaUnavailable, LacksSkills, NotWanted)
_ON_THE_PAGE = {"start": "time", "minutes": "hours", "pa_id": "pa"}


def refusal_field(refusal: CoopError) -> str:
    """The box a booking refusal belongs by: the PA's for a PA's clash, else the date's."""
    return field_on_page(
        refusal, "pa" if isinstance(refusal, _ABOUT_THE_PA) else "day", _ON_THE_PAGE
    )


async def _page(
    request: Request[Any, Any, Any],
    person: CaredFor,
    plan: PlanView,
    template: str,
    checked: Checked | None = None,
    *,
    status: int = 200,
) -> Template:
    pool = services(request.app).pool
    pas = await current_pas(pool)
    # The user's preferred PAs first, in their order; those they do not want left out.
    rank = {pa_id: i for i, pa_id in enumerate(plan.preferred)}
    choices = sorted(
        (pa for pa in pas if pa.pa_id not in plan.not_wanted),
        key=lambda pa: rank.get(pa.pa_id, len(rank)),
    )
    checked = checked or Checked(values={"tasks": [] if len(plan.tasks) > 1 else plan.tasks})
    return page(
        request,
        template,
        status=status,
        errors=checked.summary(),
        field_errors=checked.errors,
        values=checked.values,
        person=person,
        example=example_day(today(services(request.app).clock)),
        tasks=[(t, TASK_NAMES.get(t, t)) for t in plan.tasks],
        pas=[(str(pa.pa_id), pa.name, pa.pa_id in rank) for pa in choices],
    )


async def _booking_page(request: Request[Any, Any, Any], template: str, action: str) -> Template:
    person = await whose_or_ask(request, "Who is the visit for?", action)
    if isinstance(person, Template):
        return person
    plan = await support_plan(services(request.app).pool, person.user_id)
    if plan is None:
        return page(request, "care/no_plan.html", person=person)
    return await _page(request, person, plan, template)


@get("/care/book")
async def book_form(request: Request[Any, Any, Any]) -> Template:
    return await _booking_page(request, STANDARD, "/care/book")


@get("/care/book/easy-read")
async def book_easy_read(request: Request[Any, Any, Any]) -> Template:
    return await _booking_page(request, EASY_READ, "/care/book/easy-read")


@post("/care/book", status_code=303)
async def book(request: Request[Any, Any, Any]) -> Template | Redirect:
    """Ask for a visit; the write side refuses clashes, past dates and hours beyond the plan."""
    s = services(request.app)
    data = await posted_form(request)
    template = EASY_READ if one_answer(data, "view") == "easy-read" else STANDARD
    person = await one_cared_for(request, for_param(one_answer(data, "for")))
    plan = await support_plan(s.pool, person.user_id)
    if plan is None:
        return page(request, "care/no_plan.html", person=person, status=409)
    pas = [pa.pa_id for pa in await current_pas(s.pool)]
    answer, checked = check_booking(data, plan_tasks=plan.tasks, pas=pas, today=today(s.clock))
    command = None
    if answer is not None:
        command = partial(
            s.coop.request_visit,
            person.user_id,
            day=answer.when.day,
            start=answer.when.start,
            minutes=answer.when.minutes,
            tasks=answer.tasks,
            pa_id=answer.pa_id,
            by=request.state.user.account_id,
        )

    async def again(checked: Checked, status: int) -> Template:
        return await _page(request, person, plan, template, checked, status=status)

    easy = "&view=easy-read" if template == EASY_READ else ""
    return await carry_out(
        request,
        checked,
        command,
        seen_by=("care",),
        then=lambda done: f"/care/visits/{done.subject}?done=booked{easy}",
        field=refusal_field,
        again=again,
    )
