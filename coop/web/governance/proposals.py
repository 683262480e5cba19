"""Members proposing options for a reinvestment ballot, and everyone seeing what was
proposed and what the trustees decided.

Who proposes comes only from the signed-in account. Members see each proposer's
class, not their name; the trustees, who decide, see the name.
"""

from __future__ import annotations

from datetime import datetime
from functools import partial
from typing import Any
from uuid import UUID

import msgspec
from litestar import Request, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, JSONBody
from litestar.response import Redirect, Template

from coop.domain.errors import CoopError
from coop.domain.governance.ballots import BallotKind
from coop.projections.finance.queries import period_of_ballot
from coop.projections.governance.queries import BallotView, ballot, proposals
from coop.web.auth import User
from coop.web.commands import carry_out, refused_field
from coop.web.forms import Checked
from coop.web.governance.forms import BENEFITS
from coop.web.governance.lookups import ballot_named
from coop.web.governance.proposal_forms import (
    COSTINGS,
    RATES,
    STATES,
    check_proposal,
    costing_text,
    hours_text,
    proposer_text,
)
from coop.web.pages import form_page, no_membership, page, posted_form, see_other
from coop.web.problems import Problem
from coop.web.services import services
from coop.web.words import money, when

# A refusal's field, as the Ballot names it, to the field on the page.
_FIELDS = {"pence_per_hour": "pence", "rate": "rate", "cost": "cost", "title": "title"}


def _field_of(refusal: CoopError) -> str:
    """The field on the form for what a refusal names (the title, if it names none)."""
    return _FIELDS.get(refused_field(refusal) or "", "title")


def _window_open(request: Request[Any, Any, Any], b: BallotView) -> bool:
    now = services(request.app).clock.now()
    return b.state == "drafted" and b.proposals_until is not None and now < b.proposals_until


async def _costs_rates(request: Request[Any, Any, Any], b: BallotView) -> bool:
    """Whether a rate change can be costed: only from the books of the period whose
    declared surplus the ballot shares out."""
    return await period_of_ballot(services(request.app).pool, b.ballot_id) is not None


async def _reinvestment(request: Request[Any, Any, Any], ballot_id: UUID) -> BallotView:
    b = await ballot_named(request, ballot_id)
    if b.kind != BallotKind.REINVESTMENT:
        raise NotFoundException("Only a reinvestment ballot has members' proposals.")
    return b


async def _list_page(
    request: Request[Any, Any, Any],
    b: BallotView,
    *,
    errors: list[tuple[str, str]] | None = None,
    status: int = 200,
) -> Template:
    s = services(request.app)
    user: User = request.state.user
    return page(
        request,
        "governance/proposals/list.html",
        status=status,
        errors=errors or [],
        ballot=b,
        proposals=[(p, costing_text(p, b.period)) for p in await proposals(s.pool, b.ballot_id)],
        states=STATES,
        benefits=BENEFITS,
        proposer_text=proposer_text,
        me=user.member_id,
        window_open=_window_open(request, b),
        until=when(b.proposals_until) if b.proposals_until else "",
        budget=money(b.budget_pence),
        done={
            "proposed": "Your proposal has been sent to the trustees.",
            "withdrawn": "Your proposal has been withdrawn.",
        }.get(request.query_params.get("done", "")),
    )


@get("/ballots/{ballot_id:uuid}/proposals")
async def proposals_page(request: Request[Any, Any, Any], ballot_id: FromPath[UUID]) -> Template:
    """Every proposal for the ballot and what became of it."""
    return await _list_page(request, await _reinvestment(request, ballot_id))


async def _form(
    request: Request[Any, Any, Any], b: BallotView, checked: Checked, *, status: int = 200
) -> Template:
    return form_page(
        request,
        "governance/proposals/propose.html",
        checked,
        status=status,
        ballot=b,
        window_open=_window_open(request, b),
        until=when(b.proposals_until) if b.proposals_until else "",
        budget=money(b.budget_pence),
        costs_rates=await _costs_rates(request, b),
        hours=hours_text(b.hours_delivered),
        benefits=BENEFITS,
        costings=COSTINGS,
        rates=RATES,
    )


@get("/ballots/{ballot_id:uuid}/propose")
async def propose_form(request: Request[Any, Any, Any], ballot_id: FromPath[UUID]) -> Template:
    b = await _reinvestment(request, ballot_id)
    if request.state.user.member_id is None:
        return no_membership(request)
    return await _form(request, b, Checked())


