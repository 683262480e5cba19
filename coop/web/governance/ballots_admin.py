"""The trustees' ballot administration: draft a ballot, list its candidates or options,
open it now, close and count it now, remind the electors who have not voted yet, and
apply the rules a carried special resolution proposed.

A good answer runs one command and redirects with a notification; a bad one shows
the page again with its errors and changes nothing (``ballot_admin_page``).
"""

from __future__ import annotations

from functools import partial
from typing import Any
from uuid import UUID

import msgspec
from litestar import Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from coop.domain.governance.ballots import BallotKind, Option
from coop.infra.mail import messages, outbox
from coop.projections.governance.queries import (
    BallotView,
    ballots_for,
    current_members,
    electors_yet_to_vote,
)
from coop.projections.membership.queries import current_electorate, trustees_in_office
from coop.web.commands import carry_out, caught_up, field_on_page
from coop.web.forms import Checked, one_answer, text
from coop.web.governance.ballot_admin_page import STATES, ballot_admin_page, change_ballot
from coop.web.governance.ballot_words import KIND_NAMES
from coop.web.governance.forms import (
    TOPICS,
    check_ballot,
    check_candidates,
    check_reinvestment_option,
)
from coop.web.governance.lookups import (
    ballot_named,
    declared_surpluses,
    meetings_to_choose,
    rules_in_force,
)
from coop.web.pages import form_page, page, posted_form, see_other
from coop.web.services import services
from coop.web.words import when

# A refusal's field, as the domain names it, to the field on the page.
_FIELDS = {"opens_at": "opens-day", "closes_at": "closes-day", "options": "kind"}


# The list and a new ballot ------------------------------------------------------------


@get("/trustees/ballots")
async def ballots(request: Request[Any, Any, Any]) -> Template:
    # The ballot closing last comes first (those still to run are at the top), ties by title.
    found = sorted(await ballots_for(services(request.app).pool, None), key=lambda b: b.title)
    found.sort(key=lambda b: b.closes_at, reverse=True)
    return page(
        request,
        "governance/ballots.html",
        ballots=found,
        kinds=KIND_NAMES,
        states=STATES,
        when=when,
    )


async def _new_form(
    request: Request[Any, Any, Any], checked: Checked, *, status: int = 200
) -> Template:
    s = services(request.app)
    return form_page(
        request,
        "governance/new_ballot.html",
        checked,
        status=status,
        kinds=KIND_NAMES,
        topics=TOPICS,
        meetings=await meetings_to_choose(s.pool),
        declared=await declared_surpluses(s.pool),
    )


@get("/trustees/ballots/new")
async def new_ballot_form(request: Request[Any, Any, Any]) -> Template:
    return await _new_form(request, Checked(values={"topic": "general", "special": "no"}))


@post("/trustees/ballots/new", status_code=303)
async def draft_ballot(request: Request[Any, Any, Any]) -> Template | Redirect:
    s = services(request.app)
    in_force = await rules_in_force(request)
    declared = await declared_surpluses(s.pool)
    answer, checked = check_ballot(
        await posted_form(request),
        s.clock.now(),
        meetings=await meetings_to_choose(s.pool),
        most_seats=in_force.trustee_seats if in_force else 1,
        declared=declared,
    )
    by = request.state.user.account_id
    command = None
    if answer is not None and answer.kind is BallotKind.REINVESTMENT and declared:
        # Its budget is the surplus the trustees declared for the period, never typed.
        draft = msgspec.structs.asdict(answer)
        del draft["kind"], draft["budget_pence"]
        period_id = UUID(checked.values["period"])
        command = partial(s.coop.draft_reinvestment, period_id, by=by, **draft)
    elif answer is not None:
        command = partial(s.coop.draft_ballot, by=by, **msgspec.structs.asdict(answer))

    async def again(checked: Checked, status: int) -> Template:
        return await _new_form(request, checked, status=status)

    return await carry_out(
        request,
        checked,
        command,
        seen_by=("governance", "finance"),
        then=lambda done: f"/trustees/ballots/{done.subject}?done=drafted",
        field=lambda refusal: field_on_page(refusal, "kind", _FIELDS),
        again=again,
    )


# One ballot ----------------------------------------------------------------------------


@get("/trustees/ballots/{ballot_id:uuid}")
async def ballot_admin(request: Request[Any, Any, Any], ballot_id: FromPath[UUID]) -> Template:
    reminded = request.query_params.get("reminded", "")
    done = None
    if reminded.isdigit():
        n = int(reminded)
        done = f"{n} reminder{'' if n == 1 else 's'} sent to electors who have not voted yet."
    return await ballot_admin_page(request, await ballot_named(request, ballot_id), done=done)


