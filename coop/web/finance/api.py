"""The JSON API's finance part: rates, periods and their journals, the surplus and a PA's
pay (the treasurer's ledger is in ``api_ledger``), and what both share. Money is whole
pence, dates ISO dates; a refusal is a problem document naming the field to fix, with
the status the refusal carries (422 bad input, 409 a rule, 404)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any
from uuid import UUID

import msgspec
from litestar import Request, get, post
from litestar.params import FromPath, JSONBody

from coop.application import Done
from coop.domain.errors import CoopError
from coop.domain.finance.rates import Uplift
from coop.domain.finance.surplus import MonthLine
from coop.projections.finance.books import (
    PayStatement,
    SurplusMakeUp,
    journal_beancount,
    journal_csv,
    summary_by_month,
    surplus_make_up,
)
from coop.projections.finance.queries import (
    PeriodRow,
    RatesRow,
    closed_periods,
    period,
    periods,
    rates_history,
)
from coop.web.api import MonthQuery
from coop.web.api_docs import refusals
from coop.web.finance.pay import own_pa_id, statement_for
from coop.web.problems import Problem
from coop.web.services import services


class RatesRequest(msgspec.Struct, kw_only=True):
    """New hourly rates in pence from a date, with any uplifts, and the board minute."""

    effective_from: date | None = None
    charge_pence_per_hour: int = 0
    pay_pence_per_hour: int = 0
    uplifts: list[Uplift] = msgspec.field(default_factory=list)
    minute: str = ""


class PeriodRequest(msgspec.Struct, kw_only=True):
    """A new financial period: its name, first and last days, and the board minute."""

    name: str = ""
    starts: date | None = None
    ends: date | None = None
    minute: str = ""


class MinuteRequest(msgspec.Struct, kw_only=True):
    minute: str = ""


class DeclareRequest(msgspec.Struct, kw_only=True):
    """How much of a closed period's surplus members may decide on, in pence."""

    pence: int = -1
    minute: str = ""


_DATES = {
    "on": "the date of the entry",
    "starts": "the period's first day",
    "ends": "the period's last day",
}


def refuse_missing_dates(**answers: object) -> None:
    """Refuse a request that leaves out a date, naming each one."""
    errors = {
        name: f"Give {_DATES[name]} as a date, like 2026-04-01"
        for name, v in answers.items()
        if v is None
    }
    if errors:
        raise Problem(422, "Check the details you sent", errors)


async def run(
    request: Request[Any, Any, Any], command: Callable[..., Done], *args: Any, **kwargs: Any
) -> Done:
    """Run the command; once the books have taken it in, its ``Done``; else a problem."""
    s = services(request.app)
    try:
        done = await s.run(command, *args, **kwargs)
    except CoopError as e:
        raise problem_of(e) from None
    await s.seen(done.position, "finance")
    return done


def problem_of(refusal: CoopError) -> Problem:
    """A refusal as a problem document, under the field it names if it names one."""
    field = getattr(refusal, "field", None)
    return Problem(refusal.status, str(refusal), {field: str(refusal)} if field else None)


async def period_asked_for(request: Request[Any, Any, Any], period_id: UUID) -> PeriodRow:
    """The period the path names, or a 404 problem."""
    found = await period(services(request.app).pool, period_id)
    if found is None:
        raise Problem(404, "There is no financial period with that id.")
    return found


# Rates ------------------------------------------------------------------------------


@get("/finance/rates", summary="Every tariff, oldest first (each supersedes the one before)")
async def rates_list(request: Request[Any, Any, Any]) -> list[RatesRow]:
    return await rates_history(services(request.app).pool)


@post("/finance/rates", status_code=201, summary="Adopt new rates from a date (trustees)")
async def adopt_rates(
    request: Request[Any, Any, Any], data: JSONBody[RatesRequest]
) -> list[RatesRow]:
    await run(
        request,
        services(request.app).coop.adopt_rates,
        effective_from=data.effective_from,
        charge_pence_per_hour=data.charge_pence_per_hour,
        pay_pence_per_hour=data.pay_pence_per_hour,
        uplifts=tuple(data.uplifts),
        minute=data.minute,
        by=request.state.user.account_id,
    )
    return await rates_history(services(request.app).pool)


# Periods ----------------------------------------------------------------------------


