"""The treasurer's ledger: a period's entries, recording income or a cost, and putting a
mistake right by a reversing entry (entries are never edited)."""

from __future__ import annotations

from datetime import date
from functools import partial
from typing import Any
from uuid import UUID

from litestar import Request, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Template

from coop.clock import today
from coop.domain.errors import InvalidInput
from coop.domain.finance.ledger import Category
from coop.projections.finance.queries import (
    LedgerLine,
    PeriodRow,
    late_changes,
    ledger,
)
from coop.web.commands import carry_out, field_on_page
from coop.web.finance.forms import CATEGORY_NAMES, check_entry, check_late_fix, check_reversal
from coop.web.finance.later import period_for_late_fix
from coop.web.finance.words import period_named, pounds
from coop.web.forms import Checked
from coop.web.pages import form_page, page, posted_form, reference
from coop.web.services import services
from coop.web.words import day

_DONE = {
    "recorded": "The entry has been recorded.",
    "reversed": "The reversing entry has been recorded.",
    "late-fix": "The late fix has been recorded in this period, naming the closed one.",
}
# Where a refusal's field is on the entry forms.
_FIELDS = {"on": "day", "amount": "amount", "reference": "reference", "category": "category"}


@get("/finance/periods/{period_id:uuid}/ledger")
async def ledger_page(request: Request[Any, Any, Any], period_id: FromPath[UUID]) -> Template:
    p = await period_named(request, period_id)
    lines = await ledger(services(request.app).pool, period_id)
    return page(
        request,
        "finance/ledger.html",
        p=p,
        lines=lines,
        late=await late_changes(services(request.app).pool, period_id),
        names=CATEGORY_NAMES,
        treasurer=request.state.user.has("treasurer"),
        done=_DONE.get(request.query_params.get("done", "")),
        day=day,
        pounds=pounds,
        reference=reference,
    )


def _entry_form(
    request: Request[Any, Any, Any], p: PeriodRow, checked: Checked, status: int = 200
) -> Template:
    income = [(c.value, CATEGORY_NAMES[c]) for c in Category if c.money_in]
    costs = [(c.value, CATEGORY_NAMES[c]) for c in Category if not c.money_in]
    return form_page(
        request,
        "finance/entry.html",
        checked,
        status=status,
        p=p,
        categories=income + costs,
        example=_example_date(request, p),
        day=day,
    )


def _example_date(request: Request[Any, Any, Any], p: PeriodRow) -> date:
    """A date for the hint that the period would take: today, or its last day."""
    return min(max(today(services(request.app).clock), p.starts), p.ends)


@get("/finance/periods/{period_id:uuid}/ledger/new")
async def entry_form(request: Request[Any, Any, Any], period_id: FromPath[UUID]) -> Template:
    return _entry_form(request, await period_named(request, period_id), Checked())


@post("/finance/periods/{period_id:uuid}/ledger/new", status_code=303)
async def record_entry(
    request: Request[Any, Any, Any], period_id: FromPath[UUID]
) -> Template | Redirect:
    s = services(request.app)
    p = await period_named(request, period_id)
    answer, checked = check_entry(await posted_form(request), today(s.clock))
    command = None
    if answer is not None:
        command = partial(
            s.coop.record_entry,
            period_id,
            on=answer.on,
            category=answer.category,
            amount_pence=answer.amount_pence,
            reference=answer.reference,
            description=answer.description,
            by=request.state.user.account_id,
        )

    async def again(checked: Checked, status: int) -> Template:
        return _entry_form(request, p, checked, status)

    return await carry_out(
        request,
        checked,
        command,
        seen_by=("finance",),
        then=f"/finance/periods/{period_id}/ledger?done=recorded",
        field=lambda refusal: field_on_page(refusal, "category", _FIELDS),
        again=again,
    )


async def _line(request: Request[Any, Any, Any], period_id: UUID, entry_id: UUID) -> LedgerLine:
    for line in await ledger(services(request.app).pool, period_id):
        if line.entry_id == entry_id:
            return line
    raise NotFoundException("There is no entry with that reference in this period.")


