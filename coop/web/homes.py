"""Each person's home: what concerns them now and what to do next, the most urgent first.

Built from every context's read model for the roles the person holds: a member's
ballots, proposal windows, meetings and the members they vote for as an advocate; a
trustee's applications, running ballots, ballots to count, meetings and the outbox; a
coordinator's outbox and imports. Each item links to the page where it is done.
"""

from __future__ import annotations

from datetime import datetime
from fractions import Fraction

import asyncpg
import msgspec

from coop.clock import UK
from coop.domain.care.times import monday_of
from coop.infra.mail.outbox import waiting
from coop.projections.care.queries import Status, day_board, pa_week, upcoming_visits
from coop.projections.care.staff import offered_to
from coop.projections.governance.advocacy import advocating_for
from coop.projections.governance.open_business import (
    ballots_running,
    ballots_to_count,
    meetings_ahead,
    proposal_windows_open,
)
from coop.projections.governance.queries import open_ballots_for
from coop.projections.membership.queries import applications_awaiting_decision
from coop.web.auth import User
from coop.web.words import percent, when

_MEETING_KINDS = {"agm": "Annual general meeting", "special": "Special general meeting"}


class ToDo(msgspec.Struct, frozen=True, kw_only=True):
    """One thing on a home page: a link to where it is done, and a line on why now."""

    text: str
    href: str
    detail: str
    action: bool  # something this person is asked to do (else: to know about)
    due: datetime | None = None  # the sooner, the higher on the page
    easy_read_href: str | None = None  # the Easy Read version of ``href``, if there is one


class Section(msgspec.Struct, frozen=True):
    heading: str
    items: list[ToDo]


def most_urgent_first(items: list[ToDo]) -> list[ToDo]:
    """Things to do before things to know; then by deadline, soonest first."""
    return sorted(items, key=lambda t: (not t.action, t.due is None, t.due or datetime.min))


async def member_things(pool: asyncpg.Pool, user: User, now: datetime) -> list[ToDo]:
    """Ballots open to the member (voted or not), proposal windows, meetings called,
    and ballots in which they vote for someone as their advocate."""
    items: list[ToDo] = []
    assert user.member_id is not None
    for b in await open_ballots_for(pool, [user.member_id], now):
        if b.voted:
            items.append(
                ToDo(
                    text=f"You have voted in {b.title}",
                    href=f"/ballots/{b.ballot_id}",
                    easy_read_href=f"/ballots/{b.ballot_id}/easy-read",
                    detail=f"You can change your vote until {when(b.closes_at)}.",
                    action=False,
                    due=b.closes_at,
                )
            )
        else:
            items.append(
                ToDo(
                    text=f"Vote in {b.title}",
                    href=f"/ballots/{b.ballot_id}",
                    easy_read_href=f"/ballots/{b.ballot_id}/easy-read",
                    detail=f"You have not voted yet. Voting closes at {when(b.closes_at)}.",
                    action=True,
                    due=b.closes_at,
                )
            )
    for w in await proposal_windows_open(pool, now):
        items.append(
            ToDo(
                text=f"Propose an idea for {w.title}",
                href=f"/ballots/{w.ballot_id}/proposals",
                detail=f"Members can propose how to spend the money until {when(w.until)}.",
                action=False,
                due=w.until,
            )
        )
    for m in await meetings_ahead(pool, now, general_only=True):
        items.append(
            ToDo(
                text=f"{m.title}: {when(m.starts_at)}",
                href=f"/meetings/{m.meeting_id}",
                detail=f"{_MEETING_KINDS.get(m.kind, 'General meeting')} at {m.place}. "
                "Read the notice and the agenda.",
                action=False,
                due=m.starts_at,
            )
        )
    for person in await advocating_for(pool, user.account_id):
        for b in await open_ballots_for(pool, [person.member_id], now):
            if not b.voted:
                items.append(
                    ToDo(
                        text=f"Help {person.name} vote in {b.title}",
                        href=f"/ballots/{b.ballot_id}/vote-for/{person.member_id}",
                        detail=f"{person.name} named you as their advocate. "
                        f"Voting closes at {when(b.closes_at)}.",
                        action=True,
                        due=b.closes_at,
                    )
                )
    return items