@post("/ballots/{ballot_id:uuid}/propose", status_code=303)
async def propose(
    request: Request[Any, Any, Any], ballot_id: FromPath[UUID]
) -> Template | Redirect:
    s = services(request.app)
    b = await _reinvestment(request, ballot_id)
    member_id = request.state.user.member_id
    if member_id is None:
        return no_membership(request)
    answer, checked = check_proposal(
        await posted_form(request), can_cost_rates=await _costs_rates(request, b)
    )
    command = None
    if answer is not None:
        command = partial(s.coop.propose_option, ballot_id, member_id, **answer._asdict())

    async def again(checked: Checked, status: int) -> Template:
        return await _form(request, b, checked, status=status)

    return await carry_out(
        request,
        checked,
        command,
        seen_by=("governance",),
        then=f"/ballots/{ballot_id}/proposals?done=proposed",
        field=_field_of,
        again=again,
    )


@post(
    "/ballots/{ballot_id:uuid}/proposals/{proposal_id:uuid}/withdraw",
    status_code=303,
)
async def withdraw(
    request: Request[Any, Any, Any], ballot_id: FromPath[UUID], proposal_id: FromPath[UUID]
) -> Template | Redirect:
    s = services(request.app)
    b = await _reinvestment(request, ballot_id)
    member_id = request.state.user.member_id
    if member_id is None:
        return no_membership(request)
    try:
        done = await s.run(s.coop.withdraw_proposal, ballot_id, proposal_id, member_id=member_id)
    except CoopError as e:
        status = 409 if e.status == 422 else e.status
        return await _list_page(
            request, b, errors=[(f"withdraw-{proposal_id}", str(e))], status=status
        )
    await s.seen(done.position, "governance")
    return see_other(f"/ballots/{ballot_id}/proposals?done=withdrawn")


# The same through the JSON API ---------------------------------------------------------


class ProposalRequest(msgspec.Struct, kw_only=True):
    """A proposal: ``costing`` is "sum" (give ``cost_pence``) or "rate" (give ``rate``,
    "pa_pay" or "user_charge", and ``pence_per_hour``: coop works out the cost from the
    books of the period whose declared surplus the ballot shares out; a ballot drafted
    without one takes sums only)."""

    title: str = ""
    description: str = ""
    benefits: str = ""
    costing: str = ""
    cost_pence: int = 0
    rate: str = ""
    pence_per_hour: int = 0


class ProposalOut(msgspec.Struct, kw_only=True):
    """A proposal as members see it: the proposer's class, never their name."""

    proposal_id: UUID
    title: str
    description: str
    benefits: str
    cost_pence: int
    costing: str
    proposer_class: str
    state: str
    on_ballot: bool
    reason: str
    proposed_at: datetime


async def _api_ballot(request: Request[Any, Any, Any], ballot_id: UUID) -> BallotView:
    b = await ballot(services(request.app).pool, ballot_id)
    if b is None or b.kind != BallotKind.REINVESTMENT:
        raise Problem(404, "There is no reinvestment ballot with that id.")
    return b


@get(
    "/api/ballots/{ballot_id:uuid}/proposals",
    tags=["coop"],
    summary="Members' proposals for a reinvestment ballot, and what the trustees decided",
)
async def proposals_json(
    request: Request[Any, Any, Any], ballot_id: FromPath[UUID]
) -> list[ProposalOut]:
    return await _proposals_out(request, await _api_ballot(request, ballot_id))


async def _proposals_out(request: Request[Any, Any, Any], b: BallotView) -> list[ProposalOut]:
    return [
        ProposalOut(
            proposal_id=p.proposal_id,
            title=p.title,
            description=p.description,
            benefits=p.benefits,
            cost_pence=p.cost_pence,
            costing=costing_text(p, b.period),
            proposer_class=p.member_class,
            state=p.state,
            on_ballot=p.on_ballot,
            reason=p.reason,
            proposed_at=p.proposed_at,
        )
        for p in await proposals(services(request.app).pool, b.ballot_id)
    ]


@post(
    "/api/ballots/{ballot_id:uuid}/proposals",
    status_code=201,
    tags=["coop"],
    summary="Propose an option for a reinvestment ballot (members, while proposals are open)",
)
async def propose_json(
    request: Request[Any, Any, Any], ballot_id: FromPath[UUID], data: JSONBody[ProposalRequest]
) -> ProposalOut:
    s = services(request.app)
    b = await _api_ballot(request, ballot_id)
    member_id = request.state.user.member_id
    if member_id is None:
        raise Problem(403, "Only members can propose options.")
    form = {
        **msgspec.structs.asdict(data),
        "cost": f"{data.cost_pence / 100:.2f}" if data.costing == "sum" else "",
        "pence": str(data.pence_per_hour),
    }
    answer, checked = check_proposal(form, can_cost_rates=await _costs_rates(request, b))
    if answer is None:
        raise Problem(422, "Check the details you sent", checked.errors)
    try:
        done = await s.run(s.coop.propose_option, ballot_id, member_id, **answer._asdict())
    except CoopError as e:
        field = _field_of(e)
        raise Problem(e.status, str(e), {field: str(e)}) from None
    await s.seen(done.position, "governance")
    made = [p for p in await _proposals_out(request, b) if p.proposal_id == done.subject]
    return made[0]
