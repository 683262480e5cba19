"""Fill next week: every open request of a week given a PA by ``fill_week``, shown for
review, then confirmed in one step.

Each proposal is confirmed through the same ``confirm_visit`` command as a
single confirmation, so the diaries' invariants hold whatever happened since
the proposal was drawn up; the page reports which could not be confirmed and
why, in the command's own words.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from uuid import UUID

import msgspec
from litestar import Request, get, post
from litestar.params import FromQuery
from litestar.response import Template

from coop.application import Coop
from coop.domain.care.matching import fill_week
from coop.domain.care.times import Interval, local_day, long_date, monday_of, week_interval
from coop.domain.errors import CoopError
from coop.projections.care.matching import open_requests, pa_profiles
from coop.projections.care.staff import staff_visit, travel_buffer_minutes
from coop.web.care.office_board import OFFICE_LINKS
from coop.web.care.staff_pages import care_page, signed_in
from coop.web.care.staff_words import iso_or
from coop.web.forms import Checked, all_answers, one_answer
from coop.web.pages import posted_form
from coop.web.services import services


def _the_week(request: Request[Any, Any, Any], week: str | None) -> Any:
    today = local_day(services(request.app).clock.now())
    return monday_of(iso_or(week, today + timedelta(days=7)))


@get("/office/care/fill")
async def proposal(request: Request[Any, Any, Any], week: FromQuery[str | None] = None) -> Template:
    """The proposed PA for each open request of the week (next week unless chosen)."""
    s = services(request.app)
    monday = _the_week(request, week)
    span = week_interval(monday)
    now = s.clock.now()
    requests = await open_requests(s.pool, max(span.start, now), span.end)
    pas = await pa_profiles(s.pool, Interval(span.start, span.end)) if requests else []
    plan = fill_week(requests, pas, buffer_minutes=await travel_buffer_minutes(s.pool))
    by_visit = {r.visit_id: r for r in requests}
    names = {p.pa_id: p.name for p in pas}
    proposed = sorted(
        ((by_visit[a.visit_id], names[a.pa_id], a.pa_id) for a in plan.assignments),
        key=lambda p: p[0].interval.start,
    )
    unfilled = sorted(
        ((by_visit[u.visit_id], u.reason) for u in plan.unfilled),
        key=lambda p: p[0].interval.start,
    )
    return care_page(
        request,
        "care/office/fill.html",
        links=OFFICE_LINKS,
        monday=monday,
        week_of=long_date(monday),
        previous=monday - timedelta(days=7),
        next=monday + timedelta(days=7),
        proposed=proposed,
        unfilled=unfilled,
        requests=len(requests),
    )


class Outcome(msgspec.Struct, frozen=True):
    visit_id: UUID
    refused: str | None  # why it could not be confirmed, or None


def confirm_each(coop: Coop, pairs: list[tuple[UUID, UUID]], by: UUID) -> tuple[list[Outcome], int]:
    """Confirm each proposal in turn through ``confirm_visit``; the last position written."""
    outcomes, position = [], 0
    for visit_id, pa_id in pairs:
        try:
            position = coop.confirm_visit(visit_id, pa_id, by=by).position
        except CoopError as refusal:
            outcomes.append(Outcome(visit_id, str(refusal)))
        else:
            outcomes.append(Outcome(visit_id, None))
    return outcomes, position


def _pairs(data: dict[str, Any], checked: Checked) -> list[tuple[UUID, UUID]]:
    pairs = []
    for raw in all_answers(data, "assign"):
        visit, _, pa = raw.partition(":")
        try:
            pairs.append((UUID(visit), UUID(pa)))
        except ValueError:
            checked.problem(
                "assign", "The proposal was not in the expected form. Reload it and try again."
            )
    if not pairs and checked.ok:
        checked.problem("assign", "There was nothing to confirm.")
    return pairs


@post("/office/care/fill", status_code=200)
async def confirm_all(request: Request[Any, Any, Any]) -> Template:
    """Confirm every proposal of the week; say which could not be, and why."""
    s = services(request.app)
    data = await posted_form(request)
    monday = _the_week(request, one_answer(data, "week"))
    checked = Checked()
    pairs = _pairs(data, checked)
    outcomes: list[Outcome] = []
    if checked.ok:
        outcomes, position = await s.run(confirm_each, s.coop, pairs, signed_in(request).account_id)
        if position:
            await s.seen(position, "care")
    refused = [o for o in outcomes if o.refused is not None]
    pool = s.pool
    visits = {o.visit_id: await staff_visit(pool, o.visit_id) for o in refused}
    return care_page(
        request,
        "care/office/filled.html",
        checked,
        status=200 if checked.ok else 422,
        links=OFFICE_LINKS,
        monday=monday,
        week_of=long_date(monday),
        confirmed=[o for o in outcomes if o.refused is None],
        refused=[(o, visits[o.visit_id]) for o in refused],
    )