async def care_things(pool: asyncpg.Pool, user: User, now: datetime) -> list[ToDo]:
    """A user's next visits; a PA's requests waiting for an answer and their next visit."""
    items: list[ToDo] = []
    assert user.member_id is not None
    if user.has("user"):
        for v in await upcoming_visits(pool, user.member_id, now, limit=3):
            who = f"with {v.pa_name}" if v.pa_name else "no PA confirmed yet"
            items.append(
                ToDo(
                    text=f"Visit {when(v.starts_at)}",
                    href=f"/care/visits/{v.visit_id}",
                    detail=f"{v.minutes // 60}h {v.minutes % 60:02d}m, {who}.",
                    action=False,
                    due=v.starts_at,
                )
            )
    if user.has("pa"):
        for o in await offered_to(pool, user.member_id, now):
            items.append(
                ToDo(
                    text=f"Answer a request: {o.user_name}, {when(o.starts_at)}",
                    href="/pa/requests",
                    detail="A coordinator offered you this visit. Accept or decline it.",
                    action=True,
                    due=o.starts_at,
                )
            )
        local = now.astimezone(UK).date()
        shifts = [
            v
            for v in await pa_week(pool, user.member_id, monday_of(local))
            if v.ends_at > now and v.state == "confirmed"
        ]
        if shifts:
            nxt = shifts[0]
            items.append(
                ToDo(
                    text=f"Your next visit: {nxt.user_name}, {when(nxt.starts_at)}",
                    href=f"/pa/visits/{nxt.visit_id}",
                    detail=f"{len(shifts)} visit{'s' if len(shifts) != 1 else ''} left "
                    "this week. Check in from this page when you arrive.",
                    action=False,
                    due=nxt.starts_at,
                )
            )
    return items


async def care_day_things(pool: asyncpg.Pool, now: datetime) -> list[ToDo]:
    """The care day for the office: today's visits that are unfilled, late or missed."""
    board = await day_board(pool, now.astimezone(UK).date(), now)
    items = []
    for kind, words in (
        (Status.MISSED, "missed"),
        (Status.LATE, "late"),
        (Status.UNFILLED, "with no PA confirmed"),
    ):
        n = sum(v.status == kind for v in board)
        if n:
            items.append(
                ToDo(
                    text=f"{n} visit{'s' if n != 1 else ''} today {words}",
                    href="/office/care/day",
                    detail="See the day board, and call the user or find another PA.",
                    action=True,
                )
            )
    return items


async def trustee_things(pool: asyncpg.Pool, now: datetime) -> list[ToDo]:
    """Applications waiting, ballots to count, ballots running, meetings coming, and
    what waits in the outbox."""
    items: list[ToDo] = []
    if applicants := await applications_awaiting_decision(pool):
        n = len(applicants)
        items.append(
            ToDo(
                text=f"Decide {n} application{'s' if n != 1 else ''} to join",
                href="/trustees/applications",
                detail="People who asked to join are waiting for the trustees' decision.",
                action=True,
            )
        )
    for closed in await ballots_to_count(pool):
        items.append(
            ToDo(
                text=f"Count {closed.title}",
                href=f"/trustees/ballots/{closed.ballot_id}",
                detail=f"Voting closed at {when(closed.closed_at)}. "
                "Members are waiting for the result.",
                action=True,
                due=closed.closed_at,
            )
        )
    for b in await ballots_running(pool):
        turnout = percent(Fraction(b.voted, b.electorate)) if b.electorate else "0%"
        items.append(
            ToDo(
                text=f"{b.title} is open",
                href=f"/trustees/ballots/{b.ballot_id}",
                detail=f"{b.voted} of {b.electorate} members have voted so far ({turnout}). "
                f"Voting closes at {when(b.closes_at)}.",
                action=False,
                due=b.closes_at,
            )
        )
    for m in await meetings_ahead(pool, now, general_only=False):
        items.append(
            ToDo(
                text=f"{m.title}: {when(m.starts_at)}",
                href=f"/trustees/meetings/{m.meeting_id}",
                detail=f"Notice given on {m.notice_given:%-d %B %Y}. At {m.place}.",
                action=False,
                due=m.starts_at,
            )
        )
    return items + await office_things(pool)


async def office_things(pool: asyncpg.Pool) -> list[ToDo]:
    """The office's queue: mail waiting in the outbox (failures first), and importing."""
    count, failed = await waiting(pool)
    if not count:
        return []
    detail = "Messages coop has not been able to send yet."
    if failed:
        detail = f"{failed} of them could not be sent yet: check the addresses and the mail server."
    return [
        ToDo(
            text=f"{count} message{'s' if count != 1 else ''} waiting in the outbox",
            href="/office/outbox",
            detail=detail,
            action=bool(failed),
        )
    ]


async def home_for(pool: asyncpg.Pool, user: User, now: datetime) -> list[Section]:
    """The sections of this person's home, each the most urgent first."""
    sections = []
    if user.member_id is not None and user.has("member"):
        mine = await member_things(pool, user, now) + await care_things(pool, user, now)
        sections.append(Section("For you", most_urgent_first(mine)))
    if user.has("trustee") or user.has("secretary"):
        trustees = await trustee_things(pool, now)
        if user.has("coordinator"):  # the outbox is in the office's section below
            trustees = [t for t in trustees if t.href != "/office/outbox"]
        sections.append(Section("For the trustees", most_urgent_first(trustees)))
    if user.has("coordinator"):
        office = await care_day_things(pool, now) + await office_things(pool)
        sections.append(Section("For the office", most_urgent_first(office)))
    return sections
