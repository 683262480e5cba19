"""On the day, from the PA's phone: one visit, with big buttons to check in and out
(a reason asked for when more than 15 minutes from the plan) and a note to write.

Only the visit's own PA sees the page: it shows where the user lives and how to
get in. The commands check it again (``access.visit_pa``), so a forged form
posted for someone else's visit is refused there and stores nothing.
"""

from __future__ import annotations

from functools import partial
from typing import Any
from uuid import UUID

from litestar import Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from coop.domain.care.errors import NotYourVisit
from coop.domain.care.visits import MAX_TEXT, ON_TIME_MINUTES
from coop.projections.care.staff import StaffVisit
from coop.web.care.staff_pages import care_page, pa_id, signed_in, visit_named
from coop.web.commands import carry_out
from coop.web.forms import Checked, text
from coop.web.pages import posted_form
from coop.web.services import services

DONE = {
    "checked-in": "You have checked in.",
    "checked-out": "You have checked out. Thank you.",
    "note": "Your note has been saved.",
}


async def _own_visit(request: Request[Any, Any, Any], visit_id: UUID, doing: str) -> StaffVisit:
    visit = await visit_named(request, visit_id)
    if visit.pa_id != pa_id(request):
        raise NotYourVisit(doing)
    return visit


async def _visit_page(
    request: Request[Any, Any, Any],
    visit: StaffVisit,
    checked: Checked | None = None,
    *,
    status: int = 200,
) -> Template:
    now = services(request.app).clock.now()
    return care_page(
        request,
        "care/pa/visit.html",
        checked,
        status=status,
        visit=visit,
        on_time_minutes=ON_TIME_MINUTES,
        can_check_in=visit.state in ("confirmed", "missed"),
        can_check_out=visit.state == "checked in",
        can_write=visit.state in ("checked in", "checked out", "completed"),
        started=visit.starts_at <= now,
        done=DONE.get(request.query_params.get("done", "")),
    )


@get("/pa/visits/{visit_id:uuid}")
async def visit_page(request: Request[Any, Any, Any], visit_id: FromPath[UUID]) -> Template:
    """The visit: who, where, what, and what to do now."""
    return await _visit_page(request, await _own_visit(request, visit_id, "see it"))


async def _on_the_day(
    request: Request[Any, Any, Any], visit_id: UUID, doing: str, done: str
) -> Template | Redirect:
    s = services(request.app)
    by = signed_in(request).account_id
    data = await posted_form(request)
    checked = Checked()
    reason = text(
        checked,
        data,
        "reason",
        label="The reason",
        missing=None,
        max_length=MAX_TEXT,
        multiline=True,
    )
    act = s.coop.check_in if doing == "check in" else s.coop.check_out

    async def again(checked: Checked, status: int) -> Template:
        # Someone else's visit is refused here too, never shown with the refusal.
        visit = await _own_visit(request, visit_id, doing)
        return await _visit_page(request, visit, checked, status=status)

    return await carry_out(
        request,
        checked,
        partial(act, visit_id, reason=reason, by=by),
        seen_by=("care",),
        then=f"/pa/visits/{visit_id}?done={done}",
        field="reason",
        again=again,
    )


@post("/pa/visits/{visit_id:uuid}/check-in", status_code=303)
async def check_in(
    request: Request[Any, Any, Any], visit_id: FromPath[UUID]
) -> Template | Redirect:
    return await _on_the_day(request, visit_id, "check in", "checked-in")


@post("/pa/visits/{visit_id:uuid}/check-out", status_code=303)
async def check_out(
    request: Request[Any, Any, Any], visit_id: FromPath[UUID]
) -> Template | Redirect:
    return await _on_the_day(request, visit_id, "check out", "checked-out")


@post("/pa/visits/{visit_id:uuid}/notes", status_code=303)
async def write_note(
    request: Request[Any, Any, Any], visit_id: FromPath[UUID]
) -> Template | Redirect:
    """The PA writes a note about the visit: health data, sealed under the user's key."""
    s = services(request.app)
    by = signed_in(request).account_id
    checked = Checked()
    note = text(
        checked,
        await posted_form(request),
        "note",
        label="The note",
        missing="Write the note",
        max_length=MAX_TEXT,
        multiline=True,
    )

    async def again(checked: Checked, status: int) -> Template:
        visit = await _own_visit(request, visit_id, "write notes on it")
        return await _visit_page(request, visit, checked, status=status)

    return await carry_out(
        request,
        checked,
        partial(s.coop.write_visit_note, visit_id, note, by=by),
        seen_by=("care",),
        then=f"/pa/visits/{visit_id}?done=note",
        field="note",
        again=again,
    )
