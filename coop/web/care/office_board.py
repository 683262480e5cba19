"""The coordinator's day board: every visit of a day (today unless another is chosen),
on time, late, missed or unfilled.

With htmx the board refreshes itself every minute (the same URL answers with
just the board); without JavaScript, reloading the page does the same.
"""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from typing import Any

from litestar import Request, get
from litestar.params import FromQuery
from litestar.response import Template

from coop.domain.care.times import local_day, long_date
from coop.projections.care.queries import BoardVisit, day_board
from coop.web.care.staff_pages import care_page
from coop.web.care.staff_words import iso_or
from coop.web.forms import Checked
from coop.web.governance.forms import _date
from coop.web.pages import is_htmx
from coop.web.services import services

OFFICE_LINKS = [
    ("/office/care/day", "Day board"),
    ("/office/care/book", "Book a visit"),
    ("/office/care/fill", "Fill next week"),
    ("/office/care/pas", "PAs and skills"),
]


# The order the office reads a day in: what needs acting on first.
_ORDER = ("late", "missed", "unfilled", "on time", "booked", "cancelled")


def summary(visits: list[BoardVisit]) -> str:
    """6 visits: 1 late, 1 missed, 1 unfilled, 1 on time, 1 booked, 1 cancelled."""
    if not visits:
        return "No visits on this day."
    counts = Counter(str(v.status) for v in visits)
    parts = ", ".join(f"{counts[s]} {s}" for s in _ORDER if counts[s])
    return f"{len(visits)} visit{'s' * (len(visits) != 1)}: {parts}."


@get("/office/care/day")
async def board(request: Request[Any, Any, Any], on: FromQuery[str | None] = None) -> Template:
    """Every visit starting on the day, in order, with how it is going now."""
    s = services(request.app)
    now = s.clock.now()
    today = local_day(now)
    checked = Checked()
    params = request.query_params
    chosen = iso_or(on, today)
    if any(params.get(f"on-{p}") for p in ("day", "month", "year")):
        picked = _date(checked, params, "on-", "the day to show", today)
        chosen = picked or chosen
    visits = await day_board(s.pool, chosen, now)
    return care_page(
        request,
        "care/office/_board.html" if is_htmx(request) else "care/office/board.html",
        checked,
        status=200 if checked.ok else 422,
        links=OFFICE_LINKS,
        day=chosen,
        day_words=long_date(chosen),
        is_today=chosen == today,
        visits=visits,
        summary=summary(visits),
        previous=chosen - timedelta(days=1),
        next=chosen + timedelta(days=1),
        updated=now,
    )
