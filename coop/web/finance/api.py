"""The JSON API's finance part: rates, periods, the treasurer's ledger (with late fixes),
the surplus and what the members committed from it, and a PA's pay. Money is whole pence, dates ISO dates; a refusal is a problem document naming
the field to fix, with the status the refusal carries (422 bad input, 409 a rule, 404)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any, cast
from uuid import UUID

import msgspec
from litestar import Request, get, post
from litestar.params import FromPath, JSONBody

from coop.application import Done
from coop.domain.errors import CoopError
from coop.domain.finance.ledger import Category
from coop.domain.finance.rates import Uplift
from coop.domain.finance.surplus import MonthLine
from coop.projections.finance.books import (
    PayStatement,
    SurplusMakeUp,
    summary_by_month,
    surplus_make_up,
)
from coop.projections.finance.queries import (
    CommitmentRow,
    LedgerLine,
    PeriodRow,
    RatesRow,
    commitment,
    commitments,
    ledger,
    period,
    periods,
    rates_history,
)
from coop.web.api import MonthQuery
from coop.web.api_docs import refusals
from coop.web.finance.later import period_for_late_fix, period_for_spending
from coop.web.finance.pay import statement_for
from coop.web.problems import Problem
from coop.web.services import services


class EntryRequest(msgspec.Struct, kw_only=True):
    """Income or a cost: its category, date, amount in pence and reference."""

    on: date | None = None
    category: str = ""
    amount_pence: int = 0
    reference: str = ""
    description: str = ""


class LateFixRequest(EntryRequest, kw_only=True):
    """What a closed period missed, dated in a later open period, and why it is late."""

    reason: str = ""


class ReversalRequest(msgspec.Struct, kw_only=True):
    """Putting an entry right: the reversal's date and why the entry was wrong."""

    on: date | None = None
    reason: str = ""


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


class Recorded(msgspec.Struct):
    """The entry recorded, and the period it went into."""

    period_id: UUID
    entry_id: UUID


class Spent(Recorded):
    """The cost recorded, and the commitment with what is left of it."""

    commitment: CommitmentRow


_DATES = {
    "on": "the date of the entry",
    "starts": "the period's first day",
    "ends": "the period's last day",
}


def _missing(**answers: object) -> None:
    """Refuse a request that leaves out a date, naming each one."""
    errors = {
        name: f"Give {_DATES[name]} as a date, like 2026-04-01"
        for name, v in answers.items()
        if v is None
    }
    if errors:
        raise Problem(422, "Check the details you sent", errors)


async def _run(
    request: Request[Any, Any, Any], command: Callable[..., Done], *args: Any, **kwargs: Any
) -> Done:
    """Run the command; once the books have taken it in, its ``Done``; else a problem."""
    s = services(request.app)
    try:
        done = await s.run(command, *args, **kwargs)
    except CoopError as e:
        raise _problem(e) from None
    await s.seen(done.position, "finance")
    return done


def _problem(refusal: CoopError) -> Problem:
    """A refusal as a problem document, under the field it names if it names one."""
    field = getattr(refusal, "field", None)
    return Problem(refusal.status, str(refusal), {field: str(refusal)} if field else None)


async def _later(finding: Awaitable[PeriodRow]) -> PeriodRow:
    """The open period money recorded after the fact goes into, or a problem on its date."""
    try:
        return await finding
    except CoopError as misdated:
        raise _problem(misdated) from None


