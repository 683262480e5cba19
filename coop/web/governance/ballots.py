"""Ballots for members: the list, one ballot with its live turnout and the vote form,
its Easy Read version, the results, and checking a secret ballot's receipt.

Whose vote is cast comes only from the signed-in account (``user.member_id``). A
secret ballot's receipt code is shown once, in the answer to the vote itself: it is
never stored anywhere that links it to the member.
"""

from __future__ import annotations

import re
from datetime import datetime
from fractions import Fraction
from typing import Any
from uuid import UUID

import msgspec
from litestar import Request, Response, get, post
from litestar.datastructures import FormMultiDict
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Template

from coop.clock import UK
from coop.domain.errors import CoopError, InvalidInput
from coop.domain.governance.ballots import Mark, NotAnElector
from coop.domain.governance.votes import RECEIPT_ALPHABET
from coop.projections.governance.ballots import (
    BallotView,
    ElectorView,
    Turnout,
    ballot,
    ballots_for,
    elector,
    turnout,
)
from coop.web.auth import ANYONE, SIGNED_IN, User, allow
from coop.web.governance.ballot_words import (
    BENEFITS,
    KIND_NAMES,
    class_name,
    describe,
    in_class_order,
    money,
    percent,
    reservation,
    results_view,
    when,
)
from coop.web.governance.rules import proposal
from coop.web.pages import is_htmx, page, see_other
from coop.web.problems import Problem
from coop.web.services import services

MEMBERS = allow("member")
_COMMAND_FIELDS = {"answer": "answer", "approvals": "approvals", "ranking": "rank-1"}
_RECEIPT = re.compile(r"[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}")


def read_mark(b: BallotView, form: FormMultiDict) -> tuple[Mark, dict[str, Any], dict[str, str]]:
    """The mark the form asks for, the answers to show again, and what is wrong with them."""
    if b.kind == "resolution":
        answer = str(form.get("answer", ""))
        if not answer:
            return (
                Mark(),
                {"answer": ""},
                {"answer": "Choose how you vote: for, against or abstain"},
            )
        return Mark(answer=answer), {"answer": answer}, {}
    if b.kind == "reinvestment":
        approvals = tuple(str(a) for a in form.getall("approvals", []))
        if not approvals:
            return Mark(), {"approvals": []}, {"approvals": "Select the options you support"}
        return Mark(approvals=approvals), {"approvals": list(approvals)}, {}
    ranking, numbers, errors = read_ranking(b.options, form)
    return Mark(ranking=ranking), {"rank": numbers}, errors


def read_ranking(
    options: list[dict[str, Any]], form: FormMultiDict
) -> tuple[tuple[str, ...], dict[str, str], dict[str, str]]:
    """Candidates numbered 1, 2, 3...: blank is not ranked; no gaps, no repeats."""
    field = {o["id"]: f"rank-{i}" for i, o in enumerate(options, 1)}
    names = {o["id"]: o["label"] for o in options}
    n = len(options)
    typed: dict[str, str] = {}
    numbered: dict[int, list[str]] = {}
    errors: dict[str, str] = {}
    for key, raw in form.multi_items():
        if not key.startswith("rank-") or not str(raw).strip():
            continue
        cid, text = key.removeprefix("rank-"), str(raw).strip()
        typed[cid] = text
        name, at = names.get(cid, "that candidate"), field.get(cid, "rank-1")
        if not re.fullmatch(r"[0-9]{1,4}", text):
            errors.setdefault(
                at, f"Enter a whole number for {name}, like 1 or 2, or leave it blank"
            )
        elif not 1 <= int(text) <= n:
            errors.setdefault(at, f"Use the numbers 1 to {n}: you gave {name} {text}")
        else:
            numbered.setdefault(int(text), []).append(cid)
    if not errors and not numbered:
        errors["rank-1"] = "Put 1 next to your first choice. Number as many candidates as you like"
    order = list(field)  # repeats are named in the ballot's order, whatever the form's
    for k, cids in sorted(numbered.items()):
        cids.sort(key=lambda c: order.index(c) if c in field else n)
        for cid in cids[1:]:
            first = names.get(cids[0], "another candidate")
            errors.setdefault(
                field.get(cid, "rank-1"),
                f"You gave {k} to {first} and {names.get(cid, 'another candidate')}:"
                " give each candidate a different number",
            )
    for expected, k in enumerate(sorted(numbered), 1):
        if k != expected and not errors:
            errors[field.get(numbered[k][0], "rank-1")] = (
                f"You have not used the number {expected}: number your choices"
                " 1, 2, 3 and so on, without leaving a number out"
            )
    ranking = tuple(cid for _, cids in sorted(numbered.items()) for cid in cids)
    return (() if errors else ranking), typed, errors


