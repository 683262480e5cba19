"""A PA's week: the rota (a week at a time), and the requests offered to them to
accept or decline.

Accepting confirms the visit at once, in the PA's and the user's diaries
together (``accept_visit``); a clash is refused there, and its reason ("You
already have a visit from 10:00 to 11:00 …") is shown by the request.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from functools import partial
from typing import Any
from uuid import UUID

from litestar import Request, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from coop.domain.care.times import local_day, long_date, monday_of
from coop.projections.care.queries import RotaVisit, pa_week
from coop.projections.care.staff import names_of, offered_to
from coop.web.care.staff_pages import care_page, pa_id, signed_in
from coop.web.care.staff_words import iso_or, to_the_pa, week_days
from coop.web.commands import carry_out
from coop.web.forms import Checked
from coop.web.services import services


@get("/pa/rota")
async def rota(request: Request[Any, Any, Any], week: FromQuery[str | None] = None) -> Template:
    """The PA's visits in one week (this week unless another is chosen), day by day."""
    s = services(request.app)
    today = local_day(s.clock.now())
    monday = monday_of(iso_or(week, today))
    visits = await pa_week(s.pool, pa_id(request), monday)
    by_day: dict[date, list[RotaVisit]] = defaultdict(list)
    for v in visits:
        by_day[local_day(v.starts_at)].append(v)
    return care_page(
        request,
        "care/pa/rota.html",
        monday=monday,
        week_of=long_date(monday),
        days=[(d, long_date(d), by_day.get(d, [])) for d in week_days(monday)],
        today=today,
        previous=monday - timedelta(days=7),
        next=monday + timedelta(days=7),
        this_week=monday_of(today),
        count=len(visits),
    )


async def _requests_page(
    request: Request[Any, Any, Any], checked: Checked | None = None, *, status: int = 200
) -> Template:
    s = services(request.app)
    offers = await offered_to(s.pool, pa_id(request), s.clock.now())
    done = request.query_params.get("done")
    return care_page(
        request, "care/pa/requests.html", checked, status=status, offers=offers, done=done
    )


@get("/pa/requests")
async def requests(request: Request[Any, Any, Any]) -> Template:
    """The requests offered to the PA, soonest first, each to accept or decline."""
    return await _requests_page(request)


async def _answer(
    request: Request[Any, Any, Any], visit_id: UUID, accepting: bool
) -> Template | Redirect:
    s = services(request.app)
    by = signed_in(request).account_id
    act = s.coop.accept_visit if accepting else s.coop.decline_visit

    async def again(checked: Checked, status: int) -> Template:
        me = pa_id(request)
        name = (await names_of(s.pool, [me])).get(me, "")
        checked.errors = {k: to_the_pa(v, name) for k, v in checked.errors.items()}
        return await _requests_page(request, checked, status=status)

    return await carry_out(
        request,
        Checked(),
        partial(act, visit_id, by=by),
        seen_by=("care",),
        then="/pa/requests?done=" + ("accepted" if accepting else "declined"),
        field=f"answer-{visit_id}",
        again=again,
    )


@post("/pa/requests/{visit_id:uuid}/accept", status_code=303)
async def accept(request: Request[Any, Any, Any], visit_id: FromPath[UUID]) -> Template | Redirect:
    return await _answer(request, visit_id, accepting=True)


@post("/pa/requests/{visit_id:uuid}/decline", status_code=303)
async def decline(request: Request[Any, Any, Any], visit_id: FromPath[UUID]) -> Template | Redirect:
    return await _answer(request, visit_id, accepting=False)
