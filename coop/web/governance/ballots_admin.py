"""The trustees' ballot administration: draft a ballot, list its candidates or options,
open it now, close and count it now, see declarations and turnout, and remind the
electors who have not voted yet.

A good answer runs one command and redirects with a notification; a bad one shows
the page again with its errors and changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from typing import Any
from uuid import UUID

import asyncpg
import msgspec
from litestar import Request, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Template

from coop.application import Coop, Done
from coop.clock import UK
from coop.domain.errors import CoopError, NotFound
from coop.domain.governance.ballots import BallotKind, Option
from coop.domain.governance.rules import RulesNotAdopted
from coop.infra.mail import messages, outbox
from coop.projections.governance.ballots import BallotView, ballot, ballots_for, proposals, turnout
from coop.projections.governance.meetings import meetings_list
from coop.scheduler import current_electorate, trustees_in_office
from coop.web.auth import allow
from coop.web.forms import Checked, _one, text
from coop.web.governance.ballot_words import (
    KIND_NAMES,
    class_name,
    in_class_order,
    money,
    one_of,
    percent,
    reservation,
    when,
)
from coop.web.governance.forms import (
    BENEFITS,
    TOPICS,
    check_ballot,
    check_candidates,
    check_reinvestment_option,
)
from coop.web.governance.meetings_admin import current_members, form_of
from coop.web.governance.proposal_forms import STATES as PROPOSAL_STATES
from coop.web.governance.proposal_forms import costing_text, proposer_text, window_values
from coop.web.governance.rules import proposal
from coop.web.pages import page, see_other
from coop.web.services import services

TRUSTEES = allow("trustee", "secretary")
STATES = {"drafted": "Drafted", "open": "Open", "closed": "Closed", "counted": "Counted"}
# A refusal's field, as the domain names it, to the field on the page.
_FIELDS = {"opens_at": "opens-day", "closes_at": "closes-day", "options": "kind"}
_DONE = {
    "drafted": "The ballot has been drafted.",
    "options": "The ballot's options have been listed.",
    "opened": "The ballot is open: its list of voters is fixed.",
    "counted": "The ballot has been closed and counted.",
    "invited": "Members can now propose options until the time you set.",
    "listed": "The proposal is now an option on the ballot.",
    "declined": "The proposal has been declined; members can see your reason.",
    "amended": "The rules have been amended: the new version is in force.",
}


class Elector(msgspec.Struct, frozen=True):
    """An elector who has not voted yet, and the e-mail address a reminder goes to."""

    member_id: UUID
    membership_number: int | None
    name: str
    preferred_name: str
    member_class: str
    email: str


async def not_voted(pool: asyncpg.Pool, ballot_id: UUID) -> list[Elector]:
    """Electors who have not voted yet, with their names: reminders go only to them."""
    rows = await pool.fetch(
        "SELECT e.member_id, m.membership_number, m.name, m.preferred_name, e.member_class,"
        " m.email FROM ballot_electors e JOIN members m ON m.member_id = e.member_id"
        " WHERE e.ballot_id = $1 AND e.voted_at IS NULL AND m.erased_on IS NULL"
        " ORDER BY m.membership_number",
        ballot_id,
    )
    return [Elector(*r) for r in rows]


async def declarations(pool: asyncpg.Pool, ballot_id: UUID) -> list[tuple[str, str]]:
    rows = await pool.fetch(
        "SELECT m.name, d.interest FROM ballot_declarations d JOIN members m"
        " ON m.member_id = d.member_id WHERE d.ballot_id = $1 ORDER BY m.membership_number",
        ballot_id,
    )
    return [(r["name"], r["interest"]) for r in rows]


async def _meetings(pool: asyncpg.Pool) -> dict[str, str]:
    return {
        str(m.meeting_id): f"{m.title}, {m.starts_at:%-d %B %Y}" for m in await meetings_list(pool)
    }


# The list and a new ballot ------------------------------------------------------------


@get("/trustees/ballots", opt=TRUSTEES)
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
    return page(
        request,
        "governance/new_ballot.html",
        status=status,
        errors=checked.summary(),
        field_errors=checked.errors,
        values=checked.values,
        kinds=KIND_NAMES,
        topics=TOPICS,
        meetings=await _meetings(s.pool),
    )


@get("/trustees/ballots/new", opt=TRUSTEES)
async def new_ballot_form(request: Request[Any, Any, Any]) -> Template:
    return await _new_form(request, Checked(values={"topic": "general", "special": "no"}))


async def _most_seats(request: Request[Any, Any, Any]) -> int:
    s = services(request.app)
    try:
        return (await s.run(s.coop.rules_in_force)).rules.trustee_seats
    except RulesNotAdopted:
        return 1


@post("/trustees/ballots/new", opt=TRUSTEES, status_code=303)
async def draft_ballot(request: Request[Any, Any, Any]) -> Template | Redirect:
    s = services(request.app)
    answer, checked = check_ballot(
        await form_of(request),
        s.clock.now(),
        meetings=await _meetings(s.pool),
        most_seats=await _most_seats(request),
    )
    status = 422
    if answer is not None:
        try:
            done = await s.run(
                s.coop.draft_ballot, by=request.state.user.account_id, **answer._asdict()
            )
        except CoopError as e:
            field = getattr(e, "field", None) or "kind"
            checked.problem(_FIELDS.get(field, field), str(e))
            status = e.status
        else:
            await s.seen(done.position, "governance")
            return see_other(f"/trustees/ballots/{done.subject}?done=drafted")
    return await _new_form(request, checked, status=status)


# One ballot ----------------------------------------------------------------------------


async def _ballot(request: Request[Any, Any, Any], ballot_id: UUID) -> BallotView:
    found = await ballot(services(request.app).pool, ballot_id)
    if found is None:
        raise NotFoundException("There is no ballot with that reference.")
    return found


async def _continuing(pool: asyncpg.Pool, b: BallotView) -> list[str]:
    """The trustees an election counted as continuing in office, by name, class and term."""
    fixed = b.seats_reserved
    if fixed is None or not fixed.continuing:
        return []
    names = dict(
        await pool.fetch(
            "SELECT member_id, name FROM members WHERE member_id = ANY($1)",
            [t.member_id for t in fixed.continuing],
        )
    )
    return [
        f"{names.get(t.member_id, 'A former member')} ({one_of(t.member_class)},"
        f" appointed {t.appointed_on:%-d %B %Y})"
        for t in fixed.continuing
    ]


async def _admin_page(
    request: Request[Any, Any, Any],
    b: BallotView,
    checked: Checked | None = None,
    *,
    status: int = 200,
    done: str | None = None,
) -> Template:
    s = services(request.app)
    checked = checked or Checked()
    counts = sorted(
        await turnout(s.pool, b.ballot_id), key=lambda t: in_class_order(t.member_class)
    )
    electorate, voted = sum(t.electorate for t in counts), sum(t.voted for t in counts)
    members = await current_members(s.pool) if b.state == "drafted" else []
    waiting = await not_voted(s.pool, b.ballot_id)
    values = {"candidates": [o["id"] for o in b.options], **window_values(b), **checked.values}
    proposed = await proposals(s.pool, b.ballot_id) if b.kind == BallotKind.REINVESTMENT else []
    return page(
        request,
        "governance/ballot.html",
        status=status,
        errors=checked.summary(),
        field_errors=checked.errors,
        values=values,
        ballot=b,
        kind_name=KIND_NAMES.get(b.kind, b.kind),
        state=STATES.get(b.state, b.state),
        topic=TOPICS.get(b.topic, b.topic),
        opens=when(b.opens_at),
        closes=when(b.closes_at),
        budget=money(b.budget_pence),
        reservation=reservation(b),
        continuing=await _continuing(s.pool, b),
        options=[
            {
                **o,
                "cost": money(o.get("cost_pence", 0)),
                "benefits_text": BENEFITS.get(o.get("benefits", ""), ""),
                "class_text": class_name(o.get("member_class", "")),
            }
            for o in b.options
        ],
        listed=sum(o.get("cost_pence", 0) for o in b.options),
        money=money,
        members=members,
        class_name=class_name,
        benefits=BENEFITS,
        declarations=await declarations(s.pool, b.ballot_id),
        turnout_rows=[
            (
                class_name(t.member_class),
                t.electorate,
                t.voted,
                percent(Fraction(t.voted, t.electorate)),
            )
            for t in counts
            if t.electorate
        ],
        turnout_total=(electorate, voted, percent(Fraction(voted, electorate or 1))),
        waiting=waiting,
        no_email=[e for e in waiting if not e.email],
        proposals=[(p, costing_text(p, b.period)) for p in proposed],
        proposal_states=PROPOSAL_STATES,
        proposer_text=proposer_text,
        undecided=sum(p.state == "proposed" for p in proposed),
        proposals_until=when(b.proposals_until) if b.proposals_until else "",
        proposals_open=b.proposals_until is not None and s.clock.now() < b.proposals_until,
        today=f"{s.clock.now().astimezone(UK):%-d %-m %Y}",
        is_open=b.state == "open" and s.clock.now() < b.closes_at,
        done=done or _DONE.get(request.query_params.get("done", "")),
        proposal=await proposal(s.pool, b.ballot_id),
    )


@get("/trustees/ballots/{ballot_id:uuid}", opt=TRUSTEES)
async def ballot_admin(request: Request[Any, Any, Any], ballot_id: FromPath[UUID]) -> Template:
    reminded = request.query_params.get("reminded", "")
    done = None
    if reminded.isdigit():
        n = int(reminded)
        done = f"{n} reminder{'' if n == 1 else 's'} sent to electors who have not voted yet."
    return await _admin_page(request, await _ballot(request, ballot_id), done=done)


Command = Callable[[Coop], Done]


async def _act(
    request: Request[Any, Any, Any],
    b: BallotView,
    checked: Checked,
    command: Command | None,
    *,
    done: str,
    field: str,
    fields: dict[str, str] | None = None,
) -> Template | Redirect:
    """Run ``command`` if the answers were good; else show the ballot's page with the errors.

    A refusal goes under ``field``, or under the page's field for the one it names
    (``fields`` maps the command's names to the page's).
    """
    s = services(request.app)
    status = 422
    if command is not None and checked.ok:
        try:
            ran = await s.run(command, s.coop)
        except NotFound:
            raise
        except CoopError as e:
            named = (fields or {}).get(getattr(e, "field", None) or "", field)
            checked.problem(named, str(e))
            status = e.status
        else:
            await s.seen(ran.position, "governance")
            return see_other(f"/trustees/ballots/{b.ballot_id}?done={done}")
    return await _admin_page(request, b, checked, status=status)


@post("/trustees/ballots/{ballot_id:uuid}/candidates", opt=TRUSTEES, status_code=303)
async def list_candidates(
    request: Request[Any, Any, Any], ballot_id: FromPath[UUID]
) -> Template | Redirect:
    b = await _ballot(request, ballot_id)
    members = {
        str(m.member_id): (m.name, m.member_class)
        for m in await current_members(services(request.app).pool)
    }
    options, checked = check_candidates(await form_of(request), members)
    if b.kind != BallotKind.ELECTION:
        checked.problem("candidates", "Only an election has candidates")
    by = request.state.user.account_id
    command: Command | None = None
    if options is not None:

        def command(coop: Coop) -> Done:
            return coop.list_options(ballot_id, options, by=by)

    return await _act(request, b, checked, command, done="options", field="candidates")


def _listed(b: BallotView) -> tuple[Option, ...]:
    return tuple(msgspec.convert(o, Option) for o in b.options)


@post("/trustees/ballots/{ballot_id:uuid}/options", opt=TRUSTEES, status_code=303)
async def add_option(
    request: Request[Any, Any, Any], ballot_id: FromPath[UUID]
) -> Template | Redirect:
    b = await _ballot(request, ballot_id)
    option, checked = check_reinvestment_option(await form_of(request), b.options, b.budget_pence)
    if b.kind != BallotKind.REINVESTMENT:
        checked.problem("label", "Only a reinvestment ballot has costed options")
    by = request.state.user.account_id
    command: Command | None = None
    if option is not None:

        def command(coop: Coop) -> Done:
            return coop.list_options(ballot_id, (*_listed(b), option), by=by)

    return await _act(request, b, checked, command, done="options", field="label")


@post("/trustees/ballots/{ballot_id:uuid}/options/remove", opt=TRUSTEES, status_code=303)
async def remove_option(
    request: Request[Any, Any, Any], ballot_id: FromPath[UUID]
) -> Template | Redirect:
    b = await _ballot(request, ballot_id)
    gone = _one(await form_of(request), "option")
    checked = Checked()
    kept = tuple(o for o in _listed(b) if o.id != gone)
    if len(kept) == len(b.options):
        checked.problem("options", "That option is not on this ballot")
    by = request.state.user.account_id

    def command(coop: Coop) -> Done:
        return coop.list_options(ballot_id, kept, by=by)

    return await _act(request, b, checked, command, done="options", field="options")


@post("/trustees/ballots/{ballot_id:uuid}/open", opt=TRUSTEES, status_code=303)
async def open_now(
    request: Request[Any, Any, Any], ballot_id: FromPath[UUID]
) -> Template | Redirect:
    s = services(request.app)
    b = await _ballot(request, ballot_id)
    # The electorate and the trustees come from the members read model: let it catch up first.
    head = await s.pool.fetchval("SELECT coalesce(max(notification_id), 0) FROM coop_events")
    await s.seen(head, "members")
    electorate = await current_electorate(s.pool)
    trustees = await trustees_in_office(s.pool)

    def command(coop: Coop) -> Done:
        return coop.open_ballot(ballot_id, electorate, trustees)

    return await _act(request, b, Checked(), command, done="opened", field="open")


@post("/trustees/ballots/{ballot_id:uuid}/close", opt=TRUSTEES, status_code=303)
async def close_now(
    request: Request[Any, Any, Any], ballot_id: FromPath[UUID]
) -> Template | Redirect:
    b = await _ballot(request, ballot_id)

    def command(coop: Coop) -> Done:
        return coop.close_ballot(ballot_id)

    return await _act(request, b, Checked(), command, done="counted", field="")


@post("/trustees/ballots/{ballot_id:uuid}/remind", opt=TRUSTEES, status_code=303)
async def remind(request: Request[Any, Any, Any], ballot_id: FromPath[UUID]) -> Template | Redirect:
    """One e-mail to each elector who has not voted yet and has an e-mail address."""
    s = services(request.app)
    b = await _ballot(request, ballot_id)
    now = s.clock.now()
    if b.state != "open" or now >= b.closes_at:
        checked = Checked()
        checked.problem("", "Reminders can only be sent while the ballot is open")
        return await _admin_page(request, b, checked, status=409)
    waiting = [e for e in await not_voted(s.pool, ballot_id) if e.email]
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


@post("/trustees/ballots/{ballot_id:uuid}/amend-rules", opt=TRUSTEES, status_code=303)
async def amend_rules(
    request: Request[Any, Any, Any], ballot_id: FromPath[UUID]
) -> Template | Redirect:
    """Apply the rules a carried special resolution proposed, with its minute reference."""
    b = await _ballot(request, ballot_id)
    checked = Checked()
    reference = text(
        checked,
        await form_of(request),
        "reference",
        label="The minute reference",
        missing="Enter the minute or resolution reference for this change",
        max_length=200,
    )

    def command(coop: Coop) -> Done:
        return coop.amend_rules(ballot_id, reference=reference)

    s = services(request.app)
    answer = await _act(request, b, checked, command, done="amended", field="reference")
    if isinstance(answer, Redirect):
        # The rules page reads the rules projection: let it catch up before going there.
        head = await s.pool.fetchval("SELECT coalesce(max(notification_id), 0) FROM coop_events")
        await s.seen(head, "rules")
    return answer
