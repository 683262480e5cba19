"""The JSON API's part of the treasurer's ledger: entries and their reversals, late fixes
for a closed period, and spending what the members committed from a surplus. Each runs
the command its page runs (``ledger``, ``commitments``), with ``api``'s refusals."""

from __future__ import annotations

from collections.abc import Awaitable
from datetime import date
from typing import Any, cast
from uuid import UUID

import msgspec
from litestar import Request, get, post
from litestar.params import FromPath, JSONBody

from coop.domain.errors import CoopError
from coop.domain.finance.ledger import Category
from coop.projections.finance.queries import (
    CommitmentRow,
    LedgerLine,
    PeriodRow,
    commitment,
    commitments,
    ledger,
)
from coop.web.finance.api import period_asked_for, problem_of, refuse_missing_dates, run
from coop.web.finance.later import period_for_late_fix, period_for_spending
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


class Recorded(msgspec.Struct):
    """The entry recorded, and the period it went into."""

    period_id: UUID
    entry_id: UUID


class Spent(Recorded):
    """The cost recorded, and the commitment with what is left of it."""

    commitment: CommitmentRow


async def _later(finding: Awaitable[PeriodRow]) -> PeriodRow:
    """The open period money recorded after the fact goes into, or a problem on its date."""
    try:
        return await finding
    except CoopError as misdated:
        raise problem_of(misdated) from None


# The ledger -------------------------------------------------------------------------


@get("/finance/periods/{period_id:uuid}/ledger", summary="The treasurer's entries in a period")
async def ledger_lines(
    request: Request[Any, Any, Any], period_id: FromPath[UUID]
) -> list[LedgerLine]:
    await period_asked_for(request, period_id)
    return await ledger(services(request.app).pool, period_id)


@post(
    "/finance/periods/{period_id:uuid}/ledger",
    status_code=201,
    summary="Record income or a cost (the treasurer)",
)
async def record_entry(
    request: Request[Any, Any, Any], period_id: FromPath[UUID], data: JSONBody[EntryRequest]
) -> Recorded:
    await period_asked_for(request, period_id)
    refuse_missing_dates(on=data.on)
    done = await run(
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
    await period_asked_for(request, period_id)
    refuse_missing_dates(on=data.on)
    done = await run(
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
    closed = await period_asked_for(request, period_id)
    refuse_missing_dates(on=data.on)
    assert data.on is not None  # refused above if not
    later = await _later(period_for_late_fix(services(request.app).pool, closed, data.on))
    done = await run(
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
    refuse_missing_dates(on=data.on)
    assert data.on is not None  # refused above if not
    later = await _later(period_for_spending(services(request.app).pool, data.on))
    done = await run(
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