@get("/finance/periods", summary="Every financial period, earliest first")
async def periods_list(request: Request[Any, Any, Any]) -> list[PeriodRow]:
    return await periods(services(request.app).pool)


@get("/finance/periods/{period_id:uuid}", summary="One financial period")
async def one_period(request: Request[Any, Any, Any], period_id: FromPath[UUID]) -> PeriodRow:
    return await period_asked_for(request, period_id)


@post("/finance/periods", status_code=201, summary="Open a financial period (trustees)")
async def open_period(request: Request[Any, Any, Any], data: JSONBody[PeriodRequest]) -> PeriodRow:
    refuse_missing_dates(starts=data.starts, ends=data.ends)
    done = await run(
        request,
        services(request.app).coop.open_period,
        name=data.name,
        starts=data.starts,
        ends=data.ends,
        minute=data.minute,
        by=request.state.user.account_id,
    )
    return await period_asked_for(request, done.subject)


@post(
    "/finance/periods/{period_id:uuid}/close",
    status_code=200,
    summary="Close a period",
    responses=refusals(503),  # the books are still taking in the latest visits
)
async def close_period(
    request: Request[Any, Any, Any], period_id: FromPath[UUID], data: JSONBody[MinuteRequest]
) -> PeriodRow:
    await period_asked_for(request, period_id)
    await run(
        request,
        services(request.app).coop.close_period,
        period_id,
        minute=data.minute,
        by=request.state.user.account_id,
    )
    return await period_asked_for(request, period_id)


@post(
    "/finance/periods/{period_id:uuid}/declare",
    status_code=200,
    summary="Declare how much of a closed period's surplus members may decide on",
)
async def declare(
    request: Request[Any, Any, Any], period_id: FromPath[UUID], data: JSONBody[DeclareRequest]
) -> PeriodRow:
    await period_asked_for(request, period_id)
    await run(
        request,
        services(request.app).coop.declare_distributable,
        period_id,
        pence=data.pence,
        minute=data.minute,
        by=request.state.user.account_id,
    )
    return await period_asked_for(request, period_id)


@get("/finance/periods/{period_id:uuid}/summary", summary="Revenue and costs month by month")
async def summary(request: Request[Any, Any, Any], period_id: FromPath[UUID]) -> list[MonthLine]:
    await period_asked_for(request, period_id)
    return await summary_by_month(services(request.app).pool, period_id) or []


@get(
    "/finance/periods/{period_id:uuid}/journal.csv",
    summary="The period's double-entry journal as CSV, one row per posting",
    media_type="text/csv; charset=utf-8",
)
async def journal_as_csv(request: Request[Any, Any, Any], period_id: FromPath[UUID]) -> str:
    await period_asked_for(request, period_id)
    return await journal_csv(services(request.app).pool, period_id) or ""


@get(
    "/finance/periods/{period_id:uuid}/journal.beancount",
    summary="The period's double-entry journal in beancount's plain-text syntax",
    media_type="text/plain; charset=utf-8",
)
async def journal_as_beancount(request: Request[Any, Any, Any], period_id: FromPath[UUID]) -> str:
    await period_asked_for(request, period_id)
    return await journal_beancount(services(request.app).pool, period_id) or ""


# The surplus ------------------------------------------------------------------------


@get("/finance/surplus", summary="The closed periods, latest first, each with its surplus")
async def surplus_list(request: Request[Any, Any, Any]) -> list[PeriodRow]:
    return await closed_periods(services(request.app).pool)


@get("/finance/periods/{period_id:uuid}/surplus", summary="The surplus and its make-up")
async def surplus(request: Request[Any, Any, Any], period_id: FromPath[UUID]) -> SurplusMakeUp:
    found = await surplus_make_up(services(request.app).pool, period_id)
    if found is None:
        raise Problem(404, "There is no financial period with that id.")
    return found


# Pay ----------------------------------------------------------------------------------


@get("/finance/pay/{pa_id:uuid}", summary="A PA's pay for a month (a PA: only their own)")
async def pay(
    request: Request[Any, Any, Any], pa_id: FromPath[UUID], month: MonthQuery = None
) -> PayStatement:
    return await statement_for(request, pa_id, month)


@get("/finance/pay", summary="Your own pay for a month (a PA)", responses=refusals(404))
async def my_pay(request: Request[Any, Any, Any], month: MonthQuery = None) -> PayStatement:
    return await statement_for(request, own_pa_id(request), month)
