"""A PA's availability: the weekly pattern from a date, and exceptions (leave,
sickness, one-off extra hours) to add and withdraw.

Only the PA themself (or a coordinator) may change it; the command checks, so a
form forged for another PA's diary is refused and stores nothing.
"""

from __future__ import annotations

from functools import partial
from typing import Any
from uuid import UUID

from litestar import Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from coop.domain.care.availability import WEEKDAYS, clock, pattern_on
from coop.domain.care.times import local_day
from coop.projections.care.staff import pa_availability
from coop.web.care.staff_forms import EXCEPTION_KINDS, check_exception, check_pattern
from coop.web.care.staff_pages import care_page, pa_id, signed_in
from coop.web.commands import carry_out, field_on_page
from coop.web.forms import Checked
from coop.web.pages import posted_form
from coop.web.services import services

DONE = {
    "pattern": "Your weekly hours have been saved.",
    "exception": "The change to your hours has been saved.",
    "withdrawn": "The change to your hours has been withdrawn.",
}
KIND_WORDS = {k: label for k, label, _ in EXCEPTION_KINDS}


async def _availability_page(
    request: Request[Any, Any, Any],
    checked: Checked | None = None,
    *,
    status: int = 200,
) -> Template:
    s = services(request.app)
    now = s.clock.now()
    today = local_day(now)
    diary = await pa_availability(s.pool, pa_id(request))
    in_force = pattern_on(diary.patterns, today)
    coming = [p for p in diary.patterns if p.starts_on > today]
    checked = checked or Checked()
    values = checked.values
    if not values and in_force is not None:  # the form starts from the hours in force
        for w in in_force.windows:
            values.setdefault(f"w{w.weekday}-from", clock(w.start_minute))
            values.setdefault(f"w{w.weekday}-to", clock(w.end_minute % (24 * 60)))
    return care_page(
        request,
        "care/pa/availability.html",
        checked,
        status=status,
        weekdays=list(enumerate(WEEKDAYS)),
        in_force=in_force,
        coming=coming,
        exceptions=[e for e in diary.exceptions if e.span.end > now],
        kinds=EXCEPTION_KINDS,
        kind_words=KIND_WORDS,
        skills=diary.skills,
        today=today,
        hours_open=any(k == "starts-day" or k.startswith("w") for k in checked.errors),
        done=DONE.get(request.query_params.get("done", "")),
    )


@get("/pa/availability")
async def availability(request: Request[Any, Any, Any]) -> Template:
    """When the PA works: the pattern in force, any to come, and the changes to it."""
    return await _availability_page(request)


async def _again(request: Request[Any, Any, Any]) -> Any:
    async def again(checked: Checked, status: int) -> Template:
        return await _availability_page(request, checked, status=status)

    return again


@post("/pa/availability/pattern", status_code=303)
async def set_pattern(request: Request[Any, Any, Any]) -> Template | Redirect:
    s = services(request.app)
    pattern, checked = check_pattern(await posted_form(request), local_day(s.clock.now()))
    command = None
    if pattern is not None:
        command = partial(
            s.coop.set_availability, pa_id(request), pattern, by=signed_in(request).account_id
        )
    return await carry_out(
        request,
        checked,
        command,
        seen_by=("care",),
        then="/pa/availability?done=pattern",
        field=lambda e: field_on_page(e, "starts-day", {"windows": "w0-from"}),
        again=await _again(request),
    )


@post("/pa/availability/exceptions", status_code=303)
async def add_exception(request: Request[Any, Any, Any]) -> Template | Redirect:
    s = services(request.app)
    answer, checked = check_exception(await posted_form(request), local_day(s.clock.now()))
    command = None
    if answer is not None:
        command = partial(
            s.coop.add_availability_exception,
            pa_id(request),
            answer.kind,
            answer.start,
            answer.end,
            by=signed_in(request).account_id,
        )
    return await carry_out(
        request,
        checked,
        command,
        seen_by=("care",),
        then="/pa/availability?done=exception",
        field=lambda e: field_on_page(e, "kind", {"start": "from-day"}),
        again=await _again(request),
    )


@post("/pa/availability/exceptions/{exception_id:uuid}/withdraw", status_code=303)
async def withdraw_exception(
    request: Request[Any, Any, Any], exception_id: FromPath[UUID]
) -> Template | Redirect:
    s = services(request.app)
    command = partial(
        s.coop.withdraw_availability_exception,
        pa_id(request),
        exception_id,
        by=signed_in(request).account_id,
    )
    return await carry_out(
        request,
        Checked(),
        command,
        seen_by=("care",),
        then="/pa/availability?done=withdrawn",
        field=f"withdraw-{exception_id}",
        again=await _again(request),
    )