def _values_from(b: BallotView, me: ElectorView | None) -> dict[str, Any]:
    """An open ballot's vote so far, to start the "change your vote" form from."""
    mark = me.mark if me and me.mark else {}
    ranking = mark.get("ranking") or []
    return {
        "answer": mark.get("answer", ""),
        "approvals": mark.get("approvals") or [],
        "rank": {cid: str(i) for i, cid in enumerate(ranking, 1)},
    }


# Pages ------------------------------------------------------------------------------------


async def _ballot(request: Request[Any, Any, Any], ballot_id: UUID) -> BallotView:
    return _found(await ballot(services(request.app).pool, ballot_id))


def _found(b: BallotView | None) -> BallotView:
    if b is None:
        raise NotFoundException("There is no ballot with that reference.")
    return b


async def _open_ballot(request: Request[Any, Any, Any], ballot_id: UUID) -> BallotView:
    """The ballot a vote is for, read once per process once it is open.

    An open ballot's kind, options, title and times never change (only its
    state does, and the command checks that against the event log), and the
    form is read by kind and options alone; so votes skip a query each. The
    votes that come in together as it opens share one read.
    """
    s = services(request.app)
    known = s.open_ballot_views
    found = known.get(ballot_id)
    if found is None:
        found = _found(await s.ballot_view_loads.load(ballot_id, lambda: ballot(s.pool, ballot_id)))
        if found.state == "open":
            if len(known) >= 64:
                known.clear()  # ballots are few; a long-lived process forgets old ones
            known[ballot_id] = found
    return found


def _digest(b: BallotView, counts: list[Turnout]) -> str:
    """What the turnout fragment shows, in short: it is swapped only when this changes."""
    return "-".join([b.state, *(f"{t.voted}" for t in counts)])


def _choices(b: BallotView) -> list[dict[str, Any]]:
    return [
        {
            **o,
            "field_id": f"rank-{i}",
            "cost": money(o.get("cost_pence", 0)),
            "benefits_text": BENEFITS.get(o.get("benefits", ""), o.get("benefits", "")),
            "class_text": class_name(o["member_class"]) if o.get("member_class") else "",
        }
        for i, o in enumerate(b.options, 1)
    ]


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
        values=values if values is not None else _values_from(b, me),
        ballot=b,
        me=me,
        is_open=b.state == "open" and now < b.closes_at,
        your_vote=describe(b.kind, b.options, me.mark) if me and me.mark else "",
        choices=_choices(b),
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
        proposal=await proposal(s.pool, b.ballot_id),
        **_turnout_context(b, counts),
    )


def _turnout_context(b: BallotView, counts: list[Turnout]) -> dict[str, Any]:
    rows = [
        (
            class_name(t.member_class),
            t.electorate,
            t.voted,
            percent(Fraction(t.voted, t.electorate)),
        )
        for t in sorted(counts, key=lambda t: in_class_order(t.member_class))
        if t.electorate
    ]
    electorate, voted = sum(t.electorate for t in counts), sum(t.voted for t in counts)
    return {
        "turnout_rows": rows,
        "turnout_total": (electorate, voted, percent(Fraction(voted, electorate or 1))),
        "digest": _digest(b, counts),
    }


@get("/ballots", opt=allow(SIGNED_IN))
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


@get("/ballots/{ballot_id:uuid}", opt=allow(SIGNED_IN))
async def ballot_page(request: Request[Any, Any, Any], ballot_id: FromPath[UUID]) -> Template:
    return await _ballot_page(request, await _ballot(request, ballot_id))


@get("/ballots/{ballot_id:uuid}/easy-read", opt=allow(SIGNED_IN))
async def easy_read(request: Request[Any, Any, Any], ballot_id: FromPath[UUID]) -> Template:
    b = await _ballot(request, ballot_id)
    return await _ballot_page(request, b, template="governance/ballots/easy_read.html")


@get("/ballots/{ballot_id:uuid}/turnout", opt=allow(SIGNED_IN))
async def turnout_now(
    request: Request[Any, Any, Any], ballot_id: FromPath[UUID]
) -> Template | Redirect | Response[None]:
    """For htmx, the turnout fragment, but only when its numbers have changed."""
    b = await _ballot(request, ballot_id)
    if not is_htmx(request):
        return see_other(f"/ballots/{ballot_id}#turnout")
    context = _turnout_context(b, await turnout(services(request.app).pool, ballot_id))
    if request.query_params.get("seen") == context["digest"]:
        return Response(content=None, status_code=204)  # nothing new: nothing to announce
    return page(request, "governance/ballots/_turnout.html", ballot=b, announce=True, **context)


