"""Financial periods: the list, a period's books by month, and the trustees' opening,
closing and declaring of its surplus. Each change is a form (GET) and its answer (POST)."""

from __future__ import annotations

from datetime import date
from functools import partial
from typing import Any
from uuid import UUID

from litestar import Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Response, Template

from coop.clock import today
from coop.domain.finance.surplus import MonthLine, most_distributable
from coop.projections.batches import log_head
from coop.projections.finance.books import journal_beancount, journal_csv, summary_by_month
from coop.projections.finance.queries import PeriodRow, periods
from coop.projections.governance.rules import rules_versions
from coop.web.commands import carry_out, field_on_page
from coop.web.finance.forms import check_declaration, check_minute, check_period
from coop.web.finance.words import hours, month_name, period_named, pounds, widths
from coop.web.forms import Checked
from coop.web.pages import form_page, page, posted_form
from coop.web.services import services
from coop.web.words import day

_DONE = {
    "opened": "The period has been opened.",
    "closed": "The period has been closed and its books locked.",
    "declared": "The surplus members may decide on has been declared.",
}
# How long the close page waits for the books to take in the latest visits.
_CATCH_UP_SECONDS = 2.0


def _is_trustee(request: Request[Any, Any, Any]) -> bool:
    user = request.state.user
    return bool(user.has("trustee") or user.has("secretary"))


@get("/finance")
async def periods_page(request: Request[Any, Any, Any]) -> Template:
    found = await periods(services(request.app).pool)
    return page(
        request,
        "finance/periods.html",
        periods=list(reversed(found)),
        trustee=_is_trustee(request),
        treasurer=request.state.user.has("treasurer"),
        day=day,
        pounds=pounds,
    )


@get("/finance/periods/{period_id:uuid}")
async def period_page(request: Request[Any, Any, Any], period_id: FromPath[UUID]) -> Template:
    s = services(request.app)
    p = await period_named(request, period_id)
    months = _every_month(p, await summary_by_month(s.pool, period_id) or [], today(s.clock))
    bars = widths([v for m in months for v in (m.revenue_pence, m.costs_pence)])
    return page(
        request,
        "finance/period.html",
        p=p,
        months=[
            (month_name(m.month), m, bars[2 * i], bars[2 * i + 1]) for i, m in enumerate(months)
        ],
        done=_DONE.get(request.query_params.get("done", "")),
        trustee=_is_trustee(request),
        treasurer=request.state.user.has("treasurer"),
        day=day,
        pounds=pounds,
        hours=hours,
    )


def _every_month(p: PeriodRow, months: list[MonthLine], now: date) -> list[MonthLine]:
    """Every month of the period so far, those with nothing in them too (a chart with a
    month left out would mislead)."""
    found = {m.month: m for m in months}
    last = min(p.ends, now) if p.state == "open" else p.ends
    every, month = [], p.starts.replace(day=1)
    while month <= last:
        key = f"{month:%Y-%m}"
        every.append(found.pop(key, MonthLine(key, 0, 0)))
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return every + sorted(found.values(), key=lambda m: m.month)  # any dated outside it


@get("/finance/periods/{period_id:uuid}/journal.csv")
async def journal_csv_file(
    request: Request[Any, Any, Any], period_id: FromPath[UUID]
) -> Response[str]:
    p = await period_named(request, period_id)
    body = await journal_csv(services(request.app).pool, period_id) or ""
    return _download(body, f"journal {p.name}.csv", "text/csv; charset=utf-8")


@get("/finance/periods/{period_id:uuid}/journal.beancount")
async def journal_beancount_file(
    request: Request[Any, Any, Any], period_id: FromPath[UUID]
) -> Response[str]:
    p = await period_named(request, period_id)
    body = await journal_beancount(services(request.app).pool, period_id) or ""
    return _download(body, f"journal {p.name}.beancount", "text/plain; charset=utf-8")


def _download(body: str, name: str, media_type: str) -> Response[str]:
    safe = "".join(ch if ch.isalnum() or ch in " .-" else "-" for ch in name).replace(" ", "-")
    return Response(
        content=body,
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{safe}"'},
    )


# Opening ---------------------------------------------------------------------------


def _open_form(request: Request[Any, Any, Any], checked: Checked, status: int = 200) -> Template:
    return form_page(request, "finance/open_period.html", checked, status=status)


