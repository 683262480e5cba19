"""Ballots for members: the list, one ballot with its live turnout and the vote form,
its Easy Read version, and voting.

Whose vote is cast comes only from the signed-in account (``user.member_id``). A
secret ballot's receipt code is shown once, in the answer to the vote itself: it is
never stored anywhere that links it to the member. The results and receipts are in
``coop.web.governance.results``.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Request, Response, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Template

from coop.clock import UK
from coop.domain.errors import CoopError, InvalidInput
from coop.domain.governance.ballots import BallotNotFound, NotAnElector
from coop.domain.governance.secrecy import small_classes
from coop.projections.governance.queries import (
    BallotView,
    ElectorView,
    Turnout,
    ballots_for,
    elector,
    turnout,
)
from coop.web.auth import User
from coop.web.governance.ballot_paper import PAPER_FIELDS, choices, read_mark, vote_so_far
from coop.web.governance.ballot_words import (
    KIND_NAMES,
    describe,
    reservation,
    turnout_in_words,
    your_small_class,
)
from coop.web.governance.lookups import ballot_named
from coop.web.governance.rules_words import rules_proposed_by
from coop.web.pages import is_htmx, page, see_other
from coop.web.services import services
from coop.web.words import money, when

# Pages ------------------------------------------------------------------------------------


def _digest(b: BallotView, counts: list[Turnout]) -> str:
    """What the turnout fragment shows, in short: it is swapped only when this changes."""
    return "-".join([b.state, *(f"{t.voted}" for t in counts)])


async def _ballot_page(
    request: Request[Any, Any, Any],
    b: BallotView,
    *,
    template: str = "governance/ballots/ballot.html",
    status: int = 200,
    field_errors: dict[str, str] | None = None,
    values: dict[str, Any] | None = None,
) -> Template:
    s = services(request.app)
    user: User = request.state.user
    me = await elector(s.pool, b.ballot_id, user.member_id) if user.member_id else None
    counts = await turnout(s.pool, b.ballot_id)
    now = s.clock.now()
    errors = field_errors or {}
    return page(
        request,
        template,
        status=status,
        errors=list(errors.items()),
        field_errors=errors,
        values=values if values is not None else vote_so_far(b, me),
        ballot=b,
        me=me,
        is_open=b.state == "open" and now < b.closes_at,
        your_vote=describe(b.kind, b.options, me.mark) if me and me.mark else "",
        choices=choices(b),
        kind_name=KIND_NAMES.get(b.kind, b.kind),
        opens=when(b.opens_at),
        closes=when(b.closes_at),
        closes_day=f"{b.closes_at.astimezone(UK):%A %-d %B}",
        voted_at=when(me.voted_at) if me and me.voted_at else "",
        budget=money(b.budget_pence),
        proposals_until=when(b.proposals_until) if b.proposals_until else "",
        proposals_open=b.state == "drafted"
        and b.proposals_until is not None
        and now < b.proposals_until,
        reservation=reservation(b),
        proposal=await rules_proposed_by(s.pool, b.ballot_id),
        small_class=_small_class(b, me, counts),
        **_turnout_context(b, counts),
    )


def _small_class(b: BallotView, me: ElectorView | None, counts: list[Turnout]) -> str:
    """What the count will show of this voter's vote, if their class is very small."""
    if me is None:
        return ""
    voters = {t.member_class: t.electorate for t in counts}
    return your_small_class(small_classes(b.kind, b.secret, voters), me.member_class)


def _turnout_context(b: BallotView, counts: list[Turnout]) -> dict[str, Any]:
    rows, total = turnout_in_words(counts)
    return {"turnout_rows": rows, "turnout_total": total, "digest": _digest(b, counts)}


