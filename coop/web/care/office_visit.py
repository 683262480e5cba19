"""One visit as the office handles it: for an open request, the PAs who could take it,
best first with the reasons in plain words (``rank``), to offer it to one or several
or to confirm one; for a booked visit, taking it off its PA to reassign it.

The ranking is read from the read model and only advises: confirming goes
through ``confirm_visit``, which checks the diaries themselves.
"""

from __future__ import annotations

from datetime import timedelta
from functools import partial
from typing import Any
from uuid import UUID

from litestar import Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from coop.domain.care.matching import Ranking, rank
from coop.projections.care.matching import open_requests, pa_profiles
from coop.projections.care.staff import StaffVisit, names_of, travel_buffer_minutes
from coop.web.care.office_board import OFFICE_LINKS
from coop.web.care.staff_forms import chosen_pas
from coop.web.care.staff_pages import care_page, signed_in, visit_named
from coop.web.commands import carry_out
from coop.web.forms import Checked, one_answer
from coop.web.pages import posted_form
from coop.web.services import services

DONE = {
    "booked": "The visit has been booked. Find a PA for it below.",
    "offered": "The visit has been offered. Each PA can accept it from their requests.",
    "confirmed": "The PA has been confirmed for the visit.",
    "reassigned": "The visit has been taken off its PA. Choose another below.",
}


async def candidates(request: Request[Any, Any, Any], visit: StaffVisit) -> Ranking | None:
    """The PAs who could take the open visit, best first, and those who could not."""
    pool = services(request.app).pool
    found = [
        r
        for r in await open_requests(pool, visit.starts_at, visit.starts_at + timedelta(minutes=1))
        if r.visit_id == visit.visit_id
    ]
    if not found:
        return None
    buffer = await travel_buffer_minutes(pool)
    return rank(found[0], await pa_profiles(pool, found[0].interval), buffer_minutes=buffer)


async def _visit_page(
    request: Request[Any, Any, Any],
    visit_id: UUID,
    checked: Checked | None = None,
    *,
    status: int = 200,
) -> Template:
    s = services(request.app)
    visit = await visit_named(request, visit_id)
    is_open = visit.state == "requested" and visit.starts_at > s.clock.now()
    ranking = await candidates(request, visit) if is_open else None
    offered = await names_of(s.pool, visit.offered)
    return care_page(
        request,
        "care/office/visit.html",
        checked,
        status=status,
        links=OFFICE_LINKS,
        visit=visit,
        ranking=ranking,
        offered=[offered.get(p, "A former PA") for p in visit.offered],
        can_reassign=visit.state == "confirmed" and visit.starts_at > s.clock.now(),
        done=DONE.get(request.query_params.get("done", "")),
    )


@get("/office/care/visits/{visit_id:uuid}")
async def visit_page(request: Request[Any, Any, Any], visit_id: FromPath[UUID]) -> Template:
    """The visit, and what the office can do with it now."""
    return await _visit_page(request, visit_id)


async def _act(
    request: Request[Any, Any, Any],
    visit_id: UUID,
    checked: Checked,
    command: Any,
    done: str,
    field: str,
) -> Template | Redirect:
    async def again(checked: Checked, status: int) -> Template:
        return await _visit_page(request, visit_id, checked, status=status)

    return await carry_out(
        request,
        checked,
        command,
        seen_by=("care",),
        then=f"/office/care/visits/{visit_id}?done={done}",
        field=field,
        again=again,
    )


@post("/office/care/visits/{visit_id:uuid}/offer", status_code=303)
async def offer(request: Request[Any, Any, Any], visit_id: FromPath[UUID]) -> Template | Redirect:
    """Offer the visit to the PAs ticked; each sees it in their requests."""
    s = services(request.app)
    pas, checked = chosen_pas(await posted_form(request))
    command = partial(s.coop.offer_visit, visit_id, pas, by=signed_in(request).account_id)
    return await _act(request, visit_id, checked, command, "offered", "pas")


@post("/office/care/visits/{visit_id:uuid}/confirm", status_code=303)
async def confirm(request: Request[Any, Any, Any], visit_id: FromPath[UUID]) -> Template | Redirect:
    """Confirm one PA for the visit, straight away."""
    s = services(request.app)
    checked = Checked()
    raw = one_answer(await posted_form(request), "pa")
    try:
        pa_id = UUID(raw)
    except ValueError:
        checked.problem("pas", "Choose a PA to confirm")
        pa_id = None
    command = None
    if pa_id is not None:
        command = partial(s.coop.confirm_visit, visit_id, pa_id, by=signed_in(request).account_id)
    return await _act(request, visit_id, checked, command, "confirmed", "pas")


@post("/office/care/visits/{visit_id:uuid}/reassign", status_code=303)
async def reassign(
    request: Request[Any, Any, Any], visit_id: FromPath[UUID]
) -> Template | Redirect:
    """Take the visit off its PA, so another can be found."""
    s = services(request.app)
    command = partial(s.coop.reassign_visit, visit_id, by=signed_in(request).account_id)
    return await _act(request, visit_id, Checked(), command, "reassigned", "reassign")
