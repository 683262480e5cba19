"""The trustees' page for one ballot, and running a change to the ballot from it.

The ballot's own changes (``ballots_admin``) and the decisions on members' proposals
(``proposals_admin``) all come back to this page: with a notification when the
change was made, with the errors when it was not.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from typing import Any

import asyncpg
from litestar import Request
from litestar.response import Redirect, Template

from coop.application import Done
from coop.clock import UK
from coop.domain.governance.ballots import BallotKind
from coop.domain.governance.secrecy import small_classes
from coop.projections.finance.queries import period_of_ballot
from coop.projections.governance.queries import (
    BallotView,
    CurrentMember,
    Turnout,
    current_members,
    declarations_on,
    electors_yet_to_vote,
    names_of_members,
    proposals,
    turnout,
)
from coop.projections.governance.rules import rules_versions
from coop.web.commands import carry_out, refused_field
from coop.web.forms import Checked
from coop.web.governance.ballot_words import (
    KIND_NAMES,
    reservation,
    small_class_warnings,
    turnout_in_words,
)
from coop.web.governance.forms import BENEFITS, TOPICS
from coop.web.governance.proposal_forms import STATES as PROPOSAL_STATES
from coop.web.governance.proposal_forms import (
    costing_text,
    hours_text,
    proposer_text,
    window_values,
)
from coop.web.governance.rules_words import rules_proposed_by
from coop.web.pages import form_page
from coop.web.services import services
from coop.web.words import class_name, day, money, one_of, when

STATES = {"drafted": "Drafted", "open": "Open", "closed": "Closed", "counted": "Counted"}
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


async def _continuing(pool: asyncpg.Pool, b: BallotView) -> list[str]:
    """The trustees an election counted as continuing in office, by name, class and term."""
    fixed = b.seats_reserved
    if fixed is None or not fixed.continuing:
        return []
    names = await names_of_members(pool, [t.member_id for t in fixed.continuing])
    return [
        f"{names.get(t.member_id, 'A former member')} ({one_of(t.member_class)},"
        f" appointed {day(t.appointed_on)})"
        for t in fixed.continuing
    ]


async def ballot_admin_page(
    request: Request[Any, Any, Any],
    b: BallotView,
    checked: Checked | None = None,
    *,
    status: int = 200,
    done: str | None = None,
) -> Template:
    """The trustees' page for the ballot, with any answers and errors ``checked``."""
    s = services(request.app)
    checked = checked or Checked()
    counts = await turnout(s.pool, b.ballot_id)
    turnout_rows, turnout_total = turnout_in_words(counts)
    members = await current_members(s.pool) if b.state == "drafted" else []
    waiting = await electors_yet_to_vote(s.pool, b.ballot_id)
    values = {"candidates": [o["id"] for o in b.options], **window_values(b), **checked.values}
    proposed = await proposals(s.pool, b.ballot_id) if b.kind == BallotKind.REINVESTMENT else []
    return form_page(
        request,
        "governance/ballot.html",
        checked,
        status=status,
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
        declarations=await declarations_on(s.pool, b.ballot_id),
        turnout_rows=turnout_rows,
        turnout_total=turnout_total,
        waiting=waiting,
        no_email=[e for e in waiting if not e.email],
        proposals=[(p, costing_text(p, b.period)) for p in proposed],
        proposal_states=PROPOSAL_STATES,
        proposer_text=proposer_text,
        hours_text=hours_text,
        undecided=sum(p.state == "proposed" for p in proposed),
        proposals_until=when(b.proposals_until) if b.proposals_until else "",
        proposals_open=b.proposals_until is not None and s.clock.now() < b.proposals_until,
        today=f"{s.clock.now().astimezone(UK):%-d %-m %Y}",
        is_open=b.state == "open" and s.clock.now() < b.closes_at,
        done=done or _DONE.get(request.query_params.get("done", "")),
        proposal=await rules_proposed_by(s.pool, b.ballot_id),
        small_classes=small_class_warnings(await _small_classes(s.pool, b, members, counts)),
        from_period=await period_of_ballot(s.pool, b.ballot_id),
    )


async def _small_classes(
    pool: asyncpg.Pool, b: BallotView, members: list[CurrentMember], counts: list[Turnout]
) -> list[tuple[str, int]]:
    """The classes whose votes this secret ballot's count would give away: among the
    members of the voting classes now, while it is drafted; then its fixed electorate."""
    if b.state != "drafted":
        return small_classes(b.kind, b.secret, {t.member_class: t.electorate for t in counts})
    versions = await rules_versions(pool)
    voting = versions[-1].rules.voting_classes() if versions else None
    return small_classes(
        b.kind,
        b.secret,
        Counter(m.member_class for m in members if voting is None or m.member_class in voting),
    )


async def change_ballot(
    request: Request[Any, Any, Any],
    b: BallotView,
    checked: Checked,
    command: Callable[[], Done] | None,
    *,
    done: str,
    field: str,
    fields: Mapping[str, str] | None = None,
) -> Template | Redirect:
    """Run ``command`` if the answers were good; else show the ballot's page with the errors.

    A refusal goes under ``field``, or under the page's field for the one it names
    (``fields`` maps the command's names to the page's).
    """

    async def again(checked: Checked, status: int) -> Template:
        return await ballot_admin_page(request, b, checked, status=status)

    return await carry_out(
        request,
        checked,
        command,
        seen_by=("governance",),
        then=f"/trustees/ballots/{b.ballot_id}?done={done}",
        field=lambda e: (fields or {}).get(refused_field(e) or "", field),
        again=again,
    )
