"""Members taking part: declaring an interest in a ballot, naming an advocate for supported
voting, and an advocate voting for a member who named them.

Who declares, who names an advocate and who casts a supported vote come only from the
signed-in account; the member an advocate votes for is checked against that member's
own, recorded consent.
"""

from __future__ import annotations

from functools import partial
from typing import Any
from uuid import UUID

from litestar import Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from coop.domain.errors import CoopError, InvalidInput
from coop.domain.governance.rules import ConflictPolicy
from coop.domain.governance.votes import NoAdvocate
from coop.projections.governance.advocacy import (
    account_of_member,
    advocate_name,
    advocate_of,
    advocating_for,
)
from coop.projections.governance.queries import (
    BallotView,
    elector,
    interest_declared_by,
    open_ballots_for,
)
from coop.projections.membership.queries import member_by_number, member_record
from coop.web.auth import User
from coop.web.commands import carry_out
from coop.web.forms import Checked
from coop.web.governance.ballot_paper import (
    PAPER_FIELDS,
    candidates_on,
    choices,
    read_mark,
    vote_so_far,
)
from coop.web.governance.ballot_words import KIND_NAMES, describe
from coop.web.governance.forms import check_advocate_number, check_interest
from coop.web.governance.lookups import ballot_named, rules_in_force
from coop.web.pages import form_page, no_membership, page, posted_form, see_other
from coop.web.services import services
from coop.web.words import day, money, when


def _member(request: Request[Any, Any, Any]) -> UUID | None:
    user: User = request.state.user
    return user.member_id


# Declaring an interest -----------------------------------------------------------------


async def _policy(request: Request[Any, Any, Any], topic: str) -> ConflictPolicy:
    in_force = await rules_in_force(request)
    return in_force.policy_for(topic) if in_force else ConflictPolicy.DECLARE


async def _declare_page(
    request: Request[Any, Any, Any],
    b: BallotView,
    member_id: UUID,
    checked: Checked | None = None,
    *,
    status: int = 200,
) -> Template:
    s = services(request.app)
    checked = checked or Checked()
    policy = await _policy(request, b.topic)
    declared = await interest_declared_by(s.pool, b.ballot_id, member_id)
    closed = b.state in ("closed", "counted") or s.clock.now() >= b.closes_at
    too_late = policy is ConflictPolicy.RECUSE and b.state != "drafted"
    return form_page(
        request,
        "governance/declare.html",
        checked,
        status=status,
        ballot=b,
        recuse=policy is ConflictPolicy.RECUSE,
        declared=declared,
        closed=closed,
        too_late=too_late,
        opens=when(b.opens_at),
        done=request.query_params.get("done") == "declared",
    )


@get("/ballots/{ballot_id:uuid}/declare")
async def declare_form(request: Request[Any, Any, Any], ballot_id: FromPath[UUID]) -> Template:
    b = await ballot_named(request, ballot_id)
    member_id = _member(request)
    if member_id is None:
        return no_membership(request)
    return await _declare_page(request, b, member_id)


@post("/ballots/{ballot_id:uuid}/declare", status_code=303)
async def declare(
    request: Request[Any, Any, Any], ballot_id: FromPath[UUID]
) -> Template | Redirect:
    s = services(request.app)
    b = await ballot_named(request, ballot_id)
    member_id = _member(request)
    if member_id is None:
        return no_membership(request)
    checked = check_interest(await posted_form(request))
    interest = checked.values.get("interest", "")
    command = partial(s.coop.declare_interest, ballot_id, member_id, interest)

    async def again(checked: Checked, status: int) -> Template:
        return await _declare_page(request, b, member_id, checked, status=status)

    return await carry_out(
        request,
        checked,
        command,
        seen_by=("governance",),
        then=f"/ballots/{ballot_id}/declare?done=declared",
        field="interest",
        again=again,
    )


# Naming an advocate ----------------------------------------------------------------------


async def _advocate_in_words(request: Request[Any, Any, Any], account_id: UUID) -> str:
    named = await advocate_name(services(request.app).pool, account_id)
    if named is None:
        return "Someone who can no longer sign in"
    number = f", member {named.membership_number}" if named.membership_number else ""
    return f"{named.name}{number}"


async def _advocate_page(
    request: Request[Any, Any, Any],
    member_id: UUID,
    checked: Checked | None = None,
    *,
    status: int = 200,
) -> Template:
    s = services(request.app)
    checked = checked or Checked()
    advocate = await advocate_of(s.pool, member_id)
    named_me = await advocating_for(s.pool, request.state.user.account_id)
    done = {
        "named": "You have named your advocate.",
        "ended": "Your advocate can no longer vote for you.",
    }
    return form_page(
        request,
        "governance/advocate.html",
        checked,
        status=status,
        advocate=await _advocate_in_words(request, advocate.account_id) if advocate else None,
        advocate_since=day(advocate.since) if advocate else "",
        named_me=[(m.name, day(m.since)) for m in named_me],
        ballots=await open_ballots_for(s.pool, [m.member_id for m in named_me], s.clock.now()),
        when=when,
        done=done.get(request.query_params.get("done", "")),
    )


@get("/my/advocate")
async def advocate_form(request: Request[Any, Any, Any]) -> Template:
    member_id = _member(request)
    if member_id is None:
        return no_membership(request)
    return await _advocate_page(request, member_id)


