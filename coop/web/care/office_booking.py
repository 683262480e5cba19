"""The office books a visit for anyone: the user chosen from the co-op's users, with
an optional named PA, and hours beyond the user's funded hours approved here.

The booking is refused by the write side as it would be for the user ("This
visit would bring Grace's care to …"); the coordinator can then tick to
approve the extra hours and book again.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from litestar import Request, get, post
from litestar.response import Redirect, Template

from coop.domain.care.errors import OverFundedHours
from coop.domain.care.times import local_day
from coop.projections.care.staff import current
from coop.web.care.office_board import OFFICE_LINKS
from coop.web.care.staff_forms import TASK_CHOICES, check_booking
from coop.web.care.staff_pages import care_page, signed_in
from coop.web.commands import carry_out, field_on_page
from coop.web.forms import Checked
from coop.web.pages import posted_form
from coop.web.services import services


async def _booking_page(
    request: Request[Any, Any, Any],
    checked: Checked | None = None,
    *,
    status: int = 200,
    over_funded: bool = False,
) -> Template:
    s = services(request.app)
    users = await current(s.pool, "user")
    pas = await current(s.pool, "pa")
    return care_page(
        request,
        "care/office/book.html",
        checked,
        status=status,
        links=OFFICE_LINKS,
        users=users,
        pas=pas,
        tasks=TASK_CHOICES,
        today=local_day(s.clock.now()),
        over_funded=over_funded,
    )


@get("/office/care/book")
async def booking_form(request: Request[Any, Any, Any]) -> Template:
    """Book a visit for any user."""
    return await _booking_page(request)


@post("/office/care/book", status_code=303)
async def book(request: Request[Any, Any, Any]) -> Template | Redirect:
    s = services(request.app)
    answer, checked = check_booking(await posted_form(request), local_day(s.clock.now()))
    command = None
    if answer is not None:
        command = partial(
            s.coop.request_visit,
            answer.user_id,
            day=answer.day,
            start=answer.start,
            minutes=answer.minutes,
            tasks=answer.tasks,
            pa_id=answer.pa_id,
            approve_extra_hours=answer.approve_extra_hours,
            by=signed_in(request).account_id,
        )
    refusal: list[BaseException] = []

    def field(e: Any) -> str:
        refusal.append(e)
        if isinstance(e, OverFundedHours):
            return "approve"
        return field_on_page(e, "user", {"start": "time", "pa_id": "pa"})

    async def again(checked: Checked, status: int) -> Template:
        over = any(isinstance(e, OverFundedHours) for e in refusal)
        return await _booking_page(request, checked, status=status, over_funded=over)

    return await carry_out(
        request,
        checked,
        command,
        seen_by=("care",),
        then=lambda done: f"/office/care/visits/{done.subject}?done=booked",
        field=field,
        again=again,
    )