@post("/trustees/ballots/{ballot_id:uuid}/candidates", status_code=303)
async def list_candidates(
    request: Request[Any, Any, Any], ballot_id: FromPath[UUID]
) -> Template | Redirect:
    b = await ballot_named(request, ballot_id)
    members = {
        str(m.member_id): (m.name, m.member_class)
        for m in await current_members(services(request.app).pool)
    }
    options, checked = check_candidates(await posted_form(request), members)
    if b.kind != BallotKind.ELECTION:
        checked.problem("candidates", "Only an election has candidates")
    coop, by = services(request.app).coop, request.state.user.account_id
    command = None if options is None else partial(coop.list_options, ballot_id, options, by=by)
    return await change_ballot(request, b, checked, command, done="options", field="candidates")


def _listed(b: BallotView) -> tuple[Option, ...]:
    return tuple(msgspec.convert(o, Option) for o in b.options)


@post("/trustees/ballots/{ballot_id:uuid}/options", status_code=303)
async def add_option(
    request: Request[Any, Any, Any], ballot_id: FromPath[UUID]
) -> Template | Redirect:
    b = await ballot_named(request, ballot_id)
    option, checked = check_reinvestment_option(
        await posted_form(request), b.options, b.budget_pence
    )
    if b.kind != BallotKind.REINVESTMENT:
        checked.problem("label", "Only a reinvestment ballot has costed options")
    coop, by = services(request.app).coop, request.state.user.account_id
    command = (
        None
        if option is None
        else partial(coop.list_options, ballot_id, (*_listed(b), option), by=by)
    )
    return await change_ballot(request, b, checked, command, done="options", field="label")


@post("/trustees/ballots/{ballot_id:uuid}/options/remove", status_code=303)
async def remove_option(
    request: Request[Any, Any, Any], ballot_id: FromPath[UUID]
) -> Template | Redirect:
    b = await ballot_named(request, ballot_id)
    gone = one_answer(await posted_form(request), "option")
    checked = Checked()
    kept = tuple(o for o in _listed(b) if o.id != gone)
    if len(kept) == len(b.options):
        checked.problem("options", "That option is not on this ballot")
    command = partial(
        services(request.app).coop.list_options, ballot_id, kept, by=request.state.user.account_id
    )
    return await change_ballot(request, b, checked, command, done="options", field="options")


@post("/trustees/ballots/{ballot_id:uuid}/open", status_code=303)
async def open_now(
    request: Request[Any, Any, Any], ballot_id: FromPath[UUID]
) -> Template | Redirect:
    s = services(request.app)
    b = await ballot_named(request, ballot_id)
    # The electorate and the trustees come from the members read model: let it catch up first.
    await caught_up(s, "members")
    electorate = await current_electorate(s.pool)
    trustees = await trustees_in_office(s.pool)
    command = partial(s.coop.open_ballot, ballot_id, electorate, trustees)
    return await change_ballot(request, b, Checked(), command, done="opened", field="open")


@post("/trustees/ballots/{ballot_id:uuid}/close", status_code=303)
async def close_now(
    request: Request[Any, Any, Any], ballot_id: FromPath[UUID]
) -> Template | Redirect:
    b = await ballot_named(request, ballot_id)
    command = partial(services(request.app).coop.close_ballot, ballot_id)
    return await change_ballot(request, b, Checked(), command, done="counted", field="")


@post("/trustees/ballots/{ballot_id:uuid}/remind", status_code=303)
async def remind(request: Request[Any, Any, Any], ballot_id: FromPath[UUID]) -> Template | Redirect:
    """One e-mail to each elector who has not voted yet and has an e-mail address."""
    s = services(request.app)
    b = await ballot_named(request, ballot_id)
    now = s.clock.now()
    if b.state != "open" or now >= b.closes_at:
        checked = Checked()
        checked.problem("", "Reminders can only be sent while the ballot is open")
        return await ballot_admin_page(request, b, checked, status=409)
    waiting = [e for e in await electors_yet_to_vote(s.pool, ballot_id) if e.email]
    async with s.pool.acquire() as conn, conn.transaction():
        for e in waiting:
            subject, body = messages.ballot_reminder(
                s.settings.coop_name,
                e.preferred_name or e.name,
                b.title,
                when(b.closes_at),
                s.settings.link(f"/ballots/{ballot_id}"),
            )
            await outbox.enqueue(conn, e.email, subject, body, now=now)
    return see_other(f"/trustees/ballots/{ballot_id}?reminded={len(waiting)}")


@post("/trustees/ballots/{ballot_id:uuid}/amend-rules", status_code=303)
async def amend_rules(
    request: Request[Any, Any, Any], ballot_id: FromPath[UUID]
) -> Template | Redirect:
    """Apply the rules a carried special resolution proposed, with its minute reference."""
    b = await ballot_named(request, ballot_id)
    checked = Checked()
    reference = text(
        checked,
        await posted_form(request),
        "reference",
        label="The minute reference",
        missing="Enter the minute or resolution reference for this change",
        max_length=200,
    )
    s = services(request.app)
    command = partial(s.coop.amend_rules, ballot_id, reference=reference)
    answer = await change_ballot(request, b, checked, command, done="amended", field="reference")
    if isinstance(answer, Redirect):
        # The rules page reads the rules projection: let it catch up before going there.
        await caught_up(s, "rules")
    return answer