async def _chosen_account(
    request: Request[Any, Any, Any], member_id: UUID, number: int, checked: Checked
) -> UUID | None:
    """The account of member ``number``, if they can be this member's advocate."""
    s = services(request.app)
    chosen = await member_by_number(s.pool, number)
    if chosen is None or chosen.status != "admitted":
        checked.problem("number", f"Member {number} is not a current member: check the number")
        return None
    if chosen.member_id == member_id:
        checked.problem("number", "That is your own membership number: enter your advocate's")
        return None
    account = await account_of_member(s.pool, chosen.member_id)
    current = await advocate_of(s.pool, member_id)
    if account is None:
        checked.problem(
            "number",
            f"Member {number} cannot sign in to coop yet, so they cannot vote for you."
            " Ask the co-op office to invite them",
        )
    elif current is not None and current.account_id == account:
        checked.problem("number", f"Member {number} is already your advocate")
        return None
    return account


@post("/my/advocate", status_code=303)
async def name_advocate(request: Request[Any, Any, Any]) -> Template | Redirect:
    s = services(request.app)
    member_id = _member(request)
    if member_id is None:
        return no_membership(request)
    number, checked = check_advocate_number(await posted_form(request))
    account = None if number is None else await _chosen_account(request, member_id, number, checked)

    async def again(checked: Checked, status: int) -> Template:
        return await _advocate_page(request, member_id, checked, status=status)

    return await carry_out(
        request,
        checked,
        None if account is None else partial(s.coop.name_advocate, member_id, account),
        seen_by=("advocacy",),
        then="/my/advocate?done=named",
        field="number",
        again=again,
    )


@post("/my/advocate/end", status_code=303)
async def end_advocacy(request: Request[Any, Any, Any]) -> Template | Redirect:
    s = services(request.app)
    member_id = _member(request)
    if member_id is None:
        return no_membership(request)

    async def again(checked: Checked, status: int) -> Template:
        return await _advocate_page(request, member_id, checked, status=status)

    return await carry_out(
        request,
        Checked(),
        partial(s.coop.end_advocacy, member_id),
        seen_by=("advocacy",),
        then="/my/advocate?done=ended",
        field="end",
        again=again,
    )


# Voting for a member, as their advocate ----------------------------------------------------


async def _vote_for_page(
    request: Request[Any, Any, Any],
    b: BallotView,
    member_id: UUID,
    *,
    status: int = 200,
    field_errors: dict[str, str] | None = None,
    values: dict[str, Any] | None = None,
) -> Template:
    s = services(request.app)
    # Only to show the form: the vote itself is checked against the member's consent as recorded.
    advocate = await advocate_of(s.pool, member_id)
    if advocate is None or advocate.account_id != request.state.user.account_id:
        raise NoAdvocate()
    record = await member_record(s.pool, member_id)
    them = await elector(s.pool, b.ballot_id, member_id)
    errors = field_errors or {}
    return page(
        request,
        "governance/vote_for.html",
        status=status,
        errors=list(errors.items()),
        field_errors=errors,
        # The vote already recorded is shown chosen, as on the member's own ballot page.
        values=values if values is not None else vote_so_far(b, them),
        ballot=b,
        member_id=member_id,
        name=record.name if record else "this member",
        them=them,
        their_vote=describe(b.kind, b.options, them.mark) if them and them.mark else "",
        is_open=b.state == "open" and s.clock.now() < b.closes_at,
        choices=choices(b),
        kind_name=KIND_NAMES.get(b.kind, b.kind),
        closes=when(b.closes_at),
        budget=money(b.budget_pence),
        done=request.query_params.get("done") == "voted",
    )


@get("/ballots/{ballot_id:uuid}/vote-for/{member_id:uuid}")
async def vote_for_form(
    request: Request[Any, Any, Any], ballot_id: FromPath[UUID], member_id: FromPath[UUID]
) -> Template:
    return await _vote_for_page(request, await ballot_named(request, ballot_id), member_id)


@post("/ballots/{ballot_id:uuid}/vote-for/{member_id:uuid}", status_code=303)
async def vote_for(
    request: Request[Any, Any, Any], ballot_id: FromPath[UUID], member_id: FromPath[UUID]
) -> Template | Redirect:
    """Cast a supported vote: the record shows the advocate cast it, with the member's consent."""
    s = services(request.app)
    b = await ballot_named(request, ballot_id)
    mark, values, errors = read_mark(b.kind, candidates_on(b), await request.form())
    status = 422
    if not errors:
        try:
            cast = await s.run(
                s.coop.cast_vote,
                ballot_id,
                member_id,
                mark,
                cast_by=request.state.user.account_id,
                supported=True,
            )
        except NoAdvocate:
            raise
        except CoopError as e:
            field = e.field if isinstance(e, InvalidInput) else None
            errors, status = {PAPER_FIELDS.get(field or "", ""): str(e)}, e.status
        else:
            await s.seen(cast.position, "governance")
            if cast.receipt is None:
                return see_other(f"/ballots/{ballot_id}/vote-for/{member_id}?done=voted")
            record = await member_record(s.pool, member_id)
            return page(
                request,
                "governance/voted_for.html",
                ballot=b,
                name=record.name if record else "this member",
                receipt=cast.receipt,
                closes=when(b.closes_at),
            )
    return await _vote_for_page(
        request, b, member_id, status=status, field_errors=errors, values=values
    )