@get("/finance/periods/new")
async def open_form(request: Request[Any, Any, Any]) -> Template:
    return _open_form(request, Checked())


@post("/finance/periods/new", status_code=303)
async def open_period(request: Request[Any, Any, Any]) -> Template | Redirect:
    s = services(request.app)
    answer, checked = check_period(await posted_form(request), today(s.clock))
    command = None
    if answer is not None:
        command = partial(
            s.coop.open_period,
            name=answer.name,
            starts=answer.starts,
            ends=answer.ends,
            minute=answer.minute,
            by=request.state.user.account_id,
        )

    async def again(checked: Checked, status: int) -> Template:
        return _open_form(request, checked, status)

    return await carry_out(
        request,
        checked,
        command,
        seen_by=("finance",),
        then=lambda done: f"/finance/periods/{done.subject}?done=opened",
        field=lambda refusal: field_on_page(
            refusal, "starts-day", {"name": "name", "minute": "minute"}
        ),
        again=again,
    )


# Closing ---------------------------------------------------------------------------


async def _books_caught_up(request: Request[Any, Any, Any]) -> bool:
    """Whether the books have taken in every event so far (waiting a moment if not)."""
    s = services(request.app)
    async with s.pool.acquire() as conn:
        head = await log_head(conn)
    return await s.waiter.wait_for(head, ("finance",), timeout=_CATCH_UP_SECONDS)


async def _close_form(
    request: Request[Any, Any, Any], p: PeriodRow, checked: Checked, status: int = 200
) -> Template:
    s = services(request.app)
    return form_page(
        request,
        "finance/close_period.html",
        checked,
        status=status,
        p=p,
        caught_up=await _books_caught_up(request),
        too_soon=today(s.clock) <= p.ends,
        day=day,
    )


@get("/finance/periods/{period_id:uuid}/close")
async def close_form(request: Request[Any, Any, Any], period_id: FromPath[UUID]) -> Template:
    return await _close_form(request, await period_named(request, period_id), Checked())


@post("/finance/periods/{period_id:uuid}/close", status_code=303)
async def close_period(
    request: Request[Any, Any, Any], period_id: FromPath[UUID]
) -> Template | Redirect:
    s = services(request.app)
    p = await period_named(request, period_id)
    minute, checked = check_minute(await posted_form(request))
    command = None
    if minute is not None:
        command = partial(
            s.coop.close_period, period_id, minute=minute, by=request.state.user.account_id
        )

    async def again(checked: Checked, status: int) -> Template:
        return await _close_form(request, p, checked, status)

    return await carry_out(
        request,
        checked,
        command,
        seen_by=("finance",),
        then=f"/finance/periods/{period_id}?done=closed",
        field=lambda refusal: field_on_page(refusal, "minute"),
        again=again,
    )


# Declaring the surplus ---------------------------------------------------------------


async def _declare_form(
    request: Request[Any, Any, Any], p: PeriodRow, checked: Checked, status: int = 200
) -> Template:
    versions = await rules_versions(services(request.app).pool)
    reserve = versions[-1].rules.surplus_reserve_percent if versions else 0
    surplus = p.surplus_pence
    return form_page(
        request,
        "finance/declare.html",
        checked,
        status=status,
        p=p,
        reserve_percent=reserve,
        most=None if surplus is None else most_distributable(surplus, reserve),
        pounds=pounds,
    )


@get("/finance/periods/{period_id:uuid}/declare")
async def declare_form(request: Request[Any, Any, Any], period_id: FromPath[UUID]) -> Template:
    return await _declare_form(request, await period_named(request, period_id), Checked())


@post("/finance/periods/{period_id:uuid}/declare", status_code=303)
async def declare(
    request: Request[Any, Any, Any], period_id: FromPath[UUID]
) -> Template | Redirect:
    s = services(request.app)
    p = await period_named(request, period_id)
    answer, checked = check_declaration(await posted_form(request))
    command = None
    if answer is not None:
        command = partial(
            s.coop.declare_distributable,
            period_id,
            pence=answer[0],
            minute=answer[1],
            by=request.state.user.account_id,
        )

    async def again(checked: Checked, status: int) -> Template:
        return await _declare_form(request, p, checked, status)

    return await carry_out(
        request,
        checked,
        command,
        seen_by=("finance",),
        then=f"/finance/periods/{period_id}?done=declared",
        field=lambda refusal: field_on_page(refusal, "amount", {"pence": "amount"}),
        again=again,
    )