@post("/ballots/{ballot_id:uuid}/vote", opt=MEMBERS, status_code=303)
async def vote(request: Request[Any, Any, Any], ballot_id: FromPath[UUID]) -> Template | Redirect:
    """Cast or change a vote; a secret ballot's receipt is shown now, and only now."""
    b = await _open_ballot(request, ballot_id)
    s, user = services(request.app), request.state.user
    form = await request.form()
    view = (
        "governance/ballots/easy_read.html"
        if form.get("view") == "easy-read"
        else "governance/ballots/ballot.html"
    )
    mark, values, errors = read_mark(b, form)
    status = 422
    if not errors:
        try:
            if user.member_id is None:
                raise NotAnElector()
            cast = await s.votes.cast(ballot_id, user.member_id, mark, cast_by=user.account_id)
        except CoopError as e:
            field = e.field if isinstance(e, InvalidInput) else None
            errors, status = {_COMMAND_FIELDS.get(field or "", ""): str(e)}, e.status
        else:
            await s.seen(cast.position, "governance")
            if cast.receipt is None:
                return see_other(f"/ballots/{ballot_id}/voted")
            return page(
                request,
                "governance/ballots/voted.html",
                ballot=b,
                receipt=cast.receipt,
                closes=when(b.closes_at),
            )
    b = await _ballot(request, ballot_id)  # the page shows its state as it is now
    return await _ballot_page(
        request, b, template=view, status=status, field_errors=errors, values=values
    )


@get("/ballots/{ballot_id:uuid}/voted", opt=MEMBERS)
async def voted(request: Request[Any, Any, Any], ballot_id: FromPath[UUID]) -> Template | Redirect:
    b = await _ballot(request, ballot_id)
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


# Results ----------------------------------------------------------------------------------


@get("/ballots/{ballot_id:uuid}/results", opt=allow(SIGNED_IN))
async def results(request: Request[Any, Any, Any], ballot_id: FromPath[UUID]) -> Template:
    b = await _ballot(request, ballot_id)
    return page(
        request,
        "governance/ballots/results.html",
        ballot=b,
        kind_name=KIND_NAMES.get(b.kind, b.kind),
        closes=when(b.closes_at),
        r=results_view(b) if b.result else None,
    )


class BallotResults(msgspec.Struct, kw_only=True):
    """A counted ballot and its published result, exactly as counted."""

    ballot_id: UUID
    kind: str
    title: str
    question: str
    special: bool
    secret: bool
    opens_at: datetime
    closes_at: datetime
    rules_version: int | None
    options: list[dict[str, Any]]
    result: dict[str, Any]


@get(
    "/api/ballots/{ballot_id:uuid}/results",
    opt=allow(SIGNED_IN),
    tags=["coop"],
    summary="A counted ballot's published result",
)
async def results_json(request: Request[Any, Any, Any], ballot_id: FromPath[UUID]) -> BallotResults:
    b = await ballot(services(request.app).pool, ballot_id)
    if b is None:
        raise Problem(404, "There is no ballot with that id.")
    if b.result is None:
        raise Problem(409, "This ballot has not been counted yet: results come after it closes.")
    return BallotResults(
        ballot_id=b.ballot_id,
        kind=b.kind,
        title=b.title,
        question=b.question,
        special=b.special,
        secret=b.secret,
        opens_at=b.opens_at,
        closes_at=b.closes_at,
        rules_version=b.rules_version,
        options=b.options,
        result=b.result,
    )


# Receipts ---------------------------------------------------------------------------------


def check_receipt(raw: str) -> tuple[str, str | None]:
    """The code tidied up (capitals, dashes), and what is wrong with it if anything."""
    code = re.sub(r"\s+", "", raw).upper()
    if not code:
        return code, "Enter your receipt code"
    if len(code) == 12 and "-" not in code:
        code = "-".join(code[i : i + 4] for i in range(0, 12, 4))
    if not _RECEIPT.fullmatch(code):
        return code, "Enter the code as 3 groups of 4 letters and numbers, like K7QF-M2XA-9PTD"
    if set(code) - set(RECEIPT_ALPHABET + "-"):
        return code, "Receipt codes never use 0, 1, I or O: check the code against your note"
    return code, None


@get("/ballots/{ballot_id:uuid}/receipts", opt=allow(ANYONE))
async def receipts(request: Request[Any, Any, Any], ballot_id: FromPath[UUID]) -> Template:
    """Anyone holding a receipt can check that its paper is in the published count."""
    b = await _ballot(request, ballot_id)
    raw = request.query_params.get("code")
    code, error = check_receipt(raw) if raw is not None else ("", None)
    found: str | None = None
    checked = raw is not None and error is None and b.result is not None
    if checked:
        papers = (b.result or {}).get("papers", [])
        paper = next((p for p in papers if p["receipt"] == code), None)
        found = describe(b.kind, b.options, paper["mark"]) if paper else None
    return page(
        request,
        "governance/ballots/receipts.html",
        status=422 if error else 200,
        errors=[("code", error)] if error else [],
        error=error,
        ballot=b,
        code=code if raw is not None else "",
        checked=checked,
        found=found,
        closes=when(b.closes_at),
    )
