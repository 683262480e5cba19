"""The app's own scheduler: ballots open and close on time, and visits nobody checked in
to are marked missed, with nothing to set up outside.

Every web process runs it. Two processes doing the same step at once is safe:
the second finds the ballot already opened (or counted), or the visit already
missed, and does nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from datetime import timedelta
from typing import Any, Protocol, TypeVar
from uuid import UUID

import asyncpg

from coop.application import Coop
from coop.clock import Clock
from coop.domain.errors import CoopError
from coop.domain.governance.ballots import Elector
from coop.domain.governance.rules import RulesNotAdopted
from coop.domain.governance.seats import Trustee
from coop.projections.care.queries import confirmed_visits_started_before
from coop.projections.governance.ballots import due_ballots

log = logging.getLogger(__name__)

TICK_SECONDS = 1.0
T = TypeVar("T")


class Scheduling(Protocol):
    """What the scheduler needs: the commands, the read pool, the clock, a way to run a
    command in a thread, and a wait for the read models (the web's ``Services`` has them)."""

    @property
    def coop(self) -> Coop: ...

    @property
    def pool(self) -> asyncpg.Pool: ...

    @property
    def clock(self) -> Clock: ...

    async def run(self, command: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run a command off the event loop."""

    async def seen(self, position: int, *projections: str) -> None:
        """Wait until the named projections have applied ``position``."""


async def current_electorate(pool: asyncpg.Pool) -> list[Elector]:
    """Members in good standing now: admitted, not ceased."""
    rows = await pool.fetch(
        "SELECT member_id, member_class FROM members WHERE status = 'admitted' ORDER BY member_id"
    )
    return [Elector(r["member_id"], r["member_class"]) for r in rows]


async def trustees_in_office(pool: asyncpg.Pool) -> list[Trustee]:
    """Trustees in office now, from the register of trustees: an election's reserved
    seats are fixed from them as it opens, as its electorate is from the members."""
    rows = await pool.fetch(
        "SELECT t.member_id, m.member_class, t.appointed_on FROM trustee_terms t"
        " JOIN members m ON m.member_id = t.member_id"
        " WHERE t.office = 'trustee' AND t.left_on IS NULL AND m.status = 'admitted'"
        " ORDER BY t.member_id"
    )
    return [Trustee(r["member_id"], r["member_class"], r["appointed_on"]) for r in rows]


async def tick(s: Scheduling) -> list[tuple[str, UUID]]:
    """Open and close whatever is due now; what was done, for the log and the tests."""
    head = await s.pool.fetchval("SELECT coalesce(max(notification_id), 0) FROM coop_events")
    # The electorate and the due list come from read models: let them catch up first.
    await s.seen(head, "members", "governance", "care")
    done: list[tuple[str, UUID]] = []
    for ballot in await due_ballots(s.pool, s.clock.now()):
        try:
            if ballot.state == "drafted":
                electorate = await current_electorate(s.pool)
                trustees = await trustees_in_office(s.pool)
                await s.run(s.coop.open_ballot, ballot.ballot_id, electorate, trustees)
                done.append(("opened", ballot.ballot_id))
            else:
                await s.run(s.coop.close_ballot, ballot.ballot_id)
                done.append(("counted", ballot.ballot_id))
        except CoopError as e:  # another process got there first
            log.info("Ballot %s: %s", ballot.ballot_id, e)
    return done + await mark_missed_visits(s)


async def mark_missed_visits(s: Scheduling) -> list[tuple[str, UUID]]:
    """Mark missed every confirmed visit with no check-in the rules' minutes after its start.

    The read model says which visits may be due; each visit itself decides (a
    check-in that has just arrived wins), so a visit is marked once however
    many processes tick.
    """
    try:
        minutes = await s.run(s.coop.missed_after_minutes)
    except RulesNotAdopted:
        return []
    due = await confirmed_visits_started_before(s.pool, s.clock.now() - timedelta(minutes=minutes))
    done: list[tuple[str, UUID]] = []
    for visit in due:
        try:
            if await s.run(s.coop.mark_missed, visit.visit_id) is not None:
                done.append(("missed", visit.visit_id))
        except CoopError as e:  # one visit's trouble must not hold up the others
            log.warning("Visit %s: %s", visit.visit_id, e)
    return done


async def run_scheduler(s: Scheduling, stop: asyncio.Event) -> None:
    """Tick every second until ``stop`` is set."""
    while not stop.is_set():
        try:
            await tick(s)
        except Exception:  # keep scheduling: one bad ballot must not stop the others
            log.exception("The scheduler failed a tick")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=TICK_SECONDS)
