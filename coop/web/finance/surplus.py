"""The surplus for members: the closed periods, and each one's make-up in plain English
and in Easy Read (where the money came from, where it went, what members may decide)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Request, get
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Template

from coop.projections.finance.books import SurplusMakeUp, surplus_make_up
from coop.projections.finance.queries import closed_periods
from coop.web.finance.words import account_name, hours, period_named, pounds, widths
from coop.web.pages import page
from coop.web.services import services
from coop.web.words import day


@get("/finance/surplus")
async def surplus_list(request: Request[Any, Any, Any]) -> Template:
    found = await closed_periods(services(request.app).pool)
    return page(request, "finance/surplus_list.html", periods=found, day=day, pounds=pounds)


async def _make_up(request: Request[Any, Any, Any], period_id: UUID) -> SurplusMakeUp:
    found = await surplus_make_up(services(request.app).pool, period_id)
    if found is None:
        raise NotFoundException("There is no financial period with that reference.")
    return found


def _lines(by_account: tuple[tuple[str, int], ...]) -> list[tuple[str, int, int]]:
    """(plain name, pence, bar width), largest first."""
    ordered = sorted(by_account, key=lambda a: -a[1])
    bars = widths([p for _, p in ordered])
    return [(account_name(a), p, w) for (a, p), w in zip(ordered, bars, strict=True)]


@get("/finance/surplus/{period_id:uuid}")
async def surplus_page(request: Request[Any, Any, Any], period_id: FromPath[UUID]) -> Template:
    p = await period_named(request, period_id)
    m = await _make_up(request, period_id)
    return page(
        request,
        "finance/surplus.html",
        p=p,
        m=m,
        revenue=_lines(m.revenue_by_account),
        costs=_lines(m.costs_by_account),
        day=day,
        pounds=pounds,
        hours=hours,
    )


@get("/finance/surplus/{period_id:uuid}/easy-read")
async def surplus_easy_read(request: Request[Any, Any, Any], period_id: FromPath[UUID]) -> Template:
    p = await period_named(request, period_id)
    m = await _make_up(request, period_id)
    return page(
        request,
        "finance/surplus_easy_read.html",
        p=p,
        m=m,
        pounds=lambda pence: pounds(pence).removesuffix(".00"),
        whole_hours=f"{round(m.care_minutes / 60):,}",
    )