async def _period(request: Request[Any, Any, Any], period_id: UUID) -> PeriodRow:
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
    await _run(
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
    return await _period(request, period_id)


@post("/finance/periods", status_code=201, summary="Open a financial period (trustees)")
async def open_period(request: Request[Any, Any, Any], data: JSONBody[PeriodRequest]) -> PeriodRow:
    _missing(starts=data.starts, ends=data.ends)
    done = await _run(
        request,
        services(request.app).coop.open_period,
        name=data.name,
        starts=data.starts,
        ends=data.ends,
        minute=data.minute,
        by=request.state.user.account_id,
    )
    return await _period(request, done.subject)


@post(
    "/finance/periods/{period_id:uuid}/close",
    status_code=200,
    summary="Close a period",
    responses=refusals(503),  # the books are still taking in the latest visits
)
async def close_period(
    request: Request[Any, Any, Any], period_id: FromPath[UUID], data: JSONBody[MinuteRequest]
) -> PeriodRow:
    await _period(request, period_id)
    await _run(
        request,
        services(request.app).coop.close_period,
        period_id,
        minute=data.minute,
        by=request.state.user.account_id,
    )
    return await _period(request, period_id)


@post(
    "/finance/periods/{period_id:uuid}/declare",
    status_code=200,
    summary="Declare how much of a closed period's surplus members may decide on",
)
async def declare(
    request: Request[Any, Any, Any], period_id: FromPath[UUID], data: JSONBody[DeclareRequest]
) -> PeriodRow:
    await _period(request, period_id)
    await _run(
        request,
        services(request.app).coop.declare_distributable,
        period_id,
        pence=data.pence,
        minute=data.minute,
        by=request.state.user.account_id,
    )
    return await _period(request, period_id)


@get("/finance/periods/{period_id:uuid}/summary", summary="Revenue and costs month by month")
async def summary(request: Request[Any, Any, Any], period_id: FromPath[UUID]) -> list[MonthLine]:
    await _period(request, period_id)
    return await summary_by_month(services(request.app).pool, period_id) or []


@get("/finance/periods/{period_id:uuid}/surplus", summary="The surplus and its make-up")
async def surplus(request: Request[Any, Any, Any], period_id: FromPath[UUID]) -> SurplusMakeUp:
    found = await surplus_make_up(services(request.app).pool, period_id)
    if found is None:
        raise Problem(404, "There is no financial period with that id.")
    return found


# The ledger -------------------------------------------------------------------------


@get("/finance/periods/{period_id:uuid}/ledger", summary="The treasurer's entries in a period")
async def ledger_lines(
    request: Request[Any, Any, Any], period_id: FromPath[UUID]
) -> list[LedgerLine]:
    await _period(request, period_id)
    return await ledger(services(request.app).pool, period_id)


@post(
    "/finance/periods/{period_id:uuid}/ledger",
    status_code=201,
    summary="Record income or a cost (the treasurer)",
)
async def record_entry(
    request: Request[Any, Any, Any], period_id: FromPath[UUID], data: JSONBody[EntryRequest]
) -> Recorded:
    await _period(request, period_id)
    _missing(on=data.on)
    done = await _run(
        request,
        services(request.app).coop.record_entry,
        period_id,
        on=data.on,
        category=cast(Category, data.category),  # the command refuses an unknown one
        amount_pence=data.amount_pence,
        reference=data.reference,
        description=data.description,
        by=request.state.user.account_id,
    )
    return Recorded(period_id, done.subject)


@post(
    "/finance/periods/{period_id:uuid}/ledger/{entry_id:uuid}/reverse",
    status_code=201,
    summary="Put an entry right by a reversing entry (the treasurer)",
)
async def reverse_entry(
    request: Request[Any, Any, Any],
    period_id: FromPath[UUID],
    entry_id: FromPath[UUID],
    data: JSONBody[ReversalRequest],
) -> Recorded:
    await _period(request, period_id)
    _missing(on=data.on)
    done = await _run(
        request,
        services(request.app).coop.reverse_entry,
        period_id,
        entry_id,
        on=data.on,
        reason=data.reason,
        by=request.state.user.account_id,
    )
    return Recorded(period_id, done.subject)


@post(
    "/finance/periods/{period_id:uuid}/late-fix",
    status_code=201,
    summary="Put a closed period right: an entry in the open period its date falls in,"
    " naming the closed one and saying why (the treasurer)",
)
async def record_late_fix(
    request: Request[Any, Any, Any], period_id: FromPath[UUID], data: JSONBody[LateFixRequest]
) -> Recorded:
    closed = await _period(request, period_id)
    _missing(on=data.on)
    assert data.on is not None
    pool = services(request.app).pool
    later = await _later(period_for_late_fix(pool, closed, data.on))
    done = await _run(
        request,
        services(request.app).coop.record_late_fix,
        later.period_id,
        period_id,
        on=data.on,
        reason=data.reason,
        reference=data.reference,
        category=cast(Category, data.category),  # the command refuses an unknown one
        amount_pence=data.amount_pence,
        description=data.description,
        by=request.state.user.account_id,
    )
    return Recorded(later.period_id, done.subject)


# What the members committed from a surplus -----------------------------------------


@get("/finance/commitments", summary="What members funded from a surplus, and what is spent")
async def commitments_list(request: Request[Any, Any, Any]) -> list[CommitmentRow]:
    return await commitments(services(request.app).pool)


async def _commitment(request: Request[Any, Any, Any], commitment_id: UUID) -> CommitmentRow:
    found = await commitment(services(request.app).pool, commitment_id)
    if found is None:
        raise Problem(404, "There is no commitment with that id.")
    return found


@post(
    "/finance/commitments/{commitment_id:uuid}/spend",
    status_code=201,
    summary="Spend a commitment: a cost in the open period its date falls in (the treasurer)",
)
async def spend_commitment(
    request: Request[Any, Any, Any], commitment_id: FromPath[UUID], data: JSONBody[EntryRequest]
) -> Spent:
    c = await _commitment(request, commitment_id)
    _missing(on=data.on)
    assert data.on is not None
    later = await _later(period_for_spending(services(request.app).pool, data.on))
    done = await _run(
        request,
        services(request.app).coop.spend_commitment,
        later.period_id,
        c.period_id,
        commitment_id,
        on=data.on,
        category=cast(Category, data.category),  # the command refuses an unknown one
        amount_pence=data.amount_pence,
        reference=data.reference,
        description=data.description,
        by=request.state.user.account_id,
    )
    return Spent(later.period_id, done.subject, await _commitment(request, commitment_id))


# Pay ----------------------------------------------------------------------------------


@get("/finance/pay/{pa_id:uuid}", summary="A PA's pay for a month (a PA: only their own)")
async def pay(
    request: Request[Any, Any, Any], pa_id: FromPath[UUID], month: MonthQuery = None
) -> PayStatement:
    return await statement_for(request, pa_id, month)