def _reverse_form(
    request: Request[Any, Any, Any],
    p: PeriodRow,
    line: LedgerLine,
    checked: Checked,
    status: int = 200,
) -> Template:
    return form_page(
        request,
        "finance/reverse.html",
        checked,
        status=status,
        p=p,
        line=line,
        names=CATEGORY_NAMES,
        example=_example_date(request, p),
        day=day,
        pounds=pounds,
    )


@get("/finance/periods/{period_id:uuid}/ledger/{entry_id:uuid}/reverse")
async def reverse_form(
    request: Request[Any, Any, Any], period_id: FromPath[UUID], entry_id: FromPath[UUID]
) -> Template:
    p = await period_named(request, period_id)
    return _reverse_form(request, p, await _line(request, period_id, entry_id), Checked())


@post("/finance/periods/{period_id:uuid}/ledger/{entry_id:uuid}/reverse", status_code=303)
async def reverse_entry(
    request: Request[Any, Any, Any], period_id: FromPath[UUID], entry_id: FromPath[UUID]
) -> Template | Redirect:
    s = services(request.app)
    p = await period_named(request, period_id)
    line = await _line(request, period_id, entry_id)
    answer, checked = check_reversal(await posted_form(request), today(s.clock))
    command = None
    if answer is not None:
        command = partial(
            s.coop.reverse_entry,
            period_id,
            entry_id,
            on=answer.on,
            reason=answer.reason,
            by=request.state.user.account_id,
        )

    async def again(checked: Checked, status: int) -> Template:
        return _reverse_form(request, p, line, checked, status)

    return await carry_out(
        request,
        checked,
        command,
        seen_by=("finance",),
        then=f"/finance/periods/{period_id}/ledger?done=reversed",
        field=lambda refusal: field_on_page(refusal, "reason", {"on": "day"}),
        again=again,
    )


# A late fix: a closed period's mistake, put right in a later open period -------------


def _late_fix_form(
    request: Request[Any, Any, Any], p: PeriodRow, checked: Checked, status: int = 200
) -> Template:
    income = [(c.value, CATEGORY_NAMES[c]) for c in Category if c.money_in]
    costs = [(c.value, CATEGORY_NAMES[c]) for c in Category if not c.money_in]
    return form_page(
        request,
        "finance/late_fix.html",
        checked,
        status=status,
        p=p,
        categories=income + costs,
        example=today(services(request.app).clock),
        day=day,
    )


@get("/finance/periods/{period_id:uuid}/late-fix")
async def late_fix_form(request: Request[Any, Any, Any], period_id: FromPath[UUID]) -> Template:
    return _late_fix_form(request, await period_named(request, period_id), Checked())


@post("/finance/periods/{period_id:uuid}/late-fix", status_code=303)
async def record_late_fix(
    request: Request[Any, Any, Any], period_id: FromPath[UUID]
) -> Template | Redirect:
    """The fix goes into the open period its date falls in, naming the closed one."""
    s = services(request.app)
    closed = await period_named(request, period_id)
    answer, checked = check_late_fix(await posted_form(request), today(s.clock))
    command, later = None, None
    if answer is not None:
        entry, reason = answer
        try:
            later = await period_for_late_fix(s.pool, closed, entry.on)
        except InvalidInput as misdated:
            checked.problem("day", str(misdated))
        else:
            command = partial(
                s.coop.record_late_fix,
                later.period_id,
                period_id,
                on=entry.on,
                reason=reason,
                reference=entry.reference,
                category=entry.category,
                amount_pence=entry.amount_pence,
                description=entry.description,
                by=request.state.user.account_id,
            )

    async def again(checked: Checked, status: int) -> Template:
        return _late_fix_form(request, closed, checked, status)

    return await carry_out(
        request,
        checked,
        command,
        seen_by=("finance",),
        then=lambda _: (
            f"/finance/periods/{later.period_id if later else period_id}/ledger?done=late-fix"
        ),
        field=lambda refusal: field_on_page(refusal, "category", _FIELDS),
        again=again,
    )