@get("/ballots")
async def ballots(request: Request[Any, Any, Any]) -> Template:
    s = services(request.app)
    now = s.clock.now()
    lines = await ballots_for(s.pool, request.state.user.member_id)
    live = [b for b in lines if b.state == "open" and now < b.closes_at]
    return page(
        request,
        "governance/ballots/list.html",
        open_ballots=live,
        upcoming=[b for b in lines if b.state == "drafted"],
        closed=[b for b in reversed(lines) if b.state != "drafted" and b not in live],
        when=when,
        kind_names=KIND_NAMES,
    )


@get("/ballots/{ballot_id:uuid}")
async def ballot_page(request: Request[Any, Any, Any], ballot_id: FromPath[UUID]) -> Template:
    return await _ballot_page(request, await ballot_named(request, ballot_id))


@get("/ballots/{ballot_id:uuid}/easy-read")
async def easy_read(request: Request[Any, Any, Any], ballot_id: FromPath[UUID]) -> Template:
    b = await ballot_named(request, ballot_id)
    return await _ballot_page(request, b, template="governance/ballots/easy_read.html")


@get("/ballots/{ballot_id:uuid}/turnout")
async def turnout_now(
    request: Request[Any, Any, Any], ballot_id: FromPath[UUID]
) -> Template | Redirect | Response[None]:
    """For htmx, the turnout fragment, but only when its numbers have changed."""
    b = await ballot_named(request, ballot_id)
    if not is_htmx(request):
        return see_other(f"/ballots/{ballot_id}#turnout")
    context = _turnout_context(b, await turnout(services(request.app).pool, ballot_id))
    if request.query_params.get("seen") == context["digest"]:
        return Response(content=None, status_code=204)  # nothing new: nothing to announce
    return page(request, "governance/ballots/_turnout.html", ballot=b, announce=True, **context)


@post("/ballots/{ballot_id:uuid}/vote", status_code=303)
async def vote(request: Request[Any, Any, Any], ballot_id: FromPath[UUID]) -> Template | Redirect:
    """Cast or change a vote; a secret ballot's receipt is shown now, and only now."""
    s, user = services(request.app), request.state.user
    try:
        # As this process knows it: the copy every vote on it decides on (OpenBallots).
        paper = await s.votes.ballot(ballot_id)
    except BallotNotFound:
        raise NotFoundException("There is no ballot with that reference.") from None
    form = await request.form()
    view = (
        "governance/ballots/easy_read.html"
        if form.get("view") == "easy-read"
        else "governance/ballots/ballot.html"
    )
    mark, values, errors = read_mark(paper.kind, [(o.id, o.label) for o in paper.options], form)
    status = 422
    if not errors:
        try:
            if user.member_id is None:
                raise NotAnElector()
            cast = await s.votes.cast(ballot_id, user.member_id, mark, cast_by=user.account_id)
        except CoopError as e:
            field = e.field if isinstance(e, InvalidInput) else None
            errors, status = {PAPER_FIELDS.get(field or "", ""): str(e)}, e.status
        else:
            await s.seen(cast.position, "governance")
            if cast.receipt is None:
                return see_other(f"/ballots/{ballot_id}/voted")
            b = await ballot_named(request, ballot_id)
            return page(
                request,
                "governance/ballots/voted.html",
                ballot=b,
                receipt=cast.receipt,
                closes=when(b.closes_at),
            )
    b = await ballot_named(request, ballot_id)  # the page shows its state as it is now
    return await _ballot_page(
        request, b, template=view, status=status, field_errors=errors, values=values
    )


@get("/ballots/{ballot_id:uuid}/voted")
async def voted(request: Request[Any, Any, Any], ballot_id: FromPath[UUID]) -> Template | Redirect:
    b = await ballot_named(request, ballot_id)
    member_id = request.state.user.member_id
    me = await elector(services(request.app).pool, ballot_id, member_id) if member_id else None
    if me is None or me.voted_at is None:
        return see_other(f"/ballots/{ballot_id}")
    return page(
        request,
        "governance/ballots/voted.html",
        ballot=b,
        receipt=None,
        your_vote=describe(b.kind, b.options, me.mark) if me.mark else "",
        closes=when(b.closes_at),
    )
