"""What the members funded from a surplus, shown until it is spent, and the treasurer
spending it: a cost in the open period its date falls in, counted against the promise."""

from __future__ import annotations

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
from coop.projections.finance.queries import CommitmentRow, commitment, commitments
from coop.web.commands import carry_out, field_on_page
from coop.web.finance.forms import CATEGORY_NAMES, check_entry
from coop.web.finance.later import period_for_spending
from coop.web.finance.words import pounds
from coop.web.forms import Checked
from coop.web.pages import form_page, page, posted_form
from coop.web.services import services

_FIELDS = {"on": "day", "amount": "amount", "reference": "reference", "category": "category"}


@get("/finance/commitments")
async def commitments_page(request: Request[Any, Any, Any]) -> Template:
    found = await commitments(services(request.app).pool)
    return page(
        request,
        "finance/commitments.html",
        found=found,
        treasurer=request.state.user.has("treasurer"),
        done=request.query_params.get("done") == "spent",
        pounds=pounds,
    )


async def _commitment(request: Request[Any, Any, Any], commitment_id: UUID) -> CommitmentRow:
    found = await commitment(services(request.app).pool, commitment_id)
    if found is None:
        raise NotFoundException("There is no commitment with that reference.")
    return found


def _spend_form(
    request: Request[Any, Any, Any], c: CommitmentRow, checked: Checked, status: int = 200
) -> Template:
    return form_page(
        request,
        "finance/spend.html",
        checked,
        status=status,
        c=c,
        categories=[(k.value, CATEGORY_NAMES[k]) for k in Category if not k.money_in],
        example=today(services(request.app).clock),
        pounds=pounds,
    )


@get("/finance/commitments/{commitment_id:uuid}/spend")
async def spend_form(request: Request[Any, Any, Any], commitment_id: FromPath[UUID]) -> Template:
    return _spend_form(request, await _commitment(request, commitment_id), Checked())


@post("/finance/commitments/{commitment_id:uuid}/spend", status_code=303)
async def spend(
    request: Request[Any, Any, Any], commitment_id: FromPath[UUID]
) -> Template | Redirect:
    s = services(request.app)
    c = await _commitment(request, commitment_id)
    answer, checked = check_entry(await posted_form(request), today(s.clock))
    command = None
    if answer is not None:
        try:
            later = await period_for_spending(s.pool, answer.on)
        except InvalidInput as misdated:
            checked.problem("day", str(misdated))
        else:
            command = partial(
                s.coop.spend_commitment,
                later.period_id,
                c.period_id,
                commitment_id,
                on=answer.on,
                category=answer.category,
                amount_pence=answer.amount_pence,
                reference=answer.reference,
                description=answer.description,
                by=request.state.user.account_id,
            )

    async def again(checked: Checked, status: int) -> Template:
        return _spend_form(request, c, checked, status)

    return await carry_out(
        request,
        checked,
        command,
        seen_by=("finance",),
        then="/finance/commitments?done=spent",
        field=lambda refusal: field_on_page(refusal, "amount", _FIELDS),
        again=again,
    )
